//! Reading report tables by column name and writing their cells and rows as HTML.
//!
//! Columns are looked up by name, never by position (the report may add columns at the end
//! of a table), and each cell is written by what its column means: rates as percentages,
//! trends with arrows, call ids as `explain` hints, seconds as `m:ss`.

use super::escape;
use crate::report::i18n::Lang;
use crate::report::model::{Cell, Table};
use crate::report::svg::Fmt;
use std::fmt::Write;

/// Longest table written into the page; the CSV beside it has every row.
pub(crate) const MAX_ROWS: usize = 5000;

/// Column index by name.
pub(crate) fn col(t: &Table, name: &str) -> Option<usize> {
    t.columns.iter().position(|c| c == name)
}

/// A cell as a number: counts, measures, or text that is a number.
pub(crate) fn num(cell: Option<&Cell>) -> Option<f64> {
    match cell? {
        Cell::Int(i) => Some(*i as f64),
        Cell::Num(v) => v.filter(|x| x.is_finite()),
        Cell::Text(s) => s.trim().parse::<f64>().ok().filter(|x| x.is_finite()),
    }
}

/// A cell as text (numbers written plainly).
pub(crate) fn text(cell: Option<&Cell>) -> String {
    match cell {
        Some(Cell::Text(s)) => s.clone(),
        Some(Cell::Int(i)) => i.to_string(),
        Some(Cell::Num(Some(v))) => v.to_string(),
        _ => String::new(),
    }
}

/// Accessor for one row of one table by column name.
pub(crate) struct RowRef<'a> {
    table: &'a Table,
    row: &'a [Cell],
}

impl<'a> RowRef<'a> {
    /// The number in column `name`.
    pub(crate) fn num(&self, name: &str) -> Option<f64> {
        num(col(self.table, name).and_then(|i| self.row.get(i)))
    }

    /// The text in column `name` (empty when missing).
    pub(crate) fn text(&self, name: &str) -> String {
        text(col(self.table, name).and_then(|i| self.row.get(i)))
    }

    /// The cell in column `name`.
    pub(crate) fn cell(&self, name: &str) -> Option<&'a Cell> {
        col(self.table, name).and_then(|i| self.row.get(i))
    }
}

/// Every row of a table with by-name access.
pub(crate) fn rows(t: &Table) -> impl Iterator<Item = RowRef<'_>> {
    t.rows.iter().map(move |r| RowRef { table: t, row: r })
}

/// What a column holds, which decides how a cell is written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    Day,
    Text,
    Count,
    Rate,
    Number(usize),
    /// A change: decimals, whether it is in rate points, whether up is good (None: neutral).
    Delta {
        d: usize,
        rate: bool,
        up_good: Option<bool>,
    },
    Money,
    Duration,
    Calls,
    ItemRates,
    Bool,
    Quadrant,
    List,
}

impl Kind {
    fn numeric(self) -> bool {
        matches!(
            self,
            Kind::Count
                | Kind::Rate
                | Kind::Number(_)
                | Kind::Delta { .. }
                | Kind::Money
                | Kind::Duration
        )
    }
}

