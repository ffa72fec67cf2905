//! Whole-call rule tests: Markdown files in `rules/tests/` (like ruff's mdtest).
//!
//! A file is prose for people, plus fenced blocks for callscore:
//!
//! ````markdown
//! ```toml
//! only = ["greeting_company", "billing/refund"]   # optional: ids to check
//! channel = "voice"                                # optional metadata (default voice)
//! ```
//!
//! ```transcript
//! agent 00:02 | Thank you for calling Acme.   # hit: [greeting_company]
//! customer 00:09 | I want a refund.            # hit: [billing/refund]
//! ```
//!
//! ```expect
//! greeting_company = pass
//! drivers = [billing/refund]
//! primary = billing/refund
//! auto_fail = false
//! ```
//! ````
//!
//! The call is scored with the whole pack, exactly as `callscore run` would. Then, for
//! every *checked* id (the `only` list plus every id the file mentions), the turns where
//! the item or driver has evidence must be exactly the turns annotated `# hit: [id]`:
//! an annotation without evidence is **missing**, evidence without an annotation is
//! **noisy**. Every line of the `expect` block must match the outcome.

use crate::matcher::{Scan, scan_call};
use crate::record::{CallRecord, Evidence, Outcome};
use crate::rules::Pack;
use crate::rules::model::Mode;
use crate::score::eval::EvalCtx;
use crate::score::{ScoreOptions, fmt_time, score_call};
use crate::transcript::{Call, Format, Metadata, Speaker, Turn, estimated_duration_ms};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// One turn of a ```transcript block.
#[derive(Debug, Clone, PartialEq)]
pub struct TestTurn {
    /// Who speaks.
    pub speaker: Speaker,
    /// Start, ms.
    pub start_ms: u64,
    /// What is said (without the annotation).
    pub text: String,
    /// Ids annotated with `# hit: [...]`.
    pub hits: Vec<String>,
    /// 1-based line in the file.
    pub line: usize,
}

/// One `key = value` line of an ```expect block.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpectLine {
    /// Item id, or `drivers`, `primary`, `auto_fail`, `score`.
    pub key: String,
    /// The value as written (quotes removed; lists as their items).
    pub value: ExpectValue,
    /// 1-based line in the file.
    pub line: usize,
}

/// The value of an expect line.
#[derive(Debug, Clone, PartialEq)]
pub enum ExpectValue {
    /// A single word: `pass`, `n/a`, `billing/refund`, `false`, `87.5`.
    Word(String),
    /// A list: `[billing/refund, technical/outage]`.
    List(Vec<String>),
}

impl std::fmt::Display for ExpectValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExpectValue::Word(w) => f.write_str(w),
            ExpectValue::List(l) => write!(f, "[{}]", l.join(", ")),
        }
    }
}

/// A parsed test file.
#[derive(Debug, Clone, Default)]
pub struct MdTest {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its text.
    pub text: String,
    /// `only = [...]` from the ```toml block.
    pub only: Option<Vec<String>>,
    /// Metadata of the call (channel defaults to `voice`).
    pub metadata: Metadata,
    /// The turns.
    pub turns: Vec<TestTurn>,
    /// The ```expect lines.
    pub expect: Vec<ExpectLine>,
    /// Byte range of the expect block's content (between the fences), if there is one.
    pub expect_range: Option<Range<usize>>,
    /// 1-based line of the ```toml block's opening fence.
    pub toml_line: usize,
}

