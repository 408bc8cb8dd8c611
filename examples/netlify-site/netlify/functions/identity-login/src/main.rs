//! `identity-login`: remembers when the user last logged in, and denies users marked `banned`.

use identity_runtime::{ClientContext, Deny, MetadataChange, User, identity_event};

#[identity_event(login)]
async fn login(user: &User, context: Option<&ClientContext>) -> Result<MetadataChange, Deny> {
    if user.has_role("banned") {
        return Err(Deny::new("the account is banned"));
    }
    let mut change = user.change();
    if let Some(previous) = user.last_sign_in_at {
        change = change.set_user("previous_login", previous.to_rfc3339());
    }
    if let Some(identity) = context.and_then(|context| context.identity.as_ref()) {
        change = change.set_app("identity_url", identity.url.clone());
    }
    Ok(change)
}
