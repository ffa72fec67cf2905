//! What others say about the calls: QA vs CSAT (`qa_csat_agents`, `qa_csat_summary`),
//! human calibration (`calibration_items`, `calibration_agents`), self-scores
//! (`self_score_agents`) and customer sentiment (`sentiment_teams`, `sentiment_drivers`).

use super::{Ctx, ids, int, mean, name, rate, table, text};
use crate::aggregate::{MICRO, MILLI, NO_DRIVER, SentimentSums};
use crate::report::model::{Cell, Table};
use crate::report::stats::{
    QUADRANTS, agreement, median, pearson, pearson_sums, quadrant, ratio, round,
};
use std::collections::BTreeMap;

/// Self-score gap (self − auto, points) from which an agent is an over-rater.
pub const OVER_RATER_GAP: f64 = 10.0;

/// `qa_csat_agents` and `qa_csat_summary`.
pub(super) fn qa_csat(c: &Ctx) -> Vec<Table> {
    let cur = c.per_agent(c.days());
    let agents: Vec<(u32, f64, f64)> = c
        .sorted(&cur)
        .into_iter()
        .filter_map(|i| Some((i, cur[&i].qa.mean(MILLI)?, cur[&i].csat.mean(MILLI)?)))
        .collect();
    let qa: Vec<f64> = agents.iter().map(|a| a.1).collect();
    let csat: Vec<f64> = agents.iter().map(|a| a.2).collect();
    let (mq, mc) = (median(&qa), median(&csat));
    let r = pearson(&agents.iter().map(|a| (a.1, a.2)).collect::<Vec<_>>());
    let mut rows = Vec::new();
    let mut members: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    if let (Some(mq), Some(mc)) = (mq, mc) {
        for (i, q, s) in &agents {
            let a = &cur[i];
            let k = c.key(*i);
            let quad = quadrant(*q, *s, mq, mc);
            members.entry(quad).or_default().push(name(k.agent()));
            // Unhappy customers: show low-CSAT calls; otherwise the failed calls.
            let ex = if quad.ends_with("low_csat") {
                &a.low_csat
            } else {
                &a.failed
            };
            rows.push(vec![
                text(name(k.team())),
                text(name(k.agent())),
                int(a.calls),
                mean(Some(*q)),
                mean(Some(*s)),
                text(quad),
                ids(&ex.0),
                int(a.csat.0),
            ]);
        }
    }
    let summary = if rows.is_empty() {
        Vec::new()
    } else {
        QUADRANTS
            .iter()
            .map(|q| {
                let list = members.get(q).cloned().unwrap_or_default();
                vec![
                    text(*q),
                    int(list.len() as u64),
                    text(list.join(";")),
                    rate(r),
                    mean(mq),
                    mean(mc),
                ]
            })
            .collect()
    };
    let absent = "no CSAT in these calls";
    vec![
        table(
            "qa_csat_agents",
            &[
                "team",
                "agent",
                "calls",
                "mean_qa",
                "mean_csat",
                "quadrant",
                "example_calls",
                "csat_n",
            ],
            rows,
            absent,
        ),
        table(
            "qa_csat_summary",
            &[
                "quadrant",
                "agents",
                "agent_list",
                "correlation",
                "median_qa",
                "median_csat",
            ],
            summary,
            absent,
        ),
    ]
}

