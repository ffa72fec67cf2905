//! `callscore run` → `aggregates.json` → `callscore report` on the sample corpus: the
//! numbers in the CSV tables are checked against values computed here from
//! `calls.jsonl`, and two runs over halves of the corpus give the same tables as one run
//! over all of it.

use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
mod common;
use common::{callscore, fixture, read_jsonl, root};

/// Items given human results in the test's metadata.
const HUMAN_ITEMS: [&str; 2] = ["recording_disclosure", "closing_thanks"];

/// The human result planted for data row `i` of metadata.csv.
fn human_value(item: &str, i: usize) -> &'static str {
    match item {
        "recording_disclosure" if i.is_multiple_of(5) => "fail",
        "recording_disclosure" if i % 7 == 3 => "n/a",
        "recording_disclosure" => "pass",
        _ if i == 1 => "maybe",
        _ if i.is_multiple_of(2) => "pass",
        _ => "fail",
    }
}

/// A copy of the sample corpus with `human_<item>` columns in metadata.csv and one
/// unreadable file in `native/`.
fn corpus_copy(dir: &Path) -> PathBuf {
    let src = root().join("corpus");
    let dst = dir.join("corpus");
    for e in walkdir::WalkDir::new(&src) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(&src).unwrap();
        let to = dst.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
    let meta = std::fs::read_to_string(src.join("metadata.csv")).unwrap();
    let mut out = String::new();
    for (i, line) in meta.lines().enumerate() {
        out.push_str(line);
        for item in HUMAN_ITEMS {
            out.push(',');
            out.push_str(&if i == 0 {
                format!("human_{item}")
            } else {
                human_value(item, i - 1).to_string()
            });
        }
        out.push('\n');
    }
    std::fs::write(dst.join("metadata.csv"), out).unwrap();
    std::fs::copy(
        fixture("bad/truncated.json"),
        dst.join("native/zz-truncated.json"),
    )
    .unwrap();
    dst
}

fn run(inputs: &[PathBuf], metadata: Option<&Path>, out: &Path) {
    let mut cmd = callscore();
    cmd.arg("run")
        .args(inputs)
        .arg("--out")
        .arg(out)
        .arg("--quiet");
    if let Some(m) = metadata {
        cmd.arg("--metadata").arg(m);
    }
    let o = cmd.output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(3),
        "one unreadable input: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(out.join("aggregates.json").is_file());
}

fn report(inputs: &[&Path], out: &Path, extra: &[&str]) -> std::process::Output {
    callscore()
        .arg("report")
        .args(inputs)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

/// Rows of `DIR/<id>.csv` as column → value maps.
fn table(dir: &Path, id: &str) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(dir.join(format!("{id}.csv"))).unwrap();
    let head: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            head.iter()
                .cloned()
                .zip(rec.iter().map(String::from))
                .collect()
        })
        .collect()
}

fn row<'a>(t: &'a [HashMap<String, String>], key: &[(&str, &str)]) -> &'a HashMap<String, String> {
    t.iter()
        .find(|r| key.iter().all(|(k, v)| r[*k] == *v))
        .unwrap_or_else(|| panic!("no row {key:?}"))
}

fn f(r: &HashMap<String, String>, col: &str) -> f64 {
    r[col]
        .parse()
        .unwrap_or_else(|_| panic!("{col} = {:?} is not a number", r[col]))
}

/// `got` is `want` rounded to `dp` decimals.
fn close(got: f64, want: f64, dp: i32, what: &str) {
    let half = 0.5 * 10f64.powi(-dp) + 1e-9;
    assert!(
        (got - want).abs() <= half,
        "{what}: got {got}, computed {want}"
    );
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// What the test needs of a record.
struct Rec<'a> {
    v: &'a Value,
    day: String,
    minute: i64,
}

impl Rec<'_> {
    fn meta(&self, k: &str) -> &Value {
        &self.v["metadata"][k]
    }
    fn agent(&self) -> &str {
        self.meta("agent").as_str().unwrap()
    }
    fn qa(&self) -> f64 {
        self.v["qa"]["score"].as_f64().unwrap()
    }
    fn item(&self, id: &str) -> &str {
        self.v["qa"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap()["result"]
            .as_str()
            .unwrap()
    }
}

fn recs(records: &[Value]) -> Vec<Rec<'_>> {
    records
        .iter()
        .map(|v| {
            let ts: jiff::Timestamp = v["metadata"]["started_at"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            Rec {
                v,
                day: ts.to_string()[..10].to_string(),
                minute: ts.as_second() / 60,
            }
        })
        .collect()
}

