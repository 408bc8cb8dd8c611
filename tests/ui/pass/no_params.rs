//! A handler may take nothing at all.
use identity_runtime::identity_event;

#[identity_event(validate)]
fn handle() {}
