//! `callscore diff`: what shipping a new rule pack instead of the old one would change on
//! a corpus.
//!
//! Every call is read once and scored with both packs on a worker ([`compare_call`]
//! gives a small [`CallDiff`]: outcomes, drivers, score, and the reasons of the items that
//! changed); the [`Report`] adds the calls up in input order, keeping the first
//! `examples` calls of every change. The batch is [`crate::run::Batch`], so inputs,
//! order, memory and throughput are those of `run` (with twice the scoring work), and the
//! report does not depend on the number of threads.
//!
//! Items and drivers are matched between packs by id; an id only in the new pack is
//! "added", only in the old "removed".

use crate::matcher::{Scan, scan_call};
use crate::record::{CallRecord, Outcome};
use crate::rules::Pack;
use crate::score::{ScoreOptions, fmt_time, round, score_call};
use crate::transcript::Call;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Which items and drivers the two packs share, by id.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Item ids in report order: the new pack's order, then removed items in old order.
    pub items: Vec<(String, Option<usize>, Option<usize>)>,
    /// Driver ids in the same order: (id, old index, new index).
    pub drivers: Vec<(String, Option<usize>, Option<usize>)>,
}

impl Plan {
    /// Match `old` and `new` by id.
    pub fn new(old: &Pack, new: &Pack) -> Self {
        fn pair(old: Vec<&str>, new: Vec<&str>) -> Vec<(String, Option<usize>, Option<usize>)> {
            let mut out: Vec<(String, Option<usize>, Option<usize>)> = new
                .iter()
                .enumerate()
                .map(|(ni, id)| (id.to_string(), old.iter().position(|o| o == id), Some(ni)))
                .collect();
            for (oi, id) in old.iter().enumerate() {
                if !new.contains(id) {
                    out.push((id.to_string(), Some(oi), None));
                }
            }
            out
        }
        Plan {
            items: pair(
                old.items.iter().map(|i| i.id.as_str()).collect(),
                new.items.iter().map(|i| i.id.as_str()).collect(),
            ),
            drivers: pair(
                old.drivers.iter().map(|d| d.id.as_str()).collect(),
                new.drivers.iter().map(|d| d.id.as_str()).collect(),
            ),
        }
    }
}

/// One item of one call under both packs (indexes follow [`Plan::items`]).
#[derive(Debug, Clone)]
pub struct ItemChange {
    /// Index in [`Plan::items`].
    pub item: usize,
    /// Outcome with the old pack (`None`: the item is not in it).
    pub before: Option<Outcome>,
    /// Outcome with the new pack.
    pub after: Option<Outcome>,
    /// Reason with the old pack (only kept when the outcome changed).
    pub before_reason: String,
    /// Reason with the new pack (only kept when the outcome changed).
    pub after_reason: String,
}

/// One call compared.
#[derive(Debug, Clone)]
pub struct CallDiff {
    /// Call id.
    pub call_id: String,
    /// `file` or `file:line`.
    pub source: String,
    /// Team from metadata.
    pub team: Option<String>,
    /// QA score before / after.
    pub score: (Option<f64>, Option<f64>),
    /// Auto-fail before / after.
    pub auto_fail: (bool, bool),
    /// Every item (outcome per pack; reasons only for changed ones).
    pub items: Vec<ItemChange>,
    /// Per [`Plan::drivers`] entry: (matched before, matched after, quote of the new
    /// evidence when gained / the old one when lost).
    pub drivers: Vec<(bool, bool, String)>,
    /// Primary driver before / after.
    pub primary: (Option<String>, Option<String>),
}

/// Score `call` with both packs (scan buffers in `scans`) and compare.
pub fn compare_call(
    plan: &Plan,
    old: &Pack,
    new: &Pack,
    scans: &mut (Scan, Scan),
    call: &Call,
    opts: ScoreOptions,
) -> CallDiff {
    scan_call(old, call, &mut scans.0);
    let a = score_call(old, call, &scans.0, opts);
    scan_call(new, call, &mut scans.1);
    let b = score_call(new, call, &scans.1, opts);
    compare_records(plan, &a, &b)
}

