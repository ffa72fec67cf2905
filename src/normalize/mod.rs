//! Stage 2: normalise text for matching, keeping a map back to the original.
//!
//! Rules and transcripts go through the same folding ([`normalize_phrase`] for
//! rule phrases, [`normalize_into`] for transcript text), so a phrase matches
//! whatever its case, width, punctuation or Persian/Arabic letter variant. The
//! offset map lets evidence quote the original text exactly.
//!
//! # Contract
//!
//! `normalize_into(src, out)` writes into `out.text`:
//!
//! 1. **NFKC, then lower case.** Unicode NFKC (full-width → half-width letters,
//!    digits and punctuation; ligatures `ﬁ` → `fi`; compatibility forms `㎏` →
//!    `kg`, `①` → `1`), then `char::to_lowercase` (no `ß` → `ss` folding).
//!    Latin accents are kept, composed: `cafe` + U+0301 → `café`.
//! 2. **Separators.** Every punctuation or symbol character (general categories
//!    P* and S*, as seen *after* NFKC: ASCII and CJK punctuation `，。！？、：；“”‘’（）【】《》`,
//!    Persian `،؛؟«»`, apostrophes, hyphens, underscores, currency signs, emoji),
//!    every control (Cc) or `White_Space` character (tab, newline, NBSP, U+3000…),
//!    ZWNJ (U+200C) and ZWSP (U+200B) is a separator; a combining mark whose
//!    base is a separator (or that has no base) belongs to the separator. A run
//!    of separators becomes **one ASCII space**; there is never a leading or
//!    trailing space, nor two spaces in a row. So `don't` → `don t` and
//!    `می‌خواهم` (with ZWNJ) → `می خواهم`.
//! 3. **CJK spacing.** No space is kept between two CJK characters (as decided
//!    by [`is_cjk`]: Han, `〇 々 〆`, kana, Bopomofo, Thai): `您 好 ， 欢迎` → `您好欢迎`,
//!    `二 〇 〇 八` → `二〇〇八`. A combining mark counts as part of the character
//!    it follows, so a Thai vowel or tone mark ends a Thai character: `ดี ครับ` →
//!    `ดีครับ`. A space between a CJK character and anything else (Latin word,
//!    digit) is kept: `请问 Order 12345 的状态` → `请问 order 12345 的状态`. Han
//!    characters are never converted (no Traditional/Simplified mapping).
//! 4. **Removed characters** (no separator, as if absent, also *before* NFKC so
//!    that `a`, ZWJ, U+0301 still composes to `á`): format characters (Cf: ZWJ,
//!    LRM/RLM, bidi embeddings/isolates, ALM, BOM, word joiner, soft hyphen…)
//!    except ZWNJ/ZWSP, enclosing marks (Me, e.g. the keycap U+20E3), variation
//!    selectors, CGJ, tatweel `ـ` (U+0640), and Arabic harakat / Quranic marks
//!    (U+064B–U+065F, U+0670, U+06D6–U+06ED): `سَلام` → `سلام`.
//! 5. **Persian/Arabic folding** (after NFKC): `ي` U+064A, `ى` U+0649, `ئ` → `ی`
//!    U+06CC; `ك` U+0643 → `ک` U+06A9; `ة`, `ۀ` → `ه`; `أ إ آ ٱ` → `ا`; `ؤ` → `و`;
//!    `ۂ` → `ہ`, `ۓ` → `ے`. Arabic-Indic (U+0660–U+0669) and Persian (U+06F0–U+06F9)
//!    digits → ASCII digits (full-width digits go through NFKC).
//!
//! The output is a fixed point: `normalize(&normalize(s).text).text ==
//! normalize(s).text`, so rule phrases and transcripts can be normalised by the
//! same function and compared byte for byte.
//!
//! # Offset map
//!
//! NFKC is applied per *segment*: a starter character that nothing before it
//! can combine with, plus the combining marks (and other non-starters) that
//! follow it. Every normalised byte maps to the whole source range of the
//! segment that produced it (`ﬁ` → `fi`: both bytes map to the `ﬁ`; `e` +
//! U+0301 → `é`: it maps to both source characters). A normalised space maps
//! to the whole run of separators (and removed characters between them) it
//! replaced.
//!
//! - [`Normalized::orig_range`]`(a..b)` is the source byte range from the start
//!   of the segment that produced byte `a` to the end of the segment that
//!   produced byte `b - 1`. Bounds are clamped to the text and widened to char
//!   boundaries of `text`, so the result always lies on char boundaries of the
//!   source. An empty range maps to an empty range at the corresponding point.
//! - [`Normalized::norm_pos`]`(o)` is the offset of the first normalised byte
//!   whose source range ends after `o` (i.e. produced at or after `o`, or from a
//!   segment containing `o`), or `text.len()` if there is none. It is monotone,
//!   so a regex hit `s..e` in the original text maps to
//!   `norm_pos(s)..norm_pos(e)`.
//!
//! Both are binary searches (O(log n)) over a list of pieces that is short for
//! ordinary text (one piece per place where the length changes) and never
//! panic. Source texts are assumed to be shorter than 4 GiB.
//!
//! # Speed
//!
//! Runs of ASCII bytes skip NFKC entirely (lower-case, punctuation → space,
//! collapse), and characters that NFKC and folding leave alone (Han, most
//! Arabic-script letters) are copied straight through; only segments that
//! need it go through `unicode-normalization`. All buffers live in
//! [`Normalized`] and are reused by [`normalize_into`].

