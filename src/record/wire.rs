//! The written form of a record: what one `calls.jsonl` line holds, at an evidence level.
//!
//! A nightly run of a million calls should not write more than it reads, so a line
//! carries per-call facts only. The pack's constants (item sections, weights, critical
//! flags, the pack name, version and hash) are written once per run, in `manifest.json`
//! and in the `{"type": "run"}` header line, not in every record. How much of the
//! evidence is written is [`EvidenceLevel`]: by default the reasons and quotes a person
//! reads (failed and critical items, drivers, the most negative moment); `all` is every
//! item's reason and evidence; `none` is outcomes and numbers only.
//!
//! These types borrow from the in-memory [`CallRecord`] (which always holds everything
//! the scorer built), so formatting a line copies nothing but bytes.

use super::{CallRecord, DriverHit, Evidence, ItemResult, Metrics, Outcome, SpeakerSentiment};
use crate::transcript::Metadata;
use serde::Serialize;
use std::collections::BTreeMap;

/// How much evidence (reasons and quotes from the call) a record carries.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceLevel {
    /// Every item's reason and evidence, drivers' and the most negative moment's quotes.
    All,
    /// Reasons and evidence of failed items and of critical items (whatever their
    /// outcome), drivers' evidence and the most negative moment: what a QA lead or a
    /// coach opens a call for. The default.
    #[default]
    Failed,
    /// No reasons and no quotes: outcomes, scores, sentiment numbers, drivers, metrics.
    None,
}

impl EvidenceLevel {
    /// `all`, `failed` or `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceLevel::All => "all",
            EvidenceLevel::Failed => "failed",
            EvidenceLevel::None => "none",
        }
    }

    /// Does a record at this level carry the reason and evidence of an item with this
    /// outcome? (The scorer skips building what is not kept.)
    pub fn keeps_item(self, result: Outcome, critical: bool) -> bool {
        match self {
            EvidenceLevel::All => true,
            EvidenceLevel::Failed => critical || result == Outcome::Fail,
            EvidenceLevel::None => false,
        }
    }

    /// Does a record at this level carry quotes of drivers and of the most negative
    /// moment?
    pub fn keeps_quotes(self) -> bool {
        self != EvidenceLevel::None
    }
}

impl std::str::FromStr for EvidenceLevel {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "all" => Ok(EvidenceLevel::All),
            "failed" => Ok(EvidenceLevel::Failed),
            "none" => Ok(EvidenceLevel::None),
            other => Err(format!(
                "'{other}' is not an evidence level: use all, failed or none"
            )),
        }
    }
}

/// One scored call as written in `calls.jsonl`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct WireRecord<'a> {
    /// Always `"call"`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Call id.
    pub call_id: &'a str,
    /// Input file (`-` for stdin).
    pub source: &'a str,
    /// Line in the input file (JSON Lines), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_line: Option<u64>,
    /// Input format.
    pub format: &'static str,
    /// Language (from metadata or detected).
    pub language: &'a str,
    /// Metadata passed through.
    pub metadata: &'a Metadata,
    /// The scorecard.
    pub qa: WireQa<'a>,
    /// Sentiment.
    pub sentiment: WireSentiment<'a>,
    /// Contact drivers.
    pub drivers: WireDrivers<'a>,
    /// Metrics from timestamps.
    pub metrics: &'a Metrics,
}

/// Scorecard result. Item names, sections, weights and critical flags are in the run's
/// `manifest.json` (`items`, in the same order).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct WireQa<'a> {
    /// 0–100 (the auto-fail score when auto-failed); null when no item applies.
    pub score: Option<f64>,
    /// The score before auto-fail.
    pub raw_score: Option<f64>,
    /// A critical item failed.
    pub auto_fail: bool,
    /// Score per section (0–100; null when no item of the section applies).
    pub sections: &'a BTreeMap<String, Option<f64>>,
    /// Every item, in pack order.
    pub items: Vec<WireItem<'a>>,
}

/// One item's result.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct WireItem<'a> {
    /// Item id.
    pub id: &'a str,
    /// Pass / fail / n/a.
    pub result: Outcome,
    /// Why, in words. Present at `--evidence all`, and at `failed` (the default) for
    /// failed and critical items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'a str>,
    /// What was said (for a pass of a `require`, or a fail of a `forbid`); present
    /// (possibly empty) whenever `reason` is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<&'a [Evidence]>,
    /// For a failed `require`: the nearest thing that was said but did not count
    /// (wrong speaker, outside the window, too few times). Absent when empty or when
    /// the level leaves out this item's evidence.
    #[serde(skip_serializing_if = "<[Evidence]>::is_empty")]
    pub closest: &'a [Evidence],
    /// For an n/a item: the metadata keys its `applies_when` tests that the call does
    /// not carry, when they alone made it n/a. Absent when empty (at every level).
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub na_missing_meta: &'a [String],
}

