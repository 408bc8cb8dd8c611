//! Faults: a panic, a missed deadline and an error without a message each get a defined answer;
//! fail-closed (500) by default, fail-open (204) on request. And the event key that lets side
//! effects survive GoTrue's retries.

use std::time::Duration;

use identity_runtime::testing::{Signer, lambda_event, sample_payload};
use identity_runtime::{DEFAULT_DEADLINE, EventKind, IdentityFunction, Verification};
use serde_json::Value;

fn answer(function: &'static IdentityFunction) -> (u16, Value) {
    let response = function.invoke_blocking(&lambda_event(&sample_payload(EventKind::Signup)));
    let body = serde_json::from_str(&response.body).unwrap_or(Value::Null);
    (response.status_code, body)
}

mod slow_closed {
    use identity_runtime::{User, identity_event};
    #[identity_event(signup, deadline_ms = 50)]
    async fn slow(_user: &User) {
        tokio::time::sleep(std::time::Duration::from_secs(30)).await;
    }
}

mod slow_open {
    use identity_runtime::{User, identity_event};
    #[identity_event(signup, deadline_ms = 50, fail_open)]
    async fn slow(_user: &User) {
        tokio::time::sleep(std::time::Duration::from_secs(30)).await;
    }
}

mod panics_open {
    use identity_runtime::{User, identity_event};
    #[identity_event(signup, fail_open)]
    fn panics(_user: &User) {
        panic!("the CRM client is broken");
    }
}

mod denies_open {
    use identity_runtime::{Deny, User, identity_event};
    #[identity_event(signup, fail_open)]
    fn denies(_user: &User) -> Result<(), Deny> {
        Err(Deny::new("a decision, not a fault"))
    }
}

mod signed_open {
    use identity_runtime::{User, identity_event};
    #[identity_event(signup, fail_open)]
    fn allow(_user: &User) {}
}

mod default_faults {
    use identity_runtime::{User, identity_event};
    #[identity_event(signup)]
    fn plain(_user: &User) {}
}

mod keyed {
    use identity_runtime::{EventKey, MetadataChange, User, identity_event};
    #[identity_event(signup)]
    fn keyed(user: &User, key: &EventKey) -> MetadataChange {
        user.change().set_app("event_key", key.as_str())
    }
}

#[test]
fn a_missed_deadline_fails_closed_by_default() {
    let (status, body) = answer(&slow_closed::IDENTITY_FUNCTION);
    assert_eq!(status, 500);
    assert_eq!(body["error"], "fault");
    assert_eq!(
        body["message"],
        "the handler did not answer within its deadline of 50 ms"
    );
}

#[test]
fn a_missed_deadline_fails_open_when_asked() {
    assert_eq!(answer(&slow_open::IDENTITY_FUNCTION), (204, Value::Null));
}

#[test]
fn a_panic_fails_open_when_asked() {
    assert_eq!(answer(&panics_open::IDENTITY_FUNCTION), (204, Value::Null));
}

#[test]
fn fail_open_never_turns_a_denial_or_bad_input_into_an_allow() {
    let (status, body) = answer(&denies_open::IDENTITY_FUNCTION);
    assert_eq!(
        (status, body["message"].as_str()),
        (403, Some("a decision, not a fault"))
    );
    let response = denies_open::IDENTITY_FUNCTION.invoke_blocking(b"{\"httpMethod\":\"POST\"}");
    assert_eq!(response.status_code, 400);
    signed_open::IDENTITY_FUNCTION
        .set_verification(Verification::hs256("secret"))
        .unwrap();
    let unsigned = lambda_event(&sample_payload(EventKind::Signup));
    assert_eq!(
        signed_open::IDENTITY_FUNCTION
            .invoke_blocking(&unsigned)
            .status_code,
        401
    );
    let signed = Signer::new("secret").signed_event(&sample_payload(EventKind::Signup));
    assert_eq!(
        signed_open::IDENTITY_FUNCTION
            .invoke_blocking(&signed)
            .status_code,
        204
    );
}

#[test]
fn the_default_deadline_is_under_identitys_timeout() {
    let faults = default_faults::IDENTITY_FUNCTION.faults();
    assert_eq!(faults.deadline(), DEFAULT_DEADLINE);
    assert!(faults.deadline() < Duration::from_secs(5));
    assert!(!faults.is_fail_open());
}

#[test]
fn the_event_key_is_the_same_on_every_retry_and_differs_between_events() {
    let key = |event: &[u8]| {
        let response = keyed::IDENTITY_FUNCTION.invoke_blocking(event);
        let body: Value = serde_json::from_str(&response.body).unwrap();
        body["app_metadata"]["event_key"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let payload = sample_payload(EventKind::Signup);
    // A retry carries the same body, with a fresh signature and request headers.
    let first = key(&Signer::new("a").signed_event(&payload));
    let retry = key(&lambda_event(&payload));
    assert_eq!(first, retry);
    assert_eq!(
        first,
        identity_runtime::EventKey::of(payload.as_bytes()).as_str()
    );
    let other = key(&lambda_event(&payload.replace("foo@", "bar@")));
    assert_ne!(first, other);
}
