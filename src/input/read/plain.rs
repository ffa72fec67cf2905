//! Plain-text transcripts and chat exports: one `Speaker: text` line per turn.
//!
//! - The label comes first on the line (also in right-to-left Persian text, where
//!   RLM/LRM marks around it are ignored) and ends at `:` or the full-width `：`.
//!   Labels are mapped by the shared table; an unknown label (a name) counts only
//!   if it labels at least two lines of the file (so `Order number: 123` inside a
//!   turn stays text), and then the shared rule applies (first to speak = agent).
//! - A timestamp may precede the label: `[10:02:13] Agent Sarah: hi`,
//!   `10:02:13 Customer: …`, `[2026-11-02 10:02:13] Agent (Sarah): …`,
//!   `00:01:05 Agent: …`, `[01:05] …`. Dated times and `hh:mm:ss` clock times from
//!   hour 1 on are wall-clock: turns are timed from the first stamped line (across
//!   midnight too). `mm:ss`, and `hh:mm:ss` starting at hour 0, are offsets into
//!   the recording and kept as they are.
//! - A line without a (valid) label continues the previous turn (joined with a
//!   newline); text before the first turn that is not a header is ignored.
//! - Header lines before the first turn become metadata, not turns (the rule is in
//!   `input::common::header`): `# key: value` lines, and blocks of `Key: value` lines
//!   with known header keys in English, Chinese and Persian (`Department`, `开始时间`,
//!   `坐席工号`, `شناسه کارشناس` …). Names the header gives (`Agent: Sarah Lee`) also
//!   tell who is who when the turns are labelled with those names.
//! - Turn ends: the next turn's start or the time the text takes to say, whichever
//!   is sooner. Without any timestamps, times are estimated from text length.

use crate::input::common::header::{self, Field};
use crate::input::common::meta::{self, Key};
use crate::input::common::speakers::{
    LabelFilter, Resolver, is_bidi_mark, split_label, trim_marks,
};
use crate::input::common::timefmt::{parse_clock, parse_datetime};
use crate::input::common::{Ctx, ReadError, fill_ends, finish};
use crate::transcript::{Call, Format, Metadata, Turn};
use regex::Regex;
use std::borrow::Cow;
use std::sync::OnceLock;

/// A timestamp at the start of a line.
#[derive(Debug, Clone, Copy)]
struct Stamp {
    /// Epoch ms (dated) or ms into the day / recording.
    ms: i64,
    dated: bool,
    /// 2 for `mm:ss`, 3 for `hh:mm:ss`.
    parts: usize,
}

fn stamp_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"^[\[(]?\s*(?:(\d{4}[-/]\d{2}[-/]\d{2})[ T])?(\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)\s*([AaPp][Mm])?\s*[\])]?(?:\s+|\s*[-–|]\s*)(.*)$",
        )
        .expect("static regex")
    })
}

/// Split a leading timestamp off `line`.
fn split_stamp(line: &str) -> Option<(Stamp, &str)> {
    let caps = stamp_re().captures(line)?;
    let time = caps.get(2)?.as_str();
    let parts = time.split([':']).count();
    let mut ms = parse_clock(time)? as i64;
    if let Some(ampm) = caps.get(3) {
        let pm = ampm.as_str().eq_ignore_ascii_case("pm");
        // "hh:mm" with AM/PM is a clock time, not mm:ss.
        if parts == 2 {
            ms *= 60;
        }
        let hour = ms / 3_600_000;
        if pm && hour < 12 {
            ms += 12 * 3_600_000;
        } else if !pm && hour == 12 {
            ms -= 12 * 3_600_000;
        }
    }
    let parts = if caps.get(3).is_some() { 3 } else { parts };
    let (ms, dated) = match caps.get(1) {
        Some(d) => (parse_datetime(d.as_str())? + ms, true),
        None => (ms, false),
    };
    Some((
        Stamp { ms, dated, parts },
        caps.get(4).map_or("", |m| m.as_str()),
    ))
}

/// `line` without a leading timestamp (for format sniffing).
pub(crate) fn strip_stamp(line: &str) -> &str {
    split_stamp(line).map_or(line, |(_, rest)| rest)
}

