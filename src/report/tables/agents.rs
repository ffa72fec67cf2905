//! Per-agent and per-team results: `agent_daily`, `agent_period`, `team_daily`.

use super::{Ctx, ids, int, mean, name, table_owned, text};
use crate::aggregate::{AgentDay, MILLI};
use crate::report::model::{Cell, Table};
use crate::report::stats::{ranks, ratio, round};
use std::collections::BTreeMap;

/// Items shown in `worst_items`.
const WORST_ITEMS: usize = 3;
/// Call ids shown in `example_calls`.
const EXAMPLES: usize = 3;

fn section_columns(c: &Ctx, head: &[&str]) -> Vec<String> {
    head.iter()
        .map(|s| s.to_string())
        .chain(c.p.meta.sections.iter().map(|s| format!("section_{s}")))
        .collect()
}

fn section_cells(a: &AgentDay) -> impl Iterator<Item = Cell> + '_ {
    a.sections.iter().map(|s| mean(s.mean(MILLI)))
}

/// `item:fail_rate;…` for the items with the highest fail rates (at least one fail),
/// ties by more fails, then pack order.
pub(super) fn worst_items(c: &Ctx, a: &AgentDay) -> String {
    let mut v: Vec<(usize, f64, u64)> = a
        .items
        .iter()
        .enumerate()
        .filter(|(_, x)| x[1] > 0)
        .map(|(i, x)| (i, x[1] as f64 / x[0] as f64, x[1]))
        .collect();
    v.sort_by(|x, y| y.1.total_cmp(&x.1).then(y.2.cmp(&x.2)).then(x.0.cmp(&y.0)));
    v.iter()
        .take(WORST_ITEMS)
        .map(|(i, r, _)| format!("{}:{:.4}", c.p.meta.items[*i].id, round(*r, 4)))
        .collect::<Vec<_>>()
        .join(";")
}

/// The tables of this group.
pub(super) fn tables(c: &Ctx) -> Vec<Table> {
    let mut daily = Vec::new();
    for (day, d) in c.dated() {
        for i in c.sorted(&d.agents) {
            let a = &d.agents[&i];
            let k = c.key(i);
            let mut row = vec![
                text(day.to_string()),
                text(name(k.team())),
                text(name(k.agent())),
                int(a.calls),
                mean(a.qa.mean(MILLI)),
                int(a.auto_fails),
            ];
            row.extend(section_cells(a));
            daily.push(row);
        }
    }

    let cur = c.per_agent(c.days());
    let prev = c.per_agent(c.prev_days());
    // Rank within team by mean QA.
    let mut by_team: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for i in c.sorted(&cur) {
        by_team.entry(c.key(i).team()).or_default().push(i);
    }
    let mut period = Vec::new();
    for members in by_team.values() {
        let scores: Vec<Option<f64>> = members.iter().map(|i| cur[i].qa.mean(MILLI)).collect();
        let rk = ranks(&scores);
        let mut order: Vec<usize> = (0..members.len()).collect();
        order.sort_by_key(|j| (rk[*j].is_none(), rk[*j]));
        for j in order {
            let i = members[j];
            let a = &cur[&i];
            let k = c.key(i);
            let prev_qa = prev.get(&i).and_then(|p| p.qa.mean(MILLI));
            let now = a.qa.mean(MILLI);
            period.push(vec![
                text(name(k.team())),
                text(name(k.agent())),
                int(a.calls),
                mean(now),
                int(a.auto_fails),
                mean(prev_qa),
                mean(now.zip(prev_qa).map(|(n, p)| round(n, 2) - round(p, 2))),
                rk[j].map_or(Cell::Num(None), int),
                text(worst_items(c, a)),
                ids(&a.failed.0[..a.failed.0.len().min(EXAMPLES)]),
                super::rate(ratio(a.auto_fails, a.calls)),
            ]);
        }
    }

    let mut team_daily = Vec::new();
    for (day, d) in c.dated() {
        for (team, a) in c.per_team(std::iter::once(d)) {
            let mut row = vec![
                text(day.to_string()),
                text(name(&team)),
                int(a.calls),
                mean(a.qa.mean(MILLI)),
                int(a.auto_fails),
                mean(a.csat.mean(MILLI)),
                mean(a.aht.mean(1_000.0)),
            ];
            row.extend(section_cells(&a));
            team_daily.push(row);
        }
    }
    let none = "no calls in the period";
    vec![
        table_owned(
            "agent_daily",
            section_columns(
                c,
                &["day", "team", "agent", "calls", "mean_qa", "auto_fails"],
            ),
            daily,
            "no dated calls in the period",
        ),
        table_owned(
            "agent_period",
            [
                "team",
                "agent",
                "calls",
                "mean_qa",
                "auto_fails",
                "prev_mean_qa",
                "trend",
                "rank_in_team",
                "worst_items",
                "example_calls",
                "auto_fail_rate",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            period,
            none,
        ),
        table_owned(
            "team_daily",
            section_columns(
                c,
                &[
                    "day",
                    "team",
                    "calls",
                    "mean_qa",
                    "auto_fails",
                    "csat_mean",
                    "aht_s",
                ],
            ),
            team_daily,
            "no dated calls in the period",
        ),
    ]
}
