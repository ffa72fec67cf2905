//! Header blocks of text exports: the `key: value` lines that chat platforms and
//! call-recording systems put before the conversation (`Visitor: Visitor 84213`,
//! `Department: Payments`, `坐席工号：1024`, `开始时间：2026-11-20 09:31:05`,
//! `شناسه کارشناس: 1024`). They are metadata, not turns.
//!
//! The rule (also in `docs/formats.md`), applied to the lines before the first turn:
//! - `# key: value` lines are always header (any key; unknown keys go to `extra`);
//!   blank lines and separator lines (`-----`, `=====`, `***`) end a block;
//! - a block's lines are classified: a line starting with a timestamp is a turn; a
//!   `Key: value` line with a known header key ([`field_of`]: English, Chinese, Persian)
//!   is *strong* when the key is not also a speaker label (`Department`, `开始时间`), or
//!   when it is an id key (`Agent ID`, `坐席工号`, `工号`) with an id value (`1024`);
//!   a known key that is also a speaker label (`Agent`, `Visitor`, `客户`, `کارشناس`) is
//!   *weak* when its value looks like a name or an id (at most 4 words, no sentence
//!   punctuation, each word capitalised or not Latin, or one token with a digit or
//!   `.`/`_`/`@`) and a turn otherwise (`Agent: Hello, thanks for calling` is a turn);
//!   a weak line whose value is used as a speaker label further down (`Agent: Sarah Lee`
//!   … `Sarah Lee: Hello`) counts as strong; a line of an unknown key used once in the
//!   file (`Engagement ID: 3321`) goes along (to `extra`), and one used as a label on
//!   two or more lines is a speaker (a turn); a line without `key:` is a title (ignored);
//! - a block ended by a blank or separator line that has a strong line is header whole;
//!   otherwise the header is the block's lines up to its last strong line, and the
//!   conversation starts after them. A block of titles only is skipped.
//!
//! So `Agent: Sarah Lee` alone before the turns stays a turn (ambiguous, nothing says
//! otherwise), but with `Department: Payments` next to it, or with `Sarah Lee:` turns
//! below, it is the agent's name.

use super::meta::{Key, key_of, norm_key};
use super::speakers::{clean, mapped, role_of, trim_marks};
use crate::transcript::Speaker;
use std::collections::{BTreeMap, HashMap};

/// Where a header value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    /// A metadata field (or the call id).
    Meta(Key),
    /// `extra` under this name.
    Extra(&'static str),
}

