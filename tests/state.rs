//! Incremental runs (`run --state DIR`): only new or changed inputs are scored, a changed
//! input replaces its results instead of duplicating them, a new rule pack keeps or
//! re-scores history as asked, a run killed anywhere resumes to exactly the results of a
//! run that went straight through, and one state folder serves one run at a time.

mod common;

use common::{callscore, read_jsonl, root, run_header};
use serde_json::Value;
use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A copy of the sample corpus (the runs' sources are its absolute paths).
fn corpus_copy(dir: &Path) -> PathBuf {
    let to = dir.join("in");
    copy_dir(&root().join("corpus"), &to);
    to
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), &t).unwrap();
        }
    }
}

/// `callscore run INPUTS --state STATE ARGS…`, expected to finish with exit code 0.
fn run_ok(inputs: &Path, state: &Path, args: &[&str]) -> Value {
    callscore()
        .arg("run")
        .arg(inputs)
        .arg("--state")
        .arg(state)
        .args(["-q", "--threads", "2"])
        .args(args)
        .assert()
        .success();
    newest_summary(state)
}

/// The summary of the run folder with the highest sequence number.
fn newest_summary(state: &Path) -> Value {
    let mut best: Option<(u64, Value)> = None;
    for d in run_dirs(state) {
        let s: Value =
            serde_json::from_slice(&std::fs::read(d.join("summary.json")).unwrap()).unwrap();
        let seq = s["state"]["seq"].as_u64().unwrap();
        if best.as_ref().is_none_or(|(b, _)| seq > *b) {
            best = Some((seq, s));
        }
    }
    best.expect("a run folder").1
}

