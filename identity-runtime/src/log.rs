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

/// A denial's line, `[function] denied (status): reason`, put together without the formatting
/// machinery: it is made on the request's path of every denial, and formatting it was a
/// twelfth of a denied invocation's instructions.
pub(crate) fn denied_line(function: &str, status: u16, reason: &str) -> String {
    let mut digits = itoa::Buffer::new();
    let status = digits.format(status);
    let mut line = String::with_capacity(function.len() + status.len() + reason.len() + 16);
    for piece in ["[", function, "] denied (", status, "): ", reason, "\n"] {
        line.push_str(piece);
    }
    line
}

pub(crate) fn write(line: &str) {
    // One call with the whole line: stderr is unbuffered, and `eprintln!` would make a system
    // call per formatted piece (Lambda also keeps one write as one record).
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_denials_line_is_the_formatted_line() {
        for status in [0, 7, 10, 403, 451, 599, 1000, u16::MAX] {
            for reason in ["", "logins are closed", "ünïcode: {} %s \n"] {
                assert_eq!(
                    denied_line("identity-login", status, reason),
                    format!("[identity-login] denied ({status}): {reason}\n")
                );
            }
        }
    }
}
