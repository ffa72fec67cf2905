//! Word counts between positions of one normalised text, for `near` and sentiment.
//!
//! [`words_between`] counts by walking the text between two positions, which is fine
//! once but quadratic when a long turn asks it for every pair of hits. [`WordIndex`]
//! answers the same question for a fixed set of positions after one pass over the
//! text: the number of word starts before each position, so the count between two of
//! them is a subtraction.

/// What a character is to the word count: a CJK character is a word of its own, a
/// space separates words, anything else continues (or starts) a word.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Cjk,
    Space,
    Other,
}

#[inline]
fn kind(c: char) -> Kind {
    if c == ' ' {
        Kind::Space
    } else if crate::normalize::is_cjk(c) {
        Kind::Cjk
    } else {
        Kind::Other
    }
}

/// Number of words between two positions of normalised text: runs of word characters
/// count one each, CJK characters one each. A word cut by `from` counts as one.
pub fn words_between(text: &str, from: usize, to: usize) -> u32 {
    if from >= to || to > text.len() || !text.is_char_boundary(from) || !text.is_char_boundary(to) {
        return 0;
    }
    let mut n = 0;
    let mut in_word = false;
    for c in text[from..to].chars() {
        match kind(c) {
            Kind::Cjk => {
                n += 1;
                in_word = false;
            }
            Kind::Space => in_word = false,
            Kind::Other => {
                if !in_word {
                    n += 1;
                    in_word = true;
                }
            }
        }
    }
    n
}

/// One indexed position: its offset, the number of words that start before it, and
/// whether the character there continues a word that started before it.
#[derive(Debug, Clone, Copy)]
struct Mark {
    pos: u32,
    starts: u32,
    continues: bool,
    valid: bool,
}

/// Word counts at a set of positions of one text, built in one pass (see the module
/// docs). [`WordIndex::between`] gives exactly what [`words_between`] gives.
#[derive(Debug, Default)]
pub struct WordIndex {
    marks: Vec<Mark>,
}

impl WordIndex {
    /// Index `positions` (any order, duplicates allowed; sorted in place) of `text`.
    /// Costs one pass over `text` up to the largest position.
    pub fn new(text: &str, positions: &mut Vec<u32>) -> Self {
        positions.sort_unstable();
        positions.dedup();
        let mut marks = Vec::with_capacity(positions.len());
        let mut starts = 0u32;
        let mut prev = Kind::Space;
        let mut chars = text.char_indices().peekable();
        for &p in positions.iter() {
            let pu = p as usize;
            // Count the word starts of every character before `p`.
            while let Some(&(i, c)) = chars.peek() {
                if i >= pu {
                    break;
                }
                let k = kind(c);
                if k == Kind::Cjk || (k == Kind::Other && prev != Kind::Other) {
                    starts += 1;
                }
                prev = k;
                chars.next();
            }
            let valid = pu <= text.len() && text.is_char_boundary(pu);
            let here = text.get(pu..).and_then(|s| s.chars().next()).map(kind);
            marks.push(Mark {
                pos: p,
                starts,
                continues: valid && pu > 0 && here == Some(Kind::Other) && prev == Kind::Other,
                valid,
            });
        }
        WordIndex { marks }
    }

    fn mark(&self, pos: u32) -> Option<&Mark> {
        let i = self.marks.partition_point(|m| m.pos < pos);
        self.marks.get(i).filter(|m| m.pos == pos)
    }

    /// [`words_between`]`(text, from, to)` for two indexed positions (0 for a
    /// position that was not indexed).
    pub fn between(&self, from: u32, to: u32) -> u32 {
        if from >= to {
            return 0;
        }
        match (self.mark(from), self.mark(to)) {
            (Some(a), Some(b)) if a.valid && b.valid => {
                b.starts - a.starts + u32::from(a.continues)
            }
            _ => 0,
        }
    }
}