/// Compare two records of the same call.
pub fn compare_records(plan: &Plan, a: &CallRecord, b: &CallRecord) -> CallDiff {
    let items = plan
        .items
        .iter()
        .enumerate()
        .map(|(k, (_, oi, ni))| {
            let ra = oi.and_then(|i| a.qa.items.get(i));
            let rb = ni.and_then(|i| b.qa.items.get(i));
            let (before, after) = (ra.map(|r| r.result), rb.map(|r| r.result));
            let changed = before.is_some() && after.is_some() && before != after;
            ItemChange {
                item: k,
                before,
                after,
                before_reason: if changed {
                    ra.map(|r| r.reason.clone()).unwrap_or_default()
                } else {
                    String::new()
                },
                after_reason: if changed {
                    rb.map(|r| r.reason.clone()).unwrap_or_default()
                } else {
                    String::new()
                },
            }
        })
        .collect();
    let find = |r: &CallRecord, id: &str| r.drivers.matched.iter().find(|d| d.id == id).cloned();
    let drivers = plan
        .drivers
        .iter()
        .map(|(id, _, _)| {
            let (da, db) = (find(a, id), find(b, id));
            let quote = match (&da, &db) {
                (None, Some(d)) | (Some(d), None) => d
                    .evidence
                    .first()
                    .map(|e| {
                        let at = e
                            .start_ms
                            .map(fmt_time)
                            .unwrap_or_else(|| format!("turn {}", e.turn + 1));
                        format!("\"{}\" ({}, {at})", e.matched, e.speaker.as_str())
                    })
                    .unwrap_or_default(),
                _ => String::new(),
            };
            (da.is_some(), db.is_some(), quote)
        })
        .collect();
    let source = match a.source_line {
        Some(l) => format!("{}:{l}", a.source),
        None => a.source.clone(),
    };
    CallDiff {
        call_id: a.call_id.clone(),
        source,
        team: a.metadata.team.clone(),
        score: (a.qa.score, b.qa.score),
        auto_fail: (a.qa.auto_fail, b.qa.auto_fail),
        items,
        drivers,
        primary: (a.drivers.primary.clone(), b.drivers.primary.clone()),
    }
}

/// One example call of a change.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Example {
    /// Call id.
    pub call_id: String,
    /// `file` or `file:line`.
    pub source: String,
    /// With the old pack.
    pub before: String,
    /// With the new pack.
    pub after: String,
}

/// How one item's outcomes moved.
#[derive(Debug, Clone, Serialize, Default)]
pub struct ItemDiff {
    /// Item id.
    pub id: String,
    /// `both`, `added` (only in the new pack) or `removed` (only in the old).
    pub status: &'static str,
    /// Calls per transition, e.g. `pass→fail`; for added / removed items, calls per
    /// outcome in the pack that has it (`→pass`, `fail→`, …).
    pub transitions: BTreeMap<String, u64>,
    /// Calls whose outcome did not change.
    pub unchanged: u64,
    /// The first few calls of each transition.
    pub examples: BTreeMap<String, Vec<Example>>,
}

impl ItemDiff {
    fn count(&self, key: &str) -> u64 {
        self.transitions.get(key).copied().unwrap_or(0)
    }
}

/// How one driver moved.
#[derive(Debug, Clone, Serialize, Default)]
pub struct DriverDiff {
    /// Driver id.
    pub id: String,
    /// `both`, `added` or `removed`.
    pub status: &'static str,
    /// Calls with the driver before.
    pub before: u64,
    /// Calls with the driver after.
    pub after: u64,
    /// Calls that gained it.
    pub gained: u64,
    /// Calls that lost it.
    pub lost: u64,
    /// The first few calls that gained it.
    pub gained_examples: Vec<Example>,
    /// The first few calls that lost it.
    pub lost_examples: Vec<Example>,
}

