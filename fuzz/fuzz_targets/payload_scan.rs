//! The payload's direct scan against serde_json: whatever the text, where the scan answers,
//! serde_json reads the same event.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(payload) = std::str::from_utf8(data)
        && let Err(difference) = identity_runtime::__private::payload_scan_agrees(payload)
    {
        panic!("{difference}");
    }
});
