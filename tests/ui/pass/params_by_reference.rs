//! Every borrowed parameter kind at once.
use identity_runtime::{
    ClientContext, IdentityEvent, InvocationContext, Request, User, identity_event,
};

#[identity_event(signup)]
fn handle(
    user: &User,
    event: &IdentityEvent,
    context: Option<&ClientContext>,
    request: &Request,
    invocation: &InvocationContext,
) {
    assert_eq!(user.id, event.user.id);
    assert!(context.is_none());
    assert_eq!(request.http_method, "POST");
    assert_eq!(invocation.request_id(), "local");
}
