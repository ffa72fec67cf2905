//! One day's buckets: per agent, queue, primary driver, item and hour of day.
//!
//! Teams, departments and whole days are not stored: they are sums of agents and drivers
//! (an agent-day knows its team; a driver its department through the pack), which keeps
//! the file small and the numbers consistent with each other by construction.

use super::sums::{
    EXAMPLES, NpsCounts, PairSums, SelfSums, SentimentSums, Smallest, Stat, is_default,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Driver index of calls without a primary driver.
pub const NO_DRIVER: u16 = 0xFFF;

/// One agent on one day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AgentDay {
    /// Calls.
    pub calls: u64,
    /// QA score (thousandths).
    #[serde(default, skip_serializing_if = "is_default")]
    pub qa: Stat,
    /// Auto-failed calls.
    #[serde(default, skip_serializing_if = "is_default")]
    pub auto_fails: u64,
    /// Per section (pack order): score sums (thousandths).
    #[serde(default)]
    pub sections: Vec<Stat>,
    /// Per item (pack order): `[applicable, fails]`.
    #[serde(default)]
    pub items: Vec<[u64; 2]>,
    /// CSAT (thousandths).
    #[serde(default, skip_serializing_if = "is_default")]
    pub csat: Stat,
    /// NPS answers.
    #[serde(default, skip_serializing_if = "is_default")]
    pub nps: NpsCounts,
    /// Handle time, ms.
    #[serde(default, skip_serializing_if = "is_default")]
    pub aht: Stat,
    /// Cost (millionths).
    #[serde(default, skip_serializing_if = "is_default")]
    pub cost: Stat,
    /// Auto vs human QA score of calls with both.
    #[serde(default, skip_serializing_if = "is_default")]
    pub human: PairSums,
    /// Self-score vs auto score of calls with both.
    #[serde(default, skip_serializing_if = "is_default", rename = "self")]
    pub self_score: SelfSums,
    /// Customer sentiment start → end.
    #[serde(default, skip_serializing_if = "is_default")]
    pub sentiment: SentimentSums,
    /// Smallest ids of calls with a failed item.
    #[serde(default, skip_serializing_if = "is_default")]
    pub failed: Smallest<String>,
    /// Smallest ids of calls with CSAT ≤ 2.
    #[serde(default, skip_serializing_if = "is_default")]
    pub low_csat: Smallest<String>,
}

impl AgentDay {
    /// Empty, sized for the pack.
    pub fn new(items: usize, sections: usize) -> AgentDay {
        AgentDay {
            sections: vec![Stat::default(); sections],
            items: vec![[0, 0]; items],
            ..AgentDay::default()
        }
    }

    /// Add another's counts (same pack).
    pub fn merge(&mut self, o: &AgentDay) {
        self.calls += o.calls;
        self.qa.merge(&o.qa);
        self.auto_fails += o.auto_fails;
        for (a, b) in self.sections.iter_mut().zip(&o.sections) {
            a.merge(b);
        }
        for (a, b) in self.items.iter_mut().zip(&o.items) {
            a[0] += b[0];
            a[1] += b[1];
        }
        self.csat.merge(&o.csat);
        self.nps.merge(&o.nps);
        self.aht.merge(&o.aht);
        self.cost.merge(&o.cost);
        self.human.merge(&o.human);
        self.self_score.merge(&o.self_score);
        self.sentiment.merge(&o.sentiment);
        self.failed.merge(&o.failed, EXAMPLES);
        self.low_csat.merge(&o.low_csat, EXAMPLES);
    }
}

/// One queue on one day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueDay {
    /// Calls.
    pub calls: u64,
    /// QA score (thousandths).
    #[serde(default, skip_serializing_if = "is_default")]
    pub qa: Stat,
    /// Auto-failed calls.
    #[serde(default, skip_serializing_if = "is_default")]
    pub auto_fails: u64,
    /// Handle time, ms.
    #[serde(default, skip_serializing_if = "is_default")]
    pub aht: Stat,
}

