//! Stage 4: turn a scanned call into its record: drivers, scorecard items (pass / fail /
//! n/a with evidence and a reason), section and QA scores with auto-fail, sentiment,
//! metrics.
//!
//! Order matters and is fixed: drivers first (items may apply only to some drivers),
//! then items in the pack's dependency order (an item may apply only when another passed).

pub mod eval;
pub mod metrics;
pub mod na_meta;
mod reason;
#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
mod weight_tests;

use crate::matcher::{Hit, Scan};
use crate::record::*;
use crate::redact::{redact, redact_owned, widen};
use crate::rules::Pack;
use crate::rules::model::Mode;
use crate::rules::pack::{Cond, LeafId, LeafKind};
use crate::transcript::{Call, Speaker};
use eval::{EvalCtx, HitRef};
pub use na_meta::{NaForLackOfMeta, missing_meta};
use reason::REASON_CAPACITY;
pub use reason::fmt_time;
use std::collections::BTreeMap;

/// Most evidence quotes kept per item or driver.
const MAX_EVIDENCE: usize = 3;
/// Characters of context either side of a match in a snippet.
const SNIPPET_CONTEXT: usize = 40;

/// Options for scoring.
#[derive(Debug, Clone, Copy)]
pub struct ScoreOptions {
    /// Redact personal data in evidence (default true).
    pub redact: bool,
    /// Which reasons and quotes to build (default: all). Those a record will not carry
    /// at this level are left empty: quoting is a large share of scoring.
    pub evidence: EvidenceLevel,
}

impl Default for ScoreOptions {
    fn default() -> Self {
        ScoreOptions {
            redact: true,
            evidence: EvidenceLevel::All,
        }
    }
}

