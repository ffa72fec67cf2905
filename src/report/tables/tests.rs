//! Tables computed from small hand-made sets of calls, checked against values worked out
//! by hand in the comments.

use super::*;
use crate::aggregate::tests::{facts, test_meta};
use crate::aggregate::{Aggregates, CallFacts};
use crate::record::Outcome;
use crate::report::select::select;

fn report_of(list: &[CallFacts], errors: u32, opts: &ReportOptions) -> Report {
    let mut a = Aggregates::for_meta(test_meta("h1", "1.0"));
    for f in list {
        a.add(f);
    }
    for _ in 0..errors {
        a.add_error();
    }
    compute(select(a, &opts.pack).unwrap(), opts, 0)
}

/// The cell of column `col` in the first row of `table` whose column `key` is `value`.
fn cell<'r>(r: &'r Report, table: &str, key: &str, value: &str, col: &str) -> &'r Cell {
    let t = r.table(table).unwrap_or_else(|| panic!("no table {table}"));
    let k = t.columns.iter().position(|c| c == key).unwrap();
    let c = t
        .columns
        .iter()
        .position(|c| c == col)
        .unwrap_or_else(|| panic!("{table} has no column {col}"));
    let row = t
        .rows
        .iter()
        .find(|row| row[k] == Cell::Text(value.into()))
        .unwrap_or_else(|| panic!("{table}: no row with {key} = {value}: {:?}", t.rows));
    &row[c]
}

fn n(x: f64) -> Cell {
    Cell::Num(Some(x))
}

fn call(id: &str, day: &str, agent: &str, team: &str, qa: f64) -> CallFacts {
    let mut f = facts(id, day, 10, team, agent);
    f.qa = Some((qa * 1000.0) as i64);
    f
}

fn d(s: &str) -> Option<Day> {
    Day::parse(s)
}

#[test]
fn per_agent_means_ranks_and_worst_items() {
    let mut list = vec![
        // ann (north): 80, 90, 100 → mean 90; one auto-fail
        call("a1", "2026-11-02", "ann", "north", 80.0),
        call("a2", "2026-11-02", "ann", "north", 90.0),
        call("a3", "2026-11-03", "ann", "north", 100.0),
        // bob (north): 95 → rank 1 in north
        call("b1", "2026-11-03", "bob", "north", 95.0),
        // cat (south): 50
        call("c1", "2026-11-03", "cat", "south", 50.0),
    ];
    list[0].auto_fail = true;
    // ann fails item verify on a1 and a2 (2 of 3 → 0.6667), item close on a2 (1 of 3),
    // item greet n/a on a3 (0 of 2).
    list[0].items = vec![Outcome::Pass, Outcome::Fail, Outcome::Pass, Outcome::Pass];
    list[1].items = vec![Outcome::Pass, Outcome::Fail, Outcome::Fail, Outcome::Pass];
    list[2].items = vec![Outcome::Na, Outcome::Pass, Outcome::Pass, Outcome::Pass];
    let r = report_of(&list, 0, &ReportOptions::default());
    assert_eq!(
        cell(&r, "agent_period", "agent", "ann", "calls"),
        &Cell::Int(3)
    );
    assert_eq!(
        cell(&r, "agent_period", "agent", "ann", "mean_qa"),
        &n(90.0)
    );
    assert_eq!(
        cell(&r, "agent_period", "agent", "ann", "auto_fails"),
        &Cell::Int(1)
    );
    assert_eq!(
        cell(&r, "agent_period", "agent", "bob", "rank_in_team"),
        &Cell::Int(1)
    );
    assert_eq!(
        cell(&r, "agent_period", "agent", "ann", "rank_in_team"),
        &Cell::Int(2)
    );
    assert_eq!(
        cell(&r, "agent_period", "agent", "cat", "rank_in_team"),
        &Cell::Int(1)
    );
    assert_eq!(
        cell(&r, "agent_period", "agent", "ann", "worst_items"),
        &Cell::Text("verify:0.6667;close:0.3333".into())
    );
    assert_eq!(
        cell(&r, "agent_period", "agent", "ann", "example_calls"),
        &Cell::Text("a1;a2".into())
    );
    // no previous period in the data: no trend
    assert_eq!(
        cell(&r, "agent_period", "agent", "ann", "trend"),
        &Cell::Num(None)
    );
    // agent_daily: ann on 11-02 = (80 + 90) / 2
    let t = r.table("agent_daily").unwrap();
    let row = t
        .rows
        .iter()
        .find(|r| r[0] == Cell::Text("2026-11-02".into()) && r[2] == Cell::Text("ann".into()))
        .unwrap();
    assert_eq!(row[4], n(85.0));
    assert_eq!(t.columns.last().unwrap(), "section_opening");
    // item_rates: verify 2 fails of 3 applicable over everyone (b1, c1 pass it too) → 2/5
    assert_eq!(
        cell(&r, "item_rates", "item", "verify", "applicable"),
        &Cell::Int(5)
    );
    assert_eq!(
        cell(&r, "item_rates", "item", "verify", "fail_rate"),
        &n(0.4)
    );
    assert_eq!(cell(&r, "item_team", "team", "south", "fail_rate"), &n(0.0));
    // overview: 5 calls, mean (80+90+100+95+50)/5 = 83, auto-fail rate 1/5
    assert_eq!(
        cell(&r, "overview_totals", "day", "all", "mean_qa"),
        &n(83.0)
    );
    assert_eq!(
        cell(&r, "overview_totals", "day", "all", "auto_fail_rate"),
        &n(0.2)
    );
    assert_eq!(
        cell(&r, "overview_daily", "day", "2026-11-03", "calls_scored"),
        &Cell::Int(3)
    );
}

