//! Charts for the dashboard as inline SVG, drawn here in Rust so the page needs no chart
//! library, no network and no script to show them.
//!
//! Every chart is an `<svg role="img">` with a `<title>` and a `<desc>` (screen readers and
//! hover), axis labels and one `<title>` per mark (hover shows the exact value). Two kinds
//! of markup are laid out so the page's small script can filter them without redrawing:
//! - per-day charts (`svg.daychart`): every mark carries `data-day`; the script hides days
//!   outside the chosen range and spreads the rest over the plot width with the same
//!   formulas as [`day_x`] and [`bar_slot`];
//! - row charts (`svg.rows`: bars, gaps, start → end): every row is a `<g class="row">`
//!   with an optional `data-team`; the script hides other teams' rows and stacks the rest.

use super::html::escape;
use std::fmt::Write;

/// How numbers on an axis or a label are written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fmt {
    /// A plain number with this many decimals, thousands grouped.
    Number(usize),
    /// A rate 0–1 shown as a percentage with this many decimals.
    Percent(usize),
    /// Seconds shown as `m:ss` (or `h:mm:ss`).
    Duration,
    /// A signed number with this many decimals (`+1.5`, `−0.3`).
    Signed(usize),
}

impl Fmt {
    /// The value written for a reader.
    pub fn format(self, v: f64) -> String {
        if !v.is_finite() {
            return "–".to_string();
        }
        match self {
            Fmt::Number(d) => group(v, d),
            Fmt::Percent(d) => format!("{}%", fixed(v * 100.0, d)),
            Fmt::Duration => duration(v),
            Fmt::Signed(d) => {
                let s = fixed(v.abs(), d);
                if s.chars().all(|c| c == '0' || c == '.') {
                    s
                } else if v < 0.0 {
                    format!("−{s}")
                } else {
                    format!("+{s}")
                }
            }
        }
    }
}

/// `v` with `d` decimals, `-0` written as `0`.
fn fixed(v: f64, d: usize) -> String {
    let s = format!("{v:.d$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// `v` with `d` decimals and thousands separated by commas (`12,345.60`).
pub fn group(v: f64, d: usize) -> String {
    let s = fixed(v, d);
    let (sign, rest) = match s.strip_prefix('-') {
        Some(r) => ("−", r),
        None => ("", s.as_str()),
    };
    let (int, frac) = match rest.find('.') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let mut out = String::with_capacity(s.len() + 4);
    out.push_str(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out.push_str(frac);
    out
}

/// Seconds as `m:ss`, or `h:mm:ss` from one hour on.
pub fn duration(secs: f64) -> String {
    if !secs.is_finite() {
        return "–".to_string();
    }
    let neg = secs < 0.0;
    let t = secs.abs().round() as u64;
    let (h, m, s) = (t / 3600, (t % 3600) / 60, t % 60);
    let body = if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    };
    if neg { format!("−{body}") } else { body }
}

/// Colour of a mark: what the value means to the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Plain data.
    Neutral,
    /// Better than it should be / good news.
    Good,
    /// Worse / needs attention.
    Bad,
    /// Worth a look.
    Warn,
    /// Context only.
    Muted,
}

impl Tone {
    fn class(self) -> &'static str {
        match self {
            Tone::Neutral => "t-neutral",
            Tone::Good => "t-good",
            Tone::Bad => "t-bad",
            Tone::Warn => "t-warn",
            Tone::Muted => "t-muted",
        }
    }
}

/// Series colours (distinguishable, also in grey scale by line dash for the first two).
pub const PALETTE: [&str; 8] = [
    "#2563eb", "#d97706", "#059669", "#db2777", "#7c3aed", "#0891b2", "#65a30d", "#6b7280",
];

/// A number as an SVG coordinate: one decimal, no trailing `.0`.
fn c(v: f64) -> String {
    let v = if v.is_finite() { v } else { 0.0 };
    let s = format!("{v:.1}");
    match s.strip_suffix(".0") {
        Some(t) if t != "-0" => t.to_string(),
        Some(_) => "0".to_string(),
        None => s,
    }
}

