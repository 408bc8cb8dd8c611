//! Payload parsing: any bytes either fail with an error or give an event that writes back out
//! and parses again to the same event.
#![no_main]

use identity_runtime::IdentityEvent;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(event) = serde_json::from_slice::<IdentityEvent>(data) {
        let written = serde_json::to_vec(&event).expect("an event serialises");
        let again: IdentityEvent = serde_json::from_slice(&written).expect("what was written parses");
        assert_eq!(again, event);
    }
});
