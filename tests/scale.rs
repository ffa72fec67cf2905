//! Scaling out without Spark: `run --shard K/N` on N processes, then `merge`, gives
//! exactly the files of one run; the streaming stage (`run - --out -`) keeps its
//! contract (one line per call or error, the aggregates line last, exit codes for
//! Spark's `checkCode`); `merge` refuses what it cannot merge.

mod common;

use base64::Engine;
use common::callscore;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A corpus with every format, a bad file, a JSON Lines file with a bad line, nested
/// folders, a skipped file and side metadata; the default rules.
fn corpus(dir: &Path) -> PathBuf {
    let c = dir.join("calls");
    copy_dir(&common::root().join("corpus"), &c);
    std::fs::write(c.join("aws/broken.json"), "{\"Transcript\": [").unwrap();
    let mut batch = std::fs::read_to_string(c.join("native/batch.jsonl")).unwrap();
    batch.push_str("{not json\n");
    std::fs::write(c.join("native/deep/more.jsonl").tap_dir(), batch).unwrap();
    std::fs::write(c.join("native/notes.md"), "skipped").unwrap();
    c
}

trait TapDir {
    fn tap_dir(self) -> Self;
}

impl TapDir for PathBuf {
    fn tap_dir(self) -> Self {
        std::fs::create_dir_all(self.parent().unwrap()).unwrap();
        self
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    callscore()
        .current_dir(dir)
        .args(args)
        .args([
            "--rules",
            common::root().join("rules").to_str().unwrap(),
            "--quiet",
        ])
        .output()
        .unwrap()
}

fn counts(out: &Path) -> Value {
    let s: Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    s["counts"].clone()
}

fn assert_same_run(a: &Path, b: &Path) {
    for f in [
        "calls.jsonl",
        "calls.csv",
        "errors.jsonl",
        "aggregates.json",
        "manifest.json",
    ] {
        let (x, y) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
        );
        assert!(
            x == y,
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
    assert_eq!(counts(a), counts(b));
}

#[test]
fn n_shards_then_merge_give_exactly_one_run() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    corpus(d);
    let single = run(d, &["run", "calls", "--out", "single", "--run-id", "R"]);
    assert_eq!(single.status.code(), Some(3), "the corpus has bad inputs");
    let c = counts(&d.join("single"));
    assert!(c["errors"].as_u64().unwrap() >= 2 && c["files_skipped"].as_u64().unwrap() >= 2);
    // 1, a few, and more shards than files (most of them empty).
    for n in [1u32, 2, 3, 7, 200] {
        let mut dirs = Vec::new();
        let mut found = 0;
        for k in 1..=n {
            let out = format!("n{n}/s{k}");
            let o = run(
                d,
                &[
                    "run",
                    "calls",
                    "--shard",
                    &format!("{k}/{n}"),
                    "--out",
                    &out,
                    "--run-id",
                    "R",
                ],
            );
            // A shard without files is an empty part, not a failure.
            assert!(
                matches!(o.status.code(), Some(0 | 3)),
                "{}",
                String::from_utf8_lossy(&o.stderr)
            );
            found += counts(&d.join(&out))["inputs_found"].as_u64().unwrap();
            dirs.push(out);
        }
        assert_eq!(found, c["inputs_found"].as_u64().unwrap(), "N = {n}");
        // Shards merge in any order.
        dirs.reverse();
        let merged = format!("n{n}/merged");
        let mut args = vec!["merge"];
        args.extend(dirs.iter().map(String::as_str));
        args.extend(["--out", &merged]);
        let o = callscore().current_dir(d).args(&args).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert_same_run(&d.join("single"), &d.join(&merged));
    }
}

#[test]
fn shards_agree_wherever_the_share_is_mounted() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    corpus(d);
    copy_dir(&d.join("calls"), &d.join("elsewhere/mnt/calls"));
    let sources = |out: &str| -> Vec<String> {
        common::read_jsonl(&d.join(out).join("calls.jsonl"))
            .iter()
            .map(|r| r["call_id"].as_str().unwrap().to_string())
            .collect()
    };
    run(d, &["run", "calls", "--shard", "2/3", "--out", "a"]);
    run(
        d,
        &["run", "elsewhere/mnt/calls", "--shard", "2/3", "--out", "b"],
    );
    assert!(!sources("a").is_empty());
    assert_eq!(sources("a"), sources("b"));
}

