//! Compute the [`Report`] from merged aggregates: every table of the dashboard
//! (ids, columns and formulas in docs/dashboard.md).
//!
//! The period is `--from … --to` (default: the first to the last day with calls); the
//! previous period is the same number of days just before it (trends, item movers).
//! Calls without a date count in the period tables and totals only when no range is
//! given. One module per group of tables; this one holds the period, the sums over it
//! and the cell helpers they share.

mod agents;
mod drivers;
mod feedback;
mod items;
mod overview;

use super::model::{Cell, Report, Table};
use super::repeat::{self, Repeats};
use super::select::{PackChoice, Selected};
use crate::aggregate::{AgentDay, AgentKey, Day, DayAgg, PackAgg};
use std::collections::BTreeMap;

/// What to compute.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// Title.
    pub title: String,
    /// First day (inclusive).
    pub from: Option<Day>,
    /// Last day (inclusive).
    pub to: Option<Day>,
    /// Repeat window, days.
    pub repeat_days: u32,
    /// Which rule pack.
    pub pack: PackChoice,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            title: "QA dashboard".into(),
            from: None,
            to: None,
            repeat_days: 7,
            pack: PackChoice::Newest,
        }
    }
}

/// The period and the sums every table group reads.
pub(crate) struct Ctx<'a> {
    /// The pack's numbers.
    pub p: &'a PackAgg,
    /// First day of the period.
    pub from: Day,
    /// Last day.
    pub to: Day,
    /// Whether calls without a date belong to the period (no range given).
    pub with_unknown: bool,
    /// The previous period.
    pub prev: (Day, Day),
    /// Repeat contacts in the period.
    pub repeats: Repeats,
    /// Options.
    pub opts: &'a ReportOptions,
}

impl<'a> Ctx<'a> {
    /// Dated days of the period with calls.
    pub fn dated(&self) -> impl Iterator<Item = (Day, &'a DayAgg)> + 'a {
        let p: &'a PackAgg = self.p;
        let range = (self.from <= self.to).then_some(self.from..=self.to);
        range
            .into_iter()
            .flat_map(move |r| p.days.range(r).map(|(d, a)| (*d, a)))
    }

    /// Days of the period, the unknown day included when it belongs.
    pub fn days(&self) -> impl Iterator<Item = &'a DayAgg> + 'a {
        let unknown = self
            .with_unknown
            .then(|| self.p.days.get(&Day::UNKNOWN))
            .flatten();
        self.dated().map(|(_, d)| d).chain(unknown)
    }

    /// Days of the previous period.
    pub fn prev_days(&self) -> impl Iterator<Item = &'a DayAgg> + 'a {
        let p: &'a PackAgg = self.p;
        let (a, b) = self.prev;
        let range = (a <= b && a.is_known()).then_some(a..=b);
        range
            .into_iter()
            .flat_map(move |r| p.days.range(r).map(|(_, d)| d))
    }

    /// Per agent index: the sum of its agent-days over `days`.
    pub fn per_agent<'d>(&self, days: impl Iterator<Item = &'d DayAgg>) -> BTreeMap<u32, AgentDay> {
        let mut out: BTreeMap<u32, AgentDay> = BTreeMap::new();
        for d in days {
            for (i, a) in &d.agents {
                match out.get_mut(i) {
                    Some(x) => x.merge(a),
                    None => {
                        out.insert(*i, a.clone());
                    }
                }
            }
        }
        out
    }

    /// Per team: the sum of its agents over `days`.
    pub fn per_team<'d>(
        &self,
        days: impl Iterator<Item = &'d DayAgg>,
    ) -> BTreeMap<String, AgentDay> {
        let mut out: BTreeMap<String, AgentDay> = BTreeMap::new();
        for (i, a) in self.per_agent(days) {
            let team = self.key(i).team().to_string();
            match out.get_mut(&team) {
                Some(x) => x.merge(&a),
                None => {
                    out.insert(team, a);
                }
            }
        }
        out
    }

    /// Everything over `days`, as one sum.
    pub fn total<'d>(&self, days: impl Iterator<Item = &'d DayAgg>) -> AgentDay {
        let n = (self.p.meta.items.len(), self.p.meta.sections.len());
        let mut t = AgentDay::new(n.0, n.1);
        for d in days {
            for a in d.agents.values() {
                t.merge(a);
            }
        }
        t
    }

    /// An agent's key.
    pub fn key(&self, i: u32) -> &'a AgentKey {
        &self.p.agents[i as usize]
    }

    /// Agent indexes of a map, sorted by (team, agent).
    pub fn sorted<V>(&self, m: &BTreeMap<u32, V>) -> Vec<u32> {
        let mut v: Vec<u32> = m.keys().copied().collect();
        v.sort_by(|a, b| self.key(*a).cmp(self.key(*b)));
        v
    }

    /// `YYYY-MM-DD … YYYY-MM-DD` of the previous period.
    pub fn prev_label(&self) -> String {
        format!("{} … {}", self.prev.0, self.prev.1)
    }
}