/// How column `name` of table `table` is written.
pub(crate) fn kind(table: &str, name: &str, sample: Option<&Cell>) -> Kind {
    match name {
        "day" => return Kind::Day,
        "example_calls" => return Kind::Calls,
        "worst_items" => return Kind::ItemRates,
        "agent_list" => return Kind::List,
        "critical" | "over_rater" => return Kind::Bool,
        "quadrant" => return Kind::Quadrant,
        "trend" => {
            return Kind::Delta {
                d: 1,
                rate: false,
                up_good: Some(true),
            };
        }
        "gap" => {
            return Kind::Delta {
                d: 1,
                rate: false,
                up_good: Some(false),
            };
        }
        "mean_diff" => {
            return Kind::Delta {
                d: 1,
                rate: false,
                up_good: None,
            };
        }
        "change" if table.starts_with("item") => {
            return Kind::Delta {
                d: 1,
                rate: true,
                up_good: Some(false),
            };
        }
        "change" if table.starts_with("sentiment") => {
            return Kind::Delta {
                d: 2,
                rate: false,
                up_good: Some(true),
            };
        }
        "change" => {
            return Kind::Delta {
                d: 2,
                rate: false,
                up_good: None,
            };
        }
        "coverage" | "share" | "precision" | "recall" => return Kind::Rate,
        "cost" => return Kind::Money,
        "kappa" | "correlation" | "robust_z" | "start_mean" | "end_mean" => return Kind::Number(2),
        "mean_qa" | "prev_mean_qa" | "mean_auto" | "mean_human" | "mean_self" | "mae" | "nps" => {
            return Kind::Number(1);
        }
        "csat_mean" | "mean_csat" | "baseline_median" => return Kind::Number(2),
        _ => {}
    }
    if name.ends_with("_rate") {
        return Kind::Rate;
    }
    if name.ends_with("_cost") {
        return Kind::Money;
    }
    if name.ends_with("_s") {
        return Kind::Duration;
    }
    if name.starts_with("section_") {
        return Kind::Number(1);
    }
    match sample {
        Some(Cell::Int(_)) => Kind::Count,
        Some(Cell::Num(_)) => Kind::Number(2),
        _ => Kind::Text,
    }
}

/// "no data" mark for an empty measure.
pub(crate) fn na(lang: Lang) -> String {
    format!(
        "<span class=\"na\" title=\"{}\">–</span>",
        escape(lang.t("table.no_data"))
    )
}

/// A call id as a code element whose tooltip says how to see why.
pub(crate) fn call(lang: Lang, id: &str) -> String {
    format!(
        "<code class=\"call\" title=\"{}\">{}</code>",
        escape(&lang.tf("call.tooltip", &[("id", id)])),
        escape(id)
    )
}

/// `;`-joined call ids as call elements.
pub(crate) fn calls(lang: Lang, ids: &str) -> String {
    let parts: Vec<String> = ids
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|id| call(lang, id))
        .collect();
    format!("<span class=\"calls\">{}</span>", parts.join(" "))
}

/// An arrow and a signed change, coloured by whether the direction is good.
pub(crate) fn delta(lang: Lang, v: f64, d: usize, rate: bool, up_good: Option<bool>) -> String {
    let shown = if rate { v * 100.0 } else { v };
    let flat = shown.abs() < 0.5 * 10f64.powi(-(d as i32));
    let (arrow, dir) = if flat {
        ("→", "flat")
    } else if v > 0.0 {
        ("▲", "up")
    } else {
        ("▼", "down")
    };
    let tone = match (up_good, dir) {
        (_, "flat") | (None, _) => "",
        (Some(true), "up") | (Some(false), "down") => " good",
        _ => " bad",
    };
    let unit = if rate { " pp" } else { "" };
    let title = if rate {
        String::new()
    } else {
        let key = match dir {
            "up" => "trend.up",
            "down" => "trend.down",
            _ => "trend.flat",
        };
        format!(
            " title=\"{}\"",
            escape(&lang.tf(key, &[("v", &Fmt::Number(d).format(shown.abs()))]))
        )
    };
    format!(
        "<span class=\"delta {dir}{tone}\"{title}>{arrow} {}{unit}</span>",
        escape(&Fmt::Signed(d).format(shown))
    )
}

/// `item:rate;item:rate` as small chips.
fn item_rates(s: &str) -> String {
    let mut out = String::from("<span class=\"chips\">");
    for part in s.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        match part
            .rsplit_once(':')
            .and_then(|(id, r)| r.trim().parse::<f64>().ok().map(|r| (id, r)))
        {
            Some((id, r)) => {
                let _ = write!(
                    out,
                    "<span class=\"chip\">{} <b>{}</b></span>",
                    escape(id),
                    Fmt::Percent(0).format(r)
                );
            }
            None => {
                let _ = write!(out, "<span class=\"chip\">{}</span>", escape(part));
            }
        }
    }
    out.push_str("</span>");
    out
}