#[test]
fn shard_arguments_are_checked() {
    let tmp = tempfile::tempdir().unwrap();
    for bad in ["0/3", "4/3", "x"] {
        let o = run(tmp.path(), &["run", "x", "--shard", bad, "--out", "o"]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(String::from_utf8_lossy(&o.stderr).contains("K"));
    }
    let o = run(tmp.path(), &["run", "-", "--shard", "1/2", "--out", "-"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("stdin"));
    // A folder with no transcript at all is still an error for every shard.
    std::fs::create_dir(tmp.path().join("empty")).unwrap();
    let o = run(
        tmp.path(),
        &["run", "empty", "--shard", "1/2", "--out", "o"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no transcript"));
}

#[test]
fn merge_refuses_other_packs_unless_told_and_copies_identical_pack_files() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    corpus(d);
    copy_dir(&common::root().join("rules"), &d.join("rules2"));
    let p = d.join("rules2/pack.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, text.replacen("version = \"", "version = \"9.", 1)).unwrap();
    run(d, &["run", "calls/aws", "--out", "a"]);
    callscore()
        .current_dir(d)
        .args([
            "run",
            "calls/whisper",
            "--out",
            "b",
            "--rules",
            "rules2",
            "--quiet",
        ])
        .assert()
        .success();
    std::fs::write(d.join("a/pack.json"), "{\"same\": 1}").unwrap();
    std::fs::write(d.join("b/pack.json"), "{\"same\": 1}").unwrap();
    let o = callscore()
        .current_dir(d)
        .args(["merge", "a", "b", "--out", "m"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--allow-mixed-packs") && err.contains("rule pack"),
        "{err}"
    );
    assert!(!d.join("m").exists(), "nothing is written when refused");

    let o = callscore()
        .current_dir(d)
        .args(["merge", "a", "b", "--out", "m", "--allow-mixed-packs"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let aggs: Value =
        serde_json::from_slice(&std::fs::read(d.join("m/aggregates.json")).unwrap()).unwrap();
    assert_eq!(
        aggs["packs"].as_array().unwrap().len(),
        2,
        "packs kept apart"
    );
    assert_eq!(
        std::fs::read(d.join("m/pack.json")).unwrap(),
        b"{\"same\": 1}"
    );
    let calls = common::read_jsonl(&d.join("m/calls.jsonl")).len();
    let csv_rows = std::fs::read_to_string(d.join("m/calls.csv"))
        .unwrap()
        .lines()
        .count();
    assert!(
        calls > 0 && csv_rows > calls,
        "one CSV row per record and the header"
    );
    // The merged folder is a run folder: report reads it, merge takes it again.
    callscore()
        .current_dir(d)
        .args(["report", "m", "--out", "dash", "--pack", "all"])
        .assert()
        .success();
    callscore()
        .current_dir(d)
        .args(["merge", "m", "--out", "m2", "--allow-mixed-packs"])
        .assert()
        .success();

    // A pack file that differs is an error (same pack).
    run(d, &["run", "calls/whisper", "--out", "c"]);
    std::fs::write(d.join("c/pack.json"), "{\"other\": 2}").unwrap();
    let o = callscore()
        .current_dir(d)
        .args(["merge", "a", "c", "--out", "m3"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("pack.json differs"));
}

/// Shards scored with different `--evidence` levels would make a folder whose header
/// names one level and whose records carry another: refused, naming the fix.
#[test]
fn merge_refuses_runs_written_at_different_evidence_levels() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    corpus(d);
    let shard = |k: &str, out: &str, level: &str| {
        run(
            d,
            &[
                "run",
                "calls",
                "--shard",
                k,
                "--out",
                out,
                "--evidence",
                level,
            ],
        )
    };
    shard("1/2", "a", "failed");
    shard("2/2", "b", "all");
    let o = callscore()
        .current_dir(d)
        .args(["merge", "a", "b", "--out", "m"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--evidence all") && err.contains("--evidence failed"),
        "{err}"
    );
    assert!(!d.join("m").exists(), "nothing is written when refused");
    // The same level merges, and the merged header keeps it.
    shard("2/2", "c", "failed");
    callscore()
        .current_dir(d)
        .args(["merge", "a", "c", "--out", "m"])
        .assert()
        .success();
    assert_eq!(common::run_header(&d.join("m"))["evidence"], "failed");
}

#[test]
fn merge_reads_state_folders_and_refuses_broken_or_mixed_inputs() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    corpus(d);
    run(d, &["run", "calls/aws", "--state", "st"]);
    run(d, &["run", "calls/aws", "calls/text", "--state", "st"]);
    run(d, &["run", "calls/aws", "calls/text", "--out", "both"]);
    callscore()
        .current_dir(d)
        .args(["merge", "st", "--out", "fromstate"])
        .assert()
        .success();
    let a = std::fs::read(d.join("both/aggregates.json")).unwrap();
    let b = std::fs::read(d.join("fromstate/aggregates.json")).unwrap();
    assert!(
        a == b,
        "a state's runs merge into the numbers of one run over the same inputs"
    );
    assert!(
        !d.join("fromstate/inputs.jsonl").exists(),
        "state bookkeeping is not carried"
    );

    std::fs::remove_file(d.join("both/calls.csv")).unwrap();
    let o = callscore()
        .current_dir(d)
        .args(["merge", "both", "--out", "x"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("has no calls.csv"));

    std::fs::write(
        d.join("aggs.jsonl"),
        std::fs::read(d.join("fromstate/aggregates.json")).unwrap(),
    )
    .unwrap();
    let o = callscore()
        .current_dir(d)
        .args(["merge", "fromstate", "aggs.jsonl", "--out", "x"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("only aggregates"));
    let o = callscore()
        .current_dir(d)
        .args(["merge", "fromstate", "--out", "fromstate/inner"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

fn envelope(path: &str, bytes: &[u8]) -> String {
    serde_json::json!({
        "type": "file",
        "path": path,
        "data_base64": base64::engine::general_purpose::STANDARD.encode(bytes),
    })
    .to_string()
}

#[test]
fn the_stream_ends_with_the_aggregates_line_and_merges_like_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let c = corpus(d);
    // Every file of the corpus (any format, encoding) as an envelope line, plus a
    // Transcribe document and a native call as plain lines, and a broken line.
    let mut files = Vec::new();
    for e in walkdir::WalkDir::new(&c).sort_by_file_name() {
        let e = e.unwrap();
        let rel = e
            .path()
            .strip_prefix(d)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        if e.file_type().is_file() && !rel.ends_with(".md") && !rel.ends_with("metadata.csv") {
            files.push(rel);
        }
    }
    let aws = std::fs::read_to_string(c.join("aws/aws-1104-en-damaged.json")).unwrap();
    let aws_line = serde_json::to_string(&serde_json::from_str::<Value>(&aws).unwrap()).unwrap();
    let mut input = String::new();
    for f in &files {
        input.push_str(&envelope(f, &std::fs::read(d.join(f)).unwrap()));
        input.push('\n');
    }
    input.push_str(&aws_line);
    input.push_str("\n{\"call_id\": \"x\", \"turns\": [{\"speaker\": \"agent\", \"text\": \"hello\"}]}\n{broken\n");
    let lines = |o: &std::process::Output| -> Vec<Value> {
        String::from_utf8(o.stdout.clone())
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let stream = |extra: &[&str]| {
        callscore()
            .current_dir(d)
            .args([
                "run",
                "-",
                "--out",
                "-",
                "--quiet",
                "--metadata",
                "calls/metadata.csv",
                "--run-id",
                "R",
            ])
            .args(["--rules", common::root().join("rules").to_str().unwrap()])
            .args(extra)
            .write_stdin(input.clone())
            .output()
            .unwrap()
    };
    let o = stream(&[]);
    assert_eq!(o.status.code(), Some(3), "bad inputs: exit 3 by default");
    let o = stream(&["--input-errors-ok"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = lines(&o);
    let last = out.last().unwrap();
    assert_eq!(last["type"], "aggregates");
    assert!(
        out[..out.len() - 1]
            .iter()
            .all(|l| l["type"] == "call" || l["type"] == "error")
    );
    // Records of files sent whole are those of a run over the files.
    run(d, &["run", "calls", "--out", "single", "--run-id", "R"]);
    let mut want: Vec<String> = common::read_jsonl(&d.join("single/calls.jsonl"))
        .iter()
        .map(|r| r.to_string())
        .collect();
    let mut got: Vec<String> = out
        .iter()
        .filter(|l| l["type"] == "call" && l["source"] != "-")
        .map(|r| r.to_string())
        .collect();
    want.sort();
    got.sort();
    assert_eq!(got, want);
    let plain: Vec<&Value> = out
        .iter()
        .filter(|l| l["type"] == "call" && l["source"] == "-")
        .collect();
    assert_eq!(plain.len(), 2, "the Transcribe line and the native line");
    assert!(out.iter().any(|l| l["type"] == "error"
        && l["source"] == "-"
        && l["line"] == files.len() as u64 + 3));

    // The stream's aggregates line is an aggregates file for merge, as report reads it.
    std::fs::write(d.join("part-1.jsonl"), &o.stdout).unwrap();
    callscore()
        .current_dir(d)
        .args(["merge", "part-1.jsonl", "--out", "aggrun"])
        .assert()
        .success();
    let s: Value =
        serde_json::from_slice(&std::fs::read(d.join("aggrun/summary.json")).unwrap()).unwrap();
    assert_eq!(s["counts"]["calls_scored"], want.len() as u64 + 2);
    callscore()
        .current_dir(d)
        .args(["report", "aggrun", "--out", "dash"])
        .assert()
        .success();
    // A stream cut short (no aggregates line) is refused.
    let cut: Vec<&str> = std::str::from_utf8(&o.stdout)
        .unwrap()
        .lines()
        .take(3)
        .collect();
    std::fs::write(d.join("cut.jsonl"), cut.join("\n")).unwrap();
    let o = callscore()
        .current_dir(d)
        .args(["merge", "cut.jsonl", "--out", "cutrun"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cut short"));
}

#[test]
fn a_closed_stdout_ends_the_stream_quietly() {
    use std::io::{Read, Write};
    use std::process::Stdio;
    let batch = std::fs::read_to_string(common::root().join("corpus/native/batch.jsonl")).unwrap();
    let input: String = (0..400).map(|_| batch.as_str()).collect();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("callscore"))
        .current_dir(common::root())
        .args(["run", "-", "--out", "-", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let mut first = [0u8; 64];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let _ = writer.join();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("error") && !err.contains("pipe"), "{err}");
    assert!(first.starts_with(b"{\"type\":\"call\""));
}
