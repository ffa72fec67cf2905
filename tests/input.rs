//! The input layer end to end through `callscore run`: every input option applies the same
//! way whichever way a call comes in (a file named on the command line, a file found in a
//! folder, a JSON Lines record, stdin read whole or as JSON Lines); stdin is sniffed like a
//! file; the walk never reads its own outputs; header lines of real exports become metadata.
//!
//! Harness: each test writes its inputs into a temp dir, runs the small fixture pack over
//! them and reads `calls.jsonl` / `errors.jsonl` back.

use serde_json::Value;
use std::path::{Path, PathBuf};
mod common;
use common::{callscore, read_jsonl, root};

/// What one run produced.
struct Ran {
    code: i32,
    calls: Vec<Value>,
    errors: Vec<Value>,
    stderr: String,
}

/// `callscore run PATHS --rules tests/fixtures/pack --out TMP EXTRA...` with `stdin` piped.
fn run(paths: &[&Path], extra: &[&str], stdin: Option<Vec<u8>>) -> Ran {
    let out = tempfile::tempdir().unwrap();
    run_to(paths, extra, stdin, out.path())
}

fn run_to(paths: &[&Path], extra: &[&str], stdin: Option<Vec<u8>>, out: &Path) -> Ran {
    let mut c = callscore();
    c.arg("run")
        .args(paths)
        .args(["--rules", "tests/fixtures/pack", "--quiet", "--out"])
        .arg(out)
        .args(extra);
    if let Some(bytes) = stdin {
        c.write_stdin(bytes);
    }
    let o = c.output().unwrap();
    Ran {
        code: o.status.code().unwrap_or(-1),
        calls: read_jsonl(&out.join("calls.jsonl")),
        errors: read_jsonl(&out.join("errors.jsonl")),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// One call in every way in: the same bytes as a file named on the command line, as a file
/// in a folder, as stdin read whole, and the same call as a JSON Lines record, in a file and
/// on stdin.
struct Call {
    /// File name (its extension picks the format) and content of the whole-file form.
    name: &'static str,
    doc: Vec<u8>,
    /// The call as one JSON Lines record (without the newline).
    record: Vec<u8>,
}

/// Run `call` every way with `extra` arguments; returns (way, outcome) pairs.
fn every_way(call: &Call, extra: &[&str]) -> Vec<(&'static str, Ran)> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("named").join(call.name);
    let folder = dir.path().join("folder");
    let jsonl = dir.path().join("records.jsonl");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::create_dir_all(folder.join("day1")).unwrap();
    std::fs::write(&file, &call.doc).unwrap();
    std::fs::write(folder.join("day1").join(call.name), &call.doc).unwrap();
    let mut record = call.record.clone();
    record.push(b'\n');
    std::fs::write(&jsonl, &record).unwrap();
    let dash = Path::new("-");
    vec![
        ("file", run(&[&file], extra, None)),
        ("folder", run(&[&folder], extra, None)),
        ("jsonl record", run(&[&jsonl], extra, None)),
        ("stdin", run(&[dash], extra, Some(call.doc.clone()))),
        ("stdin jsonl", run(&[dash], extra, Some(record))),
    ]
}

/// The one record of a run, or a panic naming the way and what went wrong.
fn only_call<'a>(way: &str, r: &'a Ran) -> &'a Value {
    assert_eq!(
        (r.calls.len(), r.errors.len()),
        (1, 0),
        "{way}: expected one call and no error; errors: {:?}; stderr: {}",
        r.errors,
        r.stderr
    );
    &r.calls[0]
}

/// A call where the customer (Tom) speaks first: 3 turns for Tom, 2 for Maria.
fn tom_and_maria() -> Call {
    let turns = [
        ("Tom", "hi, my internet is down again"),
        ("Maria", "Thank you for calling Acme, this is Maria."),
        ("Tom", "it has been down since yesterday"),
        ("Maria", "Let me check the line for you."),
        ("Tom", "ok thanks"),
    ];
    let json = serde_json::json!({
        "call_id": "TM-1",
        "turns": turns.iter().map(|(s, t)| serde_json::json!({"speaker": s, "text": t})).collect::<Vec<_>>(),
    });
    Call {
        name: "tm-1.json",
        doc: serde_json::to_vec_pretty(&json).unwrap(),
        record: serde_json::to_vec(&json).unwrap(),
    }
}

