//! Integration tests of `callscore gen` through the binary: the engine must agree with
//! the generator's truth on every core item, driver and primary driver of every call;
//! output is deterministic for a seed; the written packs (also scaled) check and test.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
mod common;
use common::{callscore, read_jsonl};

const ALL_FORMATS: &str = "native_jsonl,native_json,aws_transcribe,contact_lens,google_ccai,whisper,webvtt,srt,plain_text,chat_csv";

/// Generate into `dir/corpus` (truth `dir/corpus.truth.jsonl`); returns the corpus path.
fn generate(dir: &Path, calls: u64, seed: u64, extra: &[&str]) -> PathBuf {
    let corpus = dir.join("corpus");
    let out = callscore()
        .arg("gen")
        .arg("--calls")
        .arg(calls.to_string())
        .arg("--seed")
        .arg(seed.to_string())
        .arg("--out")
        .arg(&corpus)
        .args(extra)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "gen failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    corpus
}

#[test]
fn engine_agrees_with_truth_on_every_item_and_driver_of_every_call() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    let corpus = generate(
        dir.path(),
        5000,
        7,
        &[
            "--formats",
            ALL_FORMATS,
            "--languages",
            "en,zh,fa",
            "--rules-out",
            rules.to_str().unwrap(),
            "--calls-per-file",
            "100",
        ],
    );
    let out = dir.path().join("out");
    let run = callscore()
        .arg("run")
        .arg(&corpus)
        .arg("--rules")
        .arg(&rules)
        .arg("--out")
        .arg(&out)
        .arg("--quiet")
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "every generated input is readable: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let truth = read_jsonl(&dir.path().join("corpus.truth.jsonl"));
    assert_eq!(truth.len(), 5000);
    let records = read_jsonl(&out.join("calls.jsonl"));
    let got: BTreeMap<&str, &Value> = records
        .iter()
        .map(|r| (r["call_id"].as_str().unwrap(), r))
        .collect();
    assert_eq!(got.len(), 5000, "one record per call");

    let mut formats = BTreeMap::new();
    let mut languages = BTreeMap::new();
    let mut disagreements = Vec::new();
    let mut checked = 0usize;
    for t in &truth {
        let id = t["call_id"].as_str().unwrap();
        *formats.entry(t["format"].as_str().unwrap()).or_insert(0) += 1;
        *languages
            .entry(t["language"].as_str().unwrap())
            .or_insert(0) += 1;
        let Some(r) = got.get(id) else {
            disagreements.push(format!("{id}: not scored"));
            continue;
        };
        assert_eq!(r["format"], t["format"], "{id} read as its format");
        let items: BTreeMap<&str, &str> = r["qa"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| (i["id"].as_str().unwrap(), i["result"].as_str().unwrap()))
            .collect();
        for (item, want) in t["items"].as_object().unwrap() {
            checked += 1;
            let got = items.get(item.as_str()).copied().unwrap_or("missing");
            if got != want.as_str().unwrap() {
                disagreements.push(format!(
                    "{id} ({}, {}): item {item}: truth {want} ({}), engine {got}",
                    t["format"], t["language"], t["planted"][item]
                ));
            }
        }
        let drivers: Vec<&str> = r["drivers"]["matched"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_str().unwrap())
            .collect();
        let want: Vec<&str> = t["drivers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_str().unwrap())
            .collect();
        if drivers != want {
            disagreements.push(format!("{id}: drivers: truth {want:?}, engine {drivers:?}"));
        }
        if r["drivers"]["primary"] != t["primary_driver"] {
            disagreements.push(format!(
                "{id}: primary driver: truth {}, engine {}",
                t["primary_driver"], r["drivers"]["primary"]
            ));
        }
    }
    assert_eq!(formats.len(), 10, "all formats: {formats:?}");
    assert_eq!(languages.len(), 3, "all languages: {languages:?}");
    assert_eq!(checked, 5000 * 11);
    assert!(
        disagreements.is_empty(),
        "{} disagreements, first ones:\n{}",
        disagreements.len(),
        disagreements[..disagreements.len().min(20)].join("\n")
    );
}

