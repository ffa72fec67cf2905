//! Parsing a Markdown rule test: the fenced ```toml, ```transcript and ```expect
//! blocks, with every problem reported on its line.

use crate::transcript::{Metadata, Speaker};
use std::collections::BTreeSet;
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

pub(super) fn unquote(s: &str) -> String {
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

pub(super) fn strip_comment(l: &str) -> &str {
    // `#` starts a comment unless it is inside quotes (ids never contain `#`).
    match l.find(" #").or_else(|| l.starts_with('#').then_some(0)) {
        Some(i) => &l[..i],
        None => l,
    }
}

pub(super) fn parse_expect(l: &str) -> Result<(String, ExpectValue), String> {
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
