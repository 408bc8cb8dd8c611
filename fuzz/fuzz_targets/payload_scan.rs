//! The payload's direct scans against serde_json: whatever the text, where the scan answers,
//! serde_json reads the same event; and where the payload, put in an event's body as Netlify
//! sends it, is read in place in the body string, serde_json reads the same from the event.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(payload) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(difference) = identity_runtime::__private::payload_scan_agrees(payload) {
        panic!("{difference}");
    }
    let event = serde_json::json!({"path": "/", "body": payload, "isBase64Encoded": false});
    if let Err(difference) =
        identity_runtime::__private::payload_in_string_agrees(event.to_string().as_bytes())
    {
        panic!("{difference}");
    }
});
