//! Format detection: the extension says what a file claims to be, the content
//! says what it is. Content wins where it is unambiguous (a `WEBVTT` header, an SRT
//! cue, the keys of a JSON document), because exports are often misnamed (`.txt`
//! subtitles, `.json` files that are really JSON Lines).
//!
//! The extension's claim comes from the one extension table (`ext::kind_of`); stdin
//! has none (`kind == None`) and is classified by content alone.

use super::common::speakers::{role_of, split_label};
use super::common::{Ctx, ReadError};
use super::ext::FileKind;
use super::read::{chat_csv, plain};
use crate::transcript::Format;
use serde_json::Value;

/// Which reader a decoded input needs: `kind` is what its extension claims (`None` for
/// stdin), `text` its content. Content wins over the extension where it is
/// unambiguous: text starting with `WEBVTT` is WebVTT and text starting with an SRT cue
/// (`1` then a `-->` line) is SRT whatever the file is called; JSON is classified by its
/// keys (`turns`, `Transcript`, `entries`, `transcript.transcriptSegments`, `segments`)
/// and is JSON Lines when it holds one object per line. A CSV without a message column
/// is a metadata table, not a transcript: `None`. `None` also means "unknown format".
pub fn detect_format(kind: Option<FileKind>, text: &str) -> Option<Format> {
    detect_parsed(kind, text).map(|(f, _)| f)
}

/// [`detect_format`], with the JSON document it parsed to decide (if it parsed one), so
/// that reading does not parse it a second time.
pub(crate) fn detect_parsed(kind: Option<FileKind>, text: &str) -> Option<(Format, Option<Value>)> {
    let body = text.trim_start_matches('\u{feff}');
    let plain = |f: Format| Some((f, None));
    let head = body.trim_start();
    if head.starts_with("WEBVTT") {
        return plain(Format::Webvtt);
    }
    if looks_srt(body) {
        return plain(Format::Srt);
    }
    let starts_json = head.starts_with('{') || head.starts_with('[');
    match kind {
        Some(FileKind::JsonLines) => plain(Format::NativeJsonl),
        Some(FileKind::Json) => json_format(body, true),
        Some(FileKind::Vtt) => plain(Format::Webvtt),
        Some(FileKind::Srt) => plain(Format::Srt),
        Some(FileKind::Csv) => chat_csv::is_chat_csv(body).then_some((Format::ChatCsv, None)),
        Some(FileKind::Text) => {
            if starts_json && let Some(f) = json_format(body, false) {
                return Some(f);
            }
            plain(Format::PlainText)
        }
        None => {
            if let Some(f) = starts_json.then(|| json_format(body, false)).flatten() {
                Some(f)
            } else if chat_csv::is_chat_csv(body)
                && body
                    .lines()
                    .next()
                    .is_some_and(|l| l.contains([',', ';', '\t']))
            {
                plain(Format::ChatCsv)
            } else if looks_plain(body) {
                plain(Format::PlainText)
            } else {
                None
            }
        }
    }
}

/// First non-empty line is a cue number and the next line a `-->` timing.
fn looks_srt(body: &str) -> bool {
    let mut lines = body.lines().map(str::trim).skip_while(|l| l.is_empty());
    match (lines.next(), lines.next()) {
        (Some(n), Some(t)) => {
            !n.is_empty()
                && n.len() <= 9
                && n.bytes().all(|b| b.is_ascii_digit())
                && t.contains("-->")
        }
        _ => false,
    }
}

/// Some of the first 50 lines are `Label: text` with a known label.
fn looks_plain(body: &str) -> bool {
    body.lines().take(50).any(|l| {
        let rest = plain::strip_stamp(l.trim());
        split_label(rest).is_some_and(|(label, _)| role_of(label).is_some())
    })
}

/// Classify JSON text. With `assume_json` (a `.json` file), text that does not
/// parse is still given a JSON format (so that reading reports where it broke).
fn json_format(body: &str, assume_json: bool) -> Option<(Format, Option<Value>)> {
    match serde_json::from_str::<Value>(body) {
        Ok(v) => classify_json(&v).map(|f| (f, Some(v))),
        Err(_) if looks_jsonl(body) => Some((Format::NativeJsonl, None)),
        Err(_) if assume_json || body.trim_start().starts_with('{') => {
            Some((sniff_keys(body), None))
        }
        Err(_) => None,
    }
}