fn run_dirs(state: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(state.join("runs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

/// Every call record of the state's history, keyed by call id, without the run id (which
/// differs from run to run by design).
fn history_calls(state: &Path) -> BTreeMap<String, Value> {
    let mut all = BTreeMap::new();
    for d in run_dirs(state) {
        for mut r in read_jsonl(&d.join("calls.jsonl")) {
            r.as_object_mut().unwrap().remove("run_id");
            let id = r["call_id"].as_str().unwrap().to_string();
            assert!(
                all.insert(id.clone(), r).is_none(),
                "call {id} is in two run folders of the history"
            );
        }
    }
    all
}

/// The call records of a plain `run --out DIR`, keyed by call id, without the run id.
fn plain_calls(inputs: &Path, out: &Path) -> BTreeMap<String, Value> {
    callscore()
        .arg("run")
        .arg(inputs)
        .arg("--out")
        .arg(out)
        .args(["-q"])
        .assert()
        .success();
    read_jsonl(&out.join("calls.jsonl"))
        .into_iter()
        .map(|mut r| {
            r.as_object_mut().unwrap().remove("run_id");
            (r["call_id"].as_str().unwrap().to_string(), r)
        })
        .collect()
}

/// The dashboard numbers of the whole history: every run folder's aggregates merged.
fn merged_aggregates(dirs: &[PathBuf]) -> String {
    let mut merged: Option<callscore::aggregate::Aggregates> = None;
    for d in dirs {
        let a = callscore::aggregate::Aggregates::read_file(&d.join("aggregates.json")).unwrap();
        match merged.as_mut() {
            None => merged = Some(a),
            Some(m) => m.merge(a).unwrap(),
        }
    }
    merged.unwrap().to_json()
}

/// Run a prepared command, check its exit code, return its stderr.
fn stderr_with_code(cmd: &mut assert_cmd::Command, code: i32) -> String {
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "{err}");
    err
}

fn counts(s: &Value) -> &Value {
    &s["state"]["inputs"]
}

#[test]
fn a_second_night_scores_nothing_and_the_history_equals_a_plain_run() {
    let d = tempfile::tempdir().unwrap();
    let inputs = corpus_copy(d.path());
    let state = d.path().join("state");
    let first = run_ok(&inputs, &state, &[]);
    assert_eq!(counts(&first)["new"], 50, "{first}");
    assert_eq!(first["counts"]["calls_scored"], 67);
    let second = run_ok(&inputs, &state, &[]);
    assert_eq!(counts(&second)["new"], 0);
    assert_eq!(counts(&second)["unchanged"], 50);
    assert_eq!(second["counts"]["calls_scored"], 0);
    assert_eq!(
        second["counts"]["bytes_read"], 0,
        "unchanged files are not read"
    );
    assert_eq!(run_dirs(&state).len(), 2, "each run has its own folder");
    assert!(
        !state.join("work").exists(),
        "work/ is removed when a run is done"
    );

    let plain_out = d.path().join("plain");
    let plain = plain_calls(&inputs, &plain_out);
    let history = history_calls(&state);
    assert_eq!(history.len(), 67);
    assert_eq!(history, plain, "incremental records equal a plain run's");
    assert_eq!(
        merged_aggregates(&run_dirs(&state)),
        merged_aggregates(&[plain_out])
    );
}

#[test]
fn a_changed_file_replaces_its_results_and_a_new_file_is_added() {
    let d = tempfile::tempdir().unwrap();
    let inputs = corpus_copy(d.path());
    let state = d.path().join("state");
    run_ok(&inputs, &state, &[]);
    let first_dir = run_dirs(&state)[0].clone();

    // A transcript corrected after the first night, and one that arrived since.
    let changed = inputs.join("text/txt-1102-en-billing.txt");
    let text = std::fs::read_to_string(&changed).unwrap();
    std::fs::write(&changed, text.replace("bill", "invoice")).unwrap();
    std::fs::write(
        inputs.join("text/late-arrival.txt"),
        "Agent: Thank you for calling Acme, my name is Sam.\nCustomer: My internet is down again.\n",
    )
    .unwrap();
    let second = run_ok(&inputs, &state, &[]);
    assert_eq!(counts(&second)["changed"], 1, "{second}");
    assert_eq!(counts(&second)["new"], 1);
    assert_eq!(counts(&second)["unchanged"], 49);
    let first_id = first_dir.file_name().unwrap().to_str().unwrap();
    assert_eq!(second["state"]["replaced"][first_id], 1);

    // The old folder lost the changed file's results and says so.
    let superseded = read_jsonl(&first_dir.join("superseded.jsonl"));
    assert_eq!(superseded.len(), 1);
    assert_eq!(
        superseded[0]["path"],
        changed.canonicalize().unwrap().to_str().unwrap()
    );
    assert_eq!(superseded[0]["calls"], 1);
    let csv = std::fs::read_to_string(first_dir.join("calls.csv")).unwrap();
    assert!(!csv.contains("txt-1102-en-billing"), "its CSV row left too");

    // The history is what a plain run over today's files gives: no call twice.
    let plain_out = d.path().join("plain");
    let plain = plain_calls(&inputs, &plain_out);
    assert_eq!(history_calls(&state), plain);
    assert_eq!(
        merged_aggregates(&run_dirs(&state)),
        merged_aggregates(&[plain_out]),
        "the dashboard counts each call once"
    );

    // `report STATE` reads the whole history.
    let rep = d.path().join("report");
    let err = stderr_with_code(
        callscore().arg("report").arg(&state).arg("--out").arg(&rep),
        0,
    );
    assert!(err.contains("from 2 run(s)"), "{err}");
}

#[test]
fn deleted_inputs_keep_their_results_unless_forgotten() {
    let d = tempfile::tempdir().unwrap();
    let inputs = corpus_copy(d.path());
    let state = d.path().join("state");
    run_ok(&inputs, &state, &[]);
    let gone = inputs.join("text/txt-1102-en-billing.txt");
    let saved = std::fs::read(&gone).unwrap();
    std::fs::remove_file(&gone).unwrap();

    let kept = run_ok(&inputs, &state, &[]);
    assert_eq!(counts(&kept)["missing"], 1);
    assert_eq!(counts(&kept)["forgotten"], 0);
    assert_eq!(
        history_calls(&state).len(),
        67,
        "results of a deleted input stay"
    );

    let forgot = run_ok(&inputs, &state, &["--forget-missing"]);
    assert_eq!(counts(&forgot)["forgotten"], 1);
    assert_eq!(
        history_calls(&state).len(),
        66,
        "--forget-missing retires them"
    );
    let again = run_ok(&inputs, &state, &[]);
    assert_eq!(
        counts(&again)["missing"],
        0,
        "a forgotten input is not missing any more"
    );

    // It comes back: scored as new.
    std::fs::write(&gone, saved).unwrap();
    let back = run_ok(&inputs, &state, &[]);
    assert_eq!(counts(&back)["new"], 1);
    assert_eq!(history_calls(&state).len(), 67);

    // The input folder empty (a share that did not mount): --forget-missing refuses to
    // wipe the history, and without it the results stay.
    let aside = d.path().join("aside");
    std::fs::rename(&inputs, &aside).unwrap();
    std::fs::create_dir(&inputs).unwrap();
    let err = stderr_with_code(
        callscore()
            .arg("run")
            .arg(&inputs)
            .arg("--state")
            .arg(&state)
            .args(["-q", "--forget-missing"]),
        2,
    );
    assert!(err.contains("is the folder mounted?"), "{err}");
    assert_eq!(history_calls(&state).len(), 67);
    let unmounted = run_ok(&inputs, &state, &[]);
    assert_eq!(counts(&unmounted)["missing"], 50);
    assert_eq!(history_calls(&state).len(), 67);
}

/// The version of the shipped pack (`rules/pack.toml`), which changes with its lexicons.
fn shipped_version() -> String {
    let t = std::fs::read_to_string(root().join("rules/pack.toml")).unwrap();
    let v: toml::Table = toml::from_str(&t).unwrap();
    v["pack"]["version"].as_str().unwrap().to_string()
}

/// The version [`pack_v2`] gives its copy.
const V2: &str = "99.0.0";

/// A copy of the default pack with another version: another hash.
fn pack_v2(dir: &Path) -> PathBuf {
    let to = dir.join("rules-v2");
    copy_dir(&root().join("rules"), &to);
    let p = to.join("pack.toml");
    let t = std::fs::read_to_string(&p).unwrap();
    let from = format!("version = \"{}\"", shipped_version());
    assert!(t.contains(&from), "{t}");
    std::fs::write(&p, t.replacen(&from, &format!("version = \"{V2}\""), 1)).unwrap();
    to
}

/// The pack version each call of the history was scored with (from its run folder's
/// header line: records do not repeat the pack).
fn pack_of_calls(state: &Path) -> BTreeMap<String, String> {
    let mut of = BTreeMap::new();
    for d in run_dirs(state) {
        let version = run_header(&d)["rules"]["version"]
            .as_str()
            .unwrap()
            .to_string();
        for r in read_jsonl(&d.join("calls.jsonl")) {
            of.insert(r["call_id"].as_str().unwrap().to_string(), version.clone());
        }
    }
    of
}

fn packs_in_history(state: &Path) -> BTreeMap<String, usize> {
    let mut by = BTreeMap::new();
    for v in pack_of_calls(state).into_values() {
        *by.entry(v).or_default() += 1;
    }
    by
}

#[test]
fn a_new_pack_keeps_old_results_labelled_by_default_and_rescores_when_asked() {
    let d = tempfile::tempdir().unwrap();
    let inputs = corpus_copy(d.path());
    let state = d.path().join("state");
    let v2 = pack_v2(d.path());
    let v2 = v2.to_str().unwrap();
    run_ok(&inputs, &state, &[]);

    let keep = run_ok(&inputs, &state, &["--rules", v2]);
    assert_eq!(counts(&keep)["kept_other_pack"], 50, "{keep}");
    assert_eq!(keep["counts"]["calls_scored"], 0);
    assert_eq!(
        packs_in_history(&state),
        BTreeMap::from([(shipped_version(), 67)])
    );

    // Re-score what started on or after 2026-11-06 (the corpus spans 2 to 8 November).
    let since = run_ok(
        &inputs,
        &state,
        &["--rules", v2, "--rescore", "since=2026-11-06"],
    );
    let rescored = counts(&since)["rescored"].as_u64().unwrap();
    assert!(rescored > 0 && rescored < 50, "{since}");
    assert_eq!(
        counts(&since)["kept_other_pack"].as_u64().unwrap(),
        50 - rescored
    );
    let by = packs_in_history(&state);
    assert_eq!(
        by.values().sum::<usize>(),
        67,
        "no call lost or doubled: {by:?}"
    );
    let shipped = shipped_version();
    assert!(by[V2] > 0 && by[&shipped] > 0, "{by:?}");
    let pack_of = pack_of_calls(&state);
    for r in history_calls(&state).values() {
        let day = r["metadata"]["started_at"].as_str().unwrap_or("");
        if pack_of[r["call_id"].as_str().unwrap()] == shipped {
            assert!(
                day < "2026-11-06",
                "{} started {day} and was not re-scored",
                r["call_id"]
            );
        }
    }

    let all = run_ok(&inputs, &state, &["--rules", v2, "--rescore", "all"]);
    assert_eq!(counts(&all)["rescored"].as_u64().unwrap(), 50 - rescored);
    assert_eq!(
        packs_in_history(&state),
        BTreeMap::from([(V2.to_string(), 67)])
    );

    // The dashboard shows one pack at a time and says so.
    let rep = d.path().join("report");
    let err = stderr_with_code(
        callscore().arg("report").arg(&state).arg("--out").arg(&rep),
        0,
    );
    assert!(err.contains(V2), "{err}");
}

#[test]
fn rescore_values_are_checked() {
    let err = stderr_with_code(
        callscore().args([
            "run",
            "corpus",
            "--state",
            "/nonexistent/x",
            "--rescore",
            "since=yesterday",
        ]),
        2,
    );
    assert!(err.contains("since=YYYY-MM-DD"), "{err}");
    let err = stderr_with_code(callscore().args(["run", "corpus", "--rescore", "all"]), 2);
    assert!(err.contains("--state"), "{err}");
    let err = stderr_with_code(
        callscore().args(["run", "corpus", "--state", "s", "--out", "o"]),
        2,
    );
    assert!(err.contains("cannot be used with"), "{err}");
}

#[test]
fn stdin_cannot_feed_a_state_folder() {
    let d = tempfile::tempdir().unwrap();
    let err = stderr_with_code(
        callscore()
            .args(["run", "-", "--state"])
            .arg(d.path().join("s"))
            .write_stdin("{\"call_id\":\"a\",\"turns\":[]}\n"),
        2,
    );
    assert!(err.contains("stdin (-) cannot be an input"), "{err}");
}

#[test]
fn a_second_run_on_a_busy_state_folder_does_nothing_and_exits_5() {
    let d = tempfile::tempdir().unwrap();
    let state = d.path().join("state");
    std::fs::create_dir_all(&state).unwrap();
    // Another process holds the lock (this test process, through the library).
    let held = callscore::state::lock::StateLock::acquire(&state, "night-1").unwrap();
    let err = stderr_with_code(
        callscore().args(["run", "corpus", "--state"]).arg(&state),
        5,
    );
    assert!(err.contains("another callscore run holds"), "{err}");
    assert!(err.contains("run night-1"), "{err}");
    assert!(!state.join("runs").exists() || run_dirs(&state).is_empty());
    drop(held);
    run_ok(&root().join("corpus"), &state, &[]);
}

/// Every file of every run folder except `summary.json` (timings), by path.
fn snapshot(state: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for d in run_dirs(state) {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            if name != "summary.json" {
                let key = format!("{}/{name}", d.file_name().unwrap().to_string_lossy());
                files.insert(key, std::fs::read(e.path()).unwrap());
            }
        }
    }
    files
}

/// Two snapshots are equal; else name the first file that differs and its first
/// differing line.
fn assert_same(got: &BTreeMap<String, Vec<u8>>, want: &BTreeMap<String, Vec<u8>>, ctx: &str) {
    let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(got), names(want), "{ctx}: not the same files");
    for (name, g) in got {
        let w = &want[name];
        if g != w {
            let (g, w) = (String::from_utf8_lossy(g), String::from_utf8_lossy(w));
            let (n, (gl, wl)) = g
                .lines()
                .zip(w.lines())
                .enumerate()
                .find(|(_, (a, b))| a != b)
                .unwrap_or((0, ("(length differs)", "")));
            panic!(
                "{ctx}: {name} differs at line {}:\n got: {gl}\nwant: {wl}",
                n + 1
            );
        }
    }
}

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("callscore")
}