#[test]
fn speaker_map_applies_to_every_way_in() {
    let call = tom_and_maria();
    for (way, r) in every_way(&call, &[]) {
        let c = only_call(way, &r);
        assert_eq!(c["metrics"]["agent_turns"], 3, "{way}: Tom spoke first");
    }
    for (way, r) in every_way(&call, &["--speaker-map", "maria=agent"]) {
        let c = only_call(way, &r);
        assert_eq!(c["call_id"], "TM-1", "{way}");
        assert_eq!(c["metrics"]["agent_turns"], 2, "{way}: Maria is the agent");
        assert_eq!(c["metrics"]["customer_turns"], 3, "{way}");
    }
}

/// `café` in windows-1252: not UTF-8, and not GB18030 either.
fn cafe_call() -> Call {
    let json = |pretty: bool| {
        let v = serde_json::json!({
            "call_id": "café-1",
            "turns": [{"speaker": "agent", "text": "Thank you for calling Acme, café desk."},
                      {"speaker": "customer", "text": "Bonjour, ma facture."}],
        });
        let s = if pretty {
            serde_json::to_string_pretty(&v).unwrap()
        } else {
            serde_json::to_string(&v).unwrap()
        };
        let (bytes, _, bad) = encoding_rs::WINDOWS_1252.encode(&s);
        assert!(!bad);
        bytes.into_owned()
    };
    Call {
        name: "cafe.json",
        doc: json(true),
        record: json(false),
    }
}

#[test]
fn encoding_applies_to_every_way_in() {
    let call = cafe_call();
    for (way, r) in every_way(&call, &[]) {
        assert_eq!(r.calls.len(), 0, "{way}: windows-1252 is not detected");
        assert_eq!(r.errors.len(), 1, "{way}: {:?}", r.errors);
        let reason = r.errors[0]["reason"].as_str().unwrap();
        assert!(reason.contains("not text"), "{way}: {reason}");
        assert_eq!(r.code, 3, "{way}");
    }
    for (way, r) in every_way(&call, &["--encoding", "windows-1252"]) {
        let c = only_call(way, &r);
        assert_eq!(c["call_id"], "café-1", "{way}");
    }
}

fn simple_call(id: &str, own_team: Option<&str>) -> Call {
    let mut v = serde_json::json!({
        "call_id": id,
        "turns": [{"speaker": "agent", "text": "Thank you for calling Acme."},
                  {"speaker": "customer", "text": "I want a refund."}],
    });
    if let Some(t) = own_team {
        v["metadata"] = serde_json::json!({ "team": t });
    }
    Call {
        name: "call.json",
        doc: serde_json::to_vec_pretty(&v).unwrap(),
        record: serde_json::to_vec(&v).unwrap(),
    }
}

#[test]
fn side_metadata_applies_to_every_way_in() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("side.csv");
    std::fs::write(&csv, "call_id,team,csat\nM-1,blue,4\n").unwrap();
    let csv = csv.display().to_string();
    for (way, r) in every_way(&simple_call("M-1", None), &["--metadata", &csv]) {
        let c = only_call(way, &r);
        assert_eq!(c["metadata"]["team"], "blue", "{way}");
        assert_eq!(c["metadata"]["csat"], 4.0, "{way}");
    }
}

#[test]
fn default_metadata_fills_what_is_missing_in_every_way_in() {
    let extra = [
        "--meta",
        "team=night",
        "--meta",
        "channel=Voice",
        "--meta",
        "site=berlin",
    ];
    for (way, r) in every_way(&simple_call("D-1", None), &extra) {
        let c = only_call(way, &r);
        assert_eq!(c["metadata"]["team"], "night", "{way}");
        assert_eq!(c["metadata"]["channel"], "voice", "{way}");
        assert_eq!(c["metadata"]["extra"]["site"], "berlin", "{way}");
    }
    for (way, r) in every_way(&simple_call("D-2", Some("day")), &extra) {
        let c = only_call(way, &r);
        assert_eq!(
            c["metadata"]["team"], "day",
            "{way}: the call's own value wins"
        );
    }
}

