//! Entry points for the fuzz targets in `fuzz/` and for the corpus replay test
//! (`tests/fuzz_corpus.rs`): one function per target, taking arbitrary bytes.
//!
//! Each function feeds the bytes to one part of the input layer, the rule-pack loader
//! or the normaliser through the same code paths a run uses, and checks invariants that
//! are cheap to check (every error names its source and says what was wrong; the
//! normaliser's offset map stays inside the text, on character boundaries, and is
//! monotone). A broken invariant panics, which is what a fuzzer reports; so does any
//! panic, infinite loop or runaway allocation in the code under test. The functions are
//! shared so that the corpus kept in `fuzz/corpus/<target>/` is replayed on the stable
//! toolchain by `cargo test`, and a bug found once stays fixed.
//!
//! See `docs/fuzzing.md` for how to run a target and add to its corpus.

use crate::input::common::{Ctx, ReadError, ReadOptions};
use crate::input::read::{self, aws, ccai, chat_csv, native, plain, subtitles, whisper};
use crate::input::{InputOptions, MetadataTable, decode, lines, prepare_call};
use crate::normalize::{Normalized, normalize, normalize_into};
use crate::transcript::{Call, Format, Metadata, Speaker};
use std::path::Path;

/// A fuzz target's function: arbitrary bytes in, a panic when something is wrong.
pub type Target = fn(&[u8]);

/// Every fuzz target: its name (the folder under `fuzz/corpus/` and the binary under
/// `fuzz/fuzz_targets/`) and its function.
pub const TARGETS: &[(&str, Target)] = &[
    ("native", native_json),
    ("aws", aws_transcribe),
    ("ccai", google_ccai),
    ("whisper", whisper_json),
    ("subtitles", subtitles_srt_vtt),
    ("plain", plain_text),
    ("chat_csv", chat_csv_text),
    ("side_csv", side_metadata_csv),
    ("lines", json_lines_and_stdin),
    ("decode", byte_decoding),
    ("rules", rule_pack),
    ("normalize", normaliser),
];

/// Reader options with a speaker map, so that the mapped-label path is exercised too.
fn opts() -> ReadOptions {
    let mut o = ReadOptions::default();
    o.speaker_map
        .insert("speaker_00".to_string(), Speaker::Customer);
    o.speaker_map.insert("spk_1".to_string(), Speaker::Agent);
    o
}

/// An error must name its source and say what was wrong.
fn check_error(e: &ReadError, source: &str) {
    assert_eq!(e.source, source, "error without its source: {e:?}");
    assert!(!e.reason.trim().is_empty(), "error without a reason: {e:?}");
    let _ = e.to_string();
}

/// A call as readers hand it on: attributed to its source, with an id, and prepared
/// the way every call is before scoring.
fn check_call(mut call: Call, source: &str) {
    assert_eq!(call.source, source, "call from the wrong source");
    assert!(!call.call_id.trim().is_empty(), "call without an id");
    for t in &call.turns {
        if let (Some(s), Some(e)) = (t.start_ms, t.end_ms) {
            assert!(s <= e, "turn ends before it starts: {t:?}");
        }
    }
    prepare_call(&MetadataTable::default(), &Metadata::default(), &mut call);
    let _ = serde_json::to_string(&call).expect("a call serialises");
}

fn check_results(results: Vec<Result<Call, ReadError>>, source: &str) {
    for r in results {
        match r {
            Ok(c) => check_call(c, source),
            Err(e) => check_error(&e, source),
        }
    }
}

/// Decode `data` as a file named `name` would be, then read it whole with
/// [`read::read_document`] (format detection included). Returns the text, when the
/// bytes decode, for the target to hand to its own reader.
fn document(name: &str, data: &[u8], o: &ReadOptions) -> Option<String> {
    let text = match decode::decode(data, name, o) {
        Ok(t) => t.into_owned(),
        Err(e) => {
            check_error(&e, name);
            return None;
        }
    };
    let (calls, errors) = read::read_document(name, Path::new(name), &text, o);
    calls.into_iter().for_each(|c| check_call(c, name));
    errors.iter().for_each(|e| check_error(e, name));
    Some(text)
}

/// Parse the text as JSON and hand the value to `f` (the reader of one layout), as
/// the reader would get it after detection.
fn with_json(name: &str, text: &str, o: &ReadOptions, f: impl FnOnce(&Ctx, &serde_json::Value)) {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
        return;
    };
    let ctx = Ctx::new(name, Path::new(name), o);
    f(&ctx, &v);
}

