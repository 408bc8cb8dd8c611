//! The function's log: one line per notable event on stderr, which Netlify keeps.
//!
//! Lines never carry the admin token, the signing secret or header credentials: callers pass
//! only reasons and error descriptions, whose quoted values are already redacted.

use std::fmt;
use std::io::Write as _;

pub(crate) fn line(function: &str, message: fmt::Arguments<'_>) {
    write(&format_line(function, message));
}

/// The line [`line`] writes, to be written later (after the answer is posted).
pub(crate) fn format_line(function: &str, message: fmt::Arguments<'_>) -> String {
    format!("[{function}] {message}\n")
}

pub(crate) fn write(line: &str) {
    // One call with the whole line: stderr is unbuffered, and `eprintln!` would make a system
    // call per formatted piece (Lambda also keeps one write as one record).
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}
