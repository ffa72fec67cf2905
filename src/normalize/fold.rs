//! Per-character classification and folding tables.
//!
//! Character properties come from the crates the rest of the engine already
//! uses, so they agree with them exactly: general categories (P*, S*, M*, Cf,
//! Cc) and `White_Space` from `regex-syntax` (the same tables the rule regexes
//! see), decompositions, combining classes and compositions from
//! `unicode-normalization`. The BMP table is filled lazily, one 256-character
//! block at a time, the first time a character of that block is classified:
//! classifying one character costs ~1.6 k instructions (NFKC/NFKD iterators,
//! range look-ups), so building all 64 Ki entries up front cost ~105 M
//! instructions (~30 ms) per process, while a typical run touches only a
//! handful of blocks. Characters above the BMP are classified on the fly.

use std::sync::OnceLock;

use regex_syntax::hir::{Class, HirKind};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::{canonical_combining_class, compose, decompose_canonical};

/// Post-NFKC: punctuation, symbol, whitespace or control → separator.
pub(crate) const SEP: u8 = 1;
/// Removed without trace (format characters, bidi marks, tatweel, Arabic
/// diacritics, variation selectors, enclosing marks).
pub(crate) const DROP: u8 = 2;
/// A combining mark (general category M) that is kept when it has a base.
pub(crate) const MARK: u8 = 4;
/// A safe place to start an NFKC segment: not [`JOINS`], and neither is the
/// first character of its NFKD form. Nothing before it can interact with it
/// under NFKC.
pub(crate) const BOUNDARY: u8 = 8;
/// NFKC may combine it with what precedes: a non-zero combining class, or the
/// second character of a canonical composition (Hangul vowel and final jamo…).
pub(crate) const JOINS: u8 = 64;
/// NFKC turns it into separators only (`，` → `,`, U+3000 → space), or it is
/// a separator NFKC leaves alone.
pub(crate) const SEPK: u8 = 128;
/// NFKC leaves the character alone on its own.
pub(crate) const STABLE: u8 = 16;
/// Folding (lower case, Persian/Arabic unification, digits) leaves it alone.
pub(crate) const KEEP: u8 = 32;

/// Characters per lazily built block of the BMP table.
const BLOCK: u32 = 256;

struct Tables {
    /// Class bits of the BMP, one block of [`BLOCK`] characters per entry,
    /// each computed on first use (see the module docs).
    bmp: [OnceLock<[u8; BLOCK as usize]>; 0x10000 / BLOCK as usize],
    sep: Vec<(u32, u32)>,
    drop: Vec<(u32, u32)>,
    mark: Vec<(u32, u32)>,
    /// Characters that are the second element of a canonical composition.
    second: Vec<u32>,
}

fn ranges(pattern: &str) -> Vec<(u32, u32)> {
    let hir = regex_syntax::parse(pattern).expect("valid class");
    match hir.kind() {
        HirKind::Class(Class::Unicode(cls)) => cls
            .ranges()
            .iter()
            .map(|r| (r.start() as u32, r.end() as u32))
            .collect(),
        _ => unreachable!("pattern is a Unicode class"),
    }
}

fn in_ranges(r: &[(u32, u32)], c: u32) -> bool {
    let i = r.partition_point(|&(_, hi)| hi < c);
    i < r.len() && r[i].0 <= c
}

/// Characters removed before NFKC and after it (see module docs of `normalize`).
fn drop_ranges() -> Vec<(u32, u32)> {
    // Cf (format) except ZWNJ and ZWSP (separators), Me (enclosing marks),
    // tatweel, Arabic harakat / Quranic marks, CGJ, variation selectors.
    let mut v = ranges(
        r"[\p{Cf}\p{Me}\x{0640}\x{064B}-\x{065F}\x{0670}\x{06D6}-\x{06ED}\x{034F}\x{FE00}-\x{FE0F}\x{E0100}-\x{E01EF}--[\x{200B}\x{200C}]]",
    );
    v.sort_unstable();
    v
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let sep = ranges(r"[\p{P}\p{S}\p{Cc}\p{White_Space}\x{200B}\x{200C}]");
        let drop = drop_ranges();
        let mark = ranges(r"\p{M}");
        let mut second = Vec::new();
        for cp in 0..0x20000u32 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let mut parts = [None; 3];
            let mut n = 0;
            decompose_canonical(c, |d| {
                if n < 3 {
                    parts[n] = Some(d);
                }
                n += 1;
            });
            if n == 2
                && let (Some(a), Some(b)) = (parts[0], parts[1])
                && compose(a, b) == Some(c)
            {
                second.push(b as u32);
            }
        }
        // Hangul vowel and trailing jamo compose algorithmically.
        second.extend(0x1161..=0x1175);
        second.extend(0x11A8..=0x11C2);
        second.sort_unstable();
        second.dedup();
        Tables {
            bmp: [const { OnceLock::new() }; 0x10000 / BLOCK as usize],
            sep,
            drop,
            mark,
            second,
        }
    })
}