mod fold;
#[cfg(test)]
mod tests;

use std::ops::Range;

use fold::{BOUNDARY, DROP, JOINS, KEEP, MARK, SEP, SEPK, STABLE, class, fold_into};
use unicode_normalization::UnicodeNormalization;

/// A stretch of normalised bytes starting at `norm` (up to the next piece)
/// produced by source bytes `orig..orig_end`. `linear` pieces have the same
/// length on both sides and map byte `norm + k` to byte `orig + k`; other
/// pieces map each of their bytes to the whole range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    norm: u32,
    orig: u32,
    orig_end: u32,
    linear: bool,
}

/// Normalised text plus the map from its bytes back to the original's.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    /// The folded text (see module docs).
    pub text: String,
    map: Vec<Piece>,
    seg: Vec<char>,
    buf: Vec<char>,
}

impl Normalized {
    /// An empty buffer, to be reused with [`normalize_into`].
    pub fn new() -> Self {
        Self::default()
    }

    fn piece(&self, n: usize) -> Piece {
        let i = self.map.partition_point(|p| p.norm as usize <= n);
        self.map[i.saturating_sub(1)]
    }

    /// Source offset of the start of normalised byte `n` (`n < text.len()`).
    fn start_of(&self, n: usize) -> usize {
        let p = self.piece(n);
        if p.linear {
            p.orig as usize + (n - p.norm as usize)
        } else {
            p.orig as usize
        }
    }

    /// Source offset of the end of normalised byte `n` (`n < text.len()`).
    fn end_of(&self, n: usize) -> usize {
        let p = self.piece(n);
        if p.linear {
            p.orig as usize + (n - p.norm as usize) + 1
        } else {
            p.orig_end as usize
        }
    }

    /// Byte range in the original text that produced normalised bytes `norm`
    /// (see the module docs). Out-of-range bounds are clamped.
    pub fn orig_range(&self, norm: Range<usize>) -> Range<usize> {
        let len = self.text.len();
        if len == 0 {
            return 0..0;
        }
        let mut a = norm.start.min(len);
        let mut b = norm.end.clamp(a, len);
        while !self.text.is_char_boundary(a) {
            a -= 1;
        }
        while !self.text.is_char_boundary(b) {
            b += 1;
        }
        if a == b {
            let p = if a < len {
                self.start_of(a)
            } else {
                self.end_of(len - 1)
            };
            return p..p;
        }
        self.start_of(a)..self.end_of(b - 1)
    }

