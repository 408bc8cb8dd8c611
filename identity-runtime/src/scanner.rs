//! A direct reader of JSON text, for the shapes Netlify sends: the primitives the readers of
//! the event, its payload and the client context are built from.
//!
//! Every method answers `None` when it is not sure it reads as serde_json would (a `\u` escape
//! that is not a whole character, nesting deeper than [`MAX_DEPTH`], anything that is not valid
//! JSON); its callers then leave the whole text to serde_json, which gives the answer or the
//! error. Nothing here reports an error of its own.

use std::borrow::Cow;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::strict::{self, StrictValue};

/// Deeper than this, skipped values are left to serde_json.
pub(crate) const MAX_DEPTH: usize = 64;

/// A position in a JSON text.
///
/// With `IN_STRING`, the JSON text is read where it stands inside a JSON string, as the payload
/// stands in the Lambda event's `body`, without unescaping it first: each of its quotes is
/// there as `\"` and each of its backslashes as `\\`, and a raw `"` ends it. The scanner then
/// answers `None` for whatever else the outer string may escape (whitespace other than a space,
/// a `\u` or `\/` escape of the outer string) and for a string it reads (rather than skips)
/// that holds escapes of its own: the caller unescapes the outer string and reads the text
/// again, unescaped.
pub(crate) struct Scanner<'e, const IN_STRING: bool = false> {
    /// The whole text (with `IN_STRING`, the text the string stands in).
    pub(crate) text: &'e str,
    /// The index of the next byte to read.
    pub(crate) i: usize,
}

impl<'e> Scanner<'e> {
    pub(crate) fn new(text: &'e str) -> Self {
        Scanner { text, i: 0 }
    }
}

impl<'e> Scanner<'e, true> {
    /// The JSON text inside the string whose contents start at `i` in `text` (just after its
    /// opening quote).
    pub(crate) fn in_string(text: &'e str, i: usize) -> Self {
        Scanner { text, i }
    }

    /// Whether only spaces are left of the JSON text before the string's closing quote (not
    /// consumed).
    pub(crate) fn at_closing_quote(&mut self) -> bool {
        self.whitespace();
        self.bytes().get(self.i) == Some(&b'"')
    }
}