/// The QA score distribution of one team before and after.
#[derive(Debug, Clone, Serialize, Default)]
pub struct TeamDiff {
    /// Calls compared.
    pub calls: u64,
    /// Mean QA score with the old pack (calls with a score).
    pub mean_before: Option<f64>,
    /// Mean with the new pack.
    pub mean_after: Option<f64>,
    /// Calls that became auto-failed.
    pub auto_fail_gained: u64,
    /// Calls no longer auto-failed.
    pub auto_fail_cleared: u64,
    /// Calls per 10-point bucket (0–9, 10–19, …, 90–100) before.
    pub histogram_before: [u64; 10],
    /// The same after.
    pub histogram_after: [u64; 10],
    #[serde(skip)]
    sum: (f64, f64),
    #[serde(skip)]
    scored: (u64, u64),
}

/// The whole comparison.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Report {
    /// Always `"diff"`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Old pack `name@version (hash)`.
    pub old_rules: String,
    /// New pack.
    pub new_rules: String,
    /// Calls scored with both packs.
    pub calls: u64,
    /// Calls where any item outcome, driver, primary driver or auto-fail changed.
    pub calls_changed: u64,
    /// Inputs that could not be read (not compared).
    pub input_errors: u64,
    /// Per item, in the new pack's order, then removed items.
    pub items: Vec<ItemDiff>,
    /// Per driver.
    pub drivers: Vec<DriverDiff>,
    /// Calls whose primary driver changed.
    pub primary_changed: u64,
    /// `old → new` primary-driver moves with their counts (`none` for no driver).
    pub primary_moves: BTreeMap<String, u64>,
    /// The first few calls whose primary driver changed.
    pub primary_examples: Vec<Example>,
    /// Per team (`(no team)` when metadata has none), and `*` for all calls.
    pub teams: BTreeMap<String, TeamDiff>,
    /// Examples kept per change.
    pub examples_per_change: usize,
}

const ALL_TEAMS: &str = "*";
const NO_TEAM: &str = "(no team)";

fn outcome_str(o: Option<Outcome>) -> &'static str {
    o.map_or("", Outcome::as_str)
}

fn bucket(score: f64) -> usize {
    ((score.max(0.0) / 10.0).floor() as usize).min(9)
}

impl Report {
    /// An empty report for `plan` between `old` and `new`.
    pub fn new(plan: &Plan, old: &Pack, new: &Pack, examples: usize) -> Self {
        let label = |p: &Pack| format!("{} ({})", p.label(), &p.hash[..12.min(p.hash.len())]);
        Report {
            old_rules: label(old),
            new_rules: label(new),
            ..Report::for_plan(plan, examples)
        }
    }

    /// An empty report for `plan`, without pack labels.
    pub fn for_plan(plan: &Plan, examples: usize) -> Self {
        let status = |o: &Option<usize>, n: &Option<usize>| match (o, n) {
            (Some(_), Some(_)) => "both",
            (None, _) => "added",
            (_, None) => "removed",
        };
        Report {
            kind: "diff",
            items: plan
                .items
                .iter()
                .map(|(id, o, n)| ItemDiff {
                    id: id.clone(),
                    status: status(o, n),
                    ..Default::default()
                })
                .collect(),
            drivers: plan
                .drivers
                .iter()
                .map(|(id, o, n)| DriverDiff {
                    id: id.clone(),
                    status: status(o, n),
                    ..Default::default()
                })
                .collect(),
            examples_per_change: examples,
            ..Default::default()
        }
    }

