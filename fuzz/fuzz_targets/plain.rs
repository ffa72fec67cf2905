#![no_main]
//! Fuzz target `plain`: see `callscore::fuzzing::plain_text`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| callscore::fuzzing::plain_text(data));