impl<'e, const IN_STRING: bool> Scanner<'e, IN_STRING> {
    pub(crate) fn bytes(&self) -> &'e [u8] {
        self.text.as_bytes()
    }

    pub(crate) fn whitespace(&mut self) {
        if IN_STRING {
            // A raw tab or line break cannot stand in a string, an escaped one is not read.
            while self.bytes().get(self.i) == Some(&b' ') {
                self.i += 1;
            }
            return;
        }
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes().get(self.i) {
            self.i += 1;
        }
    }

    /// The next byte after whitespace, not consumed. With `IN_STRING`, `"` stands for `\"`, and
    /// the string's own end (a raw `"`) or any other escape of it is `None`.
    // Inlined where LLVM agrees (`peek`, `eat_quote_in_string`, `skip_plain`): without the hint,
    // a change elsewhere in the crate left them calls in the scan of `app_metadata`, and
    // callgrind counted 200 instructions more per typical invocation.
    #[inline]
    pub(crate) fn peek(&mut self) -> Option<u8> {
        self.whitespace();
        let byte = *self.bytes().get(self.i)?;
        if IN_STRING {
            return match byte {
                b'\\' => (self.bytes().get(self.i + 1) == Some(&b'"')).then_some(b'"'),
                b'"' => None,
                _ => Some(byte),
            };
        }
        Some(byte)
    }

    /// With `IN_STRING`, consumes a quote (`\"`) if it comes next.
    #[inline]
    fn eat_quote_in_string(&mut self) -> bool {
        self.whitespace();
        let found = self.bytes().get(self.i..self.i + 2) == Some(b"\\\"");
        if found {
            self.i += 2;
        }
        found
    }

    /// Consumes `byte` if it comes next.
    // Inlined always: left to LLVM, it became a call once the scan of `app_metadata` grew
    // (callgrind: 500 instructions of a small invocation).
    #[inline(always)]
    pub(crate) fn eat(&mut self, byte: u8) -> bool {
        if IN_STRING && byte == b'"' {
            return self.eat_quote_in_string();
        }
        // Netlify's JSON has no whitespace between tokens: the byte is usually right here.
        if self.bytes().get(self.i) == Some(&byte) {
            self.i += 1;
            return true;
        }
        let next = self.peek() == Some(byte);
        if next {
            self.i += 1;
        }
        next
    }

    pub(crate) fn expect(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }

    pub(crate) fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.i.checked_add(word.len())?;
        (self.bytes().get(self.i..end)? == word).then(|| self.i = end)
    }

    /// `null` (as `Some(None)`) or what `read` reads (as `Some(Some(_))`).
    pub(crate) fn nullable<T>(
        &mut self,
        read: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<Option<T>> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            Some(None)
        } else {
            read(self).map(Some)
        }
    }

    pub(crate) fn boolean(&mut self) -> Option<bool> {
        match self.peek()? {
            b't' => self.literal(b"true").map(|()| true),
            b'f' => self.literal(b"false").map(|()| false),
            _ => None,
        }
    }

    /// A string, decoded: borrowed when it has no escapes. `None` for a `\u` escape that is not
    /// a whole character (a lone surrogate), a control character, or an invalid escape.
    ///
    /// Inlined always, and the unescaping kept in a function of its own: most strings are short
    /// keys and values without escapes, and a call into the whole reader, which saves and
    /// restores six registers for the unescaping's sake, was a fifth of their cost.
    #[inline(always)]
    pub(crate) fn string(&mut self) -> Option<Cow<'e, str>> {
        self.expect(b'"')?;
        let start = self.i;
        self.i = skip_plain(self.bytes(), self.i);
        if IN_STRING {
            // Its closing quote, `\"`; an escape of its own (`\\` and more) is not read here.
            if self.bytes().get(self.i..self.i + 2)? != b"\\\"" {
                return None;
            }
            self.i += 2;
            return self.text.get(start..self.i - 2).map(Cow::Borrowed);
        }
        match *self.bytes().get(self.i)? {
            b'"' => {
                self.i += 1;
                self.text.get(start..self.i - 1).map(Cow::Borrowed)
            }
            b'\\' => self.unescaped(start).map(Cow::Owned),
            _ => None,
        }
    }

    /// The rest of a string whose contents start at `start`, at its first escape, unescaped.
    #[inline(never)]
    fn unescaped(&mut self, start: usize) -> Option<String> {
        // Escapes: unescape the rest into a buffer the size of what is left of the input, which
        // always has room for an 8-byte store at the write position (the output never gets
        // ahead of the input).
        let bytes = self.bytes();
        let mut out = vec![0u8; bytes.len() - start];
        let mut o = self.i - start;
        out.get_mut(..o)?.copy_from_slice(bytes.get(start..self.i)?);
        loop {
            // Sixty-four bytes at a time while they last and hold only short escapes; what they
            // leave (a `\u`, an invalid escape, the last bytes) is read below.
            if unescape_blocks(bytes, &mut self.i, &mut out, &mut o)? {
                out.truncate(o);
                return String::from_utf8(out).ok();
            }
            // Plain bytes, eight at a time: each word is stored whole and the write position
            // moved past its plain bytes only, so no run needs a copy of its own.
            loop {
                match (bytes.get(self.i..self.i + 8), out.get_mut(o..o + 8)) {
                    (Some(chunk), Some(dst)) => {
                        dst.copy_from_slice(chunk);
                        let mut word = [0u8; 8];
                        word.copy_from_slice(chunk);
                        let special = special_bytes(u64::from_le_bytes(word));
                        if special != 0 {
                            let plain = (special.trailing_zeros() / 8) as usize;
                            self.i += plain;
                            o += plain;
                            break;
                        }
                        self.i += 8;
                        o += 8;
                    }
                    _ => {
                        let c = *bytes.get(self.i)?;
                        if is_special(c) {
                            break;
                        }
                        *out.get_mut(o)? = c;
                        self.i += 1;
                        o += 1;
                    }
                }
            }
            match *bytes.get(self.i)? {
                b'"' => {
                    self.i += 1;
                    out.truncate(o);
                    return String::from_utf8(out).ok();
                }
                b'\\' => {
                    let second = *bytes.get(self.i + 1)?;
                    if second == b'u' {
                        // Six or twelve bytes of input make at most four of output.
                        let c = self.unicode_escape()?;
                        let len = c.len_utf8();
                        c.encode_utf8(out.get_mut(o..o + len)?);
                        o += len;
                        continue;
                    }
                    let escaped = SHORT_ESCAPES[usize::from(second)];
                    if escaped == 0 {
                        return None;
                    }
                    *out.get_mut(o)? = escaped;
                    o += 1;
                    self.i += 2;
                }
                _ => return None,
            }
        }
    }

    /// `\uXXXX` at `self.i`, or a surrogate pair `\uD8XX\uDCXX`, as a character.
    pub(crate) fn unicode_escape(&mut self) -> Option<char> {
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

    pub(crate) fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.bytes().get(at..at + 4)?;
        digits
            .iter()
            .try_fold(0u32, |n, d| Some(n * 16 + char::from(*d).to_digit(16)?))
    }

    /// Skips a string as serde_json's `ignore_str` does: escapes checked, `\u` only for its
    /// four hex digits.
    pub(crate) fn skip_string(&mut self) -> Option<()> {
        self.expect(b'"')?;
        if IN_STRING {
            return self.skip_string_in_string();
        }
        let bytes = self.bytes();
        loop {
            self.i = skip_plain(bytes, self.i);
            match *bytes.get(self.i)? {
                b'"' => {
                    self.i += 1;
                    return Some(());
                }
                b'\\' => match *bytes.get(self.i + 1)? {
                    b'u' => {
                        self.hex4(self.i + 2)?;
                        self.i += 6;
                    }
                    second if SHORT_ESCAPES[usize::from(second)] != 0 => self.i += 2,
                    _ => return None,
                },
                _ => return None,
            }
        }
    }

    /// With `IN_STRING`, the rest of a string after its opening quote, as [`skip_string`]
    /// (Self::skip_string) skips it unescaped: its escapes arrive as `\\` and the escape's
    /// letter, itself escaped if it is `"` or `\`; it ends at `\"`.
    fn skip_string_in_string(&mut self) -> Option<()> {
        let bytes = self.bytes();
        loop {
            self.i = skip_plain(bytes, self.i);
            if *bytes.get(self.i)? != b'\\' {
                return None;
            }
            match *bytes.get(self.i + 1)? {
                b'"' => {
                    self.i += 2;
                    return Some(());
                }
                b'\\' => match *bytes.get(self.i + 2)? {
                    b'\\' if matches!(bytes.get(self.i + 3), Some(b'"' | b'\\')) => self.i += 4,
                    b'u' => {
                        self.hex4(self.i + 3)?;
                        self.i += 7;
                    }
                    b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.i += 3,
                    _ => return None,
                },
                _ => return None,
            }
        }
    }

    /// Skips any JSON value.
    pub(crate) fn skip_value(&mut self, depth: usize) -> Option<()> {
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
    pub(crate) fn number(&mut self) -> Option<()> {
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

    pub(crate) fn digits(&mut self) {
        while self.bytes().get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
    }

    /// Any value at `depth`, as it stands in the text (what serde_json's `RawValue` holds, when
    /// not `IN_STRING`).
    pub(crate) fn raw_value(&mut self, depth: usize) -> Option<&'e str> {
        self.whitespace();
        let start = self.i;
        self.skip_value(depth)?;
        self.text.get(start..self.i)
    }

    /// An object, each key handed to `entry` with the scanner at its value, which `entry`
    /// reads. Stops at the first `None`.
    // Inlined always: where LLVM chose, whether the readers' loops were inlined moved with
    // unrelated changes elsewhere in the crate (callgrind: up to 500 instructions per small
    // invocation).
    #[inline(always)]
    pub(crate) fn object(
        &mut self,
        mut entry: impl FnMut(&mut Self, Cow<'e, str>) -> Option<()>,
    ) -> Option<()> {
        self.expect(b'{')?;
        if self.eat(b'}') {
            return Some(());
        }
        loop {
            let key = self.string()?;
            self.expect(b':')?;
            entry(self, key)?;
            if !self.eat(b',') {
                return self.expect(b'}');
            }
        }
    }

    /// An array, each element read by `element`, which is called with the scanner at it.
    pub(crate) fn array(&mut self, mut element: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.expect(b'[')?;
        if self.eat(b']') {
            return Some(());
        }
        loop {
            element(self)?;
            if !self.eat(b',') {
                return self.expect(b']');
            }
        }
    }

    /// A string, as an owned `String`.
    pub(crate) fn owned(&mut self) -> Option<String> {
        self.string().map(Cow::into_owned)
    }

    /// An array of strings.
    pub(crate) fn strings(&mut self) -> Option<Vec<String>> {
        let mut list = Vec::new();
        self.array(|s| {
            list.push(s.owned()?);
            Some(())
        })?;
        Some(list)
    }

    /// The value here, checked by the scan for its extent, then read by serde_json from its own
    /// text. Its depth inside the whole text is below serde_json's limit (the scan stops at
    /// [`MAX_DEPTH`]), so serde_json reads it alone as it would in place.
    pub(crate) fn by_serde<T: DeserializeOwned>(&mut self, depth: usize) -> Option<T> {
        let raw = self.raw_value(depth)?;
        if IN_STRING {
            serde_json::from_str(&unquote(raw)?).ok()
        } else {
            serde_json::from_str(raw).ok()
        }
    }

    /// An open map's entry: its value read as [`StrictValue`] reads it ([`value`](Self::value),
    /// else serde_json), then inserted by the serde reading's own rule
    /// ([`strict::insert_new`]); a key given twice is left to serde_json, which refuses it.
    pub(crate) fn insert_new(
        &mut self,
        map: &mut Map<String, Value>,
        key: Cow<'_, str>,
        depth: usize,
    ) -> Option<()> {
        let start = self.i;
        let value = match self.value(depth) {
            Some(value) => value,
            None => {
                self.i = start;
                self.by_serde::<StrictValue>(depth)?.0
            }
        };
        strict::insert_new::<serde_json::Error>(map, key, value).ok()
    }

    /// A value built here as [`StrictValue`] reads it, for the shapes read alike without
    /// serde_json: strings this scanner reads (with `IN_STRING`, those without escapes of their
    /// own), integers serde_json keeps as integers, `true`, `false`, `null`, and arrays and
    /// objects of them, an object's keys each once. `None` for anything else (a fraction or an
    /// exponent, an integer out of range or `-0`, which serde_json makes floats), which the
    /// caller then hands to serde_json; the scanner is left anywhere.
    pub(crate) fn value(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'"' => self.owned().map(Value::String),
            b'{' => {
                let mut map = Map::new();
                self.object(|s, key| {
                    let value = s.value(depth + 1)?;
                    strict::insert_new::<serde_json::Error>(&mut map, key, value).ok()
                })?;
                Some(Value::Object(map))
            }
            b'[' => {
                let mut list = Vec::new();
                self.array(|s| {
                    list.push(s.value(depth + 1)?);
                    Some(())
                })?;
                Some(Value::Array(list))
            }
            b't' => self.literal(b"true").map(|()| Value::Bool(true)),
            b'f' => self.literal(b"false").map(|()| Value::Bool(false)),
            b'n' => self.literal(b"null").map(|()| Value::Null),
            _ => self.integer().map(Value::Number),
        }
    }

    /// Whether [`value`](Self::value) would build the value here, checked without building it:
    /// the same shapes, an object's keys each once. `None` where `value` would answer `None`,
    /// and for an object of more than [`DistinctKeys::CAPACITY`] keys or a key with escapes; the
    /// scanner is then left anywhere.
    pub(crate) fn check_value(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' => {
                let mut keys = DistinctKeys::default();
                self.object(|s, key| {
                    keys.insert(key)?;
                    s.check_value(depth + 1)
                })
            }
            b'[' => self.array(|s| s.check_value(depth + 1)),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            _ => self.integer().map(drop),
        }
    }

    /// An integer as serde_json reads one into a `Value`: `-?(0|[1-9][0-9]*)`, a `u64` when
    /// positive, an `i64` when negative; `None` for `-0`, a number out of those ranges, and one
    /// with a fraction or an exponent (serde_json's floats). Not preceded by whitespace.
    pub(crate) fn integer(&mut self) -> Option<serde_json::Number> {
        let bytes = self.bytes();
        let negative = bytes.get(self.i) == Some(&b'-');
        if negative {
            self.i += 1;
        }
        let mut magnitude: u64 = match *bytes.get(self.i)? {
            b'0' => 0,
            digit @ b'1'..=b'9' => u64::from(digit - b'0'),
            _ => return None,
        };
        self.i += 1;
        if magnitude != 0 {
            while let Some(&digit @ b'0'..=b'9') = bytes.get(self.i) {
                magnitude = magnitude
                    .checked_mul(10)?
                    .checked_add(u64::from(digit - b'0'))?;
                self.i += 1;
            }
        }
        if let Some(b'0'..=b'9' | b'.' | b'e' | b'E') = bytes.get(self.i) {
            return None;
        }
        if !negative {
            return Some(magnitude.into());
        }
        // Down to `i64::MIN`, whose magnitude is no `i64`; `-0` is a float to serde_json.
        let value = 0i64.checked_sub_unsigned(magnitude).filter(|&v| v != 0)?;
        Some(value.into())
    }

    /// Nothing but whitespace is left.
    pub(crate) fn at_end(&mut self) -> bool {
        self.whitespace();
        self.i == self.text.len()
    }
}

