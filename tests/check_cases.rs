//! `callscore check` on one broken pack per error kind, as data:
//! `tests/check/<case>/rules/*.toml` is the pack, `expected.txt` the exact stdout of
//! `callscore check --rules tests/check/<case>/rules --format concise`, and
//! `expected-full.txt` (where present) the stdout of `--format full`.
//! The exit code must be 2 when the expectation has an error, 0 when only warnings.
//!
//! To accept new output after a deliberate change: `BLESS=1 cargo test --test check_cases`
//! and review the git diff.

use assert_cmd::Command;
use callscore::diagnostic::DiagCode;
use std::collections::BTreeSet;
use std::path::Path;
mod common;
use common::root;

fn run_check(case: &str, format: &str) -> (String, i32) {
    let o = Command::cargo_bin("callscore")
        .unwrap()
        .current_dir(root())
        .args(["check", "--rules"])
        .arg(format!("tests/check/{case}/rules"))
        .args(["--format", format])
        .output()
        .unwrap();
    (
        String::from_utf8(o.stdout).expect("UTF-8 output"),
        o.status.code().unwrap_or(-1),
    )
}

fn compare(path: &Path, actual: &str, failures: &mut Vec<String>) {
    let bless = std::env::var_os("BLESS").is_some();
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    if expected == actual {
        return;
    }
    if bless {
        std::fs::write(path, actual).unwrap();
        return;
    }
    failures.push(format!(
        "{}:\n--- expected\n{expected}--- actual\n{actual}",
        path.display()
    ));
}

/// The case folders, sorted.
fn cases() -> Vec<String> {
    let dir = root().join("tests/check");
    let mut cases: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| dir.join(n).join("rules").is_dir())
        .collect();
    cases.sort();
    cases
}

#[test]
fn every_check_case_prints_exactly_its_expectation() {
    let dir = root().join("tests/check");
    let cases = cases();
    assert!(cases.len() >= 15, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let (out, code) = run_check(case, "concise");
        compare(&dir.join(case).join("expected.txt"), &out, &mut failures);
        let want_code = if out.contains(": error[") { 2 } else { 0 };
        if code != want_code {
            failures.push(format!("{case}: exit code {code}, expected {want_code}"));
        }
        let full = dir.join(case).join("expected-full.txt");
        if full.exists() {
            let (out, _) = run_check(case, "full");
            compare(&full, &out, &mut failures);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn warnings_only_exit_zero_and_errors_exit_two() {
    assert_eq!(run_check("shared-driver-phrase", "concise").1, 0);
    assert_eq!(run_check("unknown-key", "json").1, 2);
}

/// The code registry and the cases stay in step: a new code needs a broken pack that
/// shows it, so its message and position are pinned like every other.
#[test]
fn every_diagnostic_code_is_produced_by_some_case() {
    let mut produced = BTreeSet::new();
    for case in cases() {
        let (out, _) = run_check(&case, "json");
        for line in out.lines() {
            let v: serde_json::Value =
                serde_json::from_str(line).expect("one JSON object per line");
            produced.insert(v["code"].as_str().expect("a code").to_string());
        }
    }
    let missing: Vec<&str> = DiagCode::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !produced.contains(*c))
        .collect();
    assert!(
        missing.is_empty(),
        "no tests/check/<case> produces these codes: {missing:?}"
    );
    let unknown: Vec<&String> = produced
        .iter()
        .filter(|c| DiagCode::from_name(c).is_none())
        .collect();
    assert!(unknown.is_empty(), "codes not in the registry: {unknown:?}");
}

#[test]
fn explain_prints_a_code_and_rejects_an_unknown_one() {
    let o = Command::cargo_bin("callscore")
        .unwrap()
        .args(["check", "--explain", "regex-matches-empty"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.starts_with("regex-matches-empty (warning): A regex that can match the empty string"),
        "{out}"
    );
    let o = Command::cargo_bin("callscore")
        .unwrap()
        .args(["check", "--explain", "unknown-kye"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("no diagnostic code is called 'unknown-kye'"),
        "{err}"
    );
    assert!(err.contains("unknown-key"), "{err}");
}

/// The QA lead's guide lists every code in its table of codes, in both languages.
#[test]
fn the_rule_guides_list_every_code() {
    for guide in ["rules/README.md", "rules/README.zh.md"] {
        let text = std::fs::read_to_string(root().join(guide)).unwrap();
        let rows: Vec<&str> = text.lines().filter(|l| l.starts_with("| `")).collect();
        let missing: Vec<&str> = DiagCode::ALL
            .iter()
            .map(|c| c.as_str())
            .filter(|c| !rows.iter().any(|r| r.contains(&format!("`{c}`"))))
            .collect();
        assert!(missing.is_empty(), "{guide} does not list {missing:?}");
    }
}
