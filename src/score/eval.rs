//! Evaluate compiled conditions on a call's hits.
//!
//! A leaf's hits are filtered by its scope (speaker, window) and counted against
//! `min_count`; combinators combine the results. Evidence travels up as hit references
//! so the record can quote what was said.

use crate::matcher::{Hit, Scan, WordIndex, words_between};
use crate::rules::Pack;
use crate::rules::model::Window;
use crate::rules::pack::{Cond, Leaf, LeafId, LeafKind};
use crate::transcript::Call;

/// A hit that supports a result: which leaf, which hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HitRef {
    /// Leaf id.
    pub leaf: LeafId,
    /// Index into the leaf's hits.
    pub index: u32,
}

/// Result of a condition: does it hold, and what supports it.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Whether it holds.
    pub holds: bool,
    /// Hits that made it hold (for `not`, the hits that made the inner fail are not kept).
    pub evidence: Vec<HitRef>,
    /// What it adds to a driver's score: the number of its hits (`evidence.len()`), except
    /// that a weighted condition that holds adds its weight instead of its hits (0 when it
    /// does not hold). The primary driver of a call is the one with the highest score.
    pub score: f64,
}

/// Everything evaluation needs about one call.
pub struct EvalCtx<'a> {
    /// The pack.
    pub pack: &'a Pack,
    /// The call.
    pub call: &'a Call,
    /// Its scan.
    pub scan: &'a Scan,
    /// Which drivers were found.
    pub drivers: Vec<bool>,
    /// Items already decided: Some(true) passed.
    pub item_passed: Vec<Option<bool>>,
    /// Items already decided n/a for lack of metadata: the keys the call lacked
    /// (so an item that applies only when such an item passed can say why too).
    pub item_missing_meta: Vec<Vec<String>>,
    /// Language of the call.
    pub language: String,
    call_start: u64,
    call_end: u64,
}

/// A found driver's score, as the primary driver is chosen by: its `when`'s score, or
/// one hit when it holds without one (metadata alone).
pub fn driver_score(o: &Outcome) -> f64 {
    if o.score > 0.0 { o.score } else { 1.0 }
}

impl<'a> EvalCtx<'a> {
    /// Context for `call` scanned into `scan`.
    pub fn new(pack: &'a Pack, call: &'a Call, scan: &'a Scan) -> Self {
        // Turn times are relative to the start of the call (the recording, or the first
        // message): a greeting 40 s into the recording is 40 s into the call, even if
        // an IVR or ringing came first.
        let call_start = 0;
        let call_end = call
            .turns
            .iter()
            .filter_map(|t| t.end_ms.or(t.start_ms))
            .max()
            .unwrap_or(call_start);
        EvalCtx {
            pack,
            call,
            scan,
            drivers: vec![false; pack.drivers.len()],
            item_passed: vec![None; pack.items.len()],
            item_missing_meta: vec![Vec::new(); pack.items.len()],
            language: call.language(),
            call_start,
            call_end,
        }
    }

    /// Find the call's drivers, in dependency order (a driver may require another), and
    /// record which hold in [`EvalCtx::drivers`]. Returns each driver's outcome, indexed
    /// in pack order.
    pub fn find_drivers(&mut self) -> Vec<Outcome> {
        let mut outcomes = vec![Outcome::default(); self.pack.drivers.len()];
        for &di in &self.pack.driver_order {
            let d = &self.pack.drivers[di as usize];
            let mut o = self.eval(&d.when);
            // `min_score`: weak evidence alone (a phrase also said for other reasons) does
            // not make a driver; the score is the one that picks the primary driver.
            if o.holds && driver_score(&o) < d.min_score {
                o = Outcome::default();
            }
            self.drivers[di as usize] = o.holds;
            outcomes[di as usize] = o;
        }
        outcomes
    }

    /// Whether turn `t` is inside the leaf's scope.
    pub fn in_scope(&self, leaf: &Leaf, t: usize) -> bool {
        let turn = &self.call.turns[t];
        if let Some(s) = leaf.speaker
            && turn.speaker != s
        {
            return false;
        }
        match leaf.window {
            None => true,
            Some(w) => self.in_window(w, t),
        }
    }

    /// Why a hit in turn `t` does not count for `leaf`, or `None` when the turn is in
    /// the leaf's scope. One wording for `closest` evidence and `explain`'s tags.
    pub fn out_of_scope(&self, leaf: &Leaf, t: usize) -> Option<String> {
        let said_by = self.call.turns[t].speaker;
        match leaf.speaker {
            Some(s) if s != said_by => Some(format!(
                "said by the {}, not the {}",
                said_by.as_str(),
                s.as_str()
            )),
            _ if leaf.window.is_some_and(|w| !self.in_window(w, t)) => {
                Some("outside the window".to_string())
            }
            _ => None,
        }
    }

