//! One call scored with both packs, reduced to what a report needs.

use super::Plan;
use crate::matcher::{Scan, scan_call};
use crate::record::{CallRecord, Outcome};
use crate::rules::Pack;
use crate::score::{ScoreOptions, fmt_time, score_call};
use crate::transcript::Call;

/// One item of one call under both packs (indexes follow [`Plan::items`]).
#[derive(Debug, Clone)]
pub struct ItemChange {
    /// Index in [`Plan::items`].
    pub item: usize,
    /// Outcome with the old pack (`None`: the item is not in it).
    pub before: Option<Outcome>,
    /// Outcome with the new pack.
    pub after: Option<Outcome>,
    /// Reason with the old pack (only kept when the outcome changed, or the item is
    /// only in the old pack).
    pub before_reason: String,
    /// Reason with the new pack (only kept when the outcome changed, or the item is
    /// only in the new pack).
    pub after_reason: String,
}

/// One call compared.
#[derive(Debug, Clone)]
pub struct CallDiff {
    /// Call id.
    pub call_id: String,
    /// `file` or `file:line`.
    pub source: String,
    /// Team from metadata.
    pub team: Option<String>,
    /// QA score before / after.
    pub score: (Option<f64>, Option<f64>),
    /// Auto-fail before / after.
    pub auto_fail: (bool, bool),
    /// Every item (outcome per pack; reasons only for changed ones).
    pub items: Vec<ItemChange>,
    /// Per [`Plan::drivers`] entry: (matched before, matched after, quote of the new
    /// evidence when gained / the old one when lost).
    pub drivers: Vec<(bool, bool, String)>,
    /// Primary driver before / after.
    pub primary: (Option<String>, Option<String>),
}

/// Score `call` with both packs (scan buffers in `scans`) and compare.
pub fn compare_call(
    plan: &Plan,
    old: &Pack,
    new: &Pack,
    scans: &mut (Scan, Scan),
    call: &Call,
    opts: ScoreOptions,
) -> CallDiff {
    scan_call(old, call, &mut scans.0);
    let a = score_call(old, call, &scans.0, opts);
    scan_call(new, call, &mut scans.1);
    let b = score_call(new, call, &scans.1, opts);
    compare_records(plan, &a, &b)
}

/// Compare two records of the same call.
pub fn compare_records(plan: &Plan, a: &CallRecord, b: &CallRecord) -> CallDiff {
    let items = plan
        .items
        .iter()
        .enumerate()
        .map(|(k, e)| {
            let ra = e.old.and_then(|i| a.qa.items.get(i));
            let rb = e.new.and_then(|i| b.qa.items.get(i));
            let (before, after) = (ra.map(|r| r.result), rb.map(|r| r.result));
            // Added and removed items keep their one reason: their examples show it.
            let keep = before != after;
            let reason = |r: Option<&crate::record::ItemResult>| {
                r.filter(|_| keep)
                    .map(|r| r.reason.clone())
                    .unwrap_or_default()
            };
            ItemChange {
                item: k,
                before,
                after,
                before_reason: reason(ra),
                after_reason: reason(rb),
            }
        })
        .collect();
    let find = |r: &CallRecord, id: &str| r.drivers.matched.iter().find(|d| d.id == id).cloned();
    let drivers = plan
        .drivers
        .iter()
        .map(|e| {
            let (da, db) = (find(a, &e.id), find(b, &e.id));
            let quote = match (&da, &db) {
                (None, Some(d)) | (Some(d), None) => d
                    .evidence
                    .first()
                    .map(|e| {
                        let at = e
                            .start_ms
                            .map(fmt_time)
                            .unwrap_or_else(|| format!("turn {}", e.turn + 1));
                        format!("\"{}\" ({}, {at})", e.matched, e.speaker.as_str())
                    })
                    .unwrap_or_default(),
                _ => String::new(),
            };
            (da.is_some(), db.is_some(), quote)
        })
        .collect();
    let source = match a.source_line {
        Some(l) => format!("{}:{l}", a.source),
        None => a.source.clone(),
    };
    CallDiff {
        call_id: a.call_id.clone(),
        source,
        team: a.metadata.team.clone(),
        score: (a.qa.score, b.qa.score),
        auto_fail: (a.qa.auto_fail, b.qa.auto_fail),
        items,
        drivers,
        primary: (a.drivers.primary.clone(), b.drivers.primary.clone()),
    }
}
