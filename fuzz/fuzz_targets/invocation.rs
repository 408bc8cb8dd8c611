//! The whole invocation path: raw Lambda event bytes in, answer out. Whatever the bytes, the
//! answer is a defined status with a JSON (or, for 204, empty) body, nothing panics, and the
//! Lambda runner's call answers the same.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod function {
    use identity_runtime::{ClientContext, Deny, EventKey, MetadataChange, User, identity_event};

    #[identity_event(login, allow_name_mismatch)]
    fn login(user: &User, context: Option<&ClientContext>, key: &EventKey) -> Result<MetadataChange, Deny> {
        if user.has_role("banned") {
            return Err(Deny::new("banned"));
        }
        let mut change = user.change().add_role("member").set_user("key", key.as_str());
        if let Some(claims) = context.and_then(|context| context.user.as_ref()) {
            change = change.set_app("sub", claims.sub.clone());
        }
        Ok(change)
    }
}

thread_local! {
    static RUNTIME: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");
}

fuzz_target!(|data: &[u8]| {
    let (response, posted) = RUNTIME.with(|runtime| {
        let response = runtime.block_on(function::IDENTITY_FUNCTION.invoke(data));
        // The Lambda runner's call on the same event answers the same.
        let (posted, _line) =
            runtime.block_on(function::IDENTITY_FUNCTION.respond_lambda("fuzz", data, None, None));
        (response, posted)
    });
    assert_eq!(posted, response, "the runner's response differs");
    serde_json::to_vec(&posted).expect("the response's JSON");
    assert!(
        matches!(response.status_code, 200 | 204 | 400 | 401 | 403 | 413 | 500),
        "undefined status {}",
        response.status_code
    );
    if response.status_code == 204 {
        assert!(response.body.is_empty());
    } else {
        let body: serde_json::Value = serde_json::from_str(&response.body).expect("a JSON body");
        if response.status_code == 200 {
            // A change keeps the provider the user had.
            assert!(body.get("app_metadata").is_some() || body.get("user_metadata").is_some());
        } else {
            assert!(body["error"].is_string() && body["message"].is_string());
        }
    }
});