    /// Whether turn `t` is in window `w`: `first_*` windows test the turn's start,
    /// `last_*` windows its end.
    pub fn in_window(&self, w: Window, t: usize) -> bool {
        let turn = &self.call.turns[t];
        let start = turn
            .start_ms
            .unwrap_or(self.call_start)
            .saturating_sub(self.call_start);
        let end = turn.end_ms.or(turn.start_ms).unwrap_or(self.call_start);
        let from_end = self.call_end.saturating_sub(end);
        let duration = (self.call_end - self.call_start) as f64;
        let n = self.call.turns.len();
        match w {
            Window::FirstSeconds(s) => start as f64 <= s * 1000.0,
            Window::LastSeconds(s) => from_end as f64 <= s * 1000.0,
            Window::FirstTurns(k) => t < k as usize,
            Window::LastTurns(k) => t + (k as usize) >= n,
            Window::FirstPercent(p) => start as f64 <= duration * p / 100.0,
            Window::LastPercent(p) => from_end as f64 <= duration * p / 100.0,
        }
    }

    /// The in-scope hits of a leaf, as indexes.
    pub fn scoped_hits(&self, leaf: LeafId) -> impl Iterator<Item = (u32, &Hit)> + '_ {
        let l = &self.pack.leaves[leaf as usize];
        self.scan.leaf_hits[leaf as usize]
            .iter()
            .enumerate()
            .filter(move |(_, h)| self.in_scope(l, h.turn as usize))
            .map(|(i, h)| (i as u32, h))
    }

    /// Evaluate a condition.
    pub fn eval(&self, c: &Cond) -> Outcome {
        match c {
            Cond::Leaf(l) => self.leaf(*l),
            Cond::Near { a, b, within } => self.near(*a, *b, *within),
            Cond::Before { first, then } => self.before(*first, *then),
            Cond::And(subs) => {
                let mut out = Outcome {
                    holds: true,
                    ..Outcome::default()
                };
                for s in subs {
                    let o = self.eval(s);
                    if !o.holds {
                        return Outcome::default();
                    }
                    out.evidence.extend(o.evidence);
                    out.score += o.score;
                }
                out
            }
            Cond::Or(subs) => {
                let mut out = Outcome::default();
                for s in subs {
                    let o = self.eval(s);
                    if o.holds {
                        out.holds = true;
                        out.evidence.extend(o.evidence);
                        out.score += o.score;
                    }
                }
                out
            }
            Cond::Weighted { weight, cond } => {
                let o = self.eval(cond);
                Outcome {
                    score: if o.holds { *weight } else { 0.0 },
                    ..o
                }
            }
            Cond::Not(sub) => Outcome {
                holds: !self.eval(sub).holds,
                ..Outcome::default()
            },
            Cond::Meta(pairs) => Outcome {
                holds: pairs.iter().all(|(k, vs)| {
                    self.meta_value(k)
                        .is_some_and(|v| vs.iter().any(|x| *x == v.to_lowercase()))
                }),
                ..Outcome::default()
            },
            Cond::Driver(ids) => Outcome {
                holds: ids.iter().any(|&d| self.drivers[d as usize]),
                ..Outcome::default()
            },
            Cond::ItemPassed(i) => Outcome {
                holds: self.item_passed[*i as usize] == Some(true),
                ..Outcome::default()
            },
        }
    }

    fn meta_value(&self, key: &str) -> Option<String> {
        let m = &self.call.metadata;
        match key {
            "agent" => m.agent.clone(),
            "team" => m.team.clone(),
            "queue" => m.queue.clone(),
            "channel" => m.channel.clone(),
            "customer_id" => m.customer_id.clone(),
            "language" => Some(self.language.clone()),
            "format" => Some(self.call.format.as_str().to_string()),
            other => m.extra.get(other).cloned(),
        }
    }

    fn leaf(&self, leaf: LeafId) -> Outcome {
        let l = &self.pack.leaves[leaf as usize];
        let min = l.min_count as usize;
        // Most leaves of a large pack (a mined driver has up to 200 phrases) have no hit
        // in a call: nothing to scope or count.
        if min > 0 && self.scan.leaf_hits[leaf as usize].is_empty() {
            return Outcome::default();
        }
        match l.kind {
            LeafKind::Any | LeafKind::Regex => {
                let evidence: Vec<HitRef> = self
                    .scoped_hits(leaf)
                    .map(|(index, _)| HitRef { leaf, index })
                    .collect();
                let holds = evidence.len() >= min;
                Outcome {
                    holds,
                    score: if holds { evidence.len() as f64 } else { 0.0 },
                    evidence: if holds { evidence } else { Vec::new() },
                }
            }
            LeafKind::All => {
                let mut counts = vec![0usize; l.terms.len()];
                let mut evidence = Vec::new();
                for (index, h) in self.scoped_hits(leaf) {
                    let c = &mut counts[h.phrase as usize];
                    if *c == 0 {
                        evidence.push(HitRef { leaf, index });
                    }
                    *c += 1;
                }
                let holds = !counts.is_empty() && counts.iter().all(|&c| c >= min);
                Outcome {
                    holds,
                    score: if holds { evidence.len() as f64 } else { 0.0 },
                    evidence: if holds { evidence } else { Vec::new() },
                }
            }
        }
    }

    /// The first hit of `a` (in hit order) with a hit of `b` in the same turn, not
    /// overlapping it, at most `within` words away; with the first such `b` hit.
    ///
    /// Per turn: the word counts at every hit position come from one pass over the
    /// turn ([`WordIndex`]); whether some `b` is close enough to an `a` is decided by
    /// the nearest `b` on each side (a farther one has at least as many words
    /// between), found by binary search. Only for the `a` that has one are the `b`
    /// hits walked in order, to pick the first. O((|a| + |b|) log |b|) plus the text
    /// of the turns where both hit.
    fn near(&self, a: LeafId, b: LeafId, within: u32) -> Outcome {
        let av: Vec<(u32, &Hit)> = self.scoped_hits(a).collect();
        let bv: Vec<(u32, &Hit)> = self.scoped_hits(b).collect();
        // Hits are in turn order, so each turn's hits are one run of each list.
        let (mut i, mut j) = (0, 0);
        let mut positions = Vec::new();
        while i < av.len() {
            let turn = av[i].1.turn;
            let i_end = i + av[i..].partition_point(|(_, h)| h.turn == turn);
            j += bv[j..].partition_point(|(_, h)| h.turn < turn);
            let j_end = j + bv[j..].partition_point(|(_, h)| h.turn == turn);
            let (ta, tb) = (&av[i..i_end], &bv[j..j_end]);
            i = i_end;
            if tb.is_empty() {
                continue;
            }
            let text = &self.scan.norm(turn as usize).text;
            positions.clear();
            for (_, h) in ta.iter().chain(tb) {
                positions.extend([h.norm.start, h.norm.end]);
            }
            let words = WordIndex::new(text, &mut positions);
            // The gap between an `a` and a `b` hit, None when they overlap.
            let gap = |ha: &Hit, hb: &Hit| {
                if ha.norm.end <= hb.norm.start {
                    Some(words.between(ha.norm.end, hb.norm.start))
                } else if hb.norm.end <= ha.norm.start {
                    Some(words.between(hb.norm.end, ha.norm.start))
                } else {
                    None // overlapping hits are the same words, not two things said
                }
            };
            let mut starts: Vec<u32> = tb.iter().map(|(_, h)| h.norm.start).collect();
            let mut ends: Vec<u32> = tb.iter().map(|(_, h)| h.norm.end).collect();
            starts.sort_unstable();
            ends.sort_unstable();
            for &(ia, ha) in ta {
                // Nearest `b` after `a`: the smallest start at or after a's end.
                let after = starts
                    .get(starts.partition_point(|&s| s < ha.norm.end))
                    .is_some_and(|&s| words.between(ha.norm.end, s) <= within);
                // Nearest `b` before `a`: the largest end at or before a's start.
                let before = ends
                    .partition_point(|&e| e <= ha.norm.start)
                    .checked_sub(1)
                    .is_some_and(|k| words.between(ends[k], ha.norm.start) <= within);
                if !(after || before) {
                    continue;
                }
                let Some(&(ib, _)) = tb
                    .iter()
                    .find(|(_, hb)| gap(ha, hb).is_some_and(|g| g <= within))
                else {
                    continue;
                };
                return Outcome {
                    holds: true,
                    evidence: vec![HitRef { leaf: a, index: ia }, HitRef { leaf: b, index: ib }],
                    score: 2.0,
                };
            }
        }
        Outcome::default()
    }

    /// Words (CJK: characters) between two hits of one turn; `None` when they are in
    /// different turns or overlap (overlapping hits are the same words, not two things
    /// said).
    fn gap(&self, ha: &Hit, hb: &Hit) -> Option<u32> {
        if ha.turn != hb.turn {
            return None;
        }
        let text = &self.scan.norm(ha.turn as usize).text;
        if ha.norm.end <= hb.norm.start {
            Some(words_between(
                text,
                ha.norm.end as usize,
                hb.norm.start as usize,
            ))
        } else if hb.norm.end <= ha.norm.start {
            Some(words_between(
                text,
                hb.norm.end as usize,
                ha.norm.start as usize,
            ))
        } else {
            None
        }
    }

    fn before(&self, first: LeafId, then: LeafId) -> Outcome {
        let Some((ia, ha)) = self
            .scoped_hits(first)
            .min_by_key(|(_, h)| (h.turn, h.norm.start))
        else {
            return Outcome::default();
        };
        let after = self.scoped_hits(then).find(|(_, h)| {
            (h.turn, h.norm.start) > (ha.turn, ha.norm.start)
                && (h.turn > ha.turn || h.norm.start >= ha.norm.end)
        });
        match after {
            Some((ib, _)) => Outcome {
                holds: true,
                evidence: vec![
                    HitRef {
                        leaf: first,
                        index: ia,
                    },
                    HitRef {
                        leaf: then,
                        index: ib,
                    },
                ],
                score: 2.0,
            },
            None => Outcome::default(),
        }
    }

    /// Why a `near` that did not hold failed, with the hits that came closest.
    pub fn near_miss(&self, a: LeafId, b: LeafId) -> NearMiss {
        let hr = |leaf, index| HitRef { leaf, index };
        let mut first_a = None;
        let mut best_gap: Option<(u32, HitRef, HitRef)> = None;
        let mut same_turn: Option<(HitRef, HitRef)> = None;
        let bs: Vec<(u32, &Hit)> = self.scoped_hits(b).collect();
        let first_b = bs.first().map(|(ib, _)| hr(b, *ib));
        for (ia, ha) in self.scoped_hits(a) {
            first_a = first_a.or(Some(hr(a, ia)));
            for (ib, hb) in bs.iter().filter(|(_, hb)| hb.turn == ha.turn) {
                same_turn = same_turn.or(Some((hr(a, ia), hr(b, *ib))));
                if let Some(g) = self.gap(ha, hb)
                    && best_gap.is_none_or(|(bg, _, _)| g < bg)
                {
                    best_gap = Some((g, hr(a, ia), hr(b, *ib)));
                }
            }
        }
        match (first_a, first_b) {
            (None, None) => NearMiss::Neither,
            (Some(found), None) => NearMiss::OnlyOne { found, a: true },
            (None, Some(found)) => NearMiss::OnlyOne { found, a: false },
            (Some(fa), Some(fb)) => match (best_gap, same_turn) {
                (Some((gap, a, b)), _) => NearMiss::TooFar { a, b, gap },
                (None, Some((a, b))) => NearMiss::Overlap { a, b },
                (None, None) => NearMiss::NotInOneTurn { a: fa, b: fb },
            },
        }
    }

    /// Why a `before` that did not hold failed, with the hits that came closest.
    pub fn before_miss(&self, first: LeafId, then: LeafId) -> BeforeMiss {
        let pos = |h: &Hit| (h.turn, h.norm.start);
        let earliest = self.scoped_hits(first).min_by_key(|(_, h)| pos(h));
        let latest = self.scoped_hits(then).max_by_key(|(_, h)| pos(h));
        let hr = |leaf, index| HitRef { leaf, index };
        match (earliest, latest) {
            (None, None) => BeforeMiss::Neither,
            (None, Some((it, _))) => BeforeMiss::NoFirst { then: hr(then, it) },
            (Some((i1, _)), None) => BeforeMiss::NoThen {
                first: hr(first, i1),
            },
            (Some((i1, h1)), Some((it, ht))) => BeforeMiss::NotAfter {
                first: hr(first, i1),
                then: hr(then, it),
                overlaps: pos(ht) >= pos(h1),
            },
        }
    }

    /// Metadata keys the call lacks that could have made `c` hold: empty when `c`
    /// holds, or fails whatever those keys would say. An item n/a only because of
    /// them is not "not applicable" but "not known".
    pub fn missing_meta(&self, c: &Cond) -> Vec<String> {
        match self.tri(c, false) {
            Tri::Unknown(mut keys) => {
                let mut seen = Vec::with_capacity(keys.len());
                keys.retain(|k| {
                    let new = !seen.contains(k);
                    if new {
                        seen.push(k.clone());
                    }
                    new
                });
                keys
            }
            Tri::Holds | Tri::Fails => Vec::new(),
        }
    }

    /// `c` in three-valued logic (Kleene's `and` / `or` / `not`), where a `meta` test
    /// of a key the call does not carry is unknown, unless `negated` (under an odd
    /// number of `not`s): there the missing key already makes the `not` hold, and giving
    /// it could only make it fail, so the test keeps its two-valued result.
    fn tri(&self, c: &Cond, negated: bool) -> Tri {
        match c {
            Cond::Meta(_) | Cond::ItemPassed(_) if negated => self.tri_known(c),
            Cond::Meta(pairs) => {
                let mut missing = Vec::new();
                for (k, vs) in pairs {
                    match self.meta_value(k) {
                        None => missing.push(k.clone()),
                        Some(v) if !vs.iter().any(|x| *x == v.to_lowercase()) => {
                            return Tri::Fails;
                        }
                        Some(_) => {}
                    }
                }
                Tri::unknown_or(missing, Tri::Holds)
            }
            Cond::And(subs) => {
                let mut missing = Vec::new();
                for s in subs {
                    match self.tri(s, negated) {
                        Tri::Fails => return Tri::Fails,
                        Tri::Unknown(k) => missing.extend(k),
                        Tri::Holds => {}
                    }
                }
                Tri::unknown_or(missing, Tri::Holds)
            }
            Cond::Or(subs) => {
                let mut missing = Vec::new();
                for s in subs {
                    match self.tri(s, negated) {
                        Tri::Holds => return Tri::Holds,
                        Tri::Unknown(k) => missing.extend(k),
                        Tri::Fails => {}
                    }
                }
                Tri::unknown_or(missing, Tri::Fails)
            }
            Cond::Weighted { cond, .. } => self.tri(cond, negated),
            Cond::Not(s) => match self.tri(s, !negated) {
                Tri::Holds => Tri::Fails,
                Tri::Fails => Tri::Holds,
                u => u,
            },
            Cond::ItemPassed(i) => match self.item_passed[*i as usize] {
                Some(true) => Tri::Holds,
                _ => Tri::unknown_or(self.item_missing_meta[*i as usize].clone(), Tri::Fails),
            },
            other => self.tri_known(other),
        }
    }

    /// The two-valued result of `c` as a [`Tri`].
    fn tri_known(&self, c: &Cond) -> Tri {
        if self.eval(c).holds {
            Tri::Holds
        } else {
            Tri::Fails
        }
    }
}

