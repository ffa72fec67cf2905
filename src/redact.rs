//! Redaction of personal data in evidence, on by default: snippets leave callscore for
//! scorecard systems and BI, so card numbers, phone numbers, national id numbers and
//! e-mail addresses are replaced before anything is written.
//!
//! Rule: an e-mail address → `[EMAIL]`; any run of 7 or more digits (ASCII, Persian or
//! Arabic-Indic, full-width), possibly split by spaces, dots or dashes, → `[NUMBER]`.
//! That covers card numbers (13–19 digits), phone numbers, Iranian national codes
//! (10 digits) and Chinese resident ids (17 digits + check digit `X`).

use regex::Regex;
use std::borrow::Cow;
use std::sync::OnceLock;

fn email() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"[\w.+-]+@[\w-]+(\.[\w-]+)+").expect("static regex"))
}

fn long_number() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    R.get_or_init(|| Regex::new(r"\+?\d(?:[ .\-]?\d){6,}[xX]?").expect("static regex"))
}

/// Replace personal data in `text` (see the module docs).
pub fn redact(text: &str) -> Cow<'_, str> {
    let (has_at, has_digit_run) = candidates(text);
    if !has_at && !has_digit_run {
        return Cow::Borrowed(text);
    }
    let mut out = Cow::Borrowed(text);
    if has_at && let Cow::Owned(s) = email().replace_all(&out, "[EMAIL]") {
        out = Cow::Owned(s);
    }
    if has_digit_run && let Cow::Owned(s) = long_number().replace_all(&out, "[NUMBER]") {
        out = Cow::Owned(s);
    }
    out
}

/// [`redact`] for an owned string: returns `text` itself, without a copy, when
/// nothing is replaced (the usual case for evidence snippets).
pub fn redact_owned(text: String) -> String {
    match redact(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(s) => s,
    }
}

/// Digits in `text` (ASCII, Arabic-Indic, Persian, full-width), counted without Unicode
/// table look-ups: this runs on every evidence snippet.
fn digit_count(text: &str) -> usize {
    if text.is_ascii() {
        // A branch-free sum (unlike `filter().count()`) that the compiler vectorises.
        return text
            .bytes()
            .map(|c| usize::from(c.wrapping_sub(b'0') < 10))
            .sum();
    }
    text.chars()
        .filter(|&c| matches!(c, '0'..='9' | '\u{0660}'..='\u{0669}' | '\u{06F0}'..='\u{06F9}' | '\u{FF10}'..='\u{FF19}'))
        .count()
}

/// Which of the two patterns can match at all: an `@` for e-mails, 7 digits for long
/// numbers. Cheap tests that let most snippets skip the regexes; [`redact`] and
/// [`spans`] share them so they always agree.
fn candidates(text: &str) -> (bool, bool) {
    (text.contains('@'), digit_count(text) >= 7)
}

/// Byte ranges of `text` that [`redact`] replaces (sorted, merged), so that callers who
/// mark up a text (highlights) can keep each redacted run in one piece.
pub fn spans(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    let (has_at, has_digit_run) = candidates(text);
    if has_at {
        out.extend(email().find_iter(text).map(|m| m.range()));
    }
    if has_digit_run {
        out.extend(long_number().find_iter(text).map(|m| m.range()));
    }
    out.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<std::ops::Range<usize>> = Vec::with_capacity(out.len());
    for r in out {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::{redact, spans};

    #[test]
    fn spans_cover_what_redact_replaces() {
        let t = "card 4111 1111 1111 1111, mail a@b.com";
        let s = spans(t);
        assert_eq!(s.len(), 2);
        assert_eq!(&t[s[0].clone()], "4111 1111 1111 1111");
        assert_eq!(&t[s[1].clone()], "a@b.com");
        assert!(spans("order 12345").is_empty());
    }

    #[test]
    fn redacts_cards_phones_ids_and_emails() {
        assert_eq!(redact("card 4111 1111 1111 1111 ok"), "card [NUMBER] ok");
        assert_eq!(redact("call me on +1 415-555-0199"), "call me on [NUMBER]");
        assert_eq!(redact("mail a.b+c@example.co.uk now"), "mail [EMAIL] now");
        assert_eq!(
            redact("身份证 11010519491231002X 谢谢"),
            "身份证 [NUMBER] 谢谢"
        );
        assert_eq!(redact("کد ملی ۰۰۱۲۳۴۵۶۷۸"), "کد ملی [NUMBER]");
    }

    #[test]
    fn digit_count_matches_char_classes() {
        let slow = |t: &str| {
            t.chars()
                .filter(|&c| matches!(c, '0'..='9' | '\u{0660}'..='\u{0669}' | '\u{06F0}'..='\u{06F9}' | '\u{FF10}'..='\u{FF19}'))
                .count()
        };
        for t in [
            "",
            "order 12345",
            "کد ملی ۰۰۱۲۳۴۵۶۷۸ ٠١٢٣٤٥٦٧٨٩",
            "电话１２３４５６７８９０ ＡＢＣ ｜ ｝ \u{FF1A}\u{FF0F}",
            "\u{065A}\u{06FA}\u{06EF}\u{0659} ټ ۺ 好",
        ] {
            assert_eq!(super::digit_count(t), slow(t), "{t}");
        }
        for cp in 0x80..0x11000u32 {
            if let Some(c) = char::from_u32(cp) {
                let t = format!("a{c}{c}b");
                assert_eq!(super::digit_count(&t), slow(&t), "U+{cp:04X}");
            }
        }
    }

    #[test]
    fn keeps_short_numbers_and_plain_text() {
        assert_eq!(
            redact("refund in 5 business days, order 12345"),
            "refund in 5 business days, order 12345"
        );
        assert!(matches!(redact("hello"), std::borrow::Cow::Borrowed(_)));
    }
}
