//! The envelope's direct scan against serde_json: whatever the bytes, where the scan answers,
//! serde_json reads the same event; and where the payload is read in place in the body string,
//! serde_json reads the same payload from the body it unescapes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(difference) = identity_runtime::__private::envelope_scan_agrees(data) {
        panic!("{difference}");
    }
    if let Err(difference) = identity_runtime::__private::payload_in_string_agrees(data) {
        panic!("{difference}");
    }
});
