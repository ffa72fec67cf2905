//! Readers: decoded text of one input → [`Call`]s, one module per format.
//!
//! Entry points (used by the input layer above, `crate::input`):
//! - [`read_document`]: a whole file, or stdin read whole → its calls;
//! - [`read_record`]: one JSON Lines record → one call. Each record is classified like a
//!   `.json` document ("one document per line": native, Amazon Transcribe, Contact Lens,
//!   Google CCAI, Whisper), the same for a `.jsonl` file, a `.json` holding one object per
//!   line and JSON Lines on stdin.
//!
//! Every reader follows the same conventions (see `docs/formats.md`): the call id is
//! taken from the source or else the file stem (`stem#n` for the n-th call of a file
//! that holds several without ids; `stem#LINE` for a JSON Lines record; `stdin` for
//! `-`), turns with empty text are dropped, times are milliseconds from the start of
//! the call, and `Call::estimate_missing_times` fills in times the source did not carry.
//! All of them honour `ReadOptions` (speaker map) the same way.
//!
//! Readers import what they share from `input::common`, never from this module. A
//! reader never panics on bad input: it returns a [`ReadError`] naming the file, the
//! line when known, what was wrong and what to do.

pub(crate) mod aws;
pub(crate) mod ccai;
pub(crate) mod chat_csv;
pub(crate) mod native;
pub(crate) mod plain;
pub(crate) mod subtitles;
pub(crate) mod whisper;

use super::common::{Ctx, HINT_EMPTY, ReadError, ReadOptions, json_error_message, parse_json};
use super::detect::{classify_json, detect_parsed, unknown_format_error, unknown_json_error};
use super::ext::{FileKind, kind_of};
use crate::transcript::{Call, Format};
use serde_json::Value;
use std::path::Path;

/// Read every call in one decoded input. `path` gives the stem for call ids and, by its
/// extension, what the file claims to be (`-`: stdin, classified by content alone).
/// Returns the calls read and one error per part that could not be read.
pub fn read_document(
    source: &str,
    path: &Path,
    text: &str,
    opts: &ReadOptions,
) -> (Vec<Call>, Vec<ReadError>) {
    let ctx = Ctx::new(source, path, opts);
    let kind = kind_of(path);
    let mut calls = Vec::new();
    let mut errors = Vec::new();
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        errors.push(ReadError::new(source, "empty file").with_hint(HINT_EMPTY));
        return (calls, errors);
    }
    // Amazon documents are most of some corpora and mostly word-level detail the
    // scorer never reads: read them without building a JSON tree when they have the
    // usual shape (`aws::fast`), else detect and read like any other document.
    let body = text.trim_start_matches('\u{feff}');
    if matches!(kind, Some(FileKind::Json | FileKind::Text) | None)
        && body.trim_start().starts_with('{')
        && memchr::memmem::find(body.as_bytes(), b"\"Transcript\"").is_some()
        && let Some(r) = aws::fast::read(&ctx, body)
    {
        match r {
            Ok(c) => calls.push(c),
            Err(e) => errors.push(e),
        }
        return (calls, errors);
    }
    let Some((format, parsed)) = detect_parsed(kind, text) else {
        errors.push(unknown_format_error(&ctx, kind, text));
        return (calls, errors);
    };
    let mut push = |r: Result<Call, ReadError>| match r {
        Ok(c) => calls.push(c),
        Err(e) => errors.push(e),
    };
    match format {
        Format::NativeJsonl => {
            for (i, line) in text.lines().enumerate() {
                if line.trim_start_matches('\u{feff}').trim().is_empty() {
                    continue;
                }
                push(read_record(source, i as u64 + 1, line, opts));
            }
        }
        Format::NativeJson
        | Format::AwsTranscribe
        | Format::ContactLens
        | Format::GoogleCcai
        | Format::Whisper => {
            // Detection parsed it already when it could.
            let value = match parsed.map_or_else(|| parse_json(&ctx, text), Ok) {
                Ok(v) => v,
                Err(e) => {
                    errors.push(e);
                    return (calls, errors);
                }
            };
            match format {
                Format::NativeJson => native::read_json(&ctx, &value).into_iter().for_each(push),
                Format::GoogleCcai => ccai::read_any(&ctx, &value).into_iter().for_each(push),
                f => push(read_json_call(&ctx, f, &value)),
            }
        }
        Format::Webvtt => push(subtitles::read_vtt(&ctx, text)),
        Format::Srt => push(subtitles::read_srt(&ctx, text)),
        Format::PlainText => push(plain::read(&ctx, text)),
        Format::ChatCsv => chat_csv::read(&ctx, text).into_iter().for_each(push),
    }
    (calls, errors)
}

