//! Parsing of the identity event payload: every user field, the sloppiness of real senders,
//! every event, and lossless round-trips.

use identity_runtime::{AppMetadata, EventKind, IdentityEvent, User, testing};
use serde_json::{Value, json};

/// A user as hosted GoTrue sends it, with every optional field set.
fn full_user() -> Value {
    json!({
        "id": "8c6f4d2a-1b3e-4f5a-9c7d-0e1f2a3b4c5d",
        "aud": "authenticated",
        "role": "authenticated",
        "email": "ada@example.com",
        "confirmed_at": "2026-11-01T10:00:00Z",
        "invited_at": "2026-10-31T09:00:00.5Z",
        "confirmation_sent_at": "2026-10-31T09:30:00.123Z",
        "recovery_sent_at": "2026-11-02T08:00:00.123456Z",
        "new_email": "ada@new.example.com",
        "email_change_sent_at": "2026-11-03T07:00:00.123456789Z",
        "last_sign_in_at": "2026-11-26T23:59:59.999999+01:00",
        "app_metadata": {"provider": "github", "roles": ["admin"], "plan": {"tier": "pro", "seats": 3}},
        "user_metadata": {"full_name": "Ada Lovelace", "avatar_url": "https://a/b.png", "theme": "dark"},
        "created_at": "2026-10-31T09:00:00.123456Z",
        "updated_at": "2026-11-26T22:59:59.999999Z",
        "factors": [{"id": "f1"}]
    })
}

fn parse(user: Value) -> Result<User, serde_json::Error> {
    serde_json::from_value(user)
}

#[test]
fn every_field_is_typed() {
    let user = parse(full_user()).unwrap();
    assert_eq!(user.id.to_string(), "8c6f4d2a-1b3e-4f5a-9c7d-0e1f2a3b4c5d");
    assert_eq!(user.aud, "authenticated");
    assert_eq!(user.role, "authenticated");
    assert_eq!(user.email, "ada@example.com");
    assert_eq!(
        user.confirmed_at.unwrap().to_rfc3339(),
        "2026-11-01T10:00:00+00:00"
    );
    assert_eq!(user.invited_at.unwrap().timestamp_subsec_millis(), 500);
    assert_eq!(
        user.confirmation_sent_at.unwrap().timestamp_subsec_millis(),
        123
    );
    assert_eq!(
        user.recovery_sent_at.unwrap().timestamp_subsec_micros(),
        123_456
    );
    assert_eq!(user.new_email.as_deref(), Some("ada@new.example.com"));
    assert_eq!(
        user.email_change_sent_at.unwrap().timestamp_subsec_nanos(),
        123_456_789
    );
    // Offsets are normalised to UTC.
    assert_eq!(
        user.last_sign_in_at.unwrap().to_rfc3339(),
        "2026-11-26T22:59:59.999999+00:00"
    );
    assert_eq!(user.app_metadata.provider.as_deref(), Some("github"));
    assert!(user.has_role("admin"));
    assert_eq!(user.app_metadata.get("plan").unwrap()["seats"], 3);
    assert_eq!(user.user_metadata.full_name(), Some("Ada Lovelace"));
    assert_eq!(user.user_metadata.avatar_url(), Some("https://a/b.png"));
    assert_eq!(user.created_at.timestamp_subsec_micros(), 123_456);
    assert_eq!(user.other["factors"][0]["id"], "f1");
}

#[test]
fn optional_fields_may_be_absent() {
    let mut user = full_user();
    for key in [
        "confirmed_at",
        "invited_at",
        "confirmation_sent_at",
        "recovery_sent_at",
        "new_email",
        "email_change_sent_at",
        "last_sign_in_at",
    ] {
        user.as_object_mut().unwrap().remove(key);
    }
    let user = parse(user).unwrap();
    assert!(user.confirmed_at.is_none() && user.last_sign_in_at.is_none());
    assert!(user.new_email.is_none());
}