/// Score a call that `scan` holds the scan of.
pub fn score_call(pack: &Pack, call: &Call, scan: &Scan, opts: ScoreOptions) -> CallRecord {
    let mut ctx = EvalCtx::new(pack, call, scan);
    let ev = Ev {
        call,
        scan,
        pack,
        opts,
    };

    // Drivers.
    let mut drivers = Drivers::default();
    // (driver, score, first position). The score is the number of hits unless the
    // driver's `when` gives conditions a `weight` (`eval::Outcome::score`); a driver found
    // without a hit (metadata alone) scores as one hit.
    let mut best: Option<(usize, f64, (u32, u32))> = None;
    // Found in dependency order, reported in pack order.
    for (di, (d, o)) in pack.drivers.iter().zip(ctx.find_drivers()).enumerate() {
        if !o.holds {
            continue;
        }
        let hits = o.evidence.len().max(1) as u32;
        let score = eval::driver_score(&o);
        let first = o
            .evidence
            .iter()
            .map(|r| {
                let h = ev.hit(r);
                (h.turn, h.norm.start)
            })
            .min()
            .unwrap_or((u32::MAX, u32::MAX));
        let better = match best {
            None => true,
            Some((_, bs, bf)) => score > bs || (score == bs && first < bf),
        };
        if better {
            best = Some((di, score, first));
        }
        drivers.matched.push(DriverHit {
            id: d.id.clone(),
            department: pack.departments[d.department as usize].id.clone(),
            hits,
            evidence: if opts.evidence.keeps_quotes() {
                ev.evidence(&o.evidence)
            } else {
                Vec::new()
            },
        });
    }
    let metrics = metrics::metrics(call);
    if let Some((di, _, _)) = best {
        let d = &pack.drivers[di];
        drivers.primary = Some(d.id.clone());
        drivers.department = Some(pack.departments[d.department as usize].id.clone());
        drivers.cost = metrics
            .handle_time_ms
            .map(|ms| round(ms as f64 / 3_600_000.0 * d.cost_per_hour, 4));
    }

    // Items.
    let mut results: Vec<Option<ItemResult>> = vec![None; pack.items.len()];
    for &ii in &pack.item_order {
        let item = &pack.items[ii as usize];
        let applies = item.applies_when.as_ref().is_none_or(|a| ctx.eval(a).holds);
        let mut na_missing_meta = Vec::new();
        let (result, reason, evidence, closest) = if !applies {
            let keep = opts.evidence.keeps_item(Outcome::Na, item.critical);
            let reason = match &item.applies_when {
                Some(a) => {
                    na_missing_meta = ctx.missing_meta(a);
                    (keep && !na_missing_meta.is_empty())
                        .then(|| reason::na_for_lack_of_meta(pack, a, &na_missing_meta))
                }
                None => None,
            };
            let reason = match reason {
                Some(r) => r,
                None if keep => {
                    "not applicable: its applies_when condition does not hold".to_string()
                }
                None => String::new(),
            };
            (Outcome::Na, reason, Vec::new(), Vec::new())
        } else {
            let o = ctx.eval(&item.cond);
            let result = outcome(item.mode, o.holds);
            if !opts.evidence.keeps_item(result, item.critical) {
                // Not written at this evidence level: the outcome alone.
                (result, String::new(), Vec::new(), Vec::new())
            } else {
                let evidence = ev.evidence(&o.evidence);
                match (item.mode, o.holds) {
                    (Mode::Require, true) => {
                        let reason = ev
                            .held(&ctx, "found: ", &item.cond, &o, &evidence)
                            .unwrap_or_else(|| "condition holds".to_string());
                        (Outcome::Pass, reason, evidence, Vec::new())
                    }
                    (Mode::Require, false) => {
                        let (missed, closest) = ev.missed(&ctx, &item.cond);
                        let mut reason = String::with_capacity(REASON_CAPACITY);
                        reason.push_str("required: ");
                        reason.push_str(&item.summary);
                        if !missed.is_empty() {
                            reason.push_str("; ");
                            reason.push_str(&missed);
                        }
                        (Outcome::Fail, reason, Vec::new(), closest)
                    }
                    (Mode::Forbid, true) => {
                        let reason = ev
                            .held(&ctx, "forbidden: ", &item.cond, &o, &evidence)
                            .unwrap_or_else(|| {
                                format!("forbidden condition holds: {}", item.summary)
                            });
                        (Outcome::Fail, reason, evidence, Vec::new())
                    }
                    (Mode::Forbid, false) => (
                        Outcome::Pass,
                        "nothing forbidden was said".to_string(),
                        Vec::new(),
                        Vec::new(),
                    ),
                }
            }
        };
        ctx.item_passed[ii as usize] = Some(result == Outcome::Pass);
        ctx.item_missing_meta[ii as usize] = na_missing_meta.clone();
        results[ii as usize] = Some(ItemResult {
            id: item.id.clone(),
            section: item.section.clone(),
            weight: item.weight,
            critical: item.critical,
            result,
            reason,
            evidence,
            closest,
            na_missing_meta,
        });
    }
    let items: Vec<ItemResult> = results.into_iter().flatten().collect();
    let qa = qa_scores(pack, items);

    CallRecord {
        kind: "call",
        call_id: call.call_id.clone(),
        source: call.source.clone(),
        source_line: call.source_line,
        format: call.format.as_str(),
        language: ctx.language.clone(),
        metadata: call.metadata.clone(),
        qa,
        sentiment: ev.sentiment(),
        drivers,
        metrics,
        rules: RulesStamp {
            name: pack.info.name.clone(),
            version: pack.info.version.clone(),
            hash: pack.hash.clone(),
        },
    }
}

/// An item's outcome when its condition holds or not.
fn outcome(mode: Mode, holds: bool) -> Outcome {
    match (mode, holds) {
        (Mode::Require, true) | (Mode::Forbid, false) => Outcome::Pass,
        (Mode::Require, false) | (Mode::Forbid, true) => Outcome::Fail,
    }
}

fn qa_scores(pack: &Pack, items: Vec<ItemResult>) -> Qa {
    let mut sections: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    let (mut passed, mut applicable) = (0.0, 0.0);
    let mut auto_fail = false;
    for s in &pack.sections {
        sections.insert(s.clone(), (0.0, 0.0));
    }
    for r in &items {
        if r.result == Outcome::Na {
            continue;
        }
        let s = sections.entry(r.section.clone()).or_default();
        s.1 += r.weight;
        applicable += r.weight;
        if r.result == Outcome::Pass {
            s.0 += r.weight;
            passed += r.weight;
        } else if r.critical {
            auto_fail = true;
        }
    }
    let pct = |p: f64, a: f64| (a > 0.0).then(|| round(100.0 * p / a, 1));
    let raw_score = pct(passed, applicable);
    Qa {
        score: if auto_fail {
            Some(pack.info.auto_fail_score)
        } else {
            raw_score
        },
        raw_score,
        auto_fail,
        sections: sections
            .into_iter()
            .map(|(k, (p, a))| (k, pct(p, a)))
            .collect(),
        items,
    }
}

