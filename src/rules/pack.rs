//! The compiled rule pack: everything the matcher and scorer need, built once per run.
//!
//! Phrases of the whole pack (scorecard items, drivers, sentiment lexicons) share ONE
//! Aho-Corasick automaton over normalised text, and all regexes share one `RegexSet`,
//! so scanning a turn costs one pass whatever the number of rules. Each automaton
//! pattern knows its *uses*: which condition leaf (or lexicon entry) it feeds.

use super::model::{Example, Mode, PackInfo, Window};
use crate::transcript::Speaker;
use aho_corasick::AhoCorasick;
use regex::{Regex, RegexSet};

/// Index of a leaf in [`Pack::leaves`].
pub type LeafId = u32;

/// What a leaf counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeafKind {
    /// Hits of any of its phrases.
    Any,
    /// Each of its phrases must hit.
    All,
    /// Regex matches on the original text.
    Regex,
}

/// A condition leaf: phrases or regexes with their (inherited) scope.
#[derive(Debug, Clone)]
pub struct Leaf {
    /// What it counts.
    pub kind: LeafKind,
    /// The phrases or regexes as written (for reports).
    pub terms: Vec<String>,
    /// Only this speaker's turns.
    pub speaker: Option<Speaker>,
    /// Only turns in this window.
    pub window: Option<Window>,
    /// Hits needed.
    pub min_count: u32,
}

/// A compiled condition tree.
#[derive(Debug, Clone)]
pub enum Cond {
    /// A leaf.
    Leaf(LeafId),
    /// Two leaves' hits within `within` words in one turn.
    Near {
        /// Left operand.
        a: LeafId,
        /// Right operand.
        b: LeafId,
        /// Most words between.
        within: u32,
    },
    /// Some hit of `first` precedes some hit of `then`.
    Before {
        /// First.
        first: LeafId,
        /// Then.
        then: LeafId,
    },
    /// All hold.
    And(Vec<Cond>),
    /// One holds.
    Or(Vec<Cond>),
    /// Does not hold.
    Not(Box<Cond>),
    /// Holds when `cond` holds; then adds `weight` to its driver's score instead of
    /// the number of its hits (`weight = …` on a condition of a driver's `when`).
    Weighted {
        /// What it adds to the driver's score (> 0).
        weight: f64,
        /// The condition.
        cond: Box<Cond>,
    },
    /// Metadata fields equal one of the values (lower-cased).
    Meta(Vec<(String, Vec<String>)>),
    /// One of these drivers (indexes into [`Pack::drivers`]) was found.
    Driver(Vec<u32>),
    /// This item (index into [`Pack::items`]) passed.
    ItemPassed(u32),
}

/// A scorecard item.
#[derive(Debug, Clone)]
pub struct Item {
    /// Unique id.
    pub id: String,
    /// Human name.
    pub name: String,
    /// Section.
    pub section: String,
    /// Weight.
    pub weight: f64,
    /// Auto-fails the call when failed.
    pub critical: bool,
    /// Description.
    pub description: Option<String>,
    /// Require or forbid.
    pub mode: Mode,
    /// The condition.
    pub cond: Cond,
    /// Applicability.
    pub applies_when: Option<Cond>,
    /// Examples.
    pub examples: Vec<Example>,
    /// What a failed requirement missed, in plain words (`describe::missing`), computed
    /// once per pack for reasons.
    pub summary: String,
}

/// A department.
#[derive(Debug, Clone)]
pub struct Department {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Cost per handled hour.
    pub cost_per_hour: f64,
}

/// A contact driver.
#[derive(Debug, Clone)]
pub struct Driver {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Index into [`Pack::departments`].
    pub department: u32,
    /// When it applies.
    pub when: Cond,
    /// Cost per handled hour (own or the department's).
    pub cost_per_hour: f64,
    /// Smallest score for the driver to be found (`min_score`; 0 without one, when any
    /// hit of `when` is enough).
    pub min_score: f64,
    /// Description.
    pub description: Option<String>,
    /// Examples.
    pub examples: Vec<Example>,
}

/// What one automaton pattern feeds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target {
    /// Phrase number `phrase` of leaf `leaf`.
    Leaf {
        /// The leaf.
        leaf: LeafId,
        /// Index of the phrase in the leaf.
        phrase: u32,
    },
    /// A sentiment term with its weight.
    Term(f32),
    /// A negator, with its weight when it negates no term (0: none).
    Negator(f32),
    /// A negator that follows the term it negates (`negators_after`: Persian «خوب
    /// نبود», "good it was not"): it acts on the nearest term before it.
    NegatorAfter,
    /// An intensifier with its multiplier, and its weight when it intensifies no term.
    Intensifier(f32, f32),
    /// A contrast word.
    Contrast,
    /// A concession word ("although", "虽然"): the rest of its clause is what the
    /// speaker grants, not what they mean.
    Concession,
}

/// One use of a pattern, with its word-boundary wildcards.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PatternUse {
    /// What it feeds.
    pub target: Target,
    /// `*` before the phrase: the word may start earlier.
    pub left_open: bool,
    /// `*` after the phrase: the word may continue.
    pub right_open: bool,
    /// The word endings the phrase's last word may take (`[lexicon] suffixes` of its
    /// language): 1 + an index into [`Tables::suffixes`], 0 for none.
    pub suffixes: u16,
}

