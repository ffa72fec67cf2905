//! Scatter chart with median lines splitting it into named quadrants (QA vs CSAT).

use super::{Fmt, Tone, c, empty_note, escape, nice_ticks, open};
use std::fmt::Write;

/// One point of a scatter chart.
#[derive(Debug, Clone)]
pub struct Point {
    /// Name (hover).
    pub label: String,
    /// X value.
    pub x: f64,
    /// Y value.
    pub y: f64,
    /// Colour.
    pub tone: Tone,
    /// Team, for the team filter.
    pub team: Option<String>,
    /// Hover text.
    pub hover: String,
}

/// Scatter chart with optional split lines (medians) dividing it into four quadrants.
#[derive(Debug, Clone)]
pub struct Scatter {
    /// Unique element id.
    pub id: String,
    /// Accessible title.
    pub title: String,
    /// Accessible description.
    pub desc: String,
    /// Points.
    pub points: Vec<Point>,
    /// X axis label.
    pub x_label: String,
    /// Y axis label.
    pub y_label: String,
    /// How x values are written.
    pub x_fmt: Fmt,
    /// How y values are written.
    pub y_fmt: Fmt,
    /// Vertical split line (x median) and its label.
    pub x_split: Option<(f64, String)>,
    /// Horizontal split line (y median) and its label.
    pub y_split: Option<(f64, String)>,
    /// Quadrant names: top left, top right, bottom left, bottom right.
    pub quadrants: [String; 4],
    /// Shown when there are no points.
    pub empty: String,
}

const SW: f64 = 640.0;
const SH: f64 = 420.0;
const SL: f64 = 60.0;
const SR: f64 = 20.0;
const ST: f64 = 20.0;
const SB: f64 = 46.0;

fn extent(vals: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in vals.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.08).max(if hi == lo { 1.0 } else { 0.0 });
    (lo - pad, hi + pad)
}

/// Scatter plot (QA vs CSAT): one dot per point, median lines and quadrant names.
pub fn scatter(chart: &Scatter) -> String {
    let mut out = String::new();
    open(
        &mut out,
        "scatter",
        (SW, SH),
        [&chart.id, &chart.title, &chart.desc],
        "",
    );
    let pts: Vec<&Point> = chart
        .points
        .iter()
        .filter(|p| p.x.is_finite() && p.y.is_finite())
        .collect();
    let split_x = chart
        .x_split
        .as_ref()
        .map(|s| s.0)
        .filter(|v| v.is_finite());
    let split_y = chart
        .y_split
        .as_ref()
        .map(|s| s.0)
        .filter(|v| v.is_finite());
    let (xl, xh) = extent(pts.iter().map(|p| p.x).chain(split_x));
    let (yl, yh) = extent(pts.iter().map(|p| p.y).chain(split_y));
    let xt = nice_ticks(xl, xh, 6);
    let yt = nice_ticks(yl, yh, 5);
    let (x0, x1) = (xt[0], *xt.last().unwrap_or(&1.0));
    let (y0, y1) = (yt[0], *yt.last().unwrap_or(&1.0));
    let sx = |v: f64| SL + (v - x0) / if x1 > x0 { x1 - x0 } else { 1.0 } * (SW - SL - SR);
    let sy = |v: f64| SH - SB - (v - y0) / if y1 > y0 { y1 - y0 } else { 1.0 } * (SH - SB - ST);
    for t in &xt {
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{x}\" x2=\"{x}\" y1=\"{}\" y2=\"{}\"/><text class=\"tick\" x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            c(ST),
            c(SH - SB),
            c(SH - SB + 16.0),
            escape(&chart.x_fmt.format(*t)),
            x = c(sx(*t))
        );
    }
    for t in &yt {
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/><text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            c(SL),
            c(SW - SR),
            c(SL - 6.0),
            c(sy(*t) + 4.0),
            escape(&chart.y_fmt.format(*t)),
            y = c(sy(*t))
        );
    }
    let _ = write!(
        out,
        "<text class=\"axis-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\
         <text class=\"axis-label\" transform=\"translate(14,{}) rotate(-90)\" text-anchor=\"middle\">{}</text>",
        c((SL + SW - SR) / 2.0),
        c(SH - 8.0),
        escape(&chart.x_label),
        c((ST + SH - SB) / 2.0),
        escape(&chart.y_label)
    );
    if !pts.is_empty() {
        let q = &chart.quadrants;
        for (i, (x, y, anchor)) in [
            (SL + 8.0, ST + 16.0, "start"),
            (SW - SR - 8.0, ST + 16.0, "end"),
            (SL + 8.0, SH - SB - 8.0, "start"),
            (SW - SR - 8.0, SH - SB - 8.0, "end"),
        ]
        .into_iter()
        .enumerate()
        {
            let _ = write!(
                out,
                "<text class=\"quadrant q{i}\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
                c(x),
                c(y),
                escape(&q[i])
            );
        }
    }
    if let (Some(v), Some((_, label))) = (split_x, &chart.x_split) {
        let _ = write!(
            out,
            "<line class=\"median\" x1=\"{x}\" x2=\"{x}\" y1=\"{}\" y2=\"{}\"/><text class=\"median-label\" x=\"{}\" y=\"{}\">{}</text>",
            c(ST),
            c(SH - SB),
            c(sx(v) + 4.0),
            c(ST + 32.0),
            escape(label),
            x = c(sx(v))
        );
    }
    if let (Some(v), Some((_, label))) = (split_y, &chart.y_split) {
        let _ = write!(
            out,
            "<line class=\"median\" x1=\"{}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\"/><text class=\"median-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            c(SL),
            c(SW - SR),
            c(SW - SR - 4.0),
            c(sy(v) - 5.0),
            escape(label),
            y = c(sy(v))
        );
    }
    for p in &pts {
        let team = match &p.team {
            Some(t) => format!(" data-team=\"{}\"", escape(t)),
            None => String::new(),
        };
        let _ = write!(
            out,
            "<circle class=\"pt f {}\"{team} cx=\"{}\" cy=\"{}\" r=\"5\"><title>{}</title></circle>",
            p.tone.class(),
            c(sx(p.x)),
            c(sy(p.y)),
            escape(&p.hover)
        );
    }
    if pts.is_empty() {
        empty_note(
            &mut out,
            (SL + SW - SR) / 2.0,
            (ST + SH - SB) / 2.0,
            &chart.empty,
            false,
        );
    }
    out.push_str("</svg>");
    out
}