/// A quadrant id as its label with a coloured dot.
pub(crate) fn quadrant(lang: Lang, q: &str) -> String {
    let label = match q {
        "high_qa_high_csat" => lang.t("q.high_qa_high_csat"),
        "high_qa_low_csat" => lang.t("q.high_qa_low_csat"),
        "low_qa_high_csat" => lang.t("q.low_qa_high_csat"),
        "low_qa_low_csat" => lang.t("q.low_qa_low_csat"),
        _ => return escape(q),
    };
    format!("<span class=\"quad {q}\">{}</span>", escape(label))
}

/// One cell as HTML.
pub(crate) fn cell_html(lang: Lang, table: &str, name: &str, cell: &Cell) -> String {
    let k = kind(table, name, Some(cell));
    if let Cell::Num(v) = cell
        && !v.is_some_and(f64::is_finite)
    {
        return na(lang);
    }
    let s = text(Some(cell));
    let n = num(Some(cell));
    match (k, n) {
        (Kind::Count, Some(v)) => Fmt::Number(0).format(v),
        (Kind::Rate, Some(v)) => Fmt::Percent(1).format(v),
        (Kind::Number(d), Some(v)) => Fmt::Number(d).format(v),
        (Kind::Delta { d, rate, up_good }, Some(v)) => delta(lang, v, d, rate, up_good),
        (Kind::Money, Some(v)) => Fmt::Number(2).format(v),
        (Kind::Duration, Some(v)) => Fmt::Duration.format(v),
        (Kind::Calls, _) => calls(lang, &s),
        (Kind::ItemRates, _) => item_rates(&s),
        (Kind::List, _) => escape(&s.split(';').map(str::trim).collect::<Vec<_>>().join(", ")),
        (Kind::Quadrant, _) => quadrant(lang, &s),
        (Kind::Bool, _) => match (s.as_str(), name) {
            ("true", "over_rater") => format!(
                "<span class=\"badge bad\">{}</span>",
                lang.t("v.over_rater")
            ),
            ("true", "critical") => {
                format!("<span class=\"badge warn\">{}</span>", lang.t("v.critical"))
            }
            ("true", _) => lang.t("v.yes").to_string(),
            ("false", _) => format!("<span class=\"muted\">{}</span>", lang.t("v.no")),
            _ => escape(&s),
        },
        (Kind::Day, _) => format!("<time>{}</time>", escape(&s)),
        _ => escape(&s),
    }
}

/// Options of [`data_table`].
#[derive(Default)]
pub(crate) struct TableOpts<'a> {
    /// Columns not shown (they are in the CSV).
    pub skip: &'a [&'a str],
}