/// Header keys beyond the metadata keys of `meta::key_of`, matched after `norm_key`
/// (lower case, spaces and dashes → `_`). `true`: an id key (an id value makes the line
/// strong even when the key is also a speaker label).
const KEYS: &[(&str, Field, bool)] = &[
    // Agent.
    ("agent id", Field::Meta(Key::Agent), true),
    ("agent name", Field::Meta(Key::Agent), false),
    ("agent", Field::Meta(Key::Agent), false),
    ("operator", Field::Meta(Key::Agent), false),
    ("operator id", Field::Meta(Key::Agent), true),
    ("employee id", Field::Meta(Key::Agent), true),
    ("坐席", Field::Meta(Key::Agent), false),
    ("座席", Field::Meta(Key::Agent), false),
    ("坐席工号", Field::Meta(Key::Agent), true),
    ("座席工号", Field::Meta(Key::Agent), true),
    ("工号", Field::Meta(Key::Agent), true),
    ("客服工号", Field::Meta(Key::Agent), true),
    ("坐席姓名", Field::Meta(Key::Agent), false),
    ("客服", Field::Meta(Key::Agent), false),
    ("客服姓名", Field::Meta(Key::Agent), false),
    ("话务员", Field::Meta(Key::Agent), false),
    ("کارشناس", Field::Meta(Key::Agent), false),
    ("نام کارشناس", Field::Meta(Key::Agent), false),
    ("شناسه کارشناس", Field::Meta(Key::Agent), true),
    ("کد کارشناس", Field::Meta(Key::Agent), true),
    ("اپراتور", Field::Meta(Key::Agent), false),
    ("کد اپراتور", Field::Meta(Key::Agent), true),
    // Customer.
    ("customer id", Field::Meta(Key::CustomerId), true),
    ("customer number", Field::Meta(Key::CustomerId), true),
    ("visitor id", Field::Meta(Key::CustomerId), true),
    ("client id", Field::Meta(Key::CustomerId), true),
    ("member id", Field::Meta(Key::CustomerId), true),
    ("客户编号", Field::Meta(Key::CustomerId), true),
    ("客户id", Field::Meta(Key::CustomerId), true),
    ("客户号", Field::Meta(Key::CustomerId), true),
    ("会员号", Field::Meta(Key::CustomerId), true),
    ("شناسه مشتری", Field::Meta(Key::CustomerId), true),
    ("کد مشتری", Field::Meta(Key::CustomerId), true),
    ("شماره مشتری", Field::Meta(Key::CustomerId), true),
    ("visitor", Field::Extra("visitor"), false),
    ("visitor name", Field::Extra("visitor"), false),
    ("访客", Field::Extra("visitor"), false),
    ("customer", Field::Extra("customer"), false),
    ("customer name", Field::Extra("customer"), false),
    ("caller", Field::Extra("customer"), false),
    ("client", Field::Extra("customer"), false),
    ("客户", Field::Extra("customer"), false),
    ("客户姓名", Field::Extra("customer"), false),
    ("顾客", Field::Extra("customer"), false),
    ("مشتری", Field::Extra("customer"), false),
    ("نام مشتری", Field::Extra("customer"), false),
    // Department / queue / team.
    ("department", Field::Meta(Key::Queue), false),
    ("dept", Field::Meta(Key::Queue), false),
    ("group", Field::Meta(Key::Queue), false),
    ("skill group", Field::Meta(Key::Queue), false),
    ("部门", Field::Meta(Key::Queue), false),
    ("技能组", Field::Meta(Key::Queue), false),
    ("队列", Field::Meta(Key::Queue), false),
    ("صف", Field::Meta(Key::Queue), false),
    ("دپارتمان", Field::Meta(Key::Queue), false),
    ("واحد", Field::Meta(Key::Queue), false),
    ("بخش", Field::Meta(Key::Queue), false),
    ("班组", Field::Meta(Key::Team), false),
    ("团队", Field::Meta(Key::Team), false),
    ("تیم", Field::Meta(Key::Team), false),
    // Start.
    ("start", Field::Meta(Key::StartedAt), false),
    ("started", Field::Meta(Key::StartedAt), false),
    ("chat started", Field::Meta(Key::StartedAt), false),
    ("call start", Field::Meta(Key::StartedAt), false),
    ("call date", Field::Meta(Key::StartedAt), false),
    ("chat date", Field::Meta(Key::StartedAt), false),
    ("开始时间", Field::Meta(Key::StartedAt), false),
    ("通话开始时间", Field::Meta(Key::StartedAt), false),
    ("呼入时间", Field::Meta(Key::StartedAt), false),
    ("来电时间", Field::Meta(Key::StartedAt), false),
    ("日期", Field::Meta(Key::StartedAt), false),
    ("زمان شروع", Field::Meta(Key::StartedAt), false),
    ("ساعت شروع", Field::Meta(Key::StartedAt), false),
    ("تاریخ", Field::Meta(Key::StartedAt), false),
    ("تاریخ تماس", Field::Meta(Key::StartedAt), false),
    // Channel, call id, language, duration.
    ("渠道", Field::Meta(Key::Channel), false),
    ("کانال", Field::Meta(Key::Channel), false),
    ("call id", Field::Meta(Key::CallId), false),
    ("chat id", Field::Meta(Key::CallId), false),
    ("ticket id", Field::Meta(Key::CallId), false),
    ("session id", Field::Meta(Key::CallId), false),
    ("interaction id", Field::Meta(Key::CallId), false),
    ("通话编号", Field::Meta(Key::CallId), false),
    ("通话id", Field::Meta(Key::CallId), false),
    ("会话id", Field::Meta(Key::CallId), false),
    ("会话编号", Field::Meta(Key::CallId), false),
    ("شناسه تماس", Field::Meta(Key::CallId), false),
    ("کد تماس", Field::Meta(Key::CallId), false),
    ("شناسه گفتگو", Field::Meta(Key::CallId), false),
    ("语言", Field::Meta(Key::Language), false),
    ("زبان", Field::Meta(Key::Language), false),
    ("duration", Field::Extra("duration"), false),
    ("call duration", Field::Extra("duration"), false),
    ("chat duration", Field::Extra("duration"), false),
    ("通话时长", Field::Extra("duration"), false),
    ("时长", Field::Extra("duration"), false),
    ("مدت", Field::Extra("duration"), false),
    ("مدت تماس", Field::Extra("duration"), false),
];

/// The field a header key names (and whether it is an id key), if it is known.
pub(crate) fn field_of(key: &str) -> Option<(Field, bool)> {
    let k = norm_key(&trim_marks(key).replace('\u{200c}', " "));
    KEYS.iter()
        .find(|(name, _, _)| norm_key(name) == k)
        .map(|(_, f, id)| (*f, *id))
        .or_else(|| key_of(&k).map(|key| (Field::Meta(key), false)))
}