/// A truth value that may depend on metadata the call does not carry.
#[derive(Debug, Clone, PartialEq)]
enum Tri {
    Holds,
    Fails,
    /// Could hold, had the call carried these keys.
    Unknown(Vec<String>),
}

impl Tri {
    fn unknown_or(missing: Vec<String>, known: Tri) -> Tri {
        if missing.is_empty() {
            known
        } else {
            Tri::Unknown(missing)
        }
    }
}

/// Why a `near` failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NearMiss {
    /// Neither side was said (in scope).
    Neither,
    /// Only one side was said: its first hit, and whether it is side `a`.
    OnlyOne {
        /// The first hit of the side that was said.
        found: HitRef,
        /// It is side `a` (else `b`).
        a: bool,
    },
    /// Both were said in one turn, `gap` words apart at the closest.
    TooFar {
        /// Hit of `a`.
        a: HitRef,
        /// Hit of `b`.
        b: HitRef,
        /// Words between them.
        gap: u32,
    },
    /// Both were said in one turn, but only as the same words (overlapping hits).
    Overlap {
        /// Hit of `a`.
        a: HitRef,
        /// Hit of `b`.
        b: HitRef,
    },
    /// Both were said, never in one turn: their first hits.
    NotInOneTurn {
        /// First hit of `a`.
        a: HitRef,
        /// First hit of `b`.
        b: HitRef,
    },
}

/// Why a `before` failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BeforeMiss {
    /// Neither side was said (in scope).
    Neither,
    /// Only `then` was said: its last hit.
    NoFirst {
        /// Last hit of `then`.
        then: HitRef,
    },
    /// Only `first` was said: its first hit.
    NoThen {
        /// First hit of `first`.
        first: HitRef,
    },
    /// Both were said, but no `then` after the first `first`.
    NotAfter {
        /// First hit of `first`.
        first: HitRef,
        /// Last hit of `then`.
        then: HitRef,
        /// That hit starts where `first` starts or after, but overlaps it (the same
        /// words, as when both sides share a phrase said once); else it comes before.
        overlaps: bool,
    },
}
