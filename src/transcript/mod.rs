//! The call model every reader produces.
//!
//! A [`Call`] is one conversation (voice call, chat or e-mail thread) with its
//! [`Metadata`] and its ordered [`Turn`]s. The input layer (`crate::input`) turns bytes
//! of any supported input format into calls; nothing downstream knows which format a
//! call came from except through [`Call::format`].
//!
//! Invariants:
//! - `turns` are in spoken order (by start time when times are known, else file order);
//! - times are milliseconds from the start of the call (not wall-clock);
//! - `Turn::text` is the original text as decoded (evidence quotes it verbatim).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Who spoke a turn.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Speaker {
    /// The contact-center employee (or bot acting for the company).
    Agent,
    /// The caller / chat visitor / e-mail sender.
    Customer,
    /// Anyone else: IVR prompts, system messages, a third party.
    Other,
}

impl Speaker {
    /// Lower-case name used in outputs and rule files.
    pub fn as_str(self) -> &'static str {
        match self {
            Speaker::Agent => "agent",
            Speaker::Customer => "customer",
            Speaker::Other => "other",
        }
    }
}

/// One utterance (voice) or message (chat / e-mail).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    /// Who said it.
    pub speaker: Speaker,
    /// The original label in the source (e.g. `SPEAKER_00`, `Sarah`, `坐席`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// What was said, as decoded from the source (not normalised).
    pub text: String,
    /// Start, in milliseconds from the start of the call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_ms: Option<u64>,
    /// End, in milliseconds from the start of the call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_ms: Option<u64>,
    /// 1-based line in the source file where the turn starts, when the format has lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// Facts about a call that come with it (in the file or a side CSV).
///
/// Every field is optional: a reader fills what its format carries.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Metadata {
    /// Agent id or name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// Team (or supervisor group) of the agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// Queue / skill the contact came in on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    /// `voice`, `chat` or `email` (free text is kept as given, lower-cased).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// When the contact started, as given (RFC 3339 preferred).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    /// Customer id, for repeat-contact analysis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// Customer satisfaction survey result (scale as given, usually 1–5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csat: Option<f64>,
    /// Net promoter score answer (0–10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nps: Option<f64>,
    /// Score a human QA reviewer gave (0–100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub human_qa_score: Option<f64>,
    /// Score the agent gave themself (0–100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_score: Option<f64>,
    /// Language code (`en`, `zh`, `fa`, …) if the source says it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Any other key/value the source carried, passed through untouched.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, String>,
}

/// Which input format a call was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// callscore's own JSON document (one call) — see `schemas/call.schema.json`.
    NativeJson,
    /// callscore's own JSON Lines (one call per line).
    NativeJsonl,
    /// Amazon Transcribe Call Analytics output.
    AwsTranscribe,
    /// Amazon Connect Contact Lens output.
    ContactLens,
    /// Google CCAI / Contact Center AI Insights conversation JSON.
    GoogleCcai,
    /// Whisper / WhisperX JSON (`segments[]`).
    Whisper,
    /// WebVTT subtitles with `<v Name>` voice tags or `Name:` prefixes.
    Webvtt,
    /// SubRip subtitles with `Name:` prefixes.
    Srt,
    /// Plain text with `Speaker: text` lines (also chat exports).
    PlainText,
    /// Chat export as CSV (one message per row).
    ChatCsv,
}

impl Format {
    /// Every format, in the order of their names in the documentation.
    pub const ALL: [Format; 10] = [
        Format::NativeJsonl,
        Format::NativeJson,
        Format::AwsTranscribe,
        Format::ContactLens,
        Format::GoogleCcai,
        Format::Whisper,
        Format::Webvtt,
        Format::Srt,
        Format::PlainText,
        Format::ChatCsv,
    ];

    /// The format with this [`Format::as_str`] name.
    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == name.trim())
    }

    /// Stable snake_case name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::NativeJson => "native_json",
            Format::NativeJsonl => "native_jsonl",
            Format::AwsTranscribe => "aws_transcribe",
            Format::ContactLens => "contact_lens",
            Format::GoogleCcai => "google_ccai",
            Format::Whisper => "whisper",
            Format::Webvtt => "webvtt",
            Format::Srt => "srt",
            Format::PlainText => "plain_text",
            Format::ChatCsv => "chat_csv",
        }
    }
}

/// One conversation, ready to be normalised and matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Call {
    /// Unique id (from the source; else the file stem, plus `#n` for several calls per file).
    pub call_id: String,
    /// Path of the file it came from (as given on the command line / found by the walk), or `-`.
    pub source: String,
    /// 1-based line in `source` where the call starts (JSON Lines), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_line: Option<u64>,
    /// Input format it was read from.
    pub format: Format,
    /// Metadata passed through to the outputs.
    pub metadata: Metadata,
    /// The turns, in order.
    pub turns: Vec<Turn>,
    /// True when turn times were not in the source and were estimated from text length
    /// (see [`Call::estimate_missing_times`]); time-based metrics are then not reported.
    #[serde(default)]
    pub times_estimated: bool,
}

