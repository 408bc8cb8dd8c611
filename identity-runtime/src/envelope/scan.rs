//! A direct read of the Lambda event, for the shape Netlify sends.
//!
//! Netlify sends the payload as a JSON string inside the event, so every quote in it arrives
//! escaped; serde_json unescapes it at a cost per escape that made up most of a large
//! invocation. This reader walks the event's top-level object itself and unescapes the body in
//! one pass. It answers only when it is sure: for anything it does not handle (a `\u` escape in
//! a string it must decode, a key given twice, nesting deeper than it follows, anything that is
//! not valid JSON) it answers `None`, and the event is read by serde_json, which then gives the
//! answer or the error. The tests and the `envelope` fuzz target check that whenever this reader
//! answers, serde_json answers the same.

use std::borrow::Cow;

use crate::signature::SIGNATURE_HEADER;

/// What the scan read: the same fields as the serde_json reading.
pub(crate) struct Scanned<'e> {
    pub(crate) body: Option<Cow<'e, str>>,
    pub(crate) is_base64_encoded: Option<bool>,
    pub(crate) signature: Option<Cow<'e, str>>,
    pub(crate) request_context: Option<&'e str>,
}

/// Deeper than this, skipped values are left to serde_json.
const MAX_DEPTH: usize = 64;

