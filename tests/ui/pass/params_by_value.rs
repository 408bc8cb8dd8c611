//! Owned parameters, in any order.
use identity_runtime::{ClientContext, IdentityEvent, User, identity_event};

#[identity_event(login)]
fn handle(context: Option<ClientContext>, event: IdentityEvent, user: User) {
    assert!(context.is_none());
    assert_eq!(event.user, user);
}
