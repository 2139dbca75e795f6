//! Arbitrary bytes through `rooms_of`, read whole and in windows: it must
//! not panic, must give serde_json's syntax verdict (with the deliberate
//! differences of `tests/json_oracle`), and windowed reads must report
//! the same rooms, rules, places and pointers as the whole read, and so
//! must reads whose participants maps a second thread takes over.
//!
//! The first byte picks the window step (1 to 256) and strictness; the
//! rest is the input.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/json_oracle/mod.rs"]
mod json_oracle;

fuzz_target!(|data: &[u8]| {
    let Some((&first, text)) = data.split_first() else {
        return;
    };
    let step = usize::from(first) + 1;
    let strict = first & 1 == 1;
    if let Err(e) = json_oracle::check_verdict(text, strict) {
        panic!("{e}");
    }
    if let Err(e) = json_oracle::check_windows(text, &[step], strict) {
        panic!("{e}");
    }
    if let Err(e) = json_oracle::check_splits(text, strict) {
        panic!("{e}");
    }
});
