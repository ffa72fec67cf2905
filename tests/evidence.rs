//! `run --evidence all|failed|none`: the levels differ only in which reasons and quotes
//! a record carries; outcomes, scores, the CSV and the aggregates are the same, and no
//! record repeats the pack's constants (they are in `manifest.json` and the header).

use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
mod common;
use common::{callscore, read_jsonl, run_header};

fn run_at(level: &str, out: &Path) {
    let o = callscore()
        .args([
            "run", "corpus", "--rules", "rules", "--quiet", "--run-id", "levels",
        ])
        .args(["--evidence", level, "--out"])
        .arg(out)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// What a record written at `all` becomes at `level`, by the documented rule: `failed`
/// keeps reasons and evidence of failed and critical items only; `none` keeps no
/// reason and no quote (drivers' and the most negative moment's evidence too).
fn project(all: &Value, level: &str, critical: &HashMap<String, bool>) -> Value {
    let mut r = all.clone();
    for it in r["qa"]["items"].as_array_mut().unwrap() {
        let id = it["id"].as_str().unwrap();
        let keep = match level {
            "failed" => it["result"] == "fail" || critical[id],
            "none" => false,
            _ => true,
        };
        if !keep {
            let o = it.as_object_mut().unwrap();
            for k in ["reason", "evidence", "closest"] {
                o.remove(k);
            }
        }
    }
    if level == "none" {
        for d in r["drivers"]["matched"].as_array_mut().unwrap() {
            d.as_object_mut().unwrap().remove("evidence");
        }
        if let Some(m) = r["sentiment"]["most_negative"].as_object_mut() {
            m.remove("evidence");
        }
    }
    r
}

#[test]
fn evidence_levels_differ_only_in_reasons_and_quotes() {
    let dir = tempfile::tempdir().unwrap();
    let outs: Vec<_> = ["all", "failed", "none"]
        .iter()
        .map(|l| {
            let out = dir.path().join(l);
            run_at(l, &out);
            out
        })
        .collect();
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(outs[0].join("manifest.json")).unwrap()).unwrap();
    let critical: HashMap<String, bool> = manifest["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap().to_string(),
                i["critical"].as_bool().unwrap(),
            )
        })
        .collect();
    let records: Vec<Vec<Value>> = outs
        .iter()
        .map(|o| read_jsonl(&o.join("calls.jsonl")))
        .collect();
    assert!(records[0].len() > 40);
    let (mut kept_fail, mut kept_critical_pass, mut dropped, mut closest) = (0, 0, 0, 0);
    for ((all, failed), none) in records[0].iter().zip(&records[1]).zip(&records[2]) {
        assert_eq!(*failed, project(all, "failed", &critical));
        assert_eq!(*none, project(all, "none", &critical));
        for r in [all, failed, none] {
            assert!(r.get("rules").is_none(), "the pack is in the header");
            for it in r["qa"]["items"].as_array().unwrap() {
                for k in ["section", "weight", "critical"] {
                    assert!(it.get(k).is_none(), "{k} is in the manifest: {it}");
                }
            }
        }
        for (a, f) in all["qa"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .zip(failed["qa"]["items"].as_array().unwrap())
        {
            assert!(a["reason"].is_string() && a["evidence"].is_array(), "{a}");
            let crit = critical[a["id"].as_str().unwrap()];
            match (a["result"].as_str().unwrap(), crit) {
                ("fail", _) => kept_fail += f["reason"].is_string() as u32,
                ("pass", true) => kept_critical_pass += f["evidence"].is_array() as u32,
                (_, false) => dropped += f.get("reason").is_none() as u32,
                _ => {}
            }
            closest += a.get("closest").is_some() as u32;
        }
    }
    // The sample corpus exercises every case the rule distinguishes.
    assert!(kept_fail > 20 && kept_critical_pass > 20 && dropped > 100 && closest > 0);
    for (o, level) in outs.iter().zip(["all", "failed", "none"]) {
        assert_eq!(run_header(o)["evidence"], level);
        let m: Value =
            serde_json::from_slice(&std::fs::read(o.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(m["evidence"], level);
    }
    // What is counted does not depend on what is quoted.
    for f in ["calls.csv", "aggregates.json"] {
        let all = std::fs::read(outs[0].join(f)).unwrap();
        for o in &outs[1..] {
            assert!(all == std::fs::read(o.join(f)).unwrap(), "{f} differs");
        }
    }
    let size = |o: &Path| std::fs::metadata(o.join("calls.jsonl")).unwrap().len();
    assert!(size(&outs[2]) < size(&outs[1]) && size(&outs[1]) < size(&outs[0]));
}

#[test]
fn an_unknown_evidence_level_is_refused_naming_the_choices() {
    let dir = tempfile::tempdir().unwrap();
    let o = callscore()
        .args(["run", "corpus", "--evidence", "some", "--out"])
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("use all, failed or none"), "{err}");
    assert!(!dir.path().join("out").exists());
}
