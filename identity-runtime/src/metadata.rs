//! The two metadata objects of a user: `app_metadata` and `user_metadata`.
//!
//! Netlify Identity *replaces* a metadata object with whatever a function returns; it does not
//! merge (PROTOCOL.md, "The answer GoTrue expects"). Both types therefore keep every key they
//! do not model, so that writing one back never drops anything.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A user's `app_metadata`: set by the server and by functions, never by the user.
///
/// `provider` and `roles` are typed; every other key is kept in [`AppMetadata::other`] and
/// written back out unchanged.
///
/// ```
/// use identity_runtime::AppMetadata;
///
/// let meta: AppMetadata =
///     serde_json::from_str(r#"{"provider":"email","roles":["admin"],"plan":"pro"}"#).unwrap();
/// assert_eq!(meta.provider.as_deref(), Some("email"));
/// assert!(meta.has_role("admin"));
/// assert_eq!(meta.other["plan"], "pro");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AppMetadata {
    /// `"email"` for password signups, else the external provider's name (`"github"`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// The user's roles. `None` until something sets them: GoTrue only writes the key once a
    /// role has been given, and keeping `None` apart from `Some(vec![])` round-trips exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
    /// Every other key, kept as it came.
    #[serde(flatten, deserialize_with = "crate::strict::map")]
    pub other: Map<String, Value>,
}

impl AppMetadata {
    /// The user's roles; empty when none were ever set.
    ///
    /// ```
    /// # use identity_runtime::AppMetadata;
    /// assert!(AppMetadata::default().roles().is_empty());
    /// ```
    pub fn roles(&self) -> &[String] {
        self.roles.as_deref().unwrap_or_default()
    }

    /// Whether the user has `role`.
    ///
    /// ```
    /// # use identity_runtime::AppMetadata;
    /// let meta = AppMetadata { roles: Some(vec!["editor".into()]), ..Default::default() };
    /// assert!(meta.has_role("editor") && !meta.has_role("admin"));
    /// ```
    pub fn has_role(&self, role: &str) -> bool {
        self.roles().iter().any(|r| r == role)
    }

    /// The value of a key that is neither `provider` nor `roles`.
    ///
    /// ```
    /// # use identity_runtime::AppMetadata;
    /// let meta: AppMetadata = serde_json::from_str(r#"{"plan":"pro"}"#).unwrap();
    /// assert_eq!(meta.get("plan").and_then(|v| v.as_str()), Some("pro"));
    /// ```
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.other.get(key)
    }
}

/// A user's `user_metadata`: what the user may edit themselves (name, avatar, preferences).
///
/// It is a JSON object; the keys Netlify's widget writes have accessors.
///
/// ```
/// use identity_runtime::UserMetadata;
///
/// let meta: UserMetadata = serde_json::from_str(r#"{"full_name":"Ada","theme":"dark"}"#).unwrap();
/// assert_eq!(meta.full_name(), Some("Ada"));
/// assert_eq!(meta.get("theme").and_then(|v| v.as_str()), Some("dark"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserMetadata(#[serde(deserialize_with = "crate::strict::map")] pub Map<String, Value>);

impl UserMetadata {
    /// `full_name`, as Netlify's identity widget sets it at signup.
    pub fn full_name(&self) -> Option<&str> {
        self.str("full_name")
    }

    /// `avatar_url`, as external providers fill it in.
    pub fn avatar_url(&self) -> Option<&str> {
        self.str("avatar_url")
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key)
    }

    /// Whether no key is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn str(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(Value::as_str)
    }
}