    /// Position in the normalised text of original byte offset `orig`: the
    /// first normalised byte produced at or after it (see the module docs).
    pub fn norm_pos(&self, orig: usize) -> usize {
        let i = self.map.partition_point(|p| p.orig_end as usize <= orig);
        match self.map.get(i) {
            None => self.text.len(),
            Some(p) if p.linear && orig >= p.orig as usize => {
                // Inside a character: the one containing `orig`.
                let mut n = p.norm as usize + (orig - p.orig as usize);
                while !self.text.is_char_boundary(n) {
                    n -= 1;
                }
                n
            }
            Some(p) => p.norm as usize,
        }
    }
}

/// Output state while normalising one text.
struct Emit<'a> {
    /// The normalised text being built (bytes of valid UTF-8).
    out: Vec<u8>,
    map: &'a mut Vec<Piece>,
    /// Source range of the separator run not yet written.
    pending: Option<(usize, usize)>,
    /// The last thing seen was a base (or mark) that a mark may attach to.
    attached: bool,
    /// The last character written is CJK.
    last_cjk: bool,
}

/// Lower-case form of an ASCII word byte (letter or digit), 0 for separators.
static ASCII_LOWER: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        if b.is_ascii_alphanumeric() {
            t[i] = b.to_ascii_lowercase();
        }
        i += 1;
    }
    t
};

