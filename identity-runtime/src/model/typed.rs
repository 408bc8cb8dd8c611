//! Metadata read as the site's own serde types, and the keys such a type names.
//!
//! Reading goes through the object as JSON, so a type sees exactly what GoTrue sent (`provider`
//! and `roles` included, if it names them) and keys it does not name are left alone. Writing
//! back ([`MetadataChange::write_app`](crate::MetadataChange::write_app)) changes only the keys
//! the type names, which a struct's derived `Deserialize` lists.

use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde_json::{Map, Value};

use crate::model::text::redact_quoted;

/// Metadata that does not fit the type a handler asked for, naming where
/// (`user.app_metadata.plan: invalid type: integer `3`, expected a string`). As a parameter's
/// failure it is a fault of the function, answered 500 (or 204 with `fail_open`) and logged.
///
/// ```
/// use identity_runtime::AppMetadata;
///
/// #[derive(serde::Deserialize, Debug)]
/// struct Billing { plan: String }
///
/// let meta: AppMetadata = serde_json::from_str(r#"{"provider":"email","plan":3}"#).unwrap();
/// let err = meta.read::<Billing>().unwrap_err();
/// assert_eq!(err.to_string(), "user.app_metadata.plan: invalid type: integer `3`, expected a string");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataError {
    object: &'static str,
    path: String,
    message: String,
}

impl MetadataError {
    /// Where the misfit is, below the object: `plan`, `preferences.theme`, `roles[1]`; empty
    /// when it is the object itself.
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl fmt::Display for MetadataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "user.{}: {}", self.object, self.message)
        } else {
            write!(f, "user.{}.{}: {}", self.object, self.path, self.message)
        }
    }
}

impl std::error::Error for MetadataError {}

/// Reads `object` (`app_metadata` or `user_metadata`, as a JSON value or map) as `T`.
pub(crate) fn read<'j, T: DeserializeOwned>(
    object: &'static str,
    json: impl Deserializer<'j, Error = serde_json::Error>,
) -> Result<T, MetadataError> {
    serde_path_to_error::deserialize(json).map_err(|err| {
        let path = err.path().to_string();
        MetadataError {
            object,
            path: if path == "." { String::new() } else { path },
            // serde quotes the strings it did not expect: a misplaced token must not be logged.
            message: redact_quoted(&err.into_inner().to_string()),
        }
    })
}

/// The keys a type written as a JSON object names: a struct's fields, as its derived
/// `Deserialize` lists them (renames applied); `None` for a map, or a struct that flattens
/// another (serde lists no fields then).
pub(crate) fn named_keys<T: DeserializeOwned>() -> Option<&'static [&'static str]> {
    let mut names = None;
    // The introspecting deserializer always fails, once it has seen the fields, if any.
    let _ = T::deserialize(Introspect { names: &mut names });
    names
}

/// A deserializer that records the fields of the struct asked of it, and gives nothing.
struct Introspect<'n> {
    names: &'n mut Option<&'static [&'static str]>,
}

#[derive(Debug)]
struct Introspected;

impl fmt::Display for Introspected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("introspected")
    }
}

impl std::error::Error for Introspected {}

impl de::Error for Introspected {
    fn custom<M: fmt::Display>(_: M) -> Self {
        Introspected
    }
}

impl<'de> Deserializer<'de> for Introspect<'_> {
    type Error = Introspected;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Introspected> {
        Err(Introspected)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Introspected> {
        *self.names = Some(fields);
        Err(Introspected)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// How a typed value is written over an object: the keys it sets, and those it names but left
/// out (an `Option` skipped when `None`), which are removed.
pub(crate) struct Written {
    pub(crate) set: Map<String, Value>,
    pub(crate) removed: Vec<&'static str>,
}

/// `value` as the keys it writes, or why it cannot be written over a metadata object.
pub(crate) fn written<T>(value: &T) -> Result<Written, String>
where
    T: serde::Serialize + DeserializeOwned,
{
    let type_name = std::any::type_name::<T>();
    let set = match serde_json::to_value(value) {
        Ok(Value::Object(set)) => set,
        Ok(other) => {
            return Err(format!(
                "`{type_name}` is written as {}, not as an object of keys",
                kind(&other)
            ));
        }
        Err(err) => return Err(format!("`{type_name}` cannot be written as JSON: {err}")),
    };
    let removed = named_keys::<T>()
        .unwrap_or_default()
        .iter()
        .copied()
        .filter(|name| !set.contains_key(*name))
        .collect();
    Ok(Written { set, removed })
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    use super::*;

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Billing {
        plan: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        stripe_customer_id: Option<String>,
    }

    #[test]
    fn a_struct_names_its_fields_as_written() {
        assert_eq!(
            named_keys::<Billing>(),
            Some(&["plan", "stripeCustomerId"][..])
        );
        assert_eq!(named_keys::<Map<String, Value>>(), None);
        assert_eq!(named_keys::<String>(), None);
    }

    #[test]
    fn a_left_out_option_is_a_removed_key() {
        let written = written(&Billing {
            plan: "pro".into(),
            stripe_customer_id: None,
        })
        .unwrap();
        assert_eq!(
            Value::Object(written.set),
            serde_json::json!({"plan": "pro"})
        );
        assert_eq!(written.removed, ["stripeCustomerId"]);
    }

    #[test]
    fn only_an_object_can_be_written() {
        let err = written(&"pro".to_owned()).err().unwrap();
        assert_eq!(
            err,
            "`alloc::string::String` is written as a string, not as an object of keys"
        );
    }

    #[test]
    fn a_misfit_names_its_path_and_hides_strings() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code, reason = "read to fail")]
        struct Profile {
            preferences: Preferences,
        }
        #[derive(Debug, Deserialize)]
        #[allow(dead_code, reason = "read to fail")]
        struct Preferences {
            newsletter: bool,
        }
        let json = serde_json::json!({"preferences": {"newsletter": "s3cret"}});
        let err = read::<Profile>("user_metadata", &json).unwrap_err();
        assert_eq!(err.path(), "preferences.newsletter");
        assert_eq!(
            err.to_string(),
            "user.user_metadata.preferences.newsletter: invalid type: string \"…\", expected a boolean"
        );
        let err = read::<Profile>("user_metadata", &serde_json::json!("text")).unwrap_err();
        assert_eq!(err.path(), "");
        assert_eq!(
            err.to_string(),
            "user.user_metadata: invalid type: string \"…\", expected struct Profile"
        );
    }
}
