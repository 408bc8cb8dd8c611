//! An answer's JSON body, written as it is or already escaped as the Lambda answer's `body`
//! string.
//!
//! The Lambda runner posts `{"statusCode":…,"body":"<the body as a JSON string>",…}`. Writing
//! the body and then escaping it into that string went over it twice, and for a change the
//! second pass was as costly as the first (callgrind: 2.1k of a typical change's 29.3k
//! instructions went to escaping the written body). A [`BodyWriter`] writes the body once,
//! straight into the answer: serde_json writes each value through a formatter that puts the
//! escapes of both levels in at once (a quote in a value is `\\\"`), and the text an invocation
//! kept from its event goes in as it stood in the event's body string, which already has them.
//!
//! The tests check the escaped writing against serde_json's escaping of the plain one, byte for
//! byte; so does the payload scan's agreement check for every generated payload (`event.rs`).

use std::io;

use serde::Serialize;
use serde_json::ser::{CharEscape, Formatter};

/// Where a body's JSON is written: a buffer, as plain JSON or as the contents of a JSON string.
pub(crate) struct BodyWriter<'a> {
    out: &'a mut Vec<u8>,
    escaped: bool,
}

impl<'a> BodyWriter<'a> {
    /// Writes plain JSON, the body as a [`Response`](crate::Response) has it.
    pub(crate) fn plain(out: &'a mut Vec<u8>) -> BodyWriter<'a> {
        BodyWriter {
            out,
            escaped: false,
        }
    }

    /// Writes the JSON escaped as the contents of a JSON string, without its quotes.
    pub(crate) fn escaped(out: &'a mut Vec<u8>) -> BodyWriter<'a> {
        BodyWriter { out, escaped: true }
    }

    /// How much has been written to the buffer, to [`truncate`](Self::truncate) back to.
    pub(crate) fn len(&self) -> usize {
        self.out.len()
    }

    /// Drops what was written after `len`.
    pub(crate) fn truncate(&mut self, len: usize) {
        self.out.truncate(len);
    }

    /// A byte of the JSON's structure (`{`, `,`, `:`), which needs no escape at either level.
    pub(crate) fn punct(&mut self, byte: u8) {
        debug_assert!(is_plain(byte), "{byte:#x} is not punctuation");
        self.out.push(byte);
    }

    /// `"name":`, for a name that needs no escape (a field's).
    pub(crate) fn key(&mut self, name: &str) {
        debug_assert!(name.bytes().all(is_plain), "{name:?}");
        let quote: &[u8] = if self.escaped { b"\\\"" } else { b"\"" };
        self.out.extend_from_slice(quote);
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(quote);
        self.out.push(b':');
    }

    /// A value as serde_json writes it.
    ///
    /// # Errors
    /// `None` when the value's `Serialize` fails (a refused `user_metadata`); the buffer then
    /// holds part of it.
    pub(crate) fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> Option<()> {
        if self.escaped {
            let mut serializer = serde_json::Serializer::with_formatter(&mut *self.out, Escaped);
            value.serialize(&mut serializer).ok()
        } else {
            serde_json::to_writer(&mut *self.out, value).ok()
        }
    }

    /// JSON text as it stands, whitespace and escapes in it kept.
    pub(crate) fn text(&mut self, json: &str) {
        if self.escaped {
            // Writing to a `Vec` does not fail.
            let _ = escape_into(json, self.out);
        } else {
            self.out.extend_from_slice(json.as_bytes());
        }
    }

    /// JSON text as it stood inside a JSON string (the event's body), its only escapes `\"` and
    /// `\\`: those unescaped when writing plain JSON, and kept as they are when writing escaped,
    /// which is what they are for.
    ///
    /// # Errors
    /// `None` for any other escape, a bare quote or a control character, which the payload scan
    /// never keeps; the buffer then holds part of it.
    pub(crate) fn text_in_string(&mut self, raw: &str) -> Option<()> {
        if !self.escaped {
            return crate::scanner::unquote_into(raw, self.out);
        }
        let bytes = raw.as_bytes();
        let mut i = 0;
        while let Some(&byte) = bytes.get(i) {
            match byte {
                b'\\' if matches!(bytes.get(i + 1), Some(b'"' | b'\\')) => i += 2,
                b'\\' | b'"' | 0..=0x1f => return None,
                _ => i += 1,
            }
        }
        self.out.extend_from_slice(bytes);
        Some(())
    }
}

/// serde_json's compact JSON with every string's quotes and escapes escaped once more: the JSON
/// text as the contents of a JSON string. Nothing else in JSON (`{`, digits, `true`) has an
/// escape, and a string's runs without escapes have none at either level.
struct Escaped;

impl Formatter for Escaped {
    fn begin_string<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b"\\\"")
    }

    fn end_string<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b"\\\"")
    }

    fn write_char_escape<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        char_escape: CharEscape,
    ) -> io::Result<()> {
        // The escape serde_json writes, its backslash escaped, and so is a quote.
        let escaped: &[u8] = match char_escape {
            CharEscape::Quote => b"\\\\\\\"",
            CharEscape::ReverseSolidus => b"\\\\\\\\",
            CharEscape::Solidus => b"\\\\/",
            CharEscape::Backspace => b"\\\\b",
            CharEscape::FormFeed => b"\\\\f",
            CharEscape::LineFeed => b"\\\\n",
            CharEscape::CarriageReturn => b"\\\\r",
            CharEscape::Tab => b"\\\\t",
            CharEscape::AsciiControl(byte) => {
                let [high, low] = hex(byte);
                return writer.write_all(&[b'\\', b'\\', b'u', b'0', b'0', high, low]);
            }
        };
        writer.write_all(escaped)
    }

    fn write_raw_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        escape_into(fragment, writer)
    }
}