/// Reads `event`, or `None` when serde_json must.
pub(crate) fn scan(event: &str) -> Option<Scanned<'_>> {
    let mut s = Scanner { text: event, i: 0 };
    let mut scanned = Scanned {
        body: None,
        is_base64_encoded: None,
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
                1 => scanned.is_base64_encoded = s.nullable(Scanner::boolean)?,
                2 => scanned.signature = s.nullable(Scanner::headers)?.flatten(),
                3 => scanned.request_context = s.nullable(Scanner::raw_value)?,
                4..=6 => {
                    s.nullable(Scanner::string)?;
                }
                _ => {
                    s.nullable(Scanner::string_map)?;
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

struct Scanner<'e> {
    text: &'e str,
    i: usize,
}

impl<'e> Scanner<'e> {
    fn bytes(&self) -> &'e [u8] {
        self.text.as_bytes()
    }

    fn whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes().get(self.i) {
            self.i += 1;
        }
    }

    /// The next byte after whitespace, not consumed.
    fn peek(&mut self) -> Option<u8> {
        self.whitespace();
        self.bytes().get(self.i).copied()
    }

    /// Consumes `byte` if it comes next.
    fn eat(&mut self, byte: u8) -> bool {
        let next = self.peek() == Some(byte);
        if next {
            self.i += 1;
        }
        next
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.i.checked_add(word.len())?;
        (self.bytes().get(self.i..end)? == word).then(|| self.i = end)
    }

    /// `null` (as `Some(None)`) or what `read` reads (as `Some(Some(_))`).
    fn nullable<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            Some(None)
        } else {
            read(self).map(Some)
        }
    }

    fn boolean(&mut self) -> Option<bool> {
        match self.peek()? {
            b't' => self.literal(b"true").map(|()| true),
            b'f' => self.literal(b"false").map(|()| false),
            _ => None,
        }
    }

    /// A string, decoded: borrowed when it has no escapes. `None` for a `\u` escape that is not
    /// a whole character (a lone surrogate), a control character, or an invalid escape.
    fn string(&mut self) -> Option<Cow<'e, str>> {
        self.expect(b'"')?;
        let start = self.i;
        self.i = skip_plain(self.bytes(), self.i);
        match *self.bytes().get(self.i)? {
            b'"' => {
                self.i += 1;
                return self.text.get(start..self.i - 1).map(Cow::Borrowed);
            }
            b'\\' => {}
            _ => return None,
        }
        // Escapes: unescape the rest into a buffer the size of what is left of the input.
        let bytes = self.bytes();
        let mut out: Vec<u8> = Vec::with_capacity(bytes.len() - start);
        out.extend_from_slice(bytes.get(start..self.i)?);
        loop {
            // A run of plain bytes (often a few between two escaped quotes), then what ends it.
            let run = self.i;
            self.i = skip_plain(bytes, self.i);
            let length = self.i - run;
            match bytes.get(run..run + 8) {
                // Copied as one 8-byte word, then cut to length: no call for a short run.
                Some(chunk) if length <= 8 => {
                    let mut word = [0u8; 8];
                    word.copy_from_slice(chunk);
                    let keep = out.len() + length;
                    out.extend_from_slice(&word);
                    out.truncate(keep);
                }
                _ => out.extend_from_slice(bytes.get(run..self.i)?),
            }
            match *bytes.get(self.i)? {
                b'"' => {
                    self.i += 1;
                    return String::from_utf8(out).ok().map(Cow::Owned);
                }
                b'\\' => {
                    let escaped = match *bytes.get(self.i + 1)? {
                        b'"' => b'"',
                        b'\\' => b'\\',
                        b'/' => b'/',
                        b'b' => 0x08,
                        b'f' => 0x0c,
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'u' => {
                            let c = self.unicode_escape()?;
                            out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                            continue;
                        }
                        _ => return None,
                    };
                    out.push(escaped);
                    self.i += 2;
                }
                _ => return None,
            }
        }
    }

    /// `\uXXXX` at `self.i`, or a surrogate pair `\uD8XX\uDCXX`, as a character.
    fn unicode_escape(&mut self) -> Option<char> {
        let first = self.hex4(self.i + 2)?;
        self.i += 6;
        if (0xD800..0xDC00).contains(&first) {
            if self.bytes().get(self.i..self.i + 2)? != b"\\u" {
                return None;
            }
            let second = self.hex4(self.i + 2)?;
            if !(0xDC00..0xE000).contains(&second) {
                return None;
            }
            self.i += 6;
            char::from_u32(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
        } else {
            char::from_u32(first)
        }
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.bytes().get(at..at + 4)?;
        digits
            .iter()
            .try_fold(0u32, |n, d| Some(n * 16 + char::from(*d).to_digit(16)?))
    }

    /// Skips a string as serde_json's `ignore_str` does: escapes checked, `\u` only for its
    /// four hex digits.
    fn skip_string(&mut self) -> Option<()> {
        self.expect(b'"')?;
        let bytes = self.bytes();
        loop {
            self.i = skip_plain(bytes, self.i);
            match *bytes.get(self.i)? {
                b'"' => {
                    self.i += 1;
                    return Some(());
                }
                b'\\' => match *bytes.get(self.i + 1)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.i += 2,
                    b'u' => {
                        self.hex4(self.i + 2)?;
                        self.i += 6;
                    }
                    _ => return None,
                },
                _ => return None,
            }
        }
    }

    /// Skips any JSON value.
    fn skip_value(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'"' => self.skip_string(),
            b'{' => {
                self.i += 1;
                if self.eat(b'}') {
                    return Some(());
                }
                loop {
                    self.skip_string()?;
                    self.expect(b':')?;
                    self.skip_value(depth + 1)?;
                    if !self.eat(b',') {
                        return self.expect(b'}');
                    }
                }
            }
            b'[' => {
                self.i += 1;
                if self.eat(b']') {
                    return Some(());
                }
                loop {
                    self.skip_value(depth + 1)?;
                    if !self.eat(b',') {
                        return self.expect(b']');
                    }
                }
            }
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    fn number(&mut self) -> Option<()> {
        let bytes = self.bytes();
        if bytes.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        match *bytes.get(self.i)? {
            b'0' => self.i += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if bytes.get(self.i) == Some(&b'.') {
            self.i += 1;
            if !bytes.get(self.i)?.is_ascii_digit() {
                return None;
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = bytes.get(self.i) {
            self.i += 1;
            if let Some(b'+' | b'-') = bytes.get(self.i) {
                self.i += 1;
            }
            if !bytes.get(self.i)?.is_ascii_digit() {
                return None;
            }
            self.digits();
        }
        Some(())
    }

    fn digits(&mut self) {
        while self.bytes().get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
    }

    /// Any value, as its text (what serde_json's `RawValue` holds).
    fn raw_value(&mut self) -> Option<&'e str> {
        self.whitespace();
        let start = self.i;
        self.skip_value(0)?;
        self.text.get(start..self.i)
    }

    /// An object of strings (the query parameters); only its shape is checked.
    fn string_map(&mut self) -> Option<()> {
        self.expect(b'{')?;
        if self.eat(b'}') {
            return Some(());
        }
        loop {
            self.string()?;
            self.expect(b':')?;
            self.string()?;
            if !self.eat(b',') {
                return self.expect(b'}');
            }
        }
    }

    /// The headers: an object of strings or `null`s; the signature, if sent (a second non-null
    /// one is left to serde_json, which refuses it).
    fn headers(&mut self) -> Option<Option<Cow<'e, str>>> {
        self.expect(b'{')?;
        let mut signature = None;
        if self.eat(b'}') {
            return Some(signature);
        }
        loop {
            let name = self.string()?;
            self.expect(b':')?;
            let value = self.nullable(Scanner::string)?;
            if name.eq_ignore_ascii_case(SIGNATURE_HEADER) {
                if value.is_some() && signature.is_some() {
                    return None;
                }
                signature = signature.or(value);
            }
            if !self.eat(b',') {
                self.expect(b'}')?;
                return Some(signature);
            }
        }
    }
}

/// The index of the first `"`, `\` or control character at or after `i`, eight bytes at a time
/// where it can.
fn skip_plain(bytes: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        let quote = word ^ (ONES * u64::from(b'"'));
        let backslash = word ^ (ONES * u64::from(b'\\'));
        let special = (quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash)
            | (word.wrapping_sub(ONES * 0x20) & !word);
        let special = special & HIGH;
        if special != 0 {
            // The lowest flagged byte is a true match (a false one only follows a true one).
            return i + (special.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = bytes.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            break;
        }
        i += 1;
    }
    i
}