/// A problem in a test file itself (not a test failure).
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Keys of the ```toml block.
const TOML_KEYS: &[&str] = &["only", "channel", "language", "metadata"];
/// Expect keys that are not item ids.
const RESERVED: &[&str] = &["drivers", "primary", "auto_fail", "score"];

/// Numbered lines of a fenced block.
type Lines<'a> = Vec<(usize, &'a str)>;

/// Parse a test file. Every problem is returned, with its line.
pub fn parse(path: &Path, text: &str) -> Result<MdTest, Vec<ParseError>> {
    let mut t = MdTest {
        path: path.to_path_buf(),
        text: text.to_string(),
        metadata: Metadata {
            channel: Some("voice".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let mut errors = Vec::new();
    let err = |errors: &mut Vec<ParseError>, line: usize, m: String| {
        errors.push(ParseError { line, message: m })
    };
    // (kind, opening line, content start byte, content lines)
    let mut blocks: Vec<(String, usize, usize, usize, Lines)> = Vec::new();
    let mut open: Option<(String, usize, usize, Lines)> = None;
    let mut offset = 0;
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        let line_no = i + 1;
        let line = raw.trim_end_matches(['\n', '\r']);
        let start = offset;
        offset += raw.len();
        let trimmed = line.trim_start();
        match &mut open {
            None => {
                if let Some(info) = trimmed.strip_prefix("```") {
                    open = Some((info.trim().to_string(), line_no, offset, Vec::new()));
                }
            }
            Some((kind, opened, content_start, lines)) => {
                if trimmed.starts_with("```") {
                    blocks.push((
                        std::mem::take(kind),
                        *opened,
                        *content_start,
                        start,
                        std::mem::take(lines),
                    ));
                    open = None;
                } else {
                    lines.push((line_no, line));
                }
            }
        }
    }
    if let Some((_, opened, ..)) = open {
        err(&mut errors, opened, "this ``` block is never closed".into());
    }
    let mut seen = BTreeSet::new();
    for (kind, opened, content_start, content_end, lines) in blocks {
        if !matches!(kind.as_str(), "toml" | "transcript" | "expect") {
            continue;
        }
        if !seen.insert(kind.clone()) {
            err(
                &mut errors,
                opened,
                format!("a second ```{kind} block; a test file has at most one"),
            );
            continue;
        }
        match kind.as_str() {
            "toml" => {
                t.toml_line = opened;
                let body: String = lines.iter().map(|(_, l)| format!("{l}\n")).collect();
                parse_toml(&mut t, &body, opened, &mut errors);
            }
            "transcript" => {
                for (n, l) in lines {
                    if l.trim().is_empty() {
                        continue;
                    }
                    match parse_turn(l) {
                        Ok(mut turn) => {
                            turn.line = n;
                            t.turns.push(turn);
                        }
                        Err(m) => err(&mut errors, n, m),
                    }
                }
            }
            _ => {
                t.expect_range = Some(content_start..content_end);
                for (n, l) in lines {
                    let l = strip_comment(l).trim();
                    if l.is_empty() {
                        continue;
                    }
                    match parse_expect(l) {
                        Ok((key, value)) => t.expect.push(ExpectLine {
                            key,
                            value,
                            line: n,
                        }),
                        Err(m) => err(&mut errors, n, m),
                    }
                }
            }
        }
    }
    if t.turns.is_empty() && errors.is_empty() {
        err(
            &mut errors,
            1,
            "no ```transcript block with turns (`agent 00:05 | text`)".into(),
        );
    }
    for w in t.turns.windows(2) {
        if w[1].start_ms < w[0].start_ms {
            err(
                &mut errors,
                w[1].line,
                "turns must be in time order: this one starts before the turn above".into(),
            );
        }
    }
    if errors.is_empty() {
        Ok(t)
    } else {
        Err(errors)
    }
}

fn parse_toml(t: &mut MdTest, body: &str, opened: usize, errors: &mut Vec<ParseError>) {
    let table: toml::Table = match toml::from_str(body) {
        Ok(v) => v,
        Err(e) => {
            let line = e
                .span()
                .map_or(0, |s| body[..s.start.min(body.len())].matches('\n').count());
            errors.push(ParseError {
                line: opened + 1 + line,
                message: format!("invalid TOML: {}", e.message()),
            });
            return;
        }
    };
    let str_of = |v: &toml::Value| v.as_str().map(str::to_string);
    for (k, v) in &table {
        let bad = |what: &str| ParseError {
            line: opened,
            message: format!("`{k}` in the ```toml block must be {what}"),
        };
        match k.as_str() {
            "only" => match v.as_array() {
                Some(a) if a.iter().all(|x| x.is_str()) => {
                    t.only = Some(a.iter().filter_map(str_of).collect());
                }
                _ => errors.push(bad("a list of item and driver ids")),
            },
            "channel" => match str_of(v) {
                Some(s) => t.metadata.channel = Some(s.to_lowercase()),
                None => errors.push(bad("a string")),
            },
            "language" => match str_of(v) {
                Some(s) => t.metadata.language = Some(s),
                None => errors.push(bad("a string")),
            },
            "metadata" => match v.as_table() {
                Some(m) => {
                    for (mk, mv) in m {
                        let Some(s) = str_of(mv) else {
                            errors.push(bad("a table of strings"));
                            continue;
                        };
                        match mk.as_str() {
                            "agent" => t.metadata.agent = Some(s),
                            "team" => t.metadata.team = Some(s),
                            "queue" => t.metadata.queue = Some(s),
                            "customer_id" => t.metadata.customer_id = Some(s),
                            _ => {
                                t.metadata.extra.insert(mk.clone(), s);
                            }
                        }
                    }
                }
                None => errors.push(bad("a table { key = \"value\" }")),
            },
            other => errors.push(ParseError {
                line: opened,
                message: format!(
                    "unknown key `{other}` in the ```toml block (allowed: {})",
                    TOML_KEYS.join(", ")
                ),
            }),
        }
    }
}