/// Native JSON: a document (one call, a list, `{"calls": […]}`), and each line as a
/// JSON Lines record (the fast path and the general one).
pub fn native_json(data: &[u8]) {
    let o = opts();
    let Some(text) = document("fuzz.json", data, &o) else {
        return;
    };
    with_json("fuzz.json", &text, &o, |ctx, v| {
        check_results(native::read_json(ctx, v), "fuzz.json");
    });
    for (i, line) in text.lines().enumerate() {
        match read::read_record("fuzz.jsonl", i as u64 + 1, line, &o) {
            Ok(c) => check_call(c, "fuzz.jsonl"),
            Err(e) => {
                check_error(&e, "fuzz.jsonl");
                assert_eq!(e.line, Some(i as u64 + 1), "record error without its line");
            }
        }
    }
}

/// Amazon Transcribe and Contact Lens JSON.
pub fn aws_transcribe(data: &[u8]) {
    let o = opts();
    let Some(text) = document("fuzz.json", data, &o) else {
        return;
    };
    with_json("fuzz.json", &text, &o, |ctx, v| {
        for lens in [false, true] {
            check_results(vec![aws::read(ctx, v, lens)], "fuzz.json");
        }
    });
}

/// Google CCAI: Insights conversations (bare, wrapped, listed) and Dialogflow entries.
pub fn google_ccai(data: &[u8]) {
    let o = opts();
    let Some(text) = document("fuzz.json", data, &o) else {
        return;
    };
    with_json("fuzz.json", &text, &o, |ctx, v| {
        check_results(ccai::read_any(ctx, v), "fuzz.json");
    });
}

/// Whisper JSON (segments, words, diarised speakers).
pub fn whisper_json(data: &[u8]) {
    let o = opts();
    let Some(text) = document("fuzz.json", data, &o) else {
        return;
    };
    with_json("fuzz.json", &text, &o, |ctx, v| {
        check_results(vec![whisper::read(ctx, v)], "fuzz.json");
    });
}

/// SRT and WebVTT, detected by extension and read by both readers whatever the
/// content says.
pub fn subtitles_srt_vtt(data: &[u8]) {
    let o = opts();
    for name in ["fuzz.vtt", "fuzz.srt"] {
        let Some(text) = document(name, data, &o) else {
            return;
        };
        let ctx = Ctx::new(name, Path::new(name), &o);
        let r = if name.ends_with(".vtt") {
            subtitles::read_vtt(&ctx, &text)
        } else {
            subtitles::read_srt(&ctx, &text)
        };
        check_results(vec![r], name);
    }
}

/// Plain text transcripts (speaker labels, time stamps, header blocks), as a `.txt`
/// file and as stdin read whole (detection by content).
pub fn plain_text(data: &[u8]) {
    let o = opts();
    let Some(text) = document("fuzz.txt", data, &o) else {
        return;
    };
    let _ = document("-", data, &o);
    let ctx = Ctx::new("fuzz.txt", Path::new("fuzz.txt"), &o);
    check_results(vec![plain::read(&ctx, &text)], "fuzz.txt");
}

/// Chat CSV exports (delimiter sniffing, header synonyms, time columns).
pub fn chat_csv_text(data: &[u8]) {
    let o = opts();
    let Some(text) = document("fuzz.csv", data, &o) else {
        return;
    };
    let ctx = Ctx::new("fuzz.csv", Path::new("fuzz.csv"), &o);
    check_results(chat_csv::read(&ctx, &text), "fuzz.csv");
}

/// Side metadata CSVs: parsed as `--metadata` would be, then joined onto a call.
pub fn side_metadata_csv(data: &[u8]) {
    let text = match decode::decode(data, "meta.csv", &ReadOptions::default()) {
        Ok(t) => t,
        Err(e) => return check_error(&e, "meta.csv"),
    };
    let _ = crate::input::is_metadata_csv(&text);
    match MetadataTable::from_csv_text("meta.csv", &text) {
        Ok(table) => {
            let mut call = Call {
                call_id: "c1".into(),
                source: "x.json".into(),
                source_line: None,
                format: Format::NativeJson,
                metadata: Metadata::default(),
                turns: Vec::new(),
                times_estimated: false,
            };
            prepare_call(&table, &Metadata::default(), &mut call);
            assert_eq!(call.call_id, "c1");
        }
        Err(e) => check_error(&e, "meta.csv"),
    }
}

/// The turn limits of the `lines` target: small enough that calls over `--max-turns`
/// and turns over `--max-turn-length` come out of inputs of a few hundred bytes.
const LINES_MAX_TURNS: usize = 32;
const LINES_MAX_TURN_BYTES: usize = 256;