/// Speaking rate used to estimate times for transcripts without timestamps:
/// about 150 words a minute, or 4 CJK characters a second.
const MS_PER_WORD: u64 = 400;
const MS_PER_CJK_CHAR: u64 = 250;

impl Call {
    /// Fill in turn times when the source had none, so that time windows in rules
    /// ("greeting in the first 30 s") still mean something for plain text and chat
    /// exports. Each turn lasts as long as its text takes to say at ~150 words/min.
    /// If any turn has a start time, nothing is changed (partial times are kept as
    /// they are; turns without a start inherit the previous turn's end, and an end the
    /// source gave that is earlier than that is moved up to it, so that no turn ever
    /// ends before it starts).
    pub fn estimate_missing_times(&mut self) {
        if self.turns.iter().any(|t| t.start_ms.is_some()) {
            let mut last_end = 0;
            for t in &mut self.turns {
                match t.start_ms {
                    Some(s) => last_end = t.end_ms.unwrap_or(s).max(s),
                    None => {
                        t.start_ms = Some(last_end);
                        t.end_ms = Some(t.end_ms.map_or(last_end, |e| e.max(last_end)));
                    }
                }
            }
            return;
        }
        let mut clock = 0u64;
        for t in &mut self.turns {
            let dur = estimated_duration_ms(&t.text);
            t.start_ms = Some(clock);
            t.end_ms = Some(clock + dur);
            clock += dur;
        }
        self.times_estimated = !self.turns.is_empty();
    }

    /// When the source and the side metadata do not say the channel, infer it from the
    /// format: speech-to-text outputs (Transcribe, Contact Lens, Whisper, WebVTT, SRT)
    /// are voice, chat CSV exports are chat; other formats stay unknown. Rules such as
    /// "recording disclosure on voice calls" depend on it. Call after side metadata.
    pub fn infer_channel(&mut self) {
        if self.metadata.channel.is_some() {
            return;
        }
        let inferred = match self.format {
            Format::AwsTranscribe
            | Format::ContactLens
            | Format::Whisper
            | Format::Webvtt
            | Format::Srt => "voice",
            Format::ChatCsv => "chat",
            _ => return,
        };
        self.metadata.channel = Some(inferred.to_string());
    }

    /// Language of the call: the metadata's if given, else guessed from the script of
    /// its text (Han → `zh`, Arabic script → `fa`, otherwise `en`).
    pub fn language(&self) -> String {
        if let Some(l) = &self.metadata.language {
            return l.to_lowercase();
        }
        let (mut han, mut arabic, mut latin) = (0usize, 0usize, 0usize);
        for t in &self.turns {
            for c in t.text.chars() {
                match c as u32 {
                    0x4E00..=0x9FFF | 0x3400..=0x4DBF => han += 1,
                    0x0600..=0x06FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => arabic += 1,
                    _ if c.is_ascii_alphabetic() => latin += 1,
                    _ => {}
                }
            }
        }
        // Han characters carry about a word each; weigh them up against Latin letters.
        if han * 4 >= latin.max(1) && han >= arabic {
            "zh".into()
        } else if arabic >= latin.max(1) {
            "fa".into()
        } else {
            "en".into()
        }
    }
}

/// How long `text` takes to say at the speaking rate above (at least 500 ms).
pub(crate) fn estimated_duration_ms(text: &str) -> u64 {
    let mut words = 0u64;
    let mut cjk = 0u64;
    let mut in_word = false;
    for c in text.chars() {
        if crate::normalize::is_cjk(c) {
            cjk += 1;
            in_word = false;
        } else if c.is_alphanumeric() {
            if !in_word {
                words += 1;
            }
            in_word = true;
        } else {
            in_word = false;
        }
    }
    (words * MS_PER_WORD + cjk * MS_PER_CJK_CHAR).max(500)
}

#[cfg(test)]
mod estimate_tests {
    use super::*;

    fn turn(start_ms: Option<u64>, end_ms: Option<u64>) -> Turn {
        Turn {
            speaker: Speaker::Agent,
            label: None,
            text: "hello there".into(),
            start_ms,
            end_ms,
            line: None,
        }
    }

    /// Found by fuzzing (`fuzz/corpus/native`): a turn with an end but no start, after
    /// a turn that ends later, got the previous end as its start and kept its own
    /// earlier end, so it ended before it started.
    #[test]
    fn a_turn_without_start_never_ends_before_it_starts() {
        let mut call = Call {
            call_id: "c".into(),
            source: "c.json".into(),
            source_line: None,
            format: Format::NativeJson,
            metadata: Metadata::default(),
            turns: vec![
                turn(Some(10_000), Some(16_801_000)),
                turn(None, Some(5_401_000)),
            ],
            times_estimated: false,
        };
        call.estimate_missing_times();
        assert_eq!(call.turns[1].start_ms, Some(16_801_000));
        assert_eq!(call.turns[1].end_ms, Some(16_801_000));
        // An end after the inherited start is kept.
        call.turns[1] = turn(None, Some(20_000_000));
        call.estimate_missing_times();
        assert_eq!(call.turns[1].start_ms, Some(16_801_000));
        assert_eq!(call.turns[1].end_ms, Some(20_000_000));
    }
}