impl QueueDay {
    /// Add another's counts.
    pub fn merge(&mut self, o: &QueueDay) {
        self.calls += o.calls;
        self.qa.merge(&o.qa);
        self.auto_fails += o.auto_fails;
        self.aht.merge(&o.aht);
    }
}

/// One primary driver on one day.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DriverDay {
    /// Calls.
    pub calls: u64,
    /// Cost (millionths).
    #[serde(default, skip_serializing_if = "is_default")]
    pub cost: Stat,
    /// Handle time, ms.
    #[serde(default, skip_serializing_if = "is_default")]
    pub aht: Stat,
    /// Customer sentiment start → end.
    #[serde(default, skip_serializing_if = "is_default")]
    pub sentiment: SentimentSums,
    /// Smallest call ids.
    #[serde(default, skip_serializing_if = "is_default")]
    pub examples: Smallest<String>,
}

impl DriverDay {
    /// Add another's counts.
    pub fn merge(&mut self, o: &DriverDay) {
        self.calls += o.calls;
        self.cost.merge(&o.cost);
        self.aht.merge(&o.aht);
        self.sentiment.merge(&o.sentiment);
        self.examples.merge(&o.examples, EXAMPLES);
    }
}

/// One item on one day: human agreement and failed examples (its pass / fail counts are
/// the sum of its agents').
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ItemDay {
    /// Auto vs human results `[both fail, auto fail & human pass, auto pass & human
    /// fail, both pass]`.
    #[serde(default, skip_serializing_if = "is_default")]
    pub calib: [u64; 4],
    /// Smallest ids of calls that failed the item.
    #[serde(default, skip_serializing_if = "is_default")]
    pub failed: Smallest<String>,
}

impl ItemDay {
    /// Add another's counts.
    pub fn merge(&mut self, o: &ItemDay) {
        for (a, b) in self.calib.iter_mut().zip(o.calib) {
            *a += b;
        }
        self.failed.merge(&o.failed, EXAMPLES);
    }
}

/// Calls that started in one hour of the day (UTC).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct HourStat {
    /// Calls.
    pub calls: u64,
    /// QA score (thousandths).
    #[serde(default, skip_serializing_if = "is_default")]
    pub qa: Stat,
}

/// Everything of one day. Agents are keyed by their index in the pack's agent list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DayAgg {
    /// By UTC hour of the start.
    pub hours: [HourStat; 24],
    /// By agent index.
    pub agents: BTreeMap<u32, AgentDay>,
    /// By queue (`""`: no queue).
    pub queues: BTreeMap<String, QueueDay>,
    /// By primary driver index ([`NO_DRIVER`]: none).
    pub drivers: BTreeMap<u16, DriverDay>,
    /// By item (pack order).
    pub items: Vec<ItemDay>,
    /// `human_<item>` values that could not be used (unknown item, unreadable value).
    pub human_unreadable: u64,
}

impl DayAgg {
    /// Empty, sized for the pack.
    pub fn new(items: usize) -> DayAgg {
        DayAgg {
            items: vec![ItemDay::default(); items],
            ..DayAgg::default()
        }
    }

    /// Add another day's counts; `agent_map[i]` is this pack's index of the other's agent `i`.
    pub fn merge(&mut self, o: &DayAgg, agent_map: &[u32]) {
        for (a, b) in self.hours.iter_mut().zip(&o.hours) {
            a.calls += b.calls;
            a.qa.merge(&b.qa);
        }
        for (i, a) in &o.agents {
            let idx = agent_map[*i as usize];
            match self.agents.get_mut(&idx) {
                Some(mine) => mine.merge(a),
                None => {
                    self.agents.insert(idx, a.clone());
                }
            }
        }
        for (q, v) in &o.queues {
            self.queues.entry(q.clone()).or_default().merge(v);
        }
        for (d, v) in &o.drivers {
            self.drivers.entry(*d).or_default().merge(v);
        }
        for (a, b) in self.items.iter_mut().zip(&o.items) {
            a.merge(b);
        }
        self.human_unreadable += o.human_unreadable;
    }

    /// Calls of the day (sum over agents).
    pub fn calls(&self) -> u64 {
        self.agents.values().map(|a| a.calls).sum()
    }
}