fn apply_header(
    ctx: &Ctx,
    md: &mut Metadata,
    call_id: &mut Option<String>,
    line: &header::Line,
) -> Result<(), ReadError> {
    let (key, value) = (line.key, line.value);
    match line.field {
        Some(Field::Meta(Key::CallId)) => {
            if !value.is_empty() && call_id.is_none() {
                *call_id = Some(value.to_string());
            }
            Ok(())
        }
        Some(Field::Meta(k)) => {
            // The first line that gives a field wins (`Agent ID` before `Agent`).
            let mut scratch = Metadata::default();
            meta::set(&mut scratch, k, value).map_err(|e| {
                ctx.err(format!("header {key}: {e}"))
                    .at_line(line.index as u64 + 1)
                    .with_hint("fix the header value or remove the line")
            })?;
            meta::fill_missing(md, &scratch);
            Ok(())
        }
        Some(Field::Extra(name)) => {
            if !value.is_empty() {
                md.extra
                    .entry(name.to_string())
                    .or_insert_with(|| value.to_string());
            }
            Ok(())
        }
        None => {
            if !value.is_empty() {
                md.extra
                    .entry(meta::norm_key(key))
                    .or_insert_with(|| value.to_string());
            }
            Ok(())
        }
    }
}

struct Line<'a> {
    no: usize,
    text: &'a str,
    stamp: Option<Stamp>,
    label: Option<(&'a str, &'a str)>,
}