fn tree_bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn same_seed_is_byte_identical_and_another_seed_differs() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let args = ["--formats", ALL_FORMATS, "--calls-per-file", "37"];
    generate(a.path(), 400, 11, &args);
    generate(b.path(), 400, 11, &args);
    generate(c.path(), 400, 12, &args);
    let (ta, tb, tc) = (
        tree_bytes(a.path()),
        tree_bytes(b.path()),
        tree_bytes(c.path()),
    );
    assert!(ta.len() > 300, "files written: {}", ta.len());
    assert!(ta == tb, "same seed, same bytes (corpus and truth)");
    assert!(ta != tc, "another seed, other bytes");
}

fn check(rules: &Path) -> String {
    let out = callscore()
        .arg("check")
        .arg("--rules")
        .arg(rules)
        .arg("--format")
        .arg("concise")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "check fails: {}{stderr}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        out.stdout.is_empty(),
        "no warnings: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    stderr
}

/// Phrase count from `check`'s summary line.
fn phrases(summary: &str) -> usize {
    let before = summary.split(" phrases").next().unwrap();
    before.rsplit(' ').next().unwrap().parse().unwrap()
}

#[test]
fn written_packs_check_and_pass_their_examples_at_every_scale() {
    let dir = tempfile::tempdir().unwrap();
    for (p, m) in [(100usize, 0usize), (1000, 0), (10_000, 0), (0, 100)] {
        let rules = dir.path().join(format!("rules-{p}-{m}"));
        generate(
            &dir.path().join(format!("c-{p}-{m}")),
            10,
            1,
            &[
                "--rules-out",
                rules.to_str().unwrap(),
                "--phrases",
                &p.to_string(),
                "--regexes",
                &m.to_string(),
            ],
        );
        let summary = check(&rules);
        let n = phrases(&summary);
        if p >= 1000 {
            assert!(
                n >= p * 9 / 10 && n <= p * 11 / 10,
                "about {p} phrases: {summary}"
            );
        }
        if m > 0 {
            assert!(summary.contains(&format!("{m} regexes")), "{summary}");
        }
        let test = callscore()
            .arg("test")
            .arg("--rules")
            .arg(&rules)
            .output()
            .unwrap();
        assert_eq!(
            test.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&test.stdout)
        );
    }
}

/// Call id, core item results, drivers.
type CoreView = (String, Vec<(String, String)>, Value);

#[test]
fn scaling_items_do_not_change_core_results() {
    let dir = tempfile::tempdir().unwrap();
    let core = dir.path().join("core");
    let big = dir.path().join("big");
    let corpus = generate(dir.path(), 300, 5, &["--rules-out", core.to_str().unwrap()]);
    generate(
        &dir.path().join("again"),
        1,
        5,
        &[
            "--rules-out",
            big.to_str().unwrap(),
            "--phrases",
            "3000",
            "--regexes",
            "60",
        ],
    );
    let mut results = Vec::new();
    for rules in [&core, &big] {
        let out = dir.path().join(format!(
            "out-{}",
            rules.file_name().unwrap().to_string_lossy()
        ));
        callscore()
            .arg("run")
            .arg(&corpus)
            .arg("--rules")
            .arg(rules)
            .arg("--out")
            .arg(&out)
            .arg("--quiet")
            .assert()
            .success();
        let recs = read_jsonl(&out.join("calls.jsonl"));
        // Sections are in the manifest, not in the records.
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
        let scale: std::collections::BTreeSet<String> = manifest["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["section"] == "scale")
            .map(|i| i["id"].as_str().unwrap().to_string())
            .collect();
        let core_view: Vec<CoreView> = recs
            .iter()
            .map(|r| {
                (
                    r["call_id"].as_str().unwrap().to_string(),
                    r["qa"]["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|i| !scale.contains(i["id"].as_str().unwrap()))
                        .map(|i| {
                            (
                                i["id"].as_str().unwrap().to_string(),
                                i["result"].as_str().unwrap().to_string(),
                            )
                        })
                        .collect(),
                    r["drivers"].clone(),
                )
            })
            .collect();
        results.push((core_view, recs, scale));
    }
    assert!(
        results[0].0 == results[1].0,
        "core items and drivers unchanged"
    );
    // The scaling items do real work: some calls mention a scaling phrase or reference.
    let scale_passes = results[1]
        .1
        .iter()
        .flat_map(|r| r["qa"]["items"].as_array().unwrap().clone())
        .filter(|i| results[1].2.contains(i["id"].as_str().unwrap()) && i["result"] == "pass")
        .count();
    assert!(
        scale_passes > 10,
        "scaling items matched {scale_passes} times"
    );
}
