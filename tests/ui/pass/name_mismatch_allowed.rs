//! A binary whose name looks like another identity function, on purpose.
//! (This file's binary is `name_mismatch_allowed`; the check itself is tested in `naming`.)
use identity_runtime::{User, identity_event};

#[identity_event(login, allow_name_mismatch)]
fn handle(_user: &User) {}
