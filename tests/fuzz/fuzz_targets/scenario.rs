//! Scenario text of any shape through parsing, `--set` overrides and
//! validation: it must give a scenario or an error, never a panic, a hang
//! or an allocation blow-up.
#![no_main]

use hashflight::scenario::{Override, Scenario};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The first line, if it looks like `path=value`, is also tried as an
    // override, so the fuzzer reaches the override path too.
    let (first, _) = text.split_once('\n').unwrap_or((text, ""));
    let overrides: Vec<Override> = Override::parse(first).into_iter().collect();
    for o in [&[][..], &overrides[..]] {
        match Scenario::from_str(text, "fuzz.ron", o) {
            Ok(s) => {
                // A valid scenario re-serialises and parses back.
                let again = Scenario::from_str(&s.to_ron(), "fuzz-again.ron", &[]);
                assert!(again.is_ok(), "round trip failed: {:?}", again.err());
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
});
