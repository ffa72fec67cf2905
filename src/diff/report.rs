//! The comparison added up over calls: per item, driver, team and QA score.

use super::{CallDiff, Plan};
use crate::record::Outcome;
use crate::rules::Pack;
use crate::score::round;
use serde::Serialize;
use std::collections::BTreeMap;

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

/// Calls per outcome of an item in the one pack that has it.
#[derive(Debug, Clone, Copy, Serialize, Default, PartialEq, Eq)]
pub struct Results {
    /// Passed.
    pub pass: u64,
    /// Failed.
    pub fail: u64,
    /// Not applicable.
    #[serde(rename = "n/a")]
    pub na: u64,
}

impl Results {
    fn add(&mut self, o: Outcome) {
        match o {
            Outcome::Pass => self.pass += 1,
            Outcome::Fail => self.fail += 1,
            Outcome::Na => self.na += 1,
        }
    }
}

/// How one item's outcomes moved.
#[derive(Debug, Clone, Serialize, Default)]
pub struct ItemDiff {
    /// Item id.
    pub id: String,
    /// Item name (the id when the pack gives none).
    pub name: String,
    /// `both`, `added` (only in the new pack) or `removed` (only in the old).
    pub status: &'static str,
    /// Calls per transition, e.g. `pass→fail`; for added / removed items, calls per
    /// outcome in the pack that has it (`→pass`, `fail→`, …).
    pub transitions: BTreeMap<String, u64>,
    /// Calls whose outcome did not change.
    pub unchanged: u64,
    /// For an added item, its results in the new pack; for a removed one, in the old.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub results: Option<Results>,
    /// The first few calls of each transition (for added and removed items, of each
    /// outcome but n/a).
    pub examples: BTreeMap<String, Vec<Example>>,
}

impl ItemDiff {
    /// Calls of one transition key.
    pub fn count(&self, key: &str) -> u64 {
        self.transitions.get(key).copied().unwrap_or(0)
    }
}

/// How one driver moved.
#[derive(Debug, Clone, Serialize, Default)]
pub struct DriverDiff {
    /// Driver id.
    pub id: String,
    /// Driver name (the id when the pack gives none).
    pub name: String,
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

/// Calls whose QA score changed, and by how much.
#[derive(Debug, Clone, Serialize, Default)]
pub struct ScoreChanges {
    /// Calls whose QA score changed (including to or from no score).
    pub calls: u64,
    /// Of those with a score in both packs: calls whose score went up.
    pub up: u64,
    /// … and down.
    pub down: u64,
    /// Mean change (new − old) over the calls whose score changed and that have a
    /// score in both packs.
    pub mean_change: Option<f64>,
    /// Calls that became auto-failed.
    pub auto_fail_gained: u64,
    /// Calls no longer auto-failed.
    pub auto_fail_cleared: u64,
    /// The first few calls whose score changed, with the item changes behind it.
    pub examples: Vec<Example>,
    #[serde(skip)]
    sum: f64,
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
    /// Calls where the QA score, auto-fail, an item result (of an item in both packs,
    /// or an added / removed item that applied), a driver or the primary driver changed.
    pub calls_changed: u64,
    /// Inputs that could not be read (not compared).
    pub input_errors: u64,
    /// Items only in the new pack.
    pub items_added: u64,
    /// Items only in the old pack.
    pub items_removed: u64,
    /// QA score changes.
    pub scores: ScoreChanges,
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

/// Key of [`Report::teams`] for all calls.
pub(super) const ALL_TEAMS: &str = "*";
const NO_TEAM: &str = "(no team)";
/// Item changes named in a score-change example.
const CAUSES_SHOWN: usize = 3;

fn outcome_str(o: Option<Outcome>) -> &'static str {
    o.map_or("", Outcome::as_str)
}

/// 10-point bucket of a score; 100 goes in the last.
pub(super) fn bucket(score: f64) -> usize {
    ((score.max(0.0) / 10.0).floor() as usize).min(9)
}

/// `62.5`, or `n/a` without a score.
pub(super) fn score_str(s: Option<f64>) -> String {
    s.map_or_else(|| "n/a".to_string(), |v| format!("{v}"))
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
        let count = |s: &str| plan.items.iter().filter(|e| e.status() == s).count() as u64;
        Report {
            kind: "diff",
            items_added: count("added"),
            items_removed: count("removed"),
            items: plan
                .items
                .iter()
                .map(|e| ItemDiff {
                    id: e.id.clone(),
                    name: e.name.clone(),
                    status: e.status(),
                    results: (e.status() != "both").then(Results::default),
                    ..Default::default()
                })
                .collect(),
            drivers: plan
                .drivers
                .iter()
                .map(|e| DriverDiff {
                    id: e.id.clone(),
                    name: e.name.clone(),
                    status: e.status(),
                    ..Default::default()
                })
                .collect(),
            examples_per_change: examples,
            ..Default::default()
        }
    }