/// The scanning tables.
#[derive(Debug, Clone)]
pub struct Tables {
    /// One automaton over every normalised phrase of the pack.
    pub automaton: AhoCorasick,
    /// For each automaton pattern, what it feeds.
    pub uses: Vec<Vec<PatternUse>>,
    /// The regexes without look-arounds, as one set: a fast test of which regexes may
    /// match a turn (see `compile::regexes::regex_prefilter`). `None`: run every regex.
    pub regex_prefilter: Option<RegexSet>,
    /// The same regexes, to find positions.
    pub regexes: Vec<Regex>,
    /// For each regex: (leaf, index within the leaf).
    pub regex_uses: Vec<(LeafId, u32)>,
    /// Largest negation window of any lexicon (in words).
    pub negation_window: u32,
    /// Sets of word endings, one per language that declares `[lexicon] suffixes`,
    /// normalised (see [`PatternUse::suffixes`]).
    pub suffixes: Vec<Vec<String>>,
    /// Whether the pack has any sentiment lexicon.
    pub has_lexicon: bool,
    /// Emoticons and emoji of the lexicons, matched on the original text (leftmost
    /// longest), and the weight of each pattern. `None` when no lexicon has any.
    pub emoticons: Option<(AhoCorasick, Vec<f32>)>,
}

/// A compiled, checked rule pack.
#[derive(Debug, Clone)]
pub struct Pack {
    /// `[pack]` and `[scoring]`.
    pub info: PackInfo,
    /// SHA-256 of the pack's files (hex).
    pub hash: String,
    /// Condition leaves.
    pub leaves: Vec<Leaf>,
    /// For each leaf, the items / drivers it feeds (see [`leaf_owners`]).
    pub leaf_owners: Vec<Vec<LeafOwner>>,
    /// Scorecard items in pack order.
    pub items: Vec<Item>,
    /// Item indexes in evaluation order (an item comes after any item it refers to).
    pub item_order: Vec<u32>,
    /// Sections in order of first appearance.
    pub sections: Vec<String>,
    /// Drivers in pack order.
    pub drivers: Vec<Driver>,
    /// Driver indexes in evaluation order (a driver comes after any driver its `when`
    /// refers to).
    pub driver_order: Vec<u32>,
    /// Departments in pack order.
    pub departments: Vec<Department>,
    /// Scanning tables.
    pub tables: Tables,
    /// Number of distinct phrases in the automaton.
    pub pattern_count: usize,
    /// Heap bytes the automaton uses.
    pub automaton_bytes: usize,
}

impl Pack {
    /// `name@version`.
    pub fn label(&self) -> String {
        format!("{}@{}", self.info.name, self.info.version)
    }
}

/// What a condition leaf feeds: the key to tag a hit with the rules it counts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LeafOwner {
    /// The condition (`require` / `forbid`) of item `n` (index into [`Pack::items`]).
    Item(u32),
    /// The `applies_when` of item `n`.
    Applies(u32),
    /// The `when` of driver `n` (index into [`Pack::drivers`]).
    Driver(u32),
}

impl Cond {
    /// Every leaf this condition reads (operands of `near` / `before` included), in
    /// tree order; `not` sub-trees included.
    pub fn leaves(&self, out: &mut Vec<LeafId>) {
        match self {
            Cond::Leaf(l) => out.push(*l),
            Cond::Near { a, b, .. } => out.extend([*a, *b]),
            Cond::Before { first, then } => out.extend([*first, *then]),
            Cond::And(s) | Cond::Or(s) => s.iter().for_each(|c| c.leaves(out)),
            Cond::Not(s) | Cond::Weighted { cond: s, .. } => s.leaves(out),
            Cond::Meta(_) | Cond::Driver(_) | Cond::ItemPassed(_) => {}
        }
    }
}

/// For each of `n_leaves` leaves, the items and drivers it feeds (sorted, no repeats).
pub fn leaf_owners(n_leaves: usize, items: &[Item], drivers: &[Driver]) -> Vec<Vec<LeafOwner>> {
    let mut owners = vec![Vec::new(); n_leaves];
    let mut buf = Vec::new();
    let mut add = |c: &Cond, o: LeafOwner, owners: &mut Vec<Vec<LeafOwner>>| {
        buf.clear();
        c.leaves(&mut buf);
        for &l in &buf {
            if let Some(v) = owners.get_mut(l as usize)
                && !v.contains(&o)
            {
                v.push(o);
            }
        }
    };
    for (i, d) in drivers.iter().enumerate() {
        add(&d.when, LeafOwner::Driver(i as u32), &mut owners);
    }
    for (i, it) in items.iter().enumerate() {
        add(&it.cond, LeafOwner::Item(i as u32), &mut owners);
        if let Some(a) = &it.applies_when {
            add(a, LeafOwner::Applies(i as u32), &mut owners);
        }
    }
    for v in &mut owners {
        v.sort();
    }
    owners
}
