//! Tests of the normaliser: table-driven cases, offset-map checks and
//! property tests.

use super::*;
use proptest::prelude::*;

fn norm(s: &str) -> String {
    normalize(s).text
}

fn general(s: &str) -> Normalized {
    let mut n = Normalized::new();
    run(s, &mut n, false);
    n
}

#[test]
fn normalize_table() {
    let cases: &[(&str, &str)] = &[
        // ASCII
        ("Hello, World!", "hello world"),
        ("  Thank   you  ", "thank you"),
        ("don't", "don t"),
        ("state-of-the-art", "state of the art"),
        ("snake_case", "snake case"),
        ("$100 & 50%", "100 50"),
        ("line1\nline2\r\n\tline3", "line1 line2 line3"),
        ("a\u{0}b\u{7f}c", "a b c"),
        // punctuation-only / whitespace-only / empty
        ("", ""),
        ("?!...,;:'\"()[]{}-_/\\", ""),
        ("，。！？、：；“”‘’（）【】《》", ""),
        ("،؛؟«»", ""),
        (" \t\n\r\u{a0}\u{3000}\u{2028}", ""),
        ("\u{200d}\u{200e}\u{feff}", ""),
        // full-width
        ("ＨＥＬＬＯ，Ｗｏｒｌｄ！", "hello world"),
        ("ｏｒｄｅｒ　１２３４５", "order 12345"),
        ("Ｔhank  YOU!", "thank you"),
        // NFKC compatibility forms
        ("ﬁle", "file"),
        ("5㎏", "5kg"),
        ("①②", "12"),
        ("™", "tm"),
        ("½", "1 2"),
        ("Ⅻ", "xii"),
        ("ｶﾀｶﾅ", "カタカナ"),
        // NBSP and other spaces
        ("hello\u{a0}world", "hello world"),
        ("hello\u{2009}\u{202f}world", "hello world"),
        // Chinese, CJK spacing
        ("您 好 ， 欢迎", "您好欢迎"),
        ("您好，欢迎！", "您好欢迎"),
        ("请问 Order 12345 的状态", "请问 order 12345 的状态"),
        ("请问Order的状态", "请问order的状态"),
        ("订单 ， 123", "订单 123"),
        ("我要退款。谢谢", "我要退款谢谢"),
        ("國語 国语", "國語国语"),
        ("こんにちは 世界", "こんにちは世界"),
        // Persian / Arabic
        ("كيف", "کیف"),
        ("كىف", "کیف"),
        ("کیف", "کیف"),
        ("مي‌خواهم", "می خواهم"),
        ("می خواهم", "می خواهم"),
        ("سَلام", "سلام"),
        ("سلـــام", "سلام"),
        ("۱۲۳", "123"),
        ("٤٥٦", "456"),
        ("مدرسة", "مدرسه"),
        ("خانۀ", "خانه"),
        ("أحمد إبراهيم آمد ٱلله", "احمد ابراهیم امد الله"),
        ("مؤمن سائل", "مومن سایل"),
        ("سلام، خوبی؟", "سلام خوبی"),
        ("«سلام»", "سلام"),
        ("\u{200f}سلام\u{200e}", "سلام"),
        ("مُحَمَّدٌ", "محمد"),
        ("ﻻ", "لا"),
        // emoji and symbols
        ("thanks😀bye", "thanks bye"),
        ("ok👍🏽 👨\u{200d}👩\u{200d}👧 done", "ok done"),
        ("press 1\u{fe0f}\u{20e3} now", "press 1 now"),
        ("€5 or £5", "5 or 5"),
        // combining sequences
        ("cafe\u{301}", "café"),
        ("CAFÉ", "café"),
        ("Cafe\u{301}s", "cafés"),
        ("a\u{200d}\u{301}", "á"),
        ("\u{301}abc", "abc"),
        ("x, \u{301}y", "x y"),
        ("e\u{301}\u{327}", "ȩ\u{301}"),
        ("Straße", "straße"),
        ("ΣΟΦΙΑ", "σοφια"),
        ("İstanbul", "i\u{307}stanbul"),
        // Chinese numerals and iteration marks are CJK: no space kept between them
        ("我二〇〇八年买的", "我二〇〇八年买的"),
        ("二 〇 〇 八 年", "二〇〇八年"),
        ("人 々", "人々"),
        ("〆 切", "〆切"),
        ("〡 〢 〩", "〡〢〩"),
        ("〸 〻", "十〻"),
        // a combining mark is part of the character before it: a Thai vowel or tone
        // mark ends a Thai character, so no space after it either
        ("สวัสดี ครับ", "สวัสดีครับ"),
        ("ได้ ค่ะ", "ได้ค่ะ"),
        ("ดี ok", "ดี ok"),
        ("नमस्ते दोस्त", "नमस्ते दोस्त"),
    ];
    for &(src, want) in cases {
        assert_eq!(norm(src), want, "normalising {src:?}");
        assert_eq!(general(src).text, want, "general path on {src:?}");
        assert_eq!(norm(want), want, "idempotent on {want:?}");
    }
}

