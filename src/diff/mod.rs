//! `callscore diff`: what shipping a new rule pack instead of the old one would change on
//! a corpus.
//!
//! Every call is read once and scored with both packs on a worker ([`compare_call`]
//! gives a small [`CallDiff`]: outcomes, drivers, score, and the reasons of the items that
//! changed); the [`Report`] adds the calls up in input order, keeping the first
//! `examples` calls of every change. The batch is [`crate::run::Batch`], so inputs,
//! order, memory and throughput are those of `run` (with twice the scoring work), and the
//! report does not depend on the number of threads.
//!
//! Items and drivers are matched between packs by id ([`Plan`]); an id only in the new
//! pack is "added", only in the old "removed".
//!
//! Modules: `plan` (matching), `compare` (one call), `report` (adding up, JSON),
//! `text` (the report for people).

mod compare;
mod plan;
mod report;
#[cfg(test)]
mod tests;
mod text;

pub use compare::{CallDiff, ItemChange, compare_call, compare_records};
pub use plan::{Plan, PlanEntry};
pub use report::{DriverDiff, Example, ItemDiff, Report, Results, ScoreChanges, TeamDiff};
