//! Repeat contacts (the FCR proxy): which first contacts were followed by another
//! contact of the same customer within N days.
//!
//! A customer's contacts in the period, in time order, form episodes: a contact opens an
//! episode (a *first contact*) unless it comes at most N days after the first contact of
//! the open episode, in which case it is a *repeat* of that episode. An episode whose
//! first contact had at least one repeat counts as *repeated* for the agent, the primary
//! driver and the day of its first contact. FCR = 1 − repeated / first contacts.

use crate::aggregate::{Candidate, Contact, Day, MINUTES_PER_DAY, NO_DRIVER, PackAgg, Smallest};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};

/// First contacts and how many of them were repeated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// First contacts.
    pub first: u64,
    /// First contacts followed by a repeat within N days.
    pub repeated: u64,
}

impl Counts {
    fn add(&mut self, repeated: bool) {
        self.first += 1;
        self.repeated += u64::from(repeated);
    }
}

/// Repeat counts by agent, driver and day of the first contact.
#[derive(Debug, Default)]
pub struct Repeats {
    /// By agent index.
    pub agents: HashMap<u32, Counts>,
    /// By driver index.
    pub drivers: HashMap<u16, Counts>,
    /// By day.
    pub days: BTreeMap<Day, Counts>,
    /// Repeated first contacts among the example candidates: (customer, minute).
    pub repeated_candidates: HashSet<(u64, u32)>,
    /// Contacts looked at.
    pub contacts: u64,
}

/// Scan the contacts that started within `[from, to]` (days) with a window of `n_days`.
/// Takes the contacts out of `p` (they are sorted in place). Customers are independent,
/// so the sorted contacts are cut at customer boundaries and scanned on all cores.
pub fn scan(p: &mut PackAgg, from: Day, to: Day, n_days: u32) -> Repeats {
    let lo = from.first_minute();
    let hi = to.plus(1).first_minute();
    let mut cs: Vec<Contact> = std::mem::take(&mut p.contacts);
    cs.retain(|c| (lo..hi).contains(&i64::from(c.minute())));
    cs.par_sort_unstable();
    let mut candidates: Vec<(u64, u32)> = p
        .repeat_agents
        .values()
        .chain(p.repeat_drivers.values())
        .flat_map(|s| s.0.iter().map(|c| (c.1, c.2)))
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    let shape = Shape {
        agents: p.agents.len(),
        days: usize::try_from(to.0.saturating_sub(from.0).saturating_add(1)).unwrap_or(0),
        from,
        window: i64::from(n_days) * MINUTES_PER_DAY,
    };
    let parts = cut_at_customers(&cs, 4 * rayon::current_num_threads().max(1));
    let partial: Vec<Partial> = parts
        .par_iter()
        .map(|part| scan_part(part, &shape, &candidates))
        .collect();
    let mut total = Partial::new(&shape);
    for q in partial {
        total.add(q);
    }
    let counts = |v: Vec<Counts>| v.into_iter().enumerate().filter(|(_, c)| c.first > 0);
    Repeats {
        agents: counts(total.agents).map(|(i, c)| (i as u32, c)).collect(),
        drivers: counts(total.drivers).map(|(i, c)| (i as u16, c)).collect(),
        days: counts(total.days)
            .map(|(i, c)| (from.plus(i as i32), c))
            .collect(),
        repeated_candidates: total.repeated.into_iter().collect(),
        contacts: cs.len() as u64,
    }
}

/// Sizes of the count tables of a scan.
struct Shape {
    agents: usize,
    days: usize,
    from: Day,
    window: i64,
}

/// Counts of one part of the contacts, indexed by agent, driver and day offset.
struct Partial {
    agents: Vec<Counts>,
    drivers: Vec<Counts>,
    days: Vec<Counts>,
    repeated: Vec<(u64, u32)>,
}

impl Partial {
    fn new(s: &Shape) -> Partial {
        Partial {
            agents: vec![Counts::default(); s.agents],
            drivers: vec![Counts::default(); usize::from(NO_DRIVER) + 1],
            days: vec![Counts::default(); s.days],
            repeated: Vec::new(),
        }
    }

    fn add(&mut self, o: Partial) {
        for (a, b) in [
            (&mut self.agents, o.agents),
            (&mut self.drivers, o.drivers),
            (&mut self.days, o.days),
        ] {
            for (x, y) in a.iter_mut().zip(b) {
                x.first += y.first;
                x.repeated += y.repeated;
            }
        }
        self.repeated.extend(o.repeated);
    }
}

/// Cut sorted contacts into about `n` slices, never splitting a customer.
fn cut_at_customers(cs: &[Contact], n: usize) -> Vec<&[Contact]> {
    let mut parts = Vec::with_capacity(n);
    let mut rest = cs;
    let size = cs.len().div_ceil(n).max(1);
    while rest.len() > size {
        let mut at = size;
        let cust = rest[at - 1].customer();
        while at < rest.len() && rest[at].customer() == cust {
            at += 1;
        }
        let (a, b) = rest.split_at(at);
        parts.push(a);
        rest = b;
    }
    parts.push(rest);
    parts
}

