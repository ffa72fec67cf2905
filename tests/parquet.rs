//! `run --parquet`: calls.parquet and items.parquet read back with an independent
//! reader (pyarrow) and compared with calls.jsonl and manifest.json, field by field;
//! and in a state folder, the Parquet files of an older run follow its calls.jsonl when
//! a later run re-scores some of its inputs.
//!
//! Needs Python with pyarrow (`CALLSCORE_PYTHON`, else `python3`). Without it the tests
//! pass with a loud message, unless `CI` or `CALLSCORE_REQUIRE_PYARROW` is set: then
//! they fail (`.ci/run` installs pyarrow).

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_callscore");

/// Reads both files and prints them as JSON: timestamps as ISO strings, maps as objects.
const DUMP: &str = r#"
import json, sys, datetime
import pyarrow.parquet as pq
def plain(v):
    if isinstance(v, datetime.datetime):
        return v.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(v, list) and v and isinstance(v[0], tuple):
        return {k: x for k, x in v}
    return v
out = {}
for name in ("calls", "items"):
    t = pq.read_table(sys.argv[1] + "/" + name + ".parquet")
    out[name] = [{k: plain(v) for k, v in row.items()} for row in t.to_pylist()]
    out[name + "_schema"] = {f.name: str(f.type) for f in t.schema}
print(json.dumps(out))
"#;