/// Start `run --state` with a crash point armed; it must die by SIGKILL.
fn run_killed_at(inputs: &Path, state: &Path, run_id: &str, point: &str) {
    let out = Command::new(bin())
        .arg("run")
        .arg(inputs)
        .arg("--state")
        .arg(state)
        .args([
            "-q",
            "--threads",
            "2",
            "--checkpoint-every",
            "7",
            "--run-id",
            run_id,
        ])
        .env("CALLSCORE_CRASH_AT", point)
        .output()
        .unwrap();
    assert_eq!(
        out.status.signal(),
        Some(9),
        "crash point {point} was not reached: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn run_to_end(inputs: &Path, state: &Path, run_id: &str) -> Value {
    run_ok(
        inputs,
        state,
        &["--checkpoint-every", "7", "--run-id", run_id],
    )
}

#[test]
fn killed_anywhere_a_run_resumes_to_the_results_of_an_uninterrupted_one() {
    let d = tempfile::tempdir().unwrap();
    let inputs = corpus_copy(d.path());
    let changed = inputs.join("text/txt-1102-en-billing.txt");
    let edit = |to: &str| {
        let text = std::fs::read_to_string(&changed).unwrap();
        std::fs::write(&changed, text.replace("bill", to)).unwrap();
    };

    // The reference: night 1, a file changes, night 2, straight through.
    let reference = d.path().join("reference");
    run_to_end(&inputs, &reference, "night-1");
    let night1 = snapshot(&reference);
    let original = std::fs::read(&changed).unwrap();
    let original_mtime = std::fs::metadata(&changed).unwrap().modified().unwrap();
    edit("invoice");
    let mtime = std::fs::metadata(&changed).unwrap().modified().unwrap();
    run_to_end(&inputs, &reference, "night-2");
    let night2 = snapshot(&reference);

    // Night 1 killed at each step of its first run.
    std::fs::write(&changed, &original).unwrap();
    filetime_set(&changed, original_mtime);
    for point in [
        "planned",
        "scoring:1",
        "scoring:20",
        "part:1",
        "part:7",
        "staged",
        "published",
    ] {
        let state = d.path().join(format!("n1-{}", point.replace(':', "-")));
        run_killed_at(&inputs, &state, "night-1", point);
        let s = run_to_end(&inputs, &state, "night-1");
        assert_same(
            &snapshot(&state),
            &night1,
            &format!("night 1 killed at {point}"),
        );
        assert!(!state.join("work").exists(), "killed at {point}");
        let resumed = s["state"]["resumed"].as_u64().unwrap();
        match point {
            // Killed before the plan was written, or after the run was published: nothing
            // to resume (the restart is a new run, or finds night-1 done).
            "published" => {}
            _ => assert_eq!(resumed, 1, "killed at {point}: {s}"),
        }
    }

    // Night 2 (which retires the changed file's old results) killed at each step.
    let base = d.path().join("night1-done");
    run_to_end(&inputs, &base, "night-1");
    edit("invoice");
    filetime_set(&changed, mtime);
    for point in [
        "planned",
        "scoring:1",
        "part:1",
        "staged",
        "published",
        "retired",
    ] {
        let state = d.path().join(format!("n2-{point}"));
        copy_dir(&base, &state);
        run_killed_at(&inputs, &state, "night-2", point);
        run_to_end(&inputs, &state, "night-2");
        assert_same(
            &snapshot(&state),
            &night2,
            &format!("night 2 killed at {point}"),
        );
    }

    // Killed twice in a row, at two different steps.
    let state = d.path().join("twice");
    copy_dir(&base, &state);
    run_killed_at(&inputs, &state, "night-2", "scoring:1");
    run_killed_at(&inputs, &state, "night-2", "published");
    run_to_end(&inputs, &state, "night-2");
    assert_same(&snapshot(&state), &night2, "killed twice");
}

/// Give a file the modification time it had in the reference run (inputs.jsonl records it).
fn filetime_set(p: &Path, t: std::time::SystemTime) {
    let f = std::fs::File::options().write(true).open(p).unwrap();
    f.set_modified(t).unwrap();
}

#[test]
fn real_kill_9_at_random_moments_loses_and_doubles_nothing() {
    let d = tempfile::tempdir().unwrap();
    let inputs = d.path().join("gen");
    callscore()
        .args([
            "gen",
            "--calls",
            "3000",
            "--seed",
            "7",
            "--calls-per-file",
            "50",
            "--out",
        ])
        .arg(&inputs)
        .assert()
        .success();
    let reference = d.path().join("reference");
    let args = |state: &Path| {
        let mut c = Command::new(bin());
        c.arg("run").arg(&inputs).arg("--state").arg(state).args([
            "-q",
            "--threads",
            "2",
            "--checkpoint-every",
            "40",
            "--run-id",
            "night",
        ]);
        c
    };
    assert!(args(&reference).status().unwrap().success());
    let expected = snapshot(&reference);

    let state = d.path().join("state");
    let (mut kills, mut delay_ms) = (0, 40u64);
    loop {
        let mut child = args(&state).spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            break;
        }
        child.kill().unwrap(); // SIGKILL
        let status = child.wait().unwrap();
        if status.signal() == Some(9) {
            kills += 1;
        }
        delay_ms += 40;
        assert!(kills < 200, "the run never finished");
    }
    assert!(
        kills >= 2,
        "the run should have been killed mid-way a few times ({kills})"
    );
    // Started again once done (a scheduler's retry with the same run id): nothing to do.
    assert!(args(&state).status().unwrap().success());
    assert_same(
        &snapshot(&state),
        &expected,
        &format!("after {kills} kills"),
    );
}

