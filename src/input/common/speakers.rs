//! The shared speaker-label table and the rule for labels it does not know.
//!
//! Every format that carries free-text speaker labels (native JSON, Whisper,
//! WebVTT, SRT, plain text, chat CSV, and the role fields of the vendor formats)
//! maps them to [`Speaker`] the same way, in this order:
//! 1. `ReadOptions::speaker_map` (case-insensitive, on the label as written or
//!    cleaned) — the user knows best;
//! 2. the label table below (English, Chinese, Persian), matched on the cleaned
//!    label: lower-cased, bidi marks and surrounding whitespace removed, a trailing
//!    `(name)` dropped; `Agent Sarah` / `agent_2` match by their first word, and
//!    `客服小王` / `工号1234` by their Chinese prefix;
//! 3. unknown labels (`SPEAKER_00`, `Sarah`): if no label of the call is known to
//!    be the agent, the first unknown label to speak is the agent (agents open
//!    calls); every other unknown label is the customer.

use crate::transcript::Speaker;
use std::collections::{BTreeMap, HashMap, HashSet};

const AGENT: &[&str] = &[
    "agent",
    "rep",
    "representative",
    "operator",
    "advisor",
    "adviser",
    "associate",
    "csr",
    "support",
    "staff",
    "supervisor",
    "坐席",
    "客服",
    "座席",
    "工号",
    "人工客服",
    "话务员",
    "کارشناس",
    "اپراتور",
    "پشتیبان",
    "پشتیبانی",
];

const CUSTOMER: &[&str] = &[
    "customer",
    "caller",
    "client",
    "user",
    "visitor",
    "member",
    "guest",
    "客户",
    "顾客",
    "用户",
    "来电",
    "来电人",
    "مشتری",
    "تماس\u{200c}گیرنده",
    "تماس گیرنده",
];

const OTHER: &[&str] = &["system", "bot", "ivr", "系统", "سیستم"];

/// True for the invisible direction marks that RTL editors put around labels.
pub(crate) fn is_bidi_mark(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

/// Trim whitespace and bidi marks at both ends.
pub(crate) fn trim_marks(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || is_bidi_mark(c))
}

/// The cleaned form of a label used for lookups (see module docs).
pub(crate) fn clean(label: &str) -> String {
    let mut s: String = trim_marks(label)
        .chars()
        .filter(|&c| !is_bidi_mark(c))
        .map(|c| match c {
            'ي' => 'ی',
            'ك' => 'ک',
            _ => c,
        })
        .collect::<String>()
        .to_lowercase();
    // Drop a trailing "(name)" / "（name）".
    for (open, close) in [('(', ')'), ('（', '）')] {
        if s.ends_with(close)
            && let Some(i) = s.rfind(open)
            && i > 0
        {
            s.truncate(i);
        }
    }
    s.trim().to_string()
}

fn lookup(word: &str) -> Option<Speaker> {
    if AGENT.contains(&word) {
        Some(Speaker::Agent)
    } else if CUSTOMER.contains(&word) {
        Some(Speaker::Customer)
    } else if OTHER.contains(&word) {
        Some(Speaker::Other)
    } else {
        None
    }
}

/// The role of `label` in the shared table, if it is there (see module docs).
pub(crate) fn role_of(label: &str) -> Option<Speaker> {
    let c = clean(label);
    if c.is_empty() {
        return None;
    }
    if let Some(r) = lookup(&c) {
        return Some(r);
    }
    // First word: "agent sarah", "agent_2", "customer-1", "agent #2", "agent2".
    let first = c
        .split(|ch: char| ch.is_whitespace() || matches!(ch, '_' | '-' | '#' | ':' | '.'))
        .next()
        .unwrap_or("");
    let first = first.trim_end_matches(|ch: char| ch.is_ascii_digit());
    if !first.is_empty()
        && first != c
        && let Some(r) = lookup(first)
    {
        return Some(r);
    }
    // Chinese labels carry the role as a prefix: 客服小王, 工号1024, 坐席A.
    for (table, role) in [
        (AGENT, Speaker::Agent),
        (CUSTOMER, Speaker::Customer),
        (OTHER, Speaker::Other),
    ] {
        for w in table {
            if w.chars().next().is_some_and(crate::normalize::is_cjk) && c.starts_with(w) {
                return Some(role);
            }
        }
    }
    None
}

/// Looks up a label in the user's `--speaker-map` (case-insensitive, raw or cleaned).
pub(crate) fn mapped(map: &BTreeMap<String, Speaker>, label: &str) -> Option<Speaker> {
    if map.is_empty() {
        return None;
    }
    let raw = trim_marks(label).to_lowercase();
    let cleaned = clean(label);
    map.iter()
        .find(|(k, _)| {
            let k = k.trim().to_lowercase();
            k == raw || k == cleaned
        })
        .map(|(_, v)| *v)
}