/// Round numbers for an axis from `lo` to `hi`: about `target` ticks at 1, 2, 2.5 or 5 × 10ⁿ.
pub fn nice_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    let (lo, hi) = if lo.is_finite() && hi.is_finite() {
        (lo.min(hi), lo.max(hi))
    } else {
        (0.0, 1.0)
    };
    let span = if hi - lo > 0.0 {
        hi - lo
    } else {
        lo.abs().max(1.0)
    };
    let raw = span / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).floor() * step;
    let mut ticks = Vec::new();
    let mut k = 0.0;
    loop {
        let t = first + k * step;
        // Snap away floating-point noise (0.30000000000000004).
        let scale = 10f64.powi((-step.log10().floor()) as i32 + 2);
        let t = ((t / step).round() * step * scale).round() / scale;
        ticks.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
        if t >= hi - step * 1e-9 || ticks.len() > 50 {
            break;
        }
        k += 1.0;
    }
    if ticks.len() == 1 {
        ticks.push(ticks[0] + step);
    }
    ticks
}

/// Opening of a chart: `<svg>` with its title and description for assistive technology.
/// `head` is the element id, the title and the description.
fn open(out: &mut String, class: &str, (w, h): (f64, f64), head: [&str; 3], data: &str) {
    let [id, title, desc] = head;
    let id = escape(id);
    let _ = write!(
        out,
        "<svg id=\"{id}\" class=\"chart {class}\" viewBox=\"0 0 {} {}\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\"{data}>\
         <title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        c(w),
        c(h),
        escape(title),
        escape(desc)
    );
}

/// A message in the middle of the plot when there is no data; per-day charts always carry
/// it (hidden while there is data) so the filter can show it for an empty range.
fn empty_note(out: &mut String, x: f64, y: f64, text: &str, hidden: bool) {
    let _ = write!(
        out,
        "<text class=\"empty\" x=\"{}\" y=\"{}\" text-anchor=\"middle\"{}>{}</text>",
        c(x),
        c(y),
        if hidden {
            " style=\"display:none\""
        } else {
            ""
        },
        escape(text)
    );
}

/// One line of a per-day chart.
#[derive(Debug, Clone)]
pub struct DaySeries {
    /// Legend name.
    pub name: String,
    /// One value per day of the chart (`None`: no data that day, the line breaks).
    pub values: Vec<Option<f64>>,
}

/// A chart with one mark per day: lines ([`day_lines`]) or bars ([`day_bars`]).
#[derive(Debug, Clone)]
pub struct DayChart {
    /// Unique element id (also prefix of the title and description ids).
    pub id: String,
    /// Accessible title.
    pub title: String,
    /// Accessible description (what is plotted, in words).
    pub desc: String,
    /// Days, `YYYY-MM-DD`, ascending.
    pub days: Vec<String>,
    /// Series (bars use the first only).
    pub series: Vec<DaySeries>,
    /// Fixed lower end of the y axis (otherwise from the data, 0 included).
    pub y_min: Option<f64>,
    /// Fixed upper end of the y axis (otherwise from the data).
    pub y_max: Option<f64>,
    /// How y values are written.
    pub y_fmt: Fmt,
    /// Y axis label.
    pub y_label: String,
    /// Shown in the plot when there is nothing to draw.
    pub empty: String,
    /// Drawn across the page rather than beside another chart.
    pub wide: bool,
}

impl DayChart {
    fn width(&self) -> f64 {
        if self.wide { DW_WIDE } else { DW_HALF }
    }
}

/// Width of a per-day chart beside another one; [`DayChart::wide`] ones span the page.
const DW_HALF: f64 = 560.0;
const DW_WIDE: f64 = 960.0;
const DH: f64 = 230.0;
const DL: f64 = 56.0;
const DR: f64 = 16.0;
const DT: f64 = 22.0;
const DB: f64 = 30.0;
/// At most this many day labels under a per-day chart (the script uses the same number).
pub const MAX_DAY_LABELS: usize = 10;
/// Widest bar of a per-day bar chart (the script uses the same number).
pub const MAX_BAR_W: f64 = 28.0;

