//! A user's `user_metadata`: an object, or `null` for a user who signed up without `data`.

use std::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::model::strict::StrictMap;
use crate::model::typed::{self, MetadataError};

/// A user's `user_metadata`: what the user may edit themselves (name, avatar, preferences).
///
/// It is a JSON object; the keys Netlify's widget writes have accessors, every key is in
/// [`as_map`](Self::as_map). It is read whole, a key twice at any depth refused, before the
/// handler runs.
///
/// ```
/// use identity_runtime::UserMetadata;
///
/// let meta: UserMetadata = serde_json::from_str(r#"{"full_name":"Ada","theme":"dark"}"#).unwrap();
/// assert_eq!(meta.full_name(), Some("Ada"));
/// assert_eq!(meta.get("theme").and_then(|v| v.as_str()), Some("dark"));
/// assert_eq!(meta.as_map().len(), 2);
/// ```
#[derive(Clone, Default, PartialEq)]
pub struct UserMetadata {
    /// Shared by clones until one is edited: a change starts as a copy of the user's object,
    /// which can be large and is rarely edited.
    map: Arc<Map<String, Value>>,
    /// Sent as JSON `null`, and not edited since (the map is then empty).
    null: bool,
}

impl UserMetadata {
    /// The object GoTrue sends as `null` for a user who signed up without `data`.
    pub(crate) fn null() -> UserMetadata {
        UserMetadata {
            map: Arc::default(),
            null: true,
        }
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
        self.null
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
        self.map.get(key)
    }

    /// Whether no key is set.
    ///
    /// ```
    /// assert!(identity_runtime::UserMetadata::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Every key and value.
    ///
    /// ```
    /// # use identity_runtime::UserMetadata;
    /// let meta = UserMetadata::from(serde_json::json!({"theme": "dark"}).as_object().unwrap().clone());
    /// assert!(meta.as_map().contains_key("theme"));
    /// ```
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.map
    }

    /// The object as a map.
    ///
    /// ```
    /// # let user = identity_runtime::testing::sample_user();
    /// let mut map = user.user_metadata.into_map();
    /// map.insert("theme".into(), "dark".into());
    /// let edited = identity_runtime::UserMetadata::from(map);
    /// assert_eq!(edited.full_name(), Some("Test Person"));
    /// ```
    pub fn into_map(self) -> Map<String, Value> {
        Arc::unwrap_or_clone(self.map)
    }

    /// The object read as the site's own type, as [`AppMetadata::read`](crate::AppMetadata::read)
    /// reads `app_metadata`; `null` reads as `{}`. Handlers usually take
    /// [`UserData<T>`](crate::UserData) instead, which answers a misfit as a fault.
    ///
    /// ```
    /// use serde::Deserialize;
    ///
    /// #[derive(Deserialize)]
    /// struct Profile { full_name: String, #[serde(default)] newsletter: bool }
    ///
    /// let user = identity_runtime::testing::sample_user();
    /// let profile: Profile = user.user_metadata.read().unwrap();
    /// assert_eq!((profile.full_name.as_str(), profile.newsletter), ("Test Person", false));
    /// ```
    pub fn read<T: DeserializeOwned>(&self) -> Result<T, MetadataError> {
        // Read from the map in place: it may be large, and a handler may only want a key.
        typed::read("user_metadata", &*self.map)
    }

    /// The map to edit; from here on the object is written back as an object, not `null`.
    pub(crate) fn map_mut(&mut self) -> &mut Map<String, Value> {
        self.null = false;
        Arc::make_mut(&mut self.map)
    }

    fn str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str)
    }
}

impl From<Map<String, Value>> for UserMetadata {
    fn from(map: Map<String, Value>) -> Self {
        UserMetadata {
            map: Arc::new(map),
            null: false,
        }
    }
}

impl fmt::Debug for UserMetadata {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.null {
            return f.write_str("UserMetadata(null)");
        }
        f.debug_tuple("UserMetadata").field(&self.map).finish()
    }
}

impl Serialize for UserMetadata {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.null {
            return serializer.serialize_none();
        }
        (*self.map).serialize(serializer)
    }
}

/// Reads an object, refusing a key twice at any depth; `null` reads as an empty object that
/// remembers it was `null`.
impl<'de> Deserialize<'de> for UserMetadata {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<StrictMap>::deserialize(deserializer)? {
            Some(map) => UserMetadata::from(map.0),
            None => UserMetadata::null(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_anything_but_an_object_or_null() {
        for json in ["[]", "\"text\"", "1", r#"{"a": {"b": 1, "b": 2}}"#] {
            assert!(
                serde_json::from_str::<UserMetadata>(json).is_err(),
                "{json}"
            );
        }
    }

    #[test]
    fn null_reads_as_empty_and_is_written_back_as_null_until_an_edit() {
        let mut meta: UserMetadata = serde_json::from_str("null").unwrap();
        assert!(meta.is_null() && meta.is_empty());
        assert_eq!(serde_json::to_string(&meta).unwrap(), "null");
        assert_ne!(
            meta,
            UserMetadata::default(),
            "null and {{}} are written differently"
        );
        meta.map_mut().insert("a".into(), 1.into());
        assert!(!meta.is_null());
        assert_eq!(serde_json::to_string(&meta).unwrap(), r#"{"a":1}"#);
    }
}