/// The JSON text a value skipped `IN_STRING` stands for: its `\"` and `\\` unescaped (the only
/// escapes of the outer string such a value holds). `None` for any other escape.
pub(crate) fn unquote(raw: &str) -> Option<Cow<'_, str>> {
    if !raw.contains('\\') {
        return Some(Cow::Borrowed(raw));
    }
    let mut text = Vec::with_capacity(raw.len());
    unquote_into(raw, &mut text)?;
    // Only ASCII escapes were taken off whole, between characters.
    String::from_utf8(text).ok().map(Cow::Owned)
}

/// [`unquote`], appending the JSON text to `out`; `None` for any other escape (`out` then holds
/// part of it).
pub(crate) fn unquote_into(raw: &str, out: &mut Vec<u8>) -> Option<()> {
    let mut rest = raw.as_bytes();
    while let Some(at) = rest.iter().position(|&b| b == b'\\') {
        out.extend_from_slice(rest.get(..at)?);
        let escaped = *rest.get(at + 1)?;
        if escaped != b'"' && escaped != b'\\' {
            return None;
        }
        out.push(escaped);
        rest = rest.get(at + 2..)?;
    }
    out.extend_from_slice(rest);
    Some(())
}

/// An object's keys seen so far, to find one given twice without building the object: a few on
/// the stack, as the objects of metadata have, each as it stands in the text.
pub(crate) struct DistinctKeys<'e> {
    keys: [&'e str; DistinctKeys::CAPACITY],
    len: usize,
}

