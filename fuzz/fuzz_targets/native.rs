#![no_main]
//! Fuzz target `native`: see `callscore::fuzzing::native_json`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| callscore::fuzzing::native_json(data));
