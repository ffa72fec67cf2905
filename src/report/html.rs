//! The dashboard: one self-contained HTML file rendered from a [`Report`].
//!
//! It is opened from a file share or an e-mail attachment, so it holds everything itself:
//! inline CSS, charts as inline SVG ([`super::svg`]) and a small inline script for the
//! date and team filters (no library, no font, no request of any kind). Every piece of
//! user data (titles, agent and team names, call ids, notes) is escaped.
//!
//! Sections, each with an anchor: `overview`, `agents`, `items`, `qa-csat`, `calibration`,
//! `self-score`, `drivers`, `repeats`, `sentiment`, then `more` for any further tables.
//! Each table's block has the table id as its anchor and names its CSV file, so the chart
//! and the CSV are visibly the same numbers.

mod cells;
mod sections;
mod sections_more;

use super::i18n::Lang;
use super::model::{Report, Table};
use super::svg::{self, DayChart, DaySeries, Fmt, PALETTE};
use std::collections::BTreeSet;
use std::fmt::Write;

const CSS: &str = include_str!("html/dashboard.css");
const JS: &str = include_str!("html/dashboard.js");

/// Table ids the sections know how to show; any other table goes to "More tables".
pub const KNOWN_TABLES: &[&str] = &[
    "overview_daily",
    "overview_totals",
    "agent_daily",
    "agent_period",
    "item_rates",
    "item_team",
    "item_daily",
    "item_movers",
    "qa_csat_agents",
    "qa_csat_summary",
    "calibration_items",
    "calibration_agents",
    "self_score_agents",
    "driver_daily",
    "driver_period",
    "department_daily",
    "driver_spikes",
    "repeat_drivers",
    "repeat_agents",
    "sentiment_teams",
    "sentiment_drivers",
];

/// The sections in display order: anchor, title key, intro key, renderer.
type Section = (&'static str, &'static str, &'static str, fn(&Ctx) -> String);
const SECTIONS: &[Section] = &[
    (
        "overview",
        "sec.overview",
        "sec.overview.intro",
        sections::overview,
    ),
    ("agents", "sec.agents", "sec.agents.intro", sections::agents),
    ("items", "sec.items", "sec.items.intro", sections::items),
    (
        "qa-csat",
        "sec.qa_csat",
        "sec.qa_csat.intro",
        sections::qa_csat,
    ),
    (
        "calibration",
        "sec.calibration",
        "sec.calibration.intro",
        sections_more::calibration,
    ),
    (
        "self-score",
        "sec.self_score",
        "sec.self_score.intro",
        sections_more::self_score,
    ),
    (
        "drivers",
        "sec.drivers",
        "sec.drivers.intro",
        sections_more::drivers,
    ),
    (
        "repeats",
        "sec.repeats",
        "sec.repeats.intro",
        sections_more::repeats,
    ),
    (
        "sentiment",
        "sec.sentiment",
        "sec.sentiment.intro",
        sections_more::sentiment,
    ),
];

/// What every section renderer reads.
pub(crate) struct Ctx<'a> {
    report: &'a Report,
    lang: Lang,
}

impl Ctx<'_> {
    fn table(&self, id: &str) -> Option<&Table> {
        self.report.table(id)
    }
}

/// Escape text for HTML and SVG, in element content and in quoted attributes alike.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab and newlines are not allowed in HTML text.
            c if c.is_control() && c != '\t' && c != '\n' && c != '\r' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// [`escape`] under the name the section code uses for text that goes into the page.
pub(crate) fn esc_attr(s: &str) -> String {
    escape(s)
}

/// Every `day` value of a table, ascending, once.
pub(crate) fn sorted_days(t: &Table) -> Vec<String> {
    let set: BTreeSet<String> = cells::rows(t)
        .map(|r| r.text("day"))
        .filter(|d| !d.is_empty())
        .collect();
    set.into_iter().collect()
}

