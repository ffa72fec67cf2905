//! The dashboard's later sections: calibration, self-score, contact drivers, repeat
//! contacts, sentiment, and any further table of the report rendered plainly.

use super::cells::{RowRef, TableOpts, absent, block_head, data_table, rows, table_block};
use super::sections::{TOP_ROWS, day_values, row_chart_figure};
use super::{Ctx, KNOWN_TABLES, day_chart, esc_attr, legend, sorted_days};
use crate::report::i18n::Lang;
use crate::report::model::Table;
use crate::report::svg::{self, DaySeries, Fmt, Row, RowChart, Tone};
use std::collections::BTreeMap;
use std::fmt::Write;

/// A chart above a collapsed table, or the reason the table is empty.
fn chart_and_table(l: Lang, t: &Table, chart: impl FnOnce() -> String) -> String {
    let mut out = block_head(l, t);
    match absent(l, t) {
        Some(a) => out.push_str(&a),
        None => {
            out.push_str(&chart());
            let _ = write!(
                out,
                "<details class=\"more\"><summary>{}</summary>{}</details>",
                esc_attr(&l.tf("table.show", &[("n", &t.rows.len().to_string())])),
                data_table(l, t, &TableOpts::default())
            );
        }
    }
    out.push_str("</div>");
    out
}

/// Rows sorted by `key` (descending, missing last) and cut to [`TOP_ROWS`].
fn top<'a>(t: &'a Table, key: impl Fn(&RowRef) -> Option<f64>) -> (Vec<RowRef<'a>>, bool) {
    let mut rs: Vec<RowRef> = rows(t).filter(|r| key(r).is_some()).collect();
    rs.sort_by(|a, b| {
        key(b)
            .unwrap_or(f64::MIN)
            .total_cmp(&key(a).unwrap_or(f64::MIN))
    });
    let cut = rs.len() > TOP_ROWS;
    rs.truncate(TOP_ROWS);
    (rs, cut)
}

/// Section 5: agreement with human QA per item, score differences per agent.
pub(crate) fn calibration(cx: &Ctx) -> String {
    let l = cx.lang;
    let mut out = String::new();
    if let Some(t) = cx.table("calibration_items") {
        out.push_str(&chart_and_table(l, t, || {
            let (rs, cut) = top(t, |r| r.num("kappa").map(|k| -k));
            let chart_rows = rs
                .iter()
                .map(|r| {
                    let k = r.num("kappa").unwrap_or(0.0);
                    let pr = |n: &str| {
                        r.num(n)
                            .map(|v| Fmt::Percent(0).format(v))
                            .unwrap_or("–".into())
                    };
                    Row {
                        label: r.text("item"),
                        value: k,
                        end: None,
                        text: format!("κ {}", Fmt::Number(2).format(k)),
                        tone: if k >= 0.6 {
                            Tone::Good
                        } else if k >= 0.4 {
                            Tone::Warn
                        } else {
                            Tone::Bad
                        },
                        team: None,
                        hover: format!(
                            "{}: κ {} · {} {} · {} {} · {} {}",
                            r.text("item"),
                            Fmt::Number(2).format(k),
                            l.column("precision"),
                            pr("precision"),
                            l.column("recall"),
                            pr("recall"),
                            l.column("pairs"),
                            r.num("pairs")
                                .map(|v| Fmt::Number(0).format(v))
                                .unwrap_or_default()
                        ),
                    }
                })
                .collect::<Vec<_>>();
            let n = chart_rows.len().to_string();
            row_chart_figure(
                false,
                RowChart {
                    id: "ch-kappa".into(),
                    title: l.t("chart.kappa").into(),
                    desc: l.tf("chart.kappa.desc", &[("n", &n)]),
                    rows: chart_rows,
                    x_min: None,
                    x_max: Some(1.0),
                    x_fmt: Fmt::Number(1),
                    x_label: "κ".into(),
                    empty: l.t("chart.no_data").into(),
                },
                cut,
                l,
            )
        }));
    }
    if let Some(t) = cx.table("calibration_agents") {
        out.push_str(&table_block(l, t, &TableOpts::default(), false));
    }
    out
}

