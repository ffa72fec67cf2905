//! [`CallFacts`]: the few numbers of one scored call that the aggregates keep, taken from
//! its [`CallRecord`] on a worker thread so the single writer thread only adds integers.
//!
//! Measured values become integers here (scores and CSAT in thousandths, sentiment and
//! cost in millionths) so that sums are exact and do not depend on the order in which
//! calls or runs are added.

use super::day::parse_started_at;
use crate::record::{CallRecord, Outcome};
use sha2::{Digest, Sha256};

/// Thousandths: scores 0–100, CSAT, NPS, human and self scores.
pub const MILLI: f64 = 1_000.0;
/// Millionths: sentiment −1…+1 and cost.
pub const MICRO: f64 = 1_000_000.0;

/// A measured value as an integer count of `unit`s (rounded to the nearest).
pub fn to_units(x: f64, unit: f64) -> Option<i64> {
    let v = (x * unit).round();
    (v.is_finite() && v.abs() < 9.0e15).then_some(v as i64)
}

/// What the aggregates need of one call.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CallFacts {
    /// Call id (kept only as a bounded example per bucket).
    pub call_id: String,
    /// Start, in minutes since the Unix epoch (UTC); `None`: no usable `started_at`.
    pub minute: Option<i64>,
    /// Team.
    pub team: Option<String>,
    /// Agent.
    pub agent: Option<String>,
    /// Queue.
    pub queue: Option<String>,
    /// First 8 bytes of SHA-256 of `customer_id`: enough to find repeat contacts, and the
    /// aggregates never carry the id itself.
    pub customer: Option<u64>,
    /// QA score in thousandths of a point.
    pub qa: Option<i64>,
    /// A critical item failed.
    pub auto_fail: bool,
    /// Section scores (thousandths) in the record's order: sorted by section id.
    pub sections: Vec<Option<i64>>,
    /// Item outcomes in pack order.
    pub items: Vec<Outcome>,
    /// Human reviewer outcomes from metadata `human_<item_id>` columns: (item id, outcome).
    pub human_items: Vec<(String, Outcome)>,
    /// `human_<item_id>` values that are not pass / fail / n/a.
    pub human_unreadable: u32,
    /// CSAT in thousandths.
    pub csat: Option<i64>,
    /// NPS answer (0–10) in thousandths.
    pub nps: Option<i64>,
    /// Human QA score in thousandths.
    pub human_qa: Option<i64>,
    /// Agent self-score in thousandths.
    pub self_score: Option<i64>,
    /// Handle time, ms.
    pub handle_ms: Option<u64>,
    /// Cost in millionths.
    pub cost: Option<i64>,
    /// Primary driver id.
    pub driver: Option<String>,
    /// Customer sentiment (start, end) in millionths; `None` when no customer turn
    /// carried a sentiment term.
    pub sentiment: Option<(i64, i64)>,
}

impl CallFacts {
    /// The facts of one scored call.
    pub fn from_record(r: &CallRecord) -> CallFacts {
        let c = &r.sentiment.customer;
        Self::build(Parts {
            call_id: &r.call_id,
            metadata: &r.metadata,
            qa: r.qa.score,
            auto_fail: r.qa.auto_fail,
            sections: r.qa.sections.values().copied().collect(),
            items: r.qa.items.iter().map(|i| i.result).collect(),
            handle_ms: r.metrics.handle_time_ms,
            cost: r.drivers.cost,
            driver: r.drivers.primary.clone(),
            customer: (c.start, c.end, c.turns_with_terms),
        })
    }

    /// The facts of a call from its `calls.jsonl` line, and the record's `source`: how a
    /// state folder recomputes a run's aggregates after some of its inputs were replaced.
    /// Gives the same facts as [`CallFacts::from_record`] on the record that was written.
    pub fn from_json_line(line: &[u8]) -> Result<(String, CallFacts), serde_json::Error> {
        let r: view::Record = serde_json::from_slice(line)?;
        let c = &r.sentiment.customer;
        let facts = Self::build(Parts {
            call_id: &r.call_id,
            metadata: &r.metadata,
            qa: r.qa.score,
            auto_fail: r.qa.auto_fail,
            sections: r.qa.sections.values().copied().collect(),
            items: r.qa.items.iter().map(|i| i.result).collect(),
            handle_ms: r.metrics.handle_time_ms,
            cost: r.drivers.cost,
            driver: r.drivers.primary.clone(),
            customer: (c.start, c.end, c.turns_with_terms),
        });
        Ok((r.source, facts))
    }

