//! Reasons in words: what an item's result rests on, quoting the call.
//!
//! A reason is read by QA leads and agents, and goes to scorecard systems with the
//! record, so it names what was said and when (`"hold" (agent, 01:00)`), and for a
//! failed requirement what came closest and why it did not count. Pair conditions
//! (`near`, `before`) quote both of their hits: one side alone does not show why the
//! pair held or failed.

use super::Ev;
use super::eval::{BeforeMiss, EvalCtx, HitRef, NearMiss, Outcome as EvalOutcome};
use crate::record::Evidence;
use crate::rules::Pack;
use crate::rules::describe::describe;
use crate::rules::pack::{Cond, LeafId};

/// Capacity reserved for an item's reason: most fit, so they are not regrown.
pub(super) const REASON_CAPACITY: usize = 160;

impl Ev<'_> {
    /// `prefix` then what made `cond` hold: both hits of a `near` or `before` (also
    /// as the first holding part of an `or`), else the first quote of `evidence`;
    /// `None` when nothing can be quoted.
    pub(super) fn held(
        &self,
        ctx: &EvalCtx,
        prefix: &str,
        cond: &Cond,
        o: &EvalOutcome,
        evidence: &[Evidence],
    ) -> Option<String> {
        let mut out = String::with_capacity(REASON_CAPACITY);
        out.push_str(prefix);
        if !self.push_pair(ctx, &mut out, cond, o) {
            push_quote(&mut out, evidence.first()?);
        }
        Some(out)
    }

    /// Append both hits of a `near` or `before` that held (looking into `or`);
    /// false when `cond` is no such pair.
    fn push_pair(&self, ctx: &EvalCtx, out: &mut String, cond: &Cond, o: &EvalOutcome) -> bool {
        match (cond, o.evidence.as_slice()) {
            (Cond::Near { within, .. }, [a, b]) => {
                push_quote(out, &self.one(a));
                out.push_str(" within ");
                push_words(out, *within);
                out.push_str(" of ");
                push_quote(out, &self.one(b));
                true
            }
            (Cond::Before { .. }, [first, then]) => {
                push_quote(out, &self.one(first));
                out.push_str(" … then ");
                push_quote(out, &self.one(then));
                true
            }
            (Cond::Or(subs), _) => subs
                .iter()
                .find_map(|s| {
                    let so = ctx.eval(s);
                    so.holds.then_some((s, so))
                })
                .is_some_and(|(s, so)| self.push_pair(ctx, out, s, &so)),
            _ => false,
        }
    }

    /// For a failed `require`: what came closest, as the text after `"; "` in the
    /// reason, and its evidence. Empty when nothing of the condition was said.
    pub(super) fn missed(&self, ctx: &EvalCtx, cond: &Cond) -> (String, Vec<Evidence>) {
        if let Some(found) = self.pair_missed(ctx, cond) {
            return found;
        }
        let closest = self.closest(ctx, cond);
        let mut text = String::new();
        if let Some((e, why)) = closest.first() {
            text.push_str("closest: ");
            push_quote_at(&mut text, e);
            text.push_str(", ");
            text.push_str(why);
        }
        (text, closest.into_iter().map(|(e, _)| e).collect())
    }

    /// What came closest for a `near` or `before` (or the first such part of an `or`
    /// of which something was said).
    fn pair_missed(&self, ctx: &EvalCtx, cond: &Cond) -> Option<(String, Vec<Evidence>)> {
        match *cond {
            Cond::Near { a, b, within } => self.near_missed(ctx, a, b, within),
            Cond::Before { first, then } => self.before_missed(ctx, first, then),
            Cond::Or(ref subs) => subs.iter().find_map(|s| self.pair_missed(ctx, s)),
            _ => None,
        }
    }

    fn near_missed(
        &self,
        ctx: &EvalCtx,
        a: LeafId,
        b: LeafId,
        within: u32,
    ) -> Option<(String, Vec<Evidence>)> {
        let mut text = String::with_capacity(REASON_CAPACITY);
        let mut evidence = Vec::with_capacity(2);
        let (x, y, gap) = match ctx.near_miss(a, b) {
            NearMiss::Neither => return None,
            NearMiss::OnlyOne { found, a: is_a } => {
                let e = self.one(&found);
                text.push_str("found ");
                push_quote(&mut text, &e);
                text.push_str(", but ");
                let missing = if is_a { b } else { a };
                push_none_of(&mut text, self.pack, missing);
                text.push_str(" within ");
                push_words(&mut text, within);
                text.push_str(" of it");
                evidence.push(e);
                self.push_out_of_scope(ctx, missing, &mut text, &mut evidence);
                return Some((text, evidence));
            }
            NearMiss::TooFar { a, b, gap } => (a, b, Some(gap)),
            NearMiss::Overlap { a, b } | NearMiss::NotInOneTurn { a, b } => (a, b, None),
        };
        let (ex, ey) = (self.one(&x), self.one(&y));
        text.push_str("closest: ");
        push_quote(&mut text, &ex);
        match gap {
            Some(gap) => {
                text.push_str(" is ");
                push_words(&mut text, gap);
                text.push_str(" from ");
                push_quote(&mut text, &ey);
                text.push_str(", ");
                text.push_str(itoa::Buffer::new().format(within));
                text.push_str(" allowed");
            }
            None => {
                text.push_str(" and ");
                push_quote(&mut text, &ey);
                text.push_str(if ex.turn == ey.turn {
                    " are the same words"
                } else {
                    " are never said in one turn"
                });
            }
        }
        evidence.extend([ex, ey]);
        Some((text, evidence))
    }

    fn before_missed(
        &self,
        ctx: &EvalCtx,
        first: LeafId,
        then: LeafId,
    ) -> Option<(String, Vec<Evidence>)> {
        let mut text = String::with_capacity(REASON_CAPACITY);
        let mut evidence = Vec::with_capacity(2);
        let (found, missing, where_) = match ctx.before_miss(first, then) {
            BeforeMiss::Neither => return None,
            BeforeMiss::NoFirst { then: t } => (t, first, " before it"),
            BeforeMiss::NoThen { first: f } => (f, then, " after it"),
            BeforeMiss::NotAfter {
                first: f,
                then: t,
                overlaps,
            } => {
                let (ef, et) = (self.one(&f), self.one(&t));
                text.push_str("found ");
                push_quote(&mut text, &ef);
                text.push_str(", but the last ");
                push_quote(&mut text, &et);
                text.push_str(if overlaps {
                    " overlaps it (the same words)"
                } else {
                    " is before it"
                });
                evidence.extend([ef, et]);
                return Some((text, evidence));
            }
        };
        let e = self.one(&found);
        text.push_str("found ");
        push_quote(&mut text, &e);
        text.push_str(", but ");
        push_none_of(&mut text, self.pack, missing);
        text.push_str(where_);
        evidence.push(e);
        self.push_out_of_scope(ctx, missing, &mut text, &mut evidence);
        Some((text, evidence))
    }

    /// Append ` (closest: "…" at 00:20, said by the customer, not the agent)` when the
    /// missing side of a pair was said out of its scope.
    fn push_out_of_scope(
        &self,
        ctx: &EvalCtx,
        leaf: LeafId,
        text: &mut String,
        evidence: &mut Vec<Evidence>,
    ) {
        let l = &self.pack.leaves[leaf as usize];
        let Some(h) = self.scan.leaf_hits[leaf as usize].first() else {
            return;
        };
        let why = ctx
            .out_of_scope(l, h.turn as usize)
            .unwrap_or_else(|| "not counted".to_string());
        let e = self.one(&HitRef { leaf, index: 0 });
        text.push_str(" (closest: ");
        push_quote_at(text, &e);
        text.push_str(", ");
        text.push_str(&why);
        text.push(')');
        evidence.push(e);
    }

    /// The evidence of one hit.
    fn one(&self, r: &HitRef) -> Evidence {
        let h = self.hit(r);
        let rule = self.pack.leaves[r.leaf as usize]
            .terms
            .get(h.phrase as usize)
            .cloned();
        self.quote_range(h.turn, h.orig.start, h.orig.end, rule)
    }
}

