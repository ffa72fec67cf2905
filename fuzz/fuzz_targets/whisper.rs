#![no_main]
//! Fuzz target `whisper`: see `callscore::fuzzing::whisper_json`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| callscore::fuzzing::whisper_json(data));
