//! Format detection: the extension says what a file claims to be, the content
//! says what it is. Content wins where it is unambiguous (a `WEBVTT` header, an SRT
//! cue, the keys of a JSON document), because exports are often misnamed (`.txt`
//! subtitles, `.json` files that are really JSON Lines).

use super::speakers::{role_of, split_label};
use super::{Ctx, ReadError, chat_csv, plain};
use crate::transcript::Format;
use serde_json::Value;
use std::path::Path;

fn ext_of(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

/// See [`super::detect_format`].
pub(super) fn detect_format(path: &Path, text: &str) -> Option<Format> {
    let body = text.trim_start_matches('\u{feff}');
    let head = body.trim_start();
    if head.starts_with("WEBVTT") {
        return Some(Format::Webvtt);
    }
    if looks_srt(body) {
        return Some(Format::Srt);
    }
    let starts_json = head.starts_with('{') || head.starts_with('[');
    match ext_of(path).as_str() {
        "jsonl" | "ndjson" => Some(Format::NativeJsonl),
        "json" => json_format(body, true),
        "vtt" | "webvtt" => Some(Format::Webvtt),
        "srt" => Some(Format::Srt),
        "csv" | "tsv" => chat_csv::is_chat_csv(body).then_some(Format::ChatCsv),
        "txt" | "log" | "chat" | "text" => {
            if starts_json && let Some(f) = json_format(body, false) {
                return Some(f);
            }
            Some(Format::PlainText)
        }
        _ => {
            if let Some(f) = starts_json.then(|| json_format(body, false)).flatten() {
                Some(f)
            } else if chat_csv::is_chat_csv(body)
                && body
                    .lines()
                    .next()
                    .is_some_and(|l| l.contains([',', ';', '\t']))
            {
                Some(Format::ChatCsv)
            } else if looks_plain(body) {
                Some(Format::PlainText)
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
fn json_format(body: &str, assume_json: bool) -> Option<Format> {
    match serde_json::from_str::<Value>(body) {
        Ok(v) => classify_json(&v),
        Err(_) if looks_jsonl(body) => Some(Format::NativeJsonl),
        Err(_) if assume_json || body.trim_start().starts_with('{') => Some(sniff_keys(body)),
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
    } else if has("entries") {
        Format::GoogleCcai
    } else if has("segments") {
        Format::Whisper
    } else {
        Format::NativeJson
    }
}

/// Which JSON format a parsed document is, by its keys.
pub(super) fn classify_json(v: &Value) -> Option<Format> {
    match v {
        Value::Object(o) => {
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

/// The error for a file [`detect_format`] could not place.
pub(super) fn unknown_format_error(ctx: &Ctx, path: &Path, text: &str) -> ReadError {
    let ext = ext_of(path);
    let head = text.trim_start_matches('\u{feff}').trim_start();
    if ext == "csv" || ext == "tsv" {
        ctx.err("not a chat export: the CSV has no message column (it looks like a metadata table)")
            .at_line(1)
            .with_hint(
                "pass metadata CSVs with --metadata; a chat export needs a message/text column",
            )
    } else if ext == "json" || head.starts_with('{') || head.starts_with('[') {
        ctx.err("unrecognised JSON layout: no `turns` (callscore), `Transcript` (Amazon), `entries` (Google CCAI) or `segments` (Whisper)")
            .with_hint("convert it to the native format described in schemas/call.schema.json")
    } else {
        ctx.err(format!(
            "unknown format{}",
            if ext.is_empty() { String::new() } else { format!(" (.{ext})") }
        ))
        .with_hint("supported: .json, .jsonl, .vtt, .srt, .txt/.log/.chat (Speaker: text lines), .csv chat exports; see docs/formats.md")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(name: &str, text: &str) -> Option<Format> {
        detect_format(Path::new(name), text)
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
    }
}
