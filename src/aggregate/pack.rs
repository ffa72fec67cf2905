//! The aggregates of one rule pack: its item / section / driver lists and every bucket
//! of every day, plus the customer contacts.

use super::buckets::{AgentDay, DayAgg, NO_DRIVER};
use super::contacts::{Candidate, Contact, REPEAT_CANDIDATES};
use super::day::{Day, MINUTES_PER_DAY};
use super::facts::CallFacts;
use super::sums::{EXAMPLES, Smallest};
use crate::record::Outcome;
use crate::rules::Pack;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// The pack's identity and the lists its numbers are indexed by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PackMeta {
    /// Pack name.
    pub name: String,
    /// Pack version.
    pub version: String,
    /// SHA-256 of the pack's files.
    pub hash: String,
    /// Scorecard items in pack order.
    pub items: Vec<ItemMeta>,
    /// Sections in pack order.
    pub sections: Vec<String>,
    /// Drivers in pack order.
    pub drivers: Vec<DriverMeta>,
    /// Departments in pack order.
    pub departments: Vec<NamedMeta>,
}

/// A scorecard item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemMeta {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Section id.
    pub section: String,
    /// Critical (auto-fails the call).
    pub critical: bool,
    /// Weight.
    pub weight: f64,
}

/// A driver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriverMeta {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Department id.
    pub department: String,
}

/// A department.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedMeta {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
}

impl PackMeta {
    /// The lists of a compiled pack.
    pub fn of(pack: &Pack) -> PackMeta {
        PackMeta {
            name: pack.info.name.clone(),
            version: pack.info.version.clone(),
            hash: pack.hash.clone(),
            items: pack
                .items
                .iter()
                .map(|i| ItemMeta {
                    id: i.id.clone(),
                    name: i.name.clone(),
                    section: i.section.clone(),
                    critical: i.critical,
                    weight: i.weight,
                })
                .collect(),
            sections: pack.sections.clone(),
            drivers: pack
                .drivers
                .iter()
                .map(|d| DriverMeta {
                    id: d.id.clone(),
                    name: d.name.clone(),
                    department: pack
                        .departments
                        .get(d.department as usize)
                        .map(|x| x.id.clone())
                        .unwrap_or_default(),
                })
                .collect(),
            departments: pack
                .departments
                .iter()
                .map(|d| NamedMeta {
                    id: d.id.clone(),
                    name: d.name.clone(),
                })
                .collect(),
        }
    }

    /// `name version (hash12)`.
    pub fn label(&self) -> String {
        format!(
            "{} {} ({})",
            self.name,
            self.version,
            self.hash.get(..12).unwrap_or(&self.hash)
        )
    }

    /// A driver's id (`None` for [`NO_DRIVER`]).
    pub fn driver_id(&self, d: u16) -> Option<&str> {
        self.drivers.get(d as usize).map(|x| x.id.as_str())
    }
}

/// Team and agent (`""` when the call's metadata has none).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct AgentKey(pub String, pub String);

impl AgentKey {
    /// Team.
    pub fn team(&self) -> &str {
        &self.0
    }

    /// Agent.
    pub fn agent(&self) -> &str {
        &self.1
    }
}

/// All numbers of one pack.
#[derive(Debug, Clone)]
pub struct PackAgg {
    /// The pack.
    pub meta: PackMeta,
    /// Inputs that could not be read (no date: see `docs/dashboard.md`).
    pub errors: u64,
    /// Contacts not kept because their start or agent index does not fit the packing.
    pub contacts_dropped: u64,
    /// Agents in order of first appearance; buckets refer to them by index.
    pub agents: Vec<AgentKey>,
    agent_index: HashMap<String, HashMap<String, u32>>,
    /// Days.
    pub days: BTreeMap<Day, DayAgg>,
    /// Customer contacts (any order; the file and `report` sort them).
    pub contacts: Vec<Contact>,
    /// Per agent index: contacts with the smallest call ids.
    pub repeat_agents: BTreeMap<u32, Smallest<Candidate>>,
    /// Per driver index: contacts with the smallest call ids.
    pub repeat_drivers: BTreeMap<u16, Smallest<Candidate>>,
    item_index: HashMap<String, usize>,
    driver_index: HashMap<String, u16>,
    /// Position in `meta.sections` of the record's n-th section (records list sections
    /// sorted by id).
    section_of_sorted: Vec<usize>,
}

