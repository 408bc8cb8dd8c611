//! `identity-validate`: only addresses of the domains in `ALLOWED_DOMAINS` (comma-separated)
//! may sign up; without the variable, everyone may.

use identity_runtime::{Deny, State, User, identity_event};

/// The allowed domains, read once per cold start.
fn allowed_domains() -> Result<Vec<String>, std::env::VarError> {
    match std::env::var("ALLOWED_DOMAINS") {
        Ok(list) => Ok(list
            .split(',')
            .map(|d| d.trim().to_ascii_lowercase())
            .collect()),
        Err(std::env::VarError::NotPresent) => Ok(Vec::new()),
        Err(err) => Err(err),
    }
}

#[identity_event(validate, setup = allowed_domains)]
fn validate(user: &User, allowed: State<'_, Vec<String>>) -> Result<(), Deny> {
    let domain = user.email_domain().unwrap_or_default().to_ascii_lowercase();
    if allowed.is_empty() || allowed.contains(&domain) {
        Ok(())
    } else {
        Err(Deny::new(format!("signups from `{domain}` are closed")))
    }
}