/// `calibration_items` and `calibration_agents`.
pub(super) fn calibration(c: &Ctx) -> Vec<Table> {
    let mut cells = vec![[0u64; 4]; c.p.meta.items.len()];
    for d in c.days() {
        for (x, it) in cells.iter_mut().zip(&d.items) {
            for (a, b) in x.iter_mut().zip(it.calib) {
                *a += b;
            }
        }
    }
    let items: Vec<Vec<Cell>> =
        c.p.meta
            .items
            .iter()
            .zip(cells)
            .filter(|(_, t)| t.iter().sum::<u64>() > 0)
            .map(|(it, t)| {
                let a = agreement(t);
                vec![
                    text(&it.id),
                    int(a.pairs),
                    int(a.agree),
                    rate(a.kappa),
                    rate(a.precision),
                    rate(a.recall),
                    rate(ratio(a.agree, a.pairs)),
                    int(t[0] + t[1]),
                    int(t[0] + t[2]),
                ]
            })
            .collect();
    let cur = c.per_agent(c.days());
    let mut agents = Vec::new();
    for i in c.sorted(&cur) {
        let h = &cur[&i].human;
        if h.0 == 0 {
            continue;
        }
        let n = h.0 as f64;
        let k = c.key(i);
        agents.push(vec![
            text(name(k.team())),
            text(name(k.agent())),
            int(h.0),
            mean(Some(h.1 as f64 / n / MILLI)),
            mean(Some(h.2 as f64 / n / MILLI)),
            mean(Some((h.1 - h.2) as f64 / n / MILLI)),
            mean(Some(h.6 as f64 / n / MILLI)),
            rate(pearson_sums(h)),
        ]);
    }
    vec![
        table(
            "calibration_items",
            &[
                "item",
                "pairs",
                "agree",
                "kappa",
                "precision",
                "recall",
                "agree_rate",
                "auto_fails",
                "human_fails",
            ],
            items,
            "no human per-item results (metadata columns human_<item_id>) in these calls",
        ),
        table(
            "calibration_agents",
            &[
                "team",
                "agent",
                "pairs",
                "mean_auto",
                "mean_human",
                "mean_diff",
                "mae",
                "correlation",
            ],
            agents,
            "no human QA scores (human_qa_score) in these calls",
        ),
    ]
}

/// `self_score_agents`.
pub(super) fn self_score(c: &Ctx) -> Vec<Table> {
    let cur = c.per_agent(c.days());
    let mut rows = Vec::new();
    for i in c.sorted(&cur) {
        let s = &cur[&i].self_score;
        if s.0 == 0 {
            continue;
        }
        let n = s.0 as f64;
        let (me, auto) = (s.1 as f64 / n / MILLI, s.2 as f64 / n / MILLI);
        let gap = round(me, 2) - round(auto, 2);
        let k = c.key(i);
        rows.push(vec![
            text(name(k.team())),
            text(name(k.agent())),
            int(s.0),
            mean(Some(me)),
            mean(Some(auto)),
            mean(Some(gap)),
            text((gap >= OVER_RATER_GAP).to_string()),
        ]);
    }
    vec![table(
        "self_score_agents",
        &[
            "team",
            "agent",
            "calls",
            "mean_self",
            "mean_auto",
            "gap",
            "over_rater",
        ],
        rows,
        "no agent self-scores (self_score) in these calls",
    )]
}

fn sentiment_row(label: String, s: &SentimentSums) -> Vec<Cell> {
    let n = s.0 as f64;
    let (a, b) = (s.1 as f64 / n / MICRO, s.2 as f64 / n / MICRO);
    vec![
        text(label),
        int(s.0),
        mean(Some(a)),
        mean(Some(b)),
        mean(Some(round(b, 2) - round(a, 2))),
        rate(ratio(s.3, s.0)),
    ]
}

/// `sentiment_teams` and `sentiment_drivers`.
pub(super) fn sentiment(c: &Ctx) -> Vec<Table> {
    let teams: Vec<Vec<Cell>> = c
        .per_team(c.days())
        .into_iter()
        .filter(|(_, a)| a.sentiment.0 > 0)
        .map(|(t, a)| sentiment_row(name(&t), &a.sentiment))
        .collect();
    let mut by_driver: BTreeMap<u16, SentimentSums> = BTreeMap::new();
    for d in c.days() {
        for (k, v) in &d.drivers {
            by_driver.entry(*k).or_default().merge(&v.sentiment);
        }
    }
    let drivers: Vec<Vec<Cell>> = by_driver
        .into_iter()
        .filter(|(_, s)| s.0 > 0)
        .map(|(k, s)| (driver_label(c, k), s))
        .collect::<BTreeMap<_, _>>()
        .into_iter()
        .map(|(label, s)| sentiment_row(label, &s))
        .collect();
    let cols = [
        "calls",
        "start_mean",
        "end_mean",
        "change",
        "ended_worse_rate",
    ];
    let absent = "no customer turn with a sentiment term in these calls";
    vec![
        table(
            "sentiment_teams",
            &[&["team"], &cols[..]].concat(),
            teams,
            absent,
        ),
        table(
            "sentiment_drivers",
            &[&["driver"], &cols[..]].concat(),
            drivers,
            absent,
        ),
    ]
}

/// A driver's id, `(none)` for calls without one.
pub(super) fn driver_label(c: &Ctx, d: u16) -> String {
    if d == NO_DRIVER {
        return "(none)".into();
    }
    c.p.meta.driver_id(d).unwrap_or("(none)").to_string()
}
