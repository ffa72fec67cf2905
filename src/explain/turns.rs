//! Per-turn views of a call: each hit with the rules it fed, and whether it counted.

use crate::matcher::Scan;
use crate::redact::redact;
use crate::rules::Pack;
use crate::rules::pack::LeafOwner;
use crate::score::ScoreOptions;
use crate::score::eval::EvalCtx;
use crate::transcript::{Call, Speaker};
use serde::Serialize;
use std::ops::Range;

/// One turn with its hits.
#[derive(Debug, Clone, Serialize)]
pub struct TurnView {
    /// Turn index (0-based).
    pub turn: u32,
    /// Who spoke.
    pub speaker: Speaker,
    /// Start, ms.
    pub start_ms: Option<u64>,
    /// End, ms.
    pub end_ms: Option<u64>,
    /// The text (redacted unless `--no-redact`).
    pub text: String,
    /// Sentiment of the turn (−1…+1; 0 without sentiment terms).
    pub sentiment: f64,
    /// Hits in the turn, by position; byte ranges are in the original text.
    pub hits: Vec<TurnHit>,
    /// Ids of the items and drivers the turn's in-scope hits fed, in order of first hit.
    pub tags: Vec<String>,
    /// Ids whose phrases were said here but did not count (wrong speaker or outside
    /// the window), with why.
    pub not_counted: Vec<String>,
}

/// One stretch of a turn that some rule phrase or regex matched.
#[derive(Debug, Clone, Serialize)]
pub struct TurnHit {
    /// Byte offset in the turn's original text.
    pub start: u32,
    /// End byte offset (exclusive).
    pub end: u32,
    /// The matched text (redacted unless `--no-redact`).
    pub matched: String,
    /// The phrases or regexes as written that matched here.
    pub rules: Vec<String>,
    /// What the hit fed.
    pub feeds: Vec<Tag>,
}

/// One rule a hit fed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tag {
    /// Item or driver id.
    pub id: String,
    /// `item`, `applies_when` (the item's applicability) or `driver`.
    pub kind: &'static str,
    /// Whether the hit was in the rule's scope (speaker, window), i.e. counted.
    pub counted: bool,
    /// Why not, when not counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

fn owner_tag(pack: &Pack, o: LeafOwner) -> (String, &'static str) {
    match o {
        LeafOwner::Item(i) => (pack.items[i as usize].id.clone(), "item"),
        LeafOwner::Applies(i) => (pack.items[i as usize].id.clone(), "applies_when"),
        LeafOwner::Driver(d) => (pack.drivers[d as usize].id.clone(), "driver"),
    }
}

/// Per-turn hits with the rules they fed.
pub fn turn_views(pack: &Pack, call: &Call, scan: &Scan, opts: ScoreOptions) -> Vec<TurnView> {
    let ctx = EvalCtx::new(pack, call, scan);
    // (turn, orig range, leaf, phrase) of every hit, in turn / position order.
    let mut all: Vec<(u32, Range<u32>, u32, u32)> = Vec::new();
    for (leaf, hits) in scan.leaf_hits.iter().enumerate() {
        for h in hits {
            all.push((h.turn, h.orig.clone(), leaf as u32, h.phrase));
        }
    }
    all.sort_by_key(|(t, r, l, p)| (*t, r.start, std::cmp::Reverse(r.end), *l, *p));
    let mut views: Vec<TurnView> = call
        .turns
        .iter()
        .enumerate()
        .map(|(i, t)| TurnView {
            turn: i as u32,
            speaker: t.speaker,
            start_ms: t.start_ms,
            end_ms: t.end_ms,
            text: if opts.redact {
                redact(&t.text).into_owned()
            } else {
                t.text.clone()
            },
            sentiment: scan
                .sentiment
                .get(i)
                .map_or(0.0, |s| crate::score::round(s.compound as f64, 3)),
            hits: Vec::new(),
            tags: Vec::new(),
            not_counted: Vec::new(),
        })
        .collect();
    for (turn, range, leaf, phrase) in all {
        let t = turn as usize;
        let l = &pack.leaves[leaf as usize];
        let why = ctx.out_of_scope(l, t);
        let counted = why.is_none();
        let view = &mut views[t];
        let text = &call.turns[t].text;
        // `all` is sorted by range, so a hit on the same text is the last one added.
        let idx = match view
            .hits
            .last()
            .filter(|h| h.start == range.start && h.end == range.end)
        {
            Some(_) => view.hits.len() - 1,
            None => {
                let s = (range.start as usize).min(text.len());
                let e = (range.end as usize).clamp(s, text.len());
                let m = text.get(s..e).unwrap_or_default();
                view.hits.push(TurnHit {
                    start: range.start,
                    end: range.end,
                    matched: if opts.redact {
                        redact(m).into_owned()
                    } else {
                        m.to_string()
                    },
                    rules: Vec::new(),
                    feeds: Vec::new(),
                });
                view.hits.len() - 1
            }
        };
        let hit = &mut view.hits[idx];
        if let Some(term) = l.terms.get(phrase as usize)
            && !hit.rules.contains(term)
        {
            hit.rules.push(term.clone());
        }
        for &o in &pack.leaf_owners[leaf as usize] {
            let (id, kind) = owner_tag(pack, o);
            let tag = Tag {
                id,
                kind,
                counted,
                why: why.clone(),
            };
            if !hit.feeds.contains(&tag) {
                hit.feeds.push(tag);
            }
        }
    }
    for v in &mut views {
        v.hits.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
        for h in &v.hits {
            for tag in &h.feeds {
                let label = match tag.kind {
                    "applies_when" => format!("{} (applies_when)", tag.id),
                    _ => tag.id.clone(),
                };
                if tag.counted {
                    if !v.tags.contains(&label) {
                        v.tags.push(label);
                    }
                } else {
                    let label = format!("{label}: {}", tag.why.as_deref().unwrap_or("not counted"));
                    if !v.not_counted.contains(&label) {
                        v.not_counted.push(label);
                    }
                }
            }
        }
    }
    views
}
