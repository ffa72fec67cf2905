//! `callscore explain`: one call, turn by turn, with every rule hit highlighted and
//! tagged with the items and drivers it fed, then the scorecard with reasons, sentiment,
//! drivers and metrics. For QA leads tuning a pack ("why did this call fail?").
//!
//! [`explain_call`] scans and scores the call exactly as `run` does (same record), and
//! adds per-turn views: the hits of each turn (original byte ranges), grouped by text,
//! with the rules each feeds ([`crate::rules::pack::LeafOwner`]) and whether the hit was
//! in the rule's scope (speaker, window). [`render_text`] prints it for a terminal or a
//! plain file; the JSON form is the record plus the turn views.

use crate::matcher::{Scan, scan_call};
use crate::record::{CallRecord, Evidence, Outcome};
use crate::redact::{redact, spans as redact_spans};
use crate::rules::Pack;
use crate::rules::pack::LeafOwner;
use crate::score::eval::EvalCtx;
use crate::score::{ScoreOptions, fmt_time, score_call};
use crate::transcript::{Call, Speaker};
use anstyle::{AnsiColor, Style};
use serde::Serialize;
use std::fmt::Write as _;
use std::ops::Range;

/// A call explained: its record and a view of every turn.
#[derive(Debug, Clone, Serialize)]
pub struct Explained {
    /// Always `"explain"`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The record, exactly as `run` writes it.
    pub record: CallRecord,
    /// Every turn with its hits.
    pub turns: Vec<TurnView>,
    /// Times were estimated (the source had none).
    pub times_estimated: bool,
}

/// One turn with its hits.
#[derive(Debug, Clone, Serialize)]
pub struct TurnView {
    /// Turn index (0-based).
    pub turn: u32,
    /// Who spoke.
    pub speaker: Speaker,
    /// Start, ms.
    pub start_ms: Option<u64>,
    /// End, ms.
    pub end_ms: Option<u64>,
    /// The text (redacted unless `--no-redact`).
    pub text: String,
    /// Sentiment of the turn (−1…+1; 0 without sentiment terms).
    pub sentiment: f64,
    /// Hits in the turn, by position; byte ranges are in the original text.
    pub hits: Vec<TurnHit>,
    /// Ids of the items and drivers the turn's in-scope hits fed, in order of first hit.
    pub tags: Vec<String>,
    /// Ids whose phrases were said here but did not count (wrong speaker or outside
    /// the window), with why.
    pub not_counted: Vec<String>,
}

/// One stretch of a turn that some rule phrase or regex matched.
#[derive(Debug, Clone, Serialize)]
pub struct TurnHit {
    /// Byte offset in the turn's original text.
    pub start: u32,
    /// End byte offset (exclusive).
    pub end: u32,
    /// The matched text (redacted unless `--no-redact`).
    pub matched: String,
    /// The phrases or regexes as written that matched here.
    pub rules: Vec<String>,
    /// What the hit fed.
    pub feeds: Vec<Tag>,
}

/// One rule a hit fed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tag {
    /// Item or driver id.
    pub id: String,
    /// `item`, `applies_when` (the item's applicability) or `driver`.
    pub kind: &'static str,
    /// Whether the hit was in the rule's scope (speaker, window), i.e. counted.
    pub counted: bool,
    /// Why not, when not counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// Scan, score and explain one call.
pub fn explain_call(pack: &Pack, call: &Call, opts: ScoreOptions) -> Explained {
    let mut scan = Scan::new(pack);
    scan_call(pack, call, &mut scan);
    let record = score_call(pack, call, &scan, opts);
    let mut turns = turn_views(pack, call, &scan, opts);
    // A hit that fed an item which turned out not applicable says so.
    for v in &mut turns {
        for tag in &mut v.tags {
            if record
                .qa
                .items
                .iter()
                .any(|i| i.id == *tag && i.result == Outcome::Na)
            {
                tag.push_str(" (n/a)");
            }
        }
    }
    Explained {
        kind: "explain",
        record,
        turns,
        times_estimated: call.times_estimated,
    }
}

fn owner_tag(pack: &Pack, o: LeafOwner) -> (String, &'static str) {
    match o {
        LeafOwner::Item(i) => (pack.items[i as usize].id.clone(), "item"),
        LeafOwner::Applies(i) => (pack.items[i as usize].id.clone(), "applies_when"),
        LeafOwner::Driver(d) => (pack.drivers[d as usize].id.clone(), "driver"),
    }
}