impl Emit<'_> {
    #[inline]
    fn sep(&mut self, s: usize, e: usize) {
        self.pending = Some(match self.pending {
            Some((ps, pe)) => (ps, pe.max(e)),
            None => (s, e),
        });
        self.attached = false;
    }

    #[inline]
    fn absorb(&mut self, e: usize) {
        if let Some(p) = &mut self.pending {
            p.1 = p.1.max(e);
        }
    }

    /// Push a new piece. The end of a linear piece is only known when the
    /// next one starts (or at [`Emit::finish`]), so it is filled in then.
    #[inline]
    fn push_piece(&mut self, p: Piece) {
        if let Some(l) = self.map.last_mut()
            && l.linear
        {
            l.orig_end = l.orig + (p.norm - l.norm);
        }
        self.map.push(p);
    }

    fn finish(&mut self) {
        let n = self.out.len() as u32;
        if let Some(l) = self.map.last_mut()
            && l.linear
        {
            l.orig_end = l.orig + (n - l.norm);
        }
    }

    /// Map the bytes about to be appended linearly to the source from `orig` on.
    #[inline]
    fn linear(&mut self, orig: usize) {
        let n = self.out.len() as u32;
        let orig = orig as u32;
        if let Some(p) = self.map.last()
            && p.linear
            && p.orig + (n - p.norm) == orig
        {
            return;
        }
        self.push_piece(Piece {
            norm: n,
            orig,
            orig_end: 0,
            linear: true,
        });
    }

    /// Map the bytes about to be appended to the whole of `s..e`.
    #[inline]
    fn block(&mut self, s: usize, e: usize) {
        let (s, e) = (s as u32, e as u32);
        if let Some(p) = self.map.last()
            && !p.linear
            && p.orig == s
            && p.orig_end == e
        {
            return;
        }
        self.push_piece(Piece {
            norm: self.out.len() as u32,
            orig: s,
            orig_end: e,
            linear: false,
        });
    }

    #[inline]
    fn map(&mut self, s: usize, e: usize, len: usize, linear: bool) {
        if linear && e - s == len {
            self.linear(s);
        } else {
            self.block(s, e);
        }
    }

    /// Write the pending separator (if any) before a base character.
    #[inline(always)]
    fn space_before(&mut self, cjk: bool) {
        if let Some((s, e)) = self.pending.take()
            && !self.out.is_empty()
            && !(cjk && self.last_cjk)
        {
            self.map(s, e, 1, true);
            self.out.push(b' ');
        }
    }

    /// The ASCII fast path: `src[s..e]` is ASCII and nothing after it can
    /// combine with its last character.
    #[inline]
    fn ascii(&mut self, src: &[u8], s: usize, e: usize) {
        let mut j = s;
        while j < e {
            let ss = j;
            while j < e && ASCII_LOWER[src[j] as usize] == 0 {
                j += 1;
            }
            if j > ss {
                self.sep(ss, j);
            }
            if j == e {
                break;
            }
            self.space_before(false);
            self.linear(j);
            while j < e {
                let l = ASCII_LOWER[src[j] as usize];
                if l == 0 {
                    break;
                }
                self.out.push(l);
                j += 1;
            }
            self.attached = true;
            self.last_cjk = false;
        }
    }

    /// Copy `src[s..e]`, characters that NFKC and folding leave alone (no
    /// separators or marks), whose first and last characters are (not) CJK.
    #[inline]
    fn plain(&mut self, src: &[u8], s: usize, e: usize, first_cjk: bool, last_cjk: bool) {
        self.space_before(first_cjk);
        self.linear(s);
        self.out.extend_from_slice(&src[s..e]);
        self.attached = true;
        self.last_cjk = last_cjk;
    }

    #[inline]
    fn push_char(&mut self, c: char) {
        if c.is_ascii() {
            self.out.push(c as u8);
        } else {
            self.out
                .extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
        }
    }

    /// Write one folded character (not a separator) produced by `s..e`.
    /// Returns false if it was a mark without a base (absorbed by the
    /// separator run instead).
    #[inline]
    fn char(&mut self, c: char, cls: u8, s: usize, e: usize, linear: bool) -> bool {
        if cls & MARK != 0 {
            if self.attached {
                // A mark is part of the character it follows: after a CJK (Thai)
                // character the text still ends in a CJK character.
                self.map(s, e, c.len_utf8(), linear);
                self.push_char(c);
                return true;
            }
            self.absorb(e);
            return false;
        }
        let cjk = is_cjk(c);
        self.space_before(cjk);
        self.map(s, e, c.len_utf8(), linear);
        self.push_char(c);
        self.attached = true;
        self.last_cjk = cjk;
        true
    }

    /// Write folded characters in `buf`, all produced by `s..e`.
    ///
    /// Characters that NFKC would combine with what precedes them
    /// ([`fold::JOINS`]: non-starters, Hangul vowel jamo…) are kept only after
    /// a base in the same segment. Otherwise they lost their base (a separator,
    /// the start of the text, or a character dropped after NFKC such as the
    /// tatweel of U+FE7B) and belong to the separator, so they can never
    /// attach to (reorder or compose with) the previous segment's output.
    fn chars(&mut self, buf: &[char], s: usize, e: usize) {
        let linear = buf.len() == 1;
        let mut based = false;
        for &d in buf {
            let cls = class(d);
            if cls & SEP != 0 {
                self.sep(s, e);
                based = false;
            } else if cls & JOINS != 0 && !based {
                self.absorb(e);
            } else {
                based = self.char(d, cls, s, e, linear);
            }
        }
    }

    /// Write `c` (source `s..e`), a segment on its own that NFKC leaves alone
    /// or turns into separators ([`fold::SEPK`]).
    #[inline]
    fn one(&mut self, c: char, cls: u8, s: usize, e: usize, buf: &mut Vec<char>) {
        if cls & SEPK != 0 {
            self.sep(s, e);
        } else if cls & KEEP != 0 {
            self.char(c, cls, s, e, true);
        } else {
            buf.clear();
            fold_into(c, buf);
            self.chars(buf, s, e);
        }
    }

    /// NFKC, fold and write the segment `seg` (source range `s..e`).
    fn flush(&mut self, seg: &mut Vec<char>, buf: &mut Vec<char>, s: usize, e: usize) {
        match seg[..] {
            [] => return,
            [c] if class(c) & STABLE != 0 => self.one(c, class(c), s, e, buf),
            _ => {
                buf.clear();
                let mut changed = false;
                for d in seg.iter().copied().nfkc() {
                    changed |= fold_into(d, buf);
                }
                // Lower-casing or dropping can make NFKC apply again
                // (`W` U+030A → `w` U+030A → `ẘ`): iterate to a fixed point.
                let mut rounds = 0;
                while changed && buf.len() > 1 && rounds < 4 {
                    std::mem::swap(seg, buf);
                    buf.clear();
                    for d in seg.iter().copied().nfkc() {
                        fold_into(d, buf);
                    }
                    changed = buf != seg;
                    rounds += 1;
                }
                self.chars(buf, s, e);
            }
        }
        seg.clear();
    }
}

