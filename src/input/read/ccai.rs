//! Google CCAI conversations, in the two layouts Google exports:
//!
//! **Contact Center AI Insights `Conversation`** (the v1 API resource; bare, in a
//! `{"conversation": …}` wrapper, or a `{"conversations": […]}` list response, which
//! gives one call per conversation): `transcript.transcriptSegments[]` with `text`,
//! `words[]` (`word`, `startOffset`, `endOffset` as durations like `"1.500s"`),
//! `channelTag`, `segmentParticipant.role` (`HUMAN_AGENT`, `AUTOMATED_AGENT`,
//! `ANY_AGENT` → agent; `END_USER` → customer), `messageTime` (chat), `languageCode`.
//! Times come from the words (first start, last end), else from `messageTime`
//! relative to the first message, else are estimated. A segment without a participant
//! role is labelled `channel N`: `callMetadata.agentChannel` / `customerChannel` say
//! which is which, else `--speaker-map` or the shared rule (first to speak = agent).
//! Metadata: call id = last segment of `name`; `startTime` → started_at; `agentId`
//! (else `qualityMetadata.agentInfo[0].agentId`) → agent; `agentInfo[0].team` → team;
//! `qualityMetadata.customerSatisfactionRating` → csat; `medium` (`PHONE_CALL`/`CHAT`)
//! → channel; `languageCode` → language; `labels` → the known fields they name
//! (`queue`, `team` …), others to `extra`; `duration` and `dataSource` URIs → `extra`.
//!
//! **Dialogflow / Agent Assist conversation JSON**:
//! `entries[]` with `text`, `role`, `user_id` and `start_timestamp_usec`
//! (absolute microseconds, often as a string).
//!
//! Roles: `AGENT`, `HUMAN_AGENT`, `AUTOMATED_AGENT` → agent; `END_USER`,
//! `CUSTOMER` → customer; anything else (or no role: the `user_id`) goes through
//! the shared label rule. Times are made relative to the earliest entry; an
//! entry ends where the next one starts, the last one after the time its text
//! takes to say. Call id: `conversation_info.conversation_id`, else the last
//! segment of `name`, else the file stem.

use crate::input::common::meta;
use crate::input::common::speakers::Resolver;
use crate::input::common::timefmt::json_f64;
use crate::input::common::timefmt::parse_datetime;
use crate::input::common::{Ctx, ReadError, fill_ends, finish};
use crate::input::detect::is_insights_conversation;
use crate::transcript::{Call, Format, Speaker, Turn};
use serde_json::Value;

/// Every call of a Google CCAI document (several for a `conversations` list).
pub(crate) fn read_any(ctx: &Ctx, v: &Value) -> Vec<Result<Call, ReadError>> {
    let Some(list) = v.get("conversations").and_then(Value::as_array) else {
        return vec![read(ctx, v)];
    };
    if list.is_empty() {
        return vec![Err(ctx.err("no conversations: the list is empty"))];
    }
    list.iter()
        .enumerate()
        .map(|(i, c)| {
            let sub = Ctx {
                source: ctx.source,
                stem: format!("{}#{}", ctx.stem, i + 1),
                opts: ctx.opts,
            };
            read(&sub, c).map_err(|mut e| {
                e.reason = format!("conversation {}: {}", i + 1, e.reason);
                e
            })
        })
        .collect()
}

/// One Google CCAI conversation (either layout).
pub(crate) fn read(ctx: &Ctx, v: &Value) -> Result<Call, ReadError> {
    if is_insights_conversation(v) {
        return read_insights(ctx, v.get("conversation").unwrap_or(v));
    }
    read_entries(ctx, v)
}

/// `"1.500s"` (a protobuf Duration in JSON) → milliseconds.
fn duration_ms(v: &Value) -> Option<u64> {
    let s = v.as_str()?.trim().strip_suffix('s')?;
    let secs: f64 = s.parse().ok()?;
    crate::input::common::timefmt::secs_to_ms(secs)
}

