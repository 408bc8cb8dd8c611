//! The user an identity event is about.

use chrono::{DateTime, Utc};
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::change::MetadataChange;
use crate::metadata::AppMetadata;
use crate::strict::{StrictValue, insert_new, once};
use crate::text::Text;
use crate::timestamp::Timestamp;
use crate::user_metadata::UserMetadata;

/// The user of an identity event, with every field GoTrue sends (PROTOCOL.md, "The body").
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
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    pub app_metadata: AppMetadata,
    /// User-editable metadata.
    pub user_metadata: UserMetadata,
    /// When the user was created.
    pub created_at: DateTime<Utc>,
    /// When the user was last updated. Netlify's CLI sends this misspelt as `update_at`.
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
    /// Every other key, kept as it came.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

// Written out rather than derived: `#[serde(flatten)]` makes serde buffer the whole object before
// deserialising it again, on every invocation. This visitor sends unknown keys to `other` as it
// goes, refusing duplicates like the derive does for known fields.
impl<'de> Deserialize<'de> for User {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(UserVisitor { received: false })
    }
}

/// A user as an invocation reads it: `user_metadata` is kept as text until a handler reads it
/// (see [`UserMetadata`]). For serde_json's deserializers only.
pub(crate) struct ReceivedUser(pub(crate) User);

impl<'de> Deserialize<'de> for ReceivedUser {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<ReceivedUser, D::Error> {
        deserializer
            .deserialize_map(UserVisitor { received: true })
            .map(ReceivedUser)
    }
}

struct UserVisitor {
    /// Whether `user_metadata` is kept as text.
    received: bool,
}

impl<'de> Visitor<'de> for UserVisitor {
    type Value = User;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("struct User")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<User, A::Error> {
        let mut id = None;
        let mut aud = None;
        let mut role = None;
        let mut email = None;
        let mut app_metadata = None;
        let mut user_metadata = None;
        let mut created_at: Option<Timestamp> = None;
        let mut updated_at: Option<Timestamp> = None;
        let mut confirmed_at: Option<Option<Timestamp>> = None;
        let mut invited_at: Option<Option<Timestamp>> = None;
        let mut confirmation_sent_at: Option<Option<Timestamp>> = None;
        let mut recovery_sent_at: Option<Option<Timestamp>> = None;
        let mut new_email = None;
        let mut email_change_sent_at: Option<Option<Timestamp>> = None;
        let mut last_sign_in_at: Option<Option<Timestamp>> = None;
        let mut other = Map::new();
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            match &*key {
                "id" => once(&mut id, "id", || map.next_value())?,
                "aud" => once(&mut aud, "aud", || map.next_value())?,
                "role" => once(&mut role, "role", || map.next_value())?,
                "email" => once(&mut email, "email", || map.next_value())?,
                "app_metadata" => once(&mut app_metadata, "app_metadata", || map.next_value())?,
                "user_metadata" if self.received => {
                    once(&mut user_metadata, "user_metadata", || {
                        map.next_value_seed(ReceivedMetadata)
                    })?
                }
                "user_metadata" => once(&mut user_metadata, "user_metadata", || map.next_value())?,
                "created_at" => once(&mut created_at, "created_at", || map.next_value())?,
                "updated_at" | "update_at" => {
                    once(&mut updated_at, "updated_at", || map.next_value())?
                }
                "confirmed_at" => once(&mut confirmed_at, "confirmed_at", || map.next_value())?,
                "invited_at" => once(&mut invited_at, "invited_at", || map.next_value())?,
                "confirmation_sent_at" => {
                    once(&mut confirmation_sent_at, "confirmation_sent_at", || {
                        map.next_value()
                    })?;
                }
                "recovery_sent_at" => {
                    once(&mut recovery_sent_at, "recovery_sent_at", || {
                        map.next_value()
                    })?;
                }
                "new_email" => once(&mut new_email, "new_email", || map.next_value())?,
                "email_change_sent_at" => {
                    once(&mut email_change_sent_at, "email_change_sent_at", || {
                        map.next_value()
                    })?;
                }
                "last_sign_in_at" => {
                    once(&mut last_sign_in_at, "last_sign_in_at", || map.next_value())?
                }
                _ => {
                    let StrictValue(value) = map.next_value()?;
                    insert_new(&mut other, key, value)?;
                }
            }
        }
        Ok(User {
            id: id.ok_or_else(|| de::Error::missing_field("id"))?,
            aud: aud.unwrap_or_default(),
            role: role.unwrap_or_default(),
            email: email.ok_or_else(|| de::Error::missing_field("email"))?,
            app_metadata: app_metadata.ok_or_else(|| de::Error::missing_field("app_metadata"))?,
            user_metadata: user_metadata
                .ok_or_else(|| de::Error::missing_field("user_metadata"))?,
            created_at: created_at
                .ok_or_else(|| de::Error::missing_field("created_at"))?
                .0,
            updated_at: updated_at
                .ok_or_else(|| de::Error::missing_field("updated_at"))?
                .0,
            // `null` for an optional field is the same as its absence.
            confirmed_at: confirmed_at.flatten().map(|time| time.0),
            invited_at: invited_at.flatten().map(|time| time.0),
            confirmation_sent_at: confirmation_sent_at.flatten().map(|time| time.0),
            recovery_sent_at: recovery_sent_at.flatten().map(|time| time.0),
            new_email: new_email.flatten(),
            email_change_sent_at: email_change_sent_at.flatten().map(|time| time.0),
            last_sign_in_at: last_sign_in_at.flatten().map(|time| time.0),
            other,
        })
    }
}

/// `user_metadata` kept as text; refused here, inside the value, when it is not an object, so
/// that the error's path names it.
struct ReceivedMetadata;

impl<'de> de::DeserializeSeed<'de> for ReceivedMetadata {
    type Value = UserMetadata;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<UserMetadata, D::Error> {
        let raw: Box<str> = Box::<RawValue>::deserialize(deserializer)?.into();
        // What the value is, for the error; a string's text is never echoed.
        let unexpected = match raw.as_bytes().first() {
            Some(b'[') => de::Unexpected::Seq,
            Some(b'"') => de::Unexpected::Str("…"),
            Some(b't') => de::Unexpected::Bool(true),
            Some(b'f') => de::Unexpected::Bool(false),
            Some(b'n') => de::Unexpected::Unit,
            _ => de::Unexpected::Other("number"),
        };
        UserMetadata::received(raw)
            .map_err(|_| de::Error::invalid_type(unexpected, &"a JSON object"))
    }
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
