//! The dashboard's first sections: coverage and overview, per-agent results, items, QA vs
//! CSAT. Each turns the report tables it is about into cards, charts and tables; a table
//! that is absent shows its reason instead.

use super::cells::{self, RowRef, TableOpts, absent, block_head, data_table, rows, table_block};
use super::{Ctx, day_chart, esc_attr, legend, median, sorted_days};
use crate::report::model::Table;
use crate::report::svg::{self, DaySeries, Fmt, Point, Row, RowChart, Scatter, Tone};
use std::collections::BTreeMap;
use std::fmt::Write;

mod qa_csat;
pub(crate) use qa_csat::qa_csat;

/// Largest number of rows drawn in one row chart (the table below has them all).
pub(crate) const TOP_ROWS: usize = 20;

/// Section 1: totals cards and the per-day charts of QA, coverage and volume.
pub(crate) fn overview(cx: &Ctx) -> String {
    let l = cx.lang;
    let mut out = String::new();
    if let Some(t) = cx.table("overview_totals") {
        match (absent(l, t), cells::rows(t).next()) {
            (None, Some(r)) => out.push_str(&cards(cx, &r)),
            (Some(a), _) => out.push_str(&a),
            (None, None) => {}
        }
    }
    if let Some(t) = cx.table("overview_daily") {
        if let Some(a) = absent(l, t) {
            out.push_str(&block_head(l, t));
            out.push_str(&a);
            out.push_str("</div>");
        } else {
            let days = sorted_days(t);
            let qa = day_values(t, &days, |r| r.num("mean_qa"), |_| true);
            let cov = day_values(t, &days, |r| r.num("coverage").map(|v| v * 100.0), |_| true);
            let n = days.len().to_string();
            let names = [
                l.column("mean_qa").into_owned(),
                l.tf("chart.pct", &[("name", &l.column("coverage"))]),
            ];
            let lines = svg::day_lines(&half(day_chart(
                "ch-qa-cov",
                l.t("chart.qa_cov"),
                l.tf("chart.qa_cov.desc", &[("n", &n)]),
                &days,
                vec![
                    DaySeries {
                        name: names[0].clone(),
                        values: qa,
                    },
                    DaySeries {
                        name: names[1].clone(),
                        values: cov,
                    },
                ],
                (Some(0.0), Some(100.0)),
                Fmt::Number(0),
                l.t("chart.score_pct"),
                l,
            )));
            let scored = day_values(t, &days, |r| r.num("calls_scored"), |_| true);
            let bars = svg::day_bars(&half(day_chart(
                "ch-calls",
                l.t("chart.calls_day"),
                l.tf("chart.calls_day.desc", &[("n", &n)]),
                &days,
                vec![DaySeries {
                    name: l.column("calls_scored").into_owned(),
                    values: scored,
                }],
                (Some(0.0), None),
                Fmt::Number(0),
                l.t("chart.calls"),
                l,
            )));
            let _ = write!(
                out,
                "<div class=\"grid2\"><figure class=\"panel\"><figcaption>{}</figcaption>{lines}{}</figure>\
                 <figure class=\"panel\"><figcaption>{}</figcaption>{bars}</figure></div>",
                esc_attr(l.t("chart.qa_cov")),
                legend(&names),
                esc_attr(l.t("chart.calls_day")),
            );
            out.push_str(&table_block(l, t, &TableOpts::default(), true));
        }
    }
    out
}

/// A per-day chart drawn beside another one.
fn half(mut chart: svg::DayChart) -> svg::DayChart {
    chart.wide = false;
    chart
}

