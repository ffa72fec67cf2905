//! Cross-format tests of the input layer's entry points: fixture helpers used by every
//! reader's tests, encodings end to end, malformed inputs, the walk (exclusions, the
//! extension table, the pre-count), default metadata, and a property test that nothing
//! panics on arbitrary bytes.

use super::common::speakers::role_of;
use super::decode::decode;
use super::detect::detect_format;
use super::read::{read_document, read_record};
use super::*;
use crate::transcript::{Call, Speaker};
use proptest::prelude::*;
use std::path::Path;

/// Absolute path of a fixture under `tests/fixtures/read/`.
pub(crate) fn fixture(rel: &str) -> String {
    format!("{}/tests/fixtures/read/{rel}", env!("CARGO_MANIFEST_DIR"))
}

/// Decode and read a fixture with the given options.
pub(crate) fn read_fixture_with(rel: &str, opts: &ReadOptions) -> (Vec<Call>, Vec<ReadError>) {
    let path = fixture(rel);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    match decode(&bytes, &path, opts) {
        Ok(text) => read_document(&path, Path::new(&path), &text, opts),
        Err(e) => (Vec::new(), vec![e]),
    }
}

/// Decode and read a fixture with default options.
pub(crate) fn read_fixture(rel: &str) -> (Vec<Call>, Vec<ReadError>) {
    read_fixture_with(rel, &ReadOptions::default())
}

/// Read in-memory text as if it were file `name`.
pub(crate) fn read_text(name: &str, text: &str) -> (Vec<Call>, Vec<ReadError>) {
    read_document(name, Path::new(name), text, &ReadOptions::default())
}

/// One turn as a tuple a test can compare whole: speaker, label, start, text, source line.
pub(crate) type TurnSummary<'a> = (Speaker, Option<&'a str>, Option<u64>, &'a str, Option<u32>);

/// Every turn of `c` as a [`TurnSummary`].
pub(crate) fn summary(c: &Call) -> Vec<TurnSummary<'_>> {
    c.turns
        .iter()
        .map(|t| {
            (
                t.speaker,
                t.label.as_deref(),
                t.start_ms,
                t.text.as_str(),
                t.line,
            )
        })
        .collect()
}

fn speakers_and_text(c: &Call) -> Vec<(Speaker, String)> {
    c.turns
        .iter()
        .map(|t| (t.speaker, t.text.clone()))
        .collect()
}

#[test]
fn gbk_plain_text_fixture() {
    let raw = std::fs::read(fixture("encodings/gbk_zh.txt")).unwrap();
    assert!(
        std::str::from_utf8(&raw).is_err(),
        "fixture must really be GBK"
    );
    let (calls, errs) = read_fixture("encodings/gbk_zh.txt");
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(
        speakers_and_text(&calls[0]),
        vec![
            (Speaker::Agent, "您好，工号一零二四为您服务。".to_string()),
            (Speaker::Customer, "我要投诉，宽带断了两天了。".to_string()),
        ]
    );
    assert_eq!(calls[0].call_id, "GBK-7");
}

#[test]
fn gbk_written_by_test() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("客服录音.txt");
    let (bytes, _, bad) =
        encoding_rs::GBK.encode("坐席：请问还有其他问题吗？\n顾客：没有了，谢谢。\n");
    assert!(!bad);
    std::fs::write(&p, &bytes).unwrap();
    let raw = std::fs::read(&p).unwrap();
    let src = p.display().to_string();
    let text = decode(&raw, &src, &ReadOptions::default()).unwrap();
    let (calls, errs) = read_document(&src, &p, &text, &ReadOptions::default());
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(calls[0].call_id, "客服录音");
    assert_eq!(calls[0].turns[1].speaker, Speaker::Customer);
    assert_eq!(calls[0].turns[1].text, "没有了，谢谢。");
}

#[test]
fn utf16le_bom_fixture() {
    let raw = std::fs::read(fixture("encodings/utf16le_bom_en.txt")).unwrap();
    assert_eq!(&raw[..2], b"\xFF\xFE");
    let (calls, errs) = read_fixture("encodings/utf16le_bom_en.txt");
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(
        speakers_and_text(&calls[0]),
        vec![
            (
                Speaker::Agent,
                "Good afternoon, Litware insurance.".to_string()
            ),
            (Speaker::Customer, "I'd like to file a claim.".to_string()),
        ]
    );
}

