//! Chat exports as CSV (one message per row), as produced by most chat and
//! messaging platforms (Zendesk, LivePerson, Intercom, in-house tools).
//!
//! Columns are found by header name, case-insensitively (spaces and dashes count
//! as `_`): the message (`message`, `text`, `body`, `content`, …, required), the
//! sender (`role`, `speaker`, `sender`, `author`, `from`, …, required), optionally
//! the conversation (`conversation_id`, `call_id`, `chat_id`, `session_id`, …) and
//! the time (`timestamp`, `time`, `sent_at`, `created_at`, …: ISO 8601, `hh:mm:ss`
//! or Unix seconds/milliseconds). Several conversations in one file give several
//! calls, grouped by id in order of first appearance. Times are relative to each
//! conversation's earliest message; a message ends at the next one or after the
//! time its text takes to say, whichever is sooner. Known metadata columns (agent,
//! team, queue, csat, …) fill the call's metadata from the first non-empty value.
//! Channel is `chat`. The delimiter (`,`, `;` or tab) is sniffed from the header.
//!
//! A CSV without a message column is not a chat export but a metadata table
//! (see `is_metadata_csv`).

use crate::input::common::meta::{self, Key};
use crate::input::common::speakers::Resolver;
use crate::input::common::timefmt::{parse_clock, parse_datetime};
use crate::input::common::{Ctx, ReadError, fill_ends, finish};
use crate::transcript::{Call, Format, Metadata, Turn};
use std::collections::HashMap;

const MESSAGE: &[&str] = &[
    "message",
    "text",
    "body",
    "content",
    "msg",
    "message_text",
    "message_body",
    "message_content",
];
const ROLE: &[&str] = &[
    "role",
    "speaker",
    "sender",
    "author",
    "from",
    "participant",
    "sender_type",
    "sender_role",
    "user_type",
    "speaker_role",
    "participant_role",
    "sender_name",
    "author_type",
];
const CONV: &[&str] = &[
    "conversation_id",
    "call_id",
    "chat_id",
    "session_id",
    "conversation",
    "contact_id",
    "ticket_id",
    "thread_id",
];
const TIME: &[&str] = &[
    "timestamp",
    "time",
    "sent_at",
    "created_at",
    "datetime",
    "date",
    "message_time",
    "ts",
    "sent",
];

/// The most frequent of `,`, `;`, tab in the first line (comma on ties).
pub(crate) fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    let count = |c: char| first.matches(c).count();
    let (comma, semi, tab) = (count(','), count(';'), count('\t'));
    if tab > comma && tab >= semi {
        b'\t'
    } else if semi > comma {
        b';'
    } else {
        b','
    }
}

/// Normalised header names, or `None` if the text has no CSV header.
pub(crate) fn headers(text: &str) -> Option<(u8, Vec<String>)> {
    let body = text.trim_start_matches('\u{feff}');
    let d = sniff_delimiter(body);
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(d)
        .flexible(true)
        .from_reader(body.as_bytes());
    let h = rdr.headers().ok()?;
    let names: Vec<String> = h.iter().map(meta::norm_key).collect();
    (names.iter().any(|n| !n.is_empty())).then_some((d, names))
}

fn find(names: &[String], set: &[&str]) -> Option<usize> {
    set.iter().find_map(|w| names.iter().position(|n| n == w))
}

/// True if the header has a message column.
pub(crate) fn is_chat_csv(text: &str) -> bool {
    headers(text).is_some_and(|(_, h)| h.len() >= 2 && find(&h, MESSAGE).is_some())
}

/// True if the header has no message column (see `input::side::is_metadata_csv`).
pub(crate) fn is_metadata_csv(text: &str) -> bool {
    headers(text).is_some_and(|(_, h)| find(&h, MESSAGE).is_none())
}

struct Row {
    line: u64,
    role: String,
    text: String,
    time: Option<i64>,
}

fn parse_time(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Some(t) = parse_datetime(s) {
        return Some(t);
    }
    if let Some(t) = parse_clock(s) {
        return Some(t as i64);
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = s.parse().ok()?;
        return match s.len() {
            9..=11 => Some(n * 1000),
            12..=14 => Some(n),
            _ => None,
        };
    }
    None
}

