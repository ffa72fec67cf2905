//! Stage 3: scan one call → hits per condition leaf, plus per-turn sentiment.
//!
//! Each turn is normalised once ([`crate::normalize`]) and scanned once by the pack's
//! single Aho-Corasick automaton (overlapping search, so "thank you" and "thank you for
//! calling" both report); each match is checked for word boundaries and fanned out to
//! the leaves and lexicon entries that use the phrase. Regexes run on the original turn
//! text, only those the pack's `RegexSet` says can match. Conditions are evaluated on the
//! hits afterwards ([`crate::score`]); nothing here knows about items or windows.
//!
//! Hit counting inside one leaf: left to right, longest first, without overlap
//! (documented for rule writers in `rules/README.md`).

mod sentiment;
#[cfg(test)]
mod tests;

pub use sentiment::TurnSentiment;

use crate::normalize::{Normalized, is_word_char, normalize_into};
use crate::rules::Pack;
use crate::rules::pack::{LeafKind, Target};
use crate::transcript::Call;
use std::ops::Range;

/// One hit of a leaf's phrase or regex in a turn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Turn index (0-based) in the call.
    pub turn: u32,
    /// Which phrase / regex of the leaf.
    pub phrase: u32,
    /// Byte range in the turn's normalised text.
    pub norm: Range<u32>,
    /// Byte range in the turn's original text.
    pub orig: Range<u32>,
}

/// Everything found in one call. Reused between calls to avoid allocation.
#[derive(Debug, Default)]
pub struct Scan {
    /// Hits per leaf (index = leaf id), in turn order.
    pub leaf_hits: Vec<Vec<Hit>>,
    /// Normalised text of each turn (buffers reused; only the first `turns` are valid).
    pub norms: Vec<Normalized>,
    /// Sentiment of each turn.
    pub sentiment: Vec<TurnSentiment>,
    /// Number of turns scanned.
    pub turns: usize,
    touched: Vec<u32>,
    lex_hits: Vec<(Range<u32>, Target)>,
}

impl Scan {
    /// A scan buffer for `pack`.
    pub fn new(pack: &Pack) -> Self {
        Scan {
            leaf_hits: vec![Vec::new(); pack.leaves.len()],
            ..Default::default()
        }
    }

    /// The normalised text of turn `t`.
    pub fn norm(&self, t: usize) -> &Normalized {
        &self.norms[t]
    }
}

/// Scan `call` with `pack` into `scan` (cleared first).
pub fn scan_call(pack: &Pack, call: &Call, scan: &mut Scan) {
    if scan.leaf_hits.len() != pack.leaves.len() {
        scan.leaf_hits = vec![Vec::new(); pack.leaves.len()];
    }
    for h in &mut scan.leaf_hits {
        h.clear();
    }
    scan.sentiment.clear();
    scan.turns = call.turns.len();
    while scan.norms.len() < call.turns.len() {
        scan.norms.push(Normalized::new());
    }
    let tables = &pack.tables;
    for (ti, turn) in call.turns.iter().enumerate() {
        let turn_idx = ti as u32;
        normalize_into(&turn.text, &mut scan.norms[ti]);
        let norm = &scan.norms[ti];
        let text = norm.text.as_str();
        scan.touched.clear();
        scan.lex_hits.clear();
        for m in tables.automaton.find_overlapping_iter(text) {
            let (s, e) = (m.start(), m.end());
            let left_ok = boundary_before(text, s);
            let right_ok = boundary_after(text, e);
            for u in &tables.uses[m.pattern().as_usize()] {
                if !(left_ok || u.left_open) || !(right_ok || u.right_open) {
                    continue;
                }
                let (s2, e2) = (
                    if u.left_open { word_start(text, s) } else { s },
                    if u.right_open { word_end(text, e) } else { e },
                );
                match u.target {
                    Target::Leaf { leaf, phrase } => {
                        let hits = &mut scan.leaf_hits[leaf as usize];
                        if hits.last().is_none_or(|h| h.turn != turn_idx) {
                            scan.touched.push(leaf);
                        }
                        let orig = norm.orig_range(s2..e2);
                        hits.push(Hit {
                            turn: turn_idx,
                            phrase,
                            norm: s2 as u32..e2 as u32,
                            orig: orig.start as u32..orig.end as u32,
                        });
                    }
                    t => scan.lex_hits.push((s2 as u32..e2 as u32, t)),
                }
            }
        }
        // Regexes: only those the look-around-free prefilter set says may match.
        let candidates: Vec<usize> = match (&tables.regex_prefilter, tables.regexes.is_empty()) {
            (_, true) => Vec::new(),
            (Some(set), false) => set.matches(&turn.text).into_iter().collect(),
            (None, false) => (0..tables.regexes.len()).collect(),
        };
        for ri in candidates {
            let re = &tables.regexes[ri];
            let (leaf, phrase) = tables.regex_uses[ri];
            let mut first = true;
            for m in re.find_iter(&turn.text) {
                if m.start() == m.end() {
                    continue;
                }
                let hits = &mut scan.leaf_hits[leaf as usize];
                if first && hits.last().is_none_or(|h| h.turn != turn_idx) {
                    scan.touched.push(leaf);
                }
                first = false;
                let (ns, ne) = (norm.norm_pos(m.start()), norm.norm_pos(m.end()));
                hits.push(Hit {
                    turn: turn_idx,
                    phrase,
                    norm: ns as u32..ne.max(ns) as u32,
                    orig: m.start() as u32..m.end() as u32,
                });
            }
        }
        for &leaf in &scan.touched {
            let kind = pack.leaves[leaf as usize].kind;
            dedupe_turn_hits(&mut scan.leaf_hits[leaf as usize], turn_idx, kind);
        }
        let s = if tables.has_lexicon {
            sentiment::score_turn(
                &turn.text,
                text,
                &mut scan.lex_hits,
                tables.negation_window,
                norm,
            )
        } else {
            TurnSentiment::default()
        };
        scan.sentiment.push(s);
    }
}