    /// The report as pretty JSON, ending in a newline.
    pub fn render_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Add one compared call (calls must come in input order for stable examples).
    pub fn add(&mut self, d: &CallDiff) {
        let n = self.examples_per_change;
        self.calls += 1;
        let score_changed = d.score.0 != d.score.1;
        let mut changed =
            score_changed || d.auto_fail.0 != d.auto_fail.1 || d.primary.0 != d.primary.1;
        // What changed on this call's scorecard, for the score-change example.
        let mut causes: Vec<String> = Vec::new();
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
            let only = c.before.or(c.after);
            if let (Some(r), Some(o)) = (&mut it.results, only) {
                r.add(o);
            }
            let (cause, example) = match (c.before, c.after) {
                (Some(a), Some(b)) => (
                    Some(format!("{} {}→{}", it.id, a.as_str(), b.as_str())),
                    Some((c.before_reason.clone(), c.after_reason.clone())),
                ),
                (None, Some(b)) if b != Outcome::Na => (
                    Some(format!("{} added: {}", it.id, b.as_str())),
                    Some(("(not in the old pack)".into(), c.after_reason.clone())),
                ),
                (Some(a), None) if a != Outcome::Na => (
                    Some(format!("{} removed: was {}", it.id, a.as_str())),
                    Some((c.before_reason.clone(), "(not in the new pack)".into())),
                ),
                _ => (None, None),
            };
            if let Some(cause) = cause {
                changed = true;
                causes.push(cause);
            }
            if let Some((before, after)) = example {
                let ex = it.examples.entry(key).or_default();
                if ex.len() < n {
                    ex.push(Example {
                        call_id: d.call_id.clone(),
                        source: d.source.clone(),
                        before,
                        after,
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
        self.add_score(d, score_changed, &causes);
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

    fn add_score(&mut self, d: &CallDiff, changed: bool, causes: &[String]) {
        let s = &mut self.scores;
        match d.auto_fail {
            (false, true) => s.auto_fail_gained += 1,
            (true, false) => s.auto_fail_cleared += 1,
            _ => {}
        }
        if !changed {
            return;
        }
        s.calls += 1;
        if let (Some(b), Some(a)) = d.score {
            if a > b {
                s.up += 1;
            } else {
                s.down += 1;
            }
            s.sum += a - b;
            s.mean_change = Some(round(s.sum / (s.up + s.down) as f64, 1));
        }
        if s.examples.len() < self.examples_per_change {
            let auto_fail = |af: bool| if af { " (auto-fail)" } else { "" };
            let mut after = format!("score {}{}", score_str(d.score.1), auto_fail(d.auto_fail.1));
            if !causes.is_empty() {
                after.push_str("; ");
                after.push_str(&causes[..causes.len().min(CAUSES_SHOWN)].join(", "));
                if causes.len() > CAUSES_SHOWN {
                    after.push_str(", …");
                }
            }
            s.examples.push(Example {
                call_id: d.call_id.clone(),
                source: d.source.clone(),
                before: format!("score {}{}", score_str(d.score.0), auto_fail(d.auto_fail.0)),
                after,
            });
        }
    }
}
