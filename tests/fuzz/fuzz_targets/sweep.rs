//! Sweep files of any shape through planning: a plan or an error, never a
//! panic, a hang or an allocation blow-up.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let dir = std::env::temp_dir();
    if let Err(e) = hashflight::sweep::spec::plan(text, "fuzz-sweep.ron", &dir) {
        let _ = e.to_string();
    }
});