/// Episodes of one slice (whole customers only).
fn scan_part(cs: &[Contact], s: &Shape, candidates: &[(u64, u32)]) -> Partial {
    let mut q = Partial::new(s);
    let mut close = |first: Contact, repeated: bool| {
        let day = Day::of_minute(i64::from(first.minute())).0 - s.from.0;
        for c in [
            q.agents.get_mut(first.agent() as usize),
            q.drivers.get_mut(usize::from(first.driver())),
            usize::try_from(day).ok().and_then(|d| q.days.get_mut(d)),
        ]
        .into_iter()
        .flatten()
        {
            c.add(repeated);
        }
        let key = (first.customer(), first.minute());
        if repeated && candidates.binary_search(&key).is_ok() {
            q.repeated.push(key);
        }
    };
    let mut open: Option<(Contact, bool)> = None;
    for &c in cs {
        open = Some(match open {
            Some((first, _))
                if first.customer() == c.customer()
                    && i64::from(c.minute()) - i64::from(first.minute()) <= s.window =>
            {
                (first, true)
            }
            Some((first, repeated)) => {
                close(first, repeated);
                (c, false)
            }
            None => (c, false),
        });
    }
    if let Some((first, repeated)) = open {
        close(first, repeated);
    }
    q
}

/// Up to `k` call ids of repeated first contacts among a bucket's candidates, in the
/// period.
pub fn examples(
    cands: Option<&Smallest<Candidate>>,
    r: &Repeats,
    from: Day,
    to: Day,
    k: usize,
) -> Vec<String> {
    let (lo, hi) = (from.first_minute(), to.plus(1).first_minute());
    cands
        .map(|s| {
            s.0.iter()
                .filter(|c| (lo..hi).contains(&i64::from(c.2)))
                .filter(|c| r.repeated_candidates.contains(&(c.1, c.2)))
                .take(k)
                .map(|c| c.0.clone())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::{Aggregates, CallFacts};

    fn contact(cust: u64, day: &str, hour: i64, agent: &str, driver: &str, id: &str) -> CallFacts {
        let mut f = crate::aggregate::tests::facts(id, day, hour, "t", agent);
        f.customer = Some(cust);
        f.driver = Some(driver.into());
        f
    }

    fn scan_of(list: &[CallFacts], n: u32) -> (Repeats, PackAgg) {
        let mut a = Aggregates::for_meta(crate::aggregate::tests::test_meta("h", "1"));
        for f in list {
            a.add(f);
        }
        let mut p = a.packs.into_values().next().unwrap();
        let from = Day::parse("2026-11-01").unwrap();
        let to = Day::parse("2026-11-30").unwrap();
        (scan(&mut p, from, to, n), p)
    }

    #[test]
    fn repeats_inside_and_outside_the_window() {
        let list = [
            // customer 1: day 2 (ann), again day 9 = 7 days later → repeat of day 2's
            // contact (window 7 days, inclusive); day 17 is 15 days after the first →
            // a new first contact, never repeated.
            contact(1, "2026-11-02", 10, "ann", "billing/refund", "c1"),
            contact(1, "2026-11-09", 10, "bob", "tech/outage", "c2"),
            contact(1, "2026-11-17", 10, "bob", "tech/outage", "c3"),
            // customer 2: 8 days apart (plus an hour) → two first contacts, no repeat.
            contact(2, "2026-11-02", 9, "ann", "billing/refund", "c4"),
            contact(2, "2026-11-10", 10, "ann", "billing/refund", "c5"),
            // customer 3: twice the same day → repeat, attributed to the first (bob).
            contact(3, "2026-11-05", 8, "bob", "tech/outage", "c6"),
            contact(3, "2026-11-05", 15, "ann", "billing/refund", "c7"),
        ];
        let (r, p) = scan_of(&list, 7);
        let idx = |name: &str| p.agents.iter().position(|k| k.agent() == name).unwrap() as u32;
        assert_eq!(r.contacts, 7);
        // first contacts: c1, c3, c4, c5, c6 = 5; repeated: c1, c6.
        assert_eq!(
            r.agents[&idx("ann")],
            Counts {
                first: 3,
                repeated: 1
            }
        ); // c1, c4, c5
        assert_eq!(
            r.agents[&idx("bob")],
            Counts {
                first: 2,
                repeated: 1
            }
        ); // c3, c6
        assert_eq!(
            r.drivers[&0],
            Counts {
                first: 3,
                repeated: 1
            }
        ); // billing/refund
        assert_eq!(
            r.drivers[&1],
            Counts {
                first: 2,
                repeated: 1
            }
        );
        assert_eq!(
            r.days[&Day::parse("2026-11-02").unwrap()],
            Counts {
                first: 2,
                repeated: 1
            }
        );
        let (from, to) = (
            Day::parse("2026-11-01").unwrap(),
            Day::parse("2026-11-30").unwrap(),
        );
        assert_eq!(
            examples(p.repeat_agents.get(&idx("ann")), &r, from, to, 3),
            ["c1"]
        );
        assert_eq!(
            examples(p.repeat_agents.get(&idx("bob")), &r, from, to, 3),
            ["c6"]
        );

        // a 6-day window: customer 1's day-9 contact is no longer a repeat.
        let (r6, _) = scan_of(&list, 6);
        assert_eq!(
            r6.agents[&idx("ann")],
            Counts {
                first: 3,
                repeated: 0
            }
        );
        assert_eq!(
            r6.agents[&idx("bob")],
            Counts {
                first: 3,
                repeated: 1
            }
        );
    }

    #[test]
    fn cuts_keep_each_customer_in_one_part() {
        let cs: Vec<Contact> = (0..1000u64)
            .map(|i| Contact::new(i / 7, i as i64, 0, 0).unwrap())
            .collect();
        for n in [1, 3, 8, 2000] {
            let parts = cut_at_customers(&cs, n);
            assert_eq!(parts.concat(), cs, "{n} parts cover everything in order");
            for w in parts.windows(2) {
                if let (Some(a), Some(b)) = (w[0].last(), w[1].first()) {
                    assert_ne!(a.customer(), b.customer(), "{n}");
                }
            }
        }
    }
}