fn python() -> Option<String> {
    let py = std::env::var("CALLSCORE_PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = Command::new(&py)
        .args(["-c", "import pyarrow"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some(py);
    }
    let msg = format!("{py} cannot import pyarrow: the Parquet read-back tests cannot run.");
    if ["CI", "CALLSCORE_REQUIRE_PYARROW"]
        .iter()
        .any(|v| std::env::var_os(v).is_some())
    {
        panic!("{msg} CI or CALLSCORE_REQUIRE_PYARROW is set, so this is a failure.");
    }
    eprintln!(
        "\n{}\n!!! SKIPPED: {msg} Install it with `pip install pyarrow` (.ci/run does).\n{}\n",
        "!".repeat(78),
        "!".repeat(78)
    );
    None
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn callscore(args: &[&str]) {
    let o = Command::new(BIN).args(args).output().unwrap();
    assert!(
        o.status.success(),
        "callscore {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn dump(py: &str, dir: &Path) -> Value {
    let o = Command::new(py)
        .args(["-c", DUMP, dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn lines(dir: &Path) -> (Value, Vec<Value>) {
    let text = std::fs::read_to_string(dir.join("calls.jsonl")).unwrap();
    let mut it = text.lines().map(|l| serde_json::from_str(l).unwrap());
    let header = it.next().unwrap();
    (header, it.collect())
}

/// A JSON text column as a value (null stays null).
fn json(v: &Value) -> Value {
    v.as_str()
        .map(|s| serde_json::from_str(s).unwrap())
        .unwrap_or(Value::Null)
}

#[test]
fn parquet_files_hold_what_calls_jsonl_holds() {
    let Some(py) = python() else { return };
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    callscore(&[
        "run",
        root().join("corpus").to_str().unwrap(),
        "--rules",
        root().join("rules").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
        "--parquet",
        "--evidence",
        "all",
    ]);
    let got = dump(&py, &out);
    let (header, recs) = lines(&out);
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let schema = &got["calls_schema"];
    assert_eq!(schema["started_at"], "timestamp[us, tz=UTC]");
    assert_eq!(
        schema["section_scores"],
        "map<string, double ('section_scores')>"
    );
    assert_eq!(got["items_schema"]["critical"], "bool");

    let calls = got["calls"].as_array().unwrap();
    assert_eq!(calls.len(), recs.len());
    let mut n_items = 0;
    for (row, rec) in calls.iter().zip(&recs) {
        let id = rec["call_id"].as_str().unwrap();
        assert_eq!(row["call_id"], rec["call_id"]);
        assert_eq!(row["run_id"], header["run_id"]);
        assert_eq!(row["pack_version"], header["rules"]["version"]);
        assert_eq!(row["pack_hash"], header["rules"]["hash"]);
        assert_eq!(row["source"], rec["source"]);
        assert_eq!(row["qa_score"], rec["qa"]["score"], "{id}");
        assert_eq!(row["raw_score"], rec["qa"]["raw_score"]);
        assert_eq!(row["auto_fail"], rec["qa"]["auto_fail"]);
        assert_eq!(row["section_scores"], rec["qa"]["sections"], "{id}");
        let md = &rec["metadata"];
        for k in [
            "agent",
            "team",
            "queue",
            "channel",
            "customer_id",
            "csat",
            "nps",
        ] {
            assert_eq!(
                row[k],
                md.get(k).cloned().unwrap_or(Value::Null),
                "{id} {k}"
            );
        }
        assert_eq!(
            row["started_at_text"],
            md.get("started_at").cloned().unwrap_or(Value::Null)
        );
        if let Some(s) = md["started_at"].as_str().filter(|s| s.ends_with('Z')) {
            assert_eq!(row["started_at"].as_str().unwrap(), s, "{id}");
        }
        assert_eq!(row["primary_driver"], rec["drivers"]["primary"]);
        assert_eq!(row["cost"], rec["drivers"]["cost"]);
        let ids: Vec<&Value> = rec["drivers"]["matched"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| &d["id"])
            .collect();
        assert_eq!(
            row["drivers"]
                .as_array()
                .unwrap()
                .iter()
                .collect::<Vec<_>>(),
            ids
        );
        assert_eq!(
            json(&row["drivers_detail"]),
            rec["drivers"]["matched"],
            "{id}"
        );
        assert_eq!(
            row["customer_sentiment"],
            rec["sentiment"]["customer"]["overall"]
        );
        assert_eq!(row["agent_sentiment_end"], rec["sentiment"]["agent"]["end"]);
        let worst = &rec["sentiment"]["most_negative"];
        assert_eq!(
            row["most_negative_score"],
            worst.get("score").cloned().unwrap_or(Value::Null)
        );
        assert_eq!(
            json(&row["most_negative_evidence"]),
            worst.get("evidence").cloned().unwrap_or(Value::Null)
        );
        for k in [
            "handle_time_ms",
            "silence_ms",
            "overtalk_ms",
            "turns",
            "times_estimated",
        ] {
            assert_eq!(row[k], rec["metrics"][k], "{id} {k}");
        }
        n_items += rec["qa"]["items"].as_array().unwrap().len();
    }

    let items = got["items"].as_array().unwrap();
    assert_eq!(items.len(), n_items);
    let meta: BTreeMap<&str, &Value> = manifest["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["id"].as_str().unwrap(), i))
        .collect();
    let mut rows = items.iter();
    for rec in &recs {
        for (pos, it) in rec["qa"]["items"].as_array().unwrap().iter().enumerate() {
            let row = rows.next().unwrap();
            assert_eq!(row["call_id"], rec["call_id"]);
            assert_eq!(row["position"], pos);
            assert_eq!(row["item_id"], it["id"]);
            assert_eq!(row["result"], it["result"]);
            assert_eq!(
                row["reason"],
                it.get("reason").cloned().unwrap_or(Value::Null)
            );
            assert_eq!(
                json(&row["evidence"]),
                it.get("evidence").cloned().unwrap_or(Value::Null)
            );
            assert_eq!(
                json(&row["closest"]),
                it.get("closest").cloned().unwrap_or(Value::Null)
            );
            let m = meta[it["id"].as_str().unwrap()];
            assert_eq!(row["section"], m["section"]);
            assert_eq!(row["weight"], m["weight"]);
            assert_eq!(row["critical"], m["critical"]);
            assert_eq!(row["item_name"], m["name"]);
            let missing = it
                .get("na_missing_meta")
                .cloned()
                .unwrap_or(Value::Array(vec![]));
            assert_eq!(row["na_missing_meta"], missing);
        }
    }
}

#[test]
fn a_state_folders_parquet_follows_its_calls_when_a_later_run_takes_some() {
    let Some(py) = python() else { return };
    let t = tempfile::tempdir().unwrap();
    let corpus = t.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    for f in ["native", "whisper"] {
        let src = root().join("corpus").join(f);
        let dst = corpus.join(f);
        std::fs::create_dir_all(&dst).unwrap();
        for e in std::fs::read_dir(src).unwrap().flatten() {
            std::fs::copy(e.path(), dst.join(e.file_name())).unwrap();
        }
    }
    let state = t.path().join("state");
    let night = |id: &str| {
        callscore(&[
            "run",
            corpus.to_str().unwrap(),
            "--rules",
            root().join("rules").to_str().unwrap(),
            "--state",
            state.to_str().unwrap(),
            "--quiet",
            "--parquet",
            "--run-id",
            id,
        ])
    };
    night("n1");
    let f = corpus.join("native/batch.jsonl");
    let text = std::fs::read_to_string(&f).unwrap();
    std::fs::write(&f, text.replacen("Thank you", "Thanks a lot", 1)).unwrap();
    night("n2");
    for run in ["n1", "n2"] {
        let dir = state.join("runs").join(run);
        let got = dump(&py, &dir);
        let (_, recs) = lines(&dir);
        let ids: Vec<&Value> = got["calls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| &r["call_id"])
            .collect();
        let want: Vec<&Value> = recs.iter().map(|r| &r["call_id"]).collect();
        assert_eq!(
            ids, want,
            "{run}: calls.parquet holds the calls of calls.jsonl"
        );
        assert!(!want.is_empty());
        let n_items: usize = recs
            .iter()
            .map(|r| r["qa"]["items"].as_array().unwrap().len())
            .sum();
        assert_eq!(got["items"].as_array().unwrap().len(), n_items, "{run}");
    }
}
