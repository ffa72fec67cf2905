//! Hostile and odd input through the `callscore` binary: one table of named cases, each
//! building its file(s) in a temp dir and running `callscore run` over them together
//! with one good transcript. Every case asserts the exit code, that the good call is
//! scored, the specific error record (source, line where it applies, reason, hint) or
//! the odd-but-valid calls scored, that nothing panicked or hung (60 s), and that nothing
//! was silently dropped (`summary.json`: every input found is scored or has an error
//! record, and the records match the counts).
//!
//! Cases that cannot be one run of the table are tests of their own below: a file that
//! vanishes between the walk and the read (through the library, deterministically),
//! files and folders without read permission (as an unprivileged user: root ignores
//! file modes). A file that changes size while it is read is tested where that is
//! checked, `input::open::read_sized`.
//!
//! Big inputs are cheap to make: the 2 GB file is sparse (`File::set_len`), the 500 MB
//! JSON Lines line is written in chunks, never held in memory.

use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};
mod common;
use common::{callscore, read_jsonl};

/// What a case expects.
enum Want {
    /// Exit 3 and an error record: source ends with `source`, `line`, reason containing
    /// `reason`, a hint present.
    Error {
        source: &'static str,
        line: Option<u64>,
        reason: &'static str,
    },
    /// Exit 0: the inputs are odd but valid; `calls` calls scored besides the good one.
    Scored { calls: usize },
    /// Exit 0, `calls` calls scored besides the good one, and `check` holds on the run.
    Check {
        calls: usize,
        check: fn(&Ran) -> Result<(), String>,
    },
}

use Want::{Check, Error, Scored};

/// What a run left.
struct Ran {
    code: i32,
    stderr: String,
    calls: Vec<Value>,
    errors: Vec<Value>,
    summary: Value,
}

impl Ran {
    /// The scored call `id`.
    fn call(&self, id: &str) -> Result<&Value, String> {
        self.calls
            .iter()
            .find(|c| c["call_id"] == id)
            .ok_or_else(|| format!("call {id} not scored"))
    }
}

/// `Err(what)` unless `ok`.
fn ensure(ok: bool, what: impl FnOnce() -> String) -> Result<(), String> {
    if ok { Ok(()) } else { Err(what()) }
}

struct Case {
    name: &'static str,
    /// Builds the hostile input(s) in the dir; returns the arguments to add (paths,
    /// flags). The good transcript is always passed first.
    build: fn(&Path) -> Vec<String>,
    want: Want,
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> Vec<String> {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    vec![p.display().to_string()]
}

fn call(id: &str, turns: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({"call_id": id, "turns": turns})).unwrap()
}

fn turns() -> Value {
    json!([{"speaker": "agent", "text": "Thank you for calling Acme.", "start": 0, "end": 2},
           {"speaker": "customer", "text": "Hi, I need help.", "start": 2, "end": 4}])
}

