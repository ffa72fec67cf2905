//! Row charts: labelled horizontal bars from zero and start → end arrows, one `<g class="row">`
//! per row so the page's team filter can hide rows and stack the rest.

use super::{Fmt, Tone, c, empty_note, escape, nice_ticks, open};
use std::fmt::Write;

/// One row of a row chart.
#[derive(Debug, Clone)]
pub struct Row {
    /// Label at the left.
    pub label: String,
    /// Bar: the value. Range ([`range_rows`]): the start.
    pub value: f64,
    /// Range only: the end (the arrow points here).
    pub end: Option<f64>,
    /// Text at the right end (formatted value, marks).
    pub text: String,
    /// Colour.
    pub tone: Tone,
    /// Team, for the team filter (`data-team`).
    pub team: Option<String>,
    /// Hover text.
    pub hover: String,
}

/// A chart of labelled rows: horizontal bars from zero ([`bar_rows`]) or start → end
/// arrows ([`range_rows`]).
#[derive(Debug, Clone)]
pub struct RowChart {
    /// Unique element id.
    pub id: String,
    /// Accessible title.
    pub title: String,
    /// Accessible description.
    pub desc: String,
    /// Rows, top to bottom.
    pub rows: Vec<Row>,
    /// Fixed axis start (otherwise from the data, 0 included).
    pub x_min: Option<f64>,
    /// Fixed axis end (otherwise from the data).
    pub x_max: Option<f64>,
    /// How axis values are written.
    pub x_fmt: Fmt,
    /// Axis label (above the axis).
    pub x_label: String,
    /// Shown when there are no rows.
    pub empty: String,
}

const RW: f64 = 960.0;
const RL: f64 = 190.0;
const RR: f64 = 230.0;
const RTOP: f64 = 40.0;
const ROW_H: f64 = 24.0;
const RBOT: f64 = 8.0;

/// Cut a label to `n` characters (the full text stays in the hover title).
fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

fn row_scale(chart: &RowChart) -> (Vec<f64>, impl Fn(f64) -> f64 + use<>) {
    let (mut lo, mut hi) = (0.0f64, f64::NEG_INFINITY);
    for r in &chart.rows {
        for v in [Some(r.value), r.end]
            .into_iter()
            .flatten()
            .filter(|v| v.is_finite())
        {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    if !hi.is_finite() {
        hi = 1.0;
    }
    let lo = chart.x_min.unwrap_or(lo);
    let hi = chart.x_max.unwrap_or(hi).max(lo);
    let ticks = nice_ticks(lo, hi, 5);
    let (t0, t1) = (ticks[0], *ticks.last().unwrap_or(&1.0));
    let span = if t1 > t0 { t1 - t0 } else { 1.0 };
    (ticks, move |v: f64| RL + (v - t0) / span * (RW - RL - RR))
}

fn rows_chart(chart: &RowChart, arrows: bool) -> String {
    let mut out = String::new();
    let n = chart.rows.len();
    let h = RTOP + (n.max(1)) as f64 * ROW_H + RBOT;
    let data = format!(
        " data-y0=\"{}\" data-row=\"{}\" data-bottom=\"{}\"",
        c(RTOP),
        c(ROW_H),
        c(RBOT)
    );
    open(
        &mut out,
        "rows",
        (RW, h),
        [&chart.id, &chart.title, &chart.desc],
        &data,
    );
    let (ticks, x) = row_scale(chart);
    let _ = write!(
        out,
        "<text class=\"axis-label\" x=\"{}\" y=\"12\">{}</text>",
        c(RL),
        escape(&chart.x_label)
    );
    for t in &ticks {
        let _ = write!(
            out,
            "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            c(x(*t)),
            c(RTOP - 8.0),
            escape(&chart.x_fmt.format(*t))
        );
    }
    if n == 0 {
        empty_note(
            &mut out,
            (RL + RW - RR) / 2.0,
            RTOP + ROW_H * 0.65,
            &chart.empty,
            false,
        );
    }
    let zero = x(0.0f64.clamp(ticks[0], *ticks.last().unwrap_or(&0.0)));
    for (i, r) in chart.rows.iter().enumerate() {
        let team = match &r.team {
            Some(t) => format!(" data-team=\"{}\"", escape(t)),
            None => String::new(),
        };
        let _ = write!(
            out,
            "<g class=\"row\"{team} transform=\"translate(0,{})\"><title>{}</title>",
            c(RTOP + i as f64 * ROW_H),
            escape(&r.hover)
        );
        for t in &ticks {
            let _ = write!(
                out,
                "<line class=\"grid\" x1=\"{x}\" x2=\"{x}\" y1=\"0\" y2=\"{}\"/>",
                c(ROW_H),
                x = c(x(*t))
            );
        }
        let _ = write!(
            out,
            "<text class=\"label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            c(RL - 8.0),
            c(ROW_H / 2.0 + 4.0),
            escape(&clip(&r.label, 26))
        );
        let v = if r.value.is_finite() { r.value } else { 0.0 };
        let right = if arrows {
            let e = r.end.filter(|e| e.is_finite()).unwrap_or(v);
            let (xs, xe) = (x(v), x(e));
            let mid = c(ROW_H / 2.0);
            let _ = write!(
                out,
                "<line class=\"range {}\" x1=\"{}\" x2=\"{}\" y1=\"{mid}\" y2=\"{mid}\"/>\
                 <circle class=\"start\" cx=\"{}\" cy=\"{mid}\" r=\"4\"/>\
                 <path class=\"head {}\" d=\"M{} {}L{} {mid}L{} {}Z\"/>",
                r.tone.class(),
                c(xs),
                c(xe),
                c(xs),
                r.tone.class(),
                c(xe - if e >= v { 8.0 } else { -8.0 }),
                c(ROW_H / 2.0 - 5.0),
                c(xe),
                c(xe - if e >= v { 8.0 } else { -8.0 }),
                c(ROW_H / 2.0 + 5.0),
            );
            xs.max(xe)
        } else {
            let (a, b) = (zero.min(x(v)), zero.max(x(v)));
            let _ = write!(
                out,
                "<rect class=\"bar {}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"2\"/>",
                r.tone.class(),
                c(a),
                c(4.0),
                c((b - a).max(1.0)),
                c(ROW_H - 8.0)
            );
            b
        };
        let _ = write!(
            out,
            "<text class=\"value\" x=\"{}\" y=\"{}\">{}</text></g>",
            c(right + 6.0),
            c(ROW_H / 2.0 + 4.0),
            escape(&r.text)
        );
    }
    if !arrows && n > 0 && ticks[0] < 0.0 {
        let _ = write!(
            out,
            "<line class=\"axis zero\" x1=\"{z}\" x2=\"{z}\" y1=\"{}\" y2=\"{}\"/>",
            c(RTOP),
            c(h - RBOT),
            z = c(zero)
        );
    }
    out.push_str("</svg>");
    out
}

/// Horizontal bars from zero (negative values go left of a zero line).
pub fn bar_rows(chart: &RowChart) -> String {
    rows_chart(chart, false)
}

/// Start → end arrows per row (a dot at the start, the head at the end).
pub fn range_rows(chart: &RowChart) -> String {
    rows_chart(chart, true)
}
