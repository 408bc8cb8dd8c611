//! The function's log: one line per notable event on stderr, which Netlify keeps.
//!
//! Lines never carry the admin token, the signing secret or header credentials: callers pass
//! only reasons and error descriptions, whose quoted values are already redacted.

use std::fmt;

pub(crate) fn line(function: &str, message: fmt::Arguments<'_>) {
    eprintln!("[{function}] {message}");
}