fn utf16le(s: &str, bom: bool) -> Vec<u8> {
    let mut v = if bom { vec![0xFF, 0xFE] } else { vec![] };
    for u in s.encode_utf16() {
        v.extend_from_slice(&u.to_le_bytes());
    }
    v
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn link(dir: &Path, target: impl AsRef<Path>, name: &str) -> Vec<String> {
    let p = dir.join(name);
    std::os::unix::fs::symlink(target, &p).unwrap();
    vec![p.display().to_string()]
}

fn fifo(p: &Path) {
    let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
}

fn sub(dir: &Path) -> PathBuf {
    let d = dir.join("sub");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn with_flags(mut paths: Vec<String>, flags: &[&str]) -> Vec<String> {
    paths.extend(flags.iter().map(|s| s.to_string()));
    paths
}

fn native(id: &str) -> Vec<u8> {
    call(id, turns())
}

fn native_with(extra: Value) -> Vec<u8> {
    let mut v = json!({"call_id": "odd", "turns": turns()});
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    serde_json::to_vec(&v).unwrap()
}

fn cases() -> Vec<Case> {
    vec![
        // Bytes and encodings.
        Case {
            name: "empty_file",
            build: |d| write(d, "empty.json", ""),
            want: Error {
                source: "empty.json",
                line: None,
                reason: "empty file",
            },
        },
        Case {
            name: "whitespace_only",
            build: |d| write(d, "blank.txt", " \n\t\n"),
            want: Error {
                source: "blank.txt",
                line: None,
                reason: "empty file",
            },
        },
        Case {
            name: "utf8_bom_only",
            build: |d| write(d, "bom.txt", b"\xEF\xBB\xBF"),
            want: Error {
                source: "bom.txt",
                line: None,
                reason: "empty file",
            },
        },
        Case {
            name: "binary_junk",
            build: |d| write(d, "junk.json", b"{\x00\x01\x02\xff\xfe\x00garbage"),
            want: Error {
                source: "junk.json",
                line: None,
                reason: "not text",
            },
        },
        Case {
            name: "control_characters",
            build: |d| write(d, "ctrl.txt", [1u8, 2, 3, 4, 5, 6, 7, 8, b'a', b'b']),
            want: Error {
                source: "ctrl.txt",
                line: None,
                reason: "mostly control characters",
            },
        },
        Case {
            name: "invalid_utf8_not_gbk",
            build: |d| write(d, "bad.txt", b"Agent: ok \x80\xff\xfe"),
            want: Error {
                source: "bad.txt",
                line: None,
                reason: "not text: invalid byte sequence",
            },
        },
        Case {
            name: "truncated_utf16",
            build: |d| {
                let mut b = utf16le("Agent: hello\nCustomer: hi\n", true);
                b.push(b'A');
                write(d, "t16.txt", b)
            },
            want: Error {
                source: "t16.txt",
                line: None,
                reason: "not text: invalid UTF-16LE",
            },
        },
        Case {
            name: "utf16_lone_surrogate",
            build: |d| {
                let mut b = utf16le("Agent: hello ", true);
                b.extend_from_slice(&[0x00, 0xD8, b'a', 0]);
                write(d, "sur.txt", b)
            },
            want: Error {
                source: "sur.txt",
                line: None,
                reason: "not text: invalid UTF-16LE",
            },
        },
        Case {
            name: "mixed_encodings_in_one_folder",
            build: |d| {
                let s = sub(d);
                std::fs::write(
                    s.join("a-utf8.txt"),
                    "Agent: Thank you for calling.\nCustomer: Hi.\n",
                )
                .unwrap();
                std::fs::write(
                    s.join("b-utf16.txt"),
                    utf16le("Agent: Thank you for calling.\nCustomer: Hi.\n", true),
                )
                .unwrap();
                let (gbk, _, _) =
                    encoding_rs::GB18030.encode("坐席：您好，感谢致电。\n客户：你好。\n");
                std::fs::write(s.join("c-gbk.txt"), gbk).unwrap();
                std::fs::write(
                    s.join("d-bom.txt"),
                    "\u{feff}Agent: Thank you for calling.\nCustomer: Hi.\n",
                )
                .unwrap();
                vec![s.display().to_string()]
            },
            want: Check {
                calls: 4,
                check: |r| {
                    for id in ["a-utf8", "b-utf16", "d-bom"] {
                        let c = r.call(id)?;
                        ensure(c["metrics"]["agent_turns"] == 1, || format!("{id}: {c}"))?;
                    }
                    let c = r.call("c-gbk")?;
                    ensure(c["language"] == "zh" && c["metrics"]["turns"] == 2, || {
                        format!("c-gbk: {c}")
                    })
                },
            },
        },
        // JSON documents.
        Case {
            name: "truncated_json",
            build: |d| write(d, "cut.json", r#"{"call_id": "cut", "turns": ["#),
            want: Error {
                source: "cut.json",
                line: Some(1),
                reason: "invalid JSON",
            },
        },
        Case {
            name: "json_scalar",
            build: |d| write(d, "num.json", "42"),
            want: Error {
                source: "num.json",
                line: None,
                reason: "unrecognised JSON layout",
            },
        },
        Case {
            name: "json_empty_list",
            build: |d| write(d, "list.json", "[]"),
            want: Error {
                source: "list.json",
                line: None,
                reason: "unrecognised JSON layout",
            },
        },
        Case {
            name: "json_missing_turns",
            build: |d| write(d, "nt.json", r#"{"call_id": "nt"}"#),
            want: Error {
                source: "nt.json",
                line: None,
                reason: "unrecognised JSON layout",
            },
        },
        Case {
            name: "json_turns_not_array",
            build: |d| write(d, "ta.json", r#"{"call_id": "ta", "turns": "hello"}"#),
            want: Error {
                source: "ta.json",
                line: None,
                reason: "\"turns\" must be an array",
            },
        },
        Case {
            name: "json_empty_turns",
            build: |d| write(d, "et.json", r#"{"call_id": "et", "turns": []}"#),
            want: Error {
                source: "et.json",
                line: None,
                reason: "empty call",
            },
        },
        Case {
            name: "turns_with_only_blank_text",
            build: |d| {
                write(
                    d,
                    "bt.json",
                    call("bt", json!([{"speaker": "agent", "text": "  "}])),
                )
            },
            want: Error {
                source: "bt.json",
                line: None,
                reason: "empty call",
            },
        },
        Case {
            name: "turn_not_object",
            build: |d| write(d, "tn.json", call("tn", json!([7]))),
            want: Error {
                source: "tn.json",
                line: None,
                reason: "turn 1: expected an object",
            },
        },
        Case {
            name: "speaker_not_string",
            build: |d| {
                write(
                    d,
                    "sp.json",
                    call("sp", json!([{"speaker": 1, "text": "hi"}])),
                )
            },
            want: Error {
                source: "sp.json",
                line: None,
                reason: "\"speaker\" must be a string",
            },
        },
        Case {
            name: "speaker_missing",
            build: |d| write(d, "sm.json", call("sm", json!([{"text": "hi"}]))),
            want: Error {
                source: "sm.json",
                line: None,
                reason: "missing field \"speaker\"",
            },
        },
        Case {
            name: "text_not_string",
            build: |d| {
                write(
                    d,
                    "tx.json",
                    call("tx", json!([{"speaker": "agent", "text": {"a": 1}}])),
                )
            },
            want: Error {
                source: "tx.json",
                line: None,
                reason: "\"text\" must be a string",
            },
        },
        Case {
            name: "negative_start_time",
            build: |d| {
                write(
                    d,
                    "neg.json",
                    call(
                        "neg",
                        json!([{"speaker": "agent", "text": "hi", "start": -5}]),
                    ),
                )
            },
            want: Error {
                source: "neg.json",
                line: None,
                reason: "non-negative number of seconds",
            },
        },
        Case {
            name: "time_not_a_number",
            build: |d| {
                write(
                    d,
                    "tnn.json",
                    call(
                        "tnn",
                        json!([{"speaker": "agent", "text": "hi", "start": "soon"}]),
                    ),
                )
            },
            want: Error {
                source: "tnn.json",
                line: None,
                reason: "\"start\" must be a non-negative number",
            },
        },
        Case {
            name: "number_out_of_range",
            build: |d| {
                write(
                    d,
                    "big.json",
                    r#"{"call_id": "b", "csat": 1e999, "turns": []}"#,
                )
            },
            want: Error {
                source: "big.json",
                line: Some(1),
                reason: "number out of range",
            },
        },
        Case {
            name: "nan_metadata",
            build: |d| write(d, "nan.json", native_with(json!({"csat": "NaN"}))),
            want: Error {
                source: "nan.json",
                line: None,
                reason: "csat: expected a number, got \"NaN\"",
            },
        },
        Case {
            name: "inf_metadata",
            build: |d| {
                write(
                    d,
                    "inf.json",
                    native_with(json!({"metadata": {"nps": "inf"}})),
                )
            },
            want: Error {
                source: "inf.json",
                line: None,
                reason: "metadata.nps: expected a number, got \"inf\"",
            },
        },
        Case {
            name: "metadata_not_object",
            build: |d| write(d, "mo.json", native_with(json!({"metadata": [1, 2]}))),
            want: Error {
                source: "mo.json",
                line: None,
                reason: "\"metadata\" must be an object",
            },
        },
        Case {
            name: "deeply_nested_json",
            build: |d| write(d, "deep.json", "[".repeat(100_000)),
            want: Error {
                source: "deep.json",
                line: Some(1),
                reason: "recursion limit exceeded",
            },
        },
        Case {
            name: "unknown_json_shape",
            build: |d| write(d, "shape.json", r#"{"hello": "world"}"#),
            want: Error {
                source: "shape.json",
                line: None,
                reason: "unrecognised JSON layout",
            },
        },
        Case {
            name: "negative_duration_end_before_start",
            build: |d| {
                write(
                    d,
                    "negdur.json",
                    call(
                        "negdur",
                        json!([{"speaker": "agent", "text": "Thank you for calling.", "start": 10, "end": 3}]),
                    ),
                )
            },
            // The turn ends when it starts (docs/formats.md): no negative time anywhere.
            want: Check {
                calls: 1,
                check: |r| {
                    let m = &r.call("negdur")?["metrics"];
                    ensure(m["handle_time_ms"] == 0 && m["agent_talk_ms"] == 0, || {
                        format!("{m}")
                    })
                },
            },
        },
        Case {
            name: "year_9999_started_at",
            build: |d| {
                write(
                    d,
                    "y9999.json",
                    native_with(json!({"started_at": "9999-12-31T23:59:59Z"})),
                )
            },
            want: Check {
                calls: 1,
                check: |r| {
                    let c = r.call("odd")?;
                    ensure(
                        c["metadata"]["started_at"] == "9999-12-31T23:59:59Z",
                        || format!("{c}"),
                    )
                },
            },
        },
        Case {
            name: "year_9999_epoch_times",
            build: |d| {
                write(
                    d,
                    "y9999t.json",
                    call(
                        "y9999t",
                        json!([{"speaker": "agent", "text": "hi", "start": 253402300799.0_f64, "end": 253402300800.0_f64}]),
                    ),
                )
            },
            want: Error {
                source: "y9999t.json",
                line: None,
                reason: "\"start\" must be a non-negative number of seconds",
            },
        },
        Case {
            name: "huge_time_in_ms",
            build: |d| {
                write(
                    d,
                    "hugems.json",
                    call(
                        "hugems",
                        json!([{"speaker": "agent", "text": "hi", "start_ms": 1e300}]),
                    ),
                )
            },
            want: Error {
                source: "hugems.json",
                line: None,
                reason: "\"start_ms\" must be a non-negative number of milliseconds",
            },
        },
        Case {
            name: "unicode_and_newline_in_file_name",
            build: |d| write(d, "通话\nx.json", native("uni")),
            want: Scored { calls: 1 },
        },
        // JSON Lines.
        Case {
            name: "jsonl_bad_line_among_good",
            build: |d| {
                let mut b = native("l1");
                b.extend_from_slice(b"\n{\"call_id\": \"l2\" \"turns\": []}\n");
                b.extend(native("l3"));
                write(d, "mixed.jsonl", b)
            },
            want: Error {
                source: "mixed.jsonl",
                line: Some(2),
                reason: "invalid JSON",
            },
        },
        Case {
            name: "jsonl_array_record",
            build: |d| write(d, "arr.jsonl", "[1, 2]\n"),
            want: Error {
                source: "arr.jsonl",
                line: Some(1),
                reason: "expected a JSON object",
            },
        },
        Case {
            name: "jsonl_list_of_calls",
            build: |d| write(d, "loc.jsonl", r#"{"calls": [{"turns": []}]}"#),
            want: Error {
                source: "loc.jsonl",
                line: Some(1),
                reason: "holds a list of calls",
            },
        },
        Case {
            name: "jsonl_nul_in_record",
            build: |d| write(d, "nul.jsonl", b"{\"call_id\": \"n\x00\", \"turns\": []}\n"),
            want: Error {
                source: "nul.jsonl",
                line: Some(1),
                reason: "",
            },
        },
        Case {
            name: "jsonl_crlf_and_blank_lines",
            build: |d| {
                let mut b = b"\r\n".to_vec();
                b.extend(native("c1"));
                b.extend_from_slice(b"\r\n\r\n");
                b.extend(native("c2"));
                write(d, "crlf.jsonl", b)
            },
            want: Scored { calls: 2 },
        },
        Case {
            name: "jsonl_utf16_stream",
            build: |d| {
                let mut s = String::from_utf8(native("u1")).unwrap();
                s.push('\n');
                s.push_str(&String::from_utf8(native("u2")).unwrap());
                write(d, "u16.jsonl", utf16le(&s, true))
            },
            want: Scored { calls: 2 },
        },
        Case {
            name: "jsonl_truncated_utf16_stream",
            build: |d| {
                let mut b = utf16le(&String::from_utf8(native("tu")).unwrap(), true);
                b.push(b'{');
                write(d, "tu16.jsonl", b)
            },
            want: Error {
                source: "tu16.jsonl",
                line: Some(1),
                reason: "invalid JSON",
            },
        },
        Case {
            name: "duplicate_call_ids_across_files",
            build: |d| {
                let mut a = write(d, "dup-a.json", native("dup"));
                a.extend(write(d, "dup-b.json", native("dup")));
                a
            },
            want: Check {
                calls: 2,
                check: |r| duplicate_named(r, "dup", "dup-a.json", "dup-b.json"),
            },
        },
        Case {
            name: "duplicate_call_ids_in_one_jsonl_file",
            build: |d| {
                let mut b = native("twice");
                b.push(b'\n');
                b.extend(native("once"));
                b.push(b'\n');
                b.extend(native("twice"));
                write(d, "dup.jsonl", b)
            },
            want: Check {
                calls: 3,
                check: |r| duplicate_named(r, "twice", "dup.jsonl:1", "dup.jsonl:3"),
            },
        },
        Case {
            name: "jsonl_line_over_max_line",
            build: |d| {
                let mut b =
                    b"{\"call_id\": \"long\", \"turns\": [{\"speaker\": \"agent\", \"text\": \""
                        .to_vec();
                b.extend(std::iter::repeat_n(b'a', 2 << 20));
                b.extend_from_slice(b"\"}]}\n");
                b.extend(native("after-long"));
                with_flags(write(d, "longline.jsonl", b), &["--max-line", "1"])
            },
            want: Error {
                source: "longline.jsonl",
                line: Some(1),
                reason: "more than the line limit of 1048576 (--max-line 1); it was skipped",
            },
        },
        Case {
            name: "jsonl_500_mb_line",
            build: |d| {
                let p = d.join("huge.jsonl");
                let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
                f.write_all(
                    b"{\"call_id\": \"huge\", \"turns\": [{\"speaker\": \"agent\", \"text\": \"",
                )
                .unwrap();
                let chunk = vec![b'x'; 1 << 20];
                for _ in 0..500 {
                    f.write_all(&chunk).unwrap();
                }
                f.write_all(b"\"}]}\n").unwrap();
                f.write_all(&native("after-huge")).unwrap();
                f.flush().unwrap();
                vec![p.display().to_string()]
            },
            want: Error {
                source: "huge.jsonl",
                line: Some(1),
                reason: "(--max-line 64); it was skipped",
            },
        },
        // Limits.
        Case {
            name: "too_many_turns",
            build: |d| {
                let t: Vec<Value> = (0..5)
                    .map(|i| json!({"speaker": "agent", "text": format!("turn {i}")}))
                    .collect();
                with_flags(
                    write(d, "many.json", call("many", json!(t))),
                    &["--max-turns", "3"],
                )
            },
            want: Error {
                source: "many.json",
                line: None,
                reason: "5 turns, more than the limit of 3 (--max-turns)",
            },
        },
        Case {
            name: "too_many_turns_in_jsonl_record",
            build: |d| {
                let t: Vec<Value> = (0..5)
                    .map(|i| json!({"speaker": "agent", "text": format!("turn {i}")}))
                    .collect();
                let mut b = native("ok1");
                b.push(b'\n');
                b.extend(call("many", json!(t)));
                with_flags(write(d, "many.jsonl", b), &["--max-turns", "3"])
            },
            want: Error {
                source: "many.jsonl",
                line: Some(2),
                reason: "(--max-turns)",
            },
        },
        Case {
            name: "turn_too_long",
            build: |d| {
                with_flags(
                    write(
                        d,
                        "tl.json",
                        call(
                            "tl",
                            json!([{"speaker": "agent", "text": "hold ".repeat(300_000)}]),
                        ),
                    ),
                    &["--max-turn-length", "1"],
                )
            },
            want: Error {
                source: "tl.json",
                line: None,
                reason: "turn 1 is 1500000 bytes of text, more than the limit of 1048576 (--max-turn-length 1)",
            },
        },
        Case {
            name: "turn_too_long_in_plain_text",
            build: |d| {
                with_flags(
                    write(
                        d,
                        "tl.txt",
                        format!("Agent: hi\nCustomer: {}\n", "no ".repeat(400_000)),
                    ),
                    &["--max-turn-length", "1"],
                )
            },
            want: Error {
                source: "tl.txt",
                line: Some(2),
                reason: "turn 2 is",
            },
        },
        Case {
            name: "file_over_max_file_size",
            build: |d| {
                with_flags(
                    write(
                        d,
                        "fat.json",
                        call(
                            "fat",
                            json!([{"speaker": "agent", "text": "a".repeat(2 << 20)}]),
                        ),
                    ),
                    &["--max-file-size", "1"],
                )
            },
            want: Error {
                source: "fat.json",
                line: None,
                reason: "more than the limit of 1048576 (--max-file-size 1)",
            },
        },
        Case {
            name: "sparse_2_gb_file",
            build: |d| {
                let p = d.join("sparse.json");
                std::fs::File::create(&p).unwrap().set_len(2 << 30).unwrap();
                vec![p.display().to_string()]
            },
            want: Error {
                source: "sparse.json",
                line: None,
                reason: "is 2147483648 bytes, more than the limit",
            },
        },
        Case {
            name: "stdin_like_dash_file_name",
            build: |d| write(d, "-x.json", native("dash")),
            want: Scored { calls: 1 },
        },
        // Compression and archives.
        Case {
            name: "gzip_json",
            build: |d| write(d, "z.json.gz", gz(&native("zipped"))),
            want: Scored { calls: 1 },
        },
        Case {
            name: "gzip_jsonl",
            build: |d| {
                let mut b = native("z1");
                b.push(b'\n');
                b.extend(native("z2"));
                write(d, "z.jsonl.gz", gz(&b))
            },
            want: Scored { calls: 2 },
        },
        Case {
            name: "gzip_plain_text",
            build: |d| {
                write(
                    d,
                    "z.txt.gz",
                    gz(b"Agent: Thank you for calling.\nCustomer: Hi.\n"),
                )
            },
            want: Scored { calls: 1 },
        },
        Case {
            name: "gzip_not_gzip",
            build: |d| write(d, "fake.json.gz", native("fake")),
            want: Error {
                source: "fake.json.gz",
                line: None,
                reason: "not a valid gzip file",
            },
        },
        Case {
            name: "gzip_truncated",
            build: |d| {
                let b = gz(&native("cut"));
                write(d, "cut.json.gz", &b[..b.len() / 2])
            },
            want: Error {
                source: "cut.json.gz",
                line: None,
                reason: "not a valid gzip file",
            },
        },
        Case {
            name: "gzip_truncated_jsonl",
            build: |d| {
                let b = gz(&[native("a"), native("b")].join(&b'\n'));
                write(d, "cut.jsonl.gz", &b[..b.len() - 12])
            },
            want: Error {
                source: "cut.jsonl.gz",
                line: Some(2),
                reason: "not a valid gzip file",
            },
        },
        Case {
            name: "gzip_bomb",
            build: |d| {
                with_flags(
                    write(d, "bomb.json.gz", gz(&vec![b' '; 8 << 20])),
                    &["--max-file-size", "1"],
                )
            },
            want: Error {
                source: "bomb.json.gz",
                line: None,
                reason: "a gzip bomb",
            },
        },
        Case {
            name: "zip_archive",
            build: |d| write(d, "calls.zip", b"PK\x03\x04 not really"),
            want: Error {
                source: "calls.zip",
                line: None,
                reason: "a ZIP archive: archives are not read",
            },
        },
        Case {
            name: "tar_gz_archive",
            build: |d| write(d, "calls.tar.gz", gz(b"tar")),
            want: Error {
                source: "calls.tar.gz",
                line: None,
                reason: "a tar archive",
            },
        },
        // The walk.
        Case {
            name: "fifo_in_folder",
            build: |d| {
                let s = sub(d);
                fifo(&s.join("pipe.json"));
                vec![s.display().to_string()]
            },
            want: Error {
                source: "pipe.json",
                line: None,
                reason: "a FIFO (named pipe), not a regular file",
            },
        },
        Case {
            name: "fifo_named_directly",
            build: |d| {
                let p = d.join("pipe.jsonl");
                fifo(&p);
                vec![p.display().to_string()]
            },
            want: Error {
                source: "pipe.jsonl",
                line: None,
                reason: "a FIFO (named pipe)",
            },
        },
        Case {
            name: "fifo_named_like_metadata_csv",
            build: |d| {
                let s = sub(d);
                fifo(&s.join("meta.csv"));
                vec![s.display().to_string()]
            },
            want: Error {
                source: "meta.csv",
                line: None,
                reason: "a FIFO (named pipe)",
            },
        },
        Case {
            name: "fifo_without_extension_is_skipped",
            build: |d| {
                let s = sub(d);
                fifo(&s.join("pipe"));
                vec![s.display().to_string()]
            },
            want: Scored { calls: 0 },
        },
        Case {
            name: "device_file_linked",
            build: |d| link(d, "/dev/zero", "zero.json"),
            want: Error {
                source: "zero.json",
                line: None,
                reason: "a character device",
            },
        },
        Case {
            name: "device_named_directly",
            build: |_| vec!["/dev/null".into()],
            want: Scored { calls: 0 },
        },
        Case {
            name: "symlink_loop_file",
            build: |d| {
                link(d, "loop-b.json", "loop-a.json");
                link(d, "loop-a.json", "loop-b.json")
            },
            want: Error {
                source: "loop-b.json",
                line: None,
                reason: "symbolic link loop",
            },
        },
        Case {
            name: "symlink_loop_folder",
            build: |d| {
                let s = sub(d);
                link(&s, "..", "up");
                vec![s.display().to_string()]
            },
            want: Error {
                source: "up",
                line: None,
                reason: "symbolic link loop: the link points back to",
            },
        },
        Case {
            name: "broken_symlink_in_folder",
            build: |d| {
                let s = sub(d);
                link(&s, "gone.json", "dangling.json");
                vec![s.display().to_string()]
            },
            want: Error {
                source: "dangling.json",
                line: None,
                reason: "broken symbolic link",
            },
        },
        Case {
            name: "broken_symlink_named_directly",
            build: |d| link(d, "gone.json", "dangling.json"),
            want: Error {
                source: "dangling.json",
                line: None,
                reason: "broken symbolic link",
            },
        },
        Case {
            name: "symlink_to_good_file",
            build: |d| {
                write(d, "real.json", native("linked"));
                link(d, "real.json", "alias.json")
            },
            want: Scored { calls: 1 },
        },
        Case {
            name: "unreadable_file_io_error",
            build: |d| link(d, "/proc/self/mem", "mem.json"),
            want: Error {
                source: "mem.json",
                line: None,
                reason: "read error",
            },
        },
        Case {
            name: "hidden_files_skipped",
            build: |d| {
                let s = sub(d);
                std::fs::write(s.join(".hidden.json"), "junk").unwrap();
                vec![s.display().to_string()]
            },
            want: Scored { calls: 0 },
        },
        Case {
            name: "unknown_extension_skipped",
            build: |d| write(d, "notes.md", "# not a call"),
            want: Scored { calls: 0 },
        },
        // Other formats.
        Case {
            name: "vtt_broken_timing",
            build: |d| {
                write(
                    d,
                    "bt.vtt",
                    "WEBVTT\n\n00:00:05.000 --> garbage\nAgent: hi\n",
                )
            },
            want: Error {
                source: "bt.vtt",
                line: Some(3),
                reason: "bad cue timing \"00:00:05.000 --> garbage\"",
            },
        },
        Case {
            name: "srt_without_cues",
            build: |d| write(d, "none.srt", "just some words\n"),
            want: Error {
                source: "none.srt",
                line: None,
                reason: "empty call: no turns",
            },
        },
        Case {
            name: "plain_text_without_speakers",
            build: |d| write(d, "prose.txt", "Once upon a time there was a call.\n"),
            want: Error {
                source: "prose.txt",
                line: None,
                reason: "no speaker turns found",
            },
        },
        Case {
            name: "chat_csv_short_row",
            build: |d| {
                write(
                    d,
                    "chat.csv",
                    "timestamp,speaker,message\n2026-01-01 10:00:00,agent,Hello\n2026-01-01 10:00:05\n",
                )
            },
            want: Scored { calls: 1 },
        },
        // Side metadata CSVs. One that cannot be loaded is an error record like any
        // input (the run goes on without it); its rows are not applied.
        Case {
            name: "metadata_csv_with_bom_and_quoted_newline",
            build: |d| {
                write(
                    d,
                    "meta.csv",
                    "\u{feff}call_id,team,note\ngood,\"team\nnorth\",\"two\nlines\"\n",
                )
            },
            want: Check {
                calls: 0,
                check: |r| {
                    let m = &r.call("good")?["metadata"];
                    ensure(
                        m["team"] == "team\nnorth"
                            && m["extra"]["note"] == "two\nlines"
                            && r.summary["counts"]["metadata_rows"] == 1,
                        || format!("{m} {}", r.summary["counts"]),
                    )
                },
            },
        },
        Case {
            name: "metadata_csv_utf16_with_bom",
            build: |d| {
                write(
                    d,
                    "meta.csv",
                    utf16le("call_id,team\r\ngood,west\r\n", true),
                )
            },
            want: Check {
                calls: 0,
                check: |r| {
                    let m = &r.call("good")?["metadata"];
                    ensure(m["team"] == "west", || format!("{m}"))
                },
            },
        },
        Case {
            name: "metadata_csv_nan_score",
            build: |d| write(d, "meta.csv", "call_id,team,csat\ngood,west,NaN\n"),
            want: Check {
                calls: 0,
                check: |r| {
                    metadata_error(
                        r,
                        2,
                        "column csat: expected a number, got \"NaN\"; the file was left out",
                    )
                },
            },
        },
        Case {
            name: "metadata_csv_infinity",
            build: |d| write(d, "meta.csv", "call_id,nps\nx,1\ngood,Infinity\n"),
            want: Check {
                calls: 0,
                check: |r| metadata_error(r, 3, "column nps: expected a number, got \"Infinity\""),
            },
        },
        Case {
            name: "metadata_csv_error_after_quoted_newline_names_its_line",
            build: |d| {
                write(
                    d,
                    "meta.csv",
                    "call_id,note,csat\nx,\"one\ntwo\",4\ngood,ok,-inf\n",
                )
            },
            want: Check {
                calls: 0,
                check: |r| metadata_error(r, 4, "column csat: expected a number, got \"-inf\""),
            },
        },
        Case {
            name: "metadata_csv_without_call_id",
            build: |d| write(d, "meta.csv", "agent,team\na,b\n"),
            want: Check {
                calls: 0,
                check: |r| metadata_error(r, 1, "metadata CSV has no call_id column"),
            },
        },
        Case {
            name: "metadata_csv_empty_call_id",
            build: |d| write(d, "meta.csv", "call_id,team\n,west\n"),
            want: Check {
                calls: 0,
                check: |r| metadata_error(r, 2, "empty call_id"),
            },
        },
        // NaN and infinities in other places metadata comes from.
        Case {
            name: "nan_literal_in_json",
            build: |d| {
                write(
                    d,
                    "nanlit.json",
                    r#"{"call_id": "n", "csat": NaN, "turns": [{"speaker": "agent", "text": "hi"}]}"#,
                )
            },
            want: Error {
                source: "nanlit.json",
                line: Some(1),
                reason: "invalid JSON at column 26",
            },
        },
        Case {
            name: "minus_infinity_in_jsonl_record",
            build: |d| {
                let mut b = native("inf-ok");
                b.push(b'\n');
                b.extend(native_with(json!({"call_id": "inf", "csat": "-Infinity"})));
                write(d, "inf.jsonl", b)
            },
            want: Error {
                source: "inf.jsonl",
                line: Some(2),
                reason: "csat: expected a number, got \"-Infinity\"",
            },
        },
        Case {
            name: "nan_in_plain_text_header",
            build: |d| {
                write(
                    d,
                    "hdr.txt",
                    "# CSAT: NaN\n\nAgent: Thank you for calling.\nCustomer: Hi.\n",
                )
            },
            want: Error {
                source: "hdr.txt",
                line: Some(1),
                reason: "header CSAT: expected a number, got \"NaN\"",
            },
        },
        Case {
            name: "nan_in_chat_csv_column",
            build: |d| {
                write(
                    d,
                    "chatnan.csv",
                    "timestamp,speaker,message,csat\n2026-01-01 10:00:00,agent,Hello,NaN\n",
                )
            },
            want: Error {
                source: "chatnan.csv",
                line: Some(2),
                reason: "column csat: expected a number, got \"NaN\"",
            },
        },
        Case {
            name: "truncated_utf16be",
            build: |d| {
                let mut b = vec![0xFE, 0xFF];
                for u in "Agent: hello\nCustomer: hi\n".encode_utf16() {
                    b.extend_from_slice(&u.to_be_bytes());
                }
                b.pop();
                write(d, "t16be.txt", b)
            },
            want: Error {
                source: "t16be.txt",
                line: None,
                reason: "not text: invalid UTF-16BE",
            },
        },
    ]
}

/// The run names call id `id` as read twice, at `first` and `again`, on stderr and in
/// `summary.json`; both calls were scored.
fn duplicate_named(r: &Ran, id: &str, first: &str, again: &str) -> Result<(), String> {
    let counts = &r.summary["counts"];
    ensure(counts["duplicate_call_ids"] == 1, || format!("{counts}"))?;
    let example = counts["duplicate_examples"][0].as_str().unwrap_or("");
    let says = |t: &str| {
        t.contains(&format!("call id \"{id}\" read twice: in "))
            && t.contains(&format!("{first} and again in "))
            && t.contains(again)
            && t.contains("both were scored")
    };
    ensure(says(example), || format!("summary: {example}"))?;
    ensure(says(&r.stderr), || format!("stderr: {}", r.stderr))?;
    let n = r.calls.iter().filter(|c| c["call_id"] == id).count();
    ensure(n == 2, || format!("{n} calls {id}"))
}

/// The run has exactly one error, for `meta.csv` at `line` with `reason`: the metadata
/// CSV was not loaded (the good call has no metadata from it) and the run says so in
/// errors.jsonl and its exit code.
fn metadata_error(r: &Ran, line: u64, reason: &str) -> Result<(), String> {
    ensure(r.code == 3, || format!("exit {}: {}", r.code, r.stderr))?;
    ensure(r.errors.len() == 1, || format!("{:?}", r.errors))?;
    let e = &r.errors[0];
    ensure(
        e["source"]
            .as_str()
            .is_some_and(|s| s.ends_with("meta.csv"))
            && e["line"] == line
            && e["reason"].as_str().is_some_and(|s| s.contains(reason))
            && e["reason"]
                .as_str()
                .is_some_and(|s| s.contains("the file was left out"))
            && e["hint"].as_str().is_some_and(|h| !h.is_empty()),
        || format!("{e}"),
    )?;
    ensure(r.stderr.contains(reason), || r.stderr.clone())?;
    let m = &r.call("good")?["metadata"];
    ensure(m.get("team").is_none(), || format!("metadata applied: {m}"))?;
    let counts = &r.summary["counts"];
    ensure(
        counts["metadata_rows"] == 0 && counts["inputs_errored"] == 1,
        || format!("{counts}"),
    )
}

const GOOD: &str = "Agent: Thank you for calling Acme, this call may be recorded.\nCustomer: Hi, I need a refund.\n";

#[test]
fn hostile_inputs_are_reported_one_by_one_and_the_rest_is_scored() {
    let cases = cases();
    assert!(cases.len() >= 60, "only {} cases", cases.len());
    let mut names = std::collections::BTreeSet::new();
    let mut failures = Vec::new();
    for case in &cases {
        assert!(names.insert(case.name), "duplicate case {}", case.name);
        if let Err(e) = run_case(case) {
            failures.push(format!("{}: {e}", case.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn run_case(case: &Case) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.txt");
    std::fs::write(&good, GOOD).unwrap();
    let args = (case.build)(dir.path());
    let out = dir.path().join("out");
    let o = callscore()
        .arg("run")
        .arg(&good)
        .args(&args)
        .args(["--rules", "tests/fixtures/pack", "--quiet", "--out"])
        .arg(&out)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let r = Ran {
        code: o.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        calls: read_jsonl(&out.join("calls.jsonl")),
        errors: read_jsonl(&out.join("errors.jsonl")),
        summary: std::fs::read_to_string(out.join("summary.json"))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(Value::Null),
    };
    let (code, stderr, calls, errors) = (r.code, &r.stderr, &r.calls, &r.errors);
    let all = format!("{stderr}{errors:?}");
    if all.contains("internal error") || all.contains("panicked") {
        return Err(format!("panic: {all}"));
    }
    if !calls.iter().any(|c| c["call_id"] == "good") {
        return Err(format!(
            "the good call was not scored (exit {code}): {stderr}"
        ));
    }
    // Nothing silently dropped: every input found is scored or has errors, and the
    // outputs hold what the counts say.
    let c = &r.summary["counts"];
    let n = |k: &str| c[k].as_u64().unwrap_or(u64::MAX);
    if n("inputs_found") != n("inputs_scored") + n("inputs_errored")
        || n("calls_scored") != calls.len() as u64
        || n("errors") != errors.len() as u64
        || (n("inputs_errored") > 0) != (code == 3)
    {
        return Err(format!("counts do not add up (exit {code}): {c}"));
    }
    for e in errors {
        if e["hint"].as_str().is_none_or(str::is_empty) {
            return Err(format!("an error without a hint: {e}"));
        }
    }
    match &case.want {
        Error {
            source,
            line,
            reason,
        } => {
            if code != 3 {
                return Err(format!("exit {code}, expected 3: {stderr}"));
            }
            let hit = errors.iter().find(|e| {
                e["source"].as_str().is_some_and(|s| s.ends_with(source))
                    && e["reason"].as_str().is_some_and(|r| r.contains(reason))
            });
            let Some(e) = hit else {
                return Err(format!("no error for {source} with {reason:?}: {errors:?}"));
            };
            if e["line"].as_u64() != *line {
                return Err(format!("line {:?}, expected {line:?}: {e}", e["line"]));
            }
        }
        Scored { calls: n } | Check { calls: n, .. } => {
            // A check may expect errors too (a metadata CSV that cannot be loaded); the
            // exit code then is 3, as checked with the counts above.
            let may_fail = matches!(case.want, Check { .. });
            if (code != 0 && !may_fail) || calls.len() != n + 1 {
                return Err(format!(
                    "exit {code}, {} calls (expected 0, {}): {errors:?} {stderr}",
                    calls.len(),
                    n + 1
                ));
            }
            if let Check { check, .. } = &case.want {
                check(&r)?;
            }
        }
    }
    Ok(())
}

/// A file listed by the walk and gone when it is read (moved or deleted by an exporter
/// during the run): one error naming it and saying what happened, and the run goes on.
/// Made deterministic through the library: the walk lists a folder whole when it enters
/// it, so files deleted after the first unit was taken are gone by the time their turn
/// comes. A JSON Lines file is opened as its turn comes, a whole file when it is read;
/// both ways are covered.
#[test]
fn a_file_that_vanishes_between_walk_and_read_is_one_error() {
    use callscore::input::{InputOptions, Inputs, Unit};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.txt"), GOOD).unwrap();
    std::fs::write(d.join("b.jsonl"), native("b")).unwrap();
    std::fs::write(d.join("c.json"), native("c")).unwrap();
    std::fs::write(d.join("d.txt"), GOOD).unwrap();
    let inputs = Inputs::open(InputOptions {
        paths: vec![d.to_path_buf()],
        ..InputOptions::default()
    })
    .unwrap();
    let mut units = inputs.units();
    let first = units.next().unwrap();
    assert!(matches!(&first, Unit::File(p) if p.ends_with("a.txt")));
    std::fs::remove_file(d.join("b.jsonl")).unwrap();
    let c = units.next().unwrap();
    assert!(
        matches!(&c, Unit::Error(_)),
        "b.jsonl opened after it was deleted"
    );
    let third = units.next().unwrap();
    std::fs::remove_file(d.join("c.json")).unwrap();
    let mut reasons = Vec::new();
    for u in [first, c, third].into_iter().chain(units) {
        let out = inputs.read(u);
        for e in &out.errors {
            assert!(
                e.hint
                    .as_deref()
                    .is_some_and(|h| h.contains("run again once the export is complete"))
            );
            reasons.push(format!(
                "{}: {}",
                Path::new(&e.source).file_name().unwrap().display(),
                e.reason
            ));
        }
        for call in &out.calls {
            reasons.push(format!("scored {}", call.call_id));
        }
    }
    assert_eq!(
        reasons,
        [
            "scored a",
            "b.jsonl: the file disappeared after the folder was listed (moved or deleted during the run)",
            "c.json: the file disappeared after the folder was listed (moved or deleted during the run)",
            "scored d",
        ]
    );
}

/// A file and a folder the user running callscore may not read: one error each, naming
/// them, and the rest is scored. Root reads everything whatever the file modes say, so
/// when the tests run as root the run is made as `nobody` with `setpriv` (util-linux);
/// the error text itself is also tested without privileges in `input::open`.
#[test]
fn unreadable_files_and_folders_are_one_error_each() {
    use std::os::unix::fs::PermissionsExt;
    let root = unsafe { libc::geteuid() } == 0;
    let setpriv = Path::new("/usr/bin/setpriv");
    if root && !setpriv.exists() {
        println!(
            "skipped: running as root and /usr/bin/setpriv is missing, so no user to be denied"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o777)).unwrap();
    std::fs::write(d.join("good.txt"), GOOD).unwrap();
    std::fs::write(d.join("locked.txt"), GOOD).unwrap();
    std::fs::set_permissions(d.join("locked.txt"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let closed = d.join("closed");
    std::fs::create_dir(&closed).unwrap();
    std::fs::write(closed.join("inside.txt"), GOOD).unwrap();
    std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o000)).unwrap();
    let out = d.join("out");
    let bin = Path::new(env!("CARGO_BIN_EXE_callscore"));
    let mut cmd = if root {
        let mut c = std::process::Command::new(setpriv);
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(bin);
        c
    } else {
        std::process::Command::new(bin)
    };
    let o = cmd
        .current_dir(common::root())
        .arg("run")
        .arg(d)
        .args(["--rules", "tests/fixtures/pack", "--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{stderr}");
    let calls = read_jsonl(&out.join("calls.jsonl"));
    assert_eq!(calls.len(), 1, "{stderr}");
    assert_eq!(calls[0]["call_id"], "good");
    let errors: Vec<(String, String, String)> = read_jsonl(&out.join("errors.jsonl"))
        .iter()
        .map(|e| {
            (
                Path::new(e["source"].as_str().unwrap())
                    .file_name()
                    .unwrap()
                    .display()
                    .to_string(),
                e["reason"].as_str().unwrap().to_string(),
                e["hint"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0].0, "closed");
    assert_eq!(errors[0].1, "permission denied: cannot list the folder");
    assert!(errors[0].2.contains("read and execute permission"));
    assert_eq!(errors[1].0, "locked.txt");
    assert_eq!(errors[1].1, "permission denied: cannot read the file");
    assert!(errors[1].2.contains("read permission"));
    // Let the temp dir be removed.
    std::fs::set_permissions(&closed, std::fs::Permissions::from_mode(0o755)).unwrap();
}