#[test]
fn trend_compares_with_the_previous_period_of_equal_length() {
    let mut list = vec![
        // previous period (11-01 … 11-02): ann 60 and 70 → 65
        call("p1", "2026-11-01", "ann", "t", 60.0),
        call("p2", "2026-11-02", "ann", "t", 70.0),
        // period (11-03 … 11-04): ann 80 → trend +15
        call("c1", "2026-11-04", "ann", "t", 80.0),
        // outside both
        call("x1", "2026-10-20", "ann", "t", 0.0),
    ];
    // item close: previous 1 fail of 2 (0.5), now 0 of 1 → change −0.5
    list[0].items[2] = Outcome::Fail;
    let opts = ReportOptions {
        from: d("2026-11-03"),
        to: d("2026-11-04"),
        ..ReportOptions::default()
    };
    let r = report_of(&list, 0, &opts);
    assert_eq!(r.from.as_deref(), Some("2026-11-03"));
    assert_eq!(
        cell(&r, "agent_period", "agent", "ann", "calls"),
        &Cell::Int(1)
    );
    assert_eq!(
        cell(&r, "agent_period", "agent", "ann", "prev_mean_qa"),
        &n(65.0)
    );
    assert_eq!(cell(&r, "agent_period", "agent", "ann", "trend"), &n(15.0));
    assert_eq!(
        cell(&r, "item_movers", "item", "close", "prev_fail_rate"),
        &n(0.5)
    );
    assert_eq!(cell(&r, "item_movers", "item", "close", "change"), &n(-0.5));
    // the biggest mover comes first
    assert_eq!(
        r.table("item_movers").unwrap().rows[0][0],
        Cell::Text("close".into())
    );
}