impl PartialEq for PackAgg {
    /// Same numbers (used by tests; files compare by their canonical text).
    fn eq(&self, o: &PackAgg) -> bool {
        super::wire::pack_to_wire(self) == super::wire::pack_to_wire(o)
    }
}

impl PackAgg {
    /// Empty aggregates of a pack.
    pub fn new(meta: PackMeta) -> PackAgg {
        let item_index = meta
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| (it.id.clone(), i))
            .collect();
        let driver_index = meta
            .drivers
            .iter()
            .enumerate()
            .filter(|(i, _)| *i < NO_DRIVER as usize)
            .map(|(i, d)| (d.id.clone(), i as u16))
            .collect();
        let mut sorted: Vec<usize> = (0..meta.sections.len()).collect();
        sorted.sort_by(|a, b| meta.sections[*a].cmp(&meta.sections[*b]));
        PackAgg {
            meta,
            errors: 0,
            contacts_dropped: 0,
            agents: Vec::new(),
            agent_index: HashMap::new(),
            days: BTreeMap::new(),
            contacts: Vec::new(),
            repeat_agents: BTreeMap::new(),
            repeat_drivers: BTreeMap::new(),
            item_index,
            driver_index,
            section_of_sorted: sorted,
        }
    }

    /// The index of an agent, added if new.
    pub fn intern(&mut self, team: &str, agent: &str) -> u32 {
        if let Some(i) = self.agent_index.get(team).and_then(|m| m.get(agent)) {
            return *i;
        }
        let i = self.agents.len() as u32;
        self.agents
            .push(AgentKey(team.to_string(), agent.to_string()));
        self.agent_index
            .entry(team.to_string())
            .or_default()
            .insert(agent.to_string(), i);
        i
    }

    /// The index of an item id.
    pub fn item_index(&self, id: &str) -> Option<usize> {
        self.item_index.get(id).copied()
    }

    /// Count one call.
    pub fn add(&mut self, f: &CallFacts) {
        let day = f.minute.map_or(Day::UNKNOWN, Day::of_minute);
        let agent = self.intern(
            f.team.as_deref().unwrap_or(""),
            f.agent.as_deref().unwrap_or(""),
        );
        let driver = f
            .driver
            .as_deref()
            .and_then(|d| self.driver_index.get(d).copied())
            .unwrap_or(NO_DRIVER);
        let (n_items, n_sections) = (self.meta.items.len(), self.meta.sections.len());
        let items_fit = f.items.len() == n_items;
        let d = self.days.entry(day).or_insert_with(|| DayAgg::new(n_items));
        if let Some(m) = f.minute.filter(|_| day.is_known()) {
            let h = &mut d.hours[(m.rem_euclid(MINUTES_PER_DAY) / 60) as usize];
            h.calls += 1;
            h.qa.add_opt(f.qa);
        }
        let a = d
            .agents
            .entry(agent)
            .or_insert_with(|| AgentDay::new(n_items, n_sections));
        a.calls += 1;
        a.qa.add_opt(f.qa);
        a.auto_fails += u64::from(f.auto_fail);
        if f.sections.len() == n_sections {
            for (k, s) in f.sections.iter().enumerate() {
                a.sections[self.section_of_sorted[k]].add_opt(*s);
            }
        }
        if items_fit {
            let mut any_fail = false;
            for (i, o) in f.items.iter().enumerate() {
                match o {
                    Outcome::Pass => a.items[i][0] += 1,
                    Outcome::Fail => {
                        a.items[i][0] += 1;
                        a.items[i][1] += 1;
                        any_fail = true;
                        d.items[i].failed.offer_str(&f.call_id, EXAMPLES);
                    }
                    Outcome::Na => {}
                }
            }
            if any_fail {
                a.failed.offer_str(&f.call_id, EXAMPLES);
            }
        }
        a.csat.add_opt(f.csat);
        if f.csat.is_some_and(|c| c <= 2_000) {
            a.low_csat.offer_str(&f.call_id, EXAMPLES);
        }
        if let Some(n) = f.nps {
            a.nps.add(n);
        }
        let aht = f.handle_ms.and_then(|ms| i64::try_from(ms).ok());
        a.aht.add_opt(aht);
        a.cost.add_opt(f.cost);
        if let (Some(q), Some(h)) = (f.qa, f.human_qa) {
            a.human.add(q, h);
        }
        if let (Some(q), Some(s)) = (f.qa, f.self_score) {
            a.self_score.0 += 1;
            a.self_score.1 += s;
            a.self_score.2 += q;
        }
        if let Some((s, e)) = f.sentiment {
            a.sentiment.add(s, e);
        }
        let q = d
            .queues
            .entry(f.queue.clone().unwrap_or_default())
            .or_default();
        q.calls += 1;
        q.qa.add_opt(f.qa);
        q.auto_fails += u64::from(f.auto_fail);
        q.aht.add_opt(aht);
        let dr = d.drivers.entry(driver).or_default();
        dr.calls += 1;
        dr.cost.add_opt(f.cost);
        dr.aht.add_opt(aht);
        if let Some((s, e)) = f.sentiment {
            dr.sentiment.add(s, e);
        }
        dr.examples.offer_str(&f.call_id, EXAMPLES);
        d.human_unreadable += u64::from(f.human_unreadable);
        for (id, human) in &f.human_items {
            let idx = self
                .item_index
                .get(id.as_str())
                .or_else(|| self.item_index.get(id.to_ascii_lowercase().as_str()))
                .copied();
            let auto = idx.filter(|_| items_fit).map(|i| (i, f.items[i]));
            match (auto, human) {
                (None, _) => d.human_unreadable += 1,
                (Some((i, auto)), human) => {
                    let cell = match (auto, human) {
                        (Outcome::Fail, Outcome::Fail) => 0,
                        (Outcome::Fail, Outcome::Pass) => 1,
                        (Outcome::Pass, Outcome::Fail) => 2,
                        (Outcome::Pass, Outcome::Pass) => 3,
                        _ => continue,
                    };
                    d.items[i].calib[cell] += 1;
                }
            }
        }
        if let (Some(cust), Some(m)) = (f.customer, f.minute) {
            match Contact::new(cust, m, agent, driver) {
                Some(c) => {
                    self.contacts.push(c);
                    let cand = Candidate(f.call_id.clone(), cust, c.minute());
                    self.repeat_agents
                        .entry(agent)
                        .or_default()
                        .offer(&cand, REPEAT_CANDIDATES);
                    self.repeat_drivers
                        .entry(driver)
                        .or_default()
                        .offer(&cand, REPEAT_CANDIDATES);
                }
                None => self.contacts_dropped += 1,
            }
        }
    }

    /// Add the numbers of another aggregate of the same pack (moved, not copied).
    pub fn merge(&mut self, o: PackAgg) {
        self.errors += o.errors;
        self.contacts_dropped += o.contacts_dropped;
        let map: Vec<u32> = o.agents.iter().map(|k| self.intern(&k.0, &k.1)).collect();
        let n_items = self.meta.items.len();
        for (day, mut od) in o.days {
            match self.days.get_mut(&day) {
                Some(mine) => mine.merge(&od, &map),
                None => {
                    od.agents = std::mem::take(&mut od.agents)
                        .into_iter()
                        .map(|(i, a)| (map[i as usize], a))
                        .collect();
                    debug_assert_eq!(od.items.len(), n_items);
                    self.days.insert(day, od);
                }
            }
        }
        self.contacts.reserve(o.contacts.len());
        self.contacts.extend(
            o.contacts
                .iter()
                .map(|c| c.with_agent(map[c.agent() as usize])),
        );
        for (a, c) in &o.repeat_agents {
            self.repeat_agents
                .entry(map[*a as usize])
                .or_default()
                .merge(c, REPEAT_CANDIDATES);
        }
        for (d, c) in &o.repeat_drivers {
            self.repeat_drivers
                .entry(*d)
                .or_default()
                .merge(c, REPEAT_CANDIDATES);
        }
    }

    /// The same numbers indexed by another pack's lists (`--pack all`): items, sections
    /// and drivers are matched by id; those `target` lacks are dropped.
    pub fn reindexed(self, target: &PackMeta) -> PackAgg {
        let pos = |ids: Vec<&str>, of: Vec<&str>| -> Vec<Option<usize>> {
            ids.iter()
                .map(|id| of.iter().position(|t| t == id))
                .collect()
        };
        let item_map = pos(
            self.meta.items.iter().map(|i| i.id.as_str()).collect(),
            target.items.iter().map(|i| i.id.as_str()).collect(),
        );
        let section_map = pos(
            self.meta.sections.iter().map(String::as_str).collect(),
            target.sections.iter().map(String::as_str).collect(),
        );
        let driver_map: Vec<u16> = pos(
            self.meta.drivers.iter().map(|d| d.id.as_str()).collect(),
            target.drivers.iter().map(|d| d.id.as_str()).collect(),
        )
        .into_iter()
        .map(|p| {
            p.filter(|p| *p < NO_DRIVER as usize)
                .map_or(NO_DRIVER, |p| p as u16)
        })
        .collect();
        let driver = |d: u16| driver_map.get(d as usize).copied().unwrap_or(NO_DRIVER);
        let (n_items, n_sections) = (target.items.len(), target.sections.len());
        let mut out = PackAgg::new(target.clone());
        out.errors = self.errors;
        out.contacts_dropped = self.contacts_dropped;
        for k in &self.agents {
            out.intern(&k.0, &k.1);
        }
        for (day, d) in self.days {
            let mut nd = DayAgg::new(n_items);
            nd.hours = d.hours;
            nd.queues = d.queues;
            nd.human_unreadable = d.human_unreadable;
            for (i, mut a) in d.agents {
                let mut items = vec![[0, 0]; n_items];
                for (k, v) in a.items.iter().enumerate() {
                    if let Some(t) = item_map[k] {
                        items[t] = *v;
                    }
                }
                let mut sections = vec![Default::default(); n_sections];
                for (k, v) in a.sections.iter().enumerate() {
                    if let Some(t) = section_map[k] {
                        sections[t] = *v;
                    }
                }
                a.items = items;
                a.sections = sections;
                nd.agents.insert(i, a);
            }
            for (k, v) in d.drivers {
                nd.drivers.entry(driver(k)).or_default().merge(&v);
            }
            for (k, v) in d.items.into_iter().enumerate() {
                if let Some(t) = item_map[k] {
                    nd.items[t] = v;
                }
            }
            out.days.insert(day, nd);
        }
        out.contacts = self
            .contacts
            .iter()
            .map(|c| c.with_driver(driver(c.driver())))
            .collect();
        out.repeat_agents = self.repeat_agents;
        for (d, c) in self.repeat_drivers {
            out.repeat_drivers
                .entry(driver(d))
                .or_default()
                .merge(&c, REPEAT_CANDIDATES);
        }
        out
    }

    /// Dated days (the unknown day left out).
    pub fn known_days(&self) -> impl Iterator<Item = Day> + '_ {
        self.days.keys().copied().filter(|d| d.is_known())
    }
}