/// Roles for every label of one call, decided once all labels are known.
#[derive(Debug, Default)]
pub(crate) struct Resolver {
    roles: HashMap<String, Speaker>,
    /// The same roles keyed by each label exactly as given: a call repeats a handful of
    /// labels on every turn, and an exact hit spares cleaning the label each time.
    by_label: HashMap<String, Speaker>,
}

impl Resolver {
    /// Decide the role of each label; `labels` in order of speaking (repeats allowed).
    pub fn new<'a>(
        map: &BTreeMap<String, Speaker>,
        labels: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let mut roles = HashMap::new();
        let mut unknown: Vec<String> = Vec::new();
        let mut unknown_keys: HashSet<String> = HashSet::new();
        let mut has_agent = false;
        // Each distinct spelling, in order of first use (the order decides roles).
        let mut given: Vec<(&str, String)> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        for label in labels {
            // Labels repeat on every turn: each distinct spelling is cleaned once.
            if !seen.insert(label) {
                continue;
            }
            let key = clean(label);
            given.push((label, key.clone()));
            if key.is_empty() || roles.contains_key(&key) || unknown_keys.contains(&key) {
                continue;
            }
            match mapped(map, label).or_else(|| role_of(label)) {
                Some(r) => {
                    has_agent |= r == Speaker::Agent;
                    roles.insert(key, r);
                }
                None => {
                    unknown_keys.insert(key.clone());
                    unknown.push(key);
                }
            }
        }
        for (i, key) in unknown.into_iter().enumerate() {
            let r = if i == 0 && !has_agent {
                Speaker::Agent
            } else {
                Speaker::Customer
            };
            roles.insert(key, r);
        }
        let by_label = given
            .into_iter()
            .filter_map(|(label, key)| Some((label.to_string(), *roles.get(&key)?)))
            .collect();
        Resolver { roles, by_label }
    }

    /// The role of `label` (`Other` for a label not given to [`Resolver::new`]).
    pub fn get(&self, label: &str) -> Speaker {
        if let Some(&role) = self.by_label.get(label) {
            return role;
        }
        self.roles
            .get(&clean(label))
            .copied()
            .unwrap_or(Speaker::Other)
    }
}

/// A line's `Label: text` split, for plain text and subtitle cues: the label must
/// come first (after bidi marks), be followed by `:` or `：`, be at most 40
/// characters and 4 words, contain a letter and no sentence punctuation.
/// Returns (label as written, trimmed; text after the colon, trimmed).
pub(crate) fn split_label(line: &str) -> Option<(&str, &str)> {
    let line = line.trim_start_matches(|c: char| c.is_whitespace() || is_bidi_mark(c));
    let (idx, colon) = line
        .char_indices()
        .take(48)
        .find(|&(_, c)| c == ':' || c == '：')?;
    let label = trim_marks(&line[..idx]);
    let text = trim_marks(&line[idx + colon.len_utf8()..]);
    if label.is_empty()
        || label.chars().count() > 40
        || label.split_whitespace().count() > 4
        || !label.chars().any(char::is_alphabetic)
        || label.chars().any(|c| {
            matches!(
                c,
                '.' | ','
                    | ';'
                    | '!'
                    | '?'
                    | '"'
                    | '/'
                    | '\\'
                    | '<'
                    | '>'
                    | '{'
                    | '}'
                    | '='
                    | '。'
                    | '，'
                    | '？'
                    | '！'
            )
        })
        || text.starts_with("//")
    {
        return None;
    }
    Some((label, text))
}

/// Which candidate labels found by [`split_label`] in a free-text format really are
/// speaker labels: known ones (table or user map), and unknown ones that label at
/// least two lines of the file — so that `Order number: 123` inside a turn stays
/// text. If no candidate qualifies that way (a tiny file of one-off names), all
/// candidates are taken.
pub(crate) struct LabelFilter {
    counts: HashMap<String, usize>,
    strong: bool,
}