/// Read a plain-text transcript.
pub(crate) fn read(ctx: &Ctx, text: &str) -> Result<Call, ReadError> {
    let lines: Vec<&str> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l.trim_start_matches('\u{feff}')
            } else {
                l
            }
        })
        .collect();
    let mut md = Metadata::default();
    let mut call_id = None;
    let unmarked = |l: &str| {
        l.trim_start_matches(|c: char| c.is_whitespace() || is_bidi_mark(c))
            .to_string()
    };
    let head = header::split(
        &lines,
        &ctx.opts.speaker_map,
        &|l| split_stamp(&unmarked(l)).is_some(),
        &|l| {
            let t = unmarked(l);
            split_label(strip_stamp(&t)).map(|(label, _)| label.to_string())
        },
    );
    for line in &head.lines {
        apply_header(ctx, &mut md, &mut call_id, line)?;
    }
    let body = head.body;
    // Names the header gives to speakers, under the user's own map.
    let map: Cow<_> = if head.hints.is_empty() {
        Cow::Borrowed(&ctx.opts.speaker_map)
    } else {
        let mut m = head.hints.clone();
        m.extend(ctx.opts.speaker_map.clone());
        Cow::Owned(m)
    };
    let map = map.as_ref();
    let parsed: Vec<Line> = lines
        .iter()
        .enumerate()
        .skip(body)
        .map(|(no, raw)| {
            let t = raw.trim_start_matches(|c: char| c.is_whitespace() || is_bidi_mark(c));
            let (stamp, rest) = match split_stamp(t) {
                Some((s, r)) => (Some(s), r),
                None => (None, t),
            };
            Line {
                no: no + 1,
                text: raw.trim(),
                stamp,
                label: split_label(rest),
            }
        })
        .collect();
    let filter = LabelFilter::new(map, parsed.iter().filter_map(|l| l.label.map(|x| x.0)));
    let mut call = ctx.call(call_id, Format::PlainText);
    call.metadata = md;
    let mut stamps: Vec<Option<Stamp>> = Vec::new();
    for l in &parsed {
        if l.text.is_empty() {
            continue;
        }
        match l.label {
            Some((label, text)) if filter.accepts(map, label) => {
                call.turns.push(Turn {
                    speaker: crate::transcript::Speaker::Other,
                    label: Some(label.to_string()),
                    text: text.to_string(),
                    start_ms: None,
                    end_ms: None,
                    line: Some(u32::try_from(l.no).unwrap_or(u32::MAX)),
                });
                stamps.push(l.stamp);
            }
            _ => {
                if let Some(t) = call.turns.last_mut() {
                    let extra = trim_marks(l.text);
                    if t.text.is_empty() {
                        t.text = extra.to_string();
                    } else {
                        t.text.push('\n');
                        t.text.push_str(extra);
                    }
                }
            }
        }
    }
    if call.turns.is_empty() {
        return Err(ctx
            .err("no speaker turns found: expected lines like `Agent: …` or `[10:02:13] Customer: …`")
            .with_call(&call.call_id)
            .with_hint("see docs/formats.md (plain text) for the accepted layouts"));
    }
    let resolver = Resolver::new(map, call.turns.iter().filter_map(|t| t.label.as_deref()));
    for t in &mut call.turns {
        t.speaker = resolver.get(t.label.as_deref().unwrap_or(""));
    }
    // Times.
    if let Some(first) = stamps.iter().flatten().next().copied() {
        let clock = first.dated || (first.parts == 3 && first.ms >= 3_600_000);
        let mut wrap = 0i64;
        let mut prev = first.ms;
        for (t, s) in call.turns.iter_mut().zip(&stamps) {
            let Some(s) = s else { continue };
            let ms = if clock {
                if !s.dated && s.ms + wrap < prev - 12 * 3_600_000 {
                    wrap += 86_400_000;
                }
                prev = s.ms + wrap;
                s.ms + wrap - first.ms
            } else {
                s.ms
            };
            t.start_ms = Some(u64::try_from(ms).unwrap_or(0));
        }
        fill_ends(&mut call.turns, true);
    }
    finish(call, ctx.source)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::tests::{read_fixture, read_text, summary};
    use crate::transcript::Speaker;

    #[test]
    fn english_with_header_and_continuation() {
        let (calls, errs) = read_fixture("plain/call_en.txt");
        assert!(errs.is_empty(), "{errs:?}");
        let c = &calls[0];
        assert_eq!(c.call_id, "TXT-501");
        assert_eq!(c.format, Format::PlainText);
        assert_eq!(c.metadata.agent.as_deref(), Some("Sarah Lee"));
        assert_eq!(c.metadata.queue.as_deref(), Some("retention"));
        assert_eq!(c.metadata.csat, Some(2.0));
        assert_eq!(
            c.metadata.extra.get("exported_by").map(String::as_str),
            Some("Genesys")
        );
        assert!(c.times_estimated);
        assert_eq!(
            summary(c)
                .iter()
                .map(|x| (x.0, x.1, x.3, x.4))
                .collect::<Vec<_>>(),
            vec![
                (
                    Speaker::Agent,
                    Some("Agent"),
                    "Thank you for calling, my name is Sarah.",
                    Some(7)
                ),
                (
                    Speaker::Customer,
                    Some("Customer"),
                    "I want to cancel.\nMy account number: 88812.",
                    Some(8)
                ),
                (
                    Speaker::Agent,
                    Some("Agent"),
                    "I'm sorry to hear that.",
                    Some(10)
                ),
            ]
        );
        assert_eq!(c.turns[0].start_ms, Some(0));
        assert_eq!(c.turns[0].end_ms, Some(3200), "8 words × 400 ms");
    }

    #[test]
    fn chinese_fullwidth_colon() {
        let (calls, errs) = read_fixture("plain/call_zh.txt");
        assert!(errs.is_empty(), "{errs:?}");
        let c = &calls[0];
        assert_eq!(c.call_id, "call_zh");
        assert_eq!(
            summary(c)
                .iter()
                .map(|x| (x.0, x.1, x.3))
                .collect::<Vec<_>>(),
            vec![
                (
                    Speaker::Agent,
                    Some("坐席"),
                    "您好，这里是顺丰客服，请问有什么可以帮您？"
                ),
                (Speaker::Customer, Some("客户"), "我的快递三天了还没到。"),
                (Speaker::Agent, Some("客服"), "非常抱歉，我帮您查一下。"),
            ]
        );
    }

    #[test]
    fn persian_rtl_marks() {
        let (calls, errs) = read_fixture("plain/call_fa.txt");
        assert!(errs.is_empty(), "{errs:?}");
        let c = &calls[0];
        assert_eq!(c.metadata.language.as_deref(), Some("fa"));
        assert_eq!(
            summary(c)
                .iter()
                .map(|x| (x.0, x.1, x.3))
                .collect::<Vec<_>>(),
            vec![
                (
                    Speaker::Agent,
                    Some("کارشناس"),
                    "سلام، به پشتیبانی خوش آمدید."
                ),
                (
                    Speaker::Customer,
                    Some("مشتری"),
                    "سلام، اینترنت من قطع شده است."
                ),
                (
                    Speaker::Agent,
                    Some("اپراتور"),
                    "لطفاً مودم را خاموش و روشن کنید."
                ),
            ]
        );
    }

    #[test]
    fn chat_export_clock_times() {
        let (calls, errs) = read_fixture("plain/chat_export.chat");
        assert!(errs.is_empty(), "{errs:?}");
        let c = &calls[0];
        assert!(!c.times_estimated);
        assert_eq!(
            summary(c),
            vec![
                (
                    Speaker::Agent,
                    Some("Agent Sarah"),
                    Some(0),
                    "Hi, how can I help?",
                    Some(1)
                ),
                (
                    Speaker::Customer,
                    Some("Customer"),
                    Some(45_000),
                    "My parcel is late",
                    Some(2)
                ),
                (
                    Speaker::Agent,
                    Some("Agent (Sarah)"),
                    Some(125_000),
                    "Let me check that for you.",
                    Some(3)
                ),
                (
                    Speaker::Customer,
                    Some("Customer"),
                    Some(130_000),
                    "ok",
                    Some(4)
                ),
            ]
        );
    }

    #[test]
    fn undated_clock_across_midnight() {
        let (calls, errs) = read_text(
            "x.chat",
            "[23:59:58] Agent: hi\n[00:00:03] Customer: hello\n",
        );
        assert!(errs.is_empty(), "{errs:?}");
        let starts: Vec<_> = calls[0].turns.iter().map(|t| t.start_ms).collect();
        assert_eq!(starts, vec![Some(0), Some(5000)]);
    }

    #[test]
    fn offsets_and_names() {
        let (calls, errs) = read_text(
            "x.log",
            "00:00:03 Sarah: hello, Acme\n00:00:07 Bob: hi\n00:01:05 Sarah: anything else?\n00:01:09 Bob: no\n",
        );
        assert!(errs.is_empty(), "{errs:?}");
        let c = &calls[0];
        assert_eq!(
            summary(c).iter().map(|x| (x.0, x.2)).collect::<Vec<_>>(),
            vec![
                (Speaker::Agent, Some(3000)),
                (Speaker::Customer, Some(7000)),
                (Speaker::Agent, Some(65_000)),
                (Speaker::Customer, Some(69_000)),
            ]
        );
        assert_eq!(
            c.turns[1].end_ms,
            Some(7500),
            "1 word: the 500 ms minimum, not the next start"
        );
    }

    #[test]
    fn no_labels_is_an_error() {
        let (calls, errs) = read_text("x.txt", "just some notes\nwithout speakers\n");
        assert!(calls.is_empty());
        assert!(
            errs[0].reason.starts_with("no speaker turns found"),
            "{}",
            errs[0].reason
        );
    }

    #[test]
    fn header_without_blank_line_keeps_agent_turn() {
        let (calls, errs) = read_text(
            "x.txt",
            "call_id: A1\nAgent: Hello, thank you for calling.\nCustomer: hi\n",
        );
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(
            calls[0].call_id, "A1",
            "a header line right before the turns"
        );
        assert_eq!(calls[0].turns.len(), 2);
        let (calls, _) = read_text("x.txt", "Agent: Sarah Lee\n\nAgent: Hello.\nCustomer: hi\n");
        assert_eq!(
            calls[0].turns.len(),
            3,
            "ambiguous without other header keys: a turn"
        );
        let (calls, _) = read_text("x.txt", "call_id: A1\nagent: Sarah Lee\n\nAgent: Hello.\n");
        assert_eq!(calls[0].call_id, "A1");
        assert_eq!(calls[0].metadata.agent.as_deref(), Some("Sarah Lee"));
    }

    /// What a call's metadata says, as (field, value) pairs worth comparing.
    fn md(c: &Call) -> Vec<(&str, String)> {
        let m = &c.metadata;
        let mut v = vec![];
        for (k, x) in [
            ("agent", &m.agent),
            ("team", &m.team),
            ("queue", &m.queue),
            ("channel", &m.channel),
            ("started_at", &m.started_at),
            ("customer_id", &m.customer_id),
        ] {
            if let Some(x) = x {
                v.push((k, x.clone()));
            }
        }
        for (k, x) in &m.extra {
            v.push((k.as_str(), x.clone()));
        }
        v
    }

    #[test]
    fn liveperson_like_chat_export_header_is_metadata() {
        let (calls, errs) = read_fixture("plain/liveperson_chat.txt");
        assert!(errs.is_empty(), "{errs:?}");
        let c = &calls[0];
        assert_eq!(c.call_id, "5f2c9e1a-7b44-4d1e-9c61-2a8e0d3b7a10");
        assert_eq!(
            md(c),
            vec![
                ("agent", "Sarah Lee".to_string()),
                ("queue", "Payments".into()),
                ("channel", "chat".into()),
                ("started_at", "2026-11-20 09:31:05".into()),
                ("end_time", "2026-11-20 09:34:02".into()),
                ("visitor", "Visitor 84213".into()),
            ]
        );
        assert_eq!(c.turns.len(), 8, "no header line became a turn");
        assert_eq!(c.turns[0].speaker, Speaker::Agent);
        assert_eq!(c.turns[0].line, Some(10));
        assert!(
            c.turns[0]
                .text
                .starts_with("Hi, thanks for contacting Acme")
        );
        assert_eq!(c.turns[1].speaker, Speaker::Customer);
        assert_eq!(c.turns[7].start_ms, Some(177_000));
    }

    #[test]
    fn zendesk_like_export_names_tell_who_is_who() {
        // The visitor writes first under their own name: the header's `Visitor: Ben Kim`
        // and `Agent: Sarah` decide the roles (the unknown-label rule alone would make
        // Ben the agent).
        let (calls, errs) = read_fixture("plain/zendesk_chat.txt");
        assert!(errs.is_empty(), "{errs:?}");
        let c = &calls[0];
        assert_eq!(
            md(c),
            vec![
                ("agent", "Sarah".to_string()),
                ("queue", "Orders".into()),
                ("started_at", "2026-11-20 02:14 PM UTC".into()),
                ("visitor", "Ben Kim".into()),
            ]
        );
        let who: Vec<_> = c.turns.iter().map(|t| t.speaker).collect();
        assert_eq!(
            who,
            [
                Speaker::Customer,
                Speaker::Agent,
                Speaker::Customer,
                Speaker::Agent,
                Speaker::Customer,
                Speaker::Agent,
                Speaker::Customer
            ]
        );
        assert_eq!(c.turns[1].start_ms, Some(33_000));
    }

    #[test]
    fn chinese_call_center_export_header_is_metadata() {
        let (calls, errs) = read_fixture("plain/callcenter_zh.txt");
        assert!(errs.is_empty(), "{errs:?}");
        let c = &calls[0];
        assert_eq!(c.call_id, "CC20261120-0931-1024");
        assert_eq!(
            md(c),
            vec![
                ("agent", "1024".to_string()),
                ("queue", "账单查询".into()),
                ("channel", "voice".into()),
                ("started_at", "2026-11-20 09:31:05".into()),
                ("customer_id", "Z2088".into()),
                ("duration", "00:04:12".into()),
            ]
        );
        assert_eq!(c.turns.len(), 9);
        assert!(c.turns.iter().all(|t| !t.text.contains("09:31:05")));
        assert_eq!(c.turns[0].speaker, Speaker::Agent);
        assert_eq!(c.turns[0].line, Some(10));
    }

    #[test]
    fn persian_export_header_is_metadata() {
        let (calls, errs) = read_fixture("plain/call_fa_header.txt");
        assert!(errs.is_empty(), "{errs:?}");
        let c = &calls[0];
        assert_eq!(c.call_id, "FA-H-3005");
        assert_eq!(
            md(c),
            vec![
                ("agent", "2231".to_string()),
                ("queue", "پشتیبانی فنی".into()),
                ("channel", "voice".into()),
                ("started_at", "2026-11-20 14:05:00".into()),
            ]
        );
        assert_eq!(c.turns.len(), 4);
        assert_eq!(c.turns[1].speaker, Speaker::Customer);
    }

    #[test]
    fn bad_header_number() {
        let (_, errs) = read_text("x.txt", "# csat: great\nAgent: hi\n");
        assert_eq!(errs[0].line, Some(1));
        assert_eq!(
            errs[0].reason,
            "header csat: expected a number, got \"great\""
        );
    }
}
