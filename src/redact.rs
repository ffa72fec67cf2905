//! Redaction of personal data, on by default: evidence snippets, reasons, error messages
//! and explanations leave callscore for scorecard systems, BI tools and log files, so card
//! numbers, phone numbers, national id numbers and e-mail addresses are replaced before
//! anything is written. `--no-redact` keeps them.
//!
//! # Tokens
//!
//! | token | what |
//! |---|---|
//! | `[EMAIL]` | an e-mail address |
//! | `[CARD]` | a payment card number: 13–19 digits, grouped by spaces, dashes or commas, passing the Luhn check |
//! | `[ID]` | a national id: US SSN `123-45-6789` (valid area, group and serial), Chinese resident id (17 digits + check digit or `X`, valid birth date and ISO 7064 check), Iranian national code (10 digits with a valid check digit) |
//! | `[PHONE]` | a phone number: `+` and 7–15 digits; a bracketed area code `(555) 123-4567`; groups of digits such as `021-8888-1234`, `138 0013 8000`, `1 800 555 0199`; an unbroken Chinese mobile `13800138000` or national number with trunk `0` (11–12 digits) or `00` international prefix |
//! | `[NUMBER]` | any other run of 7 or more digits |
//!
//! # What counts as a number
//!
//! Digits are ASCII, Arabic-Indic (`٠`–`٩`), Persian (`۰`–`۹`) and full-width (`０`–`９`),
//! so the checks work the same on Persian and Chinese text. A run is digits with up to
//! three separator characters between them (spaces, `-`, `.`, `/`, `,`, brackets, Unicode
//! dashes, the ideographic space), optionally led by `+` or `(` and, for a Chinese
//! resident id, ended by `X`. Runs of fewer than 7 digits (amounts, order lines, times)
//! are kept. A number is never kept because it fails a check: a Luhn-failing 16-digit
//! number is `[NUMBER]`, not left in place.
//!
//! # Precedence
//!
//! E-mail addresses are found first, and digits inside one belong to it. Each digit run
//! then gets the first token that fits, most specific first:
//!
//! 1. led by `+` → `[PHONE]` (cards and ids are never written with a `+`);
//! 2. US SSN shape `3-2-4` → `[ID]` (an impossible SSN is `[NUMBER]`);
//! 3. Chinese resident id (check digit and birth date both valid) → `[ID]`;
//! 4. Luhn-valid 13–19 digits → `[CARD]`;
//! 5. Iranian national code (10 digits, valid check digit) → `[ID]`;
//! 6. phone shapes (above) → `[PHONE]`; a date shape (`2026-11-05`, `05.11.2026`) is not one;
//! 7. otherwise 7+ digits → `[NUMBER]`.
//!
//! Check-digit schemes accept about one random number in ten, so a bare 10-digit phone
//! number may come out as `[ID]` and a bare 16-digit reference as `[CARD]`: the token is a
//! best label, the guarantee is that the digits are gone.
//!
//! # Speed
//!
//! This runs on every evidence snippet. [`redact`] first counts digits and looks for an
//! `@` (a vectorised pass over the bytes for ASCII text) and returns the text untouched,
//! without a copy, when neither a 7-digit run nor an e-mail can be in it; digit runs are
//! found by one hand-written scan, not a regular expression.

use regex::Regex;
use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

/// Fewest digits in a run that is replaced.
const MIN_DIGITS: usize = 7;
/// Most separator characters between two digits of one run.
const MAX_SEP: usize = 3;
/// Most characters a snippet edge is moved to take in the whole number it cuts.
const MAX_WIDEN: usize = 64;

/// What a redacted piece of text was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An e-mail address.
    Email,
    /// A payment card number (Luhn-valid).
    Card,
    /// A phone number.
    Phone,
    /// A national id number (US SSN, Chinese resident id, Iranian national code).
    Id,
    /// Any other run of 7 or more digits.
    Number,
}

impl Kind {
    /// The text that replaces it.
    pub fn token(self) -> &'static str {
        match self {
            Kind::Email => "[EMAIL]",
            Kind::Card => "[CARD]",
            Kind::Phone => "[PHONE]",
            Kind::Id => "[ID]",
            Kind::Number => "[NUMBER]",
        }
    }
}

/// One piece of personal data found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Byte range in the text.
    pub range: Range<usize>,
    /// What it is.
    pub kind: Kind,
}

