//! `explain` as text: header, transcript with hits marked, then the scorecard and the
//! rest of the record ([`super::card`]).

use super::Explained;
use super::card;
use super::turns::TurnHit;
use crate::record::{CallRecord, Evidence, Outcome};
use crate::redact::{Found, apply as redact_in, find as redact_find};
use crate::rules::Pack;
use crate::score::fmt_time;
use crate::transcript::Call;
use anstyle::{AnsiColor, Style};
use std::fmt::Write as _;
use std::ops::Range;

/// Terminal styles; all plain when colour is off.
pub(super) struct Styles {
    pub(super) color: bool,
    pub(super) hit: Style,
    pub(super) tag: Style,
    pub(super) head: Style,
    pub(super) pass: Style,
    pub(super) fail: Style,
    pub(super) na: Style,
    pub(super) dim: Style,
}

impl Styles {
    pub(super) fn new(color: bool) -> Self {
        let s = |st: Style| if color { st } else { Style::new() };
        Styles {
            color,
            hit: s(Style::new().bold().fg_color(Some(AnsiColor::Yellow.into()))),
            tag: s(Style::new().fg_color(Some(AnsiColor::Cyan.into()))),
            head: s(Style::new().bold()),
            pass: s(Style::new().fg_color(Some(AnsiColor::Green.into()))),
            fail: s(Style::new().bold().fg_color(Some(AnsiColor::Red.into()))),
            na: s(Style::new().dimmed()),
            dim: s(Style::new().dimmed()),
        }
    }
}

pub(super) fn paint(st: Style, text: &str) -> String {
    if st.is_plain() {
        text.to_string()
    } else {
        format!("{}{text}{}", st.render(), st.render_reset())
    }
}

/// A signed number with a real minus sign: `−0.62`, `+0.40`, `0.00`.
pub fn signed(x: f64) -> String {
    if x < -0.0005 {
        format!("−{:.2}", -x)
    } else if x > 0.0005 {
        format!("+{x:.2}")
    } else {
        "0.00".to_string()
    }
}

pub(super) fn score_str(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_string(), |v| format!("{v}"))
}

pub(super) fn time_str(ms: Option<u64>) -> String {
    ms.map_or_else(|| "--:--".to_string(), fmt_time)
}