    /// Add one compared call (calls must come in input order for stable examples).
    pub fn add(&mut self, d: &CallDiff) {
        let n = self.examples_per_change;
        self.calls += 1;
        let mut changed = d.auto_fail.0 != d.auto_fail.1 || d.primary.0 != d.primary.1;
        for c in &d.items {
            let it = &mut self.items[c.item];
            let key = match (c.before, c.after) {
                (Some(a), Some(b)) if a == b => {
                    it.unchanged += 1;
                    continue;
                }
                (a, b) => format!("{}→{}", outcome_str(a), outcome_str(b)),
            };
            *it.transitions.entry(key.clone()).or_default() += 1;
            if it.status == "both" {
                changed = true;
                let ex = it.examples.entry(key).or_default();
                if ex.len() < n {
                    ex.push(Example {
                        call_id: d.call_id.clone(),
                        source: d.source.clone(),
                        before: c.before_reason.clone(),
                        after: c.after_reason.clone(),
                    });
                }
            }
        }
        for (dd, (before, after, quote)) in self.drivers.iter_mut().zip(&d.drivers) {
            dd.before += *before as u64;
            dd.after += *after as u64;
            let (list, count, b, a) = match (before, after) {
                (false, true) => (
                    &mut dd.gained_examples,
                    &mut dd.gained,
                    "not found".to_string(),
                    format!("found: {quote}"),
                ),
                (true, false) => (
                    &mut dd.lost_examples,
                    &mut dd.lost,
                    format!("found: {quote}"),
                    "not found".to_string(),
                ),
                _ => continue,
            };
            *count += 1;
            changed = true;
            if list.len() < n {
                list.push(Example {
                    call_id: d.call_id.clone(),
                    source: d.source.clone(),
                    before: b,
                    after: a,
                });
            }
        }
        if d.primary.0 != d.primary.1 {
            self.primary_changed += 1;
            let name = |p: &Option<String>| p.clone().unwrap_or_else(|| "none".into());
            let (b, a) = (name(&d.primary.0), name(&d.primary.1));
            *self.primary_moves.entry(format!("{b} → {a}")).or_default() += 1;
            if self.primary_examples.len() < n {
                self.primary_examples.push(Example {
                    call_id: d.call_id.clone(),
                    source: d.source.clone(),
                    before: b,
                    after: a,
                });
            }
        }
        if changed {
            self.calls_changed += 1;
        }
        let team = d.team.clone().unwrap_or_else(|| NO_TEAM.to_string());
        for key in [ALL_TEAMS.to_string(), team] {
            let t = self.teams.entry(key).or_default();
            t.calls += 1;
            if let Some(s) = d.score.0 {
                t.sum.0 += s;
                t.scored.0 += 1;
                t.histogram_before[bucket(s)] += 1;
            }
            if let Some(s) = d.score.1 {
                t.sum.1 += s;
                t.scored.1 += 1;
                t.histogram_after[bucket(s)] += 1;
            }
            match d.auto_fail {
                (false, true) => t.auto_fail_gained += 1,
                (true, false) => t.auto_fail_cleared += 1,
                _ => {}
            }
            t.mean_before = (t.scored.0 > 0).then(|| round(t.sum.0 / t.scored.0 as f64, 1));
            t.mean_after = (t.scored.1 > 0).then(|| round(t.sum.1 / t.scored.1 as f64, 1));
        }
    }

    /// The report as text for people.
    pub fn render_text(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "callscore diff: {} → {}", self.old_rules, self.new_rules);
        let _ = writeln!(
            o,
            "{} calls compared, {} changed{}",
            self.calls,
            self.calls_changed,
            if self.input_errors > 0 {
                format!(
                    "; {} inputs could not be read (not compared)",
                    self.input_errors
                )
            } else {
                String::new()
            }
        );

        let id_w = self
            .items
            .iter()
            .map(|i| i.id.chars().count())
            .chain(self.drivers.iter().map(|d| d.id.chars().count()))
            .max()
            .unwrap_or(0)
            .max(6);
        let _ = writeln!(
            o,
            "\nItems\n  {:<id_w$}  {:>9}  {:>9}  {:>6}  {:>6}  {:>9}",
            "item", "pass→fail", "fail→pass", "→n/a", "n/a→", "unchanged"
        );
        for it in &self.items {
            match it.status {
                "both" => {
                    let _ = writeln!(
                        o,
                        "  {:<id_w$}  {:>9}  {:>9}  {:>6}  {:>6}  {:>9}",
                        it.id,
                        it.count("pass→fail"),
                        it.count("fail→pass"),
                        it.count("pass→n/a") + it.count("fail→n/a"),
                        it.count("n/a→pass") + it.count("n/a→fail"),
                        it.unchanged
                    );
                }
                "added" => {
                    let _ = writeln!(
                        o,
                        "  {:<id_w$}  added: pass {}, fail {}, n/a {}",
                        it.id,
                        it.count("→pass"),
                        it.count("→fail"),
                        it.count("→n/a")
                    );
                }
                _ => {
                    let _ = writeln!(
                        o,
                        "  {:<id_w$}  removed: was pass {}, fail {}, n/a {}",
                        it.id,
                        it.count("pass→"),
                        it.count("fail→"),
                        it.count("n/a→")
                    );
                }
            }
        }

