//! What a rule pack says, as loaded from TOML and before compilation.
//!
//! Every value a later check may complain about keeps its [`Loc`], so that
//! "unknown id", "duplicate id" or "bad regex" point at the exact characters.

use crate::diagnostic::Loc;
use crate::transcript::Speaker;

/// A string with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub loc: Loc,
}

/// Which turns a condition looks at, by position in the call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Window {
    /// Turns that start within the first N seconds.
    FirstSeconds(f64),
    /// Turns that end within the last N seconds.
    LastSeconds(f64),
    /// The first N turns (all speakers).
    FirstTurns(u32),
    /// The last N turns (all speakers).
    LastTurns(u32),
    /// Turns that start within the first N % of the call's duration.
    FirstPercent(f64),
    /// Turns that end within the last N % of the call's duration.
    LastPercent(f64),
}

/// Scope keys of a condition; `None` means "inherited / not narrowed".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scope {
    /// Only turns of this speaker (`None`: any).
    pub speaker: Option<Option<Speaker>>,
    /// Only turns in this window.
    pub window: Option<Window>,
}

/// A condition as written.
#[derive(Debug, Clone, PartialEq)]
pub struct RawCond {
    /// Where the condition's table (or array) was written.
    pub loc: Loc,
    /// What it tests.
    pub kind: RawKind,
    /// Scope keys written on this condition.
    pub scope: Scope,
    /// `min_count`, if written.
    pub min_count: Option<Located<u32>>,
    /// `weight`, if written: what the condition adds to its driver's score when it
    /// holds (drivers only).
    pub weight: Option<Located<f64>>,
}

/// The kind key of a condition.
#[derive(Debug, Clone, PartialEq)]
pub enum RawKind {
    /// `any = [...]`
    Any(Vec<Located<String>>),
    /// `all = [...]`
    All(Vec<Located<String>>),
    /// `regex = '...'` or a list.
    Regex(Vec<Located<String>>),
    /// `near = { a, b, within }`
    Near {
        /// Left operand.
        a: Box<RawCond>,
        /// Right operand.
        b: Box<RawCond>,
        /// Most words (CJK: characters) between the two hits.
        within: u32,
    },
    /// `before = { first, then }`
    Before {
        /// What must come first.
        first: Box<RawCond>,
        /// What must come after.
        then: Box<RawCond>,
    },
    /// `and = [...]`
    And(Vec<RawCond>),
    /// `or = [...]`
    Or(Vec<RawCond>),
    /// `not = {...}`
    Not(Box<RawCond>),
    /// `meta = { key = value | [values] }`
    Meta(Vec<(Located<String>, Vec<String>)>),
    /// `driver = "id"` or a list.
    Driver(Vec<Located<String>>),
    /// `item_passed = "id"`
    ItemPassed(Located<String>),
}

/// Pass or fail logic of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Pass when the condition holds.
    Require,
    /// Fail when the condition holds.
    Forbid,
}

/// What a rule example expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// The condition must hold on the example.
    Hit,
    /// The condition must not hold on the example.
    NoHit,
}

/// A one-turn example attached to an item or driver.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Where the example was written.
    pub loc: Loc,
    /// The turn's text.
    pub text: String,
    /// Who says it (default: agent for items, customer for drivers).
    pub speaker: Option<Speaker>,
    /// When the turn starts, seconds.
    pub at: f64,
    /// Channel metadata for the example call (default voice).
    pub channel: Option<String>,
    /// Expected outcome.
    pub expect: Expect,
}

/// A scorecard item.
#[derive(Debug, Clone, PartialEq)]
pub struct RawItem {
    /// Unique id.
    pub id: Located<String>,
    /// Human name.
    pub name: String,
    /// Section it is scored in.
    pub section: String,
    /// Share of the score.
    pub weight: f64,
    /// Failing it auto-fails the call.
    pub critical: bool,
    /// One sentence for QA leads.
    pub description: Option<String>,
    /// Require or forbid.
    pub mode: Mode,
    /// The condition.
    pub cond: RawCond,
    /// When the item applies (else n/a).
    pub applies_when: Option<RawCond>,
    /// Examples.
    pub examples: Vec<Example>,
}

/// A department drivers are charged to.
#[derive(Debug, Clone, PartialEq)]
pub struct RawDepartment {
    /// Unique id.
    pub id: Located<String>,
    /// Human name.
    pub name: String,
    /// Cost of one handled hour.
    pub cost_per_hour: f64,
}

/// A contact driver.
#[derive(Debug, Clone, PartialEq)]
pub struct RawDriver {
    /// Unique id (taxonomy path).
    pub id: Located<String>,
    /// Human name.
    pub name: String,
    /// Department id.
    pub department: Located<String>,
    /// When the call has this driver.
    pub when: RawCond,
    /// Cost override.
    pub cost_per_hour: Option<f64>,
    /// Smallest score (summed condition weights, else hits) for the driver to be found.
    pub min_score: Option<f64>,
    /// One sentence for QA leads.
    pub description: Option<String>,
    /// Examples.
    pub examples: Vec<Example>,
}

/// A sentiment lexicon (one per file, usually one per language).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawLexicon {
    /// Where `[lexicon]` was written.
    pub loc: Loc,
    /// Language code.
    pub language: String,
    /// Weighted terms.
    pub terms: Vec<(Located<String>, f64)>,
    /// Negators.
    pub negators: Vec<Located<String>>,
    /// Negators that follow the term they negate (Persian verb negation).
    pub negators_after: Vec<Located<String>>,
    /// Word endings the last word of a term of this language may take (Persian «خوبه»,
    /// «خوبی», «ضعیفی»): endings written on the word, not after a space.
    pub suffixes: Vec<Located<String>>,
    /// How many words before a term a negator may stand.
    pub negation_window: u32,
    /// Intensifiers and dampeners with their multipliers.
    pub intensifiers: Vec<(Located<String>, f64)>,
    /// Contrast words.
    pub contrast: Vec<Located<String>>,
    /// Concession words.
    pub concession: Vec<Located<String>>,
    /// Emoticons and emoji with their weights, matched as written in the original text
    /// (normalisation folds punctuation and symbols away, so they cannot be terms).
    pub emoticons: Vec<(Located<String>, f64)>,
    /// Weights of negators and intensifiers of this lexicon when they act on no term.
    pub alone: Vec<(Located<String>, f64)>,
}

/// `[pack]` and `[scoring]`.
#[derive(Debug, Clone, PartialEq)]
pub struct PackInfo {
    /// Pack name.
    pub name: String,
    /// Pack version.
    pub version: String,
    /// Description.
    pub description: Option<String>,
    /// Score of an auto-failed call.
    pub auto_fail_score: f64,
}

impl Default for PackInfo {
    fn default() -> Self {
        PackInfo {
            name: "unnamed".into(),
            version: "0.0.0".into(),
            description: None,
            auto_fail_score: 0.0,
        }
    }
}

/// Everything a pack's files say.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawPack {
    /// `[pack]` / `[scoring]`.
    pub info: PackInfo,
    /// Scorecard items in load order.
    pub items: Vec<RawItem>,
    /// Departments.
    pub departments: Vec<RawDepartment>,
    /// Drivers.
    pub drivers: Vec<RawDriver>,
    /// Lexicons.
    pub lexicons: Vec<RawLexicon>,
}
