//! `summary.json`: what a run did, for the operator and the scheduler that started it.
//!
//! A typed contract like the record ([`crate::record`]), described by
//! `schemas/summary.schema.json` (`callscore schema summary`). The counts obey
//! `inputs_found = inputs_scored + inputs_errored`; every input found is either scored or
//! listed in `errors.jsonl`.

use crate::run::Summary;
use serde::{Deserialize, Serialize};

/// The summary of one run.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RunSummary {
    /// Always `"summary"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The run these outputs belong to.
    pub run_id: String,
    /// When the run started (RFC 3339, UTC).
    pub started_at: String,
    /// When it finished (RFC 3339, UTC).
    pub finished_at: String,
    /// callscore's version.
    pub callscore: String,
    /// Inputs, calls, errors, skipped files, metadata, bytes.
    pub counts: Summary,
    /// The rule pack.
    pub rules: PackStats,
    /// Worker threads.
    pub threads: usize,
    /// Wall time, ms.
    pub elapsed_ms: u64,
    /// Input megabytes (10^6 bytes) per second of wall time.
    pub mb_per_s: f64,
    /// Calls scored per second of wall time.
    pub calls_per_s: f64,
    /// Calls on which an item was n/a only because a metadata key it depends on was
    /// missing, per item and key (`{"recording_disclosure": {"channel": 12}}`): set the
    /// key in the metadata or run-wide with `--meta channel=voice`.
    pub na_for_lack_of_metadata: crate::score::NaForLackOfMeta,
    /// Incremental runs (`--state`): what was new, changed, unchanged, re-scored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<StateSummary>,
    /// `run --shard K/N`: which part of the inputs this run scored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardSummary>,
    /// `merge`: the runs this folder was merged from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged: Option<MergeSummary>,
}

/// The part of the inputs a `run --shard K/N` scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ShardSummary {
    /// This shard (1 … n).
    pub k: u32,
    /// How many shards.
    pub n: u32,
    /// The input paths as given (their order is the order of the merged results).
    pub roots: Vec<String>,
}

/// What a `callscore merge` put together. Its `elapsed_ms` is the longest input's (the
/// runs went side by side), and the throughput is the totals over that time.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MergeSummary {
    /// The inputs, in the order given.
    pub runs: Vec<MergedRun>,
    /// Time the merge itself took, ms.
    pub merge_ms: u64,
}

/// One merged input.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MergedRun {
    /// Its folder (or aggregates file).
    pub path: String,
    /// Its run id (none for an aggregates file).
    pub run_id: Option<String>,
    /// `K/N` when it was a shard.
    pub shard: Option<String>,
}

/// What an incremental run (`run --state DIR`) found and did.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StateSummary {
    /// The run folder, relative to the state folder (`runs/<run_id>`).
    pub folder: String,
    /// Order of this run among the state's runs (1, 2, …).
    pub seq: u64,
    /// Inputs by what the run did with them.
    pub inputs: crate::state::PlanCounts,
    /// Runs whose results for some inputs this run replaced: run id → inputs.
    pub replaced: std::collections::BTreeMap<String, u64>,
    /// How many times this run was resumed after being stopped (0: it ran through).
    pub resumed: u32,
    /// Time spent deciding what to score (reading the state, walking and comparing the
    /// inputs), ms: the price of the history, apart from scoring.
    #[serde(default)]
    pub plan_ms: u64,
}

/// The rule pack a run used, and its size.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PackStats {
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// SHA-256 of the pack's files.
    pub hash: String,
    /// Phrases in the automaton.
    pub patterns: usize,
    /// Regexes.
    pub regexes: usize,
    /// Automaton memory.
    pub automaton_bytes: usize,
}

impl PackStats {
    /// The stats of `pack`.
    pub fn of(pack: &crate::rules::Pack) -> PackStats {
        PackStats {
            name: pack.info.name.clone(),
            version: pack.info.version.clone(),
            hash: pack.hash.clone(),
            patterns: pack.pattern_count,
            regexes: pack.tables.regexes.len(),
            automaton_bytes: pack.automaton_bytes,
        }
    }
}

/// The JSON Schema of `summary.json`, as committed in `schemas/summary.schema.json`.
pub fn summary_schema() -> String {
    let schema = schemars::schema_for!(RunSummary);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    /// The committed schemas must match the types; regenerate with
    /// `cargo run -- schema summary > schemas/summary.schema.json` (and `manifest`).
    #[test]
    fn committed_summary_and_manifest_schemas_are_up_to_date() {
        for (file, now) in [
            ("summary.schema.json", super::summary_schema()),
            (
                "manifest.schema.json",
                crate::sink::manifest::manifest_schema(),
            ),
        ] {
            let committed = std::fs::read_to_string(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("schemas")
                    .join(file),
            )
            .unwrap_or_default();
            assert!(
                committed == now,
                "schemas/{file} is stale: run `cargo run -- schema {} > schemas/{file}`",
                file.trim_end_matches(".schema.json")
            );
        }
    }
}