#[test]
fn cjk_covers_chinese_numerals_and_iteration_marks_and_thai() {
    for c in [
        '〇', '々', '〆', '〡', '〩', '〸', '〻', '好', 'ก', '\u{e34}', '\u{e49}', 'か',
    ] {
        assert!(is_cjk(c), "{c:?} U+{:04X}", c as u32);
        assert!(!is_word_char(c), "{c:?}");
    }
    for c in ['〄', '〠', '〪', '〼', 'a', '\u{301}', 'क'] {
        assert!(!is_cjk(c), "{c:?} U+{:04X}", c as u32);
    }
}

#[test]
fn ascii_word_chars_are_letters_digits_and_underscore() {
    let words: String = (0u8..128)
        .map(char::from)
        .filter(|&c| is_word_char(c))
        .collect();
    assert_eq!(
        words,
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
    );
    // Beyond ASCII the general rule decides: letters and marks are word characters.
    assert!(is_word_char('é') && is_word_char('ß') && !is_word_char('\u{80}'));
}

#[test]
fn all_fast_path_letters_are_letters() {
    let mut n = 0;
    for c in (0x80u32..0x800).filter_map(char::from_u32) {
        if is_common_letter(c) {
            assert!(c.is_alphanumeric() && !is_cjk(c), "U+{:04X}", c as u32);
            n += 1;
        }
    }
    assert_eq!(
        n,
        (0x24F - 0xC0 + 1 - 2) + (0x64A - 0x620 + 1) + (0x6D3 - 0x66E + 1)
    );
    // Persian letters outside Arabic's basic range, and what is not a letter.
    for c in ['پ', 'چ', 'ژ', 'ک', 'گ', 'ی', 'é', 'ß', 'ş'] {
        assert!(is_common_letter(c) && is_word_char(c), "{c:?}");
    }
    for c in ['×', '÷', '\u{64B}', '\u{66B}', '\u{6D4}', '«'] {
        assert!(!is_common_letter(c), "U+{:04X}", c as u32);
    }
}

#[test]
fn combining_marks_continue_words() {
    // Mn (acute, virama, dot above), Mc (Devanagari vowel sign aa).
    for c in ['\u{301}', '\u{94d}', '\u{307}', '\u{93e}'] {
        assert!(is_word_char(c), "U+{:04X}", c as u32);
    }
    for c in [' ', '-', '.'] {
        assert!(!is_word_char(c), "{c:?}");
    }
}

#[test]
fn normalize_phrase_equals_text() {
    assert_eq!(normalize_phrase("Thank you!"), "thank you");
    assert_eq!(normalize_phrase("مي‌خواهم"), normalize_phrase("می خواهم"));
    assert_eq!(normalize_phrase("您 好"), normalize_phrase("您好"));
}

/// Find `needle` in the normalised text and check it quotes `want` in `src`.
fn quote(src: &str, needle: &str, want: &str) {
    let n = normalize(src);
    let at = n
        .text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {:?}", n.text));
    let r = n.orig_range(at..at + needle.len());
    assert_eq!(&src[r.clone()], want, "quote of {needle:?} in {src:?}");
    // Mapping the original hit back gives the normalised hit.
    assert_eq!(n.norm_pos(r.start), at, "norm_pos start {src:?}");
    assert_eq!(n.norm_pos(r.end), at + needle.len(), "norm_pos end {src:?}");
}