fn email() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    // Word characters, except the scripts written without spaces: in Chinese or Japanese
    // text an address is followed directly by words, which are not part of it.
    R.get_or_init(|| {
        Regex::new(
            r"[\w.+%\-&&[^\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]]+@[\w\-&&[^\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}_]]+(?:\.[\w\-&&[^\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}_]]+)+",
        )
        .expect("static regex")
    })
}

/// Replace personal data in `text` (see the module docs).
pub fn redact(text: &str) -> Cow<'_, str> {
    let found = find(text);
    if found.is_empty() {
        return Cow::Borrowed(text);
    }
    Cow::Owned(apply(text, &found, 0..text.len()))
}

/// [`redact`] for an owned string: returns `text` itself, without a copy, when
/// nothing is replaced (the usual case for evidence snippets).
pub fn redact_owned(text: String) -> String {
    match redact(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(s) => s,
    }
}

/// Words after which callscore's own error messages put their own numbers (a size, a
/// position): `at byte 1048577`, `the limit of 1048576`, `column 12`, `line 2000000`.
const OWN_NUMBER_AFTER: &[&str] = &[
    "byte ",
    "byte: ",
    "limit of ",
    "column ",
    "line ",
    "line: ",
    "record ",
    "row ",
    "turn ",
    "call ",
    "item ",
    "conversation ",
];

/// [`redact`] for an error message that callscore wrote about an input: everything the
/// message quotes from the input (between `"` or `` ` ``, as Rust and serde quote values)
/// and every e-mail address is redacted as usual, and so is any other number, except
/// callscore's own sizes and positions outside quotes (`is 1048577 bytes`, `at byte
/// 1048577`, `line 2000000`), which say where the problem is and carry nothing personal.
pub fn redact_message(text: &str) -> Cow<'_, str> {
    let mut found = find(text);
    if found.is_empty() {
        return Cow::Borrowed(text);
    }
    let quoted = quoted_ranges(text);
    found.retain(|f| {
        let in_quotes = quoted
            .iter()
            .any(|q| q.start < f.range.end && f.range.start < q.end);
        let before = &text[..f.range.start];
        let own = !in_quotes
            && f.kind != Kind::Email
            && (OWN_NUMBER_AFTER.iter().any(|w| before.ends_with(w))
                || text[f.range.end..].starts_with(" bytes"));
        !own
    });
    if found.is_empty() {
        return Cow::Borrowed(text);
    }
    Cow::Owned(apply(text, &found, 0..text.len()))
}

/// Byte ranges of `text` between double quotes (with `\"` escapes) or backticks.
fn quoted_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut open: Option<(usize, u8)> = None;
    let mut escaped = false;
    for (i, &c) in text.as_bytes().iter().enumerate() {
        match open {
            Some((start, q)) => {
                if escaped {
                    escaped = false;
                } else if c == b'\\' && q == b'"' {
                    escaped = true;
                } else if c == q {
                    out.push(start..i + 1);
                    open = None;
                }
            }
            None if c == b'"' || c == b'`' => open = Some((i, c)),
            None => {}
        }
    }
    // An unclosed quote runs to the end.
    if let Some((start, _)) = open {
        out.push(start..text.len());
    }
    out
}

/// Every piece of personal data in `text`, sorted by position, not overlapping.
pub fn find(text: &str) -> Vec<Found> {
    let (has_at, has_digit_run) = candidates(text);
    let mut out = Vec::new();
    if has_at {
        out.extend(email().find_iter(text).map(|m| Found {
            range: m.range(),
            kind: Kind::Email,
        }));
    }
    if has_digit_run {
        let emails: Vec<Range<usize>> = out.iter().map(|f| f.range.clone()).collect();
        numbers(text, &emails, &mut out);
        out.sort_by_key(|f| f.range.start);
    }
    out
}

/// `text[within]` with every piece of `found` (from [`find`] on the whole of `text`)
/// replaced by its token. A piece that only partly lies in `within` is replaced whole
/// when it starts there and dropped when it started before: callers that cut a text into
/// pieces (highlights) keep each piece of `found` inside one of theirs.
pub fn apply(text: &str, found: &[Found], within: Range<usize>) -> String {
    let mut out = String::with_capacity(within.len());
    let mut at = within.start;
    let first = found.partition_point(|f| f.range.end <= within.start);
    for f in &found[first..] {
        if f.range.start >= within.end {
            break;
        }
        if f.range.start >= at {
            out.push_str(&text[at..f.range.start]);
            out.push_str(f.kind.token());
        }
        at = at.max(f.range.end.min(within.end));
    }
    if at < within.end {
        out.push_str(&text[at..within.end]);
    }
    out
}

