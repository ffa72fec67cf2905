#![no_main]
//! Fuzz target `ccai`: see `callscore::fuzzing::google_ccai`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| callscore::fuzzing::google_ccai(data));
