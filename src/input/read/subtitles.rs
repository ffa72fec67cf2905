//! Subtitle formats used for call recordings: WebVTT and SubRip (SRT).
//!
//! WebVTT: the `WEBVTT` header block, `NOTE`/`STYLE`/`REGION` blocks and cue
//! identifiers are skipped; cue timings are `hh:mm:ss.mmm` or `mm:ss.mmm` (a comma
//! is tolerated); the speaker comes from a `<v Name>` voice tag (classes allowed:
//! `<v.loud Name>`) or a `Name:` prefix; inline tags (`<i>`, `<c.x>`,
//! `<00:01.000>`) are removed and the common entities decoded.
//!
//! SRT: numbered cues with `hh:mm:ss,mmm --> hh:mm:ss,mmm`; the text lines of a cue
//! are joined with a space; the speaker comes from a `Name:`, `[Name]` or
//! `- Name:` prefix. A cue with several `- ` dialogue lines gives one turn per line.
//!
//! Both: each cue is one turn (consecutive cues of one speaker stay separate); a
//! cue without a speaker continues with the previous cue's speaker (captions name
//! the speaker only when it changes), or is `other` before any speaker is named;
//! unknown names go through the shared rule (first to speak = agent). Times are the
//! cue times. `Turn::line` is the cue's first text line. A line with `-->` that is
//! not a valid timing is an error for the whole file (line and text given): a
//! half-read transcript would be scored wrongly.

use crate::input::common::speakers::{LabelFilter, Resolver, split_label};
use crate::input::common::timefmt::parse_clock;
use crate::input::common::{Ctx, ReadError, finish};
use crate::transcript::{Call, Format, Speaker, Turn};
use regex::Regex;
use std::sync::OnceLock;

/// One cue before speaker resolution.
struct Cue {
    start: u64,
    end: u64,
    line: u64,
    /// Speaker written on the cue (voice tag or prefix), if any.
    label: Option<String>,
    /// True when `label` came from a prefix that still needs the label filter.
    prefix: bool,
    /// Text without the prefix (when the prefix is accepted).
    text: String,
    /// Text with the prefix kept (when it is not).
    raw: String,
}

fn tag_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"<[^>]*>|\{\\[^}]*\}").expect("static regex"))
}

fn voice_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"<v(?:\.[^\s>]*)?\s+([^>]*)>").expect("static regex"))
}

fn strip_tags(s: &str) -> String {
    let s = tag_re().replace_all(s, "");
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ")
        .replace("&lrm;", "\u{200e}")
        .replace("&rlm;", "\u{200f}")
        .replace("&amp;", "&")
}

/// A block without a timing line is stray text: keep it with the previous cue rather
/// than lose words (both VTT and SRT exports have it).
fn append_stray(cues: &mut [Cue], lines: &[&str]) {
    if let Some(prev) = cues.last_mut() {
        let extra = strip_tags(&lines.join(" "));
        prev.text.push(' ');
        prev.text.push_str(extra.trim());
        prev.raw.push(' ');
        prev.raw.push_str(extra.trim());
    }
}

/// Blocks of non-blank lines: (1-based line of the first, lines).
fn blocks(text: &str) -> Vec<(u64, Vec<&str>)> {
    let mut out: Vec<(u64, Vec<&str>)> = Vec::new();
    let mut cur: Option<(u64, Vec<&str>)> = None;
    for (i, line) in text.lines().enumerate() {
        let line = if i == 0 {
            line.trim_start_matches('\u{feff}')
        } else {
            line
        };
        if line.trim().is_empty() {
            if let Some(b) = cur.take() {
                out.push(b);
            }
        } else {
            cur.get_or_insert_with(|| (i as u64 + 1, Vec::new()))
                .1
                .push(line);
        }
    }
    out.extend(cur);
    out
}

fn parse_timing(line: &str) -> Option<(u64, u64)> {
    let (a, b) = line.split_once("-->")?;
    let start = parse_clock(a)?;
    let end = parse_clock(b.split_whitespace().next()?)?;
    Some((start, end))
}

fn bad_timing(ctx: &Ctx, line_no: u64, line: &str, example: &str) -> ReadError {
    let shown: String = line.trim().chars().take(80).collect();
    ctx.err(format!("bad cue timing {shown:?}: expected {example}"))
        .at_line(line_no)
        .with_hint("fix the timing line (hours are optional, milliseconds need 3 digits) or re-export the subtitles")
}

/// Speaker prefix of a cue text: `Name: text`, `[Name] text`, `- Name: text`.
fn prefix(text: &str) -> Option<(String, String)> {
    let t = text.trim_start();
    let t = t
        .strip_prefix("- ")
        .or_else(|| t.strip_prefix('-'))
        .unwrap_or(t)
        .trim_start();
    if let Some(rest) = t.strip_prefix('[') {
        if let Some(end) = rest.find(']') {
            let name = rest[..end].trim();
            let after = rest[end + 1..].trim_start_matches(':').trim();
            if !name.is_empty() && name.chars().count() <= 40 && !after.is_empty() {
                return Some((name.to_string(), after.to_string()));
            }
        }
        return None;
    }
    split_label(t).map(|(l, x)| (l.to_string(), x.to_string()))
}