#[test]
fn normalize_orig_range_quotes() {
    quote("Ｔhank  YOU!", "thank you", "Ｔhank  YOU");
    quote(
        "ＨＥＬＬＯ，Ｗｏｒｌｄ！",
        "hello world",
        "ＨＥＬＬＯ，Ｗｏｒｌｄ",
    );
    quote("ＨＥＬＬＯ，Ｗｏｒｌｄ！", "world", "Ｗｏｒｌｄ");
    quote("请问 Order 12345 的状态", "order 12345", "Order 12345");
    quote("请问 Order 12345 的状态", "的状态", "的状态");
    quote("请问 Order 12345 的状态", "请问", "请问");
    quote("您 好 ， 欢迎", "好欢", "好 ， 欢");
    quote("您 好 ， 欢迎", "您好欢迎", "您 好 ， 欢迎");
    quote("I said: don't!", "don t", "don't");
    quote("مي‌خواهم", "می خواهم", "مي‌خواهم");
    quote("آقا، مي‌خواهم بروم", "می", "مي");
    quote("سَلام", "سلام", "سَلام");
    quote("سلـــام دوست", "سلام", "سلـــام");
    quote("کد ۱۲۳ است", "123", "۱۲۳");
    quote("a ﬁle", "fi", "ﬁ");
    // Part of an expansion quotes the whole source char (no round trip).
    let n = normalize("a ﬁle");
    assert_eq!(n.orig_range(2..3), 2..5);
    assert_eq!(n.orig_range(3..4), 2..5);
    assert_eq!(n.orig_range(3..6), 2..7);
    quote("5㎏ rice", "kg", "㎏");
    quote("cafe\u{301} au lait", "café", "cafe\u{301}");
    quote("cafe\u{301} au lait", "é", "e\u{301}");
    quote("hello\u{a0}world", "o w", "o\u{a0}w");
    quote("one\n\ntwo", "one two", "one\n\ntwo");
    quote("thanks😀bye", "thanks bye", "thanks😀bye");
    quote("  Thank   you  ", "thank you", "Thank   you");
    quote("CAFÉ ok", "café", "CAFÉ");
    quote("Привет мир", "мир", "мир");
}

#[test]
fn normalize_map_edges() {
    let n = normalize("");
    assert_eq!(n.text, "");
    assert_eq!(n.orig_range(0..0), 0..0);
    assert_eq!(n.orig_range(3..9), 0..0);
    assert_eq!(n.norm_pos(0), 0);
    assert_eq!(n.norm_pos(100), 0);

    let n = normalize("  ab, 好 ");
    assert_eq!(n.text, "ab 好");
    assert_eq!(n.orig_range(0..100), 2..9);
    #[allow(clippy::reversed_empty_ranges)]
    let reversed = 7..3;
    assert_eq!(n.orig_range(reversed), 9..9);
    assert_eq!(n.orig_range(100..200), 9..9);
    // Inside a char: widened to the char.
    assert_eq!(n.orig_range(4..5), 6..9);
    assert_eq!(n.norm_pos(7), 3);
    assert_eq!(n.norm_pos(0), 0);
    assert_eq!(n.norm_pos(3), 1);
    assert_eq!(n.norm_pos(4), 2);
    assert_eq!(n.norm_pos(5), 2);
    assert_eq!(n.norm_pos(11), 6);
    assert_eq!(n.norm_pos(1000), 6);
    // The space maps to the run ", ".
    assert_eq!(n.orig_range(2..3), 4..6);
}

#[test]
fn normalize_reuses_buffers() {
    let mut n = Normalized::new();
    normalize_into("Hello, World! 你好，世界。سلام", &mut n);
    let want = n.text.clone();
    let caps = (n.text.capacity(), n.map.capacity());
    normalize_into("short", &mut n);
    assert_eq!(n.text, "short");
    assert_eq!(n.orig_range(0..5), 0..5);
    normalize_into("Hello, World! 你好，世界。سلام", &mut n);
    assert_eq!(n.text, want);
    assert_eq!((n.text.capacity(), n.map.capacity()), caps);
}

#[test]
fn normalize_ascii_is_one_piece_when_lengths_agree() {
    let n = normalize("Hello world how are you");
    assert_eq!(n.map.len(), 1);
    let n = normalize("你好世界");
    assert_eq!(n.map.len(), 1);
}

/// Check the invariants of one normalisation of `s`.
fn check(s: &str) -> Result<(), TestCaseError> {
    let n = normalize(s);
    let t = &n.text;
    prop_assert!(!t.starts_with(' ') && !t.ends_with(' '), "{t:?}");
    prop_assert!(!t.contains("  "), "{t:?}");
    prop_assert_eq!(&norm(t), t, "idempotent");

    let g = general(s);
    prop_assert_eq!(&g.text, t, "general path");

    let bounds: Vec<usize> = t.char_indices().map(|(i, _)| i).chain([t.len()]).collect();
    let mut last = 0;
    for w in bounds.windows(2) {
        let r = n.orig_range(w[0]..w[1]);
        prop_assert!(r.start <= r.end && r.end <= s.len(), "{r:?}");
        prop_assert!(s.is_char_boundary(r.start) && s.is_char_boundary(r.end));
        prop_assert!(last <= r.start, "monotone");
        last = r.start;
        prop_assert_eq!(g.orig_range(w[0]..w[1]), r.clone());
        let whole = n.orig_range(w[0]..t.len());
        prop_assert_eq!(whole.start, r.start);
        // The byte maps back into (or before) itself.
        prop_assert!(n.norm_pos(r.start) <= w[0]);
    }
    let mut last = 0;
    for o in 0..=s.len() + 1 {
        let p = n.norm_pos(o);
        prop_assert!(p >= last && p <= t.len(), "norm_pos monotone");
        prop_assert!(t.is_char_boundary(p));
        prop_assert_eq!(g.norm_pos(o), p);
        last = p;
    }
    Ok(())
}

