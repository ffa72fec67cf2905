//! Readers: bytes of any supported input format → [`Call`]s.
//!
//! Entry points used by the batch runner (`crate::run`):
//! - [`decode`]: bytes → text (UTF-8 with/without BOM, UTF-16 with BOM, GBK/GB18030);
//! - [`detect_format`]: which reader a file needs (extension + content sniffing);
//! - [`read_document`]: one whole file → its calls (every format but JSON Lines);
//! - [`read_native_line`]: one line of a native JSON Lines stream → one call;
//! - [`MetadataTable`]: a side CSV of metadata joined on call id
//!   ([`is_metadata_csv`] tells a metadata table from a chat export).
//!
//! Encoding detection order in [`decode`] (the first that applies wins):
//! 1. `ReadOptions::encoding`, if set (its own BOM is stripped);
//! 2. a byte-order mark: UTF-8 (`EF BB BF`), UTF-16LE (`FF FE`), UTF-16BE (`FE FF`);
//! 3. valid UTF-8 without NUL bytes;
//! 4. BOM-less UTF-16 when every other byte is NUL (ASCII-range text saved as UTF-16);
//! 5. GB18030 (a superset of GBK / GB2312) when the bytes decode without error;
//! 6. otherwise the file is "not text" and a [`ReadError`] says where it went wrong.
//!
//! Every reader follows the same conventions (see `docs/formats.md`): the call id is
//! taken from the source or else the file stem (`stem#n` for the n-th call of a file
//! that holds several without ids; `stdin` for `-`), turns with empty text are
//! dropped, times are milliseconds from the start of the call, and
//! [`Call::estimate_missing_times`] fills in times the source did not carry.
//!
//! A reader never panics on bad input: it returns a [`ReadError`] naming the file,
//! the line when known, what was wrong and what to do.

mod aws;
mod ccai;
mod chat_csv;
mod decode;
mod detect;
mod meta;
mod metadata_csv;
mod native;
mod plain;
mod speakers;
mod subtitles;
mod timefmt;
mod whisper;

use super::{Call, Format, Metadata, Speaker};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// Why an input (a file, or one line of a JSON Lines file) could not be read.
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

/// Options that change how inputs are read.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Speaker label → role overrides (keys compared case-insensitively), e.g.
    /// `SPEAKER_01 → agent` for a diarised Whisper file where the customer spoke first.
    pub speaker_map: BTreeMap<String, Speaker>,
    /// Force this encoding instead of detecting it (an `encoding_rs` label such as `gbk`).
    pub encoding: Option<&'static encoding_rs::Encoding>,
}

/// Decode a whole input to text. See the module docs for the detection order.
pub fn decode<'a>(
    bytes: &'a [u8],
    source: &str,
    opts: &ReadOptions,
) -> Result<std::borrow::Cow<'a, str>, ReadError> {
    decode::decode(bytes, source, opts)
}

/// Guess the format of a file from its extension and the start of its content.
///
/// Content wins over the extension where it is unambiguous: a file starting with
/// `WEBVTT` is WebVTT and a file starting with an SRT cue (`1` then a `-->` line) is
/// SRT whatever they are called; a `.json` is classified by its keys (`turns`,
/// `Transcript`, `entries`, `segments`) and is JSON Lines when it holds one object
/// per line. A `.csv` without a message column is a metadata table, not a transcript:
/// `None` (see [`is_metadata_csv`]). `None` also means "unknown format".
pub fn detect_format(path: &Path, text: &str) -> Option<Format> {
    detect::detect_format(path, text)
}

/// True when `text` is a CSV whose header has no message/text column, i.e. a
/// metadata table for [`MetadataTable::load`] rather than a chat export (which
/// [`detect_format`] reports as [`Format::ChatCsv`]). Whether the table has the
/// required `call_id` column is checked by [`MetadataTable::load`], which says so.
pub fn is_metadata_csv(text: &str) -> bool {
    chat_csv::is_metadata_csv(text)
}

/// The role a speaker label stands for in the shared label table (`Agent`,
/// `Customer (Bob)`, `坐席`, `客户`, `کارشناس`, `مشتری`, `IVR`, …), or `None` for a
/// label the table does not know (e.g. `SPEAKER_00`, `Sarah`). Case-insensitive;
/// surrounding whitespace, bidi marks and a trailing `(name)` are ignored, and a
/// label whose first word is known (`Agent Sarah`, `agent_2`) takes that word's role.
/// Useful to parse `--speaker-map` values the same way the readers do.
pub fn speaker_for_label(label: &str) -> Option<Speaker> {
    speakers::role_of(label)
}