fn cue_from_text(start: u64, end: u64, line: u64, raw: String, voice: Option<String>) -> Cue {
    let raw = raw.trim().to_string();
    match voice {
        Some(v) => Cue {
            start,
            end,
            line,
            label: Some(v),
            prefix: false,
            text: raw.clone(),
            raw,
        },
        None => match prefix(&raw) {
            Some((l, t)) => Cue {
                start,
                end,
                line,
                label: Some(l),
                prefix: true,
                text: t,
                raw,
            },
            None => Cue {
                start,
                end,
                line,
                label: None,
                prefix: false,
                text: raw.clone(),
                raw,
            },
        },
    }
}

/// Read a WebVTT file.
pub(crate) fn read_vtt(ctx: &Ctx, text: &str) -> Result<Call, ReadError> {
    let mut cues: Vec<Cue> = Vec::new();
    for (bi, (first, lines)) in blocks(text).into_iter().enumerate() {
        let head = lines[0].trim_start();
        if bi == 0 && head.starts_with("WEBVTT") {
            continue;
        }
        let kw = |k: &str| {
            head.strip_prefix(k)
                .is_some_and(|r| r.is_empty() || r.starts_with(char::is_whitespace))
        };
        if kw("NOTE") || kw("STYLE") || kw("REGION") {
            continue;
        }
        let Some(ti) = lines.iter().take(2).position(|l| l.contains("-->")) else {
            append_stray(&mut cues, &lines);
            continue;
        };
        let tline = first + ti as u64;
        let (start, end) = parse_timing(lines[ti])
            .ok_or_else(|| bad_timing(ctx, tline, lines[ti], "hh:mm:ss.mmm --> hh:mm:ss.mmm"))?;
        let body = &lines[ti + 1..];
        if body.is_empty() {
            continue;
        }
        let joined = body.join(" ");
        let voice = voice_re()
            .captures(&joined)
            .and_then(|c| c.get(1))
            .map(|m| strip_tags(m.as_str()).trim().to_string())
            .filter(|v| !v.is_empty());
        cues.push(cue_from_text(
            start,
            end,
            tline + 1,
            strip_tags(&joined),
            voice,
        ));
    }
    build(ctx, cues, Format::Webvtt)
}

/// Read an SRT file.
pub(crate) fn read_srt(ctx: &Ctx, text: &str) -> Result<Call, ReadError> {
    let mut cues: Vec<Cue> = Vec::new();
    for (first, lines) in blocks(text) {
        let Some(ti) = lines.iter().take(2).position(|l| l.contains("-->")) else {
            append_stray(&mut cues, &lines);
            continue;
        };
        let tline = first + ti as u64;
        let (start, end) = parse_timing(lines[ti])
            .ok_or_else(|| bad_timing(ctx, tline, lines[ti], "hh:mm:ss,mmm --> hh:mm:ss,mmm"))?;
        let body: Vec<String> = lines[ti + 1..].iter().map(|l| strip_tags(l)).collect();
        let dashed = body
            .iter()
            .filter(|l| l.trim_start().starts_with('-'))
            .count();
        if dashed >= 2 && body.iter().all(|l| l.trim_start().starts_with('-')) {
            for (k, l) in body.iter().enumerate() {
                cues.push(cue_from_text(
                    start,
                    end,
                    tline + 1 + k as u64,
                    l.clone(),
                    None,
                ));
            }
        } else if !body.is_empty() {
            cues.push(cue_from_text(start, end, tline + 1, body.join(" "), None));
        }
    }
    build(ctx, cues, Format::Srt)
}

fn build(ctx: &Ctx, mut cues: Vec<Cue>, format: Format) -> Result<Call, ReadError> {
    let map = &ctx.opts.speaker_map;
    let filter = LabelFilter::new(
        map,
        cues.iter()
            .filter(|c| c.prefix)
            .filter_map(|c| c.label.as_deref()),
    );
    for c in &mut cues {
        if c.prefix && !c.label.as_deref().is_some_and(|l| filter.accepts(map, l)) {
            c.label = None;
            c.text = std::mem::take(&mut c.raw);
        }
    }
    // Cues without a speaker continue the previous speaker.
    let mut last: Option<String> = None;
    let mut labels = Vec::with_capacity(cues.len());
    for c in &cues {
        if c.label.is_some() {
            last.clone_from(&c.label);
        }
        labels.push(c.label.clone().or_else(|| last.clone()));
    }
    let resolver = Resolver::new(map, labels.iter().flatten().map(String::as_str));
    let mut call = ctx.call(None, format);
    for (c, label) in cues.into_iter().zip(labels) {
        call.turns.push(Turn {
            speaker: label.as_deref().map_or(Speaker::Other, |l| resolver.get(l)),
            label,
            text: c.text,
            start_ms: Some(c.start),
            end_ms: Some(c.end),
            line: Some(u32::try_from(c.line).unwrap_or(u32::MAX)),
        });
    }
    finish(call, ctx.source)
}

