//! What every reader shares, below the module that dispatches to them: the error type
//! ([`ReadError`]), the reader options ([`ReadOptions`]), the per-file context ([`Ctx`]),
//! JSON parsing with located errors, the common last step of every reader ([`finish`],
//! [`fill_ends`]), and the shared vocabularies: metadata keys ([`meta`]), speaker labels
//! ([`speakers`]), time formats ([`timefmt`]) and header blocks of text exports
//! ([`header`]).
//!
//! Contract: nothing here knows any one format, and nothing here imports from
//! `input::read` (the readers import from here, never from their dispatcher).

pub(crate) mod header;
pub(crate) mod meta;
pub(crate) mod speakers;
pub(crate) mod timefmt;

use crate::transcript::{Call, Format, Metadata, Speaker, Turn, estimated_duration_ms};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// Why an input (a file, or one record of a JSON Lines stream) could not be read.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReadError {
    /// The file (as given / walked), or `-` for stdin.
    pub source: String,
    /// 1-based line in the file, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The call id, when it could be read before the error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call_id: Option<String>,
    /// What was wrong, e.g. `invalid JSON: expected ',' or '}' at column 17`.
    pub reason: String,
    /// What the user can do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl ReadError {
    /// An error about `source` with no line, call id or hint yet.
    pub(crate) fn new(source: &str, reason: impl Into<String>) -> Self {
        ReadError {
            source: source.to_string(),
            line: None,
            call_id: None,
            reason: reason.into(),
            hint: None,
        }
    }

    /// Set the 1-based line.
    pub(crate) fn at_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }

    /// Set the hint.
    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Replace personal data in the reason and hint ([`crate::redact::redact_message`]):
    /// reasons quote the input they complain about (a metadata value, a field of a JSON
    /// line, a CSV header row), and errors go to `errors.jsonl` and logs like every other
    /// output. callscore's own sizes and positions stay, and so do the source and the call
    /// id: they are how the user finds the input to fix.
    pub fn redact(&mut self) {
        use crate::redact::redact_message;
        if let Cow::Owned(r) = redact_message(&self.reason) {
            self.reason = r;
        }
        if let Some(h) = &self.hint
            && let Cow::Owned(r) = redact_message(h)
        {
            self.hint = Some(r);
        }
    }

    /// Set the call id (if not empty).
    pub(crate) fn with_call(mut self, call_id: &str) -> Self {
        if !call_id.is_empty() {
            self.call_id = Some(call_id.to_string());
        }
        self
    }
}

impl fmt::Display for ReadError {
    /// `source[:line]: reason [(call id)] [— hint: …]`, for logs and the console.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        write!(f, ": {}", self.reason)?;
        if let Some(c) = &self.call_id {
            write!(f, " (call {c})")?;
        }
        if let Some(h) = &self.hint {
            write!(f, "; hint: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ReadError {}

/// Options that change how the bytes of an input become calls (the readers' part of
/// `InputOptions`; the same for every way a call comes in).
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Speaker label → role overrides (keys compared case-insensitively), e.g.
    /// `SPEAKER_01 → agent` for a diarised Whisper file where the customer spoke first.
    pub speaker_map: BTreeMap<String, Speaker>,
    /// Force this encoding instead of detecting it (an `encoding_rs` label such as `gbk`).
    pub encoding: Option<&'static encoding_rs::Encoding>,
}

pub(crate) const HINT_EMPTY: &str =
    "the file has no content; remove it from the input or re-export it";

/// What every reader needs to know about the input it reads.
pub(crate) struct Ctx<'a> {
    /// As given to the reader (goes into `Call::source` and errors).
    pub source: &'a str,
    /// Call id used when the source has none: the file stem (`stdin` for `-`), or
    /// `stem#LINE` for a JSON Lines record.
    pub stem: String,
    /// Reader options.
    pub opts: &'a ReadOptions,
}

impl<'a> Ctx<'a> {
    /// The context of a whole file (or stdin, `-`).
    pub fn new(source: &'a str, path: &Path, opts: &'a ReadOptions) -> Self {
        Ctx {
            source,
            stem: stem_of(path),
            opts,
        }
    }

    /// An error about this input.
    pub fn err(&self, reason: impl Into<String>) -> ReadError {
        ReadError::new(self.source, reason)
    }

    /// A new empty call of `format` with id `call_id` (or the stem when empty).
    pub fn call(&self, call_id: Option<String>, format: Format) -> Call {
        let call_id = call_id
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| self.stem.clone());
        Call {
            call_id,
            source: self.source.to_string(),
            source_line: None,
            format,
            metadata: Metadata::default(),
            turns: Vec::new(),
            times_estimated: false,
        }
    }
}

/// The file stem used for call ids (`stdin` for `-` or an empty path).
pub(crate) fn stem_of(path: &Path) -> String {
    // `x.json.gz` has the stem `x`, like `x.json`.
    let unzipped;
    let path = if crate::input::ext::is_gzip(path) {
        unzipped = path.with_extension("");
        unzipped.as_path()
    } else {
        path
    };
    let s = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if s.is_empty() || s == "-" {
        "stdin".to_string()
    } else {
        s
    }
}

/// Parse a whole document as JSON, with a located error.
pub(crate) fn parse_json(ctx: &Ctx, text: &str) -> Result<serde_json::Value, ReadError> {
    let body = text.trim_start_matches('\u{feff}');
    serde_json::from_str(body).map_err(|e| {
        ReadError::new(
            ctx.source,
            format!(
                "invalid JSON at column {}: {}",
                e.column(),
                json_error_message(&e)
            ),
        )
        .at_line(e.line() as u64)
        .with_hint(
            "the file is cut short or not JSON; re-export it or check it with a JSON validator",
        )
    })
}

/// serde_json's message without its ` at line L column C` suffix.
pub(crate) fn json_error_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    s.strip_suffix(&suffix).unwrap_or(&s).to_string()
}

/// Common last step of every reader: drop empty turns, order by time when every
/// turn has one, clamp `end < start`, fill missing times. Errors on a call with no
/// turn left.
pub(crate) fn finish(mut call: Call, ctx_source: &str) -> Result<Call, ReadError> {
    call.turns.retain(|t| !t.text.trim().is_empty());
    if call.turns.is_empty() {
        return Err(ReadError::new(ctx_source, "empty call: no turns")
            .with_call(&call.call_id)
            .with_hint("the transcript has no speech; check the export"));
    }
    if call.turns.iter().all(|t| t.start_ms.is_some()) {
        call.turns.sort_by_key(|t| t.start_ms);
    }
    for t in &mut call.turns {
        if let (Some(s), Some(e)) = (t.start_ms, t.end_ms)
            && e < s
        {
            t.end_ms = Some(s);
        }
    }
    call.estimate_missing_times();
    Ok(call)
}

/// Give turns with a start but no end an end: the next turn's start, or — when
/// `cap_by_estimate` — the time the text takes to say, whichever is sooner; the
/// last turn ends after its estimated duration.
pub(crate) fn fill_ends(turns: &mut [Turn], cap_by_estimate: bool) {
    let n = turns.len();
    for i in 0..n {
        let Some(s) = turns[i].start_ms else { continue };
        if turns[i].end_ms.is_some() {
            continue;
        }
        let est = s.saturating_add(estimated_duration_ms(&turns[i].text));
        let next = turns[i + 1..]
            .iter()
            .find_map(|t| t.start_ms)
            .filter(|&n| n >= s);
        turns[i].end_ms = Some(match next {
            Some(n) if cap_by_estimate => n.min(est),
            Some(n) => n,
            None => est,
        });
    }
}
