//! The identity events and the payload GoTrue posts.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

use crate::strict::once;
use crate::text::Text;
use crate::user::{ReceivedUserSeed, User};

/// An identity event: what happened to the user.
///
/// ```
/// use identity_runtime::EventKind;
///
/// let kind: EventKind = "signup".parse().unwrap();
/// assert_eq!(kind.function_name(false), "identity-signup");
/// assert_eq!(kind.function_name(true), "identity-signup-background");
/// assert!("sign-up".parse::<EventKind>().unwrap_err().to_string().contains("expected one of"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// Inside the signup transaction, right after the user is created.
    Validate,
    /// Before the user is confirmed.
    Signup,
    /// On a password login and an external-provider login of a confirmed user.
    Login,
    /// A user was deleted (self-hosted GoTrue only).
    UserDeleted,
    /// A user was modified (self-hosted GoTrue only).
    UserModified,
}

impl EventKind {
    /// Every event, in the order GoTrue documents them.
    pub const ALL: [EventKind; 5] = [
        EventKind::Validate,
        EventKind::Signup,
        EventKind::Login,
        EventKind::UserDeleted,
        EventKind::UserModified,
    ];

    /// The event's name on the wire: `"validate"`, `"signup"`, …
    pub const fn as_str(self) -> &'static str {
        match self {
            EventKind::Validate => "validate",
            EventKind::Signup => "signup",
            EventKind::Login => "login",
            EventKind::UserDeleted => "userdeleted",
            EventKind::UserModified => "usermodified",
        }
    }

    /// The Netlify function name that receives this event: `identity-<event>`, with
    /// `-background` for a background function.
    pub fn function_name(self, background: bool) -> String {
        let suffix = if background { "-background" } else { "" };
        format!("identity-{}{suffix}", self.as_str())
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An event name that is not one of [`EventKind::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown identity event `{0}`, expected one of: validate, signup, login, userdeleted, usermodified"
)]
pub struct UnknownEvent(pub String);

impl FromStr for EventKind {
    type Err = UnknownEvent;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        EventKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
            .ok_or_else(|| UnknownEvent(name.to_owned()))
    }
}

impl Serialize for EventKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EventKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Borrowed when it can be: serde's own `Cow<str>` always copies.
        let Text(name) = Text::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

/// The payload GoTrue posts: `{"event", "instance_id", "user"}`.
///
/// `instance_id` is optional because Netlify's CLI leaves it out.
///
/// ```
/// use identity_runtime::{EventKind, IdentityEvent};
///
/// let payload = identity_runtime::testing::sample_payload(EventKind::Login);
/// let event: IdentityEvent = serde_json::from_str(&payload).unwrap();
/// assert_eq!(event.event, EventKind::Login);
/// assert!(event.instance_id.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdentityEvent {
    /// Which event this is.
    pub event: EventKind,
    /// The Identity instance, when the sender names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<Uuid>,
    /// The user the event is about.
    pub user: User,
}

/// The payload as an invocation reads it: the user through [`ReceivedUser`], so that its
/// `user_metadata` is parsed only when a handler reads it. Otherwise as [`IdentityEvent`]'s
/// derive reads it: unknown keys ignored, a known key twice refused.
pub(crate) struct ReceivedEvent(pub(crate) IdentityEvent);

impl<'de> Deserialize<'de> for ReceivedEvent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ReceivedEventVisitor { cut_metadata: None })
    }
}

/// Reads a [`ReceivedEvent`] whose user's `user_metadata` was cut from the payload beforehand
/// and is given here (see [`ReceivedUserSeed`]).
pub(crate) struct ReceivedEventSeed {
    pub(crate) cut_metadata: Box<str>,
}

impl<'de> de::DeserializeSeed<'de> for ReceivedEventSeed {
    type Value = ReceivedEvent;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<ReceivedEvent, D::Error> {
        deserializer.deserialize_map(ReceivedEventVisitor {
            cut_metadata: Some(self.cut_metadata),
        })
    }
}

struct ReceivedEventVisitor {
    cut_metadata: Option<Box<str>>,
}

impl<'de> Visitor<'de> for ReceivedEventVisitor {
    type Value = ReceivedEvent;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("struct IdentityEvent")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ReceivedEvent, A::Error> {
        let mut cut_metadata = self.cut_metadata;
        let mut event = None;
        let mut instance_id: Option<Option<Uuid>> = None;
        let mut user = None;
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            match &*key {
                "event" => once(&mut event, "event", || map.next_value())?,
                "instance_id" => once(&mut instance_id, "instance_id", || map.next_value())?,
                "user" => once(&mut user, "user", || {
                    let seed = ReceivedUserSeed {
                        cut_metadata: cut_metadata.take(),
                    };
                    map.next_value_seed(seed)
                })?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(ReceivedEvent(IdentityEvent {
            event: event.ok_or_else(|| de::Error::missing_field("event"))?,
            instance_id: instance_id.flatten(),
            user: user.ok_or_else(|| de::Error::missing_field("user"))?.0,
        }))
    }
}
