//! The client context's direct scan against serde_json: whatever the decoded `custom.netlify`
//! bytes, where the scan answers, serde_json reads the same context; and the same bytes taken
//! for a `Lambda-Runtime-Client-Context` header, whose `custom.netlify` the scan reads as
//! serde_json does.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(difference) = identity_runtime::__private::context_scan_agrees(data) {
        panic!("{difference}");
    }
    if let Err(difference) = identity_runtime::__private::header_scan_agrees(data) {
        panic!("header: {difference}");
    }
});