/// Section 6: self-score minus auto score per agent, over-raters in red.
pub(crate) fn self_score(cx: &Ctx) -> String {
    let l = cx.lang;
    let Some(t) = cx.table("self_score_agents") else {
        return String::new();
    };
    chart_and_table(l, t, || {
        let (mut rs, cut) = top(t, |r| r.num("gap").map(f64::abs));
        rs.sort_by(|a, b| {
            b.num("gap")
                .unwrap_or(0.0)
                .total_cmp(&a.num("gap").unwrap_or(0.0))
        });
        let chart_rows = rs
            .iter()
            .map(|r| {
                let gap = r.num("gap").unwrap_or(0.0);
                let over = r.text("over_rater") == "true";
                Row {
                    label: r.text("agent"),
                    value: gap,
                    end: None,
                    text: format!(
                        "{}{}",
                        Fmt::Signed(1).format(gap),
                        if over {
                            format!(" · {}", l.t("v.over_rater"))
                        } else {
                            String::new()
                        }
                    ),
                    tone: if over { Tone::Bad } else { Tone::Neutral },
                    team: Some(r.text("team")),
                    hover: format!(
                        "{} ({}): {} {} · {} {}",
                        r.text("agent"),
                        r.text("team"),
                        l.column("mean_self"),
                        r.num("mean_self")
                            .map(|v| Fmt::Number(1).format(v))
                            .unwrap_or("–".into()),
                        l.column("mean_auto"),
                        r.num("mean_auto")
                            .map(|v| Fmt::Number(1).format(v))
                            .unwrap_or("–".into()),
                    ),
                }
            })
            .collect::<Vec<_>>();
        let n = chart_rows.len().to_string();
        row_chart_figure(
            false,
            RowChart {
                id: "ch-gap".into(),
                title: l.t("chart.gap").into(),
                desc: l.tf("chart.gap.desc", &[("n", &n)]),
                rows: chart_rows,
                x_min: None,
                x_max: None,
                x_fmt: Fmt::Signed(0),
                x_label: l.t("chart.gap_axis").into(),
                empty: l.t("chart.no_data").into(),
            },
            cut,
            l,
        )
    })
}

/// Section 7: drivers by volume and cost, departments, per-day volume, spikes.
pub(crate) fn drivers(cx: &Ctx) -> String {
    let l = cx.lang;
    let mut out = String::new();
    if let Some(t) = cx.table("driver_period") {
        out.push_str(&chart_and_table(l, t, || {
            let (rs, cut) = top(t, |r| r.num("calls"));
            let chart_rows = rs
                .iter()
                .map(|r| {
                    let calls = r.num("calls").unwrap_or(0.0);
                    let share = r
                        .num("share")
                        .map(|s| format!(" · {}", Fmt::Percent(1).format(s)))
                        .unwrap_or_default();
                    let cost = r
                        .num("cost")
                        .map(|c| format!(" · {} {}", l.column("cost"), Fmt::Number(0).format(c)))
                        .unwrap_or_default();
                    Row {
                        label: r.text("driver"),
                        value: calls,
                        end: None,
                        text: format!("{}{share}{cost}", Fmt::Number(0).format(calls)),
                        tone: Tone::Neutral,
                        team: None,
                        hover: format!(
                            "{} → {}: {}{share}{cost}",
                            r.text("driver"),
                            r.text("department"),
                            Fmt::Number(0).format(calls)
                        ),
                    }
                })
                .collect::<Vec<_>>();
            let n = chart_rows.len().to_string();
            let mut s = row_chart_figure(
                false,
                RowChart {
                    id: "ch-drivers".into(),
                    title: l.t("chart.driver_calls").into(),
                    desc: l.tf("chart.driver_calls.desc", &[("n", &n)]),
                    rows: chart_rows,
                    x_min: Some(0.0),
                    x_max: None,
                    x_fmt: Fmt::Number(0),
                    x_label: l.t("chart.calls").into(),
                    empty: l.t("chart.no_data").into(),
                },
                cut,
                l,
            );
            s.push_str(&departments(l, t));
            s
        }));
    }
    if let Some(t) = cx.table("department_daily") {
        out.push_str(&chart_and_table(l, t, || {
            let days = sorted_days(t);
            let mut totals: BTreeMap<String, f64> = BTreeMap::new();
            for r in rows(t) {
                *totals.entry(r.text("department")).or_default() += r.num("calls").unwrap_or(0.0);
            }
            let mut deps: Vec<(String, f64)> = totals.into_iter().collect();
            deps.sort_by(|a, b| b.1.total_cmp(&a.1));
            deps.truncate(6);
            let series: Vec<DaySeries> = deps
                .iter()
                .map(|(d, _)| DaySeries {
                    name: d.clone(),
                    values: day_values(
                        t,
                        &days,
                        |r| r.num("calls"),
                        |r| r.text("department") == *d,
                    ),
                })
                .collect();
            let names: Vec<String> = series.iter().map(|s| s.name.clone()).collect();
            let k = series.len().to_string();
            let chart = svg::day_lines(&day_chart(
                "ch-dept-daily",
                l.t("chart.dept_daily"),
                l.tf(
                    "chart.dept_daily.desc",
                    &[("n", &days.len().to_string()), ("k", &k)],
                ),
                &days,
                series,
                (Some(0.0), None),
                Fmt::Number(0),
                l.t("chart.calls"),
                l,
            ));
            format!(
                "<figure class=\"panel\"><figcaption>{}</figcaption>{chart}{}</figure>",
                esc_attr(l.t("chart.dept_daily")),
                legend(&names)
            )
        }));
    }
    if let Some(t) = cx.table("driver_spikes") {
        out.push_str(&block_head(l, t));
        let _ = write!(
            out,
            "<p class=\"note\">{}</p>",
            esc_attr(l.t("tbl.driver_spikes.method"))
        );
        match absent(l, t) {
            Some(a) => out.push_str(&a),
            None => out.push_str(&data_table(l, t, &TableOpts::default())),
        }
        out.push_str("</div>");
    }
    if let Some(t) = cx.table("driver_daily") {
        out.push_str(&table_block(l, t, &TableOpts::default(), true));
    }
    out
}

