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

#[cfg(test)]
mod contrast_tests;
#[cfg(test)]
mod lexicon_tests;
#[cfg(test)]
mod morphology_tests;
mod sentiment;
#[cfg(test)]
mod tests;
mod words;

pub use sentiment::TurnSentiment;
pub use words::{WordIndex, words_between};

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
    /// Lexicon hits that took a word ending (`[lexicon] suffixes`), added after the
    /// others so that a term written out in full wins a tie («خوبه» over «خوب» + «ه»).
    suffixed: Vec<(Range<u32>, Target)>,
    /// Largest kept end per phrase, for [`dedupe_turn_hits`].
    ends: Vec<u32>,
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
        scan.suffixed.clear();
        // The words around the last wildcard hits: a long word holding many matches
        // is walked once, not once per match.
        let (mut left_word, mut right_word) = (WordSpan::default(), WordSpan::default());
        for m in tables.automaton.find_overlapping_iter(text) {
            let (s, e) = (m.start(), m.end());
            let left_ok = boundary_before(text, s);
            let right_ok = boundary_after(text, e);
            // Uses of one pattern mostly share a range: map it to the original once.
            let mut mapped: Option<(usize, usize, Range<usize>)> = None;
            for u in &tables.uses[m.pattern().as_usize()] {
                if !(left_ok || u.left_open) {
                    continue;
                }
                if !(right_ok || u.right_open) {
                    // A term may end in one of its language's suffixes.
                    if u.suffixes > 0
                        && let Some(end) = suffixed_end(
                            text,
                            s..e,
                            right_word.around(text, e).end,
                            &tables.suffixes[u.suffixes as usize - 1],
                        )
                    {
                        let start = if u.left_open {
                            left_word.around(text, s).start
                        } else {
                            s
                        };
                        scan.suffixed.push((start as u32..end as u32, u.target));
                    }
                    continue;
                }
                let (s2, e2) = (
                    if u.left_open {
                        left_word.around(text, s).start
                    } else {
                        s
                    },
                    if u.right_open {
                        right_word.around(text, e).end
                    } else {
                        e
                    },
                );
                match u.target {
                    Target::Leaf { leaf, phrase } => {
                        let hits = &mut scan.leaf_hits[leaf as usize];
                        if hits.last().is_none_or(|h| h.turn != turn_idx) {
                            scan.touched.push(leaf);
                        }
                        let orig = match &mapped {
                            Some((a, b, o)) if (*a, *b) == (s2, e2) => o.clone(),
                            _ => {
                                let o = norm.orig_range(s2..e2);
                                mapped = Some((s2, e2, o.clone()));
                                o
                            }
                        };
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
            dedupe_turn_hits(
                &mut scan.leaf_hits[leaf as usize],
                turn_idx,
                kind,
                &mut scan.ends,
            );
        }
        scan.lex_hits.append(&mut scan.suffixed);
        if let Some((ac, weights)) = &tables.emoticons {
            emoticon_hits(ac, weights, &turn.text, norm, &mut scan.lex_hits);
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

/// Shortest word a suffix may follow, in characters: shorter words take endings that
/// make other words (Persian «بد» bad + «ن» is «بدن» body, + «ه» is «بده» give).
const MIN_STEM_CHARS: usize = 3;

/// Where a match `m` of a term ends when the rest of its word, up to `word_end`, is one
/// of `suffixes` and the term's last word is long enough to take one; `None` otherwise.
fn suffixed_end(
    text: &str,
    m: Range<usize>,
    word_end: usize,
    suffixes: &[String],
) -> Option<usize> {
    let rest = text.get(m.end..word_end)?;
    let last_word = text[m.clone()].rsplit(' ').next().unwrap_or("");
    (last_word.chars().count() >= MIN_STEM_CHARS && suffixes.iter().any(|s| s == rest))
        .then_some(word_end)
}

/// Lexicon hits of the emoticons and emoji found in the original text `orig`.
///
/// An emoticon is typed next to words or other punctuation, so it is looked for as
/// written, not in the normalised text (where its punctuation is a separator). An
/// emoticon that starts with an ASCII character must not follow a letter or digit (the
/// ":/" of "http://", the ":p" of "10:p"), and one that ends with a letter or digit must
/// not run into another (":D" but not ":Dear"); emoji stand anywhere.
///
/// Its normalised position is where its text went: the separator that replaced it (or
/// the empty place between the words around it), so negators, intensifiers and
/// contrast words before it act on it as on a word.
fn emoticon_hits(
    ac: &aho_corasick::AhoCorasick,
    weights: &[f32],
    orig: &str,
    norm: &Normalized,
    out: &mut Vec<(Range<u32>, Target)>,
) {
    for m in ac.find_iter(orig) {
        let (s, e) = (m.start(), m.end());
        let first = orig[s..].chars().next();
        let last = orig[..e].chars().next_back();
        let before = orig[..s].chars().next_back();
        let after = orig[e..].chars().next();
        if first.is_some_and(|c| c.is_ascii()) && before.is_some_and(char::is_alphanumeric) {
            continue;
        }
        if last.is_some_and(char::is_alphanumeric) && after.is_some_and(char::is_alphanumeric) {
            continue;
        }
        let text = norm.text.as_str();
        let ns = norm.norm_pos(s);
        let ne = norm.norm_pos(e).max(ns);
        let range = if ns == ne && text.as_bytes().get(ns) == Some(&b' ') {
            ns..ns + 1
        } else {
            ns..ne
        };
        out.push((
            range.start as u32..range.end as u32,
            Target::Term(weights[m.pattern().as_usize()]),
        ));
    }
}

/// Keep, within the hits of the last turn, leftmost-longest non-overlapping ones
/// (across phrases for `any`/`regex`, per phrase for `all`).
///
/// Hits are taken by start, longest first, then phrase; a hit is kept when it does not
/// overlap a hit kept before it (of the same phrase, for `all`). Kept hits that start
/// earlier are exactly those compared against, so "overlaps a kept hit" is "starts
/// before the largest end kept so far": one comparison per hit, O(n log n) for the
/// sort. `ends` is a reused buffer (largest kept end per phrase).
fn dedupe_turn_hits(hits: &mut Vec<Hit>, turn: u32, kind: LeafKind, ends: &mut Vec<u32>) {
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
    // A kept end of 0 overlaps nothing, so 0 stands for "nothing kept yet".
    ends.clear();
    let per_phrase = kind == LeafKind::All;
    if per_phrase {
        let phrases = tail
            .iter()
            .map(|h| h.phrase as usize + 1)
            .max()
            .unwrap_or(0);
        ends.resize(phrases, 0);
    } else {
        ends.push(0);
    }
    let mut kept = start;
    for i in start..hits.len() {
        let (phrase, norm) = (hits[i].phrase, hits[i].norm.clone());
        let slot = if per_phrase { phrase as usize } else { 0 };
        if ends[slot] > norm.start {
            continue;
        }
        ends[slot] = ends[slot].max(norm.end);
        hits.swap(kept, i);
        kept += 1;
    }
    hits.truncate(kept);
}

/// The maximal run of word characters around a position, remembered so that the
/// next position in the same run costs nothing.
#[derive(Debug, Default)]
struct WordSpan(Option<Range<usize>>);

impl WordSpan {
    /// `word_start(text, at)..word_end(text, at)`.
    fn around(&mut self, text: &str, at: usize) -> Range<usize> {
        match &self.0 {
            Some(r) if r.start <= at && at <= r.end => r.clone(),
            _ => {
                let r = word_start(text, at)..word_end(text, at);
                self.0 = Some(r.clone());
                r
            }
        }
    }
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
