//! Items n/a for lack of metadata, counted over calls.
//!
//! An item that applies only on voice calls is n/a on a call whose channel is not
//! known; counted with the calls that really are chats, it hides a gap in the inputs.
//! The run summary reports, per item and key, how many calls were n/a only because
//! the key was missing, so that a QA lead sees "recording_disclosure: 1 200 calls
//! without channel" instead of a quiet n/a rate.

use crate::record::{CallRecord, Outcome};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `(item id, metadata key)` of every item of `record` that is n/a only because the
/// call lacks that key (one pair per key).
pub fn missing_meta(record: &CallRecord) -> impl Iterator<Item = (&str, &str)> {
    record
        .qa
        .items
        .iter()
        .filter(|i| i.result == Outcome::Na)
        .flat_map(|i| {
            i.na_missing_meta
                .iter()
                .map(|k| (i.id.as_str(), k.as_str()))
        })
}

/// Calls per item and missing key: `{"recording": {"channel": 12}}`. Serialises as that
/// map (ordered by id, then key), so a summary can embed it as is. Workers each keep
/// one and [`NaForLackOfMeta::merge`] them; the result does not depend on the split.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct NaForLackOfMeta(BTreeMap<String, BTreeMap<String, u64>>);

impl NaForLackOfMeta {
    /// Count the items of one call.
    pub fn add(&mut self, record: &CallRecord) {
        for (item, key) in missing_meta(record) {
            self.add_one(item, key);
        }
    }

    /// Count one call on which `item` was n/a for lack of `key`.
    pub fn add_one(&mut self, item: &str, key: &str) {
        *self
            .0
            .entry(item.to_string())
            .or_default()
            .entry(key.to_string())
            .or_default() += 1;
    }

    /// Add another tally's counts to this one.
    pub fn merge(&mut self, other: NaForLackOfMeta) {
        for (item, keys) in other.0 {
            let mine = self.0.entry(item).or_default();
            for (key, n) in keys {
                *mine.entry(key).or_default() += n;
            }
        }
    }

    /// Calls on which `item` was n/a for lack of `key`.
    pub fn calls(&self, item: &str, key: &str) -> u64 {
        self.0
            .get(item)
            .and_then(|k| k.get(key))
            .copied()
            .unwrap_or(0)
    }

    /// No item was n/a for lack of metadata.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `(item, key, calls)` in id order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str, u64)> {
        self.0
            .iter()
            .flat_map(|(i, ks)| ks.iter().map(move |(k, n)| (i.as_str(), k.as_str(), *n)))
    }
}