/// Round to `digits` decimals (outputs stay short and stable).
pub fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// Builds evidence quotes for one call.
struct Ev<'a> {
    call: &'a Call,
    scan: &'a Scan,
    pack: &'a Pack,
    opts: ScoreOptions,
}

impl Ev<'_> {
    fn hit(&self, r: &HitRef) -> &Hit {
        &self.scan.leaf_hits[r.leaf as usize][r.index as usize]
    }

    fn evidence(&self, refs: &[HitRef]) -> Vec<Evidence> {
        let mut sorted: Vec<&HitRef> = refs.iter().collect();
        sorted.sort_by_key(|r| {
            let h = self.hit(r);
            (h.turn, h.orig.start, r.leaf)
        });
        sorted.dedup_by_key(|r| {
            let h = self.hit(r);
            (h.turn, h.orig.start, h.orig.end)
        });
        sorted
            .into_iter()
            .take(MAX_EVIDENCE)
            .map(|r| {
                let h = self.hit(r);
                let rule = self.pack.leaves[r.leaf as usize]
                    .terms
                    .get(h.phrase as usize)
                    .cloned();
                self.quote_range(h.turn, h.orig.start, h.orig.end, rule)
            })
            .collect()
    }

    fn quote_range(&self, turn: u32, start: u32, end: u32, rule: Option<String>) -> Evidence {
        let t = &self.call.turns[turn as usize];
        let text = t.text.as_str();
        let (s, e) = (start as usize, (end as usize).min(text.len()));
        let s = text.floor_char_boundary(s.min(e));
        let e = text.floor_char_boundary(e);
        let matched = &text[s..e];
        // Snippet: up to SNIPPET_CONTEXT characters either side, whitespace runs folded.
        // When the bytes either side are ASCII, characters are bytes and no
        // decoding is needed (most evidence; the loops below are the general case).
        let before = &text.as_bytes()[s.saturating_sub(SNIPPET_CONTEXT)..s];
        let from = if before.is_ascii() {
            s - before.len()
        } else {
            text[..s]
                .char_indices()
                .rev()
                .nth(SNIPPET_CONTEXT - 1)
                .map_or(0, |(i, _)| i)
        };
        let after = &text.as_bytes()[e..(e + SNIPPET_CONTEXT).min(text.len())];
        let to = if after.is_ascii() {
            e + after.len()
        } else {
            text[e..]
                .char_indices()
                .nth(SNIPPET_CONTEXT)
                .map_or(text.len(), |(i, _)| e + i)
        };
        let (matched, snippet) = if self.opts.redact {
            // A card number or address cut by the snippet's edge would leave a few of its
            // digits too short to be recognised: the snippet takes in the whole of it.
            let (from, to) = widen(text, from, to);
            let (s, e) = widen(text, s, e);
            (
                redact(&text[s..e]).into_owned(),
                redact_owned(fold_whitespace(&text[from..to])),
            )
        } else {
            (matched.to_string(), fold_whitespace(&text[from..to]))
        };
        Evidence {
            turn,
            speaker: t.speaker,
            start_ms: t.start_ms,
            end_ms: t.end_ms,
            start: s as u32,
            end: e as u32,
            matched,
            snippet,
            rule,
        }
    }

    /// For a failed `require`: hits of its leaves that were out of scope, with why.
    fn closest(&self, ctx: &EvalCtx, cond: &Cond) -> Vec<(Evidence, String)> {
        let mut leaves = Vec::new();
        collect_leaves(cond, &mut leaves);
        let mut out = Vec::new();
        for leaf in leaves {
            let l = &self.pack.leaves[leaf as usize];
            for (i, h) in self.scan.leaf_hits[leaf as usize].iter().enumerate() {
                let why = ctx.out_of_scope(l, h.turn as usize).unwrap_or_else(|| {
                    let n = ctx.scoped_hits(leaf).count();
                    if l.kind != LeafKind::All && (n as u32) < l.min_count {
                        format!("said {n} time(s), {} needed", l.min_count)
                    } else {
                        "found, but the rest of the condition did not hold".to_string()
                    }
                });
                let r = HitRef {
                    leaf,
                    index: i as u32,
                };
                if let Some(e) = self.evidence(&[r]).pop() {
                    out.push((e, why));
                }
                if out.len() >= 3 {
                    return out;
                }
            }
        }
        out
    }

    fn sentiment(&self) -> Sentiment {
        let mut s = Sentiment {
            customer: self.speaker_sentiment(Speaker::Customer),
            agent: self.speaker_sentiment(Speaker::Agent),
            most_negative: None,
        };
        let worst = |only: Option<Speaker>| {
            self.scan
                .sentiment
                .iter()
                .enumerate()
                .filter(|(i, t)| {
                    only.is_none_or(|sp| self.call.turns[*i].speaker == sp) && t.compound < 0.0
                })
                .min_by(|a, b| a.1.compound.total_cmp(&b.1.compound))
        };
        if let Some((i, t)) = worst(Some(Speaker::Customer)).or_else(|| worst(None)) {
            let (range, _) = t.most_negative.clone().unwrap_or((0..0, 0.0));
            s.most_negative = Some(Moment {
                score: round(t.compound as f64, 3),
                evidence: self.quote_range(i as u32, range.start, range.end, None),
            });
        }
        s
    }

    fn speaker_sentiment(&self, who: Speaker) -> SpeakerSentiment {
        let turns: Vec<f64> = self
            .scan
            .sentiment
            .iter()
            .enumerate()
            .filter(|(i, _)| self.call.turns[*i].speaker == who)
            .map(|(_, t)| {
                if t.terms > 0 {
                    Some(t.compound as f64)
                } else {
                    None
                }
            })
            .map(|v| v.unwrap_or(f64::NAN))
            .collect();
        let mean = |v: &[f64]| {
            let scored: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
            if scored.is_empty() {
                0.0
            } else {
                round(scored.iter().sum::<f64>() / scored.len() as f64, 3)
            }
        };
        let third = turns.len().div_ceil(3);
        SpeakerSentiment {
            overall: mean(&turns),
            start: mean(&turns[..third.min(turns.len())]),
            end: mean(&turns[turns.len() - third.min(turns.len())..]),
            turns_with_terms: turns.iter().filter(|x| !x.is_nan()).count() as u32,
        }
    }
}

