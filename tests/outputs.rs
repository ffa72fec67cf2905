//! The output contract of `run`: a run's files appear together or not at all, each names
//! its run, killed runs leave nothing behind, a closed stdout is a normal end, a run that
//! finds nothing leaves earlier outputs alone, and CSV columns keep their positions
//! across pack versions.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;
mod common;
use common::{callscore, fixture, read_jsonl, root, run_header};

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_callscore"))
}

fn run_args(inputs: &[&Path], out: &Path) -> Vec<String> {
    let mut a = vec!["run".to_string()];
    a.extend(inputs.iter().map(|p| p.display().to_string()));
    a.extend(
        [
            "--rules",
            &root().join("rules").display().to_string(),
            "--out",
            &out.display().to_string(),
            "--quiet",
        ]
        .map(String::from),
    );
    a
}

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// The run id every file of `out` names; panics when two files name different runs or a
/// file is missing or cut short.
fn consistent_run(out: &Path) -> String {
    let summary = read_json(&out.join("summary.json"));
    let id = summary["run_id"]
        .as_str()
        .expect("summary names its run")
        .to_string();
    assert_eq!(run_header(out)["run_id"], id.as_str(), "calls.jsonl header");
    assert_eq!(read_json(&out.join("manifest.json"))["run_id"], id.as_str());
    let calls = read_jsonl(&out.join("calls.jsonl"));
    assert_eq!(
        calls.len() as u64,
        summary["counts"]["calls_scored"].as_u64().unwrap(),
        "every call of the run, no more, no less"
    );
    let csv = std::fs::read_to_string(out.join("calls.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), calls.len());
    for r in rows {
        assert!(
            r.starts_with(&format!("{id},")),
            "csv row of another run: {r}"
        );
    }
    for e in read_jsonl(&out.join("errors.jsonl")) {
        assert_eq!(e["run_id"], id.as_str());
    }
    id
}

/// Files and folders beside `out` in its parent, other than the corpus.
fn leftovers(parent: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(parent)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "corpus" && n != "corpus.truth.jsonl" && n != "out")
        .collect();
    v.sort();
    v
}

#[test]
fn kill_9_at_any_moment_leaves_the_previous_or_the_new_outputs_never_a_mix() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let st = callscore()
        .args(["gen", "--calls", "400", "--seed", "5", "--out"])
        .arg(&corpus)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let out = dir.path().join("out");
    let args = run_args(&[&corpus], &out);
    let t0 = Instant::now();
    let st = Command::new(bin()).args(&args).output().unwrap();
    let full = t0.elapsed();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    consistent_run(&out);
    // Kill at moments spread over a whole run, the end (publishing) included.
    for i in 0..10u32 {
        let at = full.mul_f64(0.15 + 0.1 * f64::from(i));
        let mut child = Command::new(bin())
            .args(&args)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(at);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        // Panics on a mix of two runs, a missing file or one cut short.
        consistent_run(&out);
    }
    // The next complete run removes what the killed runs left.
    let st = Command::new(bin()).args(&args).output().unwrap();
    assert!(st.status.success());
    consistent_run(&out);
    assert_eq!(
        leftovers(dir.path()),
        Vec::<String>::new(),
        "no staging folder or lock file of a killed run may stay"
    );
}

#[test]
fn a_closed_stdout_ends_the_run_quietly_with_exit_0() {
    let mut child = Command::new(bin())
        .args([
            "run",
            "corpus",
            "--rules",
            "rules",
            "--out",
            "-",
            "--threads",
            "1",
        ])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read one line, then close the pipe, like `| head -1`.
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 64];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "",
        "no message on a closed pipe"
    );
}

#[test]
fn finding_no_transcript_is_an_error_that_leaves_earlier_outputs_alone() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let st = Command::new(bin())
        .args(run_args(&[&fixture("calls")], &out))
        .output()
        .unwrap();
    assert!(st.status.success());
    let before = consistent_run(&out);
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    std::fs::write(empty.join("notes.md"), "not a transcript").unwrap();
    let st = Command::new(bin())
        .args(run_args(&[&empty], &out))
        .output()
        .unwrap();
    assert_eq!(st.status.code(), Some(2));
    let err = String::from_utf8_lossy(&st.stderr);
    assert!(err.contains("no transcript found"), "{err}");
    assert!(err.contains("notes.md"), "says what was skipped: {err}");
    assert_eq!(consistent_run(&out), before, "earlier outputs untouched");
    assert_eq!(leftovers(dir.path()), ["empty"]);
}

#[test]
fn an_output_folder_with_other_files_is_refused_before_scoring() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("budget.xlsx"), "x").unwrap();
    let st = Command::new(bin())
        .args(run_args(&[&fixture("calls")], &out))
        .output()
        .unwrap();
    assert_eq!(st.status.code(), Some(2));
    let err = String::from_utf8_lossy(&st.stderr);
    assert!(
        err.contains("budget.xlsx") && err.contains("--out"),
        "{err}"
    );
    assert!(out.join("budget.xlsx").exists());
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
}

