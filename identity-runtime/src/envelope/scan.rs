//! A direct read of the Lambda event, for the shape Netlify sends.
//!
//! Netlify sends the payload as a JSON string inside the event, so every quote in it arrives
//! escaped; serde_json unescapes it at a cost per escape that made up most of a large
//! invocation. This reader walks the event's top-level object itself and, when the payload
//! can be read where it stands in the body string ([`scan_with`]), does not unescape the body
//! at all; otherwise it unescapes it in one pass. It answers only when it is sure: for anything it does not handle (a `\u` escape
//! that is not a whole character, a key given twice, nesting deeper than it follows, anything
//! that is not valid JSON) it answers `None`, and the event is read by serde_json, which then gives the
//! answer or the error. The tests and the `envelope` fuzz target check that whenever this reader
//! answers, serde_json answers the same.

use std::borrow::Cow;

use super::{Body, EVENT_HEADER, Envelope};
use crate::request::MAX_BODY_BYTES;
use crate::scanner::Scanner;
use crate::signature::SIGNATURE_HEADER;

/// Reads `event` as serde_json's reading would, or `None` when serde_json must.
pub(crate) fn scan(event: &str) -> Option<Envelope<'_>> {
    scan_with(event, |_| None::<()>).map(|(envelope, _)| envelope)
}

/// As [`scan`], and the body string's text read by `read_body` where it stands, still escaped:
/// Netlify's body is the payload's JSON inside a JSON string, and unescaping it first cost a
/// tenth of a small invocation's instructions and two fifths of a large one's. `read_body`'s answer is kept when it reads the whole string (it
/// stops at the closing quote), the body is not base64 and not over [`MAX_BODY_BYTES`]
/// (checked on its unescaped length, never larger); the body is then kept as it stands and
/// unescaped only if its text is asked for. Otherwise the body is unescaped here as before, and
/// `None` is the second answer.
pub(crate) fn scan_with<'e, T>(
    event: &'e str,
    read_body: impl FnOnce(&mut Scanner<'e, true>) -> Option<T>,
) -> Option<(Envelope<'e>, Option<T>)> {
    let mut read_body = Some(read_body);
    let mut in_body = None;
    let mut s = Scanner::new(event);
    let mut scanned = Envelope {
        body: None,
        is_base64_encoded: false,
        signature: None,
        netlify_event: None,
        request_context: None,
    };
    // Which known keys were seen: a second one is serde's "duplicate field" error.
    let mut seen = [false; 8];
    s.expect(b'{')?;
    if !s.eat(b'}') {
        loop {
            let key = s.string()?;
            s.expect(b':')?;
            let slot = match &*key {
                "body" => 0,
                "isBase64Encoded" => 1,
                "headers" => 2,
                "requestContext" => 3,
                "path" => 4,
                "httpMethod" => 5,
                "rawUrl" => 6,
                "queryStringParameters" => 7,
                _ => {
                    s.skip_value(0)?;
                    if s.eat(b',') {
                        continue;
                    }
                    s.expect(b'}')?;
                    break;
                }
            };
            if std::mem::replace(&mut seen[slot], true) {
                return None;
            }
            match slot {
                0 => {
                    let read = read_body
                        .take()
                        .and_then(|read| body_in_place(&mut s, read));
                    scanned.body = match read {
                        Some((raw, value)) => {
                            in_body = Some(value);
                            Some(Body::InString(raw))
                        }
                        None => s.nullable(Scanner::string)?.map(Body::Text),
                    };
                }
                1 => {
                    scanned.is_base64_encoded = s.nullable(Scanner::boolean)?.unwrap_or(false);
                }
                2 => {
                    let (signature, event) = s.nullable(headers)?.unwrap_or_default();
                    scanned.signature = signature;
                    scanned.netlify_event = event;
                }
                3 => scanned.request_context = s.nullable(|s| s.raw_value(0))?,
                4..=6 => {
                    s.nullable(Scanner::string)?;
                }
                _ => {
                    s.nullable(string_map)?;
                }
            }
            if s.eat(b',') {
                continue;
            }
            s.expect(b'}')?;
            break;
        }
    }
    s.whitespace();
    if s.i != s.text.len() {
        return None;
    }
    if scanned.is_base64_encoded {
        in_body = None;
    }
    Some((scanned, in_body))
}

/// The body string read in place by `read`: its contents as they stand and `read`'s answer,
/// with the scanner after its closing quote; `None`, with the scanner where it was, when `read`
/// does not read it whole.
fn body_in_place<'e, T>(
    s: &mut Scanner<'e>,
    read: impl FnOnce(&mut Scanner<'e, true>) -> Option<T>,
) -> Option<(&'e str, T)> {
    if s.peek()? != b'"' {
        return None;
    }
    let start = s.i + 1;
    let mut inner = Scanner::in_string(s.text, start);
    let value = read(&mut inner)?;
    if !inner.at_closing_quote() || inner.i - start > MAX_BODY_BYTES {
        return None;
    }
    s.i = inner.i + 1;
    Some((s.text.get(start..inner.i)?, value))
}

/// An object of strings (the query parameters); only its shape is checked.
fn string_map(s: &mut Scanner<'_>) -> Option<()> {
    s.expect(b'{')?;
    if s.eat(b'}') {
        return Some(());
    }
    loop {
        s.string()?;
        s.expect(b':')?;
        s.string()?;
        if !s.eat(b',') {
            return s.expect(b'}');
        }
    }
}

/// The headers that are kept, the signature and the event, each if sent.
type Kept<'e> = (Option<Cow<'e, str>>, Option<Cow<'e, str>>);

/// The headers: an object of strings or `null`s; the signature and the event header, if sent
/// (a second non-null one is left to serde_json, which refuses it).
fn headers<'e>(s: &mut Scanner<'e>) -> Option<Kept<'e>> {
    s.expect(b'{')?;
    let (mut signature, mut event) = (None, None);
    if s.eat(b'}') {
        return Some((signature, event));
    }
    loop {
        let name = s.string()?;
        s.expect(b':')?;
        let value = s.nullable(Scanner::string)?;
        let slot = if name.eq_ignore_ascii_case(SIGNATURE_HEADER) {
            Some(&mut signature)
        } else if name.eq_ignore_ascii_case(EVENT_HEADER) {
            Some(&mut event)
        } else {
            None
        };
        if let Some(slot) = slot {
            if value.is_some() && slot.is_some() {
                return None;
            }
            if slot.is_none() {
                *slot = value;
            }
        }
        if !s.eat(b',') {
            s.expect(b'}')?;
            return Some((signature, event));
        }
    }
}