#[test]
fn report_numbers_match_the_calls_and_split_runs_merge_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = corpus_copy(tmp.path());
    let full = tmp.path().join("full");
    run(std::slice::from_ref(&corpus), None, &full);
    let records = read_jsonl(&full.join("calls.jsonl"));
    assert_eq!(records.len(), 67);
    let rs = recs(&records);

    let dash = tmp.path().join("dash");
    let o = report(&[&full], &dash, &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        std::fs::read_to_string(dash.join("dashboard.html"))
            .unwrap()
            .contains("QA dashboard")
    );

    // Totals: every call, one unreadable input.
    let totals = &table(&dash, "overview_totals")[0];
    assert_eq!(totals["calls_scored"], "67");
    assert_eq!(totals["errors"], "1");
    close(f(totals, "coverage"), 67.0 / 68.0, 4, "coverage");
    close(
        f(totals, "mean_qa"),
        mean(&rs.iter().map(Rec::qa).collect::<Vec<_>>()),
        2,
        "mean_qa",
    );
    let auto = rs.iter().filter(|r| r.v["qa"]["auto_fail"] == true).count();
    close(
        f(totals, "auto_fail_rate"),
        auto as f64 / 67.0,
        4,
        "auto_fail_rate",
    );

    // Per day: calls and CSAT.
    let mut by_day: BTreeMap<&str, Vec<&Rec>> = BTreeMap::new();
    for r in &rs {
        by_day.entry(&r.day).or_default().push(r);
    }
    let daily = table(&dash, "overview_daily");
    assert_eq!(daily.len(), by_day.len());
    for (day, list) in &by_day {
        let row = row(&daily, &[("day", day)]);
        assert_eq!(row["calls_scored"], list.len().to_string(), "{day}");
        let csat: Vec<f64> = list
            .iter()
            .map(|r| r.meta("csat").as_f64().unwrap())
            .collect();
        close(f(row, "csat_mean"), mean(&csat), 2, "csat_mean");
    }

    // Per agent.
    let mut by_agent: BTreeMap<&str, Vec<&Rec>> = BTreeMap::new();
    for r in &rs {
        by_agent.entry(r.agent()).or_default().push(r);
    }
    let agents = table(&dash, "agent_period");
    assert_eq!(agents.len(), by_agent.len());
    for (agent, list) in &by_agent {
        let row = row(&agents, &[("agent", agent)]);
        assert_eq!(row["calls"], list.len().to_string());
        close(
            f(row, "mean_qa"),
            mean(&list.iter().map(|r| r.qa()).collect::<Vec<_>>()),
            2,
            agent,
        );
        let fails = list
            .iter()
            .filter(|r| r.v["qa"]["auto_fail"] == true)
            .count();
        assert_eq!(row["auto_fails"], fails.to_string());
    }

    // Item fail rates.
    let items = table(&dash, "item_rates");
    for it in records[0]["qa"]["items"].as_array().unwrap() {
        let id = it["id"].as_str().unwrap();
        let applicable = rs.iter().filter(|r| r.item(id) != "n/a").count();
        let fails = rs.iter().filter(|r| r.item(id) == "fail").count();
        let row = row(&items, &[("item", id)]);
        assert_eq!(row["applicable"], applicable.to_string(), "{id}");
        assert_eq!(row["fails"], fails.to_string(), "{id}");
    }

    // Drivers.
    let drivers = table(&dash, "driver_period");
    let mut by_driver: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &rs {
        *by_driver
            .entry(r.v["drivers"]["primary"].as_str().unwrap_or("(none)"))
            .or_default() += 1;
    }
    for (d, n) in &by_driver {
        let row = row(&drivers, &[("driver", d)]);
        assert_eq!(row["calls"], n.to_string(), "{d}");
        close(f(row, "share"), *n as f64 / 67.0, 4, d);
    }

    // Repeat contacts, 7 days, attributed to the agent of the first contact.
    let mut contacts: Vec<(&str, i64, &str)> = rs
        .iter()
        .map(|r| (r.meta("customer_id").as_str().unwrap(), r.minute, r.agent()))
        .collect();
    contacts.sort();
    let mut rep: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
    let mut i = 0;
    while i < contacts.len() {
        let (cust, start, agent) = contacts[i];
        let mut j = i + 1;
        while j < contacts.len() && contacts[j].0 == cust && contacts[j].1 - start <= 7 * 1440 {
            j += 1;
        }
        let e = rep.entry(agent).or_default();
        e.0 += 1;
        e.1 += u32::from(j > i + 1);
        i = j;
    }
    let repeat = table(&dash, "repeat_agents");
    assert!(
        rep.values().any(|v| v.1 > 0),
        "the corpus has repeat callers"
    );
    for (agent, (first, repeated)) in &rep {
        let row = row(&repeat, &[("agent", agent)]);
        assert_eq!(row["first_contacts"], first.to_string(), "{agent}");
        assert_eq!(row["repeats"], repeated.to_string(), "{agent}");
    }

    // Calibration of recording_disclosure against the planted human results.
    let mut t = [0f64; 4];
    for r in &rs {
        let human = r.meta("extra")["human_recording_disclosure"]
            .as_str()
            .unwrap_or("");
        let cell = match (r.item("recording_disclosure"), human) {
            ("fail", "fail") => 0,
            ("fail", "pass") => 1,
            ("pass", "fail") => 2,
            ("pass", "pass") => 3,
            _ => continue,
        };
        t[cell] += 1.0;
    }
    let n: f64 = t.iter().sum();
    let po = (t[0] + t[3]) / n;
    let pe = ((t[0] + t[1]) * (t[0] + t[2]) + (t[2] + t[3]) * (t[1] + t[3])) / (n * n);
    let calib = table(&dash, "calibration_items");
    let rd = row(&calib, &[("item", "recording_disclosure")]);
    assert_eq!(rd["pairs"], n.to_string());
    close(f(rd, "kappa"), (po - pe) / (1.0 - pe), 4, "kappa");

    // QA vs CSAT quadrants: medians over agents.
    let means: Vec<(&str, f64, f64)> = by_agent
        .iter()
        .map(|(a, l)| {
            let csat: Vec<f64> = l.iter().map(|r| r.meta("csat").as_f64().unwrap()).collect();
            (
                *a,
                mean(&l.iter().map(|r| r.qa()).collect::<Vec<_>>()),
                mean(&csat),
            )
        })
        .collect();
    let med = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let n = v.len();
        if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        }
    };
    let mq = med(means.iter().map(|m| m.1).collect());
    let mc = med(means.iter().map(|m| m.2).collect());
    let quads = table(&dash, "qa_csat_agents");
    for (a, q, c) in &means {
        let want = format!(
            "{}_qa_{}_csat",
            if *q >= mq { "high" } else { "low" },
            if *c >= mc { "high" } else { "low" }
        );
        assert_eq!(row(&quads, &[("agent", a)])["quadrant"], want, "{a}");
    }

    // Two runs over halves of the corpus, merged by `report`: the same tables.
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let meta = corpus.join("metadata.csv");
    run(
        &["aws", "ccai", "native"].map(|d| corpus.join(d)),
        Some(&meta),
        &a,
    );
    let halves: Vec<PathBuf> = ["subtitles", "text", "whisper"]
        .map(|d| corpus.join(d))
        .to_vec();
    let o = callscore()
        .arg("run")
        .args(&halves)
        .arg("--metadata")
        .arg(&meta)
        .arg("--out")
        .arg(&b)
        .arg("--quiet")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let merged = tmp.path().join("merged");
    let o = report(&[&b, &a.join("aggregates.json")], &merged, &[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let mut compared = 0;
    for e in std::fs::read_dir(&dash).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "csv") {
            let name = p.file_name().unwrap();
            assert_eq!(
                std::fs::read_to_string(&p).unwrap(),
                std::fs::read_to_string(merged.join(name)).unwrap(),
                "{name:?}"
            );
            compared += 1;
        }
    }
    assert!(compared >= 21, "every table compared ({compared})");
}