#[test]
fn every_output_file_names_its_run_and_run_id_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let st = Command::new(bin())
        .args(run_args(&[&fixture("calls"), &fixture("broken")], &out))
        .args(["--run-id", "nightly-2026-12-06"])
        .output()
        .unwrap();
    assert_eq!(st.status.code(), Some(3));
    assert_eq!(consistent_run(&out), "nightly-2026-12-06");
    assert!(!read_jsonl(&out.join("errors.jsonl")).is_empty());
    let err = String::from_utf8_lossy(&st.stderr);
    let last = err.lines().last().unwrap_or("");
    assert!(
        last.starts_with("callscore: 8 inputs found = 5 scored + 3 with errors"),
        "the last stderr line counts the inputs: {last}"
    );
    let st = Command::new(bin())
        .args(run_args(&[&fixture("calls")], &out))
        .args(["--run-id", "bad id/with slash"])
        .output()
        .unwrap();
    assert_eq!(st.status.code(), Some(2));
}

/// Write `pack` (the fixture pack) with `edit` applied to its item file into `dir`.
fn pack_variant(dir: &Path, edit: impl Fn(String) -> String) -> PathBuf {
    let src = fixture("pack");
    let dst = dir.to_path_buf();
    std::fs::create_dir_all(&dst).unwrap();
    for e in std::fs::read_dir(&src).unwrap().flatten() {
        let text = std::fs::read_to_string(e.path()).unwrap_or_default();
        std::fs::write(dst.join(e.file_name()), edit(text)).unwrap();
    }
    dst
}

fn csv_header(out: &Path) -> Vec<String> {
    let csv = std::fs::read_to_string(out.join("calls.csv")).unwrap();
    csv.lines()
        .next()
        .unwrap()
        .split(',')
        .map(String::from)
        .collect()
}

#[test]
fn csv_columns_keep_their_positions_when_the_pack_gains_or_loses_an_item() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = |pack: &Path| {
        let st = callscore()
            .arg("run")
            .arg(fixture("calls"))
            .arg("--rules")
            .arg(pack)
            .arg("--out")
            .arg(&out)
            .arg("--quiet")
            .output()
            .unwrap();
        assert!(
            st.status.success(),
            "{}",
            String::from_utf8_lossy(&st.stderr)
        );
    };
    run(&fixture("pack"));
    let v1 = csv_header(&out);
    let first_item = v1
        .iter()
        .find(|c| c.starts_with("item:"))
        .unwrap()
        .trim_start_matches("item:")
        .to_string();
    // Version 2: a new item written FIRST in the pack's file.
    let v2_pack = pack_variant(&dir.path().join("v2"), |t| match t.find("[[item]]") {
        Some(i) => format!(
            "{}[[item]]\nid = \"zz_new_first\"\nname = \"New\"\nsection = \"{}\"\nweight = 1\nrequire.any = [\"brand new phrase\"]\n\n{}",
            &t[..i],
            "compliance",
            &t[i..]
        ),
        None => t,
    });
    run(&v2_pack);
    let v2 = csv_header(&out);
    assert_eq!(&v2[..v1.len()], &v1[..], "old columns keep their positions");
    assert_eq!(v2[v1.len()..], ["item:zz_new_first".to_string()]);
    // Version 3: the first item removed; its column stays, empty.
    let v3_pack = pack_variant(&dir.path().join("v3"), |t| {
        t.replace(&format!("id = \"{first_item}\""), "id = \"renamed_item\"")
    });
    run(&v3_pack);
    let v3 = csv_header(&out);
    assert_eq!(&v3[..v2.len()], &v2[..]);
    assert_eq!(v3[v2.len()..], ["item:renamed_item".to_string()]);
    let col = v3
        .iter()
        .position(|c| *c == format!("item:{first_item}"))
        .unwrap();
    let csv = std::fs::read_to_string(out.join("calls.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    for row in rdr.records() {
        assert_eq!(&row.unwrap()[col], "", "retired column is empty");
    }
    let manifest = read_json(&out.join("manifest.json"));
    let described = manifest["csv_columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == format!("item:{first_item}").as_str())
        .unwrap()["description"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(described.starts_with("retired"), "{described}");
}

#[test]
fn manifest_carries_item_names_descriptions_and_the_pack() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let st = Command::new(bin())
        .args(run_args(&[&root().join("corpus/native")], &out))
        .output()
        .unwrap();
    assert!(st.status.success());
    let m = read_json(&out.join("manifest.json"));
    assert_eq!(m["type"], "manifest");
    assert_eq!(m["name"], "callscore-default");
    let items = m["items"].as_array().unwrap();
    assert!(items.len() > 10);
    let rec = items
        .iter()
        .find(|i| i["id"] == "recording_disclosure")
        .unwrap();
    assert!(!rec["name"].as_str().unwrap().is_empty());
    assert!(rec["critical"].is_boolean());
    assert_eq!(
        m["csv_columns"].as_array().unwrap().len(),
        csv_header(&out).len(),
        "every CSV column is described"
    );
}
