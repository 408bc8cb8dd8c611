//! The identity events and the payload GoTrue posts.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

use crate::strict::once;
use crate::text::Text;
use crate::user::{ReceivedUser, User};

pub(crate) mod scan;

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
    /// After an admin deleted a user (`DELETE /admin/users/{id}`; self-hosted GoTrue only).
    /// GoTrue ignores the answer's body, so a handler cannot return a metadata change.
    UserDeleted,
    /// After an admin modified a user (`PUT /admin/users/{id}`; self-hosted GoTrue only).
    ///
    /// A change answered here *replaces* the metadata the admin call just merged in, and a
    /// handler that answers by calling `PUT /admin/users` itself fires `usermodified` again: a
    /// loop.
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
        deserializer.deserialize_map(ReceivedEventVisitor)
    }
}

struct ReceivedEventVisitor;

impl<'de> Visitor<'de> for ReceivedEventVisitor {
    type Value = ReceivedEvent;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("struct IdentityEvent")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ReceivedEvent, A::Error> {
        let mut event = None;
        let mut instance_id: Option<Option<Uuid>> = None;
        let mut user = None;
        while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
            match &*key {
                "event" => once(&mut event, "event", || map.next_value())?,
                "instance_id" => once(&mut instance_id, "instance_id", || map.next_value())?,
                "user" => once(&mut user, "user", || map.next_value::<ReceivedUser>())?,
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

/// Whether the payload's direct scan and serde_json agree on `payload`: `Ok(true)` when the
/// scan answered and serde_json read the same, `Ok(false)` when the scan left it to serde_json.
/// For the tests and the `payload_scan` fuzz target.
///
/// # Errors
/// What differs, when the scan answered and serde_json read something else or refused.
pub(crate) fn scan_agrees(payload: &str) -> Result<bool, String> {
    let scanned = scan::payload(payload);
    let rewritten = scanned.as_ref().map(Rewritten::written);
    let agreed = crate::scanner::agrees(scanned, || {
        crate::error::parse_json_str::<ReceivedEvent>(payload).map(|received| received.0)
    })?;
    rewritten.map_or(Ok(()), Rewritten::reads_as_serialized)?;
    Ok(agreed)
}

/// The body answered for a change that rewrites both metadata objects of a scanned user,
/// written before anything reads the keys the scan kept as text (the answer copies those as they
/// came), plain and escaped as the Lambda answer's `body` string, to be compared with
/// serde_json's serialization of the same change once the scan's reading is checked.
struct Rewritten {
    change: crate::MetadataChange,
    text: Option<String>,
    escaped: Option<Vec<u8>>,
}

impl Rewritten {
    fn written(event: &IdentityEvent) -> Rewritten {
        let user = &event.user;
        let change = user
            .change()
            .replace_app_metadata(user.app_metadata.clone())
            .replace_user_metadata(user.user_metadata.clone());
        let mut escaped = Vec::new();
        let escaped = change
            .write_body(&mut crate::body_writer::BodyWriter::escaped(&mut escaped))
            .map(|()| escaped);
        let text = change.body_text();
        Rewritten {
            change,
            text,
            escaped,
        }
    }

    /// Whether the text written reads as the change's `Serialize` value, or neither was made
    /// (a `user_metadata` with a key twice, refused once read, is written by neither).
    fn reads_as_serialized(self) -> Result<(), String> {
        let serialized = self.change.to_body();
        let written = match &self.text {
            Some(text) => Some(
                serde_json::from_str::<serde_json::Value>(text)
                    .map_err(|err| format!("the answer's body {text} is not JSON: {err}"))?,
            ),
            None => None,
        };
        if written != serialized {
            return Err(format!(
                "the answer's body was written {:?}, serialized {serialized:?}",
                self.text
            ));
        }
        // Escaped, it is serde_json's escaping of the plain body as a string's contents.
        let escaped_plain = self.text.as_deref().map(|text| {
            let quoted = serde_json::to_vec(text).unwrap_or_default();
            quoted
                .get(1..quoted.len().saturating_sub(1))
                .unwrap_or_default()
                .to_vec()
        });
        if self.escaped != escaped_plain {
            return Err(format!(
                "the answer's body was written escaped {:?}, plain {:?}",
                self.escaped.as_deref().map(String::from_utf8_lossy),
                self.text
            ));
        }
        Ok(())
    }
}

/// Whether the payload read where it stands in an event's body string (before the string is
/// unescaped) agrees with serde_json's reading of the body's text, the event read by serde_json:
/// `Ok(true)` when it was read in place and serde_json read the same, `Ok(false)` when it was
/// left to be unescaped and read as text. For the tests and the `envelope` and `payload_scan`
/// fuzz targets.
///
/// # Errors
/// What differs, when it was read in place and serde_json read something else or refused.
pub(crate) fn in_string_agrees(event: &str) -> Result<bool, String> {
    let scanned = crate::envelope::scan::scan_with(event, scan::payload_in_string)
        .and_then(|(envelope, in_body)| Some((envelope, in_body?)));
    let rewritten = scanned
        .as_ref()
        .map(|(_, payload)| Rewritten::written(payload));
    let agreed = crate::scanner::agrees(scanned, || {
        let envelope =
            crate::envelope::Envelope::read_with_serde(event).map_err(|err| err.to_string())?;
        let body = envelope.body_text().map_err(|err| err.to_string())?;
        let payload = crate::error::parse_json_str::<ReceivedEvent>(&body)?.0;
        Ok((envelope, Box::new(payload)))
    })?;
    rewritten.map_or(Ok(()), Rewritten::reads_as_serialized)?;
    Ok(agreed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{self, Pick};

    fn agrees(payload: &str) -> bool {
        scan_agrees(payload).unwrap_or_else(|err| panic!("{payload}: {err}"))
    }

    #[test]
    fn the_scan_reads_the_payloads_gotrue_and_the_cli_send() {
        for kind in EventKind::ALL {
            let payload = crate::testing::sample_payload(kind);
            assert!(agrees(&payload), "the scan left {payload} to serde_json");
        }
        let hosted = r#"{"event":"login","instance_id":"8c6f4d2a-1b3e-4f5a-9c7d-0e1f2a3b4c5d","user":{"id":"8c6f4d2a-1b3e-4f5a-9c7d-0e1f2a3b4c5d","aud":"","role":"","email":"ada@example.com","confirmed_at":"2026-11-01T09:00:00.5Z","confirmation_sent_at":null,"last_sign_in_at":"2026-11-26T22:59:59.999999Z","app_metadata":{"provider":"github","roles":["editor"],"plan":{"tier":"pro"}},"user_metadata":{"full_name":"Ada \"L\" Lovelace","avatar_url":"https://avatars.example/u/1.png"},"identities":[{"provider":"github"}],"created_at":"2026-10-31T09:00:00.123456Z","updated_at":"2026-11-26T22:59:59+01:00"}}"#;
        assert!(agrees(hosted));
    }

    #[test]
    fn the_scan_leaves_what_it_is_unsure_of_to_serde_json() {
        let user = |fields: &str| {
            format!(
                r#"{{"event":"signup","user":{{"id":"1111a1a1-a11a-1111-aa11-aaa11111a11a","email":"e","app_metadata":{{}},"user_metadata":{{}},"created_at":"2026-11-27T12:00:00Z","updated_at":"2026-11-27T12:00:00Z"{fields}}}}}"#
            )
        };
        assert!(agrees(&user("")));
        for fields in [
            r#","email":"f""#,
            r#","update_at":"2026-11-27T12:00:00Z""#,
            r#","aud":null"#,
            r#","confirmed_at":"yesterday""#,
            r#","confirmed_at":1"#,
            r#","new_email":7"#,
            r#","extra":1,"extra":2"#,
            r#","extra":{"a":1,"a":1}"#,
            r#","extra":"\ud800""#,
        ] {
            let payload = user(fields);
            assert!(!agrees(&payload), "the scan answered for {payload}");
        }
        for payload in [
            r#"{"event":"signup"}"#,
            r#"{"event":"Signup","user":{}}"#,
            r#"{"event":"signup","event":"signup","user":{}}"#,
            r#"{"event":"signup","instance_id":"not-a-uuid","user":{}}"#,
            r#"{"event":"signup","user":{"id":"1111a1a1-a11a-1111-aa11-aaa11111a11a","user_metadata":[]}}"#,
            "[]",
        ] {
            assert!(!agrees(payload), "the scan answered for {payload}");
        }
    }

    /// Payloads put together from keys and values that are each valid or not, of the right
    /// type or not, at each level: the scan reads exactly the payloads serde_json reads, and the
    /// same.
    #[test]
    fn the_scan_agrees_with_serde_json_on_generated_payloads() {
        generate::check_scan(
            0xda94_2042_e4dd_58b5,
            20_000,
            5,
            &mut generated_payload,
            &scan_agrees,
            &|payload| crate::error::parse_json_str::<ReceivedEvent>(payload).is_ok(),
        );
    }

    /// An event whose body is `payload`, as Netlify sends it: the payload's JSON inside a JSON
    /// string.
    fn event_with_body(payload: &str) -> String {
        let body = serde_json::to_string(payload).unwrap_or_default();
        format!(r#"{{"path": "/", "body": {body}, "isBase64Encoded": false}}"#)
    }

    fn in_string(event: &str) -> bool {
        in_string_agrees(event).unwrap_or_else(|err| panic!("{event}: {err}"))
    }

    #[test]
    fn the_payload_is_read_in_place_unless_the_body_must_be_unescaped_first() {
        let sample = crate::testing::sample_payload(EventKind::Signup);
        let with = |from: &str, to: &str| {
            assert!(sample.contains(from), "{from}");
            sample.replacen(from, to, 1)
        };
        // Escapes of the payload's own in what the scan skips or hands to serde_json are read
        // in place; in what it reads itself (a key, an email, the event's name), they are not.
        for payload in [
            sample.clone(),
            format!("{sample}   "),
            format!("  {sample}"),
            with(
                r#""full_name":"#,
                r#""a":"\u0026 \"q\" \\ \n \/ \u00e9","full_name":"#,
            ),
            with(r#""email":"#, r#""extra":["a\"b",{"c\\d":null}],"email":"#),
            with(
                r#""provider":"#,
                r#""plan":{"t":"\ud83d\ude00"},"provider":"#,
            ),
        ] {
            assert!(in_string(&event_with_body(&payload)), "{payload}");
        }
        for payload in [
            with(r#""email":""#, r#""email":"\"q\" "#),
            with(r#""signup""#, r#""sign\u0075p""#),
            with(r#""email""#, r#""em\u0061il""#),
            with(r#""aud":"#, "\n\t\"aud\":"),
            format!("{sample}x"),
            format!("{sample}\n"),
            with(r#""created_at":"#, r#""created_at":"x","y":"#),
            "{}".to_owned(),
        ] {
            assert!(!in_string(&event_with_body(&payload)), "{payload}");
        }
        // What only the event's own string escapes (whitespace, `\u`, `\/`) or says (base64, a
        // missing or `null` body) is left to be unescaped and read as text.
        let event = event_with_body(&sample);
        assert!(in_string(&event));
        for (from, to) in [
            (r#"\"aud\":"#, r#"\"aud\":\n"#),
            (r#"\"aud\":"#, r#"\"aud\": \t"#),
            (r#"\"email\""#, r#"\"em\u0061il\""#),
            (r#"\"email\""#, r#"\u0022email\""#),
            ("trust-this-company.com", r#"trust-this-company\/com"#),
            (r#""isBase64Encoded": false"#, r#""isBase64Encoded": true"#),
            (r#""body": "#, r#""body": null, "other": "#),
            (r#""body": "#, r#""bodies": "#),
        ] {
            assert!(event.contains(from), "{from}");
            let changed = event.replacen(from, to, 1);
            assert!(!in_string(&changed), "{changed}");
        }
        // A body given twice leaves the event to serde_json, which refuses it.
        let twice = event.replacen(r#""path": "/""#, r#""body": "{}""#, 1);
        assert!(!in_string(&twice));
        assert_eq!(crate::envelope::scan_agrees(twice.as_bytes()), Ok(false));
    }

    /// A generator of payloads.
    type Maker = fn(Pick<'_>) -> String;

    /// The payloads of both generators inside events' bodies, their whitespace made spaces (a
    /// tab or a line break is escaped in the body string, and such a body is unescaped first):
    /// read in place exactly as serde_json reads the unescaped body, and read in place whenever
    /// serde_json reads it and it holds no escape at all; many are read in place with escapes
    /// in the values the scan skips or hands to serde_json.
    #[test]
    fn the_payload_read_in_place_agrees_with_serde_json_on_generated_payloads() {
        let makers: [(u64, Maker); 2] = [
            (0x2545_f491_4f6c_dd1d, generated_payload),
            (0x9e37_79b9_7f4a_7c15, payload_with_metadata_placed),
        ];
        for (seed, make) in makers {
            let mut next = crate::picker::picker(seed);
            let (mut plain, mut escaped) = (0, 0);
            for _ in 0..20_000 {
                let payload = make(&mut next).replace(['\t', '\n', '\r'], " ");
                let read = in_string(&event_with_body(&payload));
                let reads = crate::error::parse_json_str::<ReceivedEvent>(&payload).is_ok();
                if payload.contains('\\') {
                    escaped += usize::from(read);
                } else if reads {
                    assert!(read, "{payload} was not read in place");
                    plain += 1;
                }
            }
            // The second generator makes most payloads invalid on purpose: 204 and 185 here.
            assert!(
                plain > 150 && escaped > 150,
                "{plain} without escapes, {escaped} with"
            );
        }
    }

    /// A payload of keys and values each valid or not, of the right type or not, at each level.
    fn generated_payload(next: Pick<'_>) -> String {
        generate::object(
            next,
            &["event", "user"],
            &["instance_id", "other"],
            &mut value,
        )
    }

    const IDS: [&str; 5] = [
        r#""1111a1a1-a11a-1111-aa11-aaa11111a11a""#,
        r#""1111a1a1a11a1111aa11aaa11111a11a""#,
        r#""{1111a1a1-a11a-1111-aa11-aaa11111a11a}""#,
        r#""urn:uuid:1111a1a1-a11a-1111-aa11-aaa11111a11a""#,
        r#""1111a1a1-a11a-1111-aa11-aaa11111a11""#,
    ];

    const TIMES: [&str; 7] = [
        r#""2026-11-27T12:00:00Z""#,
        r#""2026-11-27T12:00:00.123456Z""#,
        r#""2026-11-27T12:00:00+01:00""#,
        r#""2026-11-27 12:00:00Z""#,
        r#""2026-02-30T12:00:00Z""#,
        r#""2026-11-27T12:00:60Z""#,
        r#""2026-11-27T12:00:00.1234567890Z""#,
    ];

    /// A value for `key`, mostly of the type it wants.
    fn value(next: Pick<'_>, key: &str) -> String {
        let nullable = |next: Pick<'_>, value: &dyn Fn(Pick<'_>) -> String| {
            if next(6) == 0 {
                "null".to_owned()
            } else {
                value(next)
            }
        };
        match key {
            "event" => generate::mostly(
                next,
                &[
                    r#""signup""#,
                    r#""login""#,
                    r#""validate""#,
                    r#""sign\u0075p""#,
                ],
                &[r#""Signup""#, r#""""#],
            ),
            "instance_id" => nullable(next, &|next| generate::mostly(next, &IDS[..4], &IDS[4..])),
            "id" => generate::mostly(next, &IDS[..4], &IDS[4..]),
            "user" => {
                // The required keys, under the names they may come as.
                let email = ["email", "em\\u0061il"][usize::from(next(4) == 0)];
                let updated = ["updated_at", "update_at"][next(2)];
                let required = [
                    "id",
                    email,
                    "app_metadata",
                    "user_metadata",
                    "created_at",
                    updated,
                ];
                let optional = [
                    "aud",
                    "role",
                    "confirmed_at",
                    "invited_at",
                    "confirmation_sent_at",
                    "recovery_sent_at",
                    "new_email",
                    "email_change_sent_at",
                    "last_sign_in_at",
                    "identities",
                ];
                generate::object(next, &required, &optional, &mut value)
            }
            "app_metadata" => {
                // A site's own keys besides the typed ones: one also under an escaped name (the
                // same key twice once unescaped), and an object of its own.
                let keys = [
                    "provider",
                    "roles",
                    "plan",
                    "pl\\u0061n",
                    "seats",
                    "settings",
                ];
                generate::object(next, &[], &keys, &mut value)
            }
            "settings" => generate::object(next, &[], &["a", "b", "\\u0061", "c"], &mut value),
            "provider" | "new_email" => nullable(next, &|next| generate::string(next)),
            "roles" => nullable(next, &|next| generate::strings(next)),
            "aud" | "role" | "email" | "em\\u0061il" => generate::string(next),
            "user_metadata" => generate::mostly(
                next,
                &[
                    "{}",
                    r#"{"full_name": "Ada", "history": [{"at": "x"}]}"#,
                    "{ }",
                    r#"{"a": "\"}"}"#,
                ],
                &[r#"{"a": 1, "a": 2}"#, r#"{"bad": tru}"#, "[]", "null"],
            ),
            "created_at" | "updated_at" | "update_at" => {
                generate::mostly(next, &TIMES[..3], &TIMES[3..])
            }
            key if key.ends_with("_at") => nullable(next, &|next| {
                generate::mostly(next, &TIMES[..3], &TIMES[3..])
            }),
            _ => generate::anything(next),
        }
    }

    /// A payload with `user_metadata` anywhere among the user's keys, valid or not, and
    /// look-alikes elsewhere (inside `app_metadata`, in other top-level keys, in strings, under
    /// escaped keys).
    fn payload_with_metadata_placed(next: Pick<'_>) -> String {
        const TOP: [&str; 6] = [
            r#""event": "signup""#,
            r#""event": "login""#,
            r#""instance_id": null"#,
            r#""other": {"user": {"user_metadata": {"x": 1}}}"#,
            r#""extra": [1, "two", {"three": null}]"#,
            r#""event": 1"#,
        ];
        // A user has the first four; the others are added at random.
        const USER_KEYS: [&str; 10] = [
            r#""id": "1111a1a1-a11a-1111-aa11-aaa11111a11a""#,
            r#""email": "ada@example.com""#,
            r#""app_metadata": {"provider": "email", "user_metadata": {"roles": ["admin"]}}"#,
            r#""created_at": "2026-11-27T12:00:00Z", "updated_at": "2026-11-27T12:00:00Z""#,
            r#""aud": "", "role": """#,
            r#""confirmed_at": null"#,
            r#""id": 7"#,
            r#""nested": {"a": [{"b": "\"}\""}]}"#,
            r#""email": "dup@example.com""#,
            r#""user_metadata": {"late": true}"#,
        ];
        const METADATA: [&str; 12] = [
            "{}",
            r#"{"full_name": "Ada", "history": [{"at": "x", "n": -1.5e3}]}"#,
            r#"{"a": "\"}, \"app_metadata\": {\"roles\": [\"admin\"]}, \"x\": {\""}"#,
            r#"{"a": 1, "a": 2}"#,
            r#"{"esc": "\u00e9\ud83d\ude00\n"}"#,
            r#"{"deep": [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}"#,
            r#"{"bad": tru}"#,
            r#"{"bad": 01}"#,
            r#"{"bad": "\x"}"#,
            "[]",
            "null",
            r#"{"unclosed": [1, 2}"#,
        ];
        const KEYS: [&str; 3] = [r#""user_metadata""#, r#""user\u005fmetadata""#, r#""user""#];

        let mut user: Vec<String> = USER_KEYS[..4].iter().map(|k| (*k).to_owned()).collect();
        for _ in 0..next(3) {
            let extra = USER_KEYS[4 + next(USER_KEYS.len() - 4)].to_owned();
            let at = next(user.len() + 1);
            user.insert(at, extra);
        }
        for _ in 0..next(3) {
            let (a, b) = (next(user.len()), next(user.len()));
            user.swap(a, b);
        }
        let at = next(user.len() + 1);
        let metadata = format!(
            "{}: {}",
            KEYS[next(KEYS.len())],
            METADATA[next(METADATA.len())]
        );
        user.insert(at, metadata);
        let mut top: Vec<String> = vec![TOP[0].to_owned()];
        for _ in 0..next(3) {
            let extra = TOP[1 + next(TOP.len() - 1)].to_owned();
            let at = next(top.len() + 1);
            top.insert(at, extra);
        }
        let at = next(top.len() + 1);
        let key = [r#""user""#, r#""us\u0065r""#, r#""users""#][next(3)];
        top.insert(at, format!("{key}: {{{}}}", user.join(", ")));
        if next(10) == 0 {
            top.push(format!(r#""user": {{{}}}"#, user.join(",")));
        }
        format!("{{{}}}", top.join(", "))
    }

    /// Payloads with `user_metadata` anywhere among the user's keys, valid or not, and
    /// look-alikes elsewhere (inside `app_metadata`, in other top-level keys, in strings, under
    /// escaped keys): the scan reads exactly the payloads serde_json reads, and the same.
    #[test]
    fn the_scan_finds_user_metadata_wherever_it_lies() {
        // Most payloads are made invalid on purpose.
        generate::check_scan(
            0x853c_49e6_748f_ea9b,
            20_000,
            20,
            &mut payload_with_metadata_placed,
            &scan_agrees,
            &|payload| crate::error::parse_json_str::<ReceivedEvent>(payload).is_ok(),
        );
    }

    /// A payload whose user has `app_metadata` as given.
    fn with_app_metadata(app_metadata: &str) -> String {
        format!(
            r#"{{"event":"login","user":{{"id":"1111a1a1-a11a-1111-aa11-aaa11111a11a","email":"e","app_metadata":{app_metadata},"user_metadata":{{"n":1}},"created_at":"2026-11-27T12:00:00Z","updated_at":"2026-11-27T12:00:00Z"}}}}"#
        )
    }

    /// The body written for [`Rewritten`]'s change of the payload read in place in an event's
    /// body, if it was.
    fn rewritten_in_string(payload: &str) -> Option<String> {
        let event = event_with_body(payload);
        let (_, in_body) = crate::envelope::scan::scan_with(&event, scan::payload_in_string)?;
        Rewritten::written(&*in_body?).text
    }

    /// The keys of `app_metadata` the scan keeps as text are answered as they came (in their
    /// order, their values' spacing kept), and what it reads at once (a float, an escaped key,
    /// more keys than it checks, an escape of the body string's own) is answered from the map:
    /// either way, the body reads as serde_json's serialization of the same change.
    #[test]
    fn the_answer_reads_as_the_serialized_change_however_app_metadata_was_kept() {
        let kept = r#"{"provider":"email","z":1, "a" : [1, 2],"plan":{"tier":"pro","n":-3}}"#;
        let payload = with_app_metadata(kept);
        assert!(agrees(&payload) && in_string(&event_with_body(&payload)));
        let as_they_came = r#""z":1,"a":[1, 2],"plan":{"tier":"pro","n":-3}"#;
        for written in [
            scan::payload(&payload).and_then(|event| Rewritten::written(&event).text),
            rewritten_in_string(&payload),
        ] {
            let written = written.unwrap_or_default();
            assert!(written.contains(as_they_came), "{written}");
        }
        // A string's own escapes are kept as text where the payload is read as text (read in
        // place in the body string, such a string is not read by the scan).
        let escaped = with_app_metadata(r#"{"z":"pr\"o\\","a":"\u00e9"}"#);
        assert!(agrees(&escaped));
        let written = scan::payload(&escaped).and_then(|event| Rewritten::written(&event).text);
        let written = written.unwrap_or_default();
        assert!(
            written.contains(r#""z":"pr\"o\\","a":"\u00e9""#),
            "{written}"
        );

        let many: Vec<String> = (0..12).map(|n| format!(r#""k{n}":{n}"#)).collect();
        for app_metadata in [
            r#"{"f":1.5,"z":1}"#.to_owned(),
            r#"{"\u0061":1,"z":1}"#.to_owned(),
            r#"{"z":1,"a":{"\u0062":[true]}}"#.to_owned(),
            format!("{{{}}}", many.join(",")),
            format!(r#"{{"z":{{{}}}}}"#, many.join(",")),
            "{\"z\":\n1,\"a\":\"\u{e9}\\u00e9\"}".to_owned(),
            r#"{"roles":null,"provider":null}"#.to_owned(),
            "{}".to_owned(),
        ] {
            let payload = with_app_metadata(&app_metadata);
            assert!(agrees(&payload), "{payload}");
            in_string(&event_with_body(&payload));
        }
        // Keys twice are refused, whichever reader finds them.
        for app_metadata in [
            r#"{"z":1,"z":1}"#,
            r#"{"z":{"a":1,"a":1}}"#,
            r#"{"z":1,"\u007a":1}"#,
        ] {
            assert!(!agrees(&with_app_metadata(app_metadata)), "{app_metadata}");
        }
    }
}
