//! Compile a loaded pack: resolve ids, check references, normalise phrases, build the
//! single automaton and regex set. Every problem becomes a [`Diagnostic`] with the
//! exact position; a pack with any error is not compiled.

use super::load::Loaded;
use super::model::*;
use super::pack::*;
use crate::diagnostic::{DiagCode, Diagnostic, Loc, Severity, SourceMap};
use crate::normalize::normalize_phrase;
use crate::transcript::Speaker;
use aho_corasick::{AhoCorasick, MatchKind};
use std::collections::{BTreeMap, HashMap};

mod order;
mod regexes;
use regexes::regex_prefilter;

/// Largest compiled size of one regex (bytes); guards against patterns that would
/// blow up memory (`\w{1000}{1000}`).
const REGEX_SIZE_LIMIT: usize = 4 << 20;

/// Compile a loaded pack. Returns the pack when there is no error; the diagnostics
/// (errors and warnings) are appended to `loaded.diagnostics` in file/position order.
pub fn compile(loaded: &mut Loaded) -> Option<Pack> {
    let mut c = Compiler {
        sources: &loaded.sources,
        diags: Vec::new(),
        leaves: Vec::new(),
        patterns: Vec::new(),
        pattern_ids: HashMap::new(),
        regexes: Vec::new(),
        regex_uses: Vec::new(),
        item_ids: HashMap::new(),
        driver_ids: HashMap::new(),
        in_driver: false,
    };
    let raw = &loaded.pack;

    let mut dept_ids: HashMap<&str, u32> = HashMap::new();
    let mut departments = Vec::new();
    for d in &raw.departments {
        if let Some(&first) = dept_ids.get(d.id.value.as_str()) {
            c.duplicate("department", &d.id, &raw.departments[first as usize].id.loc);
            continue;
        }
        dept_ids.insert(&d.id.value, departments.len() as u32);
        departments.push(Department {
            id: d.id.value.clone(),
            name: d.name.clone(),
            cost_per_hour: d.cost_per_hour,
        });
    }
    let mut item_first: HashMap<&str, &Loc> = HashMap::new();
    for (i, it) in raw.items.iter().enumerate() {
        if let Some(first) = item_first.get(it.id.value.as_str()) {
            c.duplicate("item", &it.id, first);
        } else {
            item_first.insert(&it.id.value, &it.id.loc);
            c.item_ids.insert(it.id.value.clone(), i as u32);
        }
    }
    let mut driver_first: HashMap<&str, &Loc> = HashMap::new();
    for (i, d) in raw.drivers.iter().enumerate() {
        if let Some(first) = driver_first.get(d.id.value.as_str()) {
            c.duplicate("driver", &d.id, first);
        } else {
            driver_first.insert(&d.id.value, &d.id.loc);
            c.driver_ids.insert(d.id.value.clone(), i as u32);
        }
    }

    // Drivers first: items may refer to drivers, drivers may not refer to items.
    let mut drivers = Vec::new();
    c.in_driver = true;
    for d in &raw.drivers {
        let when = c.cond(&d.when, None, None);
        let Some(&dept) = dept_ids.get(d.department.value.as_str()) else {
            let known: Vec<&str> = dept_ids.keys().copied().collect();
            let mut message = format!(
                "driver \"{}\" names department \"{}\", which does not exist",
                d.id.value, d.department.value
            );
            if let Some(s) = closest(&d.department.value, &known) {
                message.push_str(&format!("; did you mean \"{s}\"?"));
            }
            c.diags.push(
                Diagnostic::new(DiagCode::UnknownId, d.department.loc.clone(), message)
                    .with_help("add a [[department]] with that id, or fix the name"),
            );
            continue;
        };
        drivers.push(Driver {
            id: d.id.value.clone(),
            name: d.name.clone(),
            department: dept,
            cost_per_hour: d
                .cost_per_hour
                .unwrap_or(departments[dept as usize].cost_per_hour),
            min_score: d.min_score.unwrap_or(0.0),
            when,
            description: d.description.clone(),
            examples: d.examples.clone(),
        });
    }
    c.in_driver = false;
    c.shared_driver_phrases(raw);

    let mut items = Vec::new();
    let mut sections: Vec<String> = Vec::new();
    for it in &raw.items {
        let cond = c.cond(&it.cond, None, None);
        let applies_when = it.applies_when.as_ref().map(|a| c.cond(a, None, None));
        if !sections.contains(&it.section) {
            sections.push(it.section.clone());
        }
        items.push(Item {
            id: it.id.value.clone(),
            name: it.name.clone(),
            section: it.section.clone(),
            weight: it.weight,
            critical: it.critical,
            description: it.description.clone(),
            mode: it.mode,
            cond,
            applies_when,
            examples: it.examples.clone(),
            summary: String::new(),
        });
    }
    let item_order = c.item_order(raw, &items);
    let driver_order = c.driver_order(raw, &drivers);

    let mut lex_negation_window = 0;
    let suffixes = suffix_sets(&raw.lexicons);
    for lex in &raw.lexicons {
        lex_negation_window = lex_negation_window.max(lex.negation_window);
        // Terms of a language with suffixes may take them (1 + the set's index).
        let set = suffixes
            .iter()
            .position(|(l, _)| *l == lex.language)
            .map_or(0, |i| i as u16 + 1);
        for (term, w) in &lex.terms {
            c.phrase_use_suffixed(term, Target::Term(*w as f32), "lexicon term", set);
        }
        let alone = |p: &str| {
            lex.alone
                .iter()
                .find(|(a, _)| a.value == p)
                .map_or(0.0, |(_, w)| *w as f32)
        };
        for n in &lex.negators {
            c.phrase_use(n, Target::Negator(alone(&n.value)), "negator");
        }
        for n in &lex.negators_after {
            c.phrase_use(n, Target::NegatorAfter, "negator");
        }
        for (i, m) in &lex.intensifiers {
            c.phrase_use(
                i,
                Target::Intensifier(*m as f32, alone(&i.value)),
                "intensifier",
            );
        }
        for w in &lex.contrast {
            c.phrase_use(w, Target::Contrast, "contrast word");
        }
        for w in &lex.concession {
            c.phrase_use(w, Target::Concession, "concession word");
        }
    }
    let emoticons = emoticon_table(&raw.lexicons);

    super::lint::never_holds(raw, c.sources, &mut c.diags);
    hold_back_follow_on_errors(&loaded.diagnostics, c.sources, &mut c.diags);

    let regex_prefilter = regex_prefilter(&c.regexes);
    let automaton = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(c.patterns.iter().map(|(p, _)| p.as_str()));

    loaded.diagnostics.append(&mut c.diags);
    sort_diagnostics(&mut loaded.diagnostics, &loaded.sources);
    if loaded
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error)
    {
        return None;
    }
    let automaton = automaton.ok()?;
    let mut pack = Pack {
        info: raw.info.clone(),
        hash: loaded.hash.clone(),
        pattern_count: c.patterns.len(),
        automaton_bytes: automaton.memory_usage(),
        tables: Tables {
            automaton,
            uses: c.patterns.into_iter().map(|(_, u)| u).collect(),
            regex_prefilter,
            regexes: c.regexes,
            regex_uses: c.regex_uses,
            negation_window: lex_negation_window,
            suffixes: suffixes.into_iter().map(|(_, s)| s).collect(),
            has_lexicon: !raw.lexicons.is_empty(),
            emoticons,
        },
        leaf_owners: leaf_owners(c.leaves.len(), &items, &drivers),
        leaves: c.leaves,
        items,
        item_order,
        sections,
        drivers,
        driver_order,
        departments,
    };
    let summaries: Vec<String> = pack
        .items
        .iter()
        .map(|i| super::describe::missing(&pack, &i.cond))
        .collect();
    for (item, summary) in pack.items.iter_mut().zip(summaries) {
        item.summary = summary;
    }
    Some(pack)
}