/// Byte ranges of `text` that [`redact`] replaces (sorted, merged), so that callers who
/// mark up a text (highlights) can keep each redacted run in one piece.
pub fn spans(text: &str) -> Vec<Range<usize>> {
    let mut merged: Vec<Range<usize>> = Vec::new();
    for f in find(text) {
        match merged.last_mut() {
            Some(last) if f.range.start <= last.end => last.end = last.end.max(f.range.end),
            _ => merged.push(f.range),
        }
    }
    merged
}

/// Move the edges of the excerpt `text[from..to]` outwards when they cut through
/// something [`redact`] would replace, so that redacting the excerpt replaces the whole
/// number or address instead of leaving the part at its edge that is too short to be
/// recognised (`…1111 1111`, `john.smith@exa…`). Looks at most [`MAX_WIDEN`] characters
/// beyond each edge.
pub fn widen(text: &str, from: usize, to: usize) -> (usize, usize) {
    let (mut from, mut to) = (from.min(text.len()), to.min(text.len()));
    to = to.max(from);
    let (cut_from, cut_to) = (may_cut(text, from), may_cut(text, to));
    if !cut_from && !cut_to {
        return (from, to);
    }
    let lo = text[..from]
        .char_indices()
        .rev()
        .nth(MAX_WIDEN - 1)
        .map_or(0, |(i, _)| i);
    let hi = text[to..]
        .char_indices()
        .nth(MAX_WIDEN)
        .map_or(text.len(), |(i, _)| to + i);
    for f in find(&text[lo..hi]) {
        let (s, e) = (lo + f.range.start, lo + f.range.end);
        if cut_from && s < from && e > from {
            from = s;
        }
        if cut_to && s < to && e > to {
            to = e;
        }
    }
    (from, to)
}

/// Whether the edge `at` may fall inside something [`find`] reports: a number (a digit,
/// or its `+` / `(` lead, at most [`MAX_SEP`] + 1 characters before the edge and a digit
/// or a closing `X` as close after it) or an e-mail address (no whitespace at the edge,
/// and an `@` in the word around it). A few character looks, so that the usual edge in
/// the middle of a word costs next to nothing.
fn may_cut(text: &str, at: usize) -> bool {
    let (before, after) = (&text[..at], &text[at..]);
    let (Some(b), Some(a)) = (before.chars().next_back(), after.chars().next()) else {
        return false;
    };
    let near = MAX_SEP + 1;
    let number = before
        .chars()
        .rev()
        .take(near)
        .any(|c| digit_value(c).is_some() || matches!(c, '+' | '(' | '\u{FF08}'))
        && (matches!(a, 'X' | 'x') || after.chars().take(near).any(|c| digit_value(c).is_some()));
    if number {
        return true;
    }
    if b.is_whitespace() || a.is_whitespace() {
        return false;
    }
    // Most text has no `@` near the edge at all: one vectorised look at the bytes.
    let bytes = text.as_bytes();
    let reach = 4 * MAX_WIDEN;
    let near_bytes = &bytes[at.saturating_sub(reach)..(at + reach).min(bytes.len())];
    if memchr::memchr(b'@', near_bytes).is_none() {
        return false;
    }
    let word = |chars: &mut dyn Iterator<Item = char>| {
        chars
            .take(MAX_WIDEN)
            .take_while(|c| !c.is_whitespace())
            .any(|c| c == '@')
    };
    word(&mut before.chars().rev()) || word(&mut after.chars())
}

/// The value of a digit callscore recognises (ASCII, Arabic-Indic, Persian, full-width).
fn digit_value(c: char) -> Option<u8> {
    let base = match c {
        '0'..='9' => '0',
        '\u{0660}'..='\u{0669}' => '\u{0660}',
        '\u{06F0}'..='\u{06F9}' => '\u{06F0}',
        '\u{FF10}'..='\u{FF19}' => '\u{FF10}',
        _ => return None,
    };
    Some((c as u32 - base as u32) as u8)
}

/// A character that may stand between the digits of one number.
fn is_sep(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{A0}' | '\u{202F}' | '\u{3000}' | '-' | '.' | '/' | ',' | '(' | ')' | '\u{2010}'
            ..='\u{2015}'
                | '\u{2212}'
                | '\u{060C}'
                | '\u{066B}'
                | '\u{066C}'
                | '\u{FF0C}'
                | '\u{FF0D}'
                | '\u{FF0E}'
                | '\u{FF08}'
                | '\u{FF09}'
    )
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