/// End of the run of ASCII bytes starting at `i`.
#[inline]
fn ascii_run_end(b: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = b.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        if w & 0x8080_8080_8080_8080 != 0 {
            break;
        }
        i += 8;
    }
    while i < b.len() && b[i] < 0x80 {
        i += 1;
    }
    i
}

/// Decode the char starting at byte `i` of valid UTF-8 `b`; returns it and its length.
#[inline(always)]
fn decode(b: &[u8], i: usize) -> (char, usize) {
    let b0 = b[i] as u32;
    let (cp, len) = if b0 < 0x80 {
        (b0, 1)
    } else if b0 < 0xE0 {
        (((b0 & 0x1F) << 6) | (b[i + 1] as u32 & 0x3F), 2)
    } else if b0 < 0xF0 {
        (
            ((b0 & 0x0F) << 12) | ((b[i + 1] as u32 & 0x3F) << 6) | (b[i + 2] as u32 & 0x3F),
            3,
        )
    } else {
        (
            ((b0 & 0x07) << 18)
                | ((b[i + 1] as u32 & 0x3F) << 12)
                | ((b[i + 2] as u32 & 0x3F) << 6)
                | (b[i + 3] as u32 & 0x3F),
            4,
        )
    };
    (char::from_u32(cp).expect("valid UTF-8"), len)
}

/// True if nothing at byte `j` of `b` can combine with what precedes it.
#[inline]
fn safe_at(b: &[u8], j: usize) -> bool {
    j >= b.len() || b[j] < 0x80 || class(decode(b, j).0) & BOUNDARY != 0
}

/// A character NFKC and folding leave alone, neither separator nor mark.
const PLAIN: u8 = BOUNDARY | STABLE | KEEP;
const PLAIN_MASK: u8 = PLAIN | SEP | MARK | DROP;

/// Normalise `src` into `out`; `fast` enables the fast paths for ASCII runs
/// and characters that need no NFKC (the result is the same either way,
/// see the tests).
fn run(src: &str, out: &mut Normalized, fast: bool) {
    let Normalized {
        text,
        map,
        seg,
        buf,
    } = out;
    let mut bytes = std::mem::take(text).into_bytes();
    bytes.clear();
    bytes.reserve(src.len());
    map.clear();
    seg.clear();
    let mut st = Emit {
        out: bytes,
        map,
        pending: None,
        attached: false,
        last_cjk: false,
    };
    let b = src.as_bytes();
    let n = b.len();
    // Source range of the open segment `seg`.
    let (mut ss, mut se) = (0, 0);
    let mut i = 0;
    while i < n {
        if fast && b[i] < 0x80 {
            let run_end = ascii_run_end(b, i);
            // The last ASCII char before a non-ASCII one may get combining marks.
            let fast_end = if run_end < n && !safe_at(b, run_end) {
                run_end - 1
            } else {
                run_end
            };
            if fast_end > i {
                st.flush(seg, buf, ss, se);
                st.ascii(b, i, fast_end);
                i = fast_end;
                if i == n {
                    break;
                }
            }
        }
        let (c, len) = decode(b, i);
        let cls = class(c);
        if cls & DROP != 0 {
            i += len;
            continue;
        }
        if cls & BOUNDARY == 0 {
            if seg.is_empty() {
                ss = i;
            }
            seg.push(c);
            i += len;
            se = i;
            continue;
        }
        st.flush(seg, buf, ss, se);
        if fast && cls & PLAIN_MASK == PLAIN && c as u32 >= 0x80 {
            // A run of characters copied as they are.
            let start = i;
            let mut j = i + len;
            let (mut prev, mut last) = (c, c);
            let mut hold = false;
            while j < n && b[j] >= 0x80 {
                let (d, dl) = decode(b, j);
                let dc = class(d);
                if dc & PLAIN_MASK == PLAIN {
                    (prev, last) = (last, d);
                    j += dl;
                } else {
                    hold = dc & BOUNDARY == 0;
                    break;
                }
            }
            if hold {
                // `last` gets marks: it starts a segment.
                let end = j - last.len_utf8();
                if end > start {
                    st.plain(b, start, end, is_cjk(c), is_cjk(prev));
                }
                ss = end;
                se = j;
                seg.push(last);
            } else {
                st.plain(b, start, j, is_cjk(c), is_cjk(last));
            }
            i = j;
            continue;
        }
        if fast && cls & (STABLE | SEPK) != 0 && safe_at(b, i + len) {
            st.one(c, cls, i, i + len, buf);
            i += len;
            continue;
        }
        if fast && ('\u{FF01}'..='\u{FF5E}').contains(&c) && safe_at(b, i + len) {
            // Full-width ASCII: NFKC is the ASCII character.
            let a = (c as u32 - 0xFEE0) as u8;
            let l = ASCII_LOWER[a as usize];
            if l == 0 {
                st.sep(i, i + len);
            } else {
                st.char(char::from(l), KEEP, i, i + len, false);
            }
            i += len;
            continue;
        }
        ss = i;
        seg.push(c);
        i += len;
        se = i;
    }
    st.flush(seg, buf, ss, se);
    st.finish();
    debug_assert!(std::str::from_utf8(&st.out).is_ok());
    // SAFETY: `out` only ever receives ASCII bytes, whole characters copied
    // from `src` (a `&str`) at char boundaries, and `char::encode_utf8`
    // output, so it is valid UTF-8 (checked in debug builds above).
    *text = unsafe { String::from_utf8_unchecked(st.out) };
}