/// One call of a single-call JSON layout.
fn read_json_call(ctx: &Ctx, format: Format, v: &Value) -> Result<Call, ReadError> {
    match format {
        Format::AwsTranscribe => aws::read(ctx, v, false),
        Format::ContactLens => aws::read(ctx, v, true),
        Format::GoogleCcai => ccai::read(ctx, v),
        Format::Whisper => whisper::read(ctx, v),
        _ => native::read_call(ctx, v, None, None, format),
    }
}

/// Read one record (1-based `line_no`) of a JSON Lines stream, already decoded.
///
/// The record is classified like a `.json` document; a native record without
/// `call_id` (and any layout without an id of its own) gets `stem#<line_no>`; the
/// call's `source_line` and every turn's `line` are `line_no`; errors carry the line.
pub fn read_record(
    source: &str,
    line_no: u64,
    line: &str,
    opts: &ReadOptions,
) -> Result<Call, ReadError> {
    let line = line.trim_start_matches('\u{feff}');
    if let Some(call) = native::fast::read_line(source, line_no, line) {
        return call;
    }
    let path = Path::new(source);
    let ctx = Ctx {
        source,
        stem: format!("{}#{line_no}", super::common::stem_of(path)),
        opts,
    };
    // An Amazon document on one line (`run -` fed by Spark): read it without a JSON tree
    // when it has the usual shape, as `read_document` does.
    let fast = (line.trim_start().starts_with('{')
        && memchr::memmem::find(line.as_bytes(), b"\"Transcript\"").is_some())
    .then(|| aws::fast::read(&ctx, line))
    .flatten();
    if let Some(r) = fast {
        return r
            .map_err(|e| e.at_line(line_no))
            .map(|c| at_line(c, line_no));
    }
    let v: Value = serde_json::from_str(line).map_err(|e| {
        ctx.err(format!(
            "invalid JSON at column {}: {}",
            e.column(),
            json_error_message(&e)
        ))
        .at_line(line_no)
        .with_hint("each line must be one complete JSON object (a call); check the exporter")
    })?;
    let format = match classify_json(&v) {
        Some(Format::NativeJson) | None if !v.is_object() => {
            return Err(native::not_an_object(&ctx, &v).at_line(line_no));
        }
        Some(Format::NativeJson) if v.get("turns").is_none() => {
            return Err(ctx
                .err("a JSON Lines record holds one call; this one holds a list of calls")
                .at_line(line_no)
                .with_hint("write one call per line"));
        }
        Some(Format::NativeJson) => Format::NativeJsonl,
        Some(Format::GoogleCcai) if v.get("conversations").is_some() => {
            return Err(ctx
                .err("a JSON Lines record holds one call; this one holds a list of conversations")
                .at_line(line_no)
                .with_hint("write one conversation per line"));
        }
        Some(f) => f,
        // A record with no layout of its own is read as a native call, whose reader
        // says what is missing (`missing field "turns"`).
        None if v.get("Transcript").is_none() => Format::NativeJsonl,
        None => return Err(unknown_json_error(&ctx).at_line(line_no)),
    };
    let call = match format {
        Format::NativeJsonl => native::read_call(&ctx, &v, None, Some(line_no), format),
        f => read_json_call(&ctx, f, &v),
    }
    .map_err(|e| e.at_line(line_no))?;
    Ok(at_line(call, line_no))
}

/// A call read from JSON Lines record `line_no`: the record's line on it and its turns.
fn at_line(mut call: Call, line_no: u64) -> Call {
    call.source_line = Some(line_no);
    let l = Some(u32::try_from(line_no).unwrap_or(u32::MAX));
    for t in &mut call.turns {
        t.line = l;
    }
    call
}
