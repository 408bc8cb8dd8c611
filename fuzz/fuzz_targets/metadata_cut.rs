//! Reading a payload with its `user_metadata` cut out against reading it whole: whatever the
//! text, where the cut reading answers, the whole reading gives the same event.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(payload) = std::str::from_utf8(data)
        && let Err(difference) = identity_runtime::__private::metadata_cut_agrees(payload)
    {
        panic!("{difference}");
    }
});
