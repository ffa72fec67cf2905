//! A realistic report for the browser test: two weeks, three teams of agents, a scorecard
//! of eight items, six contact drivers in five departments, a driver spike, and one table
//! absent (no self-scores). Numbers come from a seeded generator and are consistent across
//! tables (daily rows sum to the totals the period tables show).

use callscore::report::model::{Cell, Report, Table};
use std::collections::BTreeMap;

/// Days of the sample, in order.
pub const DAYS: usize = 14;

/// `2026-03-02` + `i` days (all in March).
pub fn day(i: usize) -> String {
    format!("2026-03-{:02}", 2 + i)
}

/// Teams and their agents. One agent's name is markup: the page must show it as text and
/// the browser must not load the image it names.
pub const TEAMS: &[(&str, &[&str])] = &[
    (
        "Billing West",
        &["Ana Silva", "Ben Okafor", "Chen Wei", "Dana Kim"],
    ),
    (
        "Care East",
        &["Elif Demir", "Farid Rahimi", "Grace Liu", "Hugo Martin"],
    ),
    (
        "Retention",
        &[
            "Ines Costa",
            "Jon Berg",
            "<img src=x onerror=alert(1)>",
            "Li Na",
        ],
    ),
];

const ITEMS: &[(&str, &str, &str, bool, f64)] = &[
    ("greeting", "Greeting with name", "opening", false, 0.06),
    (
        "recording_disclosure",
        "Recording disclosure",
        "opening",
        true,
        0.03,
    ),
    (
        "id_verification",
        "Identity verified",
        "verification",
        true,
        0.08,
    ),
    ("empathy", "Empathy statement", "soft_skills", false, 0.22),
    (
        "hold_etiquette",
        "Hold etiquette",
        "soft_skills",
        false,
        0.12,
    ),
    (
        "resolution_summary",
        "Resolution summary",
        "resolution",
        false,
        0.18,
    ),
    (
        "next_steps",
        "Next steps explained",
        "resolution",
        false,
        0.15,
    ),
    ("closing", "Closing and survey", "closing", false, 0.09),
];

const DRIVERS: &[(&str, &str, f64)] = &[
    ("billing/dispute", "Billing", 0.24),
    ("billing/refund", "Billing", 0.14),
    ("tech/outage", "Network Ops", 0.2),
    ("tech/device", "Tech Support", 0.17),
    ("account/password", "Identity", 0.13),
    ("orders/delivery", "Logistics", 0.12),
];

/// Day on which `tech/outage` spikes.
pub const SPIKE_DAY: usize = 9;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn around(&mut self, mid: f64, spread: f64) -> f64 {
        mid + (self.next() - 0.5) * 2.0 * spread
    }
}

fn s(v: &str) -> Cell {
    Cell::Text(v.to_string())
}
fn i(v: i64) -> Cell {
    Cell::Int(v)
}
fn n(v: f64) -> Cell {
    Cell::Num(Some((v * 10000.0).round() / 10000.0))
}
fn opt(v: Option<f64>) -> Cell {
    Cell::Num(v.map(|v| (v * 10000.0).round() / 10000.0))
}

fn table(id: &str, cols: &[&str], rows: Vec<Vec<Cell>>) -> Table {
    Table {
        id: id.into(),
        columns: cols.iter().map(|c| c.to_string()).collect(),
        rows,
        absent: None,
    }
}

fn call_id(day: usize, k: usize) -> String {
    format!("C-{:02}{:04}", 2 + day, k)
}