fn collect_leaves(c: &Cond, out: &mut Vec<LeafId>) {
    match c {
        Cond::Leaf(l) => out.push(*l),
        Cond::Near { a, b, .. } => out.extend([*a, *b]),
        Cond::Before { first, then } => out.extend([*first, *then]),
        Cond::And(s) | Cond::Or(s) => s.iter().for_each(|c| collect_leaves(c, out)),
        Cond::Weighted { cond, .. } => collect_leaves(cond, out),
        Cond::Not(_) | Cond::Meta(_) | Cond::Driver(_) | Cond::ItemPassed(_) => {}
    }
}

/// `raw` with whitespace runs folded to one space and trimmed (the words of
/// `split_whitespace` joined by spaces), copying runs of non-space bytes whole.
///
/// Only ASCII whitespace and characters starting with one of the lead bytes of
/// a non-ASCII `White_Space` character (U+0085 and U+00A0 start with `C2`,
/// U+1680 with `E1`, U+2000–U+205F with `E2`, U+3000 with `E3`) are decoded and
/// tested; `SplitWhitespace` decodes and tests every character.
fn fold_whitespace(raw: &str) -> String {
    let b = raw.as_bytes();
    // Usual case: nothing to fold.
    let special = b.iter().fold(false, |acc, &c| {
        acc | (c.wrapping_sub(b'\t') < 5) | (c == 0xC2) | (c.wrapping_sub(0xE1) < 3)
    });
    let double_space = b
        .iter()
        .zip(b.iter().skip(1))
        .fold(false, |acc, (&x, &y)| acc | ((x == b' ') & (y == b' ')));
    if !special && !double_space && b.first() != Some(&b' ') && b.last() != Some(&b' ') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut push_word = |word: &str| {
        if !word.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    };
    let (mut i, mut word_start) = (0, 0);
    while i < b.len() {
        let c = b[i];
        let space_len = match c {
            b' ' | b'\t'..=b'\r' => 1,
            // A lead byte, so `i` is a character boundary.
            0xC2 | 0xE1..=0xE3 => raw[i..]
                .chars()
                .next()
                .filter(|ch| ch.is_whitespace())
                .map_or(0, char::len_utf8),
            _ => 0,
        };
        if space_len > 0 {
            push_word(&raw[word_start..i]);
            i += space_len;
            word_start = i;
        } else {
            i += 1;
        }
    }
    push_word(&raw[word_start..]);
    out
}
