//! A direct read of the payload GoTrue posts (`{"event", "instance_id", "user"}`).
//!
//! Once the envelope and the client context were read directly, reading the payload with
//! serde_json into the typed user was the largest part of a small invocation (a quarter of its
//! instructions). This reader walks the payload's and the user's known keys itself, checks
//! `user_metadata` whole and keeps its text (as the serde reading does), checks the
//! `app_metadata` keys it does not model and keeps their text too (see
//! [`OtherKeys`](crate::OtherKeys)), and builds the user's other keys, handing serde_json only
//! the values it does not build itself (a float), value by value. It answers only when it is
//! sure: for anything else (a key given twice, a missing or mistyped field, a timestamp or an id
//! that does not parse, anything that is not valid JSON) it answers `None`, and the payload is
//! read by serde_json, which then gives the answer or the error. The tests and the
//! `payload_scan` fuzz target check that whenever this reader answers, serde_json answers the
//! same, and that the body answered for a change of it reads as serde_json's serialization.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{EventKind, IdentityEvent};
use crate::metadata::AppMetadata;
use crate::scanner::{Scanner, once};
use crate::user::{User, UserFields};
use crate::user_metadata::UserMetadata;

/// Reads the payload as serde_json's reading of it would, or `None` when serde_json must.
pub(crate) fn payload(text: &str) -> Option<IdentityEvent> {
    let mut s = Scanner::new(text);
    let event = object(&mut s)?;
    s.at_end().then_some(event)
}

/// Reads the payload where it stands in the event's body string, before the string is
/// unescaped, as serde_json's reading of the unescaped body would, or `None` when the body must
/// be unescaped and read by [`payload`] (see [`Scanner`]'s `IN_STRING`). That nothing follows
/// it in the string is the envelope's check (`envelope::scan::scan_with`), as for any reader of
/// the body.
pub(crate) fn payload_in_string(s: &mut Scanner<'_, true>) -> Option<Box<IdentityEvent>> {
    object(s).map(Box::new)
}

/// The payload's object.
fn object<const IN_STRING: bool>(s: &mut Scanner<'_, IN_STRING>) -> Option<IdentityEvent> {
    let mut event = None;
    let mut instance_id = None;
    let mut user = None;
    s.object(|s, key| match &*key {
        "event" => once(&mut event, s.string()?.parse::<EventKind>().ok()?),
        "instance_id" => once(&mut instance_id, s.nullable(uuid)?),
        "user" => once(&mut user, self::user(s)?),
        // Other keys are ignored, as the serde reading ignores them.
        _ => s.skip_value(1),
    })?;
    Some(IdentityEvent {
        event: event?,
        instance_id: instance_id.flatten(),
        user: user?,
    })
}

fn uuid<const IN_STRING: bool>(s: &mut Scanner<'_, IN_STRING>) -> Option<Uuid> {
    Uuid::parse_str(&s.string()?).ok()
}

fn timestamp<const IN_STRING: bool>(s: &mut Scanner<'_, IN_STRING>) -> Option<DateTime<Utc>> {
    crate::timestamp::parse(&s.string()?).ok()
}

fn user<const IN_STRING: bool>(s: &mut Scanner<'_, IN_STRING>) -> Option<User> {
    let mut f = UserFields::default();
    s.object(|s, key| match &*key {
        "id" => once(&mut f.id, uuid(s)?),
        "aud" => once(&mut f.aud, s.owned()?),
        "role" => once(&mut f.role, s.owned()?),
        "email" => once(&mut f.email, s.owned()?),
        "app_metadata" => once(&mut f.app_metadata, AppMetadata::scan(s)?),
        "user_metadata" => once(&mut f.user_metadata, received_metadata(s)?),
        "created_at" => once(&mut f.created_at, timestamp(s)?),
        "updated_at" | "update_at" => once(&mut f.updated_at, timestamp(s)?),
        "confirmed_at" => once(&mut f.confirmed_at, s.nullable(timestamp)?),
        "invited_at" => once(&mut f.invited_at, s.nullable(timestamp)?),
        "confirmation_sent_at" => once(&mut f.confirmation_sent_at, s.nullable(timestamp)?),
        "recovery_sent_at" => once(&mut f.recovery_sent_at, s.nullable(timestamp)?),
        "new_email" => once(&mut f.new_email, s.nullable(Scanner::owned)?),
        "email_change_sent_at" => once(&mut f.email_change_sent_at, s.nullable(timestamp)?),
        "last_sign_in_at" => once(&mut f.last_sign_in_at, s.nullable(timestamp)?),
        _ => s.insert_new(&mut f.other, key, 2),
    })?;
    f.finish().ok()
}

/// `user_metadata`, an object checked whole and kept as its text until a handler reads it, or
/// `null` (a user who signed up without `data`).
fn received_metadata<const IN_STRING: bool>(
    s: &mut Scanner<'_, IN_STRING>,
) -> Option<UserMetadata> {
    match s.peek()? {
        b'{' => {}
        b'n' => return s.literal(b"null").map(|()| UserMetadata::null()),
        _ => return None,
    }
    let raw = s.raw_value(2)?.into();
    if IN_STRING {
        UserMetadata::received_in_string(raw).ok()
    } else {
        UserMetadata::received(raw).ok()
    }
}
