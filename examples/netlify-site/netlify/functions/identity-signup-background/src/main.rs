//! `identity-signup-background`: writes a welcome message for each new user into an outbox
//! folder (`OUTBOX_DIR`), after the platform has answered 202. While the outbox holds a file
//! named `paused`, delivery waits (up to ten minutes), as during maintenance of a mail relay.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use identity_runtime::{State, User, identity_event};

/// The outbox folder, read once per cold start.
fn outbox() -> Result<PathBuf, std::io::Error> {
    let dir = std::env::var_os("OUTBOX_DIR")
        .map_or_else(|| std::env::temp_dir().join("outbox"), PathBuf::from);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

#[identity_event(signup, background, setup = outbox)]
fn welcome(user: &User, outbox: State<'_, PathBuf>) -> Result<(), std::io::Error> {
    let started = Instant::now();
    while outbox.join("paused").exists() {
        if started.elapsed() > Duration::from_secs(600) {
            return Err(std::io::Error::other(
                "the outbox stayed paused for ten minutes",
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let name = user.user_metadata.full_name().unwrap_or("there");
    // Named by the user's id: a repeated delivery overwrites instead of sending twice.
    let message = outbox.join(format!("welcome-{}.txt", user.id));
    std::fs::write(message, format!("To: {}\n\nWelcome, {name}!\n", user.email))
}
