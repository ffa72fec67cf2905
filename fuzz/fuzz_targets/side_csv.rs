#![no_main]
//! Fuzz target `side_csv`: see `callscore::fuzzing::side_metadata_csv`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| callscore::fuzzing::side_metadata_csv(data));