/// Class bits of a CJK ideograph: a plain letter NFKC and folding leave alone.
const IDEOGRAPH: u8 = BOUNDARY | STABLE | KEEP;

/// CJK Unified Ideographs (U+4E00–U+9FFF): 80 whole blocks whose characters all
/// have class [`IDEOGRAPH`] (checked by a test against [`compute`]). Chinese
/// text touches dozens of them, so they are filled without computing.
const CJK_BLOCKS: std::ops::RangeInclusive<u32> = 0x4E00..=0x9F00;

/// Class bits of a BMP character, computing its block on first use.
#[inline]
fn bmp_class(cp: u32) -> u8 {
    let t = tables();
    let block = t.bmp[(cp / BLOCK) as usize].get_or_init(|| {
        let base = cp - cp % BLOCK;
        if CJK_BLOCKS.contains(&base) {
            return [IDEOGRAPH; BLOCK as usize];
        }
        std::array::from_fn(|i| char::from_u32(base + i as u32).map_or(0, |c| compute(t, c)))
    });
    block[(cp % BLOCK) as usize]
}

fn compute(t: &Tables, c: char) -> u8 {
    let cp = c as u32;
    let mut bits = 0;
    if in_ranges(&t.drop, cp) {
        bits |= DROP;
    } else if in_ranges(&t.sep, cp) {
        bits |= SEP;
    } else if in_ranges(&t.mark, cp) {
        bits |= MARK;
    }
    let mut nfkc = std::iter::once(c).nfkc();
    let first = nfkc.next();
    let stable = first == Some(c) && nfkc.next().is_none();
    if stable {
        bits |= STABLE;
    }
    if bits & DROP == 0
        && first.is_some()
        && std::iter::once(c)
            .nfkc()
            .all(|d| in_ranges(&t.sep, d as u32) && !in_ranges(&t.drop, d as u32))
    {
        bits |= SEPK;
    }
    let joins =
        |d: char| canonical_combining_class(d) != 0 || t.second.binary_search(&(d as u32)).is_ok();
    if joins(c) {
        bits |= JOINS;
    } else if bits & DROP != 0 {
        // Removed before NFKC: never a segment start (marks after it
        // belong to the segment before it).
    } else if !std::iter::once(c).nfkd().next().is_some_and(joins) {
        bits |= BOUNDARY;
    }
    let mut lower = c.to_lowercase();
    if persian(c).is_none() && lower.next() == Some(c) && lower.next().is_none() {
        bits |= KEEP;
    }
    bits
}

/// Class bits of `c` (a combination of [`SEP`], [`DROP`], [`MARK`],
/// [`BOUNDARY`], [`STABLE`], [`KEEP`], [`JOINS`], [`SEPK`]).
#[inline(always)]
pub(crate) fn class(c: char) -> u8 {
    let cp = c as u32;
    if cp < 0x80 {
        return ASCII[cp as usize];
    }
    if cp < 0x10000 {
        return bmp_class(cp);
    }
    // CJK Extension B and later ideographs (not the compatibility block).
    if (0x20000..0x2F800).contains(&cp) || (0x2FA20..0x3134F).contains(&cp) {
        return BOUNDARY | STABLE | KEEP;
    }
    compute(tables(), c)
}

const fn ascii_table() -> [u8; 128] {
    let mut t = [0u8; 128];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        t[i] = BOUNDARY
            | STABLE
            | if b.is_ascii_alphanumeric() {
                if b.is_ascii_uppercase() { 0 } else { KEEP }
            } else {
                SEP | SEPK | KEEP
            };
        i += 1;
    }
    t
}

/// Class bits for ASCII characters.
pub(crate) static ASCII: [u8; 128] = ascii_table();

