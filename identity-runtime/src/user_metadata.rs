//! A user's `user_metadata`, kept as the JSON text it arrived as until something reads it.
//!
//! `user_metadata` is whatever the user's own app stored: a login history, preferences, often
//! many kilobytes that a validate or login function never looks at. Building a tree of JSON
//! values from it on every invocation was most of the cost of a large event, so an invocation
//! keeps the object's text (checked to be JSON, as the payload's parser skips over it) and
//! parses it, refusing duplicate keys at any depth, the first time a handler reads it.

use std::fmt;
use std::sync::{Arc, LazyLock, OnceLock};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::strict::StrictMap;

/// A user's `user_metadata`: what the user may edit themselves (name, avatar, preferences).
///
/// It is a JSON object; the keys Netlify's widget writes have accessors, every key is in
/// [`as_map`](Self::as_map).
///
/// In an invocation it is read lazily: the object's text is kept and parsed the first time a
/// handler reads it, so a handler that never does pays nothing for a large object. A duplicate
/// key in it (at any depth) refuses the invocation with 400 `invalid_payload` when it is found,
/// whatever the handler answered; until then the object reads as empty.
///
/// ```
/// use identity_runtime::UserMetadata;
///
/// let meta: UserMetadata = serde_json::from_str(r#"{"full_name":"Ada","theme":"dark"}"#).unwrap();
/// assert_eq!(meta.full_name(), Some("Ada"));
/// assert_eq!(meta.get("theme").and_then(|v| v.as_str()), Some("dark"));
/// assert_eq!(meta.as_map().len(), 2);
/// ```
#[derive(Clone)]
pub struct UserMetadata(Repr);

#[derive(Clone)]
enum Repr {
    /// As it arrived in an invocation; shared by clones, so that a refusal found through a clone
    /// (an owned `User` parameter, a change) is seen by the invocation too.
    Received(Arc<Received>),
    /// Built, deserialized or edited.
    Map(Map<String, Value>),
    /// Sent as JSON `null`, as GoTrue sends it for a user who signed up without `data`; it
    /// reads as an empty object and is written back as `null` until an edit.
    Null,
}

struct Received {
    raw: Box<str>,
    /// Whether `raw` is the object as it stood inside the event's body string, its quotes and
    /// backslashes still escaped (see [`Scanner`](crate::scanner::Scanner)'s `IN_STRING`).
    in_string: bool,
    parsed: OnceLock<Result<Map<String, Value>, String>>,
}

impl Received {
    fn parsed(&self) -> Result<&Map<String, Value>, &str> {
        self.parsed
            .get_or_init(|| {
                let text = if self.in_string {
                    // The payload scan read these escapes and no others.
                    crate::scanner::unquote(&self.raw)
                        .ok_or("its text inside the body could not be unescaped")?
                } else {
                    std::borrow::Cow::Borrowed(&*self.raw)
                };
                crate::error::parse_json_str::<StrictMap>(&text).map(|map| map.0)
            })
            .as_ref()
            .map_err(String::as_str)
    }
}

static EMPTY: LazyLock<Map<String, Value>> = LazyLock::new(Map::new);