/// `agent 00:05 | text  # hit: [a, b]`.
fn parse_turn(line: &str) -> Result<TestTurn, String> {
    let Some((head, rest)) = line.split_once('|') else {
        return Err("a turn is `speaker mm:ss | text` (no `|` found)".into());
    };
    let mut parts = head.split_whitespace();
    let (Some(sp), Some(time), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(format!(
            "`{}` should be a speaker and a time, e.g. `agent 00:05`",
            head.trim()
        ));
    };
    let speaker = match sp {
        "agent" => Speaker::Agent,
        "customer" => Speaker::Customer,
        "other" => Speaker::Other,
        other => {
            return Err(format!(
                "unknown speaker `{other}` (agent, customer or other)"
            ));
        }
    };
    let start_ms = parse_time(time).ok_or_else(|| {
        format!("`{time}` is not a time: write mm:ss (00:05) or h:mm:ss (1:02:03)")
    })?;
    let (text, hits) = match rest.rfind("# hit:") {
        Some(i) => (&rest[..i], parse_list(&rest[i + 6..])?),
        None => (rest, Vec::new()),
    };
    Ok(TestTurn {
        speaker,
        start_ms,
        text: text.trim().to_string(),
        hits,
        line: 0,
    })
}

fn parse_time(s: &str) -> Option<u64> {
    let parts: Vec<&str> = s.split(':').collect();
    let nums: Option<Vec<u64>> = parts.iter().map(|p| p.parse::<u64>().ok()).collect();
    let nums = nums?;
    match nums.as_slice() {
        [m, s] if *s < 60 => Some((m * 60 + s) * 1000),
        [h, m, s] if *s < 60 && *m < 60 => Some((h * 3600 + m * 60 + s) * 1000),
        _ => None,
    }
}

fn unquote(s: &str) -> String {
    s.trim().trim_matches('"').trim_matches('\'').to_string()
}

fn parse_list(s: &str) -> Result<Vec<String>, String> {
    let s = s.trim();
    let inner = s
        .strip_prefix('[')
        .and_then(|x| x.strip_suffix(']'))
        .ok_or_else(|| format!("`{s}` should be a list like [greeting_company, billing/refund]"))?;
    Ok(inner
        .split(',')
        .map(unquote)
        .filter(|x| !x.is_empty())
        .collect())
}

fn strip_comment(l: &str) -> &str {
    // `#` starts a comment unless it is inside quotes (ids never contain `#`).
    match l.find(" #").or_else(|| l.starts_with('#').then_some(0)) {
        Some(i) => &l[..i],
        None => l,
    }
}

fn parse_expect(l: &str) -> Result<(String, ExpectValue), String> {
    let (k, v) = l
        .split_once('=')
        .ok_or_else(|| format!("`{l}` should be `key = value`"))?;
    let key = unquote(k);
    let v = v.trim();
    let value = if v.starts_with('[') {
        ExpectValue::List(parse_list(v)?)
    } else {
        ExpectValue::Word(unquote(v))
    };
    let ok = match (key.as_str(), &value) {
        ("drivers", ExpectValue::List(_)) => true,
        ("drivers", _) => return Err("`drivers` must be a list, e.g. [billing/refund]".into()),
        ("primary", ExpectValue::Word(_)) => true,
        ("auto_fail", ExpectValue::Word(w)) => matches!(w.as_str(), "true" | "false"),
        ("score", ExpectValue::Word(w)) => w.parse::<f64>().is_ok() || w == "none",
        (_, ExpectValue::Word(w)) if !RESERVED.contains(&key.as_str()) => {
            matches!(w.as_str(), "pass" | "fail" | "n/a")
        }
        _ => false,
    };
    if !ok {
        return Err(format!(
            "`{key} = {value}`: items take pass, fail or n/a; drivers = [ids]; primary = id or none; auto_fail = true or false; score = number"
        ));
    }
    Ok((key, value))
}

