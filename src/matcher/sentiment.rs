//! Sentiment of one turn from the lexicon hits found by the shared scan.
//!
//! The method follows VADER (Hutto & Gilbert, 2014), which QA teams know and whose
//! lexicon users bring: term weights −4…+4; a negator up to `negation_window` words
//! before a term flips and damps it (×−0.74); an intensifier right before a term
//! multiplies it; after a contrast word ("but", "但是", "اما") terms weigh 1.5× and
//! before it 0.5×, and in the clause a concession word opens ("although", "虽然") 0.5×,
//! the rest of that sentence 1.5× ([`contrast_factors`]); the sum `s` is
//! squashed to −1…+1 by `s / sqrt(s² + 15)`. A term of
//! weight 0 only masks the shorter terms and negators inside it. Emoticons and emoji
//! (found on the original text, `[lexicon.emoticons]`) count as terms at the place
//! their characters went. A negator or intensifier that acts on no term counts as a term
//! of its `alone` weight when the lexicon gives one (没有驱动盘, 太草率: the complaint is
//! in the negator or the "too", not in a listed word); these are added after the terms,
//! in text order. A negator never reaches across clause punctuation or a contrast word
//! (房间不大但很干净: not big, but very clean). A negator listed under `negators_after` acts on the nearest term
//! *before* it instead (Persian puts negation on the verb after the adjective: «خوب
//! نبود», "good it was not"), in the same window; a term is negated once, however many
//! negators reach it («هیچ مشکلی نداشتم», "no problem I did not have", is one negation:
//! Persian doubles it for emphasis).

use super::WordIndex;
use crate::normalize::Normalized;
use crate::rules::pack::Target;
use std::ops::Range;

/// VADER's negation scalar.
const NEGATION_SCALAR: f32 = -0.74;
/// VADER's normalisation constant.
const ALPHA: f32 = 15.0;

/// Sentiment of one turn.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TurnSentiment {
    /// −1 (very negative) … +1 (very positive); 0 when no term was found.
    pub compound: f32,
    /// Number of lexicon terms counted.
    pub terms: u32,
    /// Original byte range and final weight of the most negative term, if any.
    pub most_negative: Option<(Range<u32>, f32)>,
    /// Original byte range and final weight of the most positive term, if any.
    pub most_positive: Option<(Range<u32>, f32)>,
}

/// Score a turn. `hits` holds the turn's lexicon-related hits (normalised ranges).
pub(crate) fn score_turn(
    orig: &str,
    text: &str,
    hits: &mut [(Range<u32>, Target)],
    negation_window: u32,
    norm: &Normalized,
) -> TurnSentiment {
    if hits.is_empty() {
        return TurnSentiment::default();
    }
    // One leftmost-longest pass over every lexicon hit (terms, negators, intensifiers,
    // contrast words together): the negator 别 inside the intensifier 特别, or 不 inside
    // the term 不满意, is part of the longer word and does not act on its own.
    // An empty range (an emoticon whose characters all became one separator, or none)
    // sorts before a word starting at the same place, so it is kept beside it.
    hits.sort_by(|a, b| {
        a.0.start
            .cmp(&b.0.start)
            .then((a.0.start != a.0.end).cmp(&(b.0.start != b.0.end)))
            .then(b.0.end.cmp(&a.0.end))
    });
    let mut kept: Vec<(Range<u32>, Target)> = Vec::with_capacity(hits.len());
    for (r, t) in hits.iter() {
        if kept.last().is_none_or(|(k, _)| k.end <= r.start) {
            kept.push((r.clone(), *t));
        }
    }
    let hits = kept;
    // Kept hits do not overlap, so their starts and ends rise together: the word
    // counts at all of them come from one pass over the text.
    let mut positions: Vec<u32> = hits.iter().flat_map(|(r, _)| [r.start, r.end]).collect();
    let words = WordIndex::new(text, &mut positions);
    let negated_later = negated_after(orig, norm, &hits, &words, negation_window);
    // `None` when the turn has no contrast or concession word: every factor is 1.
    let contrast = contrast_factors(orig, norm, &hits);
    let mut sum = 0.0f32;
    let mut out = TurnSentiment::default();
    // The nearest negator and intensifier before the current hit. Fewer words and less
    // text lie between a term and a nearer one, so when the nearest one does not reach
    // the term (too many words, clause punctuation between), no farther one does:
    // looking at the nearest is the same as looking at all of them.
    let mut negator: Option<Word> = None;
    let mut intensifier: Option<(Word, f32)> = None;
    // Negators and intensifiers that acted on no term and weigh something alone, with
    // their place among the kept hits.
    let mut alone: Vec<(usize, Range<u32>, f32)> = Vec::new();
    let flush = |w: Option<Word>, alone: &mut Vec<(usize, Range<u32>, f32)>| {
        if let Some(w) = w
            && !w.acted
            && w.alone != 0.0
        {
            alone.push((w.index, w.range, w.alone));
        }
    };
    let mut add = |w: f32, index: usize, range: &Range<u32>, out: &mut TurnSentiment| {
        let w = contrast.as_ref().map_or(w, |f| w * f[index]);
        sum += w;
        out.terms += 1;
        let orig = norm.orig_range(range.start as usize..range.end as usize);
        let orig = orig.start as u32..orig.end as u32;
        if w < 0.0 && out.most_negative.as_ref().is_none_or(|(_, m)| w < *m) {
            out.most_negative = Some((orig.clone(), w));
        }
        if w > 0.0 && out.most_positive.as_ref().is_none_or(|(_, m)| w > *m) {
            out.most_positive = Some((orig, w));
        }
    };
    for (i, (range, target)) in hits.iter().enumerate() {
        let weight = match *target {
            // A term of weight 0 is a mask: it keeps the words inside it from counting
            // (您好 keeps 好 from being praise, 无线 keeps 无 from negating) and is not a
            // term itself, so a turn with only masks has no sentiment.
            Target::Term(0.0) => continue,
            Target::Term(weight) => weight,
            Target::Negator(a) => {
                flush(negator.take(), &mut alone);
                negator = Some(Word::new(i, range, a));
                continue;
            }
            Target::Intensifier(m, a) => {
                flush(intensifier.take().map(|(w, _)| w), &mut alone);
                intensifier = Some((Word::new(i, range, a), m));
                continue;
            }
            // A negator does not reach across a contrast word: in 房间不大但很干净 ("the
            // room is not big but very clean") the 不 is about the size, not the cleanliness.
            Target::Contrast | Target::Concession => {
                flush(negator.take(), &mut alone);
                continue;
            }
            Target::NegatorAfter | Target::Leaf { .. } => continue,
        };
        let mut w = weight;
        let mut negated = negated_later[i];
        if let Some(n) = &mut negator
            && n.range.end <= range.start
            && words.between(n.range.end, range.start) < negation_window.max(1)
            && !clause_break(orig, norm, n.range.end, range.start)
        {
            n.acted = true;
            negated = true;
        }
        if negated {
            w *= NEGATION_SCALAR;
        }
        if let Some((i, m)) = &mut intensifier
            && i.range.end <= range.start
            && words.between(i.range.end, range.start) <= 1
        {
            i.acted = true;
            w *= *m;
        }
        add(w, i, range, &mut out);
    }
    flush(negator, &mut alone);
    flush(intensifier.map(|(w, _)| w), &mut alone);
    // In the order of the kept hits (text order; an empty range before a word at the
    // same place; two empty ones as they came), not the order they were flushed in:
    // floating-point addition is not associative, and the sum must not depend on it.
    alone.sort_by_key(|(index, _, _)| *index);
    for (index, range, a) in &alone {
        add(*a, *index, range, &mut out);
    }
    if out.terms > 0 {
        out.compound = sum / (sum * sum + ALPHA).sqrt();
    }
    out
}