/// `key: value` (ASCII or full-width colon).
pub(crate) fn key_value(s: &str) -> Option<(&str, &str)> {
    let i = s.find([':', '：'])?;
    let colon = if s[i..].starts_with(':') {
        1
    } else {
        '：'.len_utf8()
    };
    let k = s[..i].trim();
    (!k.is_empty() && k.chars().count() <= 40).then(|| (k, s[i + colon..].trim()))
}

/// `-----`, `=====`, `*****`, `_____`, `~~~~~`, `─────` (3 or more).
fn is_separator(l: &str) -> bool {
    l.chars().count() >= 3 && l.chars().all(|c| "-=*_~─━—═".contains(c))
}

/// One token with a digit or `.`/`_`/`@`/`-`/`#` (`1024`, `a.sarah`, `C-88`).
fn is_id(v: &str) -> bool {
    !v.is_empty()
        && !v.contains(char::is_whitespace)
        && v.chars().any(|c| c.is_ascii_digit() || "._@-#".contains(c))
}

/// A name or an id rather than speech (rule in the module docs).
fn is_name_or_id(v: &str) -> bool {
    let v = v.trim();
    if v.is_empty() {
        return true;
    }
    if v.chars().count() > 40
        || v.contains([
            ',', ';', '!', '?', '，', '。', '！', '？', '、', '؛', '،', '؟', '…',
        ])
    {
        return false;
    }
    let words: Vec<&str> = v.split_whitespace().collect();
    if words.len() > 4 {
        return false;
    }
    if is_id(v) {
        return true;
    }
    // "Sarah L." is a name; "I need help." is not.
    if v.ends_with('.') && words.last().is_none_or(|w| w.chars().count() != 2) {
        return false;
    }
    words.iter().all(|w| {
        w.chars().next().is_some_and(|c| {
            c.is_uppercase()
                || c.is_ascii_digit()
                || (c.is_alphabetic() && !c.is_ascii() && !c.is_lowercase())
        })
    })
}

/// What a header line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Title,
    Strong,
    Weak,
    Unknown,
    Turn,
}

/// A header line taken as metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line<'a> {
    /// 0-based index of the line.
    pub index: usize,
    /// The key as written.
    pub key: &'a str,
    /// The value (trimmed).
    pub value: &'a str,
    /// Where it goes (`None`: `extra` under the normalised key).
    pub field: Option<Field>,
}

/// The header of a text export.
#[derive(Debug, Default)]
pub(crate) struct Header<'a> {
    /// Index of the first line after the header.
    pub body: usize,
    /// The header lines taken as metadata, in order.
    pub lines: Vec<Line<'a>>,
    /// Names the header gives to a speaker (`Agent: Sarah Lee` → `Sarah Lee` is the
    /// agent), for labels that the table does not know.
    pub hints: BTreeMap<String, Speaker>,
}