/// A report table as an HTML table: rows carry `data-day` / `data-team` for the filters.
pub(crate) fn data_table(lang: Lang, t: &Table, opts: &TableOpts) -> String {
    let cols: Vec<(usize, &String)> = t
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| !opts.skip.contains(&c.as_str()))
        .collect();
    let sample = |i: usize| {
        t.rows
            .iter()
            .find_map(|r| r.get(i).filter(|c| !matches!(c, Cell::Num(None))))
    };
    let kinds: Vec<Kind> = cols
        .iter()
        .map(|(i, c)| kind(&t.id, c, sample(*i)))
        .collect();
    let day = col(t, "day");
    let team = col(t, "team");
    let mut out = String::new();
    let _ = write!(
        out,
        "<div class=\"scroll\"><table class=\"data\" data-table=\"{}\"><thead><tr>",
        escape(&t.id)
    );
    for ((_, c), k) in cols.iter().zip(&kinds) {
        let class = if k.numeric() { " class=\"num\"" } else { "" };
        let _ = write!(
            out,
            "<th scope=\"col\"{class} title=\"{}\">{}</th>",
            escape(c),
            escape(&lang.column(c))
        );
    }
    out.push_str("</tr></thead><tbody>");
    for row in t.rows.iter().take(MAX_ROWS) {
        out.push_str("<tr");
        let mut filtered = false;
        if let Some(d) = day.and_then(|i| row.get(i)) {
            let _ = write!(out, " data-day=\"{}\"", escape(&text(Some(d))));
            filtered = true;
        }
        if let Some(tm) = team.and_then(|i| row.get(i)) {
            let _ = write!(out, " data-team=\"{}\"", escape(&text(Some(tm))));
            filtered = true;
        }
        if filtered {
            out.push_str(" class=\"f\"");
        }
        out.push('>');
        for ((i, c), k) in cols.iter().zip(&kinds) {
            let class = if k.numeric() { " class=\"num\"" } else { "" };
            let body = match row.get(*i) {
                Some(cell) => cell_html(lang, &t.id, c, cell),
                None => na(lang),
            };
            let _ = write!(out, "<td{class}>{body}</td>");
        }
        out.push_str("</tr>");
    }
    let _ = write!(
        out,
        "<tr class=\"nomatch\" hidden><td colspan=\"{}\">{}</td></tr></tbody></table></div>",
        cols.len().max(1),
        escape(lang.t("table.no_rows_filter"))
    );
    if t.rows.len() > MAX_ROWS {
        let _ = write!(
            out,
            "<p class=\"note\">{}</p>",
            escape(&lang.tf(
                "table.capped",
                &[
                    ("n", &MAX_ROWS.to_string()),
                    ("m", &t.rows.len().to_string()),
                    ("file", &format!("{}.csv", t.id)),
                ],
            ))
        );
    }
    out
}

/// The reason a table is empty, as a visible sentence; `None` when it has data.
pub(crate) fn absent(lang: Lang, t: &Table) -> Option<String> {
    if let Some(reason) = &t.absent {
        return Some(format!(
            "<p class=\"absent\">{}</p>",
            escape(&lang.absent(reason))
        ));
    }
    if t.rows.is_empty() {
        return Some(format!(
            "<p class=\"absent\">{}</p>",
            escape(lang.t("table.empty"))
        ));
    }
    None
}

/// Title of a known table (the id for others).
pub(crate) fn title(lang: Lang, id: &str) -> String {
    let key = crate::report::i18n::TEXTS
        .iter()
        .find(|(k, _, _)| k.strip_prefix("tbl.") == Some(id))
        .map(|(k, _, _)| *k);
    match key {
        Some(k) => lang.t(k).to_string(),
        None => id.to_string(),
    }
}

/// A titled block for one table: heading, CSV file name, then the table (collapsed behind
/// a `<details>` when `collapsed`) or the reason it is empty.
pub(crate) fn table_block(lang: Lang, t: &Table, opts: &TableOpts, collapsed: bool) -> String {
    let mut out = block_head(lang, t);
    match absent(lang, t) {
        Some(a) => out.push_str(&a),
        None if collapsed => {
            let _ = write!(
                out,
                "<details class=\"more\"><summary>{}</summary>{}</details>",
                escape(&lang.tf(
                    "table.show",
                    &[("n", &Fmt::Number(0).format(t.rows.len() as f64))]
                )),
                data_table(lang, t, opts)
            );
        }
        None => out.push_str(&data_table(lang, t, opts)),
    }
    out.push_str("</div>");
    out
}

/// Opening of a table's block (`</div>` closes it): anchor, heading and CSV name.
pub(crate) fn block_head(lang: Lang, t: &Table) -> String {
    format!(
        "<div class=\"block\" id=\"{id}\"><div class=\"block-head\"><h3>{}</h3><code class=\"file\" title=\"{}\">{id}.csv</code></div>",
        escape(&title(lang, &t.id)),
        escape(lang.t("page.csv")),
        id = escape(&t.id)
    )
}