/// Whether `byte` has no escape in a JSON string (it is not `"`, `\` or a control character).
fn is_plain(byte: u8) -> bool {
    !matches!(byte, b'"' | b'\\' | 0..=0x1f)
}

/// `byte`'s two lowercase hex digits, as serde_json writes a control character's.
fn hex(byte: u8) -> [u8; 2] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    [
        DIGITS[usize::from(byte >> 4)],
        DIGITS[usize::from(byte & 0xf)],
    ]
}

/// Writes `text` escaped as serde_json escapes a string's contents, by serde_json itself.
fn escape_into<W: ?Sized + io::Write>(text: &str, out: &mut W) -> io::Result<()> {
    text.serialize(&mut serde_json::Serializer::with_formatter(out, Contents))
        .map_err(io::Error::other)
}

/// serde_json's compact formatter without a string's quotes: a string written through it is its
/// contents, escaped.
struct Contents;

impl Formatter for Contents {
    fn begin_string<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        Ok(())
    }

    fn end_string<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// serde_json's escaping of `plain` as a string's contents.
    fn serde_escaped(plain: &[u8]) -> Vec<u8> {
        let text = std::str::from_utf8(plain).unwrap();
        let quoted = serde_json::to_vec(text).unwrap();
        quoted[1..quoted.len() - 1].to_vec()
    }

    fn both(write: impl Fn(&mut BodyWriter<'_>) -> Option<()>) -> (Vec<u8>, Vec<u8>) {
        let (mut plain, mut escaped) = (b"kept".to_vec(), b"kept".to_vec());
        write(&mut BodyWriter::plain(&mut plain)).unwrap();
        write(&mut BodyWriter::escaped(&mut escaped)).unwrap();
        assert_eq!(&plain[..4], b"kept", "appends");
        assert_eq!(&escaped[..4], b"kept", "appends");
        (plain.split_off(4), escaped.split_off(4))
    }

    fn strings() -> Vec<String> {
        let mut strings: Vec<String> = (0..=0x7fu8)
            .map(|b| format!("a{}b", char::from(b)))
            .collect();
        strings.extend(
            [
                "",
                "ünïcode ✓ 𝄞 \u{2028}\u{2029}",
                "\\\"\\n",
                "\"\"",
                "\u{7f}\u{80}",
            ]
            .map(str::to_owned),
        );
        strings
    }

    #[test]
    fn a_value_written_escaped_is_serde_jsons_escaping_of_it_written_plain() {
        let mut values: Vec<Value> = strings().into_iter().map(Value::from).collect();
        values.extend([
            json!(null),
            json!(true),
            json!(-12),
            json!(u64::MAX),
            json!(1.5e300),
            json!(-0.0),
            json!([]),
            json!({}),
            json!({"a\"b": ["\u{1}", {"\\": "\n\t"}], "n": 3, "x": [1, 2.5, "y"]}),
        ]);
        values.push(Value::Object(
            strings()
                .into_iter()
                .map(|s| (s.clone(), s.into()))
                .collect(),
        ));
        for value in &values {
            let (plain, escaped) = both(|w| w.value(value));
            assert_eq!(plain, serde_json::to_vec(value).unwrap());
            assert_eq!(escaped, serde_escaped(&plain), "{value}");
        }
    }

    #[test]
    fn text_written_escaped_is_serde_jsons_escaping_of_it() {
        let mut texts = strings();
        texts.push(" {\n\t\"k\" :\r [1, \"\\u00e9\\\\\"] }\u{c}\u{8}".to_owned());
        for text in &texts {
            let (plain, escaped) = both(|w| {
                w.text(text);
                Some(())
            });
            assert_eq!(plain, text.as_bytes());
            assert_eq!(escaped, serde_escaped(&plain), "{text:?}");
        }
    }

    #[test]
    fn text_from_inside_a_string_is_unescaped_or_kept_as_it_stood() {
        for json in [
            r#"{"plan":"pro"}"#,
            r#"{"a\"b":"c\\d","e":["\\\"",{}]}"#,
            "ünïcode ✓ \u{7f}",
            "",
        ] {
            // As the JSON stands in an event's body string.
            let in_string = serde_escaped(json.as_bytes());
            let in_string = std::str::from_utf8(&in_string).unwrap();
            let (plain, escaped) = both(|w| w.text_in_string(in_string));
            assert_eq!(plain, json.as_bytes(), "{in_string}");
            assert_eq!(escaped, in_string.as_bytes(), "{in_string}");
        }
        for refused in [
            r"a\nb",
            r"a\u0022b",
            r"a\/b",
            "a\"b",
            "a\nb",
            "a\\",
            "a\u{1f}",
        ] {
            for mut writer in [
                BodyWriter::plain(&mut Vec::new()),
                BodyWriter::escaped(&mut Vec::new()),
            ] {
                if writer.escaped || refused.contains('\\') {
                    assert_eq!(writer.text_in_string(refused), None, "{refused:?}");
                }
            }
        }
    }

    #[test]
    fn keys_and_punctuation_are_escaped_as_serde_json_escapes_them() {
        let (plain, escaped) = both(|w| {
            w.punct(b'{');
            w.key("app_metadata");
            w.value("x")?;
            w.punct(b'}');
            Some(())
        });
        assert_eq!(plain, br#"{"app_metadata":"x"}"#);
        assert_eq!(escaped, serde_escaped(&plain));
    }

    #[test]
    fn a_writer_truncates_back_to_a_length() {
        let mut out = Vec::new();
        let mut writer = BodyWriter::escaped(&mut out);
        writer.punct(b'{');
        let at = writer.len();
        writer.text("\"x\"");
        writer.truncate(at);
        writer.punct(b'}');
        assert_eq!(out, b"{}");
    }
}
