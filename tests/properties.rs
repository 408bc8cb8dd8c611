//! Properties over generated users and edits: any user round-trips without loss, and any
//! metadata edit keeps every key it did not name.

use chrono::{DateTime, TimeZone, Utc};
use identity_runtime::{AppMetadata, User, UserMetadata};
use proptest::prelude::*;
use serde_json::{Map, Value};

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    json_leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

fn json_map(exclude: &'static [&'static str]) -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::btree_map("[a-z_]{1,10}", json_value(), 0..5).prop_map(move |map| {
        map.into_iter()
            .filter(|(key, _)| !exclude.contains(&key.as_str()))
            .collect()
    })
}

fn timestamp() -> impl Strategy<Value = DateTime<Utc>> {
    // Any second from 1970 to 2100, with 0 to 9 meaningful fractional digits.
    (0i64..4_102_444_800, 0u32..1_000_000_000, 0u32..10).prop_map(|(seconds, nanos, digits)| {
        let nanos = nanos - nanos % 10u32.pow(9 - digits);
        Utc.timestamp_opt(seconds, nanos).single().unwrap()
    })
}

const USER_FIELDS: &[&str] = &[
    "id",
    "aud",
    "role",
    "email",
    "app_metadata",
    "user_metadata",
    "created_at",
    "updated_at",
    "update_at",
    "confirmed_at",
    "invited_at",
    "confirmation_sent_at",
    "recovery_sent_at",
    "new_email",
    "email_change_sent_at",
    "last_sign_in_at",
];

/// A metadata object as GoTrue sends a nil one: `null`.
fn null<T: serde::de::DeserializeOwned>() -> T {
    serde_json::from_str("null").unwrap()
}

fn app_metadata() -> impl Strategy<Value = AppMetadata> {
    let object = (
        proptest::option::of("[a-z]{1,8}"),
        proptest::option::of(prop::collection::vec("[a-z]{1,6}", 0..4)),
        json_map(&["provider", "roles"]),
    )
        .prop_map(|(provider, roles, other)| AppMetadata {
            provider,
            roles,
            other: other.into(),
        });
    prop_oneof![1 => Just(()).prop_map(|()| null()), 7 => object]
}

fn user_metadata() -> impl Strategy<Value = UserMetadata> {
    prop_oneof![
        1 => Just(()).prop_map(|()| null()),
        7 => json_map(&[]).prop_map(UserMetadata::from),
    ]
}

fn user() -> impl Strategy<Value = User> {
    let required = (
        any::<u128>(),
        ".{0,8}",
        ".{0,8}",
        "[a-z]{1,8}@[a-z]{1,8}\\.[a-z]{2,3}",
        app_metadata(),
        user_metadata(),
        timestamp(),
        timestamp(),
    );
    let optional = (
        proptest::option::of(timestamp()),
        proptest::option::of(timestamp()),
        proptest::option::of(timestamp()),
        proptest::option::of(timestamp()),
        proptest::option::of("[a-z]{1,8}@[a-z]{1,8}\\.com"),
        proptest::option::of(timestamp()),
        proptest::option::of(timestamp()),
        json_map(USER_FIELDS),
    );
    (required, optional).prop_map(|(r, o)| User {
        id: uuid::Uuid::from_u128(r.0),
        aud: r.1,
        role: r.2,
        email: r.3,
        app_metadata: r.4,
        user_metadata: r.5,
        created_at: r.6,
        updated_at: r.7,
        confirmed_at: o.0,
        invited_at: o.1,
        confirmation_sent_at: o.2,
        recovery_sent_at: o.3,
        new_email: o.4,
        email_change_sent_at: o.5,
        last_sign_in_at: o.6,
        other: o.7,
    })
}

#[derive(Debug, Clone)]
enum Edit {
    AddRole(String),
    RemoveRole(String),
    SetApp(String, Value),
    RemoveApp(String),
    SetUser(String, Value),
    RemoveUser(String),
}

fn edit() -> impl Strategy<Value = Edit> {
    let key = "[a-z_]{1,10}".prop_filter("typed keys have typed edits", |k| {
        k != "provider" && k != "roles"
    });
    prop_oneof![
        "[a-z]{1,6}".prop_map(Edit::AddRole),
        "[a-z]{1,6}".prop_map(Edit::RemoveRole),
        (key.clone(), json_value()).prop_map(|(k, v)| Edit::SetApp(k, v)),
        key.clone().prop_map(Edit::RemoveApp),
        (key.clone(), json_value()).prop_map(|(k, v)| Edit::SetUser(k, v)),
        key.prop_map(Edit::RemoveUser),
    ]
}

proptest! {
    #[test]
    fn any_user_round_trips_without_loss(user in user()) {
        let written = serde_json::to_string(&user).unwrap();
        let parsed: User = serde_json::from_str(&written).unwrap();
        prop_assert_eq!(&parsed, &user);
        // And writing it again gives the same bytes.
        prop_assert_eq!(serde_json::to_string(&parsed).unwrap(), written);
    }

    #[test]
    fn any_edit_keeps_every_key_it_did_not_name(user in user(), edits in prop::collection::vec(edit(), 0..8)) {
        let mut change = user.change();
        let mut named_app = std::collections::HashSet::new();
        let mut named_user = std::collections::HashSet::new();
        let mut roles_named = std::collections::HashSet::new();
        for edit in &edits {
            change = match edit.clone() {
                Edit::AddRole(role) => { roles_named.insert(role.clone()); change.add_role(role) }
                Edit::RemoveRole(role) => { roles_named.insert(role.clone()); change.remove_role(&role) }
                Edit::SetApp(key, value) => { named_app.insert(key.clone()); change.set_app(key, value) }
                Edit::RemoveApp(key) => { named_app.insert(key.clone()); change.remove_app(&key) }
                Edit::SetUser(key, value) => { named_user.insert(key.clone()); change.set_user(key, value) }
                Edit::RemoveUser(key) => { named_user.insert(key.clone()); change.remove_user(&key) }
            };
        }
        prop_assert!(change.misuse().is_none());
        let app = change.app_metadata();
        prop_assert_eq!(&app.provider, &user.app_metadata.provider);
        for (key, value) in &user.app_metadata.other {
            if !named_app.contains(key) {
                prop_assert_eq!(app.other.get(key), Some(value));
            }
        }
        for role in user.app_metadata.roles() {
            if !roles_named.contains(role) {
                prop_assert!(app.has_role(role));
            }
        }
        for (key, value) in user.user_metadata.as_map() {
            if !named_user.contains(key) {
                prop_assert_eq!(change.user_metadata().get(key), Some(value));
            }
        }
        // What is answered is exactly the edited objects, complete.
        if let Some(body) = change.to_body() {
            if let Some(sent) = body.get("app_metadata") {
                prop_assert_eq!(sent, &serde_json::to_value(app).unwrap());
            }
            if let Some(sent) = body.get("user_metadata") {
                prop_assert_eq!(sent, &serde_json::to_value(change.user_metadata()).unwrap());
            }
        } else {
            prop_assert_eq!(app, &user.app_metadata);
            prop_assert_eq!(change.user_metadata(), &user.user_metadata);
        }
    }
}
