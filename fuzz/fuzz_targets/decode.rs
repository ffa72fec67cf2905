#![no_main]
//! Fuzz target `decode`: see `callscore::fuzzing::byte_decoding`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| callscore::fuzzing::byte_decoding(data));
