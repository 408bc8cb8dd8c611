//! The expansion is lint-clean under the strictest lints a user may set.
#![deny(warnings, missing_docs, unreachable_pub, unused, rust_2018_idioms, unused_qualifications)]
#![deny(missing_debug_implementations, unused_results, trivial_casts, elided_lifetimes_in_paths)]

use identity_runtime::{ClientContext, MetadataChange, State, User, identity_event};

/// Shared configuration.
#[derive(Debug)]
struct Config;

fn setup() -> Result<Config, std::io::Error> {
    Ok(Config)
}

/// Gives members a role.
#[identity_event(signup, setup = setup)]
async fn handle(user: &User, _context: Option<&ClientContext>, _config: State<'_, Config>) -> MetadataChange {
    user.change().add_role("member")
}