        let _ = writeln!(
            o,
            "\nDrivers\n  {:<id_w$}  {:>6}  {:>6}  {:>6}  {:>6}",
            "driver", "before", "after", "gained", "lost"
        );
        for d in &self.drivers {
            let _ = writeln!(
                o,
                "  {:<id_w$}  {:>6}  {:>6}  {:>6}  {:>6}{}",
                d.id,
                d.before,
                d.after,
                d.gained,
                d.lost,
                match d.status {
                    "added" => "  (added)",
                    "removed" => "  (removed)",
                    _ => "",
                }
            );
        }
        let _ = writeln!(
            o,
            "  primary driver changed on {} call{}",
            self.primary_changed,
            if self.primary_changed == 1 { "" } else { "s" }
        );
        let mut moves: Vec<(&String, &u64)> = self.primary_moves.iter().collect();
        moves.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (m, n) in moves.iter().take(10) {
            let _ = writeln!(o, "    {m}: {n}");
        }

        let _ = writeln!(
            o,
            "\nQA score by team\n  {:<12}  {:>6}  {:>11}  {:>10}  {:>10}  {:>11}",
            "team", "calls", "mean before", "mean after", "auto-fail+", "auto-fail−"
        );
        let mean = |m: Option<f64>| m.map_or_else(|| "n/a".to_string(), |v| format!("{v:.1}"));
        let teams: Vec<(&String, &TeamDiff)> = self
            .teams
            .iter()
            .filter(|(k, _)| k.as_str() != ALL_TEAMS)
            .chain(self.teams.get_key_value(ALL_TEAMS))
            .collect();
        for (name, t) in &teams {
            let label = if name.as_str() == ALL_TEAMS {
                "all"
            } else {
                name.as_str()
            };
            let _ = writeln!(
                o,
                "  {:<12}  {:>6}  {:>11}  {:>10}  {:>10}  {:>11}",
                label,
                t.calls,
                mean(t.mean_before),
                mean(t.mean_after),
                t.auto_fail_gained,
                t.auto_fail_cleared
            );
        }
        let _ = writeln!(o, "  histogram (calls per 10 points: 0–9 10–19 … 90–100)");
        for (name, t) in &teams {
            let label = if name.as_str() == ALL_TEAMS {
                "all"
            } else {
                name.as_str()
            };
            let row = |h: &[u64; 10]| {
                h.iter()
                    .map(|c| format!("{c:>5}"))
                    .collect::<Vec<_>>()
                    .join("")
            };
            let _ = writeln!(o, "  {label:<12} before {}", row(&t.histogram_before));
            let _ = writeln!(o, "  {:<12} after  {}", "", row(&t.histogram_after));
        }

