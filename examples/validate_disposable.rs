//! `identity-validate`: refuses signups from disposable e-mail domains.
//!
//! Run it: `cargo run --example validate_disposable` (the sample user is allowed), or with an
//! event of your own: `cargo run --example validate_disposable -- event.json`.

use identity_runtime::{Deny, DenyStatus, User, identity_event};

/// Domains that hand out throwaway addresses.
const DISPOSABLE: [&str; 4] = [
    "mailinator.com",
    "guerrillamail.com",
    "10minutemail.com",
    "trashmail.com",
];

/// Denies a disposable or missing e-mail domain with 422; allows everyone else unchanged.
#[identity_event(validate)]
fn block_disposable(user: &User) -> Result<(), Deny> {
    let Some(domain) = user.email_domain() else {
        return Err(Deny::with_status(
            DenyStatus::UNPROCESSABLE_ENTITY,
            "the e-mail address has no domain",
        ));
    };
    if DISPOSABLE.iter().any(|d| domain.eq_ignore_ascii_case(d)) {
        return Err(Deny::new(format!("disposable e-mail domain `{domain}`")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use identity_runtime::testing::sample_user;

    #[test]
    fn disposable_domains_are_denied() {
        let mut user = sample_user();
        assert!(block_disposable(&user).is_ok());
        user.email = "x@Mailinator.com".into();
        let deny = block_disposable(&user).unwrap_err();
        assert_eq!(deny.status(), DenyStatus::FORBIDDEN);
    }
}
