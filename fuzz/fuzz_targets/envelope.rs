//! The envelope's direct scan against serde_json: whatever the bytes, where the scan answers,
//! serde_json reads the same event.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(difference) = identity_runtime::__private::envelope_scan_agrees(data) {
        panic!("{difference}");
    }
});