/// JSON Lines streams and stdin sniffing: the bytes as stdin (JSON Lines streamed per
/// record, or a document read whole) and as a `.jsonl` stream, with small size, line
/// and turn limits so that over-long records and documents, calls with too many turns
/// and over-long turns are exercised, each unit then decoded and read. No call that
/// comes out is over a turn limit.
pub fn json_lines_and_stdin(data: &[u8]) {
    let opts = InputOptions {
        read: opts(),
        max_file_bytes: 2048,
        max_line_bytes: 2048,
        max_turns: LINES_MAX_TURNS,
        max_turn_bytes: LINES_MAX_TURN_BYTES,
        ..InputOptions::default()
    };
    let mut n = 0usize;
    for unit in lines::units_in_memory(data, &opts) {
        n += 1;
        let out = crate::input::read_unit(unit, &opts);
        for c in out.calls {
            assert!(c.turns.len() <= LINES_MAX_TURNS, "a call over --max-turns");
            assert!(
                c.turns.iter().all(|t| t.text.len() <= LINES_MAX_TURN_BYTES),
                "a turn over --max-turn-length"
            );
            let source = c.source.clone();
            check_call(c, &source);
        }
        for e in &out.errors {
            assert!(!e.source.is_empty() && !e.reason.trim().is_empty(), "{e:?}");
        }
    }
    // At most one unit per line (plus one for the stdin sniff) ever comes out.
    assert!(n <= 2 * (memchr::memchr_iter(b'\n', data).count() + 2));
}

/// Byte decoding: detection (BOMs, UTF-8, BOM-less UTF-16, GB18030, binary) and a
/// forced `--encoding` chosen by the first byte. Decoded text never holds a NUL.
pub fn byte_decoding(data: &[u8]) {
    const LABELS: &[&str] = &[
        "utf-8",
        "utf-16le",
        "utf-16be",
        "gbk",
        "windows-1252",
        "shift_jis",
    ];
    let check = |r: Result<std::borrow::Cow<'_, str>, ReadError>| match r {
        Ok(t) => {
            assert!(!t.is_empty(), "decoded to empty text");
            assert!(!t.contains('\0'), "decoded text with a NUL");
        }
        Err(e) => check_error(&e, "fuzz.txt"),
    };
    check(decode::decode(data, "fuzz.txt", &ReadOptions::default()));
    if let Some((&first, rest)) = data.split_first() {
        let label = LABELS[usize::from(first) % LABELS.len()];
        let o = ReadOptions {
            encoding: encoding_rs::Encoding::for_label(label.as_bytes()),
            ..ReadOptions::default()
        };
        check(decode::decode(rest, "fuzz.txt", &o));
    }
}

/// The rule-pack loader: one TOML text → loaded, checked and compiled pack, with
/// every diagnostic rendered. A pack comes out exactly when there is no error.
pub fn rule_pack(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let checked = crate::rules::load_pack_str("pack.toml", text);
    assert_eq!(
        checked.pack.is_some(),
        checked.error_count() == 0,
        "a pack with errors, or no pack without any"
    );
    for d in &checked.diagnostics {
        let _ = d.render_concise(&checked.sources);
        let _ = d.render_full(&checked.sources);
        let _ = d.to_json(&checked.sources);
    }
    if let Some(pack) = &checked.pack {
        let _ = pack.label();
    }
}

/// The normaliser and its offset map: every normalised range maps back to a range of
/// the input on character boundaries, `norm_pos` is monotone and inside the output,
/// reusing a buffer gives the same result, and the output is a fixed point.
pub fn normaliser(data: &[u8]) {
    let src = String::from_utf8_lossy(data);
    let n = normalize(&src);
    let t = &n.text;
    assert!(
        !t.starts_with(' ') && !t.ends_with(' ') && !t.contains("  "),
        "{t:?}"
    );
    let len = t.len();
    let step = (len / 64).max(1);
    for a in (0..=len).step_by(step) {
        for b in [a, a + 1, a + 7, len] {
            let r = n.orig_range(a..b);
            assert!(r.start <= r.end && r.end <= src.len(), "{a}..{b} -> {r:?}");
            assert!(src.is_char_boundary(r.start) && src.is_char_boundary(r.end));
        }
    }
    let mut last = 0;
    let ostep = (src.len() / 64).max(1);
    for o in (0..=src.len()).step_by(ostep) {
        let p = n.norm_pos(o);
        assert!(p <= len && p >= last, "norm_pos({o}) = {p} after {last}");
        assert!(t.is_char_boundary(p));
        last = p;
    }
    let mut reused = Normalized::new();
    normalize_into("previous text, Ünïcode 中文", &mut reused);
    normalize_into(&src, &mut reused);
    assert_eq!(&reused.text, t, "a reused buffer gives another result");
    assert_eq!(&normalize(t).text, t, "the output is not a fixed point");
}
