//! Integration tests through the `callscore` binary.
//!
//! Harness: each test gets a temp dir; `callscore()` builds the command; outputs are read
//! back as JSON. Fixtures live in `tests/fixtures/` (a small pack whose per-item results
//! are known exactly, calls in several formats, broken inputs).

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
mod common;
use common::{callscore, fixture, read_jsonl, root, run_header};

fn by_id(records: &[Value]) -> BTreeMap<String, &Value> {
    records
        .iter()
        .map(|r| (r["call_id"].as_str().unwrap_or("").to_string(), r))
        .collect()
}

/// Run the fixture pack over `inputs`; returns (exit code, out dir).
fn run_fixture(inputs: &[PathBuf], threads: usize) -> (i32, tempfile::TempDir) {
    let out = tempfile::tempdir().expect("tempdir");
    let status = callscore()
        .arg("run")
        .args(inputs)
        .arg("--rules")
        .arg(fixture("pack"))
        .arg("--out")
        .arg(out.path())
        .arg("--threads")
        .arg(threads.to_string())
        .arg("--quiet")
        .arg("--run-id")
        .arg("fixture-run")
        .output()
        .expect("runs");
    (status.status.code().unwrap_or(-1), out)
}

#[test]
fn fixture_calls_have_exactly_the_expected_item_results() {
    let (code, out) = run_fixture(&[fixture("calls")], 2);
    assert_eq!(code, 0, "all fixture calls are readable");
    let records = read_jsonl(&out.path().join("calls.jsonl"));
    let calls = by_id(&records);
    let expected = std::fs::read_to_string(fixture("expected.tsv")).unwrap();
    let mut header: Vec<&str> = Vec::new();
    let mut checked = 0;
    for line in expected.lines() {
        let cols: Vec<&str> = line.trim_start_matches("# ").split('\t').collect();
        if line.starts_with('#') {
            header = cols;
            continue;
        }
        let rec = calls
            .get(cols[0])
            .unwrap_or_else(|| panic!("call {} was not scored", cols[0]));
        for (name, want) in header.iter().zip(&cols).skip(1) {
            let got = match *name {
                "auto_fail" => rec["qa"]["auto_fail"].to_string(),
                "primary_driver" => rec["drivers"]["primary"]
                    .as_str()
                    .unwrap_or("-")
                    .to_string(),
                item => rec["qa"]["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|i| i["id"] == *item)
                    .map(|i| i["result"].as_str().unwrap().to_string())
                    .unwrap_or_default(),
            };
            assert_eq!(&got, want, "call {} column {name}", cols[0]);
        }
        checked += 1;
    }
    assert_eq!(checked, 5);
    assert_eq!(records.len(), 5);
}

#[test]
fn record_carries_evidence_scores_sentiment_metrics_and_pack_stamp() {
    let (_, out) = run_fixture(&[fixture("calls/good.jsonl")], 1);
    let records = read_jsonl(&out.path().join("calls.jsonl"));
    let calls = by_id(&records);
    let crit = calls["en-critical"];
    assert_eq!(crit["qa"]["score"], 0.0);
    assert_eq!(crit["qa"]["auto_fail"], true);
    let guarantee = crit["qa"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "no-guarantee")
        .unwrap();
    assert_eq!(guarantee["evidence"][0]["matched"], "I guarantee");
    assert_eq!(guarantee["evidence"][0]["turn"], 2);
    assert_eq!(guarantee["evidence"][0]["start_ms"], 40000);
    assert!(crit["sentiment"]["customer"]["overall"].as_f64().unwrap() < 0.0);
    assert_eq!(crit["sentiment"]["most_negative"]["evidence"]["turn"], 1);
    let pass = calls["en-pass"];
    assert_eq!(pass["qa"]["score"], 100.0);
    assert_eq!(pass["metrics"]["handle_time_ms"], 16000);
    assert_eq!(pass["metrics"]["turns"], 4);
    assert_eq!(pass["drivers"]["department"], "billing");
    assert_eq!(pass["drivers"]["cost"], 0.16);
    assert_eq!(pass["metadata"]["agent"], "a1");
    // The pack is named once, in the header line (and the manifest), not per record.
    assert!(pass.get("rules").is_none(), "{pass}");
    let header = run_header(out.path());
    assert_eq!(header["rules"]["name"], "fixture");
    assert_eq!(header["rules"]["hash"].as_str().unwrap().len(), 64);
    assert_eq!(header["evidence"], "failed");
    assert_eq!(pass["source_line"], 1);
    let csv = std::fs::read_to_string(out.path().join("calls.csv")).unwrap();
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("run_id,call_id,source,format,language,agent"));
    assert!(header.contains("item:greeting") && header.contains("section:compliance"));
    assert_eq!(lines.count(), 3);
}

