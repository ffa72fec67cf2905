//! Google CCAI (Contact Center AI Insights / Agent Assist) conversation JSON:
//! `entries[]` with `text`, `role`, `user_id` and `start_timestamp_usec`
//! (absolute microseconds, often as a string).
//!
//! Roles: `AGENT`, `HUMAN_AGENT`, `AUTOMATED_AGENT` → agent; `END_USER`,
//! `CUSTOMER` → customer; anything else (or no role: the `user_id`) goes through
//! the shared label rule. Times are made relative to the earliest entry; an
//! entry ends where the next one starts, the last one after the time its text
//! takes to say. Call id: `conversation_info.conversation_id`, else the last
//! segment of `name`, else the file stem.

use super::meta;
use super::speakers::Resolver;
use super::timefmt::json_f64;
use super::{Ctx, ReadError, fill_ends, finish};
use crate::transcript::{Call, Format, Speaker, Turn};
use serde_json::Value;

pub(super) fn read(ctx: &Ctx, v: &Value) -> Result<Call, ReadError> {
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
        let speaker = super::speakers::mapped(&ctx.opts.speaker_map, &label)
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
    use crate::transcript::read::tests::read_fixture;
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
}
