use identity_runtime::{ClientContext, identity_event};

#[identity_event(login)]
fn handle(context: &ClientContext) {
    let _ = context;
}