/// The contrast factor of each kept hit:
/// - ×0.5 in the clause a concession word opens ("although it is a bit loud", "虽然贵"):
///   what the speaker grants, not what they mean; the clause ends at clause punctuation,
///   a contrast word or the end of its sentence;
/// - ×1.5 after the turn's first contrast word ("but", "但是"): what follows it is what
///   they mean, and in reviews a "可是" or "But" that opens a sentence turns the whole
///   story, not only its own sentence;
/// - ×0.5 before it;
/// - ×1.5 elsewhere in a sentence that grants something ("My son likes it, although he
///   got bored of it": the liking is the point);
/// - 1 otherwise.
///
/// `None` (all 1) for a turn with no contrast or concession word, the common case:
/// nothing is allocated. Linear in the hits: the text between two hits is read once.
fn contrast_factors(
    orig: &str,
    norm: &Normalized,
    hits: &[(Range<u32>, Target)],
) -> Option<Vec<f32>> {
    if !hits
        .iter()
        .any(|(_, t)| matches!(t, Target::Contrast | Target::Concession))
    {
        return None;
    }
    let mut factors = vec![1.0f32; hits.len()];
    // Sentence of each hit, and whether a clause ends between it and the hit before.
    let mut sentence = vec![0u32; hits.len()];
    let mut clause_starts = vec![false; hits.len()];
    for i in 1..hits.len() {
        let gap = gap_kind(
            orig,
            norm,
            hits[i - 1].0.end.min(hits[i].0.start),
            hits[i].0.start,
        );
        sentence[i] = sentence[i - 1] + u32::from(gap == Gap::Sentence);
        clause_starts[i] = gap != Gap::None;
    }
    // Forward: inside a concession clause, or after the turn's first contrast word (the
    // factors set here are final; the backward pass fills only those still at 1).
    let mut contrast_seen = false;
    let mut conceding = false;
    // Per sentence: whether a concession word stands in it.
    let mut grants = vec![false; sentence[hits.len() - 1] as usize + 1];
    for (i, (_, t)) in hits.iter().enumerate() {
        // A clause ended since the hit before (never so for the first hit).
        if clause_starts[i] {
            conceding = false;
        }
        match t {
            Target::Concession => {
                conceding = true;
                grants[sentence[i] as usize] = true;
            }
            Target::Contrast => {
                conceding = false;
                contrast_seen = true;
            }
            _ if conceding => factors[i] = 0.5,
            _ if contrast_seen => factors[i] = 1.5,
            _ => {}
        }
    }
    // Backward: before the turn's first contrast word, or elsewhere in a sentence that
    // grants something.
    let mut contrast_later = false;
    for (i, (_, t)) in hits.iter().enumerate().rev() {
        if *t == Target::Contrast {
            contrast_later = true;
        } else if factors[i] == 1.0 {
            if contrast_later {
                factors[i] = 0.5;
            } else if grants[sentence[i] as usize] {
                factors[i] = 1.5;
            }
        }
    }
    Some(factors)
}

