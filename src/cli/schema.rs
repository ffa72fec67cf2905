//! `callscore schema record|call|rules|summary|manifest`: print one of the committed JSON Schemas, so a
//! pipeline or an editor can fetch the schema of the binary it runs.
//!
//! `record`, `summary` and `manifest` are generated from the record types (schemars) and a test keeps
//! `schemas/record.schema.json` equal to it. `call` and `rules` describe inputs whose
//! readers are hand-written (the native reader accepts aliases and several layouts; the
//! rule loader works on spanned TOML), so their schemas are hand-written files, compiled
//! into the binary as they are committed.

use super::Exit;
use clap::{Args, ValueEnum};
use std::io::Write;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Which {
    /// One line of calls.jsonl (schemas/record.schema.json).
    Record,
    /// One call in the native JSON / JSON Lines input format (schemas/call.schema.json).
    Call,
    /// One TOML file of a rule pack, as JSON (schemas/rules.schema.json).
    Rules,
    /// summary.json of a run (schemas/summary.schema.json).
    Summary,
    /// manifest.json of a run: the pack's constants and the CSV columns
    /// (schemas/manifest.schema.json).
    Manifest,
}

#[derive(Debug, Args)]
pub(crate) struct SchemaArgs {
    /// Which schema.
    #[arg(value_enum)]
    which: Which,
}

const CALL: &str = include_str!("../../schemas/call.schema.json");
const RULES: &str = include_str!("../../schemas/rules.schema.json");

pub(crate) fn schema(args: SchemaArgs) -> Exit {
    let text = match args.which {
        Which::Record => crate::record::record_schema(),
        Which::Call => CALL.to_string(),
        Which::Rules => RULES.to_string(),
        Which::Summary => crate::summary::summary_schema(),
        Which::Manifest => crate::sink::manifest::manifest_schema(),
    };
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => Exit::Ok,
        // `callscore schema rules | head` is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Exit::Ok,
        Err(e) => {
            eprintln!("callscore: cannot write the schema to stdout: {e}");
            Exit::Fatal
        }
    }
}