#[test]
fn malformed_files_become_error_records_and_the_rest_is_scored() {
    let (code, out) = run_fixture(&[fixture("calls"), fixture("broken")], 2);
    assert_eq!(code, 3, "finished with some inputs failed");
    let errors = read_jsonl(&out.path().join("errors.jsonl"));
    let sources: Vec<String> = errors
        .iter()
        .map(|e| {
            Path::new(e["source"].as_str().unwrap())
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(sources, ["empty.txt", "junk.json", "truncated.json"]);
    for e in &errors {
        assert_eq!(e["type"], "error");
        assert!(!e["reason"].as_str().unwrap().is_empty());
    }
    assert_eq!(read_jsonl(&out.path().join("calls.jsonl")).len(), 5);
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("summary.json")).unwrap())
            .unwrap();
    let c = &summary["counts"];
    assert_eq!(c["inputs_found"], 8); // 3 JSON Lines records + 2 text files + 3 broken files
    assert_eq!(c["inputs_scored"], 5);
    assert_eq!(c["inputs_errored"], 3);
}

#[test]
fn output_bytes_identical_at_any_thread_count() {
    let inputs = [fixture("calls"), fixture("broken"), root().join("corpus")];
    let (_, a) = run_fixture(&inputs, 1);
    let (_, b) = run_fixture(&inputs, 2);
    let (_, c) = run_fixture(&inputs, 5);
    for f in ["calls.jsonl", "calls.csv", "errors.jsonl"] {
        let x = std::fs::read(a.path().join(f)).unwrap();
        assert!(!x.is_empty() || f == "errors.jsonl");
        assert_eq!(
            x,
            std::fs::read(b.path().join(f)).unwrap(),
            "{f} differs between 1 and 2 threads"
        );
        assert_eq!(
            x,
            std::fs::read(c.path().join(f)).unwrap(),
            "{f} differs between 1 and 5 threads"
        );
    }
}

#[test]
fn broken_rules_stop_before_reading_transcripts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.toml"),
        "[[item]]\nid = \"g\"\nsection = \"s\"\nrequire = { regex = 'a(b' }\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = callscore()
        .args(["run", "tests/fixtures/calls", "--rules"])
        .arg(dir.path())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("bad.toml:4:23: error[bad-regex]: invalid regex: unclosed group"),
        "{stderr}"
    );
    assert!(!out.exists(), "no output is written for a broken pack");
}

#[test]
fn stdin_to_stdout_jsonl_mode() {
    let input = std::fs::read(fixture("calls/good.jsonl")).unwrap();
    let o = callscore()
        .args([
            "run",
            "-",
            "--rules",
            "tests/fixtures/pack",
            "--out",
            "-",
            "--quiet",
        ])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let lines: Vec<Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Three records, then the stream's aggregates line.
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["call_id"], "en-pass");
    assert_eq!(lines[0]["source"], "-");
    assert_eq!(lines[3]["type"], "aggregates");
}

