//! Contact drivers and repeat contacts: `driver_daily`, `driver_period`,
//! `department_daily`, `driver_spikes`, `repeat_drivers`, `repeat_agents`.

use super::feedback::driver_label;
use super::{Ctx, ids, int, mean, name, rate, table, text};
use crate::aggregate::{Day, DriverDay, EXAMPLES, MICRO, NO_DRIVER};
use crate::report::model::{Cell, Table};
use crate::report::repeat;
use crate::report::stats::{SPIKE_BASELINE_DAYS, SPIKE_MIN_BASELINE_DAYS, ratio, spike};
use std::collections::BTreeMap;

fn department(c: &Ctx, d: u16) -> String {
    if d == NO_DRIVER {
        return "(none)".into();
    }
    c.p.meta
        .drivers
        .get(d as usize)
        .map_or("(none)".into(), |x| x.department.clone())
}

fn cost(v: &DriverDay) -> Cell {
    mean((v.cost.0 > 0).then(|| v.cost.total(MICRO)))
}

/// Driver-days of a day keyed by label (sorted by driver id, `(none)` first).
fn labelled<'a>(
    c: &Ctx,
    d: &'a BTreeMap<u16, DriverDay>,
) -> BTreeMap<String, (u16, &'a DriverDay)> {
    d.iter()
        .map(|(k, v)| (driver_label(c, *k), (*k, v)))
        .collect()
}

/// The driver tables.
pub(super) fn tables(c: &Ctx) -> Vec<Table> {
    let mut daily = Vec::new();
    let mut departments = Vec::new();
    for (day, d) in c.dated() {
        let mut by_dept: BTreeMap<String, DriverDay> = BTreeMap::new();
        for (label, (k, v)) in labelled(c, &d.drivers) {
            daily.push(vec![
                text(day.to_string()),
                text(label),
                text(department(c, k)),
                int(v.calls),
                cost(v),
                mean(v.aht.mean(1_000.0)),
            ]);
            by_dept.entry(department(c, k)).or_default().merge(v);
        }
        for (dept, v) in by_dept {
            departments.push(vec![
                text(day.to_string()),
                text(dept),
                int(v.calls),
                cost(&v),
            ]);
        }
    }

    let mut period: BTreeMap<u16, DriverDay> = BTreeMap::new();
    for d in c.days() {
        for (k, v) in &d.drivers {
            period.entry(*k).or_default().merge(v);
        }
    }
    let total: u64 = period.values().map(|v| v.calls).sum();
    let mut rows: Vec<(u64, String, Vec<Cell>)> = period
        .iter()
        .map(|(k, v)| {
            let label = driver_label(c, *k);
            let row = vec![
                text(label.clone()),
                text(department(c, *k)),
                int(v.calls),
                rate(ratio(v.calls, total)),
                cost(v),
                ids(&v.examples.0),
                mean(v.aht.mean(1_000.0)),
            ];
            (v.calls, label, row)
        })
        .collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));

    let (spikes, tested) = spikes(c);
    let spike_absent = if tested {
        "no spikes: no driver reached robust z ≥ 3.5 with ≥ 5 calls on a day".to_string()
    } else {
        format!(
            "no day of the period has {SPIKE_MIN_BASELINE_DAYS} days with calls in the {SPIKE_BASELINE_DAYS} days before it, so there is no baseline to test against"
        )
    };
    vec![
        table(
            "driver_daily",
            &["day", "driver", "department", "calls", "cost", "aht_s"],
            daily,
            "no dated calls in the period",
        ),
        table(
            "driver_period",
            &[
                "driver",
                "department",
                "calls",
                "share",
                "cost",
                "example_calls",
                "aht_s",
            ],
            rows.into_iter().map(|r| r.2).collect(),
            "no calls in the period",
        ),
        table(
            "department_daily",
            &["day", "department", "calls", "cost"],
            departments,
            "no dated calls in the period",
        ),
        table(
            "driver_spikes",
            &[
                "day",
                "driver",
                "calls",
                "baseline_median",
                "robust_z",
                "example_calls",
                "department",
                "baseline_days",
            ],
            spikes,
            &spike_absent,
        ),
    ]
}

/// Spike rows, and whether any day had enough history to be tested.
fn spikes(c: &Ctx) -> (Vec<Vec<Cell>>, bool) {
    let mut rows = Vec::new();
    let mut tested = false;
    for (day, d) in c.dated() {
        let history: Vec<Day> = (1..=SPIKE_BASELINE_DAYS)
            .rev()
            .map(|k| day.plus(-k))
            .filter(|b| c.p.days.contains_key(b))
            .collect();
        if history.len() < SPIKE_MIN_BASELINE_DAYS {
            continue;
        }
        tested = true;
        for (label, (k, v)) in labelled(c, &d.drivers) {
            let baseline: Vec<f64> = history
                .iter()
                .map(|b| c.p.days[b].drivers.get(&k).map_or(0.0, |x| x.calls as f64))
                .collect();
            if let Some((med, z)) = spike(v.calls, &baseline) {
                rows.push(vec![
                    text(day.to_string()),
                    text(label),
                    int(v.calls),
                    mean(Some(med)),
                    mean(Some(z)),
                    ids(&v.examples.0),
                    text(department(c, k)),
                    int(history.len() as u64),
                ]);
            }
        }
    }
    (rows, tested)
}

/// `repeat_drivers` and `repeat_agents`.
pub(super) fn repeat_tables(c: &Ctx) -> Vec<Table> {
    let r = &c.repeats;
    let ex = |s| repeat::examples(s, r, c.from, c.to, EXAMPLES);
    let mut drivers: Vec<(String, Vec<Cell>)> = r
        .drivers
        .iter()
        .map(|(k, n)| {
            let label = driver_label(c, *k);
            let row = vec![
                text(label.clone()),
                int(n.first),
                int(n.repeated),
                rate(ratio(n.repeated, n.first)),
                ids(&ex(c.p.repeat_drivers.get(k))),
            ];
            (label, row)
        })
        .collect();
    drivers.sort_by(|a, b| a.0.cmp(&b.0));
    let mut agents: Vec<(u32, Vec<Cell>)> = r
        .agents
        .iter()
        .map(|(i, n)| {
            let k = c.key(*i);
            let row = vec![
                text(name(k.team())),
                text(name(k.agent())),
                int(n.first),
                int(n.repeated),
                rate(ratio(n.repeated, n.first)),
                ids(&ex(c.p.repeat_agents.get(i))),
            ];
            (*i, row)
        })
        .collect();
    agents.sort_by(|a, b| c.key(a.0).cmp(c.key(b.0)));
    let absent = "no calls with a customer id (customer_id) and a start time in the period";
    vec![
        table(
            "repeat_drivers",
            &[
                "driver",
                "first_contacts",
                "repeats",
                "repeat_rate",
                "example_calls",
            ],
            drivers.into_iter().map(|r| r.1).collect(),
            absent,
        ),
        table(
            "repeat_agents",
            &[
                "team",
                "agent",
                "first_contacts",
                "repeats",
                "repeat_rate",
                "example_calls",
            ],
            agents.into_iter().map(|r| r.1).collect(),
            absent,
        ),
    ]
}