impl DistinctKeys<'_> {
    /// The most keys an object checked this way has; one with more is read otherwise.
    pub(crate) const CAPACITY: usize = 8;
}

impl Default for DistinctKeys<'_> {
    fn default() -> Self {
        DistinctKeys {
            keys: [""; DistinctKeys::CAPACITY],
            len: 0,
        }
    }
}

impl<'e> DistinctKeys<'e> {
    /// Adds a key not seen before; `None` for one seen before, one too many, or one that was
    /// unescaped (and so not compared as it stands).
    pub(crate) fn insert(&mut self, key: Cow<'e, str>) -> Option<()> {
        let Cow::Borrowed(key) = key else {
            return None;
        };
        let seen = self.keys.get(..self.len)?;
        if seen.contains(&key) {
            return None;
        }
        *self.keys.get_mut(self.len)? = key;
        self.len += 1;
        Some(())
    }
}

/// Whether a scan's reading agrees with serde_json's, for the tests and the fuzz targets:
/// `Ok(true)` when the scan answered and serde_json read the same, `Ok(false)` when the scan left
/// the text to serde_json (`read` is then not called).
///
/// The two are compared by their `Debug` too: `UserMetadata`'s equality is that of its parsed
/// object, whatever form it is kept in, and its `Debug` shows the form.
///
/// # Errors
/// What differs, when the scan answered and serde_json read something else or refused.
pub(crate) fn agrees<T: PartialEq + std::fmt::Debug>(
    scanned: Option<T>,
    read: impl FnOnce() -> Result<T, String>,
) -> Result<bool, String> {
    let Some(scanned) = scanned else {
        return Ok(false);
    };
    match read() {
        Ok(read) if read == scanned && format!("{read:?}") == format!("{scanned:?}") => Ok(true),
        Ok(read) => Err(format!("the scan read {scanned:?}, serde_json {read:?}")),
        Err(err) => Err(format!(
            "the scan read {scanned:?}, serde_json refused: {err}"
        )),
    }
}