/// Volume and cost per department, summed from the drivers that belong to it.
fn departments(l: Lang, t: &Table) -> String {
    #[derive(Default)]
    struct Dep {
        drivers: usize,
        calls: f64,
        share: Option<f64>,
        cost: Option<f64>,
    }
    let mut deps: BTreeMap<String, Dep> = BTreeMap::new();
    for r in rows(t) {
        let d = deps.entry(r.text("department")).or_default();
        d.drivers += 1;
        d.calls += r.num("calls").unwrap_or(0.0);
        if let Some(s) = r.num("share") {
            d.share = Some(d.share.unwrap_or(0.0) + s);
        }
        if let Some(c) = r.num("cost") {
            d.cost = Some(d.cost.unwrap_or(0.0) + c);
        }
    }
    let mut list: Vec<(String, Dep)> = deps.into_iter().collect();
    list.sort_by(|a, b| b.1.calls.total_cmp(&a.1.calls));
    let na = || "<span class=\"na\">–</span>".to_string();
    let mut out = format!(
        "<h4>{}</h4><div class=\"scroll\"><table class=\"data\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th><th scope=\"col\" class=\"num\">{}</th></tr></thead><tbody>",
        esc_attr(l.t("tbl.department_period")),
        esc_attr(&l.column("department")),
        esc_attr(&l.column("driver")),
        esc_attr(&l.column("calls")),
        esc_attr(&l.column("share")),
        esc_attr(&l.column("cost")),
    );
    for (name, d) in list {
        let _ = write!(
            out,
            "<tr><td><strong>{}</strong></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc_attr(&name),
            d.drivers,
            Fmt::Number(0).format(d.calls),
            d.share
                .map(|s| Fmt::Percent(1).format(s))
                .unwrap_or_else(na),
            d.cost.map(|c| Fmt::Number(2).format(c)).unwrap_or_else(na),
        );
    }
    out.push_str("</tbody></table></div>");
    out
}

