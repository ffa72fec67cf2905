//! `callscore explain`: one call, turn by turn, with every rule hit highlighted and
//! tagged with the items and drivers it fed, then the scorecard with reasons, sentiment,
//! drivers and metrics. For QA leads tuning a pack ("why did this call fail?").
//!
//! [`explain_call`] scans and scores the call exactly as `run` does (same record), and
//! adds per-turn views: the hits of each turn (original byte ranges), grouped by text,
//! with the rules each feeds ([`crate::rules::pack::LeafOwner`]) and whether the hit was
//! in the rule's scope (speaker, window). [`render_text`] prints it for a terminal or a
//! plain file; the JSON form is the record plus the turn views and each item's name and
//! description (which the record leaves to the pack).
//!
//! Modules: `turns` (per-turn hits and tags), `text` (header, transcript, helpers),
//! `card` (scorecard, sentiment, drivers, metrics as text).

mod card;
#[cfg(test)]
mod tests;
mod text;
mod turns;

pub use text::{render_text, signed};
pub use turns::{Tag, TurnHit, TurnView, turn_views};

use crate::matcher::{Scan, scan_call};
use crate::record::{CallRecord, Outcome};
use crate::rules::Pack;
use crate::score::{ScoreOptions, score_call};
use crate::transcript::Call;
use serde::Serialize;

/// A call explained: its record and a view of every turn.
#[derive(Debug, Clone, Serialize)]
pub struct Explained {
    /// Always `"explain"`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The record, as `run --evidence all` writes it.
    #[serde(serialize_with = "crate::record::wire::serialize_all")]
    pub record: CallRecord,
    /// What each item of the scorecard is, in the record's item order.
    pub items: Vec<ItemAbout>,
    /// Every turn with its hits.
    pub turns: Vec<TurnView>,
    /// Times were estimated (the source had none).
    pub times_estimated: bool,
}

/// An item's name and description from the rule pack.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ItemAbout {
    /// Item id.
    pub id: String,
    /// Human name (the id when the pack gives none).
    pub name: String,
    /// One sentence for QA leads, when the pack gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl ItemAbout {
    /// `Name — description` for the text scorecard, leaving out a name that only
    /// repeats the id; `None` when there is nothing to add.
    pub fn line(&self) -> Option<String> {
        let name = (self.name != self.id).then_some(self.name.as_str());
        match (name, &self.description) {
            (Some(n), Some(d)) => Some(format!("{n} — {d}")),
            (Some(n), None) => Some(n.to_string()),
            (None, Some(d)) => Some(d.clone()),
            (None, None) => None,
        }
    }
}

/// Scan, score and explain one call.
pub fn explain_call(pack: &Pack, call: &Call, opts: ScoreOptions) -> Explained {
    let mut scan = Scan::new(pack);
    scan_call(pack, call, &mut scan);
    let record = score_call(pack, call, &scan, opts);
    let mut turns = turn_views(pack, call, &scan, opts);
    // A hit that fed an item which turned out not applicable says so.
    for v in &mut turns {
        for tag in &mut v.tags {
            if record
                .qa
                .items
                .iter()
                .any(|i| i.id == *tag && i.result == Outcome::Na)
            {
                tag.push_str(" (n/a)");
            }
        }
    }
    let items = pack
        .items
        .iter()
        .map(|i| ItemAbout {
            id: i.id.clone(),
            name: i.name.clone(),
            description: i.description.clone(),
        })
        .collect();
    Explained {
        kind: "explain",
        record,
        items,
        turns,
        times_estimated: call.times_estimated,
    }
}
