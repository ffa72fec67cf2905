//! A generated call as the generator plans it: each item's planted result and how it
//! was planted, the metadata, the turns; the truth file and the writers read it.

use super::*;

/// Result of one item in the truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Res {
    /// Passed.
    Pass,
    /// Failed.
    Fail,
    /// Not applicable.
    Na,
}

impl Res {
    /// `pass`, `fail` or `n/a` (as in calls.jsonl).
    pub fn as_str(self) -> &'static str {
        match self {
            Res::Pass => "pass",
            Res::Fail => "fail",
            Res::Na => "n/a",
        }
    }
}

/// How an item was planted (recorded in the truth file for debugging).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum V {
    Pass,
    Absent,
    Late,
    Speaker,
    Far,
    Reversed,
    NoConfirm,
    NoAsk,
    Said,
    CustomerSaid,
    Count(u8),
    Hold(bool),
    NoHold,
    NotApplicable,
}

impl V {
    pub(crate) fn name(self) -> &'static str {
        match self {
            V::Pass => "pass",
            V::Absent => "absent",
            V::Late => "outside_window",
            V::Speaker => "wrong_speaker",
            V::Far => "too_far_apart",
            V::Reversed => "wrong_order",
            V::NoConfirm => "no_confirmation",
            V::NoAsk => "no_ask",
            V::Said => "said",
            V::CustomerSaid => "said_by_customer",
            V::Count(0) => "count_0",
            V::Count(1) => "count_1",
            V::Count(2) => "count_2",
            V::Count(_) => "count_3",
            V::Hold(true) => "hold_thanked",
            V::Hold(false) => "hold_not_thanked",
            V::NoHold => "no_hold",
            V::NotApplicable => "not_applicable",
        }
    }
}

/// Metadata of a generated call.
#[derive(Debug, Clone)]
pub(crate) struct Meta {
    pub agent: &'static str,
    pub team: &'static str,
    pub queue: &'static str,
    pub channel: &'static str,
    /// Epoch seconds.
    pub started: i64,
    pub customer_id: String,
    pub csat: Option<u8>,
    pub nps: Option<u8>,
    pub human_qa: u8,
    pub self_score: u8,
}

/// One generated turn.
#[derive(Debug, Clone)]
pub(crate) struct GTurn {
    pub agent: bool,
    pub text: String,
    pub start_ms: u64,
    pub end_ms: u64,
}

/// One generated call with its truth.
#[derive(Debug, Clone)]
pub(crate) struct GenCall {
    pub index: u64,
    pub id: String,
    pub lang: Lang,
    pub format: Format,
    pub meta: Meta,
    pub turns: Vec<GTurn>,
    /// Per core item (order of [`CORE_ITEMS`]): result and how it was planted.
    pub items: [(Res, V); 11],
    /// Driver indexes found, in pack order.
    pub drivers: Vec<usize>,
    /// Primary driver index.
    pub primary: Option<usize>,
    /// Whether plain text gets timestamps (plain_text only).
    pub stamped: bool,
}