#[test]
fn check_reports_ok_for_the_shipped_pack() {
    let o = callscore()
        .args(["check", "--rules", "rules"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

#[test]
fn main_job_scores_every_shipped_sample() {
    let out = tempfile::tempdir().unwrap();
    let o = callscore()
        .args(["run", "--quiet", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    let records = read_jsonl(&out.path().join("calls.jsonl"));
    assert!(records.len() >= 60, "only {} calls scored", records.len());
    assert!(
        std::fs::read_to_string(out.path().join("errors.jsonl"))
            .unwrap()
            .is_empty()
    );
    for lang in ["en", "zh", "fa"] {
        assert!(
            records.iter().filter(|r| r["language"] == lang).count() >= 10,
            "too few {lang} calls"
        );
    }
}

#[test]
fn shipped_corpus_agrees_with_its_planted_truth() {
    let out = tempfile::tempdir().unwrap();
    let o = callscore()
        .args(["run", "corpus", "--rules", "rules", "--quiet", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let records = read_jsonl(&out.path().join("calls.jsonl"));
    let calls = by_id(&records);
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("corpus_expected.json")).unwrap())
            .unwrap();
    let truth = truth.as_object().unwrap();
    assert_eq!(
        calls.len(),
        truth.len(),
        "every planted call is scored once"
    );
    let mut wrong = Vec::new();
    for (id, want) in truth {
        let rec = calls
            .get(id.as_str())
            .unwrap_or_else(|| panic!("{id} not scored"));
        for item in rec["qa"]["items"].as_array().unwrap() {
            let got = item["result"].as_str().unwrap().replace("n/a", "na");
            let exp = want["items"][item["id"].as_str().unwrap()]
                .as_str()
                .unwrap_or("?");
            if got != exp {
                wrong.push(format!(
                    "{id} {}: expected {exp}, got {got} ({})",
                    item["id"], item["reason"]
                ));
            }
        }
        let mut got: Vec<&str> = rec["drivers"]["matched"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_str().unwrap())
            .collect();
        let mut exp: Vec<&str> = want["drivers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_str().unwrap())
            .collect();
        got.sort();
        exp.sort();
        if got != exp {
            wrong.push(format!("{id} drivers: expected {exp:?}, got {got:?}"));
        }
        if rec["drivers"]["primary"] != want["primary_driver"] {
            wrong.push(format!(
                "{id} primary: expected {}, got {}",
                want["primary_driver"], rec["drivers"]["primary"]
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} disagreements with the planted truth:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn one_bad_jsonl_line_among_good_ones() {
    let (code, out) = run_fixture(&[fixture("bad/one_bad_line.jsonl")], 2);
    assert_eq!(code, 3);
    let errors = read_jsonl(&out.path().join("errors.jsonl"));
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0]["line"].as_u64().is_some(),
        "the error names the line: {}",
        errors[0]
    );
    assert!(!read_jsonl(&out.path().join("calls.jsonl")).is_empty());
}

#[test]
fn every_malformed_fixture_is_reported_and_nothing_panics() {
    let (code, out) = run_fixture(&[fixture("bad"), fixture("broken")], 2);
    assert_eq!(code, 3);
    for e in read_jsonl(&out.path().join("errors.jsonl")) {
        let reason = e["reason"].as_str().unwrap();
        assert!(!reason.contains("internal error"), "a reader panicked: {e}");
    }
}

#[test]
fn test_command_passes_on_the_shipped_pack_and_runs_the_markdown_tests() {
    let o = callscore()
        .args(["test", "--rules", "rules"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{stdout}");
    let md_lines = stdout
        .lines()
        .filter(|l| l.starts_with("PASS rules/tests/") && l.contains(".md "))
        .count();
    assert!(md_lines >= 8, "{stdout}");
    assert!(stdout.trim_end().ends_with(" passed; 0 failed"), "{stdout}");
}

#[test]
fn shipped_markdown_tests_cover_every_item_and_driver_in_all_languages() {
    let pack = callscore::rules::load_pack(&root().join("rules"))
        .unwrap()
        .pack
        .unwrap();
    let files = callscore::ruletest::mdtest::test_files(&root().join("rules/tests"));
    let mut mentioned = std::collections::BTreeSet::new();
    let mut langs = std::collections::BTreeSet::new();
    for f in &files {
        let r = callscore::ruletest::mdtest::run_file(&pack, f);
        let t = r.test.expect("parses");
        mentioned.extend(t.only.iter().flatten().cloned());
        mentioned.extend(t.turns.iter().flat_map(|x| x.hits.clone()));
        mentioned.extend(t.expect.iter().map(|e| e.key.clone()));
        for e in &t.expect {
            if let callscore::ruletest::mdtest::ExpectValue::List(ids) = &e.value {
                mentioned.extend(ids.iter().cloned());
            }
        }
        langs.insert(r.record.unwrap().language);
    }
    let ids = pack
        .items
        .iter()
        .map(|i| &i.id)
        .chain(pack.drivers.iter().map(|d| &d.id));
    let uncovered: Vec<&String> = ids.filter(|id| !mentioned.contains(*id)).collect();
    assert!(
        uncovered.is_empty(),
        "not covered by rules/tests: {uncovered:?}"
    );
    for l in ["en", "zh", "fa"] {
        assert!(langs.contains(l), "no {l} test: {langs:?}");
    }
}

#[test]
fn test_command_reports_missing_noisy_and_wrong_and_exits_4_then_update_fixes_outcomes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("tests")).unwrap();
    std::fs::write(
        dir.path().join("pack.toml"),
        "[[item]]\nid = \"greeting\"\nsection = \"opening\"\nrequire = { any = [\"thank you for calling acme\"], speaker = \"agent\", window = { first_seconds = 30 } }\n\
         [[item]]\nid = \"no_guarantee\"\nsection = \"compliance\"\ncritical = true\nforbid = { any = [\"i guarantee\"], speaker = \"agent\" }\n",
    )
    .unwrap();
    let test_file = dir.path().join("tests/call.md");
    std::fs::write(
        &test_file,
        "# Late greeting\n\n```transcript\nagent 00:40 | Thank you for calling Acme.  # hit: [greeting]\nagent 00:50 | I guarantee it works.\n```\n\n```expect\ngreeting = pass\nno_guarantee = pass\nauto_fail = false\n```\n",
    )
    .unwrap();
    let o = callscore()
        .arg("test")
        .arg("--rules")
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(4), "{stdout}");
    assert!(stdout.contains("FAIL "), "{stdout}");
    assert!(stdout.contains("call.md MNXXX"), "{stdout}");
    assert!(
        stdout.contains("call.md:4: missing: greeting has no evidence in turn 1 (agent 00:40)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("closest: \"Thank you for calling Acme\" (turn 1, agent 00:40, line 4)"),
        "{stdout}"
    );
    assert!(stdout.contains("call.md:5: noisy: no_guarantee has evidence in turn 2 (agent 00:50) without `# hit: [no_guarantee]`: \"I guarantee\""), "{stdout}");
    assert!(
        stdout.contains("call.md:9: wrong outcome: greeting: expected pass, got fail"),
        "{stdout}"
    );
    assert!(
        stdout.trim_end().ends_with("0 passed; 1 failed"),
        "{stdout}"
    );

    let o = callscore()
        .arg("test")
        .arg("--rules")
        .arg(dir.path())
        .arg("--update")
        .output()
        .unwrap();
    let updated = std::fs::read_to_string(&test_file).unwrap();
    assert!(
        updated
            .ends_with("```expect\ngreeting = fail\nno_guarantee = fail\nauto_fail = true\n```\n"),
        "{updated}"
    );
    // The outcomes are fixed; the annotations are the QA lead's to fix.
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(4), "{stdout}");
    assert!(stdout.contains("call.md MN..."), "{stdout}");
}

/// `explain` must score a call exactly as `run` does (same metadata join, same channel
/// inference), for every single-call sample file of every format.
#[test]
fn explain_and_run_agree_on_every_sample_file() {
    let out = tempfile::tempdir().unwrap();
    let o = callscore()
        .args(["run", "corpus", "--quiet", "--evidence", "all", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let records = read_jsonl(&out.path().join("calls.jsonl"));
    let calls = by_id(&records);
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(root().join("corpus")).sort_by_file_name() {
        let entry = entry.unwrap();
        let p = entry.path();
        let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !entry.file_type().is_file() || !["json", "vtt", "srt", "txt"].contains(&ext) {
            continue;
        }
        let o = callscore()
            .arg("explain")
            .arg(p)
            .args(["--format", "json"])
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}: {}",
            p.display(),
            String::from_utf8_lossy(&o.stderr)
        );
        for line in String::from_utf8(o.stdout).unwrap().lines() {
            let ex: Value = serde_json::from_str(line).unwrap();
            let rec = &ex["record"];
            let id = rec["call_id"].as_str().unwrap();
            let ran = calls
                .get(id)
                .unwrap_or_else(|| panic!("{id} not in run output"));
            assert_eq!(
                rec["qa"],
                ran["qa"],
                "{}: explain and run disagree on {id}",
                p.display()
            );
            assert_eq!(rec["drivers"], ran["drivers"], "{id}");
            assert_eq!(rec["metadata"], ran["metadata"], "{id}");
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} calls compared");
}