fn mixed_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::char::range(' ', '~'),
        2 => prop::sample::select(vec![' ', ',', '.', '\n', '\t', '\'', '-', '!', '?']),
        2 => prop::char::range('\u{4e00}', '\u{4e80}'),
        1 => prop::char::range('\u{3000}', '\u{303f}'),
        1 => prop::char::range('\u{3040}', '\u{30ff}'),
        2 => prop::char::range('\u{0600}', '\u{06ff}'),
        1 => prop::sample::select(vec!['\u{200c}', '\u{200d}', '\u{200e}', '\u{200f}', '\u{feff}', '\u{a0}']),
        2 => prop::char::range('\u{0300}', '\u{036f}'),
        1 => prop::char::range('\u{ff01}', '\u{ff5e}'),
        1 => prop::char::range('\u{00c0}', '\u{024f}'),
        1 => prop::char::range('\u{1100}', '\u{11ff}'),
        1 => prop::char::range('\u{fb50}', '\u{fdff}'),
        1 => prop::char::range('\u{fe70}', '\u{feff}'),
        1 => prop::char::range('\u{1f300}', '\u{1f6ff}'),
        1 => any::<char>(),
    ]
}

/// 2000 cases per property unless `PROPTEST_CASES` says otherwise.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn normalize_prop_mixed(s in prop::collection::vec(mixed_char(), 0..40)) {
        let s: String = s.into_iter().collect();
        check(&s)?;
    }

    #[test]
    fn normalize_prop_any(s in any::<String>()) {
        check(&s)?;
    }

    #[test]
    fn normalize_prop_ascii(s in "[ -~\t\n]{0,60}") {
        check(&s)?;
        let n = normalize(&s);
        // Piece by piece: each char alone is either a separator (empty) or
        // its lower-case self, and the whole is those words joined by spaces.
        let mut want = String::new();
        let mut sep = false;
        for (i, c) in s.char_indices() {
            let one = normalize(&s[i..i + 1]);
            if one.text.is_empty() {
                sep = true;
                continue;
            }
            prop_assert_eq!(one.text.clone(), c.to_ascii_lowercase().to_string());
            if sep && !want.is_empty() {
                want.push(' ');
            }
            sep = false;
            // Every letter maps back to exactly itself.
            let at = want.len();
            prop_assert_eq!(n.orig_range(at..at + 1), i..i + 1);
            want.push_str(&one.text);
        }
        prop_assert_eq!(&n.text, &want);
        let g = general(&s);
        prop_assert_eq!(&g.text, &n.text);
        prop_assert_eq!(&g.map, &n.map);
    }
}

/// Inputs proptest once shrank to: each broke idempotence before a fix.
#[test]
fn normalize_idempotent_edge_cases() {
    let cases = [
        "W\u{30a}",                  // lower case re-enables composition: ẘ
        "一\u{300}\u{fe7b}\u{618}",  // dropped tatweel left a mark behind
        "\u{ffa1}\u{ffd2}",          // half-width jamo compose after NFKC
        "\u{1100}\u{fe71}\u{1161}",  // vowel jamo after a dropped tatweel
        ":\u{1161}\u{300}",          // vowel jamo after a separator
        "[\u{ffd2}\u{fe20}",         // ditto, from a half-width form
        "\u{11918} \u{cbe}\u{ffd2}", // spacing mark without base
        "a\u{657}\u{301}",           // Arabic mark blocking a composition
    ];
    for s in cases {
        let once = norm(s);
        assert_eq!(norm(&once), once, "{s:?}");
        assert_eq!(general(s).text, once, "{s:?}");
    }
    assert_eq!(norm("W\u{30a}"), "ẘ");
    assert_eq!(norm("a\u{657}\u{301}"), "á");
}
