//! Playbook JSON: any text gives a checked playbook or a typed error, and a
//! playbook that loads survives a round trip unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use partner_priority::strategy::Playbook;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(playbook) = Playbook::from_json(text) {
        let json = playbook.to_json().expect("a loaded playbook serialises");
        let again = Playbook::from_json(&json).expect("a serialised playbook loads");
        assert_eq!(playbook, again, "playbook round trip");
    }
});