impl LabelFilter {
    /// Count the candidates of one file.
    pub fn new<'a>(
        map: &BTreeMap<String, Speaker>,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let mut counts: HashMap<String, usize> = HashMap::new();
        let mut strong = false;
        for c in candidates {
            strong |= mapped(map, c).is_some() || role_of(c).is_some();
            *counts.entry(clean(c)).or_default() += 1;
        }
        strong |= counts.values().any(|&n| n >= 2);
        LabelFilter { counts, strong }
    }

    /// True if `label` counts as a speaker label in this file.
    pub fn accepts(&self, map: &BTreeMap<String, Speaker>, label: &str) -> bool {
        !self.strong
            || mapped(map, label).is_some()
            || role_of(label).is_some()
            || self.counts.get(&clean(label)).is_some_and(|&n| n >= 2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_lookups() {
        for (l, r) in [
            ("Agent", Speaker::Agent),
            ("  AGENT ", Speaker::Agent),
            ("Agent (Sarah)", Speaker::Agent),
            ("Agent Sarah", Speaker::Agent),
            ("agent_2", Speaker::Agent),
            ("Rep", Speaker::Agent),
            ("CSR", Speaker::Agent),
            ("坐席", Speaker::Agent),
            ("客服小王", Speaker::Agent),
            ("工号1024", Speaker::Agent),
            ("人工客服", Speaker::Agent),
            ("\u{200f}کارشناس\u{200f}", Speaker::Agent),
            ("اپراتور", Speaker::Agent),
            ("Customer", Speaker::Customer),
            ("Caller", Speaker::Customer),
            ("customer（李）", Speaker::Customer),
            ("客户", Speaker::Customer),
            ("顾客", Speaker::Customer),
            ("مشتری", Speaker::Customer),
            ("مشتري", Speaker::Customer),
            ("تماس‌گیرنده", Speaker::Customer),
            ("تماس گیرنده", Speaker::Customer),
            ("IVR", Speaker::Other),
            ("系统", Speaker::Other),
            ("سیستم", Speaker::Other),
        ] {
            assert_eq!(role_of(l), Some(r), "{l}");
        }
        for l in ["SPEAKER_00", "Sarah", "", "   ", "agents of shield x"] {
            assert_eq!(role_of(l), None, "{l}");
        }
    }

    #[test]
    fn resolver_first_unknown_is_agent() {
        let r = Resolver::new(
            &BTreeMap::new(),
            ["SPEAKER_01", "SPEAKER_00", "SPEAKER_01", "SPEAKER_02"],
        );
        assert_eq!(r.get("SPEAKER_01"), Speaker::Agent);
        assert_eq!(r.get("SPEAKER_00"), Speaker::Customer);
        assert_eq!(r.get("SPEAKER_02"), Speaker::Customer);
        assert_eq!(r.get("nobody"), Speaker::Other);
    }

    #[test]
    fn resolver_known_agent_makes_unknowns_customers() {
        let r = Resolver::new(&BTreeMap::new(), ["Bob", "Agent", "Alice"]);
        assert_eq!(r.get("Agent"), Speaker::Agent);
        assert_eq!(r.get("Bob"), Speaker::Customer);
        assert_eq!(r.get("Alice"), Speaker::Customer);
        let r = Resolver::new(&BTreeMap::new(), ["Customer", "Sarah"]);
        assert_eq!(r.get("Sarah"), Speaker::Agent);
    }

    #[test]
    fn resolver_spellings_of_one_label_share_its_role() {
        // Two spellings of one speaker, and a third spelling only seen at lookup.
        let r = Resolver::new(
            &BTreeMap::new(),
            ["spk_1", "SPK_1 (Dana)", "spk_0", "spk_1", "Spk_1"],
        );
        assert_eq!(r.get("spk_1"), Speaker::Agent);
        assert_eq!(r.get("SPK_1 (Dana)"), Speaker::Agent);
        assert_eq!(r.get("Spk_1"), Speaker::Agent);
        assert_eq!(r.get("SPK_1"), Speaker::Agent);
        assert_eq!(r.get("spk_0"), Speaker::Customer);
        assert_eq!(r.get("SPK_0 (Lee)"), Speaker::Customer);
        assert_eq!(r.get(""), Speaker::Other);
    }

    #[test]
    fn resolver_map_overrides() {
        let map = BTreeMap::from([("speaker_01".to_string(), Speaker::Agent)]);
        let r = Resolver::new(&map, ["SPEAKER_00", "SPEAKER_01"]);
        assert_eq!(r.get("SPEAKER_01"), Speaker::Agent);
        assert_eq!(r.get("SPEAKER_00"), Speaker::Customer);
    }

    #[test]
    fn split_labels() {
        assert_eq!(split_label("Agent: hi there"), Some(("Agent", "hi there")));
        assert_eq!(split_label("客户：你好"), Some(("客户", "你好")));
        assert_eq!(split_label("\u{200f}مشتری: سلام"), Some(("مشتری", "سلام")));
        assert_eq!(
            split_label("Agent (Sarah): ok"),
            Some(("Agent (Sarah)", "ok"))
        );
        assert_eq!(split_label("see http://x.y"), None);
        assert_eq!(split_label("Well, the time is: 10"), None);
        assert_eq!(split_label("no colon here"), None);
        assert_eq!(split_label("12: 30"), None);
    }
}
