//! callscore: full-coverage auto-QA for contact-center transcripts.
//!
//! The pipeline, one stage per module:
//! read ([`input`]: walk, decode, detect and read any input format → [`transcript::Call`]) →
//! normalise ([`normalize`]: case, width, punctuation, Persian folding, with an offset map) →
//! match ([`matcher`]: one Aho-Corasick automaton + one regex set for the whole rule pack,
//! one pass over each turn) → score ([`score`]: scorecard items, sentiment, drivers, metrics) →
//! output ([`sink`]: JSON Lines, CSV, errors, summary). [`rules`] loads and checks the pack;
//! [`run`] drives the batch over a corpus in parallel with deterministic output;
//! [`r#gen`] writes synthetic corpora with known truth. [`shard`] splits a run over
//! machines and [`merge`] puts run folders together again.
#![deny(missing_docs)]

pub mod aggregate;
pub mod cli;
pub mod diagnostic;
pub mod diff;
pub mod explain;
#[doc(hidden)]
pub mod fuzzing;
pub mod r#gen;
pub mod input;
pub mod load;
pub mod matcher;
pub mod merge;
pub mod normalize;
pub mod record;
pub mod redact;
pub mod report;
pub mod rules;
pub mod ruletest;
pub mod run;
pub mod score;
mod seen_ids;
pub mod shard;
pub mod sink;
pub mod state;
pub mod suggest;
pub mod summary;
pub mod transcript;