/// Fills `slot` with the value of a key seen for the first time; a second one is serde's
/// "duplicate field" error, left to serde_json.
pub(crate) fn once<T>(slot: &mut Option<T>, value: T) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value);
    Some(())
}

/// Unescapes a string's bytes from `*i` into `out` from `*o`, sixty-four bytes at a time, for
/// as long as whole blocks are left and every escape in them is a two-byte one (`\"`, `\n`, …).
/// `Some(true)` when it consumed the closing quote; `Some(false)` when it stopped at what the
/// caller reads byte by byte (a `\u`, an invalid escape, a control character, the input's
/// last bytes), with `*i` and `*o` where it stopped.
///
/// Each block's backslashes, quotes and control characters are found first, as one bit mask,
/// and the escapes are then visited through the mask: where the next one is does not wait on
/// reading the last, and the one hard-to-predict branch is per block, not per escape (Netlify's
/// body is JSON inside a JSON string, with an escape every few bytes).
fn unescape_blocks(bytes: &[u8], i: &mut usize, out: &mut [u8], o: &mut usize) -> Option<bool> {
    // A block, the byte after it (where the last escape's second byte may be) and room for a
    // 16-byte copy from anywhere in the block; the output, never ahead of the input, has as much.
    while let (Some(input), Some(output)) = (bytes.get(*i..*i + 80), out.get_mut(*o..*o + 80)) {
        let input: &[u8; 80] = input.try_into().ok()?;
        let output: &mut [u8; 80] = output.try_into().ok()?;
        // The specials not yet visited, the input bytes of the block consumed (65 when the last
        // escape took the next block's first byte) and the output bytes written.
        let mut pending = block_specials(input.first_chunk()?);
        let mut read = 0;
        let mut written = 0;
        while pending != 0 {
            let k = pending.trailing_zeros() as usize;
            // Never below `read` (the bits up to it are cleared); checked all the same.
            let run = k.checked_sub(read)?;
            copy_run(input, read, k, output, written);
            written += run;
            let special = *input.get(k)?;
            if special != b'\\' {
                // The closing quote, or what the caller reads byte by byte: a control character
                // or a byte flagged falsely (see `block_specials`).
                *i += k;
                *o += written;
                return Some(if special == b'"' {
                    *i += 1;
                    true
                } else {
                    false
                });
            }
            let decoded = SHORT_ESCAPES[usize::from(*input.get(k + 1)?)];
            if decoded == 0 {
                *i += k;
                *o += written;
                return Some(false);
            }
            *output.get_mut(written)? = decoded;
            written += 1;
            read = k + 2;
            // The backslash and the byte it escapes, which may itself be flagged.
            pending &= !(3 << k);
        }
        if read < 64 {
            copy_run(input, read, 64, output, written);
            written += 64 - read;
        }
        *i += read.max(64);
        *o += written;
    }
    Some(false)
}