#[test]
fn quadrants_and_correlation_over_agents() {
    // (qa, csat): A (90, 2), B (80, 5), C (70, 4), D (60, 3).
    // medians: qa (70 + 80) / 2 = 75, csat (3 + 4) / 2 = 3.5.
    // r: dx = 15, 5, −5, −15; dy = −1.5, 1.5, 0.5, −0.5; Σdxdy = −10, Σdx² = 500,
    // Σdy² = 5 → r = −10 / √2500 = −0.2.
    let list: Vec<CallFacts> = [
        ("A", 90.0, 2.0),
        ("B", 80.0, 5.0),
        ("C", 70.0, 4.0),
        ("D", 60.0, 3.0),
    ]
    .iter()
    .map(|(a, q, s)| {
        let mut f = call(&format!("{a}1"), "2026-11-02", a, "t", *q);
        f.csat = Some((*s * 1000.0) as i64);
        f
    })
    .collect();
    let r = report_of(&list, 0, &ReportOptions::default());
    let q = |a: &str| cell(&r, "qa_csat_agents", "agent", a, "quadrant").clone();
    assert_eq!(q("A"), Cell::Text("high_qa_low_csat".into()));
    assert_eq!(q("B"), Cell::Text("high_qa_high_csat".into()));
    assert_eq!(q("C"), Cell::Text("low_qa_high_csat".into()));
    assert_eq!(q("D"), Cell::Text("low_qa_low_csat".into()));
    // A's CSAT is low: its example is its low-CSAT call (CSAT 2 ≤ 2)
    assert_eq!(
        cell(&r, "qa_csat_agents", "agent", "A", "example_calls"),
        &Cell::Text("A1".into())
    );
    assert_eq!(
        cell(
            &r,
            "qa_csat_summary",
            "quadrant",
            "low_qa_low_csat",
            "correlation"
        ),
        &n(-0.2)
    );
    assert_eq!(
        cell(
            &r,
            "qa_csat_summary",
            "quadrant",
            "high_qa_high_csat",
            "agents"
        ),
        &Cell::Int(1)
    );
    assert_eq!(
        cell(
            &r,
            "qa_csat_summary",
            "quadrant",
            "high_qa_high_csat",
            "median_qa"
        ),
        &n(75.0)
    );
    // without CSAT the tables are present, empty and say why
    let r = report_of(
        &[call("x", "2026-11-02", "A", "t", 50.0)],
        0,
        &ReportOptions::default(),
    );
    let t = r.table("qa_csat_agents").unwrap();
    assert!(t.rows.is_empty());
    assert_eq!(t.absent.as_deref(), Some("no CSAT in these calls"));
}

#[test]
fn calibration_by_item_and_by_agent() {
    // Item verify: (auto, human) = (F,F) ×2, (F,P) ×1, (P,F) ×1, (P,P) ×4 → n = 8.
    // p_o = 6/8 = 0.75; p_e = (3·3 + 5·5) / 64 = 0.53125;
    // kappa = 0.21875 / 0.46875 = 0.4667; precision 2/3; recall 2/3.
    let cases = [
        (Outcome::Fail, Outcome::Fail),
        (Outcome::Fail, Outcome::Fail),
        (Outcome::Fail, Outcome::Pass),
        (Outcome::Pass, Outcome::Fail),
        (Outcome::Pass, Outcome::Pass),
        (Outcome::Pass, Outcome::Pass),
        (Outcome::Pass, Outcome::Pass),
        (Outcome::Pass, Outcome::Pass),
    ];
    // Human QA vs auto for ann: (80, 70), (90, 100), (60, 60):
    // mean auto 76.67, human 76.67, diff 0, MAE (10 + 10 + 0) / 3 = 6.67.
    let scores = [(80.0, 70.0), (90.0, 100.0), (60.0, 60.0)];
    let list: Vec<CallFacts> = cases
        .iter()
        .enumerate()
        .map(|(i, (auto, human))| {
            let mut f = call(&format!("c{i}"), "2026-11-02", "ann", "t", 50.0);
            f.items[1] = *auto;
            f.human_items = vec![("verify".into(), *human)];
            if let Some((a, h)) = scores.get(i) {
                f.qa = Some((a * 1000.0) as i64);
                f.human_qa = Some((h * 1000.0) as i64);
            }
            f
        })
        .collect();
    let r = report_of(&list, 0, &ReportOptions::default());
    assert_eq!(
        cell(&r, "calibration_items", "item", "verify", "pairs"),
        &Cell::Int(8)
    );
    assert_eq!(
        cell(&r, "calibration_items", "item", "verify", "agree"),
        &Cell::Int(6)
    );
    assert_eq!(
        cell(&r, "calibration_items", "item", "verify", "kappa"),
        &n(0.4667)
    );
    assert_eq!(
        cell(&r, "calibration_items", "item", "verify", "precision"),
        &n(0.6667)
    );
    assert_eq!(
        cell(&r, "calibration_items", "item", "verify", "recall"),
        &n(0.6667)
    );
    assert_eq!(
        cell(&r, "calibration_agents", "agent", "ann", "pairs"),
        &Cell::Int(3)
    );
    assert_eq!(
        cell(&r, "calibration_agents", "agent", "ann", "mean_auto"),
        &n(76.67)
    );
    assert_eq!(
        cell(&r, "calibration_agents", "agent", "ann", "mean_diff"),
        &n(0.0)
    );
    assert_eq!(
        cell(&r, "calibration_agents", "agent", "ann", "mae"),
        &n(6.67)
    );
    // r over (80,70), (90,100), (60,60): dx = 3.33, 13.33, −16.67; dy = −6.67, 23.33,
    // −16.67 → Σdxdy = 566.67, Σdx² = 466.67, Σdy² = 866.67 → r = 566.67 / 635.96 = 0.891
    assert_eq!(
        cell(&r, "calibration_agents", "agent", "ann", "correlation"),
        &n(0.891)
    );
}