#[test]
fn default_metadata_after_side_csv() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("side.csv");
    std::fs::write(&csv, "call_id,team\nD-3,blue\n").unwrap();
    let call = dir.path().join("d3.json");
    std::fs::write(&call, &simple_call("D-3", None).doc).unwrap();
    let r = run(
        &[&call],
        &[
            "--metadata",
            &csv.display().to_string(),
            "--meta",
            "team=night",
        ],
        None,
    );
    assert_eq!(only_call("file", &r)["metadata"]["team"], "blue");
}

#[test]
fn bad_default_metadata_is_a_clear_argument_error() {
    for (arg, want) in [
        ("team", "expected KEY=VALUE"),
        ("=x", "expected KEY=VALUE"),
        ("csat=great", "csat: expected a number, got \"great\""),
    ] {
        let o = callscore()
            .args([
                "run",
                "corpus",
                "--rules",
                "tests/fixtures/pack",
                "--out",
                "-",
            ])
            .args(["--meta", arg])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{arg}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(want), "{arg}: {err}");
        assert!(o.stdout.is_empty(), "{arg}: nothing scored");
    }
}

#[test]
fn size_limits_apply_to_every_way_in() {
    // One turn of 1.2 MiB: over a 1 MiB limit whichever way it comes in. As JSON Lines
    // the big record is followed by a small one, which must be scored whatever happens
    // to the big one.
    let long = "lorem ".repeat(210_000);
    let big =
        serde_json::json!({"call_id": "BIG-1", "turns": [{"speaker": "agent", "text": long}]});
    let small = serde_json::json!({"call_id": "SMALL-2", "turns": [{"speaker": "agent", "text": "Thank you for calling."}]});
    let mut record = serde_json::to_vec(&big).unwrap();
    record.push(b'\n');
    record.extend(serde_json::to_vec(&small).unwrap());
    let call = Call {
        name: "call.json",
        doc: serde_json::to_vec_pretty(&big).unwrap(),
        record,
    };
    let streamed = |way: &str| way.contains("jsonl");
    let ids = |r: &Ran| -> Vec<String> {
        r.calls
            .iter()
            .map(|c| c["call_id"].as_str().unwrap().to_string())
            .collect()
    };
    let one_error = |way: &str, r: &Ran, reason: &str, flag: &str, line: Option<u64>| {
        assert_eq!(r.code, 3, "{way}: {}", r.stderr);
        assert_eq!(r.errors.len(), 1, "{way}: {:?}", r.errors);
        let e = &r.errors[0];
        let got = e["reason"].as_str().unwrap();
        assert!(got.contains(reason), "{way}: {got}");
        assert!(got.contains(&format!("({flag} 1)")), "{way}: {got}");
        assert_eq!(e["line"].as_u64(), line, "{way}: {e}");
        assert!(e["hint"].as_str().unwrap().contains(flag), "{way}: {e}");
    };
    // --max-file-size bounds what is read whole (a file, a file in a folder, stdin that
    // is not JSON Lines): one error for the file. A JSON Lines stream is never read
    // whole, so the limit does not apply to it: both of its records are scored.
    for (way, r) in every_way(&call, &["--max-file-size", "1"]) {
        if streamed(way) {
            assert_eq!(r.code, 0, "{way}: {:?}", r.errors);
            assert_eq!(ids(&r), ["BIG-1", "SMALL-2"], "{way}");
        } else {
            assert_eq!(r.calls.len(), 0, "{way}");
            one_error(
                way,
                &r,
                "more than the limit of 1048576",
                "--max-file-size",
                None,
            );
        }
    }
    // --max-line bounds one JSON Lines record: the big record is one error naming its
    // line, and the stream goes on with the next record. Whole reads are not cut in
    // lines, so it does not apply to them.
    for (way, r) in every_way(&call, &["--max-line", "1"]) {
        if streamed(way) {
            assert_eq!(ids(&r), ["SMALL-2"], "{way}");
            one_error(
                way,
                &r,
                "more than the line limit of 1048576 (--max-line 1); it was skipped",
                "--max-line",
                Some(1),
            );
        } else {
            only_call(way, &r);
        }
    }
    for (way, r) in every_way(&call, &["--max-file-size", "2", "--max-line", "2"]) {
        if streamed(way) {
            assert_eq!((r.code, ids(&r).len()), (0, 2), "{way}: {:?}", r.errors);
        } else {
            only_call(way, &r);
        }
    }
}

