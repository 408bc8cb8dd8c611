//! A direct read of the Lambda event, for the shape Netlify sends.
//!
//! Netlify sends the payload as a JSON string inside the event, so every quote in it arrives
//! escaped; serde_json unescapes it at a cost per escape that made up most of a large
//! invocation. This reader walks the event's top-level object itself and unescapes the body in
//! one pass. It answers only when it is sure: for anything it does not handle (a `\u` escape
//! that is not a whole character, a key given twice, nesting deeper than it follows, anything
//! that is not valid JSON) it answers `None`, and the event is read by serde_json, which then gives the
//! answer or the error. The tests and the `envelope` fuzz target check that whenever this reader
//! answers, serde_json answers the same.

use std::borrow::Cow;

use super::Envelope;
use crate::scanner::Scanner;
use crate::signature::SIGNATURE_HEADER;

/// Reads `event` as serde_json's reading would, or `None` when serde_json must.
pub(crate) fn scan(event: &str) -> Option<Envelope<'_>> {
    let mut s = Scanner::new(event);
    let mut scanned = Envelope {
        body: None,
        is_base64_encoded: false,
        signature: None,
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
                0 => scanned.body = s.nullable(Scanner::string)?,
                1 => {
                    scanned.is_base64_encoded = s.nullable(Scanner::boolean)?.unwrap_or(false);
                }
                2 => scanned.signature = s.nullable(headers)?.flatten(),
                3 => scanned.request_context = s.nullable(Scanner::raw_value)?,
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
    (s.i == s.text.len()).then_some(scanned)
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

/// The headers: an object of strings or `null`s; the signature, if sent (a second non-null
/// one is left to serde_json, which refuses it).
fn headers<'e>(s: &mut Scanner<'e>) -> Option<Option<Cow<'e, str>>> {
    s.expect(b'{')?;
    let mut signature = None;
    if s.eat(b'}') {
        return Some(signature);
    }
    loop {
        let name = s.string()?;
        s.expect(b':')?;
        let value = s.nullable(Scanner::string)?;
        if name.eq_ignore_ascii_case(SIGNATURE_HEADER) {
            if value.is_some() && signature.is_some() {
                return None;
            }
            signature = signature.or(value);
        }
        if !s.eat(b',') {
            s.expect(b'}')?;
            return Some(signature);
        }
    }
}
