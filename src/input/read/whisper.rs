//! Whisper / WhisperX JSON: `segments[]` with `start`, `end` (seconds), `text`
//! and, after diarisation (WhisperX, pyannote), `speaker` (`SPEAKER_00`, …).
//!
//! Speakers: `ReadOptions::speaker_map` first (e.g. `SPEAKER_01=agent` when the
//! customer spoke first); else labels the shared table knows (`Agent`, `客户`, …)
//! map directly; else the first distinct unknown label to talk is the agent
//! (agents open calls) and every other label is the customer. Segments without a
//! `speaker` are [`Speaker::Other`] with no label. Language: top-level `language`.
//! Whisper has no call id: the file stem is used.

use crate::input::common::meta;
use crate::input::common::speakers::Resolver;
use crate::input::common::timefmt::{json_f64, secs_to_ms};
use crate::input::common::{Ctx, ReadError, finish};
use crate::transcript::{Call, Format, Speaker, Turn};
use serde_json::Value;

pub(crate) fn read(ctx: &Ctx, v: &Value) -> Result<Call, ReadError> {
    let mut call = ctx.call(None, Format::Whisper);
    call.metadata.language = v
        .get("language")
        .and_then(Value::as_str)
        .and_then(meta::primary_language);
    let Some(segs) = v.get("segments").and_then(Value::as_array) else {
        return Err(ctx
            .err("missing field \"segments\"")
            .with_call(&call.call_id));
    };
    let label_of = |s: &Value| {
        s.get("speaker")
            .and_then(meta::scalar_text)
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
    };
    let labels: Vec<Option<String>> = segs.iter().map(label_of).collect();
    let resolver = Resolver::new(
        &ctx.opts.speaker_map,
        labels.iter().flatten().map(String::as_str),
    );
    for (s, label) in segs.iter().zip(labels) {
        let text = s
            .get("text")
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim()
            .to_string();
        let t = |k: &str| s.get(k).and_then(json_f64).and_then(secs_to_ms);
        call.turns.push(Turn {
            speaker: label.as_deref().map_or(Speaker::Other, |l| resolver.get(l)),
            label,
            text,
            start_ms: t("start"),
            end_ms: t("end"),
            line: None,
        });
    }
    finish(call, ctx.source)
}

#[cfg(test)]
mod tests {
    use crate::input::ReadOptions;
    use crate::input::tests::{read_fixture, read_fixture_with};
    use crate::transcript::{Format, Speaker};
    use std::collections::BTreeMap;

    #[test]
    fn whisperx_diarised() {
        let (calls, errs) = read_fixture("whisper/whisperx_en.json");
        assert!(errs.is_empty(), "{errs:?}");
        let c = &calls[0];
        assert_eq!(c.format, Format::Whisper);
        assert_eq!(c.call_id, "whisperx_en");
        assert_eq!(c.metadata.language.as_deref(), Some("en"));
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
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    Speaker::Agent,
                    Some("SPEAKER_01"),
                    Some(0),
                    Some(2840),
                    "Good morning, you're through to Northwind, Priya speaking."
                ),
                (
                    Speaker::Customer,
                    Some("SPEAKER_00"),
                    Some(3100),
                    Some(6020),
                    "Hi, I'd like to cancel my subscription."
                ),
                (
                    Speaker::Agent,
                    Some("SPEAKER_01"),
                    Some(6400),
                    Some(9150),
                    "I can help with that. May I ask why?"
                ),
                (Speaker::Other, None, Some(9500), Some(10000), "[music]"),
            ]
        );
    }

    #[test]
    fn speaker_map_overrides_first_speaker_rule() {
        let opts = ReadOptions {
            speaker_map: BTreeMap::from([("speaker_00".into(), Speaker::Agent)]),
            ..Default::default()
        };
        let (calls, _) = read_fixture_with("whisper/whisperx_en.json", &opts);
        assert_eq!(calls[0].turns[0].speaker, Speaker::Customer);
        assert_eq!(calls[0].turns[1].speaker, Speaker::Agent);
    }

    #[test]
    fn plain_whisper_persian_without_speakers() {
        let (calls, errs) = read_fixture("whisper/whisper_fa.json");
        assert!(errs.is_empty(), "{errs:?}");
        let c = &calls[0];
        assert_eq!(c.metadata.language.as_deref(), Some("fa"));
        assert!(
            c.turns
                .iter()
                .all(|t| t.speaker == Speaker::Other && t.label.is_none())
        );
        assert_eq!(c.turns[0].text, "سلام، وقت بخیر.");
        assert_eq!(c.turns[1].start_ms, Some(2500));
    }
}
