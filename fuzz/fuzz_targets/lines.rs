#![no_main]
//! Fuzz target `lines`: see `callscore::fuzzing::json_lines_and_stdin`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| callscore::fuzzing::json_lines_and_stdin(data));