/// Copies the run `input[from..to]` (`from <= to <= 64`) to `output` at `at` (`at <= from`),
/// sixteen bytes at a time: the bytes copied past the run's end are overwritten by what
/// follows it.
fn copy_run(input: &[u8; 80], from: usize, to: usize, output: &mut [u8; 80], at: usize) {
    let mut from = from;
    let mut at = at;
    while from < to {
        if let (Some(run), Some(into)) = (input.get(from..from + 16), output.get_mut(at..at + 16)) {
            into.copy_from_slice(run);
        }
        from += 16;
        at += 16;
    }
}

/// Bit `j` set for byte `j` of the 64-byte block that may be a `"`, `\` or control character:
/// eight bytes at a time, then each word's eight high bits gathered into a byte by a multiply.
/// Every such byte is flagged; a byte just after one may be flagged falsely (a borrow), which
/// the caller finds by reading the byte, and hands to the byte-by-byte reader.
fn block_specials(block: &[u8; 64]) -> u64 {
    let mut specials = 0;
    for (j, chunk) in block.chunks_exact(8).enumerate() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let flagged = special_bytes(u64::from_le_bytes(word));
        // Bit 7 of byte n to bit 56 + n, then down to bit n.
        specials |= ((flagged >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * j);
    }
    specials
}

/// The byte each two-byte escape stands for, by its second byte; 0 for `u` (six bytes or twelve)
/// and for what is not an escape.
const SHORT_ESCAPES: [u8; 256] = {
    let mut table = [0; 256];
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table[b'/' as usize] = b'/';
    table[b'b' as usize] = 0x08;
    table[b'f' as usize] = 0x0c;
    table[b'n' as usize] = b'\n';
    table[b'r' as usize] = b'\r';
    table[b't' as usize] = b'\t';
    table
};