/// X of day `i` of `n` on a line chart spanning `x0..x1` (one day: the middle).
pub fn day_x(i: usize, n: usize, x0: f64, x1: f64) -> f64 {
    if n <= 1 {
        (x0 + x1) / 2.0
    } else {
        x0 + i as f64 * (x1 - x0) / (n - 1) as f64
    }
}

/// Centre and width of bar `i` of `n` over `x0..x1`.
pub fn bar_slot(i: usize, n: usize, x0: f64, x1: f64) -> (f64, f64) {
    let slot = (x1 - x0) / n.max(1) as f64;
    (x0 + (i as f64 + 0.5) * slot, (slot * 0.7).min(MAX_BAR_W))
}

fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

/// Y scale of a per-day chart: ticks and the value → y mapping.
fn day_scale(chart: &DayChart) -> (Vec<f64>, impl Fn(f64) -> f64) {
    let vals = chart
        .series
        .iter()
        .flat_map(|s| s.values.iter().copied().filter_map(finite));
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in vals {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    let lo = chart.y_min.unwrap_or(lo.min(0.0));
    let hi = chart.y_max.unwrap_or(hi).max(lo);
    let ticks = nice_ticks(lo, hi, 5);
    let (t0, t1) = (ticks[0], *ticks.last().unwrap_or(&1.0));
    let span = if t1 > t0 { t1 - t0 } else { 1.0 };
    let y = move |v: f64| DH - DB - (v - t0) / span * (DH - DB - DT);
    (ticks, y)
}

/// Axes, grid and day labels shared by line and bar charts.
fn day_frame(
    out: &mut String,
    chart: &DayChart,
    ticks: &[f64],
    y: &dyn Fn(f64) -> f64,
    bars: bool,
) {
    let dw = chart.width();
    let _ = write!(
        out,
        "<text class=\"axis-label\" x=\"{}\" y=\"12\">{}</text>",
        c(DL),
        escape(&chart.y_label)
    );
    for t in ticks {
        let ty = y(*t);
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/>\
             <text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            c(DL),
            c(dw - DR),
            c(DL - 6.0),
            c(ty + 4.0),
            escape(&chart.y_fmt.format(*t)),
            y = c(ty)
        );
    }
    let _ = write!(
        out,
        "<line class=\"axis\" x1=\"{}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/>",
        c(DL),
        c(dw - DR),
        y = c(DH - DB)
    );
    let n = chart.days.len();
    let step = n.div_ceil(MAX_DAY_LABELS).max(1);
    let (x0, x1) = plot_x(bars, dw);
    for (i, d) in chart.days.iter().enumerate() {
        let x = if bars {
            bar_slot(i, n, x0, x1).0
        } else {
            day_x(i, n, x0, x1)
        };
        let hidden = if i % step == 0 {
            ""
        } else {
            " style=\"display:none\""
        };
        let _ = write!(
            out,
            "<text class=\"tick xl\" data-day=\"{}\" x=\"{}\" y=\"{}\" text-anchor=\"middle\"{hidden}>{}</text>",
            escape(d),
            c(x),
            c(DH - DB + 16.0),
            escape(short_day(d))
        );
    }
}

/// The plot's horizontal extent: line charts keep a margin so end points are not clipped.
fn plot_x(bars: bool, dw: f64) -> (f64, f64) {
    if bars {
        (DL, dw - DR)
    } else {
        (DL + 14.0, dw - DR - 14.0)
    }
}

/// `2026-03-07` → `03-07` (the year is in the page header and the tooltip).
fn short_day(d: &str) -> &str {
    if d.len() == 10 && d.as_bytes()[4] == b'-' {
        &d[5..]
    } else {
        d
    }
}