/// Which kinds can be present at all: an `@` for e-mails, 7 digits for numbers. Cheap
/// tests that let most snippets skip the searches.
fn candidates(text: &str) -> (bool, bool) {
    (text.contains('@'), digit_count(text) >= MIN_DIGITS)
}

/// One run of digits and separators.
#[derive(Debug, Default)]
struct Run {
    /// Where the replacement starts (a leading `+` or `(` included).
    start: usize,
    /// Just after the last digit.
    end: usize,
    /// Digit values, in order.
    digits: Vec<u8>,
    /// Digits per group (groups are split by separators).
    groups: Vec<usize>,
    /// The separators between groups, trimmed of spaces (`""` for a space).
    seps: Vec<String>,
    /// Led by `+`.
    plus: bool,
    /// Has a bracketed part (`(555) …`).
    brackets: bool,
    /// Directly followed by `X`/`x` that is not the start of a word.
    x: bool,
}

/// Find the digit runs of `text` outside `emails` (sorted) and push those to replace.
fn numbers(text: &str, emails: &[Range<usize>], out: &mut Vec<Found>) {
    let mut i = 0;
    let mut e = 0;
    while i < text.len() {
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        if digit_value(c).is_none() {
            i += c.len_utf8();
            continue;
        }
        while e < emails.len() && emails[e].end <= i {
            e += 1;
        }
        if let Some(m) = emails.get(e)
            && m.start <= i
        {
            i = m.end;
            continue;
        }
        let limit = emails.get(e).map_or(text.len(), |m| m.start);
        let run = scan_run(text, i, limit);
        let next = run.end.max(i + c.len_utf8());
        if let Some(f) = classify(&run) {
            out.push(f);
        }
        i = next;
    }
}

/// The run of digits starting at `start` (a digit), not reaching past `limit`.
fn scan_run(text: &str, start: usize, limit: usize) -> Run {
    let mut run = Run {
        start,
        ..Run::default()
    };
    let char_at = |p: usize| text[p..limit].chars().next();
    let mut pos = start;
    let mut group = 0;
    loop {
        while let Some(c) = char_at(pos) {
            let Some(v) = digit_value(c) else { break };
            run.digits.push(v);
            group += 1;
            pos += c.len_utf8();
        }
        run.end = pos;
        let mut p = pos;
        let mut n = 0;
        while n < MAX_SEP {
            match char_at(p) {
                Some(c) if is_sep(c) => {
                    p += c.len_utf8();
                    n += 1;
                }
                _ => break,
            }
        }
        if n == 0 || char_at(p).is_none_or(|c| digit_value(c).is_none()) {
            break;
        }
        run.groups.push(group);
        group = 0;
        let sep = &text[pos..p];
        run.brackets |= sep.contains([')', '\u{FF09}']);
        run.seps.push(
            sep.trim_matches([' ', '\u{A0}', '\u{202F}', '\u{3000}'])
                .to_string(),
        );
        pos = p;
    }
    run.groups.push(group);
    // A leading `(` belongs to the number when it is closed inside it; then a `+`.
    let before = &text[..start];
    if let Some(b) = before.strip_suffix(['(', '\u{FF08}'])
        && run.brackets
    {
        run.start = b.len();
    }
    if text[..run.start].ends_with('+') {
        run.start -= 1;
        run.plus = true;
    }
    if let Some(rest) = text[run.end..limit].strip_prefix(['X', 'x']) {
        run.x = !rest.starts_with(|c: char| c.is_ascii_alphabetic());
    }
    run
}

/// Which token a run gets, if any (the precedence in the module docs).
fn classify(run: &Run) -> Option<Found> {
    let n = run.digits.len();
    if n < MIN_DIGITS {
        return None;
    }
    let found = |kind, x: bool| {
        Some(Found {
            range: run.start..run.end + usize::from(x),
            kind,
        })
    };
    if run.plus {
        return found(if n <= 15 { Kind::Phone } else { Kind::Number }, false);
    }
    if run.groups == [3, 2, 4]
        && (run.seps.iter().all(|s| s == "-") || run.seps.iter().all(|s| s.is_empty()))
    {
        return found(
            if ssn_valid(&run.digits) {
                Kind::Id
            } else {
                Kind::Number
            },
            false,
        );
    }
    if chinese_id(run) {
        return found(Kind::Id, run.x);
    }
    if card(run) {
        return found(Kind::Card, false);
    }
    if iranian_code(run) {
        return found(Kind::Id, false);
    }
    if phone(run) {
        return found(Kind::Phone, false);
    }
    found(Kind::Number, false)
}