#[test]
fn date_range_gives_trends_against_the_previous_period() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = corpus_copy(tmp.path());
    let out = tmp.path().join("run");
    run(&[corpus], None, &out);
    let records = read_jsonl(&out.join("calls.jsonl"));
    let rs = recs(&records);
    let dash = tmp.path().join("dash");
    let o = report(
        &[&out],
        &dash,
        &["--from", "2026-11-05", "--to", "2026-11-08", "--lang", "zh"],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let agents = table(&dash, "agent_period");
    let mut checked = 0;
    for r in &agents {
        let agent = r["agent"].as_str();
        let of = |lo: &str, hi: &str| -> Vec<f64> {
            rs.iter()
                .filter(|x| x.agent() == agent && x.day.as_str() >= lo && x.day.as_str() <= hi)
                .map(Rec::qa)
                .collect()
        };
        let (now, before) = (
            of("2026-11-05", "2026-11-08"),
            of("2026-11-01", "2026-11-04"),
        );
        assert_eq!(r["calls"], now.len().to_string(), "{agent}");
        if before.is_empty() {
            assert_eq!(r["trend"], "", "{agent}");
            continue;
        }
        close(f(r, "prev_mean_qa"), mean(&before), 2, agent);
        let want = (mean(&now) * 100.0).round() / 100.0 - (mean(&before) * 100.0).round() / 100.0;
        close(f(r, "trend"), want, 2, agent);
        checked += 1;
    }
    assert!(checked >= 5, "most agents worked in both periods");
    let daily = table(&dash, "overview_daily");
    assert_eq!(daily.first().unwrap()["day"], "2026-11-05");
    assert!(!table(&dash, "item_movers").is_empty());
}

#[test]
fn report_errors_name_the_file_and_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let dash = tmp.path().join("dash");
    // A folder without aggregates.json.
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let o = report(&[&empty], &dash, &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("has no aggregates.json") && err.contains("empty"),
        "{err}"
    );
    // Another kind of file.
    let other = tmp.path().join("summary.json");
    std::fs::write(&other, r#"{"type":"summary","counts":{}}"#).unwrap();
    let o = report(&[&other], &dash, &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("summary.json") && err.contains("not an aggregates file"),
        "{err}"
    );
    // Another format version.
    let v9 = tmp.path().join("v9.json");
    std::fs::write(&v9, r#"{"type":"aggregates","version":9,"packs":[]}"#).unwrap();
    let o = report(&[&v9], &dash, &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err.contains("v9.json") && err.contains("format version 9"),
        "{err}"
    );
    // A bad date.
    let o = report(&[&v9], &dash, &["--from", "2026-02-30"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("bad --from value \"2026-02-30\""));
    assert!(!dash.exists(), "nothing written on errors");
}