#[test]
fn self_score_gap_marks_over_raters() {
    let mut a = call("a", "2026-11-02", "ann", "t", 70.0);
    a.self_score = Some(85_000);
    let mut b = call("b", "2026-11-02", "bob", "t", 80.0);
    b.self_score = Some(85_000);
    let r = report_of(&[a, b], 0, &ReportOptions::default());
    assert_eq!(
        cell(&r, "self_score_agents", "agent", "ann", "gap"),
        &n(15.0)
    );
    assert_eq!(
        cell(&r, "self_score_agents", "agent", "ann", "over_rater"),
        &Cell::Text("true".into())
    );
    assert_eq!(
        cell(&r, "self_score_agents", "agent", "bob", "over_rater"),
        &Cell::Text("false".into())
    );
}

#[test]
fn driver_spike_against_fourteen_days_of_baseline() {
    // billing/refund: 2 calls a day on 11-01 … 11-14 (baseline median 2, MAD 0,
    // mean deviation 0 → scale floored at 1), then 9 calls on 11-15: z = (9 − 2) / 1 = 7.
    // tech/outage: 2 a day throughout, 3 on 11-15 → z = 1: no spike.
    let mut list = Vec::new();
    for day in 1..=15 {
        let date = format!("2026-11-{day:02}");
        let refunds = if day == 15 { 9 } else { 2 };
        for k in 0..refunds {
            let mut f = call(&format!("r{day}-{k}"), &date, "ann", "t", 90.0);
            f.driver = Some("billing/refund".into());
            list.push(f);
        }
        for k in 0..(if day == 15 { 3 } else { 2 }) {
            let mut f = call(&format!("o{day}-{k}"), &date, "ann", "t", 90.0);
            f.driver = Some("tech/outage".into());
            list.push(f);
        }
    }
    let opts = ReportOptions {
        from: d("2026-11-15"),
        to: d("2026-11-15"),
        ..ReportOptions::default()
    };
    let r = report_of(&list, 0, &opts);
    let t = r.table("driver_spikes").unwrap();
    assert_eq!(t.rows.len(), 1, "{:?}", t.rows);
    assert_eq!(
        cell(&r, "driver_spikes", "driver", "billing/refund", "calls"),
        &Cell::Int(9)
    );
    assert_eq!(
        cell(
            &r,
            "driver_spikes",
            "driver",
            "billing/refund",
            "baseline_median"
        ),
        &n(2.0)
    );
    assert_eq!(
        cell(&r, "driver_spikes", "driver", "billing/refund", "robust_z"),
        &n(7.0)
    );
    assert_eq!(
        cell(
            &r,
            "driver_spikes",
            "driver",
            "billing/refund",
            "example_calls"
        ),
        &Cell::Text("r15-0;r15-1;r15-2".into())
    );
    // department_daily sums drivers of one department
    assert_eq!(
        cell(&r, "department_daily", "department", "billing", "calls"),
        &Cell::Int(9)
    );
    // With only 6 days before, nothing is tested and the table says why.
    let short = ReportOptions {
        from: d("2026-11-07"),
        to: d("2026-11-07"),
        ..ReportOptions::default()
    };
    let r = report_of(&list[..], 0, &short);
    let t = r.table("driver_spikes").unwrap();
    assert!(t.rows.is_empty());
    assert!(
        t.absent
            .as_deref()
            .unwrap()
            .contains("no day of the period has 7 days")
    );
}

