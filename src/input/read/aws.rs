//! Amazon outputs: Transcribe Call Analytics (`Transcript[]` items with
//! `ParticipantRole`) and Amazon Connect Contact Lens (`Transcript[]` items with
//! `ParticipantId`, joined to the top-level `Participants[]` for the role). Both
//! give `Content` and `BeginOffsetMillis`/`EndOffsetMillis` from the start of the
//! recording, so times are taken as they are.
//!
//! Call id: Contact Lens `CustomerMetadata.ContactId`, else `JobName`, else the
//! file stem. Language: the primary subtag of `LanguageCode` (`en-US` → `en`).
//! Channel: `Channel` lower-cased, else `voice`.

use crate::input::common::meta;
use crate::input::common::speakers::Resolver;
use crate::input::common::timefmt::json_f64;
use crate::input::common::{Ctx, ReadError, finish};
use crate::transcript::{Call, Format, Turn};
use serde_json::Value;
use std::collections::HashMap;

/// Read a Call Analytics (`contact_lens == false`) or Contact Lens document.
pub(crate) fn read(ctx: &Ctx, v: &Value, contact_lens: bool) -> Result<Call, ReadError> {
    let format = if contact_lens {
        Format::ContactLens
    } else {
        Format::AwsTranscribe
    };
    let str_at = |path: &[&str]| -> Option<String> {
        let mut cur = v;
        for p in path {
            cur = cur.get(p)?;
        }
        meta::scalar_text(cur).filter(|s| !s.trim().is_empty())
    };
    let id = str_at(&["CustomerMetadata", "ContactId"]).or_else(|| str_at(&["JobName"]));
    let mut call = ctx.call(id, format);
    call.metadata.channel = Some(
        str_at(&["Channel"])
            .map(|c| c.to_lowercase())
            .unwrap_or_else(|| "voice".into()),
    );
    call.metadata.language = str_at(&["LanguageCode"]).and_then(|l| meta::primary_language(&l));
    if let Some(a) = str_at(&["AccountId"]) {
        call.metadata.extra.insert("aws_account_id".into(), a);
    }
    if let Some(i) = str_at(&["CustomerMetadata", "InstanceId"]) {
        call.metadata.extra.insert("connect_instance_id".into(), i);
    }
    let err = |reason: String| {
        ctx.err(reason)
            .with_call(&call.call_id)
            .with_hint("expected an Amazon Transcribe Call Analytics or Contact Lens output file")
    };
    let Some(items) = v.get("Transcript").and_then(Value::as_array) else {
        return Err(err("missing field \"Transcript\"".into()));
    };
    let roles: HashMap<String, String> = v
        .get("Participants")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .filter_map(|p| {
                    let id = meta::scalar_text(p.get("ParticipantId")?)?;
                    let role = meta::scalar_text(p.get("ParticipantRole")?)?;
                    Some((id, role))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut rows = Vec::with_capacity(items.len());
    for (i, it) in items.iter().enumerate() {
        if !it.is_object() {
            return Err(err(format!(
                "Transcript item {}: expected an object",
                i + 1
            )));
        }
        let pid = it.get("ParticipantId").and_then(meta::scalar_text);
        let label = it
            .get("ParticipantRole")
            .and_then(meta::scalar_text)
            .or_else(|| pid.as_ref().and_then(|p| roles.get(p).cloned()))
            .or(pid)
            .unwrap_or_default();
        let text = it
            .get("Content")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let ms = |k: &str| {
            it.get(k)
                .and_then(json_f64)
                .filter(|f| *f >= 0.0 && *f < 1e13)
                .map(|f| f.round() as u64)
        };
        rows.push((label, text, ms("BeginOffsetMillis"), ms("EndOffsetMillis")));
    }
    let resolver = Resolver::new(&ctx.opts.speaker_map, rows.iter().map(|r| r.0.as_str()));
    for (label, text, start, end) in rows {
        call.turns.push(Turn {
            speaker: resolver.get(&label),
            label: (!label.is_empty()).then_some(label),
            text,
            start_ms: start,
            end_ms: end,
            line: None,
        });
    }
    finish(call, ctx.source)
}

#[cfg(test)]
mod tests {
    use crate::input::tests::read_fixture;
    use crate::transcript::{Format, Speaker};

    #[test]
    fn transcribe_call_analytics() {
        let (calls, errs) = read_fixture("aws/transcribe_call_analytics.json");
        assert!(errs.is_empty(), "{errs:?}");
        let c = &calls[0];
        assert_eq!(c.format, Format::AwsTranscribe);
        assert_eq!(c.call_id, "billing-call-0425");
        assert_eq!(c.metadata.channel.as_deref(), Some("voice"));
        assert_eq!(c.metadata.language.as_deref(), Some("en"));
        let got: Vec<_> = c
            .turns
            .iter()
            .map(|t| (t.speaker, t.start_ms, t.end_ms, t.text.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    Speaker::Agent,
                    Some(1130),
                    Some(4480),
                    "Thank you for calling Acme Energy, this is Dana. How can I help?"
                ),
                (
                    Speaker::Customer,
                    Some(5210),
                    Some(9870),
                    "Hi, my bill doubled this month and I want to know why."
                ),
                (
                    Speaker::Agent,
                    Some(10050),
                    Some(13990),
                    "I'm sorry about that, let me pull up your account."
                ),
            ]
        );
        assert_eq!(c.turns[0].label.as_deref(), Some("AGENT"));
    }

    #[test]
    fn contact_lens_joins_participants() {
        let (calls, errs) = read_fixture("aws/contact_lens.json");
        assert!(errs.is_empty(), "{errs:?}");
        let c = &calls[0];
        assert_eq!(c.format, Format::ContactLens);
        assert_eq!(c.call_id, "e7d3b1a0-55f1-4a51-9a3e-0c3f2b1d9f00");
        assert_eq!(c.metadata.language.as_deref(), Some("zh"));
        let got: Vec<_> = c.turns.iter().map(|t| (t.speaker, t.start_ms)).collect();
        assert_eq!(
            got,
            vec![
                (Speaker::Agent, Some(0)),
                (Speaker::Customer, Some(3500)),
                (Speaker::Agent, Some(8200))
            ]
        );
        assert_eq!(c.turns[1].text, "我想取消我的会员。");
    }
}
