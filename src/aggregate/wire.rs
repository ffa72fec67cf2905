//! The `aggregates.json` format (version [`FORMAT_VERSION`]) and its canonical form.
//!
//! In memory, agents are numbered in order of first appearance, which depends on the
//! order calls and runs were added. The file numbers them in sorted (team, agent) order
//! and sorts every list, so two aggregates with the same numbers are the same text —
//! the property the merge test checks.

use super::buckets::{AgentDay, DayAgg, DriverDay, HourStat, ItemDay, NO_DRIVER, QueueDay};
use super::contacts::{Candidate, Contact, ContactsWire, REPEAT_CANDIDATES};
use super::day::Day;
use super::pack::{AgentKey, PackAgg, PackMeta};
use super::sums::{EXAMPLES, Smallest, is_default};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version of the file format; `report` refuses other versions.
pub const FORMAT_VERSION: u32 = 1;

/// The whole file.
#[derive(Debug, Serialize, Deserialize)]
pub struct FileWire {
    /// Always `"aggregates"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// [`FORMAT_VERSION`].
    pub version: u32,
    /// One entry per rule pack (by hash).
    pub packs: Vec<PackWire>,
}

impl FileWire {
    /// The file of these packs, with its type and the current version.
    pub fn new(packs: Vec<PackWire>) -> FileWire {
        FileWire {
            kind: "aggregates".into(),
            version: FORMAT_VERSION,
            packs,
        }
    }
}

/// Just the envelope, to tell a wrong file from a damaged one.
#[derive(Debug, Deserialize)]
pub struct Envelope {
    /// `type`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// `version`.
    pub version: Option<serde_json::Value>,
}

/// One pack.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct PackWire {
    /// Identity and lists.
    pub pack: PackMeta,
    /// Inputs that could not be read.
    #[serde(default)]
    pub errors: u64,
    /// Contacts that did not fit the packing.
    #[serde(default, skip_serializing_if = "is_default")]
    pub contacts_dropped: u64,
    /// Agents, sorted; buckets refer to them by index.
    pub agents: Vec<AgentKey>,
    /// Days (`YYYY-MM-DD` or `unknown`).
    pub days: BTreeMap<Day, DayWire>,
    /// Customer contacts, sorted.
    pub contacts: ContactsWire,
    /// Contacts with the smallest call ids per agent / driver.
    #[serde(default)]
    pub repeat_examples: RepeatWire,
}

/// One day.
#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DayWire {
    /// `[hour, {calls, qa}]` for hours with calls.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hours: Vec<(u8, HourStat)>,
    /// `[agent index, numbers]`, by index.
    #[serde(default)]
    pub agents: Vec<(u32, AgentDay)>,
    /// By queue (`""`: none).
    #[serde(default)]
    pub queues: BTreeMap<String, QueueDay>,
    /// By primary driver id (`""`: none).
    #[serde(default)]
    pub drivers: BTreeMap<String, DriverDay>,
    /// `[item index, numbers]` for items with human results or failures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<(u32, ItemDay)>,
    /// Unusable `human_<item>` values.
    #[serde(default, skip_serializing_if = "is_default")]
    pub human_unreadable: u64,
}

/// Repeat-example candidates.
#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RepeatWire {
    /// `[agent index, candidates]`.
    pub agents: Vec<(u32, Smallest<Candidate>)>,
    /// By driver id (`""`: none).
    pub drivers: BTreeMap<String, Smallest<Candidate>>,
}

fn driver_key(meta: &PackMeta, d: u16) -> String {
    meta.driver_id(d).unwrap_or("").to_string()
}

/// The canonical file form of one pack (its contacts copied).
pub fn pack_to_wire(p: &PackAgg) -> PackWire {
    pack_to_wire_with(p, p.contacts.clone())
}

/// The canonical file form of one pack, its contacts moved, not copied: at the end of a
/// run of millions of calls they are the largest thing in memory.
pub fn pack_into_wire(mut p: PackAgg) -> PackWire {
    let contacts = std::mem::take(&mut p.contacts);
    pack_to_wire_with(&p, contacts)
}