#[test]
fn utf8_bom_fixture() {
    let raw = std::fs::read(fixture("encodings/utf8_bom_fa.txt")).unwrap();
    assert_eq!(&raw[..3], b"\xEF\xBB\xBF");
    let (calls, errs) = read_fixture("encodings/utf8_bom_fa.txt");
    assert!(errs.is_empty(), "{errs:?}");
    let c = &calls[0];
    assert_eq!(c.call_id, "FA-BOM-1", "header on the BOM line is read");
    assert_eq!(
        speakers_and_text(c),
        vec![
            (Speaker::Agent, "سلام، چطور می‌توانم کمکتان کنم؟".to_string()),
            (Speaker::Customer, "قبض من اشتباه است.".to_string()),
        ]
    );
}

#[test]
fn truncated_json() {
    let (calls, errs) = read_fixture("malformed/truncated.json");
    assert!(calls.is_empty());
    assert_eq!(errs.len(), 1);
    let e = &errs[0];
    assert!(e.source.ends_with("truncated.json"));
    assert_eq!(e.line, Some(9));
    assert!(
        e.reason.starts_with("invalid JSON at column"),
        "{}",
        e.reason
    );
    assert!(
        e.reason.ends_with("EOF while parsing a string"),
        "{}",
        e.reason
    );
}

#[test]
fn unknown_json_shape() {
    let (calls, errs) = read_fixture("malformed/unknown_shape.json");
    assert!(calls.is_empty());
    assert!(
        errs[0].reason.starts_with("unrecognised JSON layout"),
        "{}",
        errs[0].reason
    );
    assert!(
        errs[0]
            .hint
            .as_deref()
            .unwrap()
            .contains("call.schema.json")
    );
}

#[test]
fn binary_junk_fixture() {
    let (calls, errs) = read_fixture("malformed/junk.txt");
    assert!(calls.is_empty());
    assert_eq!(errs[0].reason, "not text: binary data at byte 8");
    assert_eq!(
        errs[0].hint.as_deref(),
        Some(
            "convert the file to UTF-8, or pass --encoding LABEL (e.g. gbk, utf-16le, windows-1252)"
        )
    );
}

#[test]
fn empty_file_fixture() {
    let (calls, errs) = read_fixture("malformed/empty.txt");
    assert!(calls.is_empty());
    assert_eq!(errs[0].reason, "empty file");
    let (_, errs) = read_text("blank.txt", "  \n\n");
    assert_eq!(errs[0].reason, "empty file");
}

#[test]
fn unknown_format_and_metadata_csv() {
    let (_, errs) = read_text("-", "%PDF-1.7 binary-ish");
    assert!(
        errs[0].reason.starts_with("unknown format"),
        "{}",
        errs[0].reason
    );
    let (_, errs) = read_text("meta.csv", "call_id,csat\nA,5\n");
    assert!(
        errs[0].reason.starts_with("not a chat export"),
        "{}",
        errs[0].reason
    );
    assert!(is_metadata_csv("call_id,csat\nA,5\n"));
    assert!(!is_metadata_csv("sender,message\nagent,hi\n"));
}

#[test]
fn stdin_source_gets_stdin_id() {
    let (calls, _) = read_document(
        "-",
        Path::new("-"),
        "Agent: hi\nCustomer: hello\n",
        &ReadOptions::default(),
    );
    assert_eq!(calls[0].call_id, "stdin");
    assert_eq!(calls[0].source, "-");
}

#[test]
fn public_label_helper_and_display() {
    assert_eq!(role_of("Agent (Sarah)"), Some(Speaker::Agent));
    assert_eq!(role_of("SPEAKER_00"), None);
    let e = ReadError::new("a.vtt", "bad")
        .at_line(3)
        .with_call("c1")
        .with_hint("fix it");
    assert_eq!(e.to_string(), "a.vtt:3: bad (call c1); hint: fix it");
}

/// A scratch folder: transcripts, a side metadata CSV, a non-transcript file, an output
/// folder of an earlier run and a run's staging folder.
fn scratch_corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let w = |rel: &str, text: &str| {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    w("a/one.txt", "Agent: hello\nCustomer: hi\n");
    w(
        "a/two.webvtt",
        "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Agent>hi\n",
    );
    w(
        "b/calls.jsonl",
        "{\"call_id\":\"J1\",\"turns\":[{\"speaker\":\"agent\",\"text\":\"hi\"}]}\n",
    );
    w("meta.csv", "call_id,team\nJ1,blue\n");
    w("notes.md", "# notes\n");
    w("out/calls.jsonl", "{\"type\":\"call\"}\n");
    w(".callscore-tmp-1/calls.jsonl", "{}\n");
    dir
}