/// Sentiment per speaker and the worst moment.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct WireSentiment<'a> {
    /// Customer sentiment.
    pub customer: &'a SpeakerSentiment,
    /// Agent sentiment.
    pub agent: &'a SpeakerSentiment,
    /// The most negative customer turn (or any turn if the customer has none), if
    /// negative.
    pub most_negative: Option<WireMoment<'a>>,
}

/// The most negative moment.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct WireMoment<'a> {
    /// Compound score of the turn.
    pub score: f64,
    /// The turn, with the most negative term as the match (absent at `--evidence none`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<&'a Evidence>,
}

/// Contact drivers.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct WireDrivers<'a> {
    /// Every driver found, in pack order.
    pub matched: Vec<WireDriver<'a>>,
    /// The primary driver's id.
    pub primary: Option<&'a str>,
    /// Its department id.
    pub department: Option<&'a str>,
    /// Handle time × the primary driver's cost rate (null without handle time).
    pub cost: Option<f64>,
}

/// One driver found.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct WireDriver<'a> {
    /// Driver id.
    pub id: &'a str,
    /// Department id.
    pub department: &'a str,
    /// Hits that made it hold.
    pub hits: u32,
    /// The first few (absent at `--evidence none`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<&'a [Evidence]>,
}

impl<'a> WireRecord<'a> {
    /// The written form of `r` at `level`.
    pub fn new(r: &'a CallRecord, level: EvidenceLevel) -> WireRecord<'a> {
        let quotes = level.keeps_quotes();
        WireRecord {
            kind: "call",
            call_id: &r.call_id,
            source: &r.source,
            source_line: r.source_line,
            format: r.format,
            language: &r.language,
            metadata: &r.metadata,
            qa: WireQa {
                score: r.qa.score,
                raw_score: r.qa.raw_score,
                auto_fail: r.qa.auto_fail,
                sections: &r.qa.sections,
                items: r.qa.items.iter().map(|i| WireItem::new(i, level)).collect(),
            },
            sentiment: WireSentiment {
                customer: &r.sentiment.customer,
                agent: &r.sentiment.agent,
                most_negative: r.sentiment.most_negative.as_ref().map(|m| WireMoment {
                    score: m.score,
                    evidence: quotes.then_some(&m.evidence),
                }),
            },
            drivers: WireDrivers {
                matched: r
                    .drivers
                    .matched
                    .iter()
                    .map(|d| WireDriver::new(d, quotes))
                    .collect(),
                primary: r.drivers.primary.as_deref(),
                department: r.drivers.department.as_deref(),
                cost: r.drivers.cost,
            },
            metrics: &r.metrics,
        }
    }
}

/// Serialise a record with all its evidence (for `#[serde(serialize_with)]`: `explain
/// --format json` shows the whole record).
pub fn serialize_all<S: serde::Serializer>(r: &CallRecord, s: S) -> Result<S::Ok, S::Error> {
    WireRecord::new(r, EvidenceLevel::All).serialize(s)
}

impl<'a> WireItem<'a> {
    fn new(i: &'a ItemResult, level: EvidenceLevel) -> WireItem<'a> {
        let keep = level.keeps_item(i.result, i.critical);
        WireItem {
            id: &i.id,
            result: i.result,
            reason: keep.then_some(i.reason.as_str()),
            evidence: keep.then_some(i.evidence.as_slice()),
            closest: if keep { &i.closest } else { &[] },
            na_missing_meta: &i.na_missing_meta,
        }
    }
}

impl<'a> WireDriver<'a> {
    fn new(d: &'a DriverHit, quotes: bool) -> WireDriver<'a> {
        WireDriver {
            id: &d.id,
            department: &d.department,
            hits: d.hits,
            evidence: quotes.then_some(d.evidence.as_slice()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_read_and_print_as_written() {
        for (s, l) in [
            ("all", EvidenceLevel::All),
            ("failed", EvidenceLevel::Failed),
            ("none", EvidenceLevel::None),
        ] {
            assert_eq!(s.parse::<EvidenceLevel>(), Ok(l));
            assert_eq!(l.as_str(), s);
            assert_eq!(serde_json::to_string(&l).unwrap(), format!("\"{s}\""));
        }
        let err = "Failed".parse::<EvidenceLevel>().unwrap_err();
        assert!(
            err.contains("'Failed'") && err.contains("all, failed or none"),
            "{err}"
        );
        assert_eq!(EvidenceLevel::default(), EvidenceLevel::Failed);
    }

    #[test]
    fn which_items_keep_their_reasons_at_each_level() {
        use Outcome::*;
        let all = [
            (Pass, false),
            (Fail, false),
            (Na, false),
            (Pass, true),
            (Fail, true),
            (Na, true),
        ];
        for (r, c) in all {
            assert!(EvidenceLevel::All.keeps_item(r, c));
            assert!(!EvidenceLevel::None.keeps_item(r, c));
            assert_eq!(
                EvidenceLevel::Failed.keeps_item(r, c),
                c || r == Fail,
                "{r:?} {c}"
            );
        }
        assert!(EvidenceLevel::All.keeps_quotes());
        assert!(EvidenceLevel::Failed.keeps_quotes());
        assert!(!EvidenceLevel::None.keeps_quotes());
    }
}