/// Normalise `src` into `out`, reusing its buffers.
pub fn normalize_into(src: &str, out: &mut Normalized) {
    run(src, out, true);
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

/// True for characters of scripts written without spaces between words: no word
/// boundary is required around them, no space is kept between two of them, and each
/// counts as one word in `near` and sentiment windows. These are Han (CJK Unified
/// Ideographs and their extensions, compatibility ideographs, radicals), the
/// ideographic marks and numerals used in Chinese text (`々` U+3005, `〆` U+3006, `〇`
/// U+3007, the Hangzhou numerals U+3021–U+3029, U+3038–U+303B), Hiragana,
/// Katakana, Bopomofo, and Thai (letters, vowel and tone marks: the whole Thai block).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3005..=0x3007 | 0x3021..=0x3029 | 0x3038..=0x303B
        | 0x3040..=0x30FF | 0x3100..=0x312F | 0x31A0..=0x31FF
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F
        | 0x0E00..=0x0E7F)
}

/// True for characters that make up a word in a space-separated script, i.e. where a
/// word boundary is checked: letters, digits, `_`, and combining marks (general
/// category M), which continue the word of the character they follow (`नमस्ते`: the
/// virama and vowel sign are inside the word; `İ` folds to `i` + U+0307, whose dot
/// keeps the `i` from being a word of its own).
#[inline]
pub fn is_word_char(c: char) -> bool {
    // Most text is ASCII, where this is a table look-up (no ASCII character is a mark).
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    // The letters of the other scripts the default pack speaks, without the Unicode
    // table search (hundreds of instructions a character): accented Latin, and the
    // Arabic letters of Persian. Every character of these ranges is a letter
    // (`all_fast_path_letters_are_letters` checks it against the table).
    if is_common_letter(c) {
        return true;
    }
    !is_cjk(c) && (c.is_alphanumeric() || c == '_' || class(c) & MARK != 0)
}

/// Latin-1 letters, Latin Extended-A and -B, and the Arabic-script letters Persian uses.
#[inline]
fn is_common_letter(c: char) -> bool {
    matches!(c, '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{24F}'
        | '\u{620}'..='\u{64A}' | '\u{66E}'..='\u{6D3}')
}