/// The headline cards from the one row of `overview_totals`.
fn cards(cx: &Ctx, r: &RowRef) -> String {
    let l = cx.lang;
    let count = |v: Option<f64>| v.map(|v| Fmt::Number(0).format(v));
    let found = count(r.num("calls_found")).unwrap_or_else(|| "–".into());
    let mut scored_sub = l.tf("card.of_found", &[("n", &found)]);
    if let Some(e) = r.num("errors").filter(|e| *e > 0.0) {
        scored_sub = format!(
            "{scored_sub} · {}",
            l.tf("card.errors", &[("n", &Fmt::Number(0).format(e))])
        );
    }
    let responses = |name: &str| {
        r.num(name)
            .map(|n| l.tf("card.responses", &[("n", &Fmt::Number(0).format(n))]))
            .unwrap_or_default()
    };
    let list: [(&str, Option<String>, String, &str); 8] = [
        (
            "card.scored",
            count(r.num("calls_scored")),
            scored_sub,
            "calls_scored",
        ),
        (
            "card.coverage",
            r.num("coverage").map(|v| Fmt::Percent(1).format(v)),
            l.t("card.coverage.sub").into(),
            "coverage",
        ),
        (
            "card.mean_qa",
            r.num("mean_qa").map(|v| Fmt::Number(1).format(v)),
            l.t("card.mean_qa.sub").into(),
            "mean_qa",
        ),
        (
            "card.auto_fail",
            r.num("auto_fail_rate").map(|v| Fmt::Percent(1).format(v)),
            l.t("card.auto_fail.sub").into(),
            "auto_fail_rate",
        ),
        (
            "card.csat",
            r.num("csat_mean").map(|v| Fmt::Number(2).format(v)),
            responses("csat_n"),
            "csat_mean",
        ),
        (
            "card.nps",
            r.num("nps").map(|v| Fmt::Signed(0).format(v)),
            responses("nps_n"),
            "nps",
        ),
        (
            "card.fcr",
            r.num("fcr_rate").map(|v| Fmt::Percent(1).format(v)),
            l.t("card.fcr.sub").into(),
            "fcr_rate",
        ),
        (
            "card.aht",
            r.num("aht_s").map(|v| Fmt::Duration.format(v)),
            l.t("card.aht.sub").into(),
            "aht_s",
        ),
    ];
    let (from, to) = (
        cx.report.from.as_deref().unwrap_or("–"),
        cx.report.to.as_deref().unwrap_or("–"),
    );
    let caption = l.tf("card.whole_range", &[("from", from), ("to", to)]);
    let mut out = format!(
        "<p class=\"note\">{}</p><div class=\"cards\" id=\"overview_totals\" aria-label=\"{}\">",
        esc_attr(&caption),
        esc_attr(&caption)
    );
    for (key, value, sub, column) in list {
        let (value, sub, class) = match value {
            Some(v) => (v, sub, ""),
            None => ("–".to_string(), l.t("card.no_data").to_string(), " empty"),
        };
        let _ = write!(
            out,
            "<div class=\"card{class}\" data-col=\"{}\"><div class=\"card-label\">{}</div><div class=\"card-value\">{}</div><div class=\"card-sub\">{}</div></div>",
            esc_attr(column),
            esc_attr(l.t(key)),
            esc_attr(&value),
            esc_attr(&sub)
        );
    }
    out.push_str("</div>");
    out
}

/// Values of one per-day series: for each day, the value of the first row of that day
/// that `keep` accepts.
pub(crate) fn day_values(
    t: &Table,
    days: &[String],
    value: impl Fn(&RowRef) -> Option<f64>,
    keep: impl Fn(&RowRef) -> bool,
) -> Vec<Option<f64>> {
    let mut by_day: BTreeMap<String, f64> = BTreeMap::new();
    for r in rows(t).filter(|r| keep(r)) {
        if let Some(v) = value(&r) {
            by_day.entry(r.text("day")).or_insert(v);
        }
    }
    days.iter().map(|d| by_day.get(d).copied()).collect()
}

/// Section 2: leaderboard by team (a team expands to its agents), then agents per day.
pub(crate) fn agents(cx: &Ctx) -> String {
    let l = cx.lang;
    let mut out = String::new();
    if let Some(t) = cx.table("agent_period") {
        out.push_str(&block_head(l, t));
        match absent(l, t) {
            Some(a) => out.push_str(&a),
            None => out.push_str(&leaderboard(cx, t)),
        }
        out.push_str("</div>");
    }
    if let Some(t) = cx.table("agent_daily") {
        out.push_str(&table_block(l, t, &TableOpts::default(), true));
    }
    out
}