/// Per-turn hits with the rules they fed.
pub fn turn_views(pack: &Pack, call: &Call, scan: &Scan, opts: ScoreOptions) -> Vec<TurnView> {
    let ctx = EvalCtx::new(pack, call, scan);
    // (turn, orig range, leaf, phrase) of every hit, in turn / position order.
    let mut all: Vec<(u32, Range<u32>, u32, u32)> = Vec::new();
    for (leaf, hits) in scan.leaf_hits.iter().enumerate() {
        for h in hits {
            all.push((h.turn, h.orig.clone(), leaf as u32, h.phrase));
        }
    }
    all.sort_by_key(|(t, r, l, p)| (*t, r.start, std::cmp::Reverse(r.end), *l, *p));
    let mut views: Vec<TurnView> = call
        .turns
        .iter()
        .enumerate()
        .map(|(i, t)| TurnView {
            turn: i as u32,
            speaker: t.speaker,
            start_ms: t.start_ms,
            end_ms: t.end_ms,
            text: if opts.redact {
                redact(&t.text).into_owned()
            } else {
                t.text.clone()
            },
            sentiment: scan
                .sentiment
                .get(i)
                .map_or(0.0, |s| crate::score::round(s.compound as f64, 3)),
            hits: Vec::new(),
            tags: Vec::new(),
            not_counted: Vec::new(),
        })
        .collect();
    for (turn, range, leaf, phrase) in all {
        let t = turn as usize;
        let l = &pack.leaves[leaf as usize];
        let why = ctx.out_of_scope(l, t);
        let counted = why.is_none();
        let view = &mut views[t];
        let text = &call.turns[t].text;
        // `all` is sorted by range, so a hit on the same text is the last one added.
        let idx = match view
            .hits
            .last()
            .filter(|h| h.start == range.start && h.end == range.end)
        {
            Some(_) => view.hits.len() - 1,
            None => {
                let s = (range.start as usize).min(text.len());
                let e = (range.end as usize).clamp(s, text.len());
                let m = text.get(s..e).unwrap_or_default();
                view.hits.push(TurnHit {
                    start: range.start,
                    end: range.end,
                    matched: if opts.redact {
                        redact(m).into_owned()
                    } else {
                        m.to_string()
                    },
                    rules: Vec::new(),
                    feeds: Vec::new(),
                });
                view.hits.len() - 1
            }
        };
        let hit = &mut view.hits[idx];
        if let Some(term) = l.terms.get(phrase as usize)
            && !hit.rules.contains(term)
        {
            hit.rules.push(term.clone());
        }
        for &o in &pack.leaf_owners[leaf as usize] {
            let (id, kind) = owner_tag(pack, o);
            let tag = Tag {
                id,
                kind,
                counted,
                why: why.clone(),
            };
            if !hit.feeds.contains(&tag) {
                hit.feeds.push(tag);
            }
        }
    }
    for v in &mut views {
        v.hits.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
        for h in &v.hits {
            for tag in &h.feeds {
                let label = match tag.kind {
                    "applies_when" => format!("{} (applies_when)", tag.id),
                    _ => tag.id.clone(),
                };
                if tag.counted {
                    if !v.tags.contains(&label) {
                        v.tags.push(label);
                    }
                } else {
                    let label = format!("{label}: {}", tag.why.as_deref().unwrap_or("not counted"));
                    if !v.not_counted.contains(&label) {
                        v.not_counted.push(label);
                    }
                }
            }
        }
    }
    views
}

/// Terminal styles; all plain when colour is off.
struct Styles {
    color: bool,
    hit: Style,
    tag: Style,
    head: Style,
    pass: Style,
    fail: Style,
    na: Style,
    dim: Style,
}

