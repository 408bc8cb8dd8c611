//! The client context's direct scan against serde_json: whatever the decoded `custom.netlify`
//! bytes, where the scan answers, serde_json reads the same context.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(difference) = identity_runtime::__private::context_scan_agrees(data) {
        panic!("{difference}");
    }
});