/// The sample report.
pub fn report() -> Report {
    let mut rng = Rng(0x5eed_cafe_f00d_1234);
    let agents: Vec<(&str, &str, f64)> = TEAMS
        .iter()
        .flat_map(|(team, names)| names.iter().map(move |a| (*team, *a)))
        .enumerate()
        .map(|(k, (t, a))| (t, a, 68.0 + ((k * 37) % 23) as f64))
        .collect();
    // agent_daily and the per-day sums.
    let mut agent_daily = Vec::new();
    let mut per_day: Vec<(f64, f64, f64)> = vec![(0.0, 0.0, 0.0); DAYS]; // calls, qa sum, auto fails
    let mut per_agent: BTreeMap<&str, (f64, f64, f64, f64, f64)> = BTreeMap::new(); // calls, qa sum, af, prev calls, prev sum
    for (d, e) in per_day.iter_mut().enumerate() {
        for (team, agent, base) in &agents {
            if (d + agent.len()) % 7 == 6 {
                continue; // a day off
            }
            let calls = rng.around(14.0, 6.0).round().max(1.0);
            let qa = rng.around(base + d as f64 * 0.25, 6.0).clamp(0.0, 100.0);
            let af = (calls * rng.around(0.04, 0.04).max(0.0)).round();
            agent_daily.push(vec![
                s(&day(d)),
                s(team),
                s(agent),
                i(calls as i64),
                n(qa),
                i(af as i64),
                n((qa + 8.0).min(100.0)),
                n((qa - 5.0).max(0.0)),
            ]);
            e.0 += calls;
            e.1 += qa * calls;
            e.2 += af;
            let a = per_agent.entry(agent).or_default();
            a.0 += calls;
            a.1 += qa * calls;
            a.2 += af;
            a.3 += calls;
            a.4 += (qa - rng.around(1.5, 3.0)) * calls;
        }
    }
    let ov_cols = [
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
    let mut overview_daily = Vec::new();
    let mut tot = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (d, (calls, qa_sum, af)) in per_day.iter().enumerate() {
        let errors = (rng.next() * 4.0).floor();
        let found = calls + errors;
        let csat_n = (calls * 0.3).round();
        tot = (
            tot.0 + found,
            tot.1 + calls,
            tot.2 + qa_sum,
            tot.3 + af,
            tot.4 + errors,
        );
        overview_daily.push(vec![
            s(&day(d)),
            i(found as i64),
            i(*calls as i64),
            i(errors as i64),
            n(calls / found),
            n(qa_sum / calls),
            n(af / calls),
            n(rng.around(4.1, 0.25)),
            i(csat_n as i64),
            n(rng.around(24.0, 8.0)),
            i((calls * 0.2).round() as i64),
            n(rng.around(0.78, 0.05)),
            n(rng.around(330.0, 40.0)),
        ]);
    }
    let overview_totals = vec![vec![
        s("all"),
        i(tot.0 as i64),
        i(tot.1 as i64),
        i(tot.4 as i64),
        n(tot.1 / tot.0),
        n(tot.2 / tot.1),
        n(tot.3 / tot.1),
        n(4.08),
        i((tot.1 * 0.3).round() as i64),
        n(23.5),
        i((tot.1 * 0.2).round() as i64),
        n(0.781),
        n(334.0),
    ]];
    // agent_period with rank in team, worst items and example calls.
    let mut agent_period = Vec::new();
    let mut k = 0;
    for (team, names) in TEAMS {
        let mut rows: Vec<(f64, Vec<Cell>)> = names
            .iter()
            .map(|a| {
                let (c, q, af, pc, pq) = per_agent[a];
                let mean = q / c;
                let prev = pq / pc;
                k += 1;
                let worst = format!(
                    "{}:{:.4};{}:{:.4}",
                    ITEMS[3 + k % 4].0,
                    0.2 + (k % 5) as f64 * 0.04,
                    ITEMS[k % 3].0,
                    0.08 + (k % 3) as f64 * 0.03
                );
                let ex = format!(
                    "{};{}",
                    call_id(k % DAYS, 100 + k),
                    call_id((k * 3) % DAYS, 200 + k)
                );
                let row = vec![
                    s(team),
                    s(a),
                    i(c as i64),
                    n(mean),
                    i(af as i64),
                    n(prev),
                    n(mean - prev),
                    i(0),
                    s(&worst),
                    s(&ex),
                ];
                (mean, row)
            })
            .collect();
        rows.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (rank, (_, mut row)) in rows.into_iter().enumerate() {
            row[7] = i(rank as i64 + 1);
            agent_period.push(row);
        }
    }
    // Items.
    let total_calls = tot.1;
    let mut item_rates = Vec::new();
    let mut item_team = Vec::new();
    let mut item_daily = Vec::new();
    let mut item_movers = Vec::new();
    for (j, (id, name, section, critical, rate)) in ITEMS.iter().enumerate() {
        let applicable = (total_calls * if *id == "hold_etiquette" { 0.35 } else { 1.0 }).round();
        let fails = (applicable * rate).round();
        item_rates.push(vec![
            s(id),
            s(name),
            s(section),
            s(if *critical { "true" } else { "false" }),
            i(applicable as i64),
            i(fails as i64),
            n(fails / applicable),
        ]);
        for (t, (team, _)) in TEAMS.iter().enumerate() {
            let r = (rate * (0.7 + 0.3 * t as f64 + rng.around(0.0, 0.15))).max(0.0);
            let a = (applicable / 3.0).round();
            item_team.push(vec![
                s(team),
                s(id),
                i(a as i64),
                i((a * r).round() as i64),
                n((a * r).round() / a),
            ]);
        }
        for d in 0..DAYS {
            let a = (applicable / DAYS as f64).round();
            let r =
                (rate * rng.around(1.0, 0.35) * if j == 3 { 1.0 + d as f64 * 0.04 } else { 1.0 })
                    .max(0.0);
            item_daily.push(vec![
                s(&day(d)),
                s(id),
                i(a as i64),
                i((a * r).round() as i64),
                n((a * r).round() / a),
            ]);
        }
        let prev = (rate * rng.around(1.0, 0.4)).max(0.0);
        item_movers.push((
            (fails / applicable - prev).abs(),
            vec![
                s(id),
                s(name),
                n(prev),
                n(fails / applicable),
                n(fails / applicable - prev),
                s(&format!(
                    "{};{}",
                    call_id(j, 300 + j),
                    call_id(j + 2, 310 + j)
                )),
            ],
        ));
    }
    item_movers.sort_by(|a, b| b.0.total_cmp(&a.0));
    // QA vs CSAT.
    let mut qc: Vec<(&str, &str, f64, f64, f64)> = agents
        .iter()
        .map(|(t, a, _)| {
            let (c, q, ..) = per_agent[a];
            let qa = q / c;
            let csat = (3.2 + (qa - 68.0) * 0.03 + rng.around(0.0, 0.55)).clamp(1.0, 5.0);
            (*t, *a, c, qa, csat)
        })
        .collect();
    qc.sort_by(|a, b| a.0.cmp(b.0).then(a.1.cmp(b.1)));
    let med = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        let m = v.len();
        if m % 2 == 1 {
            v[m / 2]
        } else {
            (v[m / 2 - 1] + v[m / 2]) / 2.0
        }
    };
    let mq = med(qc.iter().map(|r| r.3).collect());
    let mc = med(qc.iter().map(|r| r.4).collect());
    let quad = |q: f64, c: f64| match (q >= mq, c >= mc) {
        (true, true) => "high_qa_high_csat",
        (true, false) => "high_qa_low_csat",
        (false, true) => "low_qa_high_csat",
        (false, false) => "low_qa_low_csat",
    };
    let qa_csat_agents: Vec<Vec<Cell>> = qc
        .iter()
        .enumerate()
        .map(|(k, (t, a, c, q, cs))| {
            vec![
                s(t),
                s(a),
                i(*c as i64),
                n(*q),
                n(*cs),
                s(quad(*q, *cs)),
                s(&call_id(k % DAYS, 400 + k)),
            ]
        })
        .collect();
    let corr = {
        let xs: Vec<f64> = qc.iter().map(|r| r.3).collect();
        let ys: Vec<f64> = qc.iter().map(|r| r.4).collect();
        let (mx, my) = (
            xs.iter().sum::<f64>() / xs.len() as f64,
            ys.iter().sum::<f64>() / ys.len() as f64,
        );
        let cov: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
        let vx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
        let vy: f64 = ys.iter().map(|y| (y - my).powi(2)).sum();
        cov / (vx * vy).sqrt()
    };
    let qa_csat_summary: Vec<Vec<Cell>> = [
        "high_qa_high_csat",
        "high_qa_low_csat",
        "low_qa_high_csat",
        "low_qa_low_csat",
    ]
    .iter()
    .map(|q| {
        let names: Vec<&str> = qc
            .iter()
            .filter(|r| quad(r.3, r.4) == *q)
            .map(|r| r.1)
            .collect();
        vec![s(q), i(names.len() as i64), s(&names.join(";")), n(corr)]
    })
    .collect();
    // Calibration.
    let calibration_items: Vec<Vec<Cell>> = ITEMS
        .iter()
        .enumerate()
        .map(|(j, (id, ..))| {
            let pairs = 60 + j as i64 * 7;
            let kappa = [0.82, 0.91, 0.74, 0.38, 0.55, 0.47, 0.66, 0.88][j];
            vec![
                s(id),
                i(pairs),
                i((pairs as f64 * (0.8 + kappa * 0.18)) as i64),
                n(kappa),
                n(0.6 + kappa * 0.35),
                n(0.55 + kappa * 0.4),
            ]
        })
        .collect();
    let calibration_agents: Vec<Vec<Cell>> = agents
        .iter()
        .take(9)
        .map(|(t, a, b)| {
            let diff = rng.around(1.0, 6.0);
            vec![
                s(t),
                s(a),
                i(8 + a.len() as i64),
                n(*b),
                n(b - diff),
                n(diff),
                n(diff.abs() + 2.5),
                n(rng.around(0.7, 0.2)),
            ]
        })
        .collect();
    // Drivers.
    let mut driver_daily = Vec::new();
    let mut department_daily: BTreeMap<(String, &str), (f64, f64)> = BTreeMap::new();
    let mut driver_tot: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
    for (d, (calls, ..)) in per_day.iter().enumerate() {
        for (drv, dept, share) in DRIVERS {
            let mut c = (calls * share * rng.around(1.0, 0.15)).round();
            if *drv == "tech/outage" && d == SPIKE_DAY {
                c *= 3.2;
                c = c.round();
            }
            let aht = rng.around(
                if drv.starts_with("tech") {
                    420.0
                } else {
                    300.0
                },
                45.0,
            );
            let cost = c * aht / 3600.0 * 38.0;
            driver_daily.push(vec![
                s(&day(d)),
                s(drv),
                s(dept),
                i(c as i64),
                n(cost),
                n(aht),
            ]);
            let e = department_daily.entry((day(d), dept)).or_default();
            e.0 += c;
            e.1 += cost;
            let t = driver_tot.entry(drv).or_default();
            t.0 += c;
            t.1 += cost;
        }
    }
    let all_driver_calls: f64 = driver_tot.values().map(|v| v.0).sum();
    let mut driver_period: Vec<(f64, Vec<Cell>)> = DRIVERS
        .iter()
        .enumerate()
        .map(|(j, (drv, dept, _))| {
            let (c, cost) = driver_tot[drv];
            (
                c,
                vec![
                    s(drv),
                    s(dept),
                    i(c as i64),
                    n(c / all_driver_calls),
                    n(cost),
                    s(&format!(
                        "{};{}",
                        call_id(j, 500 + j),
                        call_id(j + 5, 520 + j)
                    )),
                ],
            )
        })
        .collect();
    driver_period.sort_by(|a, b| b.0.total_cmp(&a.0));
    let department_daily: Vec<Vec<Cell>> = department_daily
        .into_iter()
        .map(|((d, dept), (c, cost))| vec![s(&d), s(dept), i(c as i64), n(cost)])
        .collect();
    let spike_calls = driver_daily
        .iter()
        .find(|r| r[0] == s(&day(SPIKE_DAY)) && r[1] == s("tech/outage"))
        .map(|r| match r[3] {
            Cell::Int(v) => v,
            _ => 0,
        })
        .unwrap_or(0);
    let driver_spikes = vec![vec![
        s(&day(SPIKE_DAY)),
        s("tech/outage"),
        i(spike_calls),
        n(spike_calls as f64 / 3.2),
        n(6.8),
        s(&format!(
            "{};{};{}",
            call_id(SPIKE_DAY, 17),
            call_id(SPIKE_DAY, 42),
            call_id(SPIKE_DAY, 77)
        )),
    ]];
    // Repeats.
    let repeat_drivers: Vec<Vec<Cell>> = DRIVERS
        .iter()
        .enumerate()
        .map(|(j, (drv, ..))| {
            let first = (driver_tot[drv].0 * 0.8).round();
            let rate = [0.21, 0.12, 0.28, 0.17, 0.09, 0.14][j];
            vec![
                s(drv),
                i(first as i64),
                i((first * rate).round() as i64),
                n((first * rate).round() / first),
                s(&call_id(j + 1, 600 + j)),
            ]
        })
        .collect();
    let repeat_agents: Vec<Vec<Cell>> = agents
        .iter()
        .enumerate()
        .map(|(k, (t, a, _))| {
            let first = (per_agent[a].0 * 0.8).round();
            let rate = 0.08 + (k % 5) as f64 * 0.035;
            vec![
                s(t),
                s(a),
                i(first as i64),
                i((first * rate).round() as i64),
                n((first * rate).round() / first),
                s(&call_id(k % DAYS, 700 + k)),
            ]
        })
        .collect();
    // Sentiment.
    let sentiment = |label: &str, calls: f64, start: f64, end: f64| {
        vec![
            s(label),
            i(calls as i64),
            n(start),
            n(end),
            n(end - start),
            n(if end < start { 0.41 } else { 0.18 }),
        ]
    };
    let sentiment_teams: Vec<Vec<Cell>> = TEAMS
        .iter()
        .enumerate()
        .map(|(t, (team, names))| {
            let c: f64 = names.iter().map(|a| per_agent[a].0).sum();
            sentiment(team, c, -0.18 - t as f64 * 0.05, [0.21, 0.08, -0.24][t])
        })
        .collect();
    let sentiment_drivers: Vec<Vec<Cell>> = DRIVERS
        .iter()
        .enumerate()
        .map(|(j, (drv, ..))| {
            sentiment(
                drv,
                driver_tot[drv].0,
                -0.35 + j as f64 * 0.05,
                [-0.1, 0.25, -0.42, 0.12, 0.3, 0.05][j],
            )
        })
        .collect();

    Report {
        title: "Contact center QA — March, weeks 10–11".into(),
        from: Some(day(0)),
        to: Some(day(DAYS - 1)),
        packs: vec!["contact-center-default 2.3.1 (4f9c2a17be03)".into()],
        notes: vec!["12 calls had no start time and are counted in totals only.".into()],
        tables: vec![
            table("overview_daily", &ov_cols, overview_daily),
            table("overview_totals", &ov_cols, overview_totals),
            table(
                "agent_daily",
                &[
                    "day",
                    "team",
                    "agent",
                    "calls",
                    "mean_qa",
                    "auto_fails",
                    "section_opening",
                    "section_resolution",
                ],
                agent_daily,
            ),
            table(
                "agent_period",
                &[
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
                ],
                agent_period,
            ),
            table(
                "item_rates",
                &[
                    "item",
                    "name",
                    "section",
                    "critical",
                    "applicable",
                    "fails",
                    "fail_rate",
                ],
                item_rates,
            ),
            table(
                "item_team",
                &["team", "item", "applicable", "fails", "fail_rate"],
                item_team,
            ),
            table(
                "item_daily",
                &["day", "item", "applicable", "fails", "fail_rate"],
                item_daily,
            ),
            table(
                "item_movers",
                &[
                    "item",
                    "name",
                    "prev_fail_rate",
                    "fail_rate",
                    "change",
                    "example_calls",
                ],
                item_movers.into_iter().take(5).map(|(_, r)| r).collect(),
            ),
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
                ],
                qa_csat_agents,
            ),
            table(
                "qa_csat_summary",
                &["quadrant", "agents", "agent_list", "correlation"],
                qa_csat_summary,
            ),
            table(
                "calibration_items",
                &["item", "pairs", "agree", "kappa", "precision", "recall"],
                calibration_items,
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
                calibration_agents,
            ),
            Table {
                absent: Some("no self-scores in these calls".into()),
                ..table(
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
                    vec![],
                )
            },
            table(
                "driver_daily",
                &["day", "driver", "department", "calls", "cost", "aht_s"],
                driver_daily,
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
                ],
                driver_period.into_iter().map(|(_, r)| r).collect(),
            ),
            table(
                "department_daily",
                &["day", "department", "calls", "cost"],
                department_daily,
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
                ],
                driver_spikes,
            ),
            table(
                "repeat_drivers",
                &[
                    "driver",
                    "first_contacts",
                    "repeats",
                    "repeat_rate",
                    "example_calls",
                ],
                repeat_drivers,
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
                repeat_agents,
            ),
            table(
                "sentiment_teams",
                &[
                    "team",
                    "calls",
                    "start_mean",
                    "end_mean",
                    "change",
                    "ended_worse_rate",
                ],
                sentiment_teams,
            ),
            table(
                "sentiment_drivers",
                &[
                    "driver",
                    "calls",
                    "start_mean",
                    "end_mean",
                    "change",
                    "ended_worse_rate",
                ],
                sentiment_drivers,
            ),
            table(
                "queue_hourly",
                &["hour", "calls", "mean_wait_s"],
                (8..18)
                    .map(|h| {
                        vec![
                            s(&format!("{h:02}:00")),
                            i(40 + (h * 7 % 30)),
                            opt(Some(20.0 + h as f64)),
                        ]
                    })
                    .collect(),
            ),
        ],
    }
}