/// The file form of `p` with `contacts` (the pack's own) renumbered and sorted in place.
fn pack_to_wire_with(p: &PackAgg, mut contacts: Vec<Contact>) -> PackWire {
    let mut order: Vec<u32> = (0..p.agents.len() as u32).collect();
    order.sort_by(|a, b| p.agents[*a as usize].cmp(&p.agents[*b as usize]));
    let mut new_index = vec![0u32; p.agents.len()];
    for (new, old) in order.iter().enumerate() {
        new_index[*old as usize] = new as u32;
    }
    let days = p
        .days
        .iter()
        .map(|(day, d)| {
            let mut agents: Vec<(u32, AgentDay)> = d
                .agents
                .iter()
                .map(|(i, a)| (new_index[*i as usize], a.clone()))
                .collect();
            agents.sort_by_key(|(i, _)| *i);
            let w = DayWire {
                hours: d
                    .hours
                    .iter()
                    .enumerate()
                    .filter(|(_, h)| h.calls > 0)
                    .map(|(i, h)| (i as u8, *h))
                    .collect(),
                agents,
                queues: d.queues.clone(),
                drivers: d
                    .drivers
                    .iter()
                    .map(|(k, v)| (driver_key(&p.meta, *k), v.clone()))
                    .collect(),
                items: d
                    .items
                    .iter()
                    .enumerate()
                    .filter(|(_, it)| !is_default(*it))
                    .map(|(i, it)| (i as u32, it.clone()))
                    .collect(),
                human_unreadable: d.human_unreadable,
            };
            (*day, w)
        })
        .collect();
    for c in &mut contacts {
        *c = c.with_agent(new_index[c.agent() as usize]);
    }
    contacts.sort_unstable();
    let mut ra: Vec<(u32, Smallest<Candidate>)> = p
        .repeat_agents
        .iter()
        .map(|(a, c)| (new_index[*a as usize], c.clone()))
        .collect();
    ra.sort_by_key(|(a, _)| *a);
    PackWire {
        pack: p.meta.clone(),
        errors: p.errors,
        contacts_dropped: p.contacts_dropped,
        agents: order
            .iter()
            .map(|i| p.agents[*i as usize].clone())
            .collect(),
        days,
        contacts: ContactsWire::new(contacts),
        repeat_examples: RepeatWire {
            agents: ra,
            drivers: p
                .repeat_drivers
                .iter()
                .map(|(d, c)| (driver_key(&p.meta, *d), c.clone()))
                .collect(),
        },
    }
}

/// The in-memory form of a pack read from a file; `Err` says what is inconsistent.
pub fn pack_from_wire(w: PackWire) -> Result<PackAgg, String> {
    let mut p = PackAgg::new(w.pack);
    p.errors = w.errors;
    p.contacts_dropped = w.contacts_dropped;
    for k in &w.agents {
        let before = p.agents.len();
        p.intern(&k.0, &k.1);
        if p.agents.len() == before {
            return Err(format!("agent {:?} of team {:?} is listed twice", k.1, k.0));
        }
    }
    let n_agents = p.agents.len() as u32;
    let (n_items, n_sections) = (p.meta.items.len(), p.meta.sections.len());
    let driver_of = |meta: &PackMeta, id: &str| -> Result<u16, String> {
        if id.is_empty() {
            return Ok(NO_DRIVER);
        }
        meta.drivers
            .iter()
            .position(|d| d.id == id)
            .filter(|i| *i < NO_DRIVER as usize)
            .map(|i| i as u16)
            .ok_or_else(|| format!("driver {id:?} is not in the pack's driver list"))
    };
    for (day, dw) in w.days {
        let mut d = DayAgg::new(n_items);
        for (h, s) in dw.hours {
            *d.hours
                .get_mut(h as usize)
                .ok_or_else(|| format!("{day}: hour {h} is not 0–23"))? = s;
        }
        for (i, a) in dw.agents {
            if i >= n_agents {
                return Err(format!("{day}: agent index {i} is beyond the agent list"));
            }
            if a.items.len() != n_items || a.sections.len() != n_sections {
                return Err(format!(
                    "{day}: an agent has {} item and {} section counts, the pack has {n_items} and {n_sections}",
                    a.items.len(),
                    a.sections.len()
                ));
            }
            if !a.failed.is_valid(EXAMPLES) || !a.low_csat.is_valid(EXAMPLES) {
                return Err(format!("{day}: example call ids are not sorted"));
            }
            d.agents.insert(i, a);
        }
        d.queues = dw.queues;
        for (id, v) in dw.drivers {
            d.drivers.insert(driver_of(&p.meta, &id)?, v);
        }
        for (i, it) in dw.items {
            *d.items
                .get_mut(i as usize)
                .ok_or_else(|| format!("{day}: item index {i} is beyond the item list"))? = it;
        }
        d.human_unreadable = dw.human_unreadable;
        p.days.insert(day, d);
    }
    if let Some(e) = w.contacts.damaged {
        return Err(e);
    }
    p.contacts = w.contacts.contacts;
    let n_drivers = p.meta.drivers.len();
    if let Some(c) = p.contacts.iter().find(|c| {
        c.agent() >= n_agents || (c.driver() != NO_DRIVER && c.driver() as usize >= n_drivers)
    }) {
        return Err(format!(
            "a contact refers to agent index {} or driver index {} beyond the lists",
            c.agent(),
            c.driver()
        ));
    }
    for (a, c) in w.repeat_examples.agents {
        if a >= n_agents || !c.is_valid(REPEAT_CANDIDATES) {
            return Err(format!("repeat examples of agent index {a} are not valid"));
        }
        p.repeat_agents.insert(a, c);
    }
    for (id, c) in w.repeat_examples.drivers {
        let d = driver_of(&p.meta, &id)?;
        if !c.is_valid(REPEAT_CANDIDATES) {
            return Err(format!("repeat examples of driver {id:?} are not valid"));
        }
        p.repeat_drivers.insert(d, c);
    }
    Ok(p)
}