/// Read every call in one decoded file. JSON Lines files are accepted too (each
/// line through [`read_native_line`]), although the runner streams them instead.
/// Returns the calls read and one error per part that could not be read.
pub fn read_document(
    source: &str,
    path: &Path,
    text: &str,
    opts: &ReadOptions,
) -> (Vec<Call>, Vec<ReadError>) {
    let ctx = Ctx::new(source, path, opts);
    let mut calls = Vec::new();
    let mut errors = Vec::new();
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        errors.push(ReadError::new(source, "empty file").with_hint(HINT_EMPTY));
        return (calls, errors);
    }
    let format = match detect::detect_format(path, text) {
        Some(f) => f,
        None => {
            errors.push(detect::unknown_format_error(&ctx, path, text));
            return (calls, errors);
        }
    };
    let mut push = |r: Result<Call, ReadError>| match r {
        Ok(c) => calls.push(c),
        Err(e) => errors.push(e),
    };
    match format {
        Format::NativeJsonl => {
            for (i, line) in text.lines().enumerate() {
                let line = if i == 0 {
                    line.trim_start_matches('\u{feff}')
                } else {
                    line
                };
                if line.trim().is_empty() {
                    continue;
                }
                push(read_native_line(source, i as u64 + 1, line));
            }
        }
        Format::NativeJson
        | Format::AwsTranscribe
        | Format::ContactLens
        | Format::GoogleCcai
        | Format::Whisper => {
            let value = match parse_json(&ctx, text) {
                Ok(v) => v,
                Err(e) => {
                    errors.push(e);
                    return (calls, errors);
                }
            };
            match format {
                Format::NativeJson => {
                    for r in native::read_json(&ctx, &value) {
                        push(r);
                    }
                }
                Format::AwsTranscribe => push(aws::read(&ctx, &value, false)),
                Format::ContactLens => push(aws::read(&ctx, &value, true)),
                Format::GoogleCcai => push(ccai::read(&ctx, &value)),
                _ => push(whisper::read(&ctx, &value)),
            }
        }
        Format::Webvtt => push(subtitles::read_vtt(&ctx, text)),
        Format::Srt => push(subtitles::read_srt(&ctx, text)),
        Format::PlainText => push(plain::read(&ctx, text)),
        Format::ChatCsv => {
            for r in chat_csv::read(&ctx, text) {
                push(r);
            }
        }
    }
    (calls, errors)
}

/// Read one line (1-based `line_no`) of a native JSON Lines stream.
///
/// A record without `call_id` gets `stem#<line_no>`; every turn's `line` and the
/// call's `source_line` are `line_no`.
pub fn read_native_line(source: &str, line_no: u64, line: &str) -> Result<Call, ReadError> {
    native::read_line(source, line_no, line)
}

/// Metadata from side CSV files, keyed by call id.
#[derive(Debug, Clone, Default)]
pub struct MetadataTable {
    rows: BTreeMap<String, super::Metadata>,
}

impl MetadataTable {
    /// Load a CSV with a header row that has a `call_id` column (other known columns:
    /// agent, team, queue, channel, started_at, customer_id, csat, nps, human_qa_score,
    /// self_score, language; anything else goes to `extra`).
    pub fn load(path: &Path) -> Result<Self, ReadError> {
        let source = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| {
            ReadError::new(&source, format!("cannot read metadata file: {e}"))
                .with_hint("check the path given to --metadata")
        })?;
        let text = decode(&bytes, &source, &ReadOptions::default())?;
        Self::from_csv_text(&source, &text)
    }

    /// Parse metadata CSV text already in memory (e.g. read from stdin); `source`
    /// names it in errors. Same rules as [`MetadataTable::load`].
    pub fn from_csv_text(source: &str, text: &str) -> Result<Self, ReadError> {
        metadata_csv::parse(source, text).map(|rows| MetadataTable { rows })
    }

    /// The row for `call_id`, if any.
    pub fn get(&self, call_id: &str) -> Option<&Metadata> {
        self.rows.get(call_id)
    }

    /// Add the rows of another table (rows already present are kept).
    pub fn extend(&mut self, other: MetadataTable) {
        for (k, v) in other.rows {
            self.rows.entry(k).or_insert(v);
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True if there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Fill the metadata fields the call itself does not carry from the row with its id.
    pub fn apply(&self, call: &mut Call) {
        if let Some(row) = self.rows.get(&call.call_id) {
            meta::fill_missing(&mut call.metadata, row);
        }
    }
}

// ---------------------------------------------------------------------------
// Shared plumbing for the per-format readers.

const HINT_EMPTY: &str = "the file has no content; remove it from the input or re-export it";

/// What every reader needs to know about the file it reads.
pub(crate) struct Ctx<'a> {
    /// As given to [`read_document`] (goes into `Call::source` and errors).
    pub source: &'a str,
    /// File stem used for call ids when the source has none.
    pub stem: String,
    /// Reader options.
    pub opts: &'a ReadOptions,
}

impl<'a> Ctx<'a> {
    fn new(source: &'a str, path: &Path, opts: &'a ReadOptions) -> Self {
        Ctx {
            source,
            stem: stem_of(path),
            opts,
        }
    }

    /// An error about this file.
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
pub(crate) fn fill_ends(turns: &mut [super::Turn], cap_by_estimate: bool) {
    let n = turns.len();
    for i in 0..n {
        let Some(s) = turns[i].start_ms else { continue };
        if turns[i].end_ms.is_some() {
            continue;
        }
        let est = s.saturating_add(super::estimated_duration_ms(&turns[i].text));
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

#[cfg(test)]
mod tests;
