//! Running a parsed rule test: score the call with the whole pack, compare evidence
//! turns with the `# hit:` annotations and outcomes with the ```expect lines, and
//! describe every failure.

use super::parse::{ExpectLine, ExpectValue, MdTest, ParseError, parse};
use crate::matcher::{Scan, scan_call};
use crate::record::{CallRecord, Evidence, Outcome};
use crate::rules::Pack;
use crate::rules::model::Mode;
use crate::score::eval::EvalCtx;
use crate::score::{ScoreOptions, fmt_time, score_call};
use crate::transcript::{Call, Format, Turn, estimated_duration_ms};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

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
    let record = score_call(
        pack,
        &call,
        &scan,
        ScoreOptions {
            redact: false,
            ..ScoreOptions::default()
        },
    );

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