/// The turn's text with hits marked: `[[…]]` in plain mode, bold colour on a terminal.
/// Redacted runs are never split by a highlight (a highlight grows to cover them).
pub(super) fn marked_text(text: &str, hits: &[TurnHit], redact_on: bool, st: &Styles) -> String {
    let mut ranges: Vec<Range<usize>> = hits
        .iter()
        .map(|h| {
            let s = (h.start as usize).min(text.len());
            s..(h.end as usize).clamp(s, text.len())
        })
        .filter(|r| !r.is_empty())
        .collect();
    ranges.sort_by_key(|r| (r.start, r.end));
    // Personal data is found once in the whole turn, so that each piece is told apart
    // (card, phone, id) with all of its context, whatever piece of the text it falls in.
    let found: Vec<Found> = if redact_on {
        redact_find(text)
    } else {
        Vec::new()
    };
    let mut red: Vec<Range<usize>> = Vec::with_capacity(found.len());
    for f in &found {
        match red.last_mut() {
            Some(last) if f.range.start <= last.end => last.end = last.end.max(f.range.end),
            _ => red.push(f.range.clone()),
        }
    }
    // Merge overlapping highlights, and grow them over redacted runs they touch.
    let mut merged: Vec<Range<usize>> = Vec::new();
    for mut r in ranges {
        // `red` is sorted and merged: the runs that touch `r` follow the first one
        // that ends after its start (found by binary search, not a scan per hit).
        let first = red.partition_point(|x| x.end <= r.start);
        for x in &red[first..] {
            if x.start >= r.end {
                break;
            }
            r = r.start.min(x.start)..r.end.max(x.end);
        }
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    let piece = |r: Range<usize>| -> String {
        let s = if redact_on {
            redact_in(text, &found, r)
        } else {
            text[r].to_string()
        };
        s.replace(['\n', '\r', '\t'], " ")
    };
    let mut out = String::new();
    let mut at = 0;
    for r in merged {
        if !text.is_char_boundary(r.start) || !text.is_char_boundary(r.end) || r.start < at {
            continue;
        }
        out.push_str(&piece(at..r.start));
        let m = piece(r.start..r.end);
        if st.color {
            out.push_str(&paint(st.hit, &m));
        } else {
            let _ = write!(out, "[[{m}]]");
        }
        at = r.end;
    }
    out.push_str(&piece(at..text.len()));
    out
}

/// Render an explained call as text (`color`: ANSI styles instead of `[[…]]`).
pub fn render_text(
    pack: &Pack,
    call: &Call,
    ex: &Explained,
    redact_on: bool,
    color: bool,
) -> String {
    let st = Styles::new(color);
    let mut o = String::new();
    header(&mut o, pack, ex, &st);
    transcript(&mut o, call, ex, redact_on, &st);
    card::scorecard(&mut o, pack, ex, &st);
    card::sentiment(&mut o, &ex.record, &st);
    card::drivers(&mut o, &ex.record, &st);
    card::metrics(&mut o, &ex.record, &st);
    card::lack_of_metadata(&mut o, &ex.record, &st);
    o
}

fn header(o: &mut String, pack: &Pack, ex: &Explained, st: &Styles) {
    let r = &ex.record;
    let source = match r.source_line {
        Some(l) => format!("{}:{l}", r.source),
        None => r.source.clone(),
    };
    let _ = writeln!(
        o,
        "{} {}",
        paint(st.head, "call"),
        paint(st.head, &r.call_id)
    );
    let _ = writeln!(
        o,
        "  source    {source} ({}, language {}){}",
        r.format,
        r.language,
        if ex.times_estimated {
            ", times estimated"
        } else {
            ""
        }
    );
    let meta = metadata_line(r);
    if !meta.is_empty() {
        let _ = writeln!(o, "  metadata  {meta}");
    }
    let failed_critical: Vec<&str> =
        r.qa.items
            .iter()
            .filter(|i| i.critical && i.result == Outcome::Fail)
            .map(|i| i.id.as_str())
            .collect();
    let qa = if r.qa.auto_fail {
        format!(
            "{}  {} (critical item failed: {}; raw score {})",
            score_str(r.qa.score),
            paint(st.fail, "AUTO-FAIL"),
            failed_critical.join(", "),
            score_str(r.qa.raw_score)
        )
    } else {
        format!("{}  (no auto-fail)", score_str(r.qa.score))
    };
    let _ = writeln!(o, "  QA score  {qa}");
    let _ = writeln!(
        o,
        "  driver    {}",
        match (&r.drivers.primary, &r.drivers.department) {
            (Some(p), Some(d)) => format!("{p} (department {d})"),
            (Some(p), None) => p.clone(),
            _ => "none found".to_string(),
        }
    );
    let _ = writeln!(
        o,
        "  rules     {} ({})",
        pack.label(),
        &pack.hash[..12.min(pack.hash.len())]
    );
}

fn transcript(o: &mut String, call: &Call, ex: &Explained, redact_on: bool, st: &Styles) {
    let _ = writeln!(o, "\n{}", paint(st.head, "Transcript"));
    for (t, v) in call.turns.iter().zip(&ex.turns) {
        let mut line = format!(
            "[{}] {:<8}  {}",
            time_str(v.start_ms),
            v.speaker.as_str().to_uppercase(),
            marked_text(&t.text, &v.hits, redact_on, st)
        );
        if !v.tags.is_empty() {
            let _ = write!(
                line,
                "  {}",
                paint(st.tag, &format!("← {}", v.tags.join(", ")))
            );
        }
        if !v.not_counted.is_empty() {
            let _ = write!(
                line,
                "  {}",
                paint(
                    st.dim,
                    &format!("(not counted: {})", v.not_counted.join("; "))
                )
            );
        }
        if v.sentiment != 0.0 {
            let _ = write!(
                line,
                "  {}",
                paint(st.dim, &format!("sentiment {}", signed(v.sentiment)))
            );
        }
        let _ = writeln!(o, "{line}");
    }
}

pub(super) fn evidence_time(e: &Evidence) -> String {
    e.start_ms
        .map(fmt_time)
        .unwrap_or_else(|| format!("turn {}", e.turn + 1))
}

fn metadata_line(r: &CallRecord) -> String {
    let m = &r.metadata;
    let mut parts = Vec::new();
    let mut push = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            parts.push(format!("{k}={v}"));
        }
    };
    push("agent", m.agent.clone());
    push("team", m.team.clone());
    push("queue", m.queue.clone());
    push("channel", m.channel.clone());
    push("started_at", m.started_at.clone());
    push("customer_id", m.customer_id.clone());
    push("csat", m.csat.map(|x| format!("{x}")));
    push("nps", m.nps.map(|x| format!("{x}")));
    push("human_qa_score", m.human_qa_score.map(|x| format!("{x}")));
    push("self_score", m.self_score.map(|x| format!("{x}")));
    for (k, v) in &m.extra {
        parts.push(format!("{k}={v}"));
    }
    parts.join(" ")
}
