//! Owned parameters, in any order.
use identity_runtime::{ClientContext, IdentityEvent, InvocationContext, User, identity_event};

#[identity_event(login)]
fn handle(
    context: Option<ClientContext>,
    event: IdentityEvent,
    invocation: InvocationContext,
    user: User,
) {
    assert!(context.is_none());
    assert_eq!(event.user, user);
    assert_eq!(invocation.function_name(), "identity-login");
}