/// The word endings of each language that declares any (`[lexicon] suffixes`, merged
/// over its lexicons in load order, normalised like phrases, each once).
fn suffix_sets(lexicons: &[crate::rules::model::RawLexicon]) -> Vec<(String, Vec<String>)> {
    let mut sets: Vec<(String, Vec<String>)> = Vec::new();
    for lex in lexicons {
        for s in &lex.suffixes {
            let norm = normalize_phrase(&s.value);
            let i = match sets.iter().position(|(l, _)| *l == lex.language) {
                Some(i) => i,
                None => {
                    sets.push((lex.language.clone(), Vec::new()));
                    sets.len() - 1
                }
            };
            if !sets[i].1.contains(&norm) {
                sets[i].1.push(norm);
            }
        }
    }
    sets
}

/// The emoticons of every lexicon as one leftmost-longest automaton over the original
/// text, each with the weight seen first (like terms: own lexicon first, in load order).
fn emoticon_table(lexicons: &[crate::rules::model::RawLexicon]) -> Option<(AhoCorasick, Vec<f32>)> {
    let mut seen = std::collections::HashSet::new();
    let mut pats: Vec<&str> = Vec::new();
    let mut weights = Vec::new();
    for (e, w) in lexicons.iter().flat_map(|l| &l.emoticons) {
        if seen.insert(e.value.as_str()) {
            pats.push(&e.value);
            weights.push(*w as f32);
        }
    }
    if pats.is_empty() {
        return None;
    }
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(pats)
        .ok()?;
    Some((ac, weights))
}