#[test]
fn a_bad_metadata_csv_is_reported_once_and_duplicate_ids_are_named() {
    let d = tempfile::tempdir().unwrap();
    let inputs = corpus_copy(d.path());
    std::fs::write(
        inputs.join("meta-bad.csv"),
        "call_id,team,csat\ntxt-1102-en-billing,west,NaN\n",
    )
    .unwrap();
    // The same call twice, in two files.
    std::fs::copy(
        inputs.join("native/n-1102-en-outage.json"),
        inputs.join("native/n-1102-en-outage-copy.json"),
    )
    .unwrap();
    let s = run_ok_code(
        &inputs,
        &d.path().join("state"),
        &["--checkpoint-every", "5"],
        3,
    );
    let dir = run_dirs(&d.path().join("state"))[0].clone();
    let errors = read_jsonl(&dir.join("errors.jsonl"));
    let meta: Vec<_> = errors
        .iter()
        .filter(|e| e["source"].as_str().unwrap().ends_with("meta-bad.csv"))
        .collect();
    assert_eq!(
        meta.len(),
        1,
        "one error for the metadata CSV, not one per part: {errors:?}"
    );
    assert_eq!(s["counts"]["errors"], errors.len());
    assert_eq!(s["counts"]["duplicate_call_ids"], 1, "{s}");
    let example = s["counts"]["duplicate_examples"][0].as_str().unwrap();
    assert!(example.contains("n-1102-en-outage-copy.json"), "{example}");
}