/// One `<details>` per team, best team first; inside, its agents by rank.
fn leaderboard(cx: &Ctx, t: &Table) -> String {
    let l = cx.lang;
    let mut teams: BTreeMap<String, Vec<RowRef>> = BTreeMap::new();
    for r in rows(t) {
        teams.entry(r.text("team")).or_default().push(r);
    }
    struct TeamSum<'a> {
        name: String,
        agents: Vec<RowRef<'a>>,
        calls: f64,
        mean: Option<f64>,
        auto_fails: f64,
    }
    let mut sums: Vec<TeamSum> = teams
        .into_iter()
        .map(|(name, mut agents)| {
            agents.sort_by(|a, b| {
                let ra = a.num("rank_in_team").unwrap_or(f64::MAX);
                let rb = b.num("rank_in_team").unwrap_or(f64::MAX);
                ra.total_cmp(&rb).then_with(|| {
                    b.num("mean_qa")
                        .unwrap_or(f64::MIN)
                        .total_cmp(&a.num("mean_qa").unwrap_or(f64::MIN))
                })
            });
            let calls: f64 = agents.iter().filter_map(|a| a.num("calls")).sum();
            let (mut w, mut s) = (0.0, 0.0);
            for a in &agents {
                if let (Some(m), Some(c)) = (a.num("mean_qa"), a.num("calls")) {
                    w += c;
                    s += m * c;
                }
            }
            let auto_fails = agents.iter().filter_map(|a| a.num("auto_fails")).sum();
            TeamSum {
                name,
                agents,
                calls,
                mean: (w > 0.0).then(|| s / w),
                auto_fails,
            }
        })
        .collect();
    sums.sort_by(|a, b| {
        b.mean
            .unwrap_or(f64::MIN)
            .total_cmp(&a.mean.unwrap_or(f64::MIN))
    });
    let shown = [
        "rank_in_team",
        "agent",
        "calls",
        "mean_qa",
        "trend",
        "auto_fails",
        "worst_items",
        "example_calls",
    ];
    let hidden = ["team", "prev_mean_qa"];
    let extra: Vec<&String> = t
        .columns
        .iter()
        .filter(|c| !shown.contains(&c.as_str()) && !hidden.contains(&c.as_str()))
        .collect();
    let columns: Vec<&str> = shown
        .iter()
        .copied()
        .filter(|c| cells::col(t, c).is_some())
        .chain(extra.iter().map(|c| c.as_str()))
        .collect();
    let mut out = String::from("<div class=\"leaderboard\">");
    for (i, team) in sums.iter().enumerate() {
        let best = team
            .agents
            .first()
            .map(|a| a.text("agent"))
            .unwrap_or_default();
        let _ = write!(
            out,
            "<details class=\"team f\" data-team=\"{}\"{}><summary><span class=\"team-rank\">{}</span><span class=\"team-name\">{}</span>\
             <span class=\"team-stat\">{}</span><span class=\"team-stat\">{}</span><span class=\"team-stat strong\">{}</span>\
             <span class=\"team-stat\">{}</span><span class=\"team-best\">{}</span></summary>",
            esc_attr(&team.name),
            if i == 0 { " open" } else { "" },
            i + 1,
            esc_attr(&team.name),
            esc_attr(&l.tf("lb.agents", &[("n", &team.agents.len().to_string())])),
            esc_attr(&l.tf("lb.calls", &[("n", &Fmt::Number(0).format(team.calls))])),
            esc_attr(
                &l.tf(
                    "lb.mean",
                    &[(
                        "v",
                        &team
                            .mean
                            .map(|m| Fmt::Number(1).format(m))
                            .unwrap_or("–".into())
                    )]
                )
            ),
            esc_attr(&l.tf(
                "lb.auto_fails",
                &[("n", &Fmt::Number(0).format(team.auto_fails))]
            )),
            esc_attr(&l.tf("lb.best", &[("name", &best)])),
        );
        out.push_str("<div class=\"scroll\"><table class=\"data\"><thead><tr>");
        for c in &columns {
            let num = matches!(
                *c,
                "rank_in_team" | "calls" | "mean_qa" | "trend" | "auto_fails"
            );
            let _ = write!(
                out,
                "<th scope=\"col\"{}>{}</th>",
                if num { " class=\"num\"" } else { "" },
                esc_attr(&l.column(c))
            );
        }
        out.push_str("</tr></thead><tbody>");
        for a in &team.agents {
            out.push_str("<tr>");
            for c in &columns {
                let body = match (*c, a.cell(c)) {
                    ("mean_qa", _) => match a.num("mean_qa") {
                        Some(m) => format!(
                            "<span class=\"meter\" aria-hidden=\"true\"><i style=\"width:{:.0}%\"></i></span>{}",
                            m.clamp(0.0, 100.0),
                            Fmt::Number(1).format(m)
                        ),
                        None => cells::na(l),
                    },
                    ("trend", _) if a.num("trend").is_none() => {
                        format!(
                            "<span class=\"na\" title=\"{}\">–</span>",
                            esc_attr(l.t("trend.none"))
                        )
                    }
                    ("agent", _) => format!("<strong>{}</strong>", esc_attr(&a.text("agent"))),
                    (_, Some(cell)) => cells::cell_html(l, &t.id, c, cell),
                    (_, None) => cells::na(l),
                };
                let num = matches!(
                    *c,
                    "rank_in_team" | "calls" | "mean_qa" | "trend" | "auto_fails"
                );
                let _ = write!(
                    out,
                    "<td{}>{body}</td>",
                    if num { " class=\"num\"" } else { "" }
                );
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table></div></details>");
    }
    out.push_str("</div>");
    out
}

/// Section 3: fail rate per item, per team, per day, and the movers.
pub(crate) fn items(cx: &Ctx) -> String {
    let l = cx.lang;
    let mut out = String::new();
    let mut top_items: Vec<String> = Vec::new();
    if let Some(t) = cx.table("item_rates") {
        out.push_str(&block_head(l, t));
        match absent(l, t) {
            Some(a) => out.push_str(&a),
            None => {
                let mut rs: Vec<RowRef> = rows(t).collect();
                rs.sort_by(|a, b| {
                    b.num("fail_rate")
                        .unwrap_or(-1.0)
                        .total_cmp(&a.num("fail_rate").unwrap_or(-1.0))
                });
                top_items = rs.iter().take(5).map(|r| r.text("item")).collect();
                let chart_rows: Vec<Row> = rs
                    .iter()
                    .filter(|r| r.num("fail_rate").is_some())
                    .take(TOP_ROWS)
                    .map(|r| {
                        let rate = r.num("fail_rate").unwrap_or(0.0);
                        let name = r.text("name");
                        let label = if name.is_empty() {
                            r.text("item")
                        } else {
                            name
                        };
                        let critical = r.text("critical") == "true";
                        let counts = match (r.num("fails"), r.num("applicable")) {
                            (Some(f), Some(a)) => format!(
                                " ({} / {})",
                                Fmt::Number(0).format(f),
                                Fmt::Number(0).format(a)
                            ),
                            _ => String::new(),
                        };
                        Row {
                            label: label.clone(),
                            value: rate,
                            end: None,
                            text: format!(
                                "{}{counts}{}",
                                Fmt::Percent(1).format(rate),
                                if critical {
                                    format!(" · {}", l.t("v.critical"))
                                } else {
                                    String::new()
                                }
                            ),
                            tone: if critical { Tone::Bad } else { Tone::Neutral },
                            team: None,
                            hover: format!(
                                "{} — {label}: {}{counts}",
                                r.text("item"),
                                Fmt::Percent(1).format(rate)
                            ),
                        }
                    })
                    .collect();
                let n = chart_rows.len();
                out.push_str(&row_chart_figure(
                    false,
                    RowChart {
                        id: "ch-item-fail".into(),
                        title: l.t("chart.item_fail").into(),
                        desc: l.tf("chart.item_fail.desc", &[("n", &n.to_string())]),
                        rows: chart_rows,
                        x_min: Some(0.0),
                        x_max: None,
                        x_fmt: Fmt::Percent(0),
                        x_label: l.t("chart.fail_rate").into(),
                        empty: l.t("chart.no_data").into(),
                    },
                    rs.len() > TOP_ROWS,
                    l,
                ));
                let _ = write!(
                    out,
                    "<details class=\"more\"><summary>{}</summary>{}</details>",
                    esc_attr(&l.tf("table.show", &[("n", &t.rows.len().to_string())])),
                    data_table(l, t, &TableOpts::default())
                );
            }
        }
        out.push_str("</div>");
    }
    if let Some(t) = cx.table("item_team") {
        out.push_str(&block_head(l, t));
        match absent(l, t) {
            Some(a) => out.push_str(&a),
            None => out.push_str(&item_team_matrix(cx, t)),
        }
        out.push_str("</div>");
    }
    if let Some(t) = cx.table("item_daily") {
        out.push_str(&block_head(l, t));
        match absent(l, t) {
            Some(a) => out.push_str(&a),
            None => {
                if top_items.is_empty() {
                    let mut fails: BTreeMap<String, f64> = BTreeMap::new();
                    for r in rows(t) {
                        *fails.entry(r.text("item")).or_default() += r.num("fails").unwrap_or(0.0);
                    }
                    let mut v: Vec<(String, f64)> = fails.into_iter().collect();
                    v.sort_by(|a, b| b.1.total_cmp(&a.1));
                    top_items = v.into_iter().take(5).map(|(k, _)| k).collect();
                }
                let days = sorted_days(t);
                let series: Vec<DaySeries> = top_items
                    .iter()
                    .map(|item| DaySeries {
                        name: item.clone(),
                        values: day_values(
                            t,
                            &days,
                            |r| r.num("fail_rate"),
                            |r| r.text("item") == *item,
                        ),
                    })
                    .collect();
                let names: Vec<String> = series.iter().map(|s| s.name.clone()).collect();
                let chart = svg::day_lines(&day_chart(
                    "ch-item-daily",
                    l.t("chart.item_daily"),
                    l.tf(
                        "chart.item_daily.desc",
                        &[
                            ("n", &days.len().to_string()),
                            ("k", &series.len().to_string()),
                        ],
                    ),
                    &days,
                    series,
                    (Some(0.0), None),
                    Fmt::Percent(0),
                    l.t("chart.fail_rate"),
                    l,
                ));
                let _ = write!(
                    out,
                    "<figure class=\"panel\"><figcaption>{}</figcaption>{chart}{}</figure><details class=\"more\"><summary>{}</summary>{}</details>",
                    esc_attr(l.t("chart.item_daily")),
                    legend(&names),
                    esc_attr(&l.tf("table.show", &[("n", &t.rows.len().to_string())])),
                    data_table(l, t, &TableOpts::default())
                );
            }
        }
        out.push_str("</div>");
    }
    if let Some(t) = cx.table("item_movers") {
        out.push_str(&table_block(l, t, &TableOpts::default(), false));
    }
    out
}

/// Items down, teams across, each cell shaded by its fail rate.
fn item_team_matrix(cx: &Ctx, t: &Table) -> String {
    let l = cx.lang;
    let mut teams: Vec<String> = rows(t).map(|r| r.text("team")).collect();
    teams.sort();
    teams.dedup();
    let mut items: Vec<String> = Vec::new();
    let mut cells: BTreeMap<(String, String), RowRef> = BTreeMap::new();
    for r in rows(t) {
        let item = r.text("item");
        if !items.contains(&item) {
            items.push(item.clone());
        }
        cells.insert((item, r.text("team")), r);
    }
    let max = rows(t)
        .filter_map(|r| r.num("fail_rate"))
        .fold(0.0f64, f64::max);
    let mut out = String::from("<div class=\"scroll\"><table class=\"data matrix\"><thead><tr>");
    let _ = write!(
        out,
        "<th scope=\"col\">{}</th>",
        esc_attr(&l.column("item"))
    );
    for team in &teams {
        let _ = write!(
            out,
            "<th scope=\"col\" class=\"num f\" data-team=\"{0}\">{0}</th>",
            esc_attr(team)
        );
    }
    out.push_str("</tr></thead><tbody>");
    for item in &items {
        let _ = write!(out, "<tr><th scope=\"row\">{}</th>", esc_attr(item));
        for team in &teams {
            match cells
                .get(&(item.clone(), team.clone()))
                .and_then(|r| r.num("fail_rate").map(|v| (r, v)))
            {
                Some((r, v)) => {
                    let level = if max > 0.0 {
                        ((v / max) * 5.0).round() as u8
                    } else {
                        0
                    };
                    let _ = write!(
                        out,
                        "<td class=\"num f heat{level}\" data-team=\"{}\" title=\"{}\">{}</td>",
                        esc_attr(team),
                        esc_attr(&format!(
                            "{team} · {item}: {} / {}",
                            Fmt::Number(0).format(r.num("fails").unwrap_or(0.0)),
                            Fmt::Number(0).format(r.num("applicable").unwrap_or(0.0))
                        )),
                        Fmt::Percent(1).format(v)
                    );
                }
                None => {
                    let _ = write!(
                        out,
                        "<td class=\"num f\" data-team=\"{}\">{}</td>",
                        esc_attr(team),
                        cells::na(l)
                    );
                }
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
    out
}

/// A row chart in a panel, with a "largest N shown" note when rows were cut.
pub(crate) fn row_chart_figure(
    arrows: bool,
    chart: RowChart,
    cut: bool,
    l: crate::report::i18n::Lang,
) -> String {
    let title = chart.title.clone();
    let n = chart.rows.len();
    let svg = if arrows {
        svg::range_rows(&chart)
    } else {
        svg::bar_rows(&chart)
    };
    let note = if cut {
        format!(
            "<p class=\"note\">{}</p>",
            esc_attr(&l.tf("chart.top_n", &[("n", &n.to_string())]))
        )
    } else {
        String::new()
    };
    format!(
        "<figure class=\"panel\"><figcaption>{}</figcaption>{svg}{note}</figure>",
        esc_attr(&title)
    )
}