/// Every sample file piped into `run -` gives the record the file gives (the id aside for
/// formats whose id is the file name).
#[test]
fn stdin_is_sniffed_like_a_file_for_every_format() {
    let samples = [
        "corpus/aws/aws-1104-en-damaged.json",
        "corpus/aws/275342c1-a6d9-5aef-a324-fb9235a5351a_analysis_2026-11-05T121500Z.json",
        "corpus/ccai/ccai-1102-en-promo.json",
        "corpus/whisper/wx-1103-en-dispute.json",
        "corpus/native/n-1102-en-refund.json",
        "corpus/subtitles/vtt-1102-en-delivery.vtt",
        "corpus/subtitles/srt-1103-en-refund.srt",
        "corpus/text/txt-1102-en-billing.txt",
        "corpus/text/txt-1103-en-chat-sarah.txt",
        "corpus/text/txt-1105-zh-gbk.txt",
        "corpus/text/txt-1105-fa-utf16.txt",
        "corpus/text/chat_export.csv",
        "corpus/native/batch.jsonl",
    ];
    for s in samples {
        let path = root().join(s);
        let by_file = run(&[&path], &[], None);
        let by_stdin = run(&[Path::new("-")], &[], Some(std::fs::read(&path).unwrap()));
        assert_eq!(by_file.code, 0, "{s}: {}", by_file.stderr);
        assert_eq!(
            (by_stdin.code, by_stdin.errors.len()),
            (0, 0),
            "{s}: {:?}",
            by_stdin.errors.first()
        );
        assert_eq!(by_file.calls.len(), by_stdin.calls.len(), "{s}");
        for (f, i) in by_file.calls.iter().zip(&by_stdin.calls) {
            assert_eq!(i["source"], "-", "{s}");
            for k in ["format", "qa", "metrics", "language", "drivers"] {
                assert_eq!(f[k], i[k], "{s}: {k}");
            }
        }
    }
}

#[test]
fn webvtt_extension_is_read_in_a_folder_and_named_directly() {
    let dir = tempfile::tempdir().unwrap();
    let vtt = std::fs::read(root().join("corpus/subtitles/vtt-1102-en-delivery.vtt")).unwrap();
    let p = dir.path().join("call.webvtt");
    std::fs::write(&p, vtt).unwrap();
    let named = run(&[&p], &[], None);
    let walked = run(&[dir.path()], &[], None);
    assert_eq!(only_call("named", &named)["format"], "webvtt");
    assert_eq!(only_call("walked", &walked)["format"], "webvtt");
    // An unknown extension is skipped the same way both ways.
    let md = dir.path().join("notes.md");
    std::fs::write(&md, "Agent: hello\nCustomer: hi\n").unwrap();
    for r in [run(&[&md], &[], None), run(&[dir.path()], &[], None)] {
        assert!(r.stderr.contains("1 files skipped"), "{}", r.stderr);
        assert!(r.errors.is_empty());
    }
}

#[test]
fn output_folder_inside_the_input_folder_is_never_read() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("calls");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::copy(
        root().join("tests/fixtures/calls/good.jsonl"),
        input.join("good.jsonl"),
    )
    .unwrap();
    let out = input.join("out");
    let first = run_to(&[&input], &[], None, &out);
    let second = run_to(&[&input], &[], None, &out);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(second.code, 0, "{:?}", second.errors);
    assert_eq!(first.calls.len(), 3);
    assert_eq!(
        second.calls, first.calls,
        "the second run reads the same inputs"
    );
    // A relative spelling of the same folder is excluded too.
    let rel = run_to(&[&input], &[], None, &input.join(".").join("out"));
    assert_eq!(rel.calls.len(), 3, "{:?}", rel.errors);
    // Hidden temporary folders of a run are never read.
    let tmp = input.join(".callscore-tmp-1");
    std::fs::create_dir_all(&tmp).unwrap();
    std::fs::write(tmp.join("calls.jsonl"), "{not a call}\n").unwrap();
    let third = run_to(&[&input], &[], None, &out);
    assert_eq!(
        (third.calls.len(), third.errors.len()),
        (3, 0),
        "{:?}",
        third.errors
    );
}