/// `run --state` expected to exit with `code`; the newest summary.
fn run_ok_code(inputs: &Path, state: &Path, args: &[&str], code: i32) -> Value {
    let out = callscore()
        .arg("run")
        .arg(inputs)
        .arg("--state")
        .arg(state)
        .args(["-q", "--threads", "2"])
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    newest_summary(state)
}

#[test]
fn results_do_not_depend_on_threads_or_checkpoint_size() {
    let d = tempfile::tempdir().unwrap();
    let inputs = corpus_copy(d.path());
    let (a, b) = (d.path().join("a"), d.path().join("b"));
    for (state, threads, every) in [(&a, "1", "3"), (&b, "2", "1000")] {
        callscore()
            .arg("run")
            .arg(&inputs)
            .arg("--state")
            .arg(state)
            .args([
                "-q",
                "--threads",
                threads,
                "--checkpoint-every",
                every,
                "--run-id",
                "r",
            ])
            .assert()
            .success();
    }
    assert_same(
        &snapshot(&a),
        &snapshot(&b),
        "1 thread, parts of 3 vs 2 threads, one part",
    );
}

/// The `"refresh"` lines of a run folder's inputs.jsonl.
fn refreshes(dir: &Path) -> Vec<Value> {
    read_jsonl(&dir.join("inputs.jsonl"))
        .into_iter()
        .filter(|l| l["type"] == "refresh")
        .collect()
}

