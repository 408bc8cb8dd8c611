//! Strings borrowed from the JSON they are read from, and messages about JSON that must not
//! echo it.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{Deserializer, Visitor};

/// A string, borrowed from the input unless it had escapes (serde's own `Cow<str>` always
/// copies): object keys, and the values read on every invocation.
pub(crate) struct Text<'e>(pub(crate) Cow<'e, str>);

impl<'de: 'e, 'e> Deserialize<'de> for Text<'e> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor<'e>(std::marker::PhantomData<&'e ()>);
        impl<'de: 'e, 'e> Visitor<'de> for TextVisitor<'e> {
            type Value = Text<'e>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Text<'e>, E> {
                Ok(Text(Cow::Borrowed(value)))
            }
            fn visit_str<E>(self, value: &str) -> Result<Text<'e>, E> {
                Ok(Text(Cow::Owned(value.to_owned())))
            }
            fn visit_string<E>(self, value: String) -> Result<Text<'e>, E> {
                Ok(Text(Cow::Owned(value)))
            }
        }
        deserializer.deserialize_str(TextVisitor(std::marker::PhantomData))
    }
}

/// Replaces the contents of every `"…"` in `message` with `…`.
pub(crate) fn redact_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut parts = message.split('"');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    let mut inside = true;
    for part in parts {
        if inside {
            out.push_str("\"…\"");
        } else {
            out.push_str(part);
        }
        inside = !inside;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_hides_quoted_values_only() {
        assert_eq!(
            redact_quoted(r#"invalid type: string "secret", expected a map at line 1"#),
            r#"invalid type: string "…", expected a map at line 1"#
        );
        assert_eq!(redact_quoted("missing field `id`"), "missing field `id`");
    }
}
