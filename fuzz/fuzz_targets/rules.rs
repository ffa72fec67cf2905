#![no_main]
//! Fuzz target `rules`: see `callscore::fuzzing::rule_pack`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| callscore::fuzzing::rule_pack(data));