/// Why a check of a test file failed.
#[derive(Debug, Clone)]
pub enum Failure {
    /// The file could not be read or names ids the pack does not have.
    Invalid(ParseError),
    /// An annotated id has no evidence in that turn.
    Missing {
        /// Item or driver id.
        id: String,
        /// Turn index (0-based).
        turn: usize,
        /// What was found instead: closest candidates and evidence elsewhere.
        notes: Vec<String>,
    },
    /// An id has evidence in a turn that does not annotate it.
    Noisy {
        /// Item or driver id.
        id: String,
        /// Turn index (0-based).
        turn: usize,
        /// The matched text.
        matched: String,
    },
    /// An expect line does not match.
    Wrong {
        /// The expect line.
        line: ExpectLine,
        /// The actual value.
        actual: ExpectValue,
        /// Reason and evidence.
        notes: Vec<String>,
    },
}

impl Failure {
    /// One letter for the summary line.
    pub fn mark(&self) -> char {
        match self {
            Failure::Invalid(_) => 'E',
            Failure::Missing { .. } => 'M',
            Failure::Noisy { .. } => 'N',
            Failure::Wrong { .. } => 'X',
        }
    }
}

/// The outcome of one test file.
#[derive(Debug, Clone)]
pub struct MdResult {
    /// The file.
    pub path: PathBuf,
    /// One mark per check, in file order: `.` passed, else the failure's mark.
    pub marks: String,
    /// Failures, in file order.
    pub failures: Vec<Failure>,
    /// The test (None when it could not be parsed).
    pub test: Option<MdTest>,
    /// The actual value of every expect key (for `--update`).
    pub actual: BTreeMap<String, ExpectValue>,
    /// The record of the call.
    pub record: Option<CallRecord>,
}

impl MdResult {
    /// True when every check passed.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Build the call a test describes.
pub fn test_call(t: &MdTest) -> Call {
    let n = t.turns.len();
    let turns = t
        .turns
        .iter()
        .enumerate()
        .map(|(i, tt)| {
            let mut end = tt.start_ms + estimated_duration_ms(&tt.text);
            if i + 1 < n && t.turns[i + 1].start_ms > tt.start_ms {
                end = end.min(t.turns[i + 1].start_ms);
            }
            Turn {
                speaker: tt.speaker,
                label: None,
                text: tt.text.clone(),
                start_ms: Some(tt.start_ms),
                end_ms: Some(end.max(tt.start_ms)),
                line: Some(tt.line as u32),
            }
        })
        .collect();
    Call {
        call_id: t
            .path
            .file_stem()
            .map_or_else(|| "test".into(), |s| s.to_string_lossy().into_owned()),
        source: t.path.display().to_string(),
        source_line: None,
        format: Format::NativeJson,
        metadata: t.metadata.clone(),
        turns,
        times_estimated: false,
    }
}

/// Read, parse and run one test file.
pub fn run_file(pack: &Pack, path: &Path) -> MdResult {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            return invalid(
                path,
                vec![ParseError {
                    line: 1,
                    message: e.to_string(),
                }],
            );
        }
    };
    run_text(pack, path, &text)
}

fn invalid(path: &Path, errors: Vec<ParseError>) -> MdResult {
    MdResult {
        path: path.to_path_buf(),
        marks: "E".repeat(errors.len()),
        failures: errors.into_iter().map(Failure::Invalid).collect(),
        test: None,
        actual: BTreeMap::new(),
        record: None,
    }
}

