#![no_main]
//! Fuzz target `aws`: see `callscore::fuzzing::aws_transcribe`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| callscore::fuzzing::aws_transcribe(data));
