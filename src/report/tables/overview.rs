//! Coverage and overview: `overview_daily`, `overview_totals`, `overview_hourly`,
//! `queue_daily`.

use super::{Ctx, int, mean, name, rate, table, text};
use crate::aggregate::{AgentDay, MILLI, QueueDay};
use crate::report::model::{Cell, Table};
use crate::report::repeat::Counts;
use crate::report::stats::ratio;
use std::collections::BTreeMap;

const COLUMNS: [&str; 13] = [
    "day",
    "calls_found",
    "calls_scored",
    "errors",
    "coverage",
    "mean_qa",
    "auto_fail_rate",
    "csat_mean",
    "csat_n",
    "nps",
    "nps_n",
    "fcr_rate",
    "aht_s",
];

/// The numbers after the coverage columns, the same for a day and for the total.
fn quality(t: &AgentDay, fcr: Option<Counts>) -> Vec<Cell> {
    let nps = (t.nps.0 > 0).then(|| (t.nps.1 as f64 - t.nps.2 as f64) / t.nps.0 as f64 * 100.0);
    vec![
        mean(t.qa.mean(MILLI)),
        rate(ratio(t.auto_fails, t.calls)),
        mean(t.csat.mean(MILLI)),
        int(t.csat.0),
        mean(nps),
        int(t.nps.0),
        rate(fcr.and_then(|c| ratio(c.first - c.repeated, c.first))),
        mean(t.aht.mean(1_000.0)),
    ]
}

/// The tables of this group.
pub(super) fn tables(c: &Ctx) -> Vec<Table> {
    let mut daily = Vec::new();
    for (day, d) in c.dated() {
        let t = c.total(std::iter::once(d));
        // Unreadable inputs have no date: a day's errors and coverage are unknown.
        let mut row = vec![
            text(day.to_string()),
            int(t.calls),
            int(t.calls),
            Cell::Num(None),
            Cell::Num(None),
        ];
        row.extend(quality(&t, c.repeats.days.get(&day).copied()));
        daily.push(row);
    }
    let t = c.total(c.days());
    let errors = c.p.errors;
    let found = t.calls + errors;
    let fcr = c
        .repeats
        .days
        .values()
        .fold(Counts::default(), |a, b| Counts {
            first: a.first + b.first,
            repeated: a.repeated + b.repeated,
        });
    let mut totals = vec![
        text("all"),
        int(found),
        int(t.calls),
        int(errors),
        rate(ratio(t.calls, found)),
    ];
    totals.extend(quality(&t, (fcr.first > 0).then_some(fcr)));
    let no_calls = "no calls in the period";
    let totals = if found > 0 { vec![totals] } else { vec![] };

    let mut hours = [(0u64, crate::aggregate::Stat::default()); 24];
    for (_, d) in c.dated() {
        for (h, s) in d.hours.iter().enumerate() {
            hours[h].0 += s.calls;
            hours[h].1.merge(&s.qa);
        }
    }
    let hourly: Vec<Vec<Cell>> = hours
        .iter()
        .enumerate()
        .filter(|(_, h)| h.0 > 0)
        .map(|(i, h)| vec![int(i as u64), int(h.0), mean(h.1.mean(MILLI))])
        .collect();

    let mut queues = Vec::new();
    for (day, d) in c.dated() {
        let mut by: BTreeMap<String, QueueDay> = BTreeMap::new();
        for (q, v) in &d.queues {
            by.entry(name(q)).or_default().merge(v);
        }
        for (q, v) in by {
            queues.push(vec![
                text(day.to_string()),
                text(q),
                int(v.calls),
                mean(v.qa.mean(MILLI)),
                int(v.auto_fails),
                mean(v.aht.mean(1_000.0)),
            ]);
        }
    }
    vec![
        table(
            "overview_daily",
            &COLUMNS,
            daily,
            "no dated calls in the period",
        ),
        table("overview_totals", &COLUMNS, totals, no_calls),
        table(
            "overview_hourly",
            &["hour", "calls", "mean_qa"],
            hourly,
            "no dated calls in the period",
        ),
        table(
            "queue_daily",
            &["day", "queue", "calls", "mean_qa", "auto_fails", "aht_s"],
            queues,
            "no dated calls in the period",
        ),
    ]
}
