//! `identity-signup-background`: after a signup, hands the new user to a slow system (a CRM,
//! a mailing list) without delaying the signup. The platform answers 202 at once; the result
//! can neither block the user nor change metadata, so the handler returns `Result<(), E>`.
//!
//! Shows `setup`: the outbox is configured once per cold start and reached through `State`.
//! Run it: `cargo run --example signup_background`

use std::path::PathBuf;

use identity_runtime::{State, User, identity_event};

/// Where welcome messages go; built once per cold start.
struct Outbox {
    dir: PathBuf,
}

/// Reads `OUTBOX_DIR` (default: the system's temporary directory).
fn open_outbox() -> Result<Outbox, std::io::Error> {
    let dir = std::env::var_os("OUTBOX_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    std::fs::create_dir_all(&dir)?;
    Ok(Outbox { dir })
}

/// Writes a welcome message for the new user into the outbox.
#[identity_event(signup, background, setup = open_outbox)]
fn welcome(user: &User, outbox: State<'_, Outbox>) -> Result<(), std::io::Error> {
    let name = user.user_metadata.full_name().unwrap_or("there");
    // The user's id names the file, so a repeated delivery overwrites rather than duplicates.
    let path = outbox.dir.join(format!("welcome-{}.txt", user.id));
    std::fs::write(path, format!("To: {}\n\nWelcome, {name}!\n", user.email))
}