/// Several lines, the first of which is a complete JSON object.
fn looks_jsonl(body: &str) -> bool {
    let mut lines = body.lines().filter(|l| !l.trim().is_empty());
    let first_ok = lines
        .next()
        .is_some_and(|l| matches!(serde_json::from_str::<Value>(l), Ok(Value::Object(_))));
    first_ok && lines.next().is_some()
}

/// Best guess for JSON that does not parse (truncated): by the keys it mentions.
fn sniff_keys(body: &str) -> Format {
    let has = |k: &str| body.contains(&format!("\"{k}\""));
    if has("turns") {
        Format::NativeJson
    } else if has("Transcript") && has("ParticipantId") {
        Format::ContactLens
    } else if has("Transcript") {
        Format::AwsTranscribe
    } else if has("entries") || has("transcriptSegments") {
        Format::GoogleCcai
    } else if has("segments") {
        Format::Whisper
    } else {
        Format::NativeJson
    }
}

/// Which JSON format a parsed document is, by its keys.
pub(crate) fn classify_json(v: &Value) -> Option<Format> {
    match v {
        Value::Object(o) => {
            if is_insights_conversation(v) {
                return Some(Format::GoogleCcai);
            }
            if o.contains_key("turns") || matches!(o.get("calls"), Some(Value::Array(_))) {
                return Some(Format::NativeJson);
            }
            if let Some(Value::Array(items)) = o.get("Transcript") {
                let first = items.iter().find(|i| i.is_object());
                let has = |k: &str| first.is_some_and(|f| f.get(k).is_some());
                return Some(if has("ParticipantId") {
                    Format::ContactLens
                } else if has("ParticipantRole") {
                    Format::AwsTranscribe
                } else if o.contains_key("CustomerMetadata") || o.contains_key("Participants") {
                    Format::ContactLens
                } else {
                    Format::AwsTranscribe
                });
            }
            if matches!(o.get("entries"), Some(Value::Array(_))) {
                return Some(Format::GoogleCcai);
            }
            if matches!(o.get("segments"), Some(Value::Array(_))) {
                return Some(Format::Whisper);
            }
            None
        }
        Value::Array(a) => a
            .first()
            .is_some_and(|c| c.get("turns").is_some())
            .then_some(Format::NativeJson),
        _ => None,
    }
}

/// A Google CCAI Insights `Conversation` (`transcript.transcriptSegments[]`), bare, in a
/// `{"conversation": …}` wrapper, or a `{"conversations": […]}` list response.
pub(crate) fn is_insights_conversation(v: &Value) -> bool {
    let conv = |c: &Value| {
        c.get("transcript")
            .and_then(|t| t.get("transcriptSegments"))
            .is_some_and(Value::is_array)
    };
    conv(v)
        || v.get("conversation").is_some_and(conv)
        || v.get("conversations")
            .and_then(Value::as_array)
            .is_some_and(|a| a.first().is_some_and(conv))
}

/// The error for an input [`detect_format`] could not place.
pub(crate) fn unknown_format_error(ctx: &Ctx, kind: Option<FileKind>, text: &str) -> ReadError {
    let head = text.trim_start_matches('\u{feff}').trim_start();
    if kind == Some(FileKind::Csv) {
        ctx.err("not a chat export: the CSV has no message column (it looks like a metadata table)")
            .at_line(1)
            .with_hint(
                "pass metadata CSVs with --metadata; a chat export needs a message/text column",
            )
    } else if kind == Some(FileKind::Json) || head.starts_with('{') || head.starts_with('[') {
        unknown_json_error(ctx)
    } else {
        ctx.err("unknown format: not JSON, WebVTT, SRT, a chat CSV or `Speaker: text` lines")
        .with_hint("supported: .json, .jsonl, .vtt, .srt, .txt/.log/.chat (Speaker: text lines), .csv chat exports; see docs/formats.md")
    }
}