/// Parse and run a test given as text.
pub fn run_text(pack: &Pack, path: &Path, text: &str) -> MdResult {
    let t = match parse(path, text) {
        Ok(t) => t,
        Err(errors) => return invalid(path, errors),
    };
    let item_ids: BTreeMap<&str, usize> = pack
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| (it.id.as_str(), i))
        .collect();
    let driver_ids: BTreeMap<&str, usize> = pack
        .drivers
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    let known = |id: &str| item_ids.contains_key(id) || driver_ids.contains_key(id);

    // The checked ids: `only` plus every id the file mentions.
    let mut errors = Vec::new();
    let mut checked: BTreeSet<String> = BTreeSet::new();
    let mut mention = |id: &str, line: usize, errors: &mut Vec<ParseError>| {
        if known(id) {
            checked.insert(id.to_string());
        } else {
            errors.push(ParseError {
                line,
                message: format!("no item or driver has the id \"{id}\""),
            });
        }
    };
    for id in t.only.iter().flatten() {
        mention(id, t.toml_line, &mut errors);
    }
    for turn in &t.turns {
        for id in &turn.hits {
            mention(id, turn.line, &mut errors);
        }
    }
    for e in &t.expect {
        match (e.key.as_str(), &e.value) {
            ("drivers", ExpectValue::List(ids)) => {
                ids.iter().for_each(|id| mention(id, e.line, &mut errors))
            }
            ("primary", ExpectValue::Word(w)) if w != "none" => mention(w, e.line, &mut errors),
            ("auto_fail" | "score" | "primary", _) => {}
            (id, _) if item_ids.contains_key(id) => mention(id, e.line, &mut errors),
            (id, _) => errors.push(ParseError {
                line: e.line,
                message: format!("no item has the id \"{id}\""),
            }),
        }
    }
    if !errors.is_empty() {
        return invalid(path, errors);
    }

    let call = test_call(&t);
    let mut scan = Scan::new(pack);
    scan_call(pack, &call, &mut scan);
    let record = score_call(pack, &call, &scan, ScoreOptions { redact: false });

    // Evidence turns of every checked id, as the record would show them (not capped).
    let mut ctx = EvalCtx::new(pack, &call, &scan);
    for m in &record.drivers.matched {
        ctx.drivers[driver_ids[m.id.as_str()]] = true;
    }
    for r in &record.qa.items {
        ctx.item_passed[item_ids[r.id.as_str()]] = Some(r.result == Outcome::Pass);
    }
    let mut evidence: BTreeMap<&str, BTreeMap<usize, String>> = BTreeMap::new();
    for id in &checked {
        let refs = if let Some(&di) = driver_ids.get(id.as_str()) {
            if ctx.drivers[di] {
                ctx.eval(&pack.drivers[di].when).evidence
            } else {
                Vec::new()
            }
        } else {
            let ii = item_ids[id.as_str()];
            let item = &pack.items[ii];
            let result = record
                .qa
                .items
                .iter()
                .find(|r| r.id == *id)
                .map(|r| r.result);
            match (item.mode, result) {
                (Mode::Require, Some(Outcome::Pass)) | (Mode::Forbid, Some(Outcome::Fail)) => {
                    ctx.eval(&item.cond).evidence
                }
                _ => Vec::new(),
            }
        };
        let turns = evidence.entry(id.as_str()).or_default();
        for r in refs {
            let h = &scan.leaf_hits[r.leaf as usize][r.index as usize];
            let text = &call.turns[h.turn as usize].text;
            let matched = text
                .get(h.orig.start as usize..h.orig.end as usize)
                .unwrap_or("")
                .to_string();
            turns.entry(h.turn as usize).or_insert(matched);
        }
    }

    let mut marks = String::new();
    let mut failures = Vec::new();
    let when = |turn: usize| {
        let tt = &t.turns[turn];
        format!("{} {}", tt.speaker.as_str(), fmt_time(tt.start_ms))
    };
    for (ti, turn) in t.turns.iter().enumerate() {
        for id in &turn.hits {
            let hit = evidence
                .get(id.as_str())
                .is_some_and(|e| e.contains_key(&ti));
            if hit {
                marks.push('.');
                continue;
            }
            let mut notes = Vec::new();
            if let Some(r) = record.qa.items.iter().find(|r| r.id == *id) {
                notes.push(format!("{} is {}: {}", id, r.result.as_str(), r.reason));
                for c in &r.closest {
                    notes.push(format!("closest: {}", quote(c, &t)));
                }
            } else if !record.drivers.matched.iter().any(|d| d.id == *id) {
                notes.push(format!("driver {id} was not found in this call"));
            }
            let elsewhere: Vec<String> = evidence
                .get(id.as_str())
                .into_iter()
                .flatten()
                .map(|(turn, m)| format!("turn {} ({}): \"{m}\"", turn + 1, when(*turn)))
                .collect();
            if !elsewhere.is_empty() {
                notes.push(format!("evidence elsewhere: {}", elsewhere.join("; ")));
            }
            let f = Failure::Missing {
                id: id.clone(),
                turn: ti,
                notes,
            };
            marks.push(f.mark());
            failures.push(f);
        }
    }
    for (id, turns) in &evidence {
        for (&ti, matched) in turns {
            if !t.turns[ti].hits.iter().any(|h| h == id) {
                let f = Failure::Noisy {
                    id: id.to_string(),
                    turn: ti,
                    matched: matched.clone(),
                };
                marks.push(f.mark());
                failures.push(f);
            }
        }
    }
    // Noisy failures in turn order.
    failures.sort_by_key(|f| match f {
        Failure::Missing { turn, .. } | Failure::Noisy { turn, .. } => *turn,
        _ => usize::MAX,
    });

    let mut actual = BTreeMap::new();
    actual.insert(
        "drivers".to_string(),
        ExpectValue::List(
            record
                .drivers
                .matched
                .iter()
                .map(|d| d.id.clone())
                .collect(),
        ),
    );
    actual.insert(
        "primary".to_string(),
        ExpectValue::Word(
            record
                .drivers
                .primary
                .clone()
                .unwrap_or_else(|| "none".into()),
        ),
    );
    actual.insert(
        "auto_fail".to_string(),
        ExpectValue::Word(record.qa.auto_fail.to_string()),
    );
    actual.insert(
        "score".to_string(),
        ExpectValue::Word(
            record
                .qa
                .score
                .map_or_else(|| "none".into(), |s| s.to_string()),
        ),
    );
    for r in &record.qa.items {
        actual.insert(
            r.id.clone(),
            ExpectValue::Word(r.result.as_str().to_string()),
        );
    }
    for e in &t.expect {
        let got = actual[e.key.as_str()].clone();
        let same = match (&e.value, &got) {
            (ExpectValue::List(a), ExpectValue::List(b)) => {
                a.iter().collect::<BTreeSet<_>>() == b.iter().collect::<BTreeSet<_>>()
            }
            (ExpectValue::Word(a), ExpectValue::Word(b)) if e.key == "score" => {
                a.parse::<f64>().ok() == b.parse::<f64>().ok() && a.parse::<f64>().is_ok() || a == b
            }
            (a, b) => a == b,
        };
        if same {
            marks.push('.');
            continue;
        }
        let mut notes = Vec::new();
        if let Some(r) = record.qa.items.iter().find(|r| r.id == e.key) {
            notes.push(format!("reason: {}", r.reason));
            for ev in &r.evidence {
                notes.push(format!("evidence: {}", quote(ev, &t)));
            }
        } else if e.key == "drivers" || e.key == "primary" {
            for d in &record.drivers.matched {
                let first = d
                    .evidence
                    .first()
                    .map(|ev| quote(ev, &t))
                    .unwrap_or_default();
                notes.push(format!("{} ({} hit(s)): {first}", d.id, d.hits));
            }
        } else if e.key == "auto_fail" || e.key == "score" {
            for r in record.qa.items.iter().filter(|r| r.result == Outcome::Fail) {
                notes.push(format!(
                    "failed{}: {} — {}",
                    if r.critical { " (critical)" } else { "" },
                    r.id,
                    r.reason
                ));
            }
        }
        let f = Failure::Wrong {
            line: e.clone(),
            actual: got,
            notes,
        };
        marks.push(f.mark());
        failures.push(f);
    }
    MdResult {
        path: path.to_path_buf(),
        marks,
        failures,
        test: Some(t),
        actual,
        record: Some(record),
    }
}