/// Median of the values (`None` when there are none).
pub(crate) fn median(mut v: Vec<f64>) -> Option<f64> {
    v.retain(|x| x.is_finite());
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// A per-day chart description with the page's common settings (drawn across the page).
#[allow(clippy::too_many_arguments)]
pub(crate) fn day_chart(
    id: &str,
    title: &str,
    desc: String,
    days: &[String],
    series: Vec<DaySeries>,
    (y_min, y_max): (Option<f64>, Option<f64>),
    y_fmt: Fmt,
    y_label: &str,
    lang: Lang,
) -> DayChart {
    DayChart {
        id: id.to_string(),
        title: title.to_string(),
        desc,
        days: days.to_vec(),
        series,
        y_min,
        y_max,
        y_fmt,
        y_label: y_label.to_string(),
        empty: lang.t("chart.no_data").to_string(),
        wide: true,
    }
}

/// The legend under a line chart, with the same colours (and dash) as its series.
pub(crate) fn legend(names: &[String]) -> String {
    let mut out = String::from("<ul class=\"legend\">");
    for (i, n) in names.iter().enumerate() {
        let _ = write!(
            out,
            "<li><i{} style=\"background-color:{}\"></i>{}</li>",
            if i == 1 { " class=\"dash\"" } else { "" },
            PALETTE[i % PALETTE.len()],
            escape(n)
        );
    }
    out.push_str("</ul>");
    out
}

/// Render the report as one self-contained HTML page with labels in `lang`.
pub fn render(report: &Report, lang: Lang) -> String {
    let cx = Ctx { report, lang };
    let l = lang;
    let days = all_days(report);
    let from = report
        .from
        .clone()
        .or_else(|| days.first().cloned())
        .unwrap_or_default();
    let to = report
        .to
        .clone()
        .or_else(|| days.last().cloned())
        .unwrap_or_default();
    let mut out = String::with_capacity(256 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"color-scheme\" content=\"light\"><title>{}</title><style>{CSS}</style></head>\
         <body data-max-labels=\"{}\" data-max-bar=\"{}\"><div class=\"layout\">",
        l.html_lang(),
        escape(&report.title),
        svg::MAX_DAY_LABELS,
        svg::MAX_BAR_W
    );
    let more = sections_more::more(&cx);
    out.push_str(&sidebar(&cx, &days, &from, &to, !more.is_empty()));
    out.push_str("<main>");
    out.push_str(&header(&cx, &from, &to));
    for (i, (anchor, title, intro, body)) in SECTIONS.iter().enumerate() {
        let mut content = body(&cx);
        if content.is_empty() {
            content = format!("<p class=\"absent\">{}</p>", escape(l.t("sec.none")));
        }
        out.push_str(&section(i + 1, anchor, l.t(title), l.t(intro), &content));
    }
    if !more.is_empty() {
        out.push_str(&section(
            SECTIONS.len() + 1,
            "more",
            l.t("sec.more"),
            l.t("sec.more.intro"),
            &more,
        ));
    }
    let _ = writeln!(
        out,
        "<footer>{}</footer></main></div><script>{JS}</script></body></html>",
        escape(l.t("page.footer"))
    );
    out
}

fn section(n: usize, anchor: &str, title: &str, intro: &str, content: &str) -> String {
    format!(
        "<section class=\"sec\" id=\"{anchor}\" aria-labelledby=\"{anchor}-h\"><h2 id=\"{anchor}-h\"><span class=\"n\">{n}</span>{}</h2><p class=\"intro\">{}</p>{content}</section>",
        escape(title),
        escape(intro)
    )
}

/// Every day of every per-day table (those with a `day` column), ascending.
fn all_days(report: &Report) -> Vec<String> {
    let mut set = BTreeSet::new();
    for t in &report.tables {
        if cells::col(t, "day").is_some() {
            set.extend(sorted_days(t).into_iter().filter(|d| d != "all"));
        }
    }
    set.into_iter().collect()
}

/// Every team named in any table, sorted.
fn all_teams(report: &Report) -> Vec<String> {
    let mut set = BTreeSet::new();
    for t in &report.tables {
        set.extend(
            cells::rows(t)
                .map(|r| r.text("team"))
                .filter(|s| !s.is_empty()),
        );
    }
    set.into_iter().collect()
}

fn sidebar(cx: &Ctx, days: &[String], from: &str, to: &str, more: bool) -> String {
    let l = cx.lang;
    let mut out = format!(
        "<nav class=\"side\" aria-label=\"{}\"><p class=\"brand\">callscore</p><p class=\"brand-sub\">{}</p>\
         <h2>{}</h2><div class=\"filters\" role=\"search\">",
        escape(l.t("page.contents")),
        escape(&cx.report.title),
        escape(l.t("filter.title"))
    );
    let disabled = if days.is_empty() && from.is_empty() {
        " disabled"
    } else {
        ""
    };
    for (id, key, value) in [("f-from", "filter.from", from), ("f-to", "filter.to", to)] {
        let _ = write!(
            out,
            "<label for=\"{id}\">{}</label><input type=\"date\" id=\"{id}\" value=\"{v}\" min=\"{}\" max=\"{}\"{disabled}>",
            escape(l.t(key)),
            escape(from),
            escape(to),
            v = escape(value)
        );
    }
    let teams = all_teams(cx.report);
    if !teams.is_empty() {
        let _ = write!(
            out,
            "<label for=\"f-team\">{}</label><select id=\"f-team\"><option value=\"\">{}</option>",
            escape(l.t("filter.team")),
            escape(l.t("filter.all_teams"))
        );
        for t in &teams {
            let _ = write!(out, "<option value=\"{0}\">{0}</option>", escape(t));
        }
        out.push_str("</select>");
    }
    let _ = write!(
        out,
        "<button type=\"button\" id=\"f-reset\">{}</button>\
         <p class=\"status\" id=\"f-status\" aria-live=\"polite\" data-days=\"{}\" data-template=\"{}\">{}</p>\
         <p class=\"filter-note\">{}</p></div><h2>{}</h2><div class=\"toc\"><ol>",
        escape(l.t("filter.reset")),
        escape(&days.join(" ")),
        escape(l.t("filter.showing")),
        escape(&l.tf(
            "filter.showing",
            &[
                ("n", &days.len().to_string()),
                ("m", &days.len().to_string())
            ]
        )),
        escape(&l.tf(
            "filter.note",
            &[("from", or_dash(from)), ("to", or_dash(to))]
        )),
        escape(l.t("page.contents"))
    );
    for (i, (anchor, title, _, _)) in SECTIONS.iter().enumerate() {
        let _ = write!(
            out,
            "<li><a href=\"#{anchor}\"><span class=\"n\">{}</span>{}</a></li>",
            i + 1,
            escape(l.t(title))
        );
    }
    if more {
        let _ = write!(
            out,
            "<li><a href=\"#more\"><span class=\"n\">{}</span>{}</a></li>",
            SECTIONS.len() + 1,
            escape(l.t("sec.more"))
        );
    }
    out.push_str("</ol></div></nav>");
    out
}

fn or_dash(s: &str) -> &str {
    if s.is_empty() { "–" } else { s }
}

fn header(cx: &Ctx, from: &str, to: &str) -> String {
    let l = cx.lang;
    let r = cx.report;
    let range = if from.is_empty() && to.is_empty() {
        escape(l.t("page.no_range"))
    } else {
        format!(
            "<b>{}</b> – <b>{}</b>",
            escape(or_dash(from)),
            escape(or_dash(to))
        )
    };
    let mut out = format!(
        "<header><div class=\"page-head\"><h1>{}</h1><div class=\"range\">{}: {range}</div></div>",
        escape(&r.title),
        escape(l.t("page.range"))
    );
    if !r.packs.is_empty() {
        let _ = write!(
            out,
            "<div class=\"meta\"><span>{}: <ul>",
            escape(l.t("page.packs"))
        );
        for p in &r.packs {
            let _ = write!(out, "<li>{}</li>", escape(p));
        }
        out.push_str("</ul></span></div>");
    }
    if !r.notes.is_empty() {
        let _ = write!(
            out,
            "<div class=\"notes\" role=\"note\" aria-label=\"{}\"><ul>",
            escape(l.t("page.notes"))
        );
        for n in &r.notes {
            let _ = write!(out, "<li>{}</li>", escape(n));
        }
        out.push_str("</ul></div>");
    }
    out.push_str("</header>");
    out
}

#[cfg(test)]
mod tests;