        let mut any = false;
        let mut ex_out = String::new();
        let mut push_examples = |title: String, list: &[Example]| {
            if list.is_empty() {
                return;
            }
            any = true;
            let _ = writeln!(ex_out, "  {title}");
            for e in list {
                let _ = writeln!(ex_out, "    {}  ({})", e.call_id, e.source);
                let _ = writeln!(ex_out, "      before: {}", e.before);
                let _ = writeln!(ex_out, "      after:  {}", e.after);
            }
        };
        for it in &self.items {
            for (k, list) in &it.examples {
                push_examples(format!("{} {k}", it.id), list);
            }
        }
        for d in &self.drivers {
            push_examples(format!("driver {} gained", d.id), &d.gained_examples);
            push_examples(format!("driver {} lost", d.id), &d.lost_examples);
        }
        push_examples("primary driver changed".to_string(), &self.primary_examples);
        if any {
            let _ = writeln!(
                o,
                "\nExamples (first {} per change)",
                self.examples_per_change
            );
            o.push_str(&ex_out);
        } else {
            let _ = writeln!(o, "\nNo item or driver changed on any call.");
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diff(
        items: Vec<(Option<Outcome>, Option<Outcome>)>,
        team: &str,
        score: (f64, f64),
    ) -> CallDiff {
        CallDiff {
            call_id: format!("c{}", score.0),
            source: "f".into(),
            team: Some(team.into()),
            score: (Some(score.0), Some(score.1)),
            auto_fail: (false, score.1 == 0.0),
            items: items
                .into_iter()
                .enumerate()
                .map(|(k, (before, after))| ItemChange {
                    item: k,
                    before,
                    after,
                    before_reason: "b".into(),
                    after_reason: "a".into(),
                })
                .collect(),
            drivers: vec![(false, true, "\"x\"".into())],
            primary: (None, Some("d".into())),
        }
    }

    fn report() -> Report {
        let plan = Plan {
            items: vec![
                ("both".into(), Some(0), Some(0)),
                ("new".into(), None, Some(1)),
                ("old".into(), Some(1), None),
            ],
            drivers: vec![("d".into(), Some(0), Some(0))],
        };
        Report::for_plan(&plan, 1)
    }

    #[test]
    fn counts_transitions_added_removed_teams_and_buckets() {
        use Outcome::*;
        let mut r = report();
        r.add(&diff(
            vec![
                (Some(Pass), Some(Fail)),
                (None, Some(Pass)),
                (Some(Na), None),
            ],
            "t1",
            (100.0, 0.0),
        ));
        r.add(&diff(
            vec![
                (Some(Pass), Some(Fail)),
                (None, Some(Fail)),
                (Some(Pass), None),
            ],
            "t2",
            (55.0, 59.9),
        ));
        r.add(&diff(
            vec![
                (Some(Fail), Some(Fail)),
                (None, Some(Fail)),
                (Some(Pass), None),
            ],
            "t1",
            (9.99, 10.0),
        ));
        assert_eq!(r.calls, 3);
        assert_eq!(r.items[0].count("pass→fail"), 2);
        assert_eq!(r.items[0].unchanged, 1);
        assert_eq!(r.items[0].examples["pass→fail"].len(), 1, "capped at 1");
        assert_eq!(r.items[1].count("→pass"), 1);
        assert_eq!(r.items[1].count("→fail"), 2);
        assert_eq!(r.items[2].count("pass→"), 2);
        assert_eq!(r.items[2].count("n/a→"), 1);
        assert_eq!(r.drivers[0].gained, 3);
        assert_eq!(r.primary_changed, 3);
        let all = &r.teams[ALL_TEAMS];
        assert_eq!(all.histogram_before, [1, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
        assert_eq!(all.histogram_after, [1, 1, 0, 0, 0, 1, 0, 0, 0, 0]);
        assert_eq!(r.teams["t1"].calls, 2);
        assert_eq!(r.teams["t1"].mean_before, Some(55.0));
        assert_eq!(r.teams["t1"].auto_fail_gained, 1);
        let text = r.render_text();
        assert!(text.contains("added: pass 1, fail 2, n/a 0"), "{text}");
        assert!(
            text.contains("removed: was pass 2, fail 0, n/a 1"),
            "{text}"
        );
    }

    #[test]
    fn buckets_are_ten_points_with_100_in_the_last() {
        assert_eq!(bucket(0.0), 0);
        assert_eq!(bucket(9.9), 0);
        assert_eq!(bucket(10.0), 1);
        assert_eq!(bucket(90.0), 9);
        assert_eq!(bucket(100.0), 9);
    }
}