    fn build(p: Parts<'_>) -> CallFacts {
        let m = p.metadata;
        let milli = |v: Option<f64>| v.and_then(|x| to_units(x, MILLI));
        let mut human_items = Vec::new();
        let mut human_unreadable = 0;
        for (k, v) in &m.extra {
            let Some(item) = human_item_key(k) else {
                continue;
            };
            match parse_outcome(v) {
                Some(Some(o)) => human_items.push((item.to_string(), o)),
                Some(None) => {}
                None => human_unreadable += 1,
            }
        }
        let (start, end, turns_with_terms) = p.customer;
        CallFacts {
            call_id: p.call_id.to_string(),
            minute: m.started_at.as_deref().and_then(parse_started_at),
            team: nonempty(&m.team),
            agent: nonempty(&m.agent),
            queue: nonempty(&m.queue),
            customer: m
                .customer_id
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(customer_hash),
            qa: milli(p.qa),
            auto_fail: p.auto_fail,
            sections: p.sections.into_iter().map(milli).collect(),
            items: p.items,
            human_items,
            human_unreadable,
            csat: milli(m.csat),
            nps: milli(m.nps),
            human_qa: milli(m.human_qa_score),
            self_score: milli(m.self_score),
            handle_ms: p.handle_ms,
            cost: p.cost.and_then(|x| to_units(x, MICRO)),
            driver: p.driver,
            sentiment: (turns_with_terms > 0)
                .then(|| Some((to_units(start, MICRO)?, to_units(end, MICRO)?)))
                .flatten(),
        }
    }
}

/// What [`CallFacts`] are computed from, whether from a record in memory or read back.
struct Parts<'a> {
    call_id: &'a str,
    metadata: &'a crate::transcript::Metadata,
    qa: Option<f64>,
    auto_fail: bool,
    /// Section scores sorted by section id.
    sections: Vec<Option<f64>>,
    items: Vec<Outcome>,
    handle_ms: Option<u64>,
    cost: Option<f64>,
    driver: Option<String>,
    /// Customer sentiment start, end and turns with terms.
    customer: (f64, f64, u32),
}

/// The fields of a `calls.jsonl` record the facts need (the rest is skipped unparsed).
mod view {
    use crate::record::Outcome;
    use crate::transcript::Metadata;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Deserialize)]
    pub struct Record {
        pub call_id: String,
        pub source: String,
        #[serde(default)]
        pub metadata: Metadata,
        pub qa: Qa,
        pub sentiment: Sentiment,
        pub drivers: Drivers,
        pub metrics: Metrics,
    }

    #[derive(Deserialize)]
    pub struct Qa {
        pub score: Option<f64>,
        pub auto_fail: bool,
        pub sections: BTreeMap<String, Option<f64>>,
        pub items: Vec<Item>,
    }

    #[derive(Deserialize)]
    pub struct Item {
        pub result: Outcome,
    }

    #[derive(Deserialize)]
    pub struct Sentiment {
        pub customer: Speaker,
    }

    #[derive(Deserialize)]
    pub struct Speaker {
        pub start: f64,
        pub end: f64,
        pub turns_with_terms: u32,
    }

    #[derive(Deserialize)]
    pub struct Drivers {
        pub primary: Option<String>,
        pub cost: Option<f64>,
    }

    #[derive(Deserialize)]
    pub struct Metrics {
        pub handle_time_ms: Option<u64>,
    }
}

fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The stable 64-bit key of a customer id (SHA-256, first 8 bytes, big-endian).
pub fn customer_hash(id: &str) -> u64 {
    let d = Sha256::digest(id.as_bytes());
    let mut b = [0u8; 8];
    b.copy_from_slice(&d[..8]);
    u64::from_be_bytes(b)
}

/// The item id of a `human_<item_id>` metadata column (prefix case-insensitive).
pub fn human_item_key(key: &str) -> Option<&str> {
    let k = key.trim();
    let prefix = k.get(..6)?;
    (prefix.eq_ignore_ascii_case("human_")
        && k.len() > 6
        && !k[6..].eq_ignore_ascii_case("qa_score"))
    .then(|| &k[6..])
}

/// A human reviewer's result: `Some(Some(outcome))` for pass / fail / n/a (also `na`,
/// `yes`/`no`, `1`/`0`, any case), `Some(None)` for an empty cell (not reviewed), `None`
/// for anything else.
pub fn parse_outcome(v: &str) -> Option<Option<Outcome>> {
    Some(Some(match v.trim().to_ascii_lowercase().as_str() {
        "" => return Some(None),
        "pass" | "passed" | "yes" | "y" | "1" | "true" => Outcome::Pass,
        "fail" | "failed" | "no" | "n" | "0" | "false" => Outcome::Fail,
        "n/a" | "na" | "n.a." | "-" => Outcome::Na,
        _ => return None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_columns_and_values() {
        assert_eq!(human_item_key("human_greeting"), Some("greeting"));
        assert_eq!(
            human_item_key("Human_closing_thanks"),
            Some("closing_thanks")
        );
        assert_eq!(human_item_key("human_"), None);
        assert_eq!(human_item_key("humane"), None);
        assert_eq!(human_item_key("region"), None);
        assert_eq!(parse_outcome(" FAIL "), Some(Some(Outcome::Fail)));
        assert_eq!(parse_outcome("n/a"), Some(Some(Outcome::Na)));
        assert_eq!(parse_outcome(""), Some(None));
        assert_eq!(parse_outcome("maybe"), None);
    }

    #[test]
    fn units_round_to_integers() {
        assert_eq!(to_units(73.7, MILLI), Some(73_700));
        assert_eq!(to_units(-0.3333333, MICRO), Some(-333_333));
        assert_eq!(to_units(f64::NAN, MILLI), None);
        assert_ne!(customer_hash("C1001"), customer_hash("C1002"));
        assert_eq!(customer_hash("C1001"), customer_hash("C1001"));
    }
}