/// Per-day line chart: one line per series, a dot per day with data, gaps where a day has none.
pub fn day_lines(chart: &DayChart) -> String {
    let dw = chart.width();
    let mut out = String::new();
    let (x0, x1) = plot_x(false, dw);
    let data = format!(
        " data-kind=\"line\" data-x0=\"{}\" data-x1=\"{}\" data-days=\"{}\"",
        c(x0),
        c(x1),
        escape(&chart.days.join(" "))
    );
    open(
        &mut out,
        "daychart",
        (dw, DH),
        [&chart.id, &chart.title, &chart.desc],
        &data,
    );
    let (ticks, y) = day_scale(chart);
    day_frame(&mut out, chart, &ticks, &y, false);
    let n = chart.days.len();
    let mut any = false;
    for (si, s) in chart.series.iter().enumerate() {
        let color = PALETTE[si % PALETTE.len()];
        let dash = if si == 1 {
            " stroke-dasharray=\"6 4\""
        } else {
            ""
        };
        let mut path = String::new();
        let mut dots = String::new();
        let mut pen = false;
        for (i, d) in chart.days.iter().enumerate() {
            match finite(s.values.get(i).copied().flatten()) {
                Some(v) => {
                    any = true;
                    let (px, py) = (day_x(i, n, x0, x1), y(v));
                    let _ = write!(path, "{}{} {}", if pen { "L" } else { "M" }, c(px), c(py));
                    pen = true;
                    let _ = write!(
                        dots,
                        "<circle data-day=\"{}\" cx=\"{}\" cy=\"{}\" r=\"3.2\" fill=\"{color}\"><title>{} · {}: {}</title></circle>",
                        escape(d),
                        c(px),
                        c(py),
                        escape(d),
                        escape(&s.name),
                        escape(&chart.y_fmt.format(v))
                    );
                }
                None => pen = false,
            }
        }
        let _ = write!(
            out,
            "<g class=\"series\" data-series=\"{}\"><path class=\"line\" d=\"{path}\" stroke=\"{color}\"{dash}/>{dots}</g>",
            escape(&s.name)
        );
    }
    empty_note(
        &mut out,
        (DL + dw - DR) / 2.0,
        (DT + DH - DB) / 2.0,
        &chart.empty,
        any,
    );
    out.push_str("</svg>");
    out
}

/// Per-day bar chart of the first series.
pub fn day_bars(chart: &DayChart) -> String {
    let dw = chart.width();
    let mut out = String::new();
    let (x0, x1) = plot_x(true, dw);
    let data = format!(
        " data-kind=\"bar\" data-x0=\"{}\" data-x1=\"{}\" data-days=\"{}\"",
        c(x0),
        c(x1),
        escape(&chart.days.join(" "))
    );
    open(
        &mut out,
        "daychart",
        (dw, DH),
        [&chart.id, &chart.title, &chart.desc],
        &data,
    );
    let (ticks, y) = day_scale(chart);
    day_frame(&mut out, chart, &ticks, &y, true);
    let n = chart.days.len();
    let mut any = false;
    if let Some(s) = chart.series.first() {
        let base = y(ticks[0].max(0.0).min(*ticks.last().unwrap_or(&0.0)));
        out.push_str("<g class=\"bars\">");
        for (i, d) in chart.days.iter().enumerate() {
            if let Some(v) = finite(s.values.get(i).copied().flatten()) {
                any = true;
                let (cx, w) = bar_slot(i, n, x0, x1);
                let top = y(v).min(base);
                let h = (y(v) - base).abs();
                let _ = write!(
                    out,
                    "<rect data-day=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\" rx=\"2\"><title>{} · {}: {}</title></rect>",
                    escape(d),
                    c(cx - w / 2.0),
                    c(top),
                    c(w),
                    c(h),
                    PALETTE[0],
                    escape(d),
                    escape(&s.name),
                    escape(&chart.y_fmt.format(v))
                );
            }
        }
        out.push_str("</g>");
    }
    empty_note(
        &mut out,
        (DL + dw - DR) / 2.0,
        (DT + DH - DB) / 2.0,
        &chart.empty,
        any,
    );
    out.push_str("</svg>");
    out
}

mod rows;
mod scatter;

pub use rows::{Row, RowChart, bar_rows, range_rows};
pub use scatter::{Point, Scatter, scatter};

#[cfg(test)]
mod tests;