/// Read every conversation of a chat CSV.
pub(crate) fn read(ctx: &Ctx, text: &str) -> Vec<Result<Call, ReadError>> {
    let body = text.trim_start_matches('\u{feff}');
    let Some((delim, names)) = headers(body) else {
        return vec![Err(ctx.err("no CSV header row"))];
    };
    let Some(msg) = find(&names, MESSAGE) else {
        return vec![Err(ctx
            .err("no message column: this CSV is not a chat export")
            .with_hint(
                "a CSV without a message/text column is read as metadata (--metadata)",
            ))];
    };
    let Some(role) = find(&names, ROLE) else {
        return vec![Err(ctx
            .err(format!(
                "no sender column (role, speaker, sender, author or from) among: {}",
                names.join(", ")
            ))
            .at_line(1)
            .with_hint("add a column saying who wrote each message"))];
    };
    let conv = find(&names, CONV);
    let time = find(&names, TIME);
    let meta_cols: Vec<(usize, Key, &str)> = names
        .iter()
        .enumerate()
        .filter(|(i, _)| ![Some(msg), Some(role), conv, time].contains(&Some(*i)))
        .filter_map(|(i, n)| match meta::key_of(n) {
            Some(Key::CallId) | None => None,
            Some(k) => Some((i, k, n.as_str())),
        })
        .collect();

    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .from_reader(body.as_bytes());
    // Conversations in order of first appearance.
    let mut order: Vec<(String, Vec<Row>, Metadata, Option<ReadError>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line());
                let mut err = ctx.err(format!("invalid CSV: {e}"));
                if let Some(l) = line {
                    err = err.at_line(l);
                }
                out.push(Err(err));
                break;
            }
        };
        let line = rec.position().map_or(0, |p| p.line());
        let get = |i: usize| rec.get(i).unwrap_or("").to_string();
        let id = conv.map(&get).unwrap_or_default().trim().to_string();
        let gi = *index.entry(id.clone()).or_insert_with(|| {
            order.push((id.clone(), Vec::new(), Metadata::default(), None));
            order.len() - 1
        });
        let group = &mut order[gi];
        for &(i, k, name) in &meta_cols {
            let v = get(i);
            let mut probe = Metadata::default();
            match meta::set(&mut probe, k, &v) {
                Ok(()) => meta::fill_missing(&mut group.2, &probe),
                Err(e) => {
                    group.3.get_or_insert(
                        ctx.err(format!("column {name}: {e}"))
                            .at_line(line)
                            .with_call(&group.0)
                            .with_hint("fix the value or remove the column"),
                    );
                }
            }
        }
        group.1.push(Row {
            line,
            role: get(role).trim().to_string(),
            text: get(msg),
            time: time.and_then(|t| parse_time(&get(t))),
        });
    }
    let many = order.len() > 1;
    for (n, (id, rows, md, err)) in order.into_iter().enumerate() {
        if let Some(e) = err {
            out.push(Err(e));
            continue;
        }
        let call_id = if !id.is_empty() {
            id
        } else if many {
            format!("{}#{}", ctx.stem, n + 1)
        } else {
            ctx.stem.clone()
        };
        let mut call = ctx.call(Some(call_id), Format::ChatCsv);
        call.metadata = md;
        call.metadata.channel.get_or_insert_with(|| "chat".into());
        let resolver = Resolver::new(&ctx.opts.speaker_map, rows.iter().map(|r| r.role.as_str()));
        let base = rows.iter().filter_map(|r| r.time).min();
        for r in rows {
            call.turns.push(Turn {
                speaker: resolver.get(&r.role),
                label: (!r.role.is_empty()).then(|| r.role.clone()),
                text: r.text,
                start_ms: r
                    .time
                    .zip(base)
                    .map(|(t, b)| u64::try_from(t - b).unwrap_or(0)),
                end_ms: None,
                line: Some(u32::try_from(r.line).unwrap_or(u32::MAX)),
            });
        }
        call.turns.retain(|t| !t.text.trim().is_empty());
        if call.turns.iter().all(|t| t.start_ms.is_some()) {
            call.turns.sort_by_key(|t| t.start_ms);
        }
        fill_ends(&mut call.turns, true);
        out.push(finish(call, ctx.source));
    }
    if out.is_empty() {
        out.push(Err(ctx.err("empty chat export: a header but no messages")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::tests::{read_fixture, read_text, summary};
    use crate::transcript::Speaker;

    #[test]
    fn multi_conversation_export() {
        let (calls, errs) = read_fixture("chat_csv/livechat_export.csv");
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(calls.len(), 2);
        let a = &calls[0];
        assert_eq!(a.call_id, "CH-1");
        assert_eq!(a.format, Format::ChatCsv);
        assert_eq!(a.metadata.channel.as_deref(), Some("chat"));
        assert_eq!(a.metadata.agent.as_deref(), Some("sarah.k"));
        let got = summary(a);
        assert_eq!(
            got,
            vec![
                (
                    Speaker::Agent,
                    Some("Agent"),
                    Some(0),
                    "Hi! How can I help you today?",
                    Some(2)
                ),
                (
                    Speaker::Customer,
                    Some("Visitor"),
                    Some(20_000),
                    "Where is my order, it's been a week",
                    Some(3)
                ),
                (
                    Speaker::Agent,
                    Some("Agent"),
                    Some(75_500),
                    "Let me check, one moment.",
                    Some(5)
                ),
            ]
        );
        let b = &calls[1];
        assert_eq!(b.call_id, "CH-2");
        assert_eq!(b.turns[0].speaker, Speaker::Other);
        assert_eq!(b.turns[1].speaker, Speaker::Customer);
        assert_eq!(
            b.turns[1].text,
            "我想改一下收货地址，\n地址是北京市朝阳区。"
        );
        assert_eq!(b.turns[2].speaker, Speaker::Agent);
        assert_eq!(b.turns[2].start_ms, Some(60_000));
    }

    #[test]
    fn semicolon_no_ids_no_times() {
        let (calls, errs) = read_text(
            "export.csv",
            "Author;Body\nمشتری;سلام\nکارشناس;سلام، بفرمایید\n",
        );
        assert!(errs.is_empty(), "{errs:?}");
        let c = &calls[0];
        assert_eq!(c.call_id, "export");
        assert!(c.times_estimated);
        assert_eq!(c.turns[0].speaker, Speaker::Customer);
        assert_eq!(c.turns[1].speaker, Speaker::Agent);
    }

    #[test]
    fn detection_helpers() {
        assert!(is_chat_csv("conversation_id,Sender,Message\n1,agent,hi\n"));
        assert!(!is_chat_csv("call_id,csat\n1,5\n"));
        assert!(is_metadata_csv("call_id,csat\n1,5\n"));
        assert!(!is_metadata_csv("role,text\nagent,hi\n"));
        assert_eq!(parse_time("1700000000"), Some(1_700_000_000_000));
        assert_eq!(parse_time("10:00:01"), Some(36_001_000));
    }

    #[test]
    fn missing_role_column() {
        let (_, errs) = read_text("x.csv", "id,message\n1,hi\n");
        assert!(
            errs[0].reason.starts_with("no sender column"),
            "{}",
            errs[0].reason
        );
    }
}