/// What the original text between two hits holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Gap {
    /// Nothing that ends a clause.
    None,
    /// Clause punctuation: a comma, semicolon, colon (of any script); not the "." of
    /// "4.5".
    Clause,
    /// The end of a sentence: a full stop, question or exclamation mark (of any script)
    /// or a line break. A "." counts only before a space or the end, not in "4.5".
    Sentence,
}

/// The kind of break in the original text between two normalised positions.
pub(super) fn gap_kind(orig: &str, norm: &Normalized, from: u32, to: u32) -> Gap {
    let (a, b) = orig_gap(norm, from, to);
    let Some(gap) = orig.get(a..b) else {
        return Gap::None;
    };
    let mut kind = Gap::None;
    let mut chars = gap.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\n' || ends_sentence(c) {
            return Gap::Sentence;
        } else if c == '.' {
            if chars.peek().is_none_or(|n| n.is_whitespace()) {
                return Gap::Sentence;
            }
        } else if ends_clause(c) {
            kind = Gap::Clause;
        }
    }
    kind
}

/// Punctuation that ends a sentence in any script, "." aside (it is also a decimal point).
fn ends_sentence(c: char) -> bool {
    matches!(c, '!' | '?' | '。' | '！' | '？' | '؟' | '…')
}

/// Punctuation that ends a clause, not a sentence, in any script.
fn ends_clause(c: char) -> bool {
    matches!(c, ',' | ';' | ':' | '，' | '；' | '：' | '、' | '،' | '؛')
}

/// For each kept hit, whether a negator of `negators_after` negates it: each such
/// negator acts on the nearest term (of weight other than 0) before it, when fewer than
/// `negation_window` words and no clause punctuation or contrast word lie between them. A farther term
/// is never reached when the nearest is not (more words, more text between), so only
/// the nearest is looked at.
fn negated_after(
    orig: &str,
    norm: &Normalized,
    hits: &[(Range<u32>, Target)],
    words: &WordIndex,
    negation_window: u32,
) -> Vec<bool> {
    let mut out = vec![false; hits.len()];
    let mut last_term: Option<usize> = None;
    for (i, (range, target)) in hits.iter().enumerate() {
        match *target {
            Target::Term(w) if w != 0.0 => last_term = Some(i),
            // Nor backwards across a contrast word ("good but it was not cheap").
            Target::Contrast | Target::Concession => last_term = None,
            Target::NegatorAfter => {
                if let Some(t) = last_term.take() {
                    let end = hits[t].0.end;
                    out[t] = words.between(end, range.start) < negation_window.max(1)
                        && !clause_break(orig, norm, end, range.start);
                }
            }
            _ => {}
        }
    }
    out
}

/// A negator or intensifier seen in a turn: its index among the kept hits, where it
/// is, what it weighs when it acts on no term (`[lexicon] alone`), and whether it acted
/// on one.
struct Word {
    index: usize,
    range: Range<u32>,
    alone: f32,
    acted: bool,
}

impl Word {
    fn new(index: usize, range: &Range<u32>, alone: f32) -> Self {
        Word {
            index,
            range: range.clone(),
            alone,
            acted: false,
        }
    }
}

/// The original text between normalised positions `from` (the end of one word) and `to`
/// (the start of a later one), as a byte range. It runs from the original end of the
/// character before `from`, not from the character at `from`: Chinese keeps no space
/// between characters, so in 好吃。但是 the end of 好吃 and the start of 但是 are one
/// normalised position, and only the original text holds the 。 between them.
fn orig_gap(norm: &Normalized, from: u32, to: u32) -> (usize, usize) {
    let (from, to) = (from.min(to) as usize, from.max(to) as usize);
    let a = if from == 0 {
        0
    } else {
        norm.orig_range(from - 1..from).end
    };
    let b = norm.orig_range(to..to + 1).start;
    (a.min(b), b)
}

/// True when the original text between two normalised positions holds clause
/// punctuation: a negator does not reach across it ("No, thanks" is not a negated
/// "thanks"; "没有了，谢谢" is not a negated "谢谢"). Normalisation folds punctuation into
/// spaces, so this looks at the original.
pub(super) fn clause_break(orig: &str, norm: &Normalized, from: u32, to: u32) -> bool {
    let (a, b) = orig_gap(norm, from, to);
    orig.get(a..b).is_some_and(|gap| {
        gap.chars()
            .any(|c| c == '.' || ends_sentence(c) || ends_clause(c))
    })
}
