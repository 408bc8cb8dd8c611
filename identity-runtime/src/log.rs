//! The function's log: one line per notable event on stderr, which Netlify keeps.
//!
//! Lines never carry the admin token, the signing secret or header credentials: callers pass
//! only reasons and error descriptions, whose quoted values are already redacted.

use std::fmt;
use std::io::Write as _;

pub(crate) fn line(function: &str, message: fmt::Arguments<'_>) {
    // Formatted first and written with one call: stderr is unbuffered, and `eprintln!` would
    // make a system call per formatted piece (Lambda also keeps one write as one record).
    let line = format!("[{function}] {message}\n");
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}