/// US SSN: area not 000, 666 or 900–999; group not 00; serial not 0000.
fn ssn_valid(d: &[u8]) -> bool {
    let num = |s: &[u8]| s.iter().fold(0u32, |a, &v| a * 10 + u32::from(v));
    let (area, group, serial) = (num(&d[..3]), num(&d[3..5]), num(&d[5..]));
    area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
}

/// Chinese resident identity card number: 6-digit area, 8-digit birth date, 3-digit
/// sequence, ISO 7064 MOD 11-2 check digit (`X` for 10); unbroken or grouped 6-8-4.
fn chinese_id(run: &Run) -> bool {
    let d = &run.digits;
    let (len, shapes): (usize, [&[usize]; 2]) = if run.x {
        (17, [&[17], &[6, 8, 3]])
    } else {
        (18, [&[18], &[6, 8, 4]])
    };
    if d.len() != len
        || !shapes.contains(&run.groups.as_slice())
        || !run.seps.iter().all(|s| s.is_empty() || s == "-")
    {
        return false;
    }
    let num = |s: &[u8]| s.iter().fold(0u32, |a, &v| a * 10 + u32::from(v));
    let (year, month, day) = (num(&d[6..10]), num(&d[10..12]), num(&d[12..14]));
    if !(1900..=2100).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return false;
    }
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = d[..17].iter().zip(W).map(|(&v, w)| u32::from(v) * w).sum();
    // Check digit for sum mod 11 = 0, 1, 2, …; 10 is written X.
    const CHECK: [u8; 11] = [1, 0, 10, 9, 8, 7, 6, 5, 4, 3, 2];
    let check = CHECK[(sum % 11) as usize];
    if run.x {
        check == 10
    } else {
        d.get(17) == Some(&check)
    }
}

/// Payment card: 13–19 digits split only by spaces, dashes or commas, Luhn-valid.
fn card(run: &Run) -> bool {
    (13..=19).contains(&run.digits.len())
        && !run.brackets
        && run
            .seps
            .iter()
            .all(|s| matches!(s.as_str(), "" | "-" | ","))
        && luhn(&run.digits)
}

/// The Luhn (mod 10) check of card numbers.
fn luhn(d: &[u8]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &v)| {
            let v = u32::from(v);
            if i % 2 == 1 {
                if v * 2 > 9 { v * 2 - 9 } else { v * 2 }
            } else {
                v
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Iranian national code: 10 digits (unbroken or 3-6-1), not all the same, with check
/// digit `c`: r = Σ dᵢ·(10−i) mod 11 over the first nine; c = r when r < 2, else 11 − r.
fn iranian_code(run: &Run) -> bool {
    let d = &run.digits;
    if d.len() != 10
        || !(run.groups == [10] || run.groups == [3, 6, 1])
        || !run.seps.iter().all(|s| s.is_empty() || s == "-")
        || d.iter().all(|&v| v == d[0])
    {
        return false;
    }
    let r = d[..9]
        .iter()
        .enumerate()
        .map(|(i, &v)| u32::from(v) * (10 - i as u32))
        .sum::<u32>()
        % 11;
    let check = if r < 2 { r } else { 11 - r };
    u32::from(d[9]) == check
}

/// The shapes phone numbers are written in without a `+` (see the module docs).
fn phone(run: &Run) -> bool {
    let d = &run.digits;
    let n = d.len();
    let international = d.starts_with(&[0, 0]);
    let most = if international { 15 } else { 13 };
    if n > most {
        return false;
    }
    if run.brackets {
        return true;
    }
    let g = &run.groups;
    if g.len() == 1 {
        return (n == 11 && d[0] == 1 && d[1] >= 3)
            || (d[0] == 0 && (11..=12).contains(&n))
            || (international && n >= 11);
    }
    if run.seps.iter().any(|s| {
        !matches!(
            s.as_str(),
            "" | "-" | "." | "/" | "\u{2010}" | "\u{2011}" | "\u{2012}" | "\u{2013}" | "\u{FF0D}"
        )
    }) {
        return false;
    }
    // A date: three groups, a 4-digit year at one end, day and month of 1–2 digits.
    let date = g.len() == 3
        && ((g[0] == 4 && g[1] <= 2 && g[2] <= 2) || (g[2] == 4 && g[0] <= 2 && g[1] <= 2));
    // Every group has 2+ digits, but a country or trunk code of 1 may lead a long number.
    let groups_ok = g[1..].iter().all(|&k| k >= 2) && (g[0] >= 2 || (n >= 10 && g[1] == 3));
    groups_ok && !date
}

#[cfg(test)]
mod tests;
