//! Section 4 of the dashboard: QA scores against customer satisfaction per agent, the
//! four quadrants and the correlation.

use super::*;

/// Section 4: QA against CSAT per agent, the quadrants and the correlation.
pub(crate) fn qa_csat(cx: &Ctx) -> String {
    let l = cx.lang;
    let mut out = String::new();
    let summary = cx.table("qa_csat_summary");
    if let Some(t) = cx.table("qa_csat_agents") {
        out.push_str(&block_head(l, t));
        match absent(l, t) {
            Some(a) => out.push_str(&a),
            None => {
                let pts: Vec<RowRef> = rows(t)
                    .filter(|r| r.num("mean_qa").is_some() && r.num("mean_csat").is_some())
                    .collect();
                let mx = median(pts.iter().filter_map(|r| r.num("mean_qa")).collect());
                let my = median(pts.iter().filter_map(|r| r.num("mean_csat")).collect());
                let points: Vec<Point> = pts
                    .iter()
                    .map(|r| {
                        let (x, y) = (
                            r.num("mean_qa").unwrap_or(0.0),
                            r.num("mean_csat").unwrap_or(0.0),
                        );
                        let q = r.text("quadrant");
                        Point {
                            label: r.text("agent"),
                            x,
                            y,
                            tone: quadrant_tone(&q),
                            team: Some(r.text("team")),
                            hover: format!(
                                "{} ({}): QA {} · CSAT {}",
                                r.text("agent"),
                                r.text("team"),
                                Fmt::Number(1).format(x),
                                Fmt::Number(2).format(y)
                            ),
                        }
                    })
                    .collect();
                let scatter = svg::scatter(&Scatter {
                    id: "ch-qa-csat".into(),
                    title: l.t("chart.scatter").into(),
                    desc: l.tf("chart.scatter.desc", &[("n", &points.len().to_string())]),
                    points,
                    x_label: l.column("mean_qa").into_owned(),
                    y_label: l.column("mean_csat").into_owned(),
                    x_fmt: Fmt::Number(0),
                    y_fmt: Fmt::Number(1),
                    x_split: mx
                        .map(|v| (v, l.tf("chart.median", &[("v", &Fmt::Number(1).format(v))]))),
                    y_split: my
                        .map(|v| (v, l.tf("chart.median", &[("v", &Fmt::Number(2).format(v))]))),
                    quadrants: [
                        l.t("q.low_qa_high_csat").into(),
                        l.t("q.high_qa_high_csat").into(),
                        l.t("q.low_qa_low_csat").into(),
                        l.t("q.high_qa_low_csat").into(),
                    ],
                    empty: l.t("chart.no_data").into(),
                });
                let _ = write!(
                    out,
                    "<div class=\"grid-scatter\"><figure class=\"panel\"><figcaption>{}</figcaption>{scatter}</figure><div>{}</div></div>",
                    esc_attr(l.t("chart.scatter")),
                    summary.map(|s| quadrant_cards(cx, s)).unwrap_or_default()
                );
                let _ = write!(
                    out,
                    "<details class=\"more\"><summary>{}</summary>{}</details>",
                    esc_attr(&l.tf("table.show", &[("n", &t.rows.len().to_string())])),
                    data_table(l, t, &TableOpts::default())
                );
            }
        }
        out.push_str("</div>");
    } else if let Some(s) = summary {
        out.push_str(&quadrant_cards(cx, s));
    }
    out
}

fn quadrant_tone(q: &str) -> Tone {
    match q {
        "high_qa_high_csat" => Tone::Good,
        "high_qa_low_csat" => Tone::Warn,
        "low_qa_high_csat" => Tone::Neutral,
        "low_qa_low_csat" => Tone::Bad,
        _ => Tone::Muted,
    }
}

/// The correlation and one card per quadrant, laid out like the chart.
fn quadrant_cards(cx: &Ctx, t: &Table) -> String {
    let l = cx.lang;
    let mut out = format!("<div class=\"quadrants\" id=\"{}\">", esc_attr(&t.id));
    if let Some(a) = absent(l, t) {
        out.push_str(&a);
        out.push_str("</div>");
        return out;
    }
    if let Some(r) = rows(t).find_map(|r| r.num("correlation")) {
        let _ = write!(
            out,
            "<p class=\"corr\">{}</p>",
            esc_attr(&l.tf("q.correlation", &[("r", &Fmt::Number(2).format(r))]))
        );
    }
    out.push_str("<div class=\"quad-grid\">");
    for (q, label, hint) in [
        (
            "low_qa_high_csat",
            "q.low_qa_high_csat",
            "q.low_qa_high_csat.hint",
        ),
        (
            "high_qa_high_csat",
            "q.high_qa_high_csat",
            "q.high_qa_high_csat.hint",
        ),
        (
            "low_qa_low_csat",
            "q.low_qa_low_csat",
            "q.low_qa_low_csat.hint",
        ),
        (
            "high_qa_low_csat",
            "q.high_qa_low_csat",
            "q.high_qa_low_csat.hint",
        ),
    ] {
        let row = rows(t).find(|r| r.text("quadrant") == q);
        let n = row.as_ref().and_then(|r| r.num("agents")).unwrap_or(0.0);
        let list = row
            .as_ref()
            .map(|r| r.text("agent_list"))
            .unwrap_or_default();
        let names: Vec<&str> = list
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        let _ = write!(
            out,
            "<div class=\"quad-card {q}\"><div class=\"quad-title\">{}</div><div class=\"quad-n\">{}</div><p class=\"quad-hint\">{}</p><p class=\"quad-list\">{}</p></div>",
            esc_attr(l.t(label)),
            esc_attr(&l.tf("q.agents", &[("n", &Fmt::Number(0).format(n))])),
            esc_attr(l.t(hint)),
            esc_attr(&names.join(", "))
        );
    }
    out.push_str("</div></div>");
    out
}