/// Compute the report from the chosen pack's numbers.
pub fn compute(sel: Selected, opts: &ReportOptions, errors_left_out: u64) -> Report {
    let Selected {
        pack: mut p,
        packs,
        mut notes,
    } = sel;
    let known: Vec<Day> = p.known_days().collect();
    let from = opts.from.or(known.first().copied());
    let to = opts.to.or(known.last().copied());
    let (from_d, to_d) = match (from, to) {
        (Some(f), Some(t)) => (f, t),
        // No dated call and no range: an empty dated period.
        _ => (Day(1), Day(0)),
    };
    let len = if from_d <= to_d {
        to_d.0 - from_d.0 + 1
    } else {
        0
    };
    let prev = if len > 0 {
        (from_d.plus(-len), from_d.plus(-1))
    } else {
        (Day(1), Day(0))
    };
    let with_unknown = opts.from.is_none() && opts.to.is_none();
    let repeats = repeat::scan(&mut p, from_d, to_d, opts.repeat_days);
    let ctx = Ctx {
        p: &p,
        from: from_d,
        to: to_d,
        with_unknown,
        prev,
        repeats,
        opts,
    };
    notes.extend(period_notes(&ctx, errors_left_out));
    let mut tables = Vec::new();
    tables.extend(overview::tables(&ctx));
    tables.extend(agents::tables(&ctx));
    tables.extend(items::tables(&ctx));
    tables.extend(feedback::qa_csat(&ctx));
    tables.extend(feedback::calibration(&ctx));
    tables.extend(feedback::self_score(&ctx));
    tables.extend(drivers::tables(&ctx));
    tables.extend(drivers::repeat_tables(&ctx));
    tables.extend(feedback::sentiment(&ctx));
    Report {
        title: opts.title.clone(),
        from: (len > 0).then(|| from_d.to_string()),
        to: (len > 0).then(|| to_d.to_string()),
        packs,
        notes,
        tables,
    }
}

fn period_notes(c: &Ctx, errors_left_out: u64) -> Vec<String> {
    let mut notes = Vec::new();
    let calls: u64 = c.days().map(DayAgg::calls).sum();
    if calls == 0 {
        notes.push("no calls in the period: every table is empty".into());
    }
    let undated = c.p.days.get(&Day::UNKNOWN).map_or(0, DayAgg::calls);
    if undated > 0 {
        notes.push(if c.with_unknown {
            format!(
                "{undated} calls have no usable start time (metadata.started_at): they count in overview_totals and the period tables, in no daily table"
            )
        } else {
            format!(
                "{undated} calls have no usable start time (metadata.started_at) and were left out by --from/--to"
            )
        });
    }
    if c.p.errors > 0 {
        notes.push(format!(
            "{} inputs could not be read (see each run's errors.jsonl); they have no date, so they count in overview_totals only",
            c.p.errors
        ));
    }
    if errors_left_out > 0 {
        notes.push(format!(
            "{errors_left_out} unreadable inputs of runs with no call in the period were left out"
        ));
    }
    let unreadable: u64 = c.days().map(|d| d.human_unreadable).sum();
    if unreadable > 0 {
        notes.push(format!(
            "{unreadable} human_<item> values could not be used (an item id the pack does not have, or a value other than pass / fail / n/a)"
        ));
    }
    if c.p.contacts_dropped > 0 {
        notes.push(format!(
            "{} contacts were left out of repeat detection (start before 1970 or more than 1 048 575 agents)",
            c.p.contacts_dropped
        ));
    }
    if c.repeats.contacts > 0 {
        notes.push(format!(
            "repeat contacts: within {} days of the first contact; first contacts in the last {} days of the period may not have had time to repeat",
            c.opts.repeat_days, c.opts.repeat_days
        ));
    }
    notes
}

// ---------------------------------------------------------------------------
// Cells.

/// Text cell.
pub(crate) fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// Count cell.
pub(crate) fn int(n: u64) -> Cell {
    Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

/// Number rounded to `dp` decimals (empty when `None`).
pub(crate) fn num(x: Option<f64>, dp: i32) -> Cell {
    Cell::Num(
        x.filter(|v| v.is_finite())
            .map(|v| super::stats::round(v, dp)),
    )
}

/// A mean: 2 decimals.
pub(crate) fn mean(x: Option<f64>) -> Cell {
    num(x, 2)
}

/// A rate 0–1 (or kappa, r): 4 decimals.
pub(crate) fn rate(x: Option<f64>) -> Cell {
    num(x, 4)
}

/// Call ids joined by `;`.
pub(crate) fn ids<S: AsRef<str>>(v: &[S]) -> Cell {
    Cell::Text(v.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(";"))
}

/// A team, agent or queue name; `(unknown)` when the metadata had none.
pub(crate) fn name(s: &str) -> String {
    if s.is_empty() {
        "(unknown)".into()
    } else {
        s.to_string()
    }
}

/// A table; `absent` is kept only when there are no rows.
pub(crate) fn table(id: &str, columns: &[&str], rows: Vec<Vec<Cell>>, absent: &str) -> Table {
    table_owned(
        id,
        columns.iter().map(|c| c.to_string()).collect(),
        rows,
        absent,
    )
}

/// A table with computed column names.
pub(crate) fn table_owned(
    id: &str,
    columns: Vec<String>,
    rows: Vec<Vec<Cell>>,
    absent: &str,
) -> Table {
    debug_assert!(rows.iter().all(|r| r.len() == columns.len()), "{id}");
    Table {
        id: id.into(),
        absent: rows.is_empty().then(|| absent.to_string()),
        columns,
        rows,
    }
}

#[cfg(test)]
mod tests;
