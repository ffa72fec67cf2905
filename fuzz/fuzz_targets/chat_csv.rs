#![no_main]
//! Fuzz target `chat_csv`: see `callscore::fuzzing::chat_csv_text`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| callscore::fuzzing::chat_csv_text(data));
