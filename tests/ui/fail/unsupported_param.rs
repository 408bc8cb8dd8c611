use identity_runtime::identity_event;

#[identity_event(signup)]
fn handle(email: String) {
    let _ = email;
}