#[cfg(test)]
mod tests {
    use crate::input::tests::{read_fixture, read_text};
    use crate::transcript::{Format, Speaker};

    #[test]
    fn vtt_voice_tags_notes_and_inline_tags() {
        let (calls, errs) = read_fixture("vtt/voice_tags_en.vtt");
        assert!(errs.is_empty(), "{errs:?}");
        let c = &calls[0];
        assert_eq!(c.format, Format::Webvtt);
        assert_eq!(c.call_id, "voice_tags_en");
        let got: Vec<_> = c
            .turns
            .iter()
            .map(|t| {
                (
                    t.speaker,
                    t.label.as_deref(),
                    t.start_ms,
                    t.end_ms,
                    t.text.as_str(),
                    t.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    Speaker::Agent,
                    Some("Maria"),
                    Some(500),
                    Some(3200),
                    "Thanks for calling Contoso support, this is Maria.",
                    Some(9)
                ),
                (
                    Speaker::Customer,
                    Some("Tom Jones"),
                    Some(3400),
                    Some(6000),
                    "Hi Maria, my router keeps dropping the connection.",
                    Some(14)
                ),
                (
                    Speaker::Customer,
                    Some("Tom Jones"),
                    Some(6000),
                    Some(7500),
                    "It started yesterday & it's bad.",
                    Some(18)
                ),
                (
                    Speaker::Agent,
                    Some("Maria"),
                    Some(65_250),
                    Some(3_668_000),
                    "Okay, let's restart it together.",
                    Some(21)
                ),
            ]
        );
    }

    #[test]
    fn vtt_name_prefix_chinese() {
        let (calls, errs) = read_fixture("vtt/prefix_zh.vtt");
        assert!(errs.is_empty(), "{errs:?}");
        let c = &calls[0];
        let got: Vec<_> = c
            .turns
            .iter()
            .map(|t| (t.speaker, t.label.as_deref(), t.text.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (Speaker::Agent, Some("客服"), "您好，请问有什么可以帮您？"),
                (Speaker::Customer, Some("客户"), "我要退货。"),
                (Speaker::Customer, Some("客户"), "订单号是：12345。"),
            ]
        );
    }

    #[test]
    fn vtt_bad_timing_is_located() {
        let (calls, errs) = read_fixture("vtt/bad_timing.vtt");
        assert!(calls.is_empty());
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].line, Some(7));
        assert_eq!(
            errs[0].reason,
            "bad cue timing \"00:00:04.000 --> 00:0x:06.000\": expected hh:mm:ss.mmm --> hh:mm:ss.mmm"
        );
        assert!(errs[0].source.ends_with("bad_timing.vtt"));
    }

    #[test]
    fn srt_prefixes_persian_and_unknown_names() {
        let (calls, errs) = read_fixture("srt/call_fa.srt");
        assert!(errs.is_empty(), "{errs:?}");
        let c = &calls[0];
        assert_eq!(c.format, Format::Srt);
        let got: Vec<_> = c
            .turns
            .iter()
            .map(|t| (t.speaker, t.label.as_deref(), t.start_ms, t.text.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    Speaker::Agent,
                    Some("کارشناس"),
                    Some(1000),
                    "سلام، خوش آمدید. چطور می‌توانم کمک کنم؟"
                ),
                (
                    Speaker::Customer,
                    Some("مشتری"),
                    Some(4200),
                    "سلام، سفارش من هنوز نرسیده است."
                ),
                (
                    Speaker::Customer,
                    Some("مشتری"),
                    Some(7000),
                    "کد پیگیری ۱۲۳۴ است."
                ),
            ]
        );
    }

    #[test]
    fn srt_brackets_dashes_and_multiline() {
        let (calls, errs) = read_fixture("srt/names_en.srt");
        assert!(errs.is_empty(), "{errs:?}");
        let c = &calls[0];
        let got: Vec<_> = c
            .turns
            .iter()
            .map(|t| (t.speaker, t.label.as_deref(), t.text.as_str(), t.line))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    Speaker::Agent,
                    Some("Jenny"),
                    "Hello, Fabrikam bank, Jenny here. How can I help you today?",
                    Some(3)
                ),
                (Speaker::Customer, Some("Mark"), "I lost my card.", Some(8)),
                (
                    Speaker::Agent,
                    Some("Jenny"),
                    "I'll block it right away.",
                    Some(12)
                ),
                (Speaker::Customer, Some("Mark"), "Thanks.", Some(13)),
            ]
        );
    }

    #[test]
    fn srt_bad_timing() {
        let (_, errs) = read_text("x.srt", "1\n00:00:01,000 --> soon\nhi\n");
        assert_eq!(errs[0].line, Some(2));
        assert!(
            errs[0].reason.starts_with("bad cue timing"),
            "{}",
            errs[0].reason
        );
    }
}
