//! The user an identity event is about.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::model::app_metadata::AppMetadata;
use crate::model::change::MetadataChange;
use crate::model::user_metadata::UserMetadata;

/// The user of an identity event, with every field GoTrue sends (docs/protocol.md, "The payload").
///
/// Fields GoTrue only sends once they are set are `Option`s. Keys this type does not know are
/// kept in [`User::other`] and written back out, so a user round-trips without loss.
///
/// ```
/// use identity_runtime::User;
///
/// let user: User = serde_json::from_str(r#"{
///     "id": "1111a1a1-a11a-1111-aa11-aaa11111a11a", "aud": "", "role": "",
///     "email": "ada@example.com",
///     "app_metadata": {"provider": "email"}, "user_metadata": {"full_name": "Ada"},
///     "created_at": "2026-11-27T10:00:00.123456Z", "update_at": "2026-11-27T10:00:00Z"
/// }"#).unwrap();
/// assert_eq!(user.email_domain(), Some("example.com"));
/// assert!(user.confirmed_at.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// The user's id.
    pub id: Uuid,
    /// The audience; real senders may send an empty string.
    #[serde(default)]
    pub aud: String,
    /// The GoTrue role (not the `app_metadata` roles); may be an empty string.
    #[serde(default)]
    pub role: String,
    /// The e-mail address the user signed up with.
    pub email: String,
    /// Server-side metadata: provider, roles, and whatever functions set.
    // Named through `deserialize_with` so that a missing key is an error: the derive reads a
    // missing field of a type that accepts `null` as `null`, and `null` is valid here.
    #[serde(deserialize_with = "Deserialize::deserialize")]
    pub app_metadata: AppMetadata,
    /// User-editable metadata.
    #[serde(deserialize_with = "Deserialize::deserialize")]
    pub user_metadata: UserMetadata,
    /// When the user was created.
    pub created_at: DateTime<Utc>,
    /// When the user was last updated. Netlify's CLI sends this misspelt as `update_at`.
    #[serde(alias = "update_at")]
    pub updated_at: DateTime<Utc>,
    /// When the e-mail address was confirmed; absent in a `signup` event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed_at: Option<DateTime<Utc>>,
    /// When the user was invited, for invited users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invited_at: Option<DateTime<Utc>>,
    /// When the confirmation e-mail was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmation_sent_at: Option<DateTime<Utc>>,
    /// When a recovery e-mail was last sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_sent_at: Option<DateTime<Utc>>,
    /// An e-mail address waiting for confirmation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_email: Option<String>,
    /// When the e-mail change was requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_change_sent_at: Option<DateTime<Utc>>,
    /// The *previous* sign-in, in a `login` event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sign_in_at: Option<DateTime<Utc>>,
    /// Every other key, kept as it came (a key twice is refused).
    #[serde(flatten, deserialize_with = "crate::model::strict::map")]
    pub other: Map<String, Value>,
}

impl User {
    /// The part of the e-mail address after the last `@`, lower-cased by the caller if needed.
    ///
    /// ```
    /// # let user = identity_runtime::testing::sample_user();
    /// assert_eq!(user.email_domain(), Some("trust-this-company.com"));
    /// ```
    pub fn email_domain(&self) -> Option<&str> {
        self.email.rsplit_once('@').map(|(_, domain)| domain)
    }

    /// Whether `app_metadata.roles` holds `role`.
    pub fn has_role(&self, role: &str) -> bool {
        self.app_metadata.has_role(role)
    }

    /// Starts a metadata change from this user's current metadata.
    ///
    /// Every edit on the returned [`MetadataChange`] is applied to a copy of the current objects,
    /// so the answer always carries them complete: returning it cannot drop `provider` or any
    /// other key.
    ///
    /// ```
    /// # let user = identity_runtime::testing::sample_user();
    /// let change = user.change().add_role("member");
    /// let body = change.to_body().unwrap();
    /// assert_eq!(body["app_metadata"]["provider"], "email");
    /// assert_eq!(body["app_metadata"]["roles"][0], "member");
    /// ```
    pub fn change(&self) -> MetadataChange {
        MetadataChange::new(self.app_metadata.clone(), self.user_metadata.clone())
    }

    /// Like [`User::change`], but consumes the user instead of copying its metadata.
    pub fn into_change(self) -> MetadataChange {
        MetadataChange::new(self.app_metadata, self.user_metadata)
    }
}
