use identity_runtime::{InvocationContext, User, identity_event};

#[identity_event(login)]
fn handle(_user: &User, first: &InvocationContext, second: InvocationContext) {
    let _ = (first, second);
}