/// The index of the first `"`, `\` or control character at or after `i`, eight bytes at a time
/// where it can.
#[inline]
fn skip_plain(bytes: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let special = special_bytes(u64::from_le_bytes(word));
        if special != 0 {
            return i + (special.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = bytes.get(i) {
        if is_special(c) {
            break;
        }
        i += 1;
    }
    i
}

/// The high bit of each byte of `word` (little-endian) that may be a `"`, `\` or control
/// character. The lowest flagged byte is always a true one (a false one only follows a true
/// one), so `trailing_zeros() / 8` is the index of the first.
fn special_bytes(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let quote = word ^ (ONES * u64::from(b'"'));
    let backslash = word ^ (ONES * u64::from(b'\\'));
    let special = (quote.wrapping_sub(ONES) & !quote)
        | (backslash.wrapping_sub(ONES) & !backslash)
        | (word.wrapping_sub(ONES * 0x20) & !word);
    special & HIGH
}

/// A byte that ends a run of plain string bytes: `"`, `\` or a control character.
fn is_special(c: u8) -> bool {
    c == b'"' || c == b'\\' || c < 0x20
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where `value` builds a value, it is the one serde_json reads; where it does not, the
    /// entry is read by serde_json all the same.
    #[test]
    fn values_built_here_are_serde_jsons() {
        // Built here: what serde_json reads alike.
        let built = [
            "0",
            "7",
            "-7",
            "18446744073709551615",
            "-9223372036854775807",
            "-9223372036854775808",
            "true",
            "false",
            "null",
            r#""plain""#,
            r#""esc\"aped\u00e9""#,
            "[]",
            r#"[1, "a", [null, {"b": false}]]"#,
            r#"{"tier": "pro", "seats": 3, "nested": {"x": [1, -2]}}"#,
            " { } ",
        ];
        // Left to serde_json: its floats, and what holds one.
        let floats = [
            "18446744073709551616",
            "-9223372036854775809",
            "-0",
            "1.5",
            "1e3",
            "-2E-3",
            r#"{"tier": "pro", "seats": 3, "nested": {"x": [1, 2.5]}}"#,
        ];
        let cases = built.map(|text| (text, true)).into_iter();
        for (text, builds) in cases.chain(floats.map(|text| (text, false))) {
            let read = crate::error::parse_json_str::<StrictValue>(text).map(|value| value.0);
            match Scanner::new(text).value(0) {
                Some(value) => assert_eq!(Ok(&value), read.as_ref(), "{text}"),
                None => assert!(!builds, "{text} was not built"),
            }
            if !builds {
                assert_eq!(
                    Scanner::new(text).value(0),
                    None,
                    "{text} is serde_json's float"
                );
            }
            // Inserted all the same, built or read by serde_json.
            let mut map = Map::new();
            let mut s = Scanner::new(text);
            let inserted = s.insert_new(&mut map, Cow::Borrowed("k"), 0).is_some();
            assert!(inserted && s.at_end(), "{text}");
            assert_eq!(Ok(&map["k"]), read.as_ref(), "{text}");
        }
        for text in [
            "01",
            "-",
            "tru",
            r#"{"a": 1, "a": 2}"#,
            r#"[{"a": [], "a": {}}]"#,
            "[1,]",
        ] {
            assert_eq!(Scanner::new(text).value(0), None, "{text}");
            // Nor by serde_json: `01` is read as far as its `0`, which leaves the `1` to fail
            // what follows.
            let mut s = Scanner::new(text);
            let read = s
                .insert_new(&mut Map::new(), Cow::Borrowed("k"), 0)
                .is_some();
            assert!(!(read && s.at_end()), "{text}");
        }
        let deep = format!("{}1{}", "[".repeat(70), "]".repeat(70));
        assert_eq!(Scanner::new(&deep).value(0), None);
    }

    #[test]
    fn unquote_takes_off_the_outer_strings_quote_and_backslash_escapes_only() {
        assert_eq!(unquote("plain"), Some(Cow::Borrowed("plain")));
        assert_eq!(
            unquote(r#"{\"a\":\"\\\"é\\\\\"}"#).as_deref(),
            Some(r#"{"a":"\"é\\"}"#)
        );
        for other in [r"\n", r"a\u0022", r"\/", "ends with \\"] {
            assert_eq!(unquote(other), None, "{other}");
        }
    }
}