impl Styles {
    fn new(color: bool) -> Self {
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

fn paint(st: Style, text: &str) -> String {
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

fn score_str(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_string(), |v| format!("{v}"))
}

fn time_str(ms: Option<u64>) -> String {
    ms.map_or_else(|| "--:--".to_string(), fmt_time)
}

/// The turn's text with hits marked: `[[…]]` in plain mode, bold colour on a terminal.
/// Redacted runs are never split by a highlight (a highlight grows to cover them).
fn marked_text(text: &str, hits: &[TurnHit], redact_on: bool, st: &Styles) -> String {
    let mut ranges: Vec<Range<usize>> = hits
        .iter()
        .map(|h| {
            let s = (h.start as usize).min(text.len());
            s..(h.end as usize).clamp(s, text.len())
        })
        .filter(|r| !r.is_empty())
        .collect();
    ranges.sort_by_key(|r| (r.start, r.end));
    let red = if redact_on {
        redact_spans(text)
    } else {
        Vec::new()
    };
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
    let piece = |s: &str| -> String {
        let s = if redact_on {
            redact(s).into_owned()
        } else {
            s.to_string()
        };
        s.replace(['\n', '\r', '\t'], " ")
    };
    let mut out = String::new();
    let mut at = 0;
    for r in merged {
        if !text.is_char_boundary(r.start) || !text.is_char_boundary(r.end) || r.start < at {
            continue;
        }
        out.push_str(&piece(&text[at..r.start]));
        let m = piece(&text[r.start..r.end]);
        if st.color {
            out.push_str(&paint(st.hit, &m));
        } else {
            let _ = write!(out, "[[{m}]]");
        }
        at = r.end;
    }
    out.push_str(&piece(&text[at..]));
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
    let r = &ex.record;
    let mut o = String::new();

    // 1. Header.
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

    // 2. Transcript.
    let _ = writeln!(o, "\n{}", paint(st.head, "Transcript"));
    for (t, v) in call.turns.iter().zip(&ex.turns) {
        let mut line = format!(
            "[{}] {:<8}  {}",
            time_str(v.start_ms),
            v.speaker.as_str().to_uppercase(),
            marked_text(&t.text, &v.hits, redact_on, &st)
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

    // 3. Scorecard.
    let _ = writeln!(o, "\n{}", paint(st.head, "Scorecard"));
    let id_w =
        r.qa.items
            .iter()
            .map(|i| i.id.chars().count())
            .max()
            .unwrap_or(0);
    let w_w =
        r.qa.items
            .iter()
            .map(|i| format!("{}", i.weight).len())
            .max()
            .unwrap_or(0);
    for section in &pack.sections {
        let score = r.qa.sections.get(section).copied().flatten();
        let _ = writeln!(o, "  {}  {}", paint(st.head, section), score_str(score));
        for (k, it) in r.qa.items.iter().enumerate() {
            if &it.section != section {
                continue;
            }
            let mut reason = it.reason.clone();
            if let Some(item) = pack.items.get(k)
                && item.mode == crate::rules::model::Mode::Require
                && it.result == Outcome::Fail
                && it.closest.is_empty()
            {
                let mut leaves = Vec::new();
                item.cond.leaves(&mut leaves);
                if !leaves.is_empty() {
                    reason.push_str("; closest: none (not said by anyone, anywhere in the call)");
                }
            }
            let (label, style) = match it.result {
                Outcome::Pass => ("PASS", st.pass),
                Outcome::Fail => ("FAIL", st.fail),
                Outcome::Na => ("N-A ", st.na),
            };
            let _ = writeln!(
                o,
                "    {}  {:<id_w$}  w{:<w_w$}  {:<8}  {}",
                paint(style, label),
                it.id,
                format!("{}", it.weight),
                if it.critical { "critical" } else { "" },
                reason
            );
        }
    }

    // 4. Sentiment, drivers, metrics.
    let s = &r.sentiment;
    let _ = writeln!(o, "\n{}", paint(st.head, "Sentiment"));
    for (who, sp) in [("customer", &s.customer), ("agent", &s.agent)] {
        let _ = writeln!(
            o,
            "  {who:<8}  overall {}  start {} → end {}  (turns with sentiment terms: {})",
            signed(sp.overall),
            signed(sp.start),
            signed(sp.end),
            sp.turns_with_terms
        );
    }
    match &s.most_negative {
        Some(m) => {
            let _ = writeln!(
                o,
                "  most negative  {} at {} ({}): \"{}\" — \"{}\"",
                signed(m.score),
                evidence_time(&m.evidence),
                m.evidence.speaker.as_str(),
                m.evidence.matched,
                m.evidence.snippet
            );
        }
        None => {
            let _ = writeln!(o, "  most negative  none (no negative turn)");
        }
    }
    let _ = writeln!(o, "\n{}", paint(st.head, "Drivers"));
    if r.drivers.matched.is_empty() {
        let _ = writeln!(o, "  none found");
    }
    for d in &r.drivers.matched {
        let primary = r.drivers.primary.as_deref() == Some(d.id.as_str());
        let first = d
            .evidence
            .first()
            .map(|e| format!(" — first: \"{}\" at {}", e.matched, evidence_time(e)))
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "  {}  {} hit{}  department {}{}{first}",
            d.id,
            d.hits,
            if d.hits == 1 { "" } else { "s" },
            d.department,
            if primary { "  PRIMARY" } else { "" }
        );
    }
    if let Some(p) = &r.drivers.primary {
        let _ = writeln!(
            o,
            "  primary {p}, department {}, cost {}",
            r.drivers.department.as_deref().unwrap_or("-"),
            r.drivers
                .cost
                .map_or_else(|| "n/a (no handle time)".to_string(), |c| format!("{c:.2}"))
        );
    }
    let m = &r.metrics;
    let _ = writeln!(o, "\n{}", paint(st.head, "Metrics"));
    let _ = writeln!(
        o,
        "  handle time {} · agent talk {} · customer talk {} · silence {} (longest {}) · overtalk {}",
        time_str(m.handle_time_ms),
        time_str(m.agent_talk_ms),
        time_str(m.customer_talk_ms),
        time_str(m.silence_ms),
        time_str(m.longest_silence_ms),
        time_str(m.overtalk_ms)
    );
    let _ = writeln!(
        o,
        "  turns {} (agent {}, customer {}){}",
        m.turns,
        m.agent_turns,
        m.customer_turns,
        if m.times_estimated {
            " · times estimated from text length"
        } else {
            ""
        }
    );
    o
}

fn evidence_time(e: &Evidence) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(start: u32, end: u32) -> TurnHit {
        TurnHit {
            start,
            end,
            matched: String::new(),
            rules: vec![],
            feeds: vec![],
        }
    }

    #[test]
    fn plain_marks_merge_overlaps_and_keep_redacted_runs_whole() {
        let st = Styles::new(false);
        let t = "thank you for calling acme";
        assert_eq!(
            marked_text(t, &[hit(0, 9), hit(0, 21)], true, &st),
            "[[thank you for calling]] acme"
        );
        // A hit on "card 4111" grows over the whole redacted number.
        let t = "my card 4111 1111 1111 1111 ok";
        assert_eq!(
            marked_text(t, &[hit(3, 12)], true, &st),
            "my [[card [NUMBER]]] ok"
        );
        assert_eq!(
            marked_text(t, &[hit(3, 7)], false, &st),
            "my [[card]] 4111 1111 1111 1111 ok"
        );
        assert_eq!(marked_text("a\nb", &[], true, &st), "a b");
    }

    #[test]
    fn colour_marks_use_ansi_not_brackets() {
        let st = Styles::new(true);
        let out = marked_text("i guarantee it", &[hit(0, 11)], false, &st);
        assert!(out.contains("\u{1b}[") && !out.contains("[["), "{out:?}");
    }

    #[test]
    fn leaf_owners_map_hits_to_items_applicability_and_drivers() {
        let checked = crate::rules::load_pack_str(
            "t.toml",
            r#"
[[department]]
id = "b"
cost_per_hour = 1
[[driver]]
id = "refund"
department = "b"
when = { any = ["refund"] }
[[item]]
id = "tf"
section = "s"
applies_when = { any = ["refund"] }
require = { near = { a = ["refund"], b = ["days"], within = 3 } }
"#,
        );
        let pack = checked.pack.expect("compiles");
        let owners: Vec<Vec<LeafOwner>> = pack.leaf_owners.clone();
        assert_eq!(owners.len(), pack.leaves.len());
        assert_eq!(owners[0], vec![LeafOwner::Driver(0)]);
        // near operands both belong to the item; applies_when leaf to its applicability.
        let item_leaves = owners
            .iter()
            .filter(|o| o.contains(&LeafOwner::Item(0)))
            .count();
        assert_eq!(item_leaves, 2);
        assert!(owners.iter().any(|o| o == &vec![LeafOwner::Applies(0)]));

        let call = crate::transcript::Call {
            call_id: "c".into(),
            source: "s".into(),
            source_line: None,
            format: crate::transcript::Format::NativeJson,
            metadata: Default::default(),
            turns: vec![crate::transcript::Turn {
                speaker: Speaker::Customer,
                label: None,
                text: "a refund in 5 days".into(),
                start_ms: Some(0),
                end_ms: Some(1000),
                line: None,
            }],
            times_estimated: false,
        };
        let ex = explain_call(&pack, &call, ScoreOptions::default());
        let t = &ex.turns[0];
        assert_eq!(t.hits[0].matched, "refund");
        assert_eq!(t.tags, vec!["refund", "tf", "tf (applies_when)"]);
        assert_eq!(t.hits[1].matched, "days");
    }

    #[test]
    fn signed_uses_a_real_minus() {
        assert_eq!(signed(-0.618), "−0.62");
        assert_eq!(signed(0.4), "+0.40");
        assert_eq!(signed(0.0), "0.00");
    }
}