/// Section 8: repeat rate per driver and per agent of the first contact.
pub(crate) fn repeats(cx: &Ctx) -> String {
    let l = cx.lang;
    let mut out = String::new();
    if let Some(t) = cx.table("repeat_drivers") {
        out.push_str(&chart_and_table(l, t, || {
            let (rs, cut) = top(t, |r| r.num("repeat_rate"));
            let chart_rows = rs
                .iter()
                .map(|r| {
                    let rate = r.num("repeat_rate").unwrap_or(0.0);
                    let counts = match (r.num("repeats"), r.num("first_contacts")) {
                        (Some(a), Some(b)) => format!(
                            " ({} / {})",
                            Fmt::Number(0).format(a),
                            Fmt::Number(0).format(b)
                        ),
                        _ => String::new(),
                    };
                    Row {
                        label: r.text("driver"),
                        value: rate,
                        end: None,
                        text: format!("{}{counts}", Fmt::Percent(1).format(rate)),
                        tone: Tone::Warn,
                        team: None,
                        hover: format!(
                            "{}: {}{counts}",
                            r.text("driver"),
                            Fmt::Percent(1).format(rate)
                        ),
                    }
                })
                .collect::<Vec<_>>();
            let n = chart_rows.len().to_string();
            row_chart_figure(
                false,
                RowChart {
                    id: "ch-repeat".into(),
                    title: l.t("chart.repeat").into(),
                    desc: l.tf("chart.repeat.desc", &[("n", &n)]),
                    rows: chart_rows,
                    x_min: Some(0.0),
                    x_max: None,
                    x_fmt: Fmt::Percent(0),
                    x_label: l.t("chart.repeat_rate").into(),
                    empty: l.t("chart.no_data").into(),
                },
                cut,
                l,
            )
        }));
    }
    if let Some(t) = cx.table("repeat_agents") {
        out.push_str(&table_block(l, t, &TableOpts::default(), false));
    }
    out
}

/// Section 9: customer sentiment start → end per team and per driver.
pub(crate) fn sentiment(cx: &Ctx) -> String {
    let l = cx.lang;
    let mut out = String::new();
    for (id, key, by) in [
        ("sentiment_teams", "chart.sent_team", "team"),
        ("sentiment_drivers", "chart.sent_driver", "driver"),
    ] {
        let Some(t) = cx.table(id) else { continue };
        out.push_str(&chart_and_table(l, t, || {
            let (rs, cut) = top(t, |r| r.num("calls"));
            let chart_rows = rs
                .iter()
                .filter(|r| r.num("start_mean").is_some() && r.num("end_mean").is_some())
                .map(|r| {
                    let (s, e) = (
                        r.num("start_mean").unwrap_or(0.0),
                        r.num("end_mean").unwrap_or(0.0),
                    );
                    let worse = r
                        .num("ended_worse_rate")
                        .map(|w| {
                            format!(
                                " · {} {}",
                                l.column("ended_worse_rate"),
                                Fmt::Percent(0).format(w)
                            )
                        })
                        .unwrap_or_default();
                    Row {
                        label: r.text(by),
                        value: s,
                        end: Some(e),
                        text: format!(
                            "{} → {}{worse}",
                            Fmt::Number(2).format(s),
                            Fmt::Number(2).format(e)
                        ),
                        tone: if e < s - 0.005 { Tone::Bad } else { Tone::Good },
                        team: (by == "team").then(|| r.text("team")),
                        hover: format!(
                            "{}: {} → {}{worse}",
                            r.text(by),
                            Fmt::Number(2).format(s),
                            Fmt::Number(2).format(e)
                        ),
                    }
                })
                .collect::<Vec<_>>();
            let n = chart_rows.len().to_string();
            row_chart_figure(
                true,
                RowChart {
                    id: format!("ch-{id}"),
                    title: l.t(key).into(),
                    desc: l.tf("chart.sent.desc", &[("n", &n)]),
                    rows: chart_rows,
                    x_min: Some(-1.0),
                    x_max: Some(1.0),
                    x_fmt: Fmt::Signed(1),
                    x_label: l.t("chart.sentiment").into(),
                    empty: l.t("chart.no_data").into(),
                },
                cut,
                l,
            )
        }));
    }
    out
}

/// Tables of the report that no section above is about, as plain tables.
pub(crate) fn more(cx: &Ctx) -> String {
    cx.report
        .tables
        .iter()
        .filter(|t| !KNOWN_TABLES.contains(&t.id.as_str()))
        .map(|t| table_block(cx.lang, t, &TableOpts::default(), false))
        .collect()
}
