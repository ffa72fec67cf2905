//! The record's part of `explain` text: scorecard with reasons, names and
//! descriptions; sentiment; drivers; metrics; items n/a for lack of metadata.

use super::text::{Styles, evidence_time, paint, score_str, signed, time_str};
use super::{Explained, ItemAbout};
use crate::record::{CallRecord, Outcome};
use crate::rules::Pack;
use std::fmt::Write as _;

pub(super) fn scorecard(o: &mut String, pack: &Pack, ex: &Explained, st: &Styles) {
    let r = &ex.record;
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
            if let Some(about) = ex.items.get(k).and_then(ItemAbout::line) {
                let _ = writeln!(o, "          {}", paint(st.dim, &about));
            }
        }
    }
}

pub(super) fn sentiment(o: &mut String, r: &CallRecord, st: &Styles) {
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
}

pub(super) fn drivers(o: &mut String, r: &CallRecord, st: &Styles) {
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
}

pub(super) fn metrics(o: &mut String, r: &CallRecord, st: &Styles) {
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
}

/// The closing line listing the items n/a only because the call lacks metadata:
/// those n/a are not a verdict on the call but a gap in its inputs.
pub(super) fn lack_of_metadata(o: &mut String, r: &CallRecord, st: &Styles) {
    let items: Vec<String> =
        r.qa.items
            .iter()
            .filter(|i| i.result == Outcome::Na && !i.na_missing_meta.is_empty())
            .map(|i| format!("{} (no {})", i.id, i.na_missing_meta.join(", no ")))
            .collect();
    if items.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "\n{} {}; set the keys in the call's metadata or with --meta KEY=VALUE",
        paint(st.fail, "n/a for lack of metadata:"),
        items.join(", ")
    );
}