/// The reason of an item that is n/a only because the call lacks metadata that its
/// `applies_when` tests: says which keys and how to give them.
pub(super) fn na_for_lack_of_meta(pack: &Pack, applies_when: &Cond, keys: &[String]) -> String {
    let names = keys.join(" or ");
    let flags: Vec<String> = keys.iter().map(|k| format!("--meta {k}=…")).collect();
    format!(
        "n/a: applies only when {}, and this call has no {names}; set {} in the metadata or with {}",
        describe(pack, applies_when),
        if keys.len() == 1 { "it" } else { "them" },
        flags.join(" ")
    )
}

/// Append `1 word` or `N words`.
fn push_words(out: &mut String, n: u32) {
    out.push_str(itoa::Buffer::new().format(n));
    out.push_str(if n == 1 { " word" } else { " words" });
}

/// Append `no "hold"` or `none of "hold", "wait", … (5 in all)`: a leaf's phrases.
fn push_none_of(out: &mut String, pack: &Pack, leaf: LeafId) {
    let terms = &pack.leaves[leaf as usize].terms;
    out.push_str(if terms.len() == 1 { "no " } else { "none of " });
    for (i, t) in terms.iter().take(3).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('"');
        out.push_str(t);
        out.push('"');
    }
    if terms.len() > 3 {
        out.push_str(", … (");
        out.push_str(itoa::Buffer::new().format(terms.len()));
        out.push_str(" in all)");
    }
}

/// Append `"matched" (speaker, 00:42)` (or `turn 3` without times).
pub(super) fn push_quote(out: &mut String, e: &Evidence) {
    out.push('"');
    out.push_str(&e.matched);
    out.push_str("\" (");
    out.push_str(e.speaker.as_str());
    out.push_str(", ");
    push_when(out, e);
    out.push(')');
}

/// Append `"matched" at 00:42` (or `at turn 3` without times).
pub(super) fn push_quote_at(out: &mut String, e: &Evidence) {
    out.push('"');
    out.push_str(&e.matched);
    out.push_str("\" at ");
    push_when(out, e);
}

/// Append when `e` was said: its start time (`mm:ss`), or `turn N` without times.
fn push_when(out: &mut String, e: &Evidence) {
    match e.start_ms {
        Some(ms) => push_time(out, ms),
        None => {
            out.push_str("turn ");
            out.push_str(itoa::Buffer::new().format(e.turn + 1));
        }
    }
}

/// `mm:ss` (or `h:mm:ss`) of a time in ms.
pub fn fmt_time(ms: u64) -> String {
    let mut out = String::with_capacity(8);
    push_time(&mut out, ms);
    out
}

/// Append [`fmt_time`] of `ms` (digits pushed directly: no `format!`).
fn push_time(out: &mut String, ms: u64) {
    let s = ms / 1000;
    let two = |out: &mut String, v: u64| {
        out.push(char::from(b'0' + (v / 10) as u8));
        out.push(char::from(b'0' + (v % 10) as u8));
    };
    if s >= 3600 {
        out.push_str(itoa::Buffer::new().format(s / 3600));
        out.push(':');
        two(out, (s / 60) % 60);
    } else {
        // Minutes below 60 here, so always two digits.
        two(out, s / 60);
    }
    out.push(':');
    two(out, s % 60);
}