/// The Persian/Arabic letter and digit folding of the module contract.
#[inline]
pub(crate) fn persian(c: char) -> Option<char> {
    Some(match c {
        '\u{064A}' | '\u{0649}' | '\u{0626}' => '\u{06CC}', // ي ى ئ → ی
        '\u{0643}' => '\u{06A9}',                           // ك → ک
        '\u{0629}' | '\u{06C0}' => '\u{0647}',              // ة ۀ → ه
        '\u{0623}' | '\u{0625}' | '\u{0622}' | '\u{0671}' => '\u{0627}', // أ إ آ ٱ → ا
        '\u{0624}' => '\u{0648}',                           // ؤ → و
        '\u{06C2}' => '\u{06C1}',                           // ۂ → ہ (hamza is a diacritic)
        '\u{06D3}' => '\u{06D2}',                           // ۓ → ے
        '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
        '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
        _ => return None,
    })
}

/// Fold one NFKC output character into `out`: drop it, apply the Persian
/// folding, or lower-case it. Separators and marks are passed through.
/// Returns true if `c` was changed.
#[inline]
pub(crate) fn fold_into(c: char, out: &mut Vec<char>) -> bool {
    let cls = class(c);
    if cls & DROP != 0 {
        return true;
    }
    if cls & KEEP != 0 {
        out.push(c);
        return false;
    }
    if let Some(p) = persian(c) {
        out.push(p);
    } else {
        out.extend(c.to_lowercase());
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_fold_classes() {
        assert_eq!(class('a'), BOUNDARY | STABLE | KEEP);
        assert_eq!(class('A'), BOUNDARY | STABLE);
        assert_ne!(class('，') & SEP, 0);
        assert_eq!(class('，') & STABLE, 0);
        assert_ne!(class('，') & SEPK, 0);
        assert_ne!(class('\u{3000}') & SEPK, 0);
        assert_eq!(class('㎏') & SEPK, 0);
        assert_eq!(class('½') & SEPK, 0);
        assert_ne!(class('。') & SEP, 0);
        assert_ne!(class('«') & SEP, 0);
        assert_ne!(class('؟') & SEP, 0);
        assert_ne!(class('€') & SEP, 0);
        assert_ne!(class('😀') & SEP, 0);
        assert_ne!(class('\u{200C}') & SEP, 0);
        assert_ne!(class('\u{00A0}') & SEP, 0);
        assert_ne!(class('\u{200D}') & DROP, 0);
        assert_ne!(class('\u{200F}') & DROP, 0);
        assert_ne!(class('\u{FEFF}') & DROP, 0);
        assert_ne!(class('\u{0640}') & DROP, 0);
        assert_ne!(class('\u{064E}') & DROP, 0);
        assert_ne!(class('\u{FE0F}') & DROP, 0);
        assert_ne!(class('\u{0301}') & MARK, 0);
        assert_eq!(class('\u{0301}') & BOUNDARY, 0);
        assert_eq!(class('\u{1161}') & BOUNDARY, 0);
        assert_ne!(class('\u{1161}') & JOINS, 0);
        assert_ne!(class('\u{301}') & JOINS, 0);
        // Half-width Hangul vowel: NFKC gives a vowel jamo.
        assert_eq!(class('\u{FFD2}') & BOUNDARY, 0);
        assert_eq!(class('好'), BOUNDARY | STABLE | KEEP);
        assert_eq!(class('\u{20000}'), BOUNDARY | STABLE | KEEP);
        assert_eq!(class('ي') & KEEP, 0);
        assert_eq!(persian('۱'), Some('1'));
        assert_eq!(persian('٩'), Some('9'));
        // The ASCII table agrees with the general computation.
        for b in 0u8..128 {
            let c = char::from(b);
            assert_eq!(ASCII[b as usize], compute(tables(), c), "{c:?}");
        }
        // The CJK blocks filled without computing hold what compute gives.
        for cp in 0x4E00..=0x9FFFu32 {
            let c = char::from_u32(cp).unwrap();
            assert_eq!(compute(tables(), c), IDEOGRAPH, "U+{cp:04X}");
        }
        // The lazily built BMP blocks agree with the direct computation.
        for cp in (0x80..0x10000u32).step_by(7) {
            let want = char::from_u32(cp).map_or(0, |c| compute(tables(), c));
            assert_eq!(bmp_class(cp), want, "U+{cp:04X}");
        }
    }
}