/// Keep, within the hits of the last turn, leftmost-longest non-overlapping ones
/// (across phrases for `any`/`regex`, per phrase for `all`).
fn dedupe_turn_hits(hits: &mut Vec<Hit>, turn: u32, kind: LeafKind) {
    let start = hits
        .iter()
        .rposition(|h| h.turn != turn)
        .map_or(0, |i| i + 1);
    let tail = &mut hits[start..];
    if tail.len() < 2 {
        return;
    }
    tail.sort_by(|a, b| {
        a.norm
            .start
            .cmp(&b.norm.start)
            .then(b.norm.end.cmp(&a.norm.end))
            .then(a.phrase.cmp(&b.phrase))
    });
    let mut kept: Vec<Hit> = Vec::with_capacity(tail.len());
    for h in tail.iter() {
        let overlaps = kept
            .iter()
            .rev()
            .any(|k| (kind != LeafKind::All || k.phrase == h.phrase) && k.norm.end > h.norm.start);
        if !overlaps {
            kept.push(h.clone());
        }
    }
    hits.truncate(start);
    hits.extend(kept);
}

fn boundary_before(text: &str, at: usize) -> bool {
    let prev = text[..at].chars().next_back();
    let first = text[at..].chars().next();
    match (prev, first) {
        (Some(p), Some(f)) => !(is_word_char(p) && is_word_char(f)),
        _ => true,
    }
}

fn boundary_after(text: &str, at: usize) -> bool {
    let last = text[..at].chars().next_back();
    let next = text[at..].chars().next();
    match (last, next) {
        (Some(l), Some(n)) => !(is_word_char(l) && is_word_char(n)),
        _ => true,
    }
}

fn word_start(text: &str, mut at: usize) -> usize {
    while let Some(c) = text[..at].chars().next_back() {
        if !is_word_char(c) {
            break;
        }
        at -= c.len_utf8();
    }
    at
}

fn word_end(text: &str, mut at: usize) -> usize {
    while let Some(c) = text[at..].chars().next() {
        if !is_word_char(c) {
            break;
        }
        at += c.len_utf8();
    }
    at
}

/// Number of words between two positions of normalised text: runs of word characters
/// count one each, CJK characters one each.
pub fn words_between(text: &str, from: usize, to: usize) -> u32 {
    if from >= to || to > text.len() || !text.is_char_boundary(from) || !text.is_char_boundary(to) {
        return 0;
    }
    let mut n = 0;
    let mut in_word = false;
    for c in text[from..to].chars() {
        if crate::normalize::is_cjk(c) {
            n += 1;
            in_word = false;
        } else if c == ' ' {
            in_word = false;
        } else if !in_word {
            n += 1;
            in_word = true;
        }
    }
    n
}