/// Read a Contact Center AI Insights `Conversation`.
fn read_insights(ctx: &Ctx, v: &Value) -> Result<Call, ReadError> {
    let text_at = |path: &[&str]| -> Option<String> {
        let mut cur = v;
        for p in path {
            cur = cur.get(p)?;
        }
        meta::scalar_text(cur).filter(|s| !s.trim().is_empty())
    };
    let id = text_at(&["name"]).and_then(|n| n.rsplit('/').next().map(str::to_string));
    let mut call = ctx.call(id, Format::GoogleCcai);
    let md = &mut call.metadata;
    md.started_at = text_at(&["startTime"]);
    md.language = text_at(&["languageCode"]).and_then(|l| meta::primary_language(&l));
    let agent_info = v
        .get("qualityMetadata")
        .and_then(|q| q.get("agentInfo"))
        .and_then(Value::as_array)
        .and_then(|a| a.first());
    md.agent = text_at(&["agentId"]).or_else(|| {
        agent_info
            .and_then(|a| a.get("agentId"))
            .and_then(meta::scalar_text)
    });
    md.team = agent_info
        .and_then(|a| a.get("team"))
        .and_then(meta::scalar_text)
        .filter(|t| !t.trim().is_empty());
    md.csat = v
        .get("qualityMetadata")
        .and_then(|q| q.get("customerSatisfactionRating"))
        .and_then(json_f64);
    md.channel = match text_at(&["medium"]).as_deref() {
        Some("PHONE_CALL") => Some("voice".into()),
        Some("CHAT") => Some("chat".into()),
        _ => None,
    };
    if let Some(d) = text_at(&["duration"]) {
        md.extra.insert("duration".into(), d);
    }
    for (k, path) in [
        ("audio_uri", ["dataSource", "gcsSource", "audioUri"]),
        (
            "transcript_uri",
            ["dataSource", "gcsSource", "transcriptUri"],
        ),
    ] {
        if let Some(u) = text_at(&path) {
            md.extra.insert(k.into(), u);
        }
    }
    if let Some(labels) = v.get("labels").and_then(Value::as_object) {
        for (k, val) in labels {
            let Some(text) = meta::scalar_text(val) else {
                continue;
            };
            match meta::key_of(k) {
                Some(meta::Key::CallId) | None => {
                    md.extra.entry(k.clone()).or_insert(text);
                }
                Some(key) => {
                    let mut scratch = crate::transcript::Metadata::default();
                    if meta::set(&mut scratch, key, &text).is_ok() {
                        meta::fill_missing(md, &scratch);
                    } else {
                        md.extra.entry(k.clone()).or_insert(text);
                    }
                }
            }
        }
    }
    let segments = v
        .get("transcript")
        .and_then(|t| t.get("transcriptSegments"))
        .and_then(Value::as_array)
        .ok_or_else(|| {
            ctx.err("missing field \"transcript.transcriptSegments\"")
                .with_call(&call.call_id)
        })?;
    let channel_role = |tag: &Value| -> Option<Speaker> {
        let cm = v.get("callMetadata")?;
        if cm.get("agentChannel") == Some(tag) {
            Some(Speaker::Agent)
        } else if cm.get("customerChannel") == Some(tag) {
            Some(Speaker::Customer)
        } else {
            None
        }
    };
    // (fixed role, label, start, end, message time, text)
    let mut rows = Vec::with_capacity(segments.len());
    for seg in segments {
        let role = seg
            .get("segmentParticipant")
            .and_then(|p| p.get("role"))
            .and_then(Value::as_str)
            .unwrap_or("");
        let tag = seg.get("channelTag").filter(|t| !t.is_null());
        let (fixed, label) = match role.to_ascii_uppercase().as_str() {
            "HUMAN_AGENT" | "AUTOMATED_AGENT" | "ANY_AGENT" | "AGENT" => {
                (Some(Speaker::Agent), role.to_string())
            }
            "END_USER" | "CUSTOMER" => (Some(Speaker::Customer), role.to_string()),
            _ => match tag.and_then(meta::scalar_text) {
                Some(t) => (tag.and_then(channel_role), format!("channel {t}")),
                None => (None, String::new()),
            },
        };
        let words = seg.get("words").and_then(Value::as_array);
        let start = words
            .and_then(|w| w.first())
            .and_then(|w| w.get("startOffset"))
            .and_then(duration_ms);
        let end = words
            .and_then(|w| w.last())
            .and_then(|w| w.get("endOffset"))
            .and_then(duration_ms);
        let msg_time = seg
            .get("messageTime")
            .and_then(Value::as_str)
            .and_then(parse_datetime);
        let mut text = seg
            .get("text")
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim()
            .to_string();
        if text.is_empty()
            && let Some(w) = words
        {
            text = w
                .iter()
                .filter_map(|w| w.get("word").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join(" ");
        }
        rows.push((fixed, label, start, end, msg_time, text));
    }
    let resolver = Resolver::new(
        &ctx.opts.speaker_map,
        rows.iter()
            .filter(|r| r.0.is_none() && !r.1.is_empty())
            .map(|r| r.1.as_str()),
    );
    let by_words = rows.iter().any(|r| r.2.is_some());
    let base = rows.iter().filter_map(|r| r.4).min();
    for (fixed, label, start, end, msg_time, text) in rows {
        let speaker = crate::input::common::speakers::mapped(&ctx.opts.speaker_map, &label)
            .or(fixed)
            .unwrap_or_else(|| resolver.get(&label));
        let (start_ms, end_ms) = if by_words {
            (start, end)
        } else {
            let s = msg_time
                .zip(base)
                .map(|(t, b)| u64::try_from(t - b).unwrap_or(0));
            (s, None)
        };
        call.turns.push(Turn {
            speaker,
            label: (!label.is_empty()).then_some(label),
            text,
            start_ms,
            end_ms,
            line: None,
        });
    }
    if !by_words {
        fill_ends(&mut call.turns, true);
    }
    finish(call, ctx.source)
}

/// Read a Dialogflow / Agent Assist conversation (`entries[]`).
fn read_entries(ctx: &Ctx, v: &Value) -> Result<Call, ReadError> {
    let id = v
        .get("conversation_info")
        .and_then(|ci| ci.get("conversation_id"))
        .and_then(meta::scalar_text)
        .or_else(|| {
            v.get("name")
                .and_then(Value::as_str)
                .and_then(|n| n.rsplit('/').next())
                .map(str::to_string)
        });
    let mut call = ctx.call(id, Format::GoogleCcai);
    if let Some(l) = v.get("language_code").and_then(Value::as_str) {
        call.metadata.language = meta::primary_language(l);
    }
    let Some(entries) = v.get("entries").and_then(Value::as_array) else {
        return Err(ctx
            .err("missing field \"entries\"")
            .with_call(&call.call_id));
    };
    let mut rows = Vec::new();
    for e in entries {
        let role = e
            .get("role")
            .and_then(meta::scalar_text)
            .unwrap_or_default();
        let user = e.get("user_id").and_then(meta::scalar_text);
        let fixed = match role.to_ascii_uppercase().as_str() {
            "AGENT" | "HUMAN_AGENT" | "AUTOMATED_AGENT" => Some(Speaker::Agent),
            "END_USER" | "CUSTOMER" => Some(Speaker::Customer),
            _ => None,
        };
        let label = if role.is_empty() {
            user.map(|u| format!("user {u}")).unwrap_or_default()
        } else {
            role
        };
        let usec = e
            .get("start_timestamp_usec")
            .and_then(json_f64)
            .filter(|f| *f >= 0.0 && *f < 1e18);
        let text = e
            .get("text")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        rows.push((fixed, label, usec, text));
    }
    let resolver = Resolver::new(
        &ctx.opts.speaker_map,
        rows.iter().filter(|r| r.0.is_none()).map(|r| r.1.as_str()),
    );
    let base = rows
        .iter()
        .filter_map(|r| r.2)
        .fold(f64::INFINITY, f64::min);
    for (fixed, label, usec, text) in rows {
        // The user's map wins over the role field; unknown roles use the label rule.
        let speaker = crate::input::common::speakers::mapped(&ctx.opts.speaker_map, &label)
            .or(fixed)
            .unwrap_or_else(|| resolver.get(&label));
        call.turns.push(Turn {
            speaker,
            label: (!label.is_empty()).then_some(label),
            text,
            start_ms: usec.map(|u| ((u - base) / 1000.0).round() as u64),
            end_ms: None,
            line: None,
        });
    }
    call.turns.retain(|t| !t.text.trim().is_empty());
    call.turns.sort_by_key(|t| t.start_ms.unwrap_or(u64::MAX));
    fill_ends(&mut call.turns, false);
    finish(call, ctx.source)
}

#[cfg(test)]
mod tests {
    use crate::input::tests::read_fixture;
    use crate::transcript::{Format, Speaker};

    #[test]
    fn ccai_entries() {
        let (calls, errs) = read_fixture("ccai/conversation.json");
        assert!(errs.is_empty(), "{errs:?}");
        let c = &calls[0];
        assert_eq!(c.format, Format::GoogleCcai);
        assert_eq!(c.call_id, "conv-7781");
        let got: Vec<_> = c
            .turns
            .iter()
            .map(|t| (t.speaker, t.start_ms, t.end_ms))
            .collect();
        // Last entry: 4 words → 1600 ms.
        assert_eq!(
            got,
            vec![
                (Speaker::Agent, Some(0), Some(2500)),
                (Speaker::Customer, Some(2500), Some(6750)),
                (Speaker::Agent, Some(6750), Some(8350)),
            ]
        );
        assert_eq!(c.turns[1].text, "I was charged twice for my order.");
        assert_eq!(c.turns[1].label.as_deref(), Some("END_USER"));
    }

    #[test]
    fn insights_conversation_v1() {
        let (calls, errs) = read_fixture("ccai/insights_conversation.json");
        assert!(errs.is_empty(), "{errs:?}");
        let c = &calls[0];
        assert_eq!(c.format, Format::GoogleCcai);
        assert_eq!(c.call_id, "7781203344");
        let m = &c.metadata;
        assert_eq!(m.agent.as_deref(), Some("agent-5521"));
        assert_eq!(m.team.as_deref(), Some("billing-emea"));
        assert_eq!(
            m.queue.as_deref(),
            Some("billing"),
            "a label naming a known field"
        );
        assert_eq!(m.channel.as_deref(), Some("voice"));
        assert_eq!(m.started_at.as_deref(), Some("2026-11-20T09:55:00Z"));
        assert_eq!(m.language.as_deref(), Some("en"));
        assert_eq!(m.csat, Some(4.0));
        assert_eq!(m.extra["region"], "emea");
        assert_eq!(m.extra["duration"], "16.800s");
        assert_eq!(
            m.extra["audio_uri"],
            "gs://acme-calls/2026/11/20/7781203344.wav"
        );
        let got: Vec<_> = c
            .turns
            .iter()
            .map(|t| (t.speaker, t.start_ms, t.end_ms))
            .collect();
        // Times from the words: first start, last end (13 words 320 ms apart from 0.4 s,
        // the last ending 280 ms after its start: 4.52 s).
        assert_eq!(
            got,
            vec![
                (Speaker::Agent, Some(400), Some(4520)),
                (Speaker::Customer, Some(4100), Some(8220)),
                (Speaker::Agent, Some(8200), Some(12_320)),
                (Speaker::Customer, Some(13_000), Some(13_920)),
                (Speaker::Agent, Some(14_600), Some(16_800)),
            ]
        );
        assert!(!c.times_estimated);
        assert_eq!(c.turns[0].label.as_deref(), Some("HUMAN_AGENT"));
    }

    #[test]
    fn insights_list_response_chat_and_channel_tags() {
        let (calls, errs) = read_fixture("ccai/insights_list.json");
        assert!(errs.is_empty(), "{errs:?}");
        let ids: Vec<_> = calls.iter().map(|c| c.call_id.as_str()).collect();
        assert_eq!(ids, ["chat-5512", "voice-9001"]);
        let chat = &calls[0];
        assert_eq!(chat.metadata.channel.as_deref(), Some("chat"));
        assert_eq!(chat.metadata.agent.as_deref(), Some("wang.fang"));
        assert_eq!(chat.metadata.team.as_deref(), Some("north"));
        assert_eq!(chat.metadata.language.as_deref(), Some("zh"));
        let starts: Vec<_> = chat.turns.iter().map(|t| t.start_ms).collect();
        assert_eq!(
            starts,
            [Some(0), Some(38_000), Some(63_000)],
            "from messageTime"
        );
        // No roles and no callMetadata: channel 2 speaks first, so it is the agent.
        let voice = &calls[1];
        let who: Vec<_> = voice
            .turns
            .iter()
            .map(|t| (t.speaker, t.label.as_deref()))
            .collect();
        assert_eq!(
            who,
            [
                (Speaker::Agent, Some("channel 2")),
                (Speaker::Customer, Some("channel 1")),
                (Speaker::Agent, Some("channel 2")),
            ]
        );
        // --speaker-map names channels like any label.
        let opts = crate::input::ReadOptions {
            speaker_map: [("channel 1".to_string(), Speaker::Agent)].into(),
            ..Default::default()
        };
        let (calls, _) = crate::input::tests::read_fixture_with("ccai/insights_list.json", &opts);
        assert_eq!(calls[1].turns[0].speaker, Speaker::Customer);
        assert_eq!(calls[1].turns[1].speaker, Speaker::Agent);
    }

    #[test]
    fn insights_wrapper_and_record() {
        let text = std::fs::read_to_string(crate::input::tests::fixture(
            "ccai/insights_conversation.json",
        ))
        .unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let wrapped = serde_json::json!({ "conversation": v }).to_string();
        let (calls, errs) = crate::input::tests::read_text("export.json", &wrapped);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(calls[0].call_id, "7781203344");
        // The same conversation as one JSON Lines record.
        let line = serde_json::to_string(&v).unwrap();
        let c = crate::input::read::read_record(
            "day.jsonl",
            3,
            &line,
            &crate::input::ReadOptions::default(),
        )
        .unwrap();
        assert_eq!((c.call_id.as_str(), c.source_line), ("7781203344", Some(3)));
        assert_eq!(c.format, Format::GoogleCcai);
        assert!(c.turns.iter().all(|t| t.line == Some(3)));
    }
}