impl UserMetadata {
    /// Keeps an object's JSON text, to be parsed when first read.
    ///
    /// # Errors
    /// When the text is not a JSON object.
    pub(crate) fn received(raw: Box<str>) -> Result<UserMetadata, &'static str> {
        Self::kept(raw, false)
    }

    /// Keeps an object's text as it stands inside the event's body string (its quotes and
    /// backslashes escaped), to be unescaped and parsed when first read.
    ///
    /// # Errors
    /// When the text does not start as a JSON object.
    pub(crate) fn received_in_string(raw: Box<str>) -> Result<UserMetadata, &'static str> {
        Self::kept(raw, true)
    }

    fn kept(raw: Box<str>, in_string: bool) -> Result<UserMetadata, &'static str> {
        if raw.trim() == "null" {
            return Ok(UserMetadata::null());
        }
        if !crate::request::starts_with_object(raw.as_bytes()) {
            return Err("expected a JSON object");
        }
        Ok(UserMetadata(Repr::Received(Arc::new(Received {
            raw,
            in_string,
            parsed: OnceLock::new(),
        }))))
    }

    /// The object GoTrue sends as `null` for a user who signed up without `data`.
    pub(crate) fn null() -> UserMetadata {
        UserMetadata(Repr::Null)
    }

    /// Whether the object was sent as JSON `null` and nothing edited it since.
    ///
    /// GoTrue stores no `user_metadata` for a user who signed up without `data` and sends it as
    /// `null`; it reads as an empty object, and is written back as `null` (which leaves GoTrue's
    /// value alone) unless an edit gave it keys.
    ///
    /// ```
    /// use identity_runtime::UserMetadata;
    ///
    /// let meta: UserMetadata = serde_json::from_str("null").unwrap();
    /// assert!(meta.is_null() && meta.is_empty() && meta.full_name().is_none());
    /// assert_eq!(serde_json::to_string(&meta).unwrap(), "null");
    /// assert!(!UserMetadata::default().is_null());
    /// ```
    pub fn is_null(&self) -> bool {
        matches!(self.0, Repr::Null)
    }

    /// `full_name`, as Netlify's identity widget sets it at signup.
    ///
    /// ```
    /// # let user = identity_runtime::testing::sample_user();
    /// assert_eq!(user.user_metadata.full_name(), Some("Test Person"));
    /// ```
    pub fn full_name(&self) -> Option<&str> {
        self.str("full_name")
    }

    /// `avatar_url`, as external providers fill it in.
    ///
    /// ```
    /// # let user = identity_runtime::testing::sample_user();
    /// assert_eq!(user.user_metadata.avatar_url(), None);
    /// ```
    pub fn avatar_url(&self) -> Option<&str> {
        self.str("avatar_url")
    }

    /// The value of `key`, if present.
    ///
    /// ```
    /// # let user = identity_runtime::testing::sample_user();
    /// assert_eq!(user.user_metadata.get("full_name"), Some(&"Test Person".into()));
    /// ```
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_map().get(key)
    }

    /// Whether no key is set.
    ///
    /// ```
    /// assert!(identity_runtime::UserMetadata::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.as_map().is_empty()
    }

    /// Every key and value.
    ///
    /// ```
    /// # use identity_runtime::UserMetadata;
    /// let meta = UserMetadata::from(serde_json::json!({"theme": "dark"}).as_object().unwrap().clone());
    /// assert!(meta.as_map().contains_key("theme"));
    /// ```
    pub fn as_map(&self) -> &Map<String, Value> {
        self.parsed().unwrap_or(&EMPTY)
    }

    /// The object as a map (empty if it was refused for a duplicate key).
    ///
    /// ```
    /// # let user = identity_runtime::testing::sample_user();
    /// let mut map = user.user_metadata.into_map();
    /// map.insert("theme".into(), "dark".into());
    /// let edited = identity_runtime::UserMetadata::from(map);
    /// assert_eq!(edited.full_name(), Some("Test Person"));
    /// ```
    pub fn into_map(self) -> Map<String, Value> {
        match self.0 {
            Repr::Map(map) => map,
            Repr::Null => Map::new(),
            Repr::Received(received) => received.parsed().cloned().unwrap_or_default(),
        }
    }

    /// Why this object was refused (a duplicate key), once it was read and found so.
    pub(crate) fn refusal(&self) -> Option<&str> {
        match &self.0 {
            Repr::Received(received) => received.parsed.get()?.as_ref().err().map(String::as_str),
            Repr::Map(_) | Repr::Null => None,
        }
    }

    /// Why this object is refused (a duplicate key), read first if it was not.
    pub(crate) fn read_refusal(&self) -> Option<&str> {
        self.parsed().err()
    }

    /// The map to edit, parsed first if it was not; `None` when the object was refused for a
    /// duplicate key (the refusal stays readable with [`refusal`](Self::refusal)).
    pub(crate) fn map_mut(&mut self) -> Option<&mut Map<String, Value>> {
        let built = match &self.0 {
            Repr::Received(received) => Some(received.parsed().ok()?.clone()),
            Repr::Null => Some(Map::new()),
            Repr::Map(_) => None,
        };
        if let Some(map) = built {
            self.0 = Repr::Map(map);
        }
        match &mut self.0 {
            Repr::Map(map) => Some(map),
            Repr::Received(_) | Repr::Null => None,
        }
    }

    fn parsed(&self) -> Result<&Map<String, Value>, &str> {
        match &self.0 {
            Repr::Received(received) => received.parsed(),
            Repr::Map(map) => Ok(map),
            Repr::Null => Ok(&EMPTY),
        }
    }

    fn str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str)
    }
}

impl Default for UserMetadata {
    fn default() -> Self {
        UserMetadata(Repr::Map(Map::new()))
    }
}

