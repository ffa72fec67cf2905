#![no_main]
//! Fuzz target `normalize`: see `callscore::fuzzing::normaliser`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| callscore::fuzzing::normaliser(data));