/// `"matched" (turn 3, agent 00:41)` of an evidence quote.
fn quote(e: &Evidence, t: &MdTest) -> String {
    let line = t
        .turns
        .get(e.turn as usize)
        .map_or(String::new(), |tt| format!(", line {}", tt.line));
    format!(
        "\"{}\" (turn {}, {} {}{line})",
        e.matched,
        e.turn + 1,
        e.speaker.as_str(),
        e.start_ms.map(fmt_time).unwrap_or_default()
    )
}

/// Where a failure is, as `path:line`.
pub fn failure_line(r: &MdResult, f: &Failure) -> usize {
    match f {
        Failure::Invalid(e) => e.line,
        Failure::Missing { turn, .. } | Failure::Noisy { turn, .. } => {
            r.test.as_ref().map_or(0, |t| t.turns[*turn].line)
        }
        Failure::Wrong { line, .. } => line.line,
    }
}

/// Describe a failure in one line plus indented notes.
pub fn describe_failure(r: &MdResult, f: &Failure) -> String {
    let at = format!("{}:{}", r.path.display(), failure_line(r, f));
    let turn_desc = |turn: usize| {
        let tt = &r.test.as_ref().expect("parsed").turns[turn];
        format!(
            "turn {} ({} {})",
            turn + 1,
            tt.speaker.as_str(),
            fmt_time(tt.start_ms)
        )
    };
    let (head, notes): (String, Vec<String>) = match f {
        Failure::Invalid(e) => (format!("invalid test: {}", e.message), Vec::new()),
        Failure::Missing { id, turn, notes } => (
            format!("missing: {id} has no evidence in {}", turn_desc(*turn)),
            notes.clone(),
        ),
        Failure::Noisy { id, turn, matched } => (
            format!(
                "noisy: {id} has evidence in {} without `# hit: [{id}]`: \"{matched}\"",
                turn_desc(*turn)
            ),
            Vec::new(),
        ),
        Failure::Wrong {
            line,
            actual,
            notes,
        } => (
            format!(
                "wrong outcome: {}: expected {}, got {actual}",
                line.key, line.value
            ),
            notes.clone(),
        ),
    };
    let mut out = format!("  {at}: {head}");
    for n in notes {
        out.push_str(&format!("\n      {n}"));
    }
    out
}

