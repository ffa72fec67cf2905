//! The per-call result: everything the scorer found for one call, in memory.
//!
//! Written as one JSON object per line in `calls.jsonl` through [`wire`] (which leaves
//! the pack's constants to the run's manifest and keeps as much evidence as
//! `--evidence` asks for), described by `schemas/record.schema.json`, and flattened into
//! `calls.csv`. Units: times in milliseconds from the start of the call; `turn` is the
//! 0-based turn index; `start`/`end` byte offsets are 0-based, end-exclusive, in the
//! turn's original UTF-8 text; scores 0–100; sentiment −1…+1.

pub mod wire;

use crate::transcript::{Metadata, Speaker};
use serde::Serialize;
use std::collections::BTreeMap;
pub use wire::{EvidenceLevel, WireRecord};

/// One scored call.
#[derive(Debug, Clone)]
pub struct CallRecord {
    /// Always `"call"`.
    pub kind: &'static str,
    /// Call id.
    pub call_id: String,
    /// Input file.
    pub source: String,
    /// Line in the input file (JSON Lines), if any.
    pub source_line: Option<u64>,
    /// Input format.
    pub format: &'static str,
    /// Language (from metadata or detected).
    pub language: String,
    /// Metadata passed through.
    pub metadata: Metadata,
    /// The scorecard.
    pub qa: Qa,
    /// Sentiment.
    pub sentiment: Sentiment,
    /// Contact drivers.
    pub drivers: Drivers,
    /// Metrics from timestamps.
    pub metrics: Metrics,
    /// The rule pack that produced this record (written once per run, in the
    /// `calls.jsonl` header and `manifest.json`, and in every CSV row).
    pub rules: RulesStamp,
}

/// Which rule pack produced a record.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct RulesStamp {
    /// Pack name.
    pub name: String,
    /// Pack version.
    pub version: String,
    /// SHA-256 of the pack's files.
    pub hash: String,
}

/// Scorecard result.
#[derive(Debug, Clone)]
pub struct Qa {
    /// 0–100 (the auto-fail score when auto-failed); null when no item applies.
    pub score: Option<f64>,
    /// The score before auto-fail.
    pub raw_score: Option<f64>,
    /// A critical item failed.
    pub auto_fail: bool,
    /// Score per section (0–100; null when no item of the section applies).
    pub sections: BTreeMap<String, Option<f64>>,
    /// Every item, in pack order.
    pub items: Vec<ItemResult>,
}

/// Outcome of an item.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Passed.
    Pass,
    /// Failed.
    Fail,
    /// Not applicable.
    #[serde(rename = "n/a")]
    Na,
}

impl Outcome {
    /// `pass`, `fail` or `n/a`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Na => "n/a",
        }
    }
}

/// One item's result.
#[derive(Debug, Clone)]
pub struct ItemResult {
    /// Item id.
    pub id: String,
    /// Section.
    pub section: String,
    /// Weight.
    pub weight: f64,
    /// Critical.
    pub critical: bool,
    /// Pass / fail / n/a.
    pub result: Outcome,
    /// Why, in words.
    pub reason: String,
    /// What was said (for a pass of a `require`, or a fail of a `forbid`).
    pub evidence: Vec<Evidence>,
    /// For a failed `require`: the nearest thing that was said but did not count
    /// (wrong speaker, outside the window, too few times).
    pub closest: Vec<Evidence>,
    /// For an n/a item: the metadata keys its `applies_when` tests that the call does
    /// not carry, when they alone made it n/a (with them, it might have applied).
    /// Absent when empty.
    pub na_missing_meta: Vec<String>,
}

/// A quote from the call.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Evidence {
    /// Turn index (0-based).
    pub turn: u32,
    /// Who said it.
    pub speaker: Speaker,
    /// Turn start, ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_ms: Option<u64>,
    /// Turn end, ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_ms: Option<u64>,
    /// Byte offset of the match in the turn's original text.
    pub start: u32,
    /// End byte offset (exclusive).
    pub end: u32,
    /// The matched original text (redacted).
    pub matched: String,
    /// Up to ~40 characters either side (redacted).
    pub snippet: String,
    /// Which rule part matched (phrase or regex as written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

/// Sentiment per speaker and the worst moment.
#[derive(Debug, Clone, Default)]
pub struct Sentiment {
    /// Customer sentiment.
    pub customer: SpeakerSentiment,
    /// Agent sentiment.
    pub agent: SpeakerSentiment,
    /// The most negative customer turn (or any turn if the customer has none), if negative.
    pub most_negative: Option<Moment>,
}

/// Sentiment of one speaker.
#[derive(Debug, Clone, Serialize, serde::Deserialize, Default, schemars::JsonSchema)]
pub struct SpeakerSentiment {
    /// Mean compound over turns with sentiment terms (0 when none).
    pub overall: f64,
    /// Mean over the first third of the speaker's turns.
    pub start: f64,
    /// Mean over the last third of the speaker's turns.
    pub end: f64,
    /// Turns that carried sentiment terms.
    pub turns_with_terms: u32,
}

/// The most negative moment.
#[derive(Debug, Clone)]
pub struct Moment {
    /// Compound score of the turn.
    pub score: f64,
    /// The turn, with the most negative term as the match.
    pub evidence: Evidence,
}

/// Contact drivers.
#[derive(Debug, Clone, Default)]
pub struct Drivers {
    /// Every driver found, in pack order.
    pub matched: Vec<DriverHit>,
    /// The primary driver's id.
    pub primary: Option<String>,
    /// Its department id.
    pub department: Option<String>,
    /// Handle time × the primary driver's cost rate (null without handle time).
    pub cost: Option<f64>,
}

/// One driver found.
#[derive(Debug, Clone)]
pub struct DriverHit {
    /// Driver id.
    pub id: String,
    /// Department id.
    pub department: String,
    /// Hits that made it hold.
    pub hits: u32,
    /// The first few.
    pub evidence: Vec<Evidence>,
}

/// Metrics from timestamps. Time fields are null when the source had no times.
#[derive(Debug, Clone, Serialize, serde::Deserialize, Default, PartialEq, schemars::JsonSchema)]
pub struct Metrics {
    /// First turn start to last turn end.
    pub handle_time_ms: Option<u64>,
    /// Agent talk time (overlaps within the agent's own turns counted once).
    pub agent_talk_ms: Option<u64>,
    /// Customer talk time.
    pub customer_talk_ms: Option<u64>,
    /// Time nobody speaks, in total.
    pub silence_ms: Option<u64>,
    /// Longest stretch nobody speaks.
    pub longest_silence_ms: Option<u64>,
    /// Time agent and customer speak at once.
    pub overtalk_ms: Option<u64>,
    /// Number of turns.
    pub turns: u32,
    /// Agent turns.
    pub agent_turns: u32,
    /// Customer turns.
    pub customer_turns: u32,
    /// Times were estimated from text length (no timestamps in the source).
    pub times_estimated: bool,
}

/// The JSON Schema of a `calls.jsonl` record, as committed in `schemas/record.schema.json`.
/// It describes records as they are written (fields left out when empty are optional).
pub fn record_schema() -> String {
    let schema = schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<WireRecord<'static>>();
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    /// The committed schema must match the record types; regenerate with
    /// `cargo run -- schema record > schemas/record.schema.json`.
    #[test]
    fn committed_record_schema_is_up_to_date() {
        let committed = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/schemas/record.schema.json"
        ))
        .unwrap_or_default();
        assert!(
            committed == super::record_schema(),
            "schemas/record.schema.json is stale: run `cargo run -- schema record > schemas/record.schema.json`"
        );
    }
}