#[test]
fn repeat_tables_and_fcr_from_contacts() {
    let mut list = Vec::new();
    for (id, day, agent, cust) in [
        ("c1", "2026-11-02", "ann", 1),
        ("c2", "2026-11-05", "bob", 1), // repeat of c1 (3 days)
        ("c3", "2026-11-02", "ann", 2),
        ("c4", "2026-11-03", "bob", 3),
    ] {
        let mut f = call(id, day, agent, "t", 90.0);
        f.customer = Some(cust);
        f.driver = Some("billing/refund".into());
        list.push(f);
    }
    let r = report_of(&list, 0, &ReportOptions::default());
    // ann: first contacts c1, c3; c1 repeated → 1/2
    assert_eq!(
        cell(&r, "repeat_agents", "agent", "ann", "first_contacts"),
        &Cell::Int(2)
    );
    assert_eq!(
        cell(&r, "repeat_agents", "agent", "ann", "repeat_rate"),
        &n(0.5)
    );
    assert_eq!(
        cell(&r, "repeat_agents", "agent", "ann", "example_calls"),
        &Cell::Text("c1".into())
    );
    assert_eq!(
        cell(&r, "repeat_agents", "agent", "bob", "repeats"),
        &Cell::Int(0)
    );
    assert_eq!(
        cell(
            &r,
            "repeat_drivers",
            "driver",
            "billing/refund",
            "first_contacts"
        ),
        &Cell::Int(3)
    );
    // FCR on 11-02: 2 first contacts, 1 repeated → 0.5; totals 1 − 1/3
    assert_eq!(
        cell(&r, "overview_daily", "day", "2026-11-02", "fcr_rate"),
        &n(0.5)
    );
    assert_eq!(
        cell(&r, "overview_totals", "day", "all", "fcr_rate"),
        &n(0.6667)
    );
}

#[test]
fn coverage_unknown_days_and_missing_data() {
    let mut undated = call("u1", "2026-11-02", "ann", "t", 40.0);
    undated.minute = None;
    let list = [call("a1", "2026-11-02", "ann", "t", 80.0), undated];
    let r = report_of(&list, 2, &ReportOptions::default());
    // totals: 2 scored (one undated) + 2 errors = 4 found, coverage 0.5, mean (80+40)/2
    assert_eq!(
        cell(&r, "overview_totals", "day", "all", "calls_found"),
        &Cell::Int(4)
    );
    assert_eq!(
        cell(&r, "overview_totals", "day", "all", "coverage"),
        &n(0.5)
    );
    assert_eq!(
        cell(&r, "overview_totals", "day", "all", "mean_qa"),
        &n(60.0)
    );
    // the day only has the dated call, and no error count
    assert_eq!(
        cell(&r, "overview_daily", "day", "2026-11-02", "calls_scored"),
        &Cell::Int(1)
    );
    assert_eq!(
        cell(&r, "overview_daily", "day", "2026-11-02", "errors"),
        &Cell::Num(None)
    );
    assert!(
        r.notes
            .iter()
            .any(|n| n.starts_with("1 calls have no usable start time")),
        "{:?}",
        r.notes
    );
    assert!(
        r.notes
            .iter()
            .any(|n| n.starts_with("2 inputs could not be read"))
    );
    // a range leaves the undated call out
    let opts = ReportOptions {
        from: d("2026-11-02"),
        to: d("2026-11-02"),
        ..ReportOptions::default()
    };
    let r = report_of(&list, 0, &opts);
    assert_eq!(
        cell(&r, "overview_totals", "day", "all", "mean_qa"),
        &n(80.0)
    );
    for id in [
        "calibration_items",
        "calibration_agents",
        "self_score_agents",
        "repeat_agents",
        "sentiment_teams",
    ] {
        let t = r.table(id).unwrap();
        assert!(t.rows.is_empty() && t.absent.is_some(), "{id}");
    }
    // every row has as many cells as columns
    for t in &r.tables {
        assert!(
            t.rows.iter().all(|row| row.len() == t.columns.len()),
            "{}",
            t.id
        );
    }
}