/// The error for JSON of a layout no reader knows.
pub(crate) fn unknown_json_error(ctx: &Ctx) -> ReadError {
    ctx.err("unrecognised JSON layout: no `turns` (callscore), `Transcript` (Amazon), `entries` or `transcript.transcriptSegments` (Google CCAI) or `segments` (Whisper)")
        .with_hint("convert it to the native format described in schemas/call.schema.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(name: &str, text: &str) -> Option<Format> {
        detect_format(crate::input::ext::kind_of(std::path::Path::new(name)), text)
    }

    #[test]
    fn by_extension_and_content() {
        assert_eq!(
            d("a.json", r#"{"call_id":"x","turns":[]}"#),
            Some(Format::NativeJson)
        );
        assert_eq!(d("a.json", r#"[{"turns":[]}]"#), Some(Format::NativeJson));
        assert_eq!(d("a.json", r#"{"calls":[]}"#), Some(Format::NativeJson));
        assert_eq!(
            d(
                "a.json",
                r#"{"JobName":"j","Transcript":[{"ParticipantRole":"AGENT","Content":"hi"}]}"#
            ),
            Some(Format::AwsTranscribe)
        );
        assert_eq!(
            d(
                "a.json",
                r#"{"Participants":[{"ParticipantId":"A","ParticipantRole":"AGENT"}],"Transcript":[{"ParticipantId":"A","Content":"hi"}]}"#
            ),
            Some(Format::ContactLens)
        );
        assert_eq!(d("a.json", r#"{"entries":[]}"#), Some(Format::GoogleCcai));
        for insights in [
            r#"{"name":"c","transcript":{"transcriptSegments":[]}}"#,
            r#"{"conversation":{"transcript":{"transcriptSegments":[]}}}"#,
            r#"{"conversations":[{"transcript":{"transcriptSegments":[]}}]}"#,
        ] {
            assert_eq!(
                d("a.json", insights),
                Some(Format::GoogleCcai),
                "{insights}"
            );
            assert_eq!(d("-", insights), Some(Format::GoogleCcai), "{insights}");
        }
        assert_eq!(
            d("a.json", r#"{"transcript":{"transcriptSegments":[{"text":"#),
            Some(Format::GoogleCcai)
        );
        assert_eq!(
            d("a.json", r#"{"text":"x","segments":[]}"#),
            Some(Format::Whisper)
        );
        assert_eq!(d("a.json", r#"{"foo":1}"#), None);
        assert_eq!(
            d("a.json", "{\"turns\":[]}\n{\"turns\":[]}\n"),
            Some(Format::NativeJsonl)
        );
        assert_eq!(
            d("a.json", r#"{"turns":[{"speaker":"#),
            Some(Format::NativeJson)
        );
        assert_eq!(d("a.ndjson", ""), Some(Format::NativeJsonl));
        assert_eq!(
            d("a.txt", "WEBVTT\n\n00:01.000 --> 00:02.000\nhi"),
            Some(Format::Webvtt)
        );
        assert_eq!(
            d("a.txt", "\n1\n00:00:01,000 --> 00:00:02,000\nhi"),
            Some(Format::Srt)
        );
        assert_eq!(
            d("a.vtt", "00:01.000 --> 00:02.000\nhi"),
            Some(Format::Webvtt)
        );
        assert_eq!(d("a.txt", "Agent: hi"), Some(Format::PlainText));
        assert_eq!(d("a.log", "anything"), Some(Format::PlainText));
        assert_eq!(
            d("a.csv", "conversation_id,sender,message\n1,agent,hi"),
            Some(Format::ChatCsv)
        );
        assert_eq!(d("a.csv", "call_id,agent,csat\n1,a,5"), None);
        assert_eq!(d("-", "[10:02:13] Agent: hi"), Some(Format::PlainText));
        assert_eq!(d("-", r#"{"segments":[]}"#), Some(Format::Whisper));
        assert_eq!(d("-", "role,text\nagent,hi\n"), Some(Format::ChatCsv));
        assert_eq!(d("-", "hello world"), None);
        assert_eq!(d("a.pdf", "%PDF-1.4"), None);
        assert_eq!(
            d("a.webvtt", "00:01.000 --> 00:02.000\nhi"),
            Some(Format::Webvtt)
        );
        assert_eq!(
            d("a.tsv", "sender\tmessage\nagent\thi"),
            Some(Format::ChatCsv)
        );
    }
}