/// When a file could not be read (`toml-syntax`, `not-utf8`), every id it defines is
/// missing, so references to them elsewhere would each be reported as `unknown-id`: one
/// missing quote in the drivers file gave 33 such errors under the one that matters.
/// Those errors are dropped (any of them may name an id of the unread file) and one
/// `skipped-checks` note says how many references went unchecked and why.
fn hold_back_follow_on_errors(
    load_diags: &[Diagnostic],
    sources: &SourceMap,
    diags: &mut Vec<Diagnostic>,
) {
    let unread: Vec<&Diagnostic> = load_diags
        .iter()
        .filter(|d| matches!(d.code, DiagCode::TomlSyntax | DiagCode::NotUtf8))
        .collect();
    let Some(first) = unread.first() else {
        return;
    };
    let before = diags.len();
    diags.retain(|d| d.code != DiagCode::UnknownId);
    let held = before - diags.len();
    if held == 0 {
        return;
    }
    let mut files: Vec<String> = unread
        .iter()
        .map(|d| sources.path(d.loc.file).display().to_string())
        .collect();
    files.dedup();
    diags.push(
        Diagnostic::new(
            DiagCode::SkippedChecks,
            first.loc.clone(),
            format!(
                "{held} reference(s) to ids were not checked, because {} could not be read and may define them",
                files.join(", ")
            ),
        )
        .with_help("fix the error above, then run `callscore check` again"),
    );
}

/// Order diagnostics by file, then position, so output is stable.
pub fn sort_diagnostics(diags: &mut [Diagnostic], _sources: &SourceMap) {
    diags.sort_by(|a, b| {
        (a.loc.file, a.loc.span.start, a.severity, a.code.as_str()).cmp(&(
            b.loc.file,
            b.loc.span.start,
            b.severity,
            b.code.as_str(),
        ))
    });
}

struct Compiler<'s> {
    sources: &'s SourceMap,
    diags: Vec<Diagnostic>,
    leaves: Vec<Leaf>,
    /// Normalised pattern text and its uses, in first-seen order.
    patterns: Vec<(String, Vec<PatternUse>)>,
    pattern_ids: HashMap<String, u32>,
    regexes: Vec<regex::Regex>,
    regex_uses: Vec<(LeafId, u32)>,
    item_ids: HashMap<String, u32>,
    driver_ids: HashMap<String, u32>,
    in_driver: bool,
}