#[test]
fn a_touched_but_unchanged_file_is_hashed_once_not_every_night() {
    let d = tempfile::tempdir().unwrap();
    let inputs = corpus_copy(d.path());
    let state = d.path().join("state");
    run_ok(&inputs, &state, &["--run-id", "n1"]);
    let touched = inputs.join("text/txt-1102-en-billing.txt");
    let later = std::fs::metadata(&touched).unwrap().modified().unwrap()
        + std::time::Duration::from_secs(3600);
    filetime_set(&touched, later);

    let n2 = run_ok(&inputs, &state, &["--run-id", "n2"]);
    assert_eq!(counts(&n2)["unchanged"], 50, "same bytes: not scored again");
    let r = refreshes(&state.join("runs/n2"));
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!(
        r[0]["path"],
        touched.canonicalize().unwrap().to_str().unwrap()
    );
    // Night 3 compares against the refreshed time: nothing to refresh, nothing hashed.
    run_ok(&inputs, &state, &["--run-id", "n3"]);
    assert!(refreshes(&state.join("runs/n3")).is_empty());
    assert_eq!(history_calls(&state).len(), 67);
    // And a later change of its bytes is still seen.
    std::fs::write(
        &touched,
        "Agent: Thank you for calling Acme.\nCustomer: Bye.\n",
    )
    .unwrap();
    let n4 = run_ok(&inputs, &state, &["--run-id", "n4"]);
    assert_eq!(counts(&n4)["changed"], 1);
    assert_eq!(history_calls(&state).len(), 67);
}