#[test]
fn count_walks_like_the_run_and_excludes_outputs() {
    let dir = scratch_corpus();
    let opts = InputOptions {
        paths: vec![dir.path().to_path_buf()],
        exclude: vec![dir.path().join("a/../out")],
        ..Default::default()
    };
    let c = count(&opts);
    assert_eq!((c.files, c.skipped, c.stdin), (3, 1, false), "{c:?}");
    let inputs = Inputs::open(opts.clone()).unwrap();
    assert_eq!(inputs.count(Sizes::Stat), c);
    assert!(c.bytes > 0, "{c:?}");
    // Without sizes, the same count with no bytes.
    let unsized_count = inputs.count(Sizes::Skip);
    assert_eq!(unsized_count.bytes, 0);
    assert_eq!(
        InputCount {
            bytes: c.bytes,
            ..unsized_count
        },
        c
    );
    assert_eq!(inputs.metadata_rows, 1);
    let all = inputs.read_all();
    let ids: Vec<_> = all.calls.iter().map(|c| c.call_id.as_str()).collect();
    assert_eq!(ids, ["one", "two", "J1"], "{:?}", all.errors);
    assert!(all.errors.is_empty(), "{:?}", all.errors);
    assert_eq!(all.calls[2].metadata.team.as_deref(), Some("blue"));
    // Without the exclusion the old output is read (and fails).
    let opts = InputOptions {
        paths: vec![dir.path().to_path_buf()],
        ..Default::default()
    };
    assert_eq!(count(&opts).files, 4);
}

#[test]
fn nothing_to_read_is_a_typed_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), "x").unwrap();
    let opts = InputOptions {
        paths: vec![dir.path().to_path_buf()],
        ..Default::default()
    };
    let c = count(&opts);
    let e = c.check_not_empty(&opts).unwrap_err();
    assert_eq!(e.skipped, 1);
    let msg = e.to_string();
    assert!(msg.starts_with("no transcript was found under"), "{msg}");
    assert!(msg.contains("README.md") && msg.contains("webvtt"), "{msg}");
    let stdin = InputOptions {
        paths: vec!["-".into()],
        ..Default::default()
    };
    assert!(count(&stdin).check_not_empty(&stdin).is_ok());
}

#[test]
fn defaults_fill_after_side_metadata() {
    let mut meta = MetadataTable::from_csv_text("m.csv", "call_id,team\nA,blue\n").unwrap();
    meta.extend(MetadataTable::default());
    let defaults = defaults::from_pairs(&[
        ("team".into(), "night".into()),
        ("queue".into(), "billing".into()),
    ])
    .unwrap();
    let (mut calls, _) = read_text("A.txt", "# agent: x\nAgent: hi\nCustomer: yo\n");
    prepare_call(&meta, &defaults, &mut calls[0]);
    let m = &calls[0].metadata;
    assert_eq!(
        (m.agent.as_deref(), m.team.as_deref(), m.queue.as_deref()),
        (Some("x"), Some("blue"), Some("billing"))
    );
}

const EXTS: &[&str] = &[
    "json", "jsonl", "vtt", "srt", "txt", "log", "chat", "csv", "ndjson", "bin", "",
];

fn run_all(bytes: &[u8]) {
    for ext in EXTS {
        let name = if ext.is_empty() {
            "input".to_string()
        } else {
            format!("input.{ext}")
        };
        let opts = ReadOptions::default();
        if let Ok(text) = decode(bytes, &name, &opts) {
            let (calls, _errs) = read_document(&name, Path::new(&name), &text, &opts);
            for c in calls {
                assert!(!c.call_id.is_empty());
                assert!(!c.turns.is_empty());
                assert!(c.turns.iter().all(|t| t.start_ms.is_some()));
            }
        }
        if let Ok(text) = std::str::from_utf8(bytes) {
            for (i, line) in text.lines().enumerate() {
                let _ = read_record(&name, i as u64 + 1, line, &opts);
            }
            let _ = detect_format(ext::kind_of(Path::new(&name)), text);
            let _ = is_metadata_csv(text);
            let _ = MetadataTable::from_csv_text(&name, text);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        run_all(&bytes);
    }

    #[test]
    fn never_panics_on_format_like_text(
        text in r#"(WEBVTT\n|1\n|\{"turns":\[|\{"segments":\[|\{"entries":\[|\{"Transcript":\[|role,text\n|# csat: |)([\[\]{}<>"\\:：,;.\- \n0-9a-zA-Z_客户坐席مشتری\u{200f}]|-->|<v |00:0|"start"|"speaker"|"text"|"ParticipantId"|"start_timestamp_usec"){0,80}"#
    ) {
        run_all(text.as_bytes());
    }
}
