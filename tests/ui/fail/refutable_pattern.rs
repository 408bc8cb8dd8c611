use identity_runtime::{ClientContext, identity_event};

#[identity_event(login)]
fn handle(Some(context): Option<&ClientContext>) {
    let _ = context;
}