impl Compiler<'_> {
    fn duplicate(&mut self, what: &str, id: &Located<String>, first: &Loc) {
        let (line, col) = self.sources.line_col(first.file, first.span.start);
        let at = format!("{}:{line}:{col}", self.sources.path(first.file).display());
        self.diags.push(
            Diagnostic::new(
                DiagCode::DuplicateId,
                id.loc.clone(),
                format!(
                    "{what} id \"{}\" is already used (first defined at {at})",
                    id.value
                ),
            )
            .with_help(format!(
                "ids of {what}s must be unique in the pack; rename one of them"
            )),
        );
    }

    /// Compile a condition; one with a `weight` is wrapped in [`Cond::Weighted`]. A weight
    /// only ranks drivers, so outside a driver's `when` it is an error (an item's share of
    /// the score is the item's own `weight`).
    fn cond(
        &mut self,
        raw: &RawCond,
        speaker: Option<Option<Speaker>>,
        window: Option<Window>,
    ) -> Cond {
        let inner = self.cond_unweighted(raw, speaker, window);
        match &raw.weight {
            None => inner,
            Some(w) if !self.in_driver => {
                self.diags.push(
                    Diagnostic::new(
                        DiagCode::MisplacedKey,
                        w.loc.clone(),
                        "'weight' on a condition only counts in a driver's `when`: it ranks the drivers of a call",
                    )
                    .with_help("remove it; an item's share of the score is the item's own `weight`"),
                );
                inner
            }
            Some(w) => Cond::Weighted {
                weight: w.value,
                cond: Box::new(inner),
            },
        }
    }

    fn cond_unweighted(
        &mut self,
        raw: &RawCond,
        speaker: Option<Option<Speaker>>,
        window: Option<Window>,
    ) -> Cond {
        let speaker = raw.scope.speaker.or(speaker);
        let window = raw.scope.window.or(window);
        match &raw.kind {
            RawKind::Any(_) | RawKind::All(_) | RawKind::Regex(_) => {
                Cond::Leaf(self.leaf(raw, speaker, window))
            }
            RawKind::Near { a, b, within } => Cond::Near {
                a: self.operand(a, speaker, window),
                b: self.operand(b, speaker, window),
                within: *within,
            },
            RawKind::Before { first, then } => Cond::Before {
                first: self.operand(first, speaker, window),
                then: self.operand(then, speaker, window),
            },
            RawKind::And(subs) => {
                Cond::And(subs.iter().map(|s| self.cond(s, speaker, window)).collect())
            }
            RawKind::Or(subs) => {
                Cond::Or(subs.iter().map(|s| self.cond(s, speaker, window)).collect())
            }
            RawKind::Not(sub) => Cond::Not(Box::new(self.cond(sub, speaker, window))),
            RawKind::Meta(pairs) => Cond::Meta(
                pairs
                    .iter()
                    .map(|(k, vs)| {
                        (
                            k.value.clone(),
                            vs.iter().map(|v| v.to_lowercase()).collect(),
                        )
                    })
                    .collect(),
            ),
            RawKind::Driver(ids) => {
                if ids.is_empty() {
                    self.diags.push(
                        Diagnostic::new(
                            DiagCode::EmptyList,
                            raw.loc.clone(),
                            "`driver = []` names no driver, so it can never hold",
                        )
                        .with_help("name at least one driver id"),
                    );
                }
                let mut out = Vec::new();
                for id in ids {
                    match self.driver_ids.get(&id.value) {
                        Some(&d) => out.push(d),
                        None => self.unknown_ref(
                            "driver",
                            id,
                            self.driver_ids.keys().cloned().collect(),
                        ),
                    }
                }
                Cond::Driver(out)
            }
            RawKind::ItemPassed(id) => {
                if self.in_driver {
                    self.diags.push(
                        Diagnostic::new(DiagCode::ItemInDriver, id.loc.clone(), "a driver cannot depend on a scorecard item")
                            .with_help("drivers are found before items are scored; use phrases, metadata or other drivers"),
                    );
                    return Cond::ItemPassed(0);
                }
                match self.item_ids.get(&id.value) {
                    Some(&i) => Cond::ItemPassed(i),
                    None => {
                        self.unknown_ref("item", id, self.item_ids.keys().cloned().collect());
                        Cond::ItemPassed(0)
                    }
                }
            }
        }
    }

    fn unknown_ref(&mut self, what: &str, id: &Located<String>, known: Vec<String>) {
        let known_refs: Vec<&str> = known.iter().map(String::as_str).collect();
        let message = match closest(&id.value, &known_refs) {
            Some(s) => format!(
                "no {what} has the id \"{}\"; did you mean \"{s}\"?",
                id.value
            ),
            None => format!("no {what} has the id \"{}\"", id.value),
        };
        self.diags.push(
            Diagnostic::new(DiagCode::UnknownId, id.loc.clone(), message).with_help(format!(
                "define a {what} with that id, or fix the reference"
            )),
        );
    }

    /// An operand of `near` / `before` must produce hits with positions.
    fn operand(
        &mut self,
        raw: &RawCond,
        speaker: Option<Option<Speaker>>,
        window: Option<Window>,
    ) -> LeafId {
        match raw.kind {
            RawKind::Any(_) | RawKind::All(_) | RawKind::Regex(_) => {
                let speaker = raw.scope.speaker.or(speaker);
                let window = raw.scope.window.or(window);
                self.leaf(raw, speaker, window)
            }
            _ => {
                self.diags.push(
                    Diagnostic::new(DiagCode::BadOperand, raw.loc.clone(), "each side of `near` / `before` must be phrases or a regex")
                        .with_help("write a list of phrases, or { any = [...] } / { regex = '...' } with scope keys"),
                );
                0
            }
        }
    }

    fn leaf(
        &mut self,
        raw: &RawCond,
        speaker: Option<Option<Speaker>>,
        window: Option<Window>,
    ) -> LeafId {
        let id = self.leaves.len() as LeafId;
        let (kind, terms) = match &raw.kind {
            RawKind::Any(p) => (LeafKind::Any, p),
            RawKind::All(p) => (LeafKind::All, p),
            RawKind::Regex(r) => (LeafKind::Regex, r),
            _ => unreachable!("only phrase and regex conditions are leaves"),
        };
        if terms.is_empty() {
            self.diags.push(
                Diagnostic::new(
                    DiagCode::EmptyList,
                    raw.loc.clone(),
                    "this condition has no phrases, so it can never hold",
                )
                .with_help("add at least one phrase"),
            );
        }
        for (i, t) in terms.iter().enumerate() {
            match kind {
                LeafKind::Regex => self.regex(t, id, i as u32),
                _ => self.phrase_use(
                    t,
                    Target::Leaf {
                        leaf: id,
                        phrase: i as u32,
                    },
                    "phrase",
                ),
            }
        }
        self.leaves.push(Leaf {
            kind,
            terms: terms.iter().map(|t| t.value.clone()).collect(),
            speaker: speaker.flatten(),
            window,
            min_count: raw.min_count.as_ref().map_or(1, |m| m.value.max(1)),
        });
        id
    }

    /// Add one phrase to the automaton, handling `*` wildcards at its ends.
    fn phrase_use(&mut self, phrase: &Located<String>, target: Target, what: &str) {
        self.phrase_use_suffixed(phrase, target, what, 0);
    }

    /// [`Self::phrase_use`] for a lexicon term whose last word may take the endings of
    /// suffix set `suffixes` (0: none; a term ending in `*` needs none).
    fn phrase_use_suffixed(
        &mut self,
        phrase: &Located<String>,
        target: Target,
        what: &str,
        suffixes: u16,
    ) {
        let mut text = phrase.value.trim();
        let left_open = text.starts_with('*');
        let right_open = text.len() > 1 && text.ends_with('*');
        text = text.trim_start_matches('*').trim_end_matches('*');
        if text.contains('*') {
            self.diags.push(
                Diagnostic::new(
                    DiagCode::BadWildcard,
                    phrase.loc.clone(),
                    format!("{what} \"{}\" has a '*' inside it", phrase.value),
                )
                .with_help(
                    "'*' may only stand at the start or end of a phrase; use a regex for gaps",
                ),
            );
            return;
        }
        let norm = normalize_phrase(text);
        if norm.is_empty() {
            self.diags.push(
                Diagnostic::new(
                    DiagCode::EmptyPhrase,
                    phrase.loc.clone(),
                    format!(
                        "{what} \"{}\" is only punctuation or spaces, so it can never match",
                        phrase.value
                    ),
                )
                .with_help("punctuation and spaces are ignored when matching; write words"),
            );
            return;
        }
        let pid = match self.pattern_ids.get(&norm) {
            Some(&p) => p,
            None => {
                let p = self.patterns.len() as u32;
                self.pattern_ids.insert(norm.clone(), p);
                self.patterns.push((norm, Vec::new()));
                p
            }
        };
        let use_ = PatternUse {
            target,
            left_open,
            right_open,
            suffixes: if right_open { 0 } else { suffixes },
        };
        let uses = &mut self.patterns[pid as usize].1;
        // A term listed twice (in the pack's own terms and an external VADER file, or in
        // two lexicons) counts once, with the weight seen first: own terms override.
        let term_again = matches!(target, Target::Term(_))
            && uses.iter().any(|u| {
                matches!(u.target, Target::Term(_))
                    && u.left_open == left_open
                    && u.right_open == right_open
            });
        if !term_again && !uses.contains(&use_) {
            uses.push(use_);
        }
    }

    /// Warn when two drivers claim the same phrase: a call saying it gets both.
    /// Only phrases that find a driver on their own count: "credit" near "limit" and
    /// "credit" near "score" are two different reasons, not one phrase claimed twice.
    fn shared_driver_phrases(&mut self, raw: &RawPack) {
        let mut owner: BTreeMap<String, (String, Loc)> = BTreeMap::new();
        for d in &raw.drivers {
            let mut phrases = Vec::new();
            sufficient_phrases(&d.when, d.min_score.unwrap_or(0.0), &mut phrases);
            for p in phrases {
                let norm = normalize_phrase(p.value.trim_matches('*'));
                if norm.is_empty() {
                    continue;
                }
                match owner.get(&norm) {
                    Some((other, first)) if *other != d.id.value => {
                        let (line, col) = self.sources.line_col(first.file, first.span.start);
                        self.diags.push(
                            Diagnostic::new(DiagCode::SharedDriverPhrase, p.loc.clone(), format!("phrase \"{}\" is claimed by drivers \"{other}\" and \"{}\"", p.value, d.id.value))
                                .with_help(format!("a call that says it gets both drivers; first claimed at {}:{line}:{col}", self.sources.path(first.file).display())),
                        );
                    }
                    Some(_) => {}
                    None => {
                        owner.insert(norm, (d.id.value.clone(), p.loc.clone()));
                    }
                }
            }
        }
    }
}

/// The phrases that make `c` hold on their own: those of an `any` (or of an `all` of
/// one phrase) reached through `or` only, and that score at least `need` (the driver's
/// `min_score`) alone: a phrase weighing less finds the driver only with others, so two
/// drivers may share it, the other phrases deciding.
fn sufficient_phrases<'a>(c: &'a RawCond, need: f64, out: &mut Vec<&'a Located<String>>) {
    let need = match &c.weight {
        Some(w) if w.value >= need => 0.0,
        Some(_) => return,
        None => need,
    };
    match &c.kind {
        RawKind::Any(p) if need <= 1.0 => out.extend(p.iter()),
        RawKind::All(p) if p.len() == 1 && need <= 1.0 => out.extend(p.iter()),
        RawKind::Or(s) => s.iter().for_each(|c| sufficient_phrases(c, need, out)),
        _ => {}
    }
}

fn first_line(s: &str) -> &str {
    s.lines().find(|l| !l.trim().is_empty()).unwrap_or(s).trim()
}

fn closest<'a>(id: &str, known: &[&'a str]) -> Option<&'a str> {
    super::load::closest_within(id, known, (id.chars().count() / 3).max(2))
}
