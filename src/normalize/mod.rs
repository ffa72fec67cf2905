//! Stage 2: normalise text for matching, keeping a map back to the original.
//!
//! Rules and transcripts go through the same folding so that a phrase matches
//! whatever its case, width, punctuation or Persian/Arabic letter variant:
//! NFKC, lower case, punctuation and symbols → one space, whitespace runs → one
//! space, no space kept between two CJK characters, Arabic/Persian variants unified.
//! The offset map lets evidence quote the original text exactly.

use std::ops::Range;

/// Normalised text plus the map from its bytes back to the original's.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    /// The folded text (see module docs).
    pub text: String,
    map: Vec<u32>,
}

impl Normalized {
    /// An empty buffer, to be reused with [`normalize_into`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Byte range in the original text that produced normalised bytes `norm`.
    pub fn orig_range(&self, norm: Range<usize>) -> Range<usize> {
        let _ = norm;
        let _ = &self.map;
        unimplemented!("normaliser helper fills this in")
    }

    /// Position in the normalised text of original byte offset `orig`.
    pub fn norm_pos(&self, orig: usize) -> usize {
        let _ = orig;
        unimplemented!("normaliser helper fills this in")
    }
}

/// Normalise `src` into `out`, reusing its buffers.
pub fn normalize_into(src: &str, out: &mut Normalized) {
    let _ = (src, out);
    unimplemented!("normaliser helper fills this in")
}

/// Normalise `src` into a new buffer.
pub fn normalize(src: &str) -> Normalized {
    let mut n = Normalized::new();
    normalize_into(src, &mut n);
    n
}

/// Normalise a rule phrase (same folding, no map).
pub fn normalize_phrase(src: &str) -> String {
    normalize(src).text
}

/// True for characters of scripts written without spaces between words (Han,
/// Hiragana, Katakana, Thai, …): no word boundary is required around them.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3040..=0x30FF | 0x3100..=0x312F | 0x31A0..=0x31FF
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F
        | 0x0E00..=0x0E7F)
}

/// True for characters that make up a word in a space-separated script
/// (letters, digits, marks), i.e. where a word boundary is checked.
pub fn is_word_char(c: char) -> bool {
    !is_cjk(c) && (c.is_alphanumeric() || c == '_')
}