#[test]
fn sloppy_senders_are_accepted() {
    // Netlify's CLI: empty aud and role, `update_at`, no instance_id.
    let payload = testing::sample_payload(EventKind::Signup);
    let event: IdentityEvent = serde_json::from_str(&payload).unwrap();
    assert_eq!(event.user.aud, "");
    assert_eq!(event.user.role, "");
    assert!(event.instance_id.is_none());
    assert_eq!(event.user.updated_at, event.user.created_at);
    // aud and role may be missing altogether.
    let mut user = full_user();
    user.as_object_mut().unwrap().remove("aud");
    user.as_object_mut().unwrap().remove("role");
    assert_eq!(parse(user).unwrap().aud, "");
}

#[test]
fn each_required_field_is_named_when_missing() {
    for key in [
        "id",
        "email",
        "app_metadata",
        "user_metadata",
        "created_at",
        "updated_at",
    ] {
        let mut user = full_user();
        user.as_object_mut().unwrap().remove(key);
        let err = parse(user).unwrap_err().to_string();
        assert!(err.contains(key), "{key}: {err}");
    }
}

#[test]
fn wrong_types_are_refused() {
    for (key, value) in [
        ("id", json!("not-a-uuid")),
        ("email", json!(42)),
        ("app_metadata", json!([])),
        ("user_metadata", json!("x")),
        ("created_at", json!("yesterday")),
        ("confirmed_at", json!("2026-13-01T00:00:00Z")),
    ] {
        let mut user = full_user();
        user[key] = value;
        assert!(parse(user).is_err(), "{key} accepted a wrong value");
    }
    let mut user = full_user();
    user["app_metadata"]["roles"] = json!("admin");
    assert!(parse(user).is_err(), "roles must be an array of strings");
}

#[test]
fn every_event_parses_and_unknown_ones_are_named() {
    for kind in EventKind::ALL {
        let event: IdentityEvent = serde_json::from_str(&testing::sample_payload(kind)).unwrap();
        assert_eq!(event.event, kind);
        assert_eq!(kind.as_str().parse::<EventKind>().unwrap(), kind);
    }
    let err = serde_json::from_value::<IdentityEvent>(json!({
        "event": "logout", "user": full_user()
    }))
    .unwrap_err()
    .to_string();
    assert!(err.contains("unknown identity event `logout`"), "{err}");
    assert!(
        err.contains("expected one of: validate, signup, login"),
        "{err}"
    );
}

#[test]
fn instance_id_is_read_when_sent() {
    let event: IdentityEvent = serde_json::from_value(json!({
        "event": "login",
        "instance_id": "00000000-0000-0000-0000-000000000000",
        "user": full_user()
    }))
    .unwrap();
    assert_eq!(
        event.instance_id.unwrap().to_string(),
        "00000000-0000-0000-0000-000000000000"
    );
}

#[test]
fn users_round_trip_without_loss() {
    let original = full_user();
    let user = parse(original.clone()).unwrap();
    let written = serde_json::to_value(&user).unwrap();
    // Timestamps are written in UTC; every other value is byte-for-byte the same.
    let reparsed = parse(written.clone()).unwrap();
    assert_eq!(reparsed, user);
    for key in [
        "id",
        "aud",
        "role",
        "email",
        "new_email",
        "app_metadata",
        "user_metadata",
        "factors",
    ] {
        assert_eq!(written[key], original[key], "{key}");
    }
    // Precision survives: nine fractional digits in, nine out.
    assert_eq!(
        written["email_change_sent_at"],
        "2026-11-03T07:00:00.123456789Z"
    );
    // Absent optional fields stay absent, and `roles` absent stays absent.
    let sample = testing::sample_user();
    let written = serde_json::to_value(&sample).unwrap();
    assert!(written.get("confirmed_at").is_none());
    assert_eq!(written["app_metadata"], json!({"provider": "email"}));
}

#[test]
fn app_metadata_keeps_roles_absent_apart_from_empty() {
    let absent: AppMetadata = serde_json::from_value(json!({"provider": "email"})).unwrap();
    let empty: AppMetadata =
        serde_json::from_value(json!({"provider": "email", "roles": []})).unwrap();
    assert_eq!(
        serde_json::to_value(&absent).unwrap(),
        json!({"provider": "email"})
    );
    assert_eq!(
        serde_json::to_value(&empty).unwrap(),
        json!({"provider": "email", "roles": []})
    );
    assert!(absent.roles().is_empty() && empty.roles().is_empty());
}