impl From<Map<String, Value>> for UserMetadata {
    fn from(map: Map<String, Value>) -> Self {
        UserMetadata(Repr::Map(map))
    }
}

/// Equal when they read the same and are both `null` or both objects: the two are written
/// back differently.
impl PartialEq for UserMetadata {
    fn eq(&self, other: &Self) -> bool {
        self.is_null() == other.is_null() && self.parsed() == other.parsed()
    }
}

impl fmt::Debug for UserMetadata {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_null() {
            return f.write_str("UserMetadata(null)");
        }
        match self.parsed() {
            Ok(map) => f.debug_tuple("UserMetadata").field(map).finish(),
            Err(refusal) => f.debug_tuple("UserMetadata").field(&refusal).finish(),
        }
    }
}

impl Serialize for UserMetadata {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.is_null() {
            return serializer.serialize_none();
        }
        match self.parsed() {
            Ok(map) => map.serialize(serializer),
            Err(refusal) => Err(serde::ser::Error::custom(format_args!(
                "user_metadata was refused: {refusal}"
            ))),
        }
    }
}

/// Reads an object eagerly, refusing duplicate keys at any depth; `null` reads as an empty
/// object that remembers it was `null`.
impl<'de> Deserialize<'de> for UserMetadata {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<StrictMap>::deserialize(deserializer).map(|map| match map {
            Some(map) => UserMetadata(Repr::Map(map.0)),
            None => UserMetadata::null(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn received(json: &str) -> UserMetadata {
        UserMetadata::received(json.into()).unwrap()
    }

    #[test]
    fn reads_a_received_object_when_asked() {
        let meta = received(r#"{"full_name": "Ada", "history": [{"at": 1}]}"#);
        assert_eq!(meta.full_name(), Some("Ada"));
        assert_eq!(
            meta,
            UserMetadata::from(
                serde_json::from_str::<Map<String, Value>>(
                    r#"{"full_name": "Ada", "history": [{"at": 1}]}"#
                )
                .unwrap()
            )
        );
        assert!(meta.refusal().is_none());
    }

    #[test]
    fn reads_an_object_kept_as_it_stood_in_the_body_string() {
        // `{"name": "a \"b\" \\ c", "b": 1}` inside the body string.
        let meta = UserMetadata::received_in_string(
            r#"{\"name\": \"a \\\"b\\\" \\\\ c\", \"b\": 1}"#.into(),
        )
        .unwrap();
        assert_eq!(
            meta.get("name").and_then(Value::as_str),
            Some(r#"a "b" \ c"#)
        );
        assert_eq!(meta.get("b"), Some(&Value::from(1)));
        let twice = UserMetadata::received_in_string(r#"{\"a\": 1, \"a\": 2}"#.into()).unwrap();
        assert!(twice.get("a").is_none());
        assert!(twice.refusal().unwrap().contains("duplicate key `a`"));
    }

    #[test]
    fn a_duplicate_key_is_found_on_first_read_and_seen_by_clones() {
        let meta = received(r#"{"a": [{"b": 1, "b": 2}]}"#);
        let clone = meta.clone();
        assert!(meta.refusal().is_none(), "not read yet");
        assert!(clone.get("a").is_none(), "a refused object reads as empty");
        assert!(meta.refusal().unwrap().contains("duplicate key `b`"));
        let mut edited = meta.clone();
        assert!(edited.map_mut().is_none());
        assert!(
            edited.refusal().is_some(),
            "a refused object stays refused after an edit"
        );
        assert!(serde_json::to_string(&meta).is_err());
    }

    #[test]
    fn refuses_anything_but_an_object_or_null() {
        for json in ["[]", "\"text\"", "1", "nul"] {
            assert!(UserMetadata::received(json.into()).is_err(), "{json}");
        }
    }

    #[test]
    fn null_reads_as_empty_and_is_written_back_as_null_until_an_edit() {
        for mut meta in [
            received("null"),
            UserMetadata::received_in_string("null".into()).unwrap(),
            serde_json::from_str("null").unwrap(),
        ] {
            assert!(meta.is_null() && meta.is_empty() && meta.refusal().is_none());
            assert_eq!(serde_json::to_string(&meta).unwrap(), "null");
            assert_ne!(
                meta,
                UserMetadata::default(),
                "null and {{}} are written differently"
            );
            meta.map_mut().unwrap().insert("a".into(), 1.into());
            assert!(!meta.is_null());
            assert_eq!(serde_json::to_string(&meta).unwrap(), r#"{"a":1}"#);
        }
    }
}