#[test]
fn empty_input_folder_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), "# notes\n").unwrap();
    let r = run(&[dir.path()], &[], None);
    assert!(r.calls.is_empty());
    assert!(r.stderr.contains("no transcript found"), "{}", r.stderr);
}

/// A scratch folder with `files` written into it.
fn folder_with(files: &[(&str, &[u8])]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    let p = dir.path().to_path_buf();
    (dir, p)
}

/// The fixture pack without its `greeting` item: `diff` then reports what greeting gave
/// each call under the old pack (`pass→` or `fail→`).
fn pack_without_greeting(dir: &Path) -> PathBuf {
    let s = std::fs::read_to_string(root().join("tests/fixtures/pack/pack.toml")).unwrap();
    let i = s.find("[[item]]\nid = \"greeting\"").unwrap();
    let j = s.find("[[item]]\nid = \"recording\"").unwrap();
    let p = dir.join("new-pack");
    std::fs::create_dir_all(&p).unwrap();
    std::fs::write(p.join("pack.toml"), format!("{}{}", &s[..i], &s[j..])).unwrap();
    p
}

#[test]
fn diff_reads_inputs_like_run_with_speaker_map() {
    let call = tom_and_maria();
    let record = [call.record.as_slice(), b"\n"].concat();
    let (_d, dir) = folder_with(&[("in/tm.jsonl", &record)]);
    let new = pack_without_greeting(&dir);
    let diff = |extra: &[&str]| {
        let o = callscore()
            .arg("diff")
            .arg(dir.join("in"))
            .args(["--rules", "tests/fixtures/pack", "--format", "json"])
            .arg("--rules-new")
            .arg(&new)
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == "greeting")
            .unwrap()["transitions"]
            .clone()
    };
    // Maria says the greeting: it passes only when she is the agent, as in `run`.
    assert_eq!(diff(&[]), serde_json::json!({"fail→": 1}));
    assert_eq!(
        diff(&["--speaker-map", "Maria=agent"]),
        serde_json::json!({"pass→": 1})
    );
    let ran = run(&[&dir.join("in")], &["--speaker-map", "Maria=agent"], None);
    let greeting = only_call("run", &ran)["qa"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "greeting")
        .unwrap()["result"]
        .clone();
    assert_eq!(greeting, "pass");
}

/// Header lines of a real export are metadata end to end, not turns.
#[test]
fn export_header_lines_become_metadata_in_the_record() {
    let path = root().join("tests/fixtures/read/plain/callcenter_zh.txt");
    let r = run(&[&path], &[], None);
    let c = only_call("file", &r);
    assert_eq!(c["call_id"], "CC20261120-0931-1024");
    assert_eq!(c["metadata"]["started_at"], "2026-11-20 09:31:05");
    assert_eq!(c["metadata"]["agent"], "1024");
    assert_eq!(c["metadata"]["queue"], "账单查询");
    assert_eq!(c["metadata"]["channel"], "voice");
    assert_eq!(c["metrics"]["turns"], 9, "header lines are not turns");
    assert_eq!(c["metrics"]["agent_turns"], 5);
}

/// `explain` reads a call exactly as `run` does, input options included.
#[test]
fn explain_reads_inputs_like_run_with_speaker_map_and_meta() {
    let call = tom_and_maria();
    let record = [call.record.as_slice(), b"\n"].concat();
    let (_d, dir) = folder_with(&[("tm.jsonl", &record)]);
    let file = dir.join("tm.jsonl");
    let extra = ["--speaker-map", "Maria=agent", "--meta", "queue=tech"];
    let o = callscore()
        .arg("explain")
        .arg(&file)
        .args(["--rules", "tests/fixtures/pack", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let ex: Value = serde_json::from_slice(&o.stdout).unwrap();
    // explain shows the whole record: compare with a run that writes it whole.
    let ran = run(
        &[&file],
        &[&extra[..], &["--evidence", "all"]].concat(),
        None,
    );
    let rec = only_call("run", &ran);
    assert_eq!(ex["record"]["metrics"]["agent_turns"], 2);
    for k in ["qa", "metrics", "metadata", "call_id"] {
        assert_eq!(ex["record"][k], rec[k], "{k}");
    }
    assert_eq!(rec["metadata"]["queue"], "tech");
}
