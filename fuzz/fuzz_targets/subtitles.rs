#![no_main]
//! Fuzz target `subtitles`: see `callscore::fuzzing::subtitles_srt_vtt`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| callscore::fuzzing::subtitles_srt_vtt(data));