/// The text of a test file with its ```expect block rewritten to the actual outcomes.
/// Keys already in the block keep their place (comments and blank lines are kept);
/// checked items not in the block are added; a file without a block gets one at the end.
/// Returns None when the file could not be parsed (nothing to update).
pub fn updated_text(r: &MdResult) -> Option<String> {
    let t = r.test.as_ref()?;
    let value = |k: &str| r.actual.get(k).map(ToString::to_string);
    let mut block = String::new();
    if let Some(range) = &t.expect_range {
        for line in t.text[range.clone()].lines() {
            let content = strip_comment(line).trim();
            let Ok((key, _)) = parse_expect(content).or_else(|_| {
                // A line whose value is wrong for its key is still rewritten.
                content
                    .split_once('=')
                    .map(|(k, _)| (unquote(k), ExpectValue::Word(String::new())))
                    .ok_or(())
            }) else {
                block.push_str(line);
                block.push('\n');
                continue;
            };
            match value(&key) {
                Some(v) => {
                    let comment = &line[strip_comment(line).trim_end().len()..];
                    block.push_str(&format!("{key} = {v}{comment}\n"));
                }
                None => {
                    block.push_str(line);
                    block.push('\n');
                }
            }
        }
    }
    let present_keys: BTreeSet<String> = t
        .text
        .get(t.expect_range.clone().unwrap_or(0..0))
        .unwrap_or("")
        .lines()
        .filter_map(|l| strip_comment(l).split_once('=').map(|(k, _)| unquote(k)))
        .collect();
    let mut add: Vec<String> = Vec::new();
    let only: Vec<&String> = t.only.iter().flatten().collect();
    let record = r.record.as_ref()?;
    for item in &record.qa.items {
        let mentioned =
            only.contains(&&item.id) || t.turns.iter().any(|tt| tt.hits.contains(&item.id));
        if mentioned && !present_keys.contains(&item.id) {
            add.push(item.id.clone());
        }
    }
    if t.expect_range.is_none() {
        if only.is_empty() {
            // No narrowing: the new block says what happened to every item.
            add = record.qa.items.iter().map(|i| i.id.clone()).collect();
        }
        add.extend(["drivers", "primary", "auto_fail"].map(String::from));
    }
    for k in add {
        if let Some(v) = value(&k) {
            block.push_str(&format!("{k} = {v}\n"));
        }
    }
    Some(match &t.expect_range {
        Some(range) => format!(
            "{}{}{}",
            &t.text[..range.start],
            block,
            &t.text[range.end..]
        ),
        None => {
            let sep = if t.text.ends_with('\n') { "" } else { "\n" };
            format!("{}{sep}\n```expect\n{block}```\n", t.text)
        }
    })
}

/// Every `*.md` test file under `dir`, sorted (README.md excluded).
pub fn test_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "md")
                && p.file_name()
                    .is_some_and(|n| !n.eq_ignore_ascii_case("README.md"))
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests;