/// Split the header off `lines` (rule in the module docs). `stamped` says whether a
/// line starts with a timestamp; `label` gives a line's speaker label candidate.
pub(crate) fn split<'a>(
    lines: &[&'a str],
    map: &BTreeMap<String, Speaker>,
    stamped: &dyn Fn(&str) -> bool,
    label: &dyn Fn(&str) -> Option<String>,
) -> Header<'a> {
    let mut uses: HashMap<String, usize> = HashMap::new();
    for l in lines {
        if let Some(lab) = label(l) {
            *uses.entry(clean(&lab)).or_default() += 1;
        }
    }
    let speaker = |k: &str| mapped(map, k).or_else(|| role_of(k));
    let classify = |l: &str| -> Class {
        if stamped(l) {
            return Class::Turn;
        }
        let Some((k, v)) = key_value(l) else {
            return Class::Title;
        };
        match field_of(k) {
            Some((_, true)) if is_id(v) => Class::Strong,
            Some(_) if speaker(k).is_none() => Class::Strong,
            Some(_) if !is_name_or_id(v) => Class::Turn,
            Some(_) if uses.get(&clean(v)).is_some_and(|&n| n > 0) => Class::Strong,
            Some(_) => Class::Weak,
            None if speaker(k).is_some() => Class::Turn,
            None if uses.get(&clean(k)).is_some_and(|&n| n >= 2) => Class::Turn,
            None => Class::Unknown,
        }
    };
    let mut h = Header::default();
    let n = lines.len();
    let mut i = 0;
    loop {
        while i < n {
            let l = trim_marks(lines[i]);
            if l.is_empty() || is_separator(l) {
                i += 1;
            } else if let Some(rest) = l.strip_prefix('#') {
                if let Some((k, v)) = key_value(rest.trim()) {
                    h.lines.push(Line {
                        index: i,
                        key: k,
                        value: v,
                        field: field_of(k).map(|f| f.0),
                    });
                }
                i += 1;
            } else {
                break;
            }
        }
        let start = i;
        let mut end = i;
        while end < n && {
            let l = trim_marks(lines[end]);
            !l.is_empty() && !is_separator(l) && !l.starts_with('#')
        } {
            end += 1;
        }
        if start == end {
            h.body = i;
            return h;
        }
        let classes: Vec<Class> = lines[start..end]
            .iter()
            .map(|l| classify(trim_marks(l)))
            .take_while(|c| *c != Class::Turn)
            .collect();
        let stop = start + classes.len();
        let closed = stop == end && end < n;
        let has_strong = classes.contains(&Class::Strong);
        let accepted = if closed && has_strong {
            end
        } else {
            classes
                .iter()
                .rposition(|c| *c == Class::Strong)
                .map_or(start, |p| start + p + 1)
        };
        if !has_strong && classes.iter().all(|c| *c == Class::Title) && closed {
            i = end; // a title block: skip it
            continue;
        }
        for (j, raw) in lines.iter().enumerate().take(accepted).skip(start) {
            let l = trim_marks(raw);
            let Some((k, v)) = key_value(l) else { continue };
            let field = field_of(k);
            if let Some(s) = speaker(k)
                && field.is_some()
                && !v.is_empty()
                && !is_id(v)
            {
                h.hints.insert(v.to_lowercase(), s);
            }
            h.lines.push(Line {
                index: j,
                key: k,
                value: v,
                field: field.map(|f| f.0),
            });
        }
        if accepted == end && closed {
            i = end;
            continue;
        }
        h.body = if accepted > start { accepted } else { start };
        return h;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(text: &str) -> (usize, Vec<(String, String)>) {
        let lines: Vec<&str> = text.lines().collect();
        let h = split(&lines, &BTreeMap::new(), &|l| l.starts_with('['), &|l| {
            let l = l.trim_start_matches(|c: char| c != ']' && l.starts_with('['));
            let l = l.trim_start_matches(']').trim();
            super::super::speakers::split_label(l).map(|(a, _)| a.to_string())
        });
        (
            h.body,
            h.lines
                .iter()
                .map(|l| (l.key.to_string(), l.value.to_string()))
                .collect(),
        )
    }

    #[test]
    fn names_and_ids() {
        for v in [
            "Sarah Lee",
            "Sarah L.",
            "Visitor 84213",
            "1024",
            "a.sarah",
            "王芳",
            "رضا احمدی",
            "",
        ] {
            assert!(is_name_or_id(v), "{v}");
        }
        for v in [
            "Hello, thanks for calling",
            "hi there",
            "I need help.",
            "您好，请问",
            "سلام، خوش آمدید",
        ] {
            assert!(!is_name_or_id(v), "{v}");
        }
    }

    #[test]
    fn turns_are_never_header() {
        assert_eq!(
            head("Agent: Hello, thanks for calling.\nCustomer: hi\n").0,
            0
        );
        assert_eq!(
            head("Agent: Sarah Lee\n\nAgent: Hello.\nCustomer: hi\n").0,
            0,
            "ambiguous: a turn"
        );
        assert_eq!(head("Agent: Hi there\nCustomer: hello\n").0, 0);
    }

    #[test]
    fn strong_keys_make_a_header() {
        let (body, lines) = head(
            "Visitor: Visitor 84213\nDepartment: Payments\nEngagement ID: 3321\n\nAgent: Hello, how can I help?\n",
        );
        assert_eq!(body, 4);
        assert_eq!(lines.len(), 3);
        // Without a blank line, up to the last strong line only.
        let (body, lines) = head("Department: Payments\nAgent: Hi there\nCustomer: hello\n");
        assert_eq!((body, lines.len()), (1, 1));
        // A name used as a label below counts.
        let (body, _) =
            head("Agent: Sarah Lee\n[09:31:05] Sarah Lee: Hello\n[09:31:09] Visitor 1: hi\n");
        assert_eq!(body, 1);
        let (body, lines) = head(
            "坐席工号：1024\n开始时间：2026-11-20 09:31:05\n\n坐席：您好，请问有什么可以帮您？\n",
        );
        assert_eq!((body, lines.len()), (3, 2));
        let (body, _) = head(
            "Chat transcript\n\n# exported_by: x\nDepartment: Billing\n-----\nAgent: hi, welcome.\n",
        );
        assert_eq!(body, 5);
    }
}
