//! `identity-signup`: gives every new user roles from their e-mail domain, keeping all the
//! metadata they already have (the seed docs' role assignment, without its `provider` pitfall).
//!
//! Run it on the built-in sample user: `cargo run --example signup_roles`

use identity_runtime::{MetadataChange, User, identity_event};

/// Domains whose users are staff.
const STAFF_DOMAINS: [&str; 2] = ["netlify.com", "trust-this-company.com"];

/// Every user is a `member`; users of a staff domain are also `editor`.
#[identity_event(signup)]
fn assign_roles(user: &User) -> MetadataChange {
    let change = user.change().add_role("member");
    match user.email_domain() {
        Some(domain)
            if STAFF_DOMAINS
                .iter()
                .any(|staff| domain.eq_ignore_ascii_case(staff)) =>
        {
            change.add_role("editor")
        }
        _ => change,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use identity_runtime::testing::sample_user;

    #[test]
    fn staff_get_editor_and_keep_provider() {
        let change = assign_roles(&sample_user());
        let app = change.app_metadata();
        assert_eq!(app.roles(), ["member", "editor"]);
        assert_eq!(app.provider.as_deref(), Some("email"));
    }
}
