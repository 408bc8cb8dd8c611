//! One binary is one Netlify function: a second `#[identity_event]` in the same binary is an
//! error on the second function, instead of rustc's two "defined multiple times" errors.
//!
//! rustc loads this macro crate once per crate it compiles, so process-wide state sees every
//! expansion of one binary. Editors' macro servers (rust-analyzer) live across edits and
//! re-expand freely, so the check runs only under rustc and clippy, and only for binaries:
//! tests may hold many functions, each in its own module.

use std::sync::Mutex;

static FIRST: Mutex<Option<String>> = Mutex::new(None);

/// The name of the function already annotated in this binary, if `function` is a second one.
pub(crate) fn already_annotated(function: &str) -> Option<String> {
    if std::env::var_os("CARGO_BIN_NAME").is_none() || !under_compiler() {
        return None;
    }
    let mut first = FIRST
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    match first.as_deref() {
        None => {
            *first = Some(function.to_owned());
            None
        }
        Some(name) if name == function => None,
        Some(name) => Some(name.to_owned()),
    }
}

fn under_compiler() -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| {
            exe.file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
        })
        .is_some_and(|stem| stem.starts_with("rustc") || stem.starts_with("clippy-driver"))
}
