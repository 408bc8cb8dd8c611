//! Strings borrowed from the JSON they are read from.

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
