//! `calls.parquet` (one row per call) and `items.parquet` (one row per call × item)
//! from a run folder's `calls.jsonl` and `manifest.json`, for DuckDB, pandas/pyarrow
//! and Spark (schema in `docs/parquet.md`).
//!
//! Written with the `parquet` crate's column writers, without Arrow: the rows are flat
//! apart from two repeated fields (`section_scores` as a MAP, lists of strings), whose
//! definition and repetition levels are set here. Snappy compression (what every
//! Parquet reader has), row groups of 64 Ki calls and 256 Ki items, so memory stays
//! bounded whatever the run's size. Files are written under a temporary name and
//! renamed, so a reader never sees half a file.

use super::folder::{FolderError, Rec, read_header, read_manifest, records_of, started_at_utc};
use parquet::basic::Compression;
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use serde::Serialize;
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

/// Schema of `calls.parquet` (Parquet message syntax; `docs/parquet.md` explains it).
pub const CALLS_SCHEMA: &str = "message call {
  required binary run_id (STRING);
  required binary call_id (STRING);
  required binary source (STRING);
  optional int64 source_line;
  required binary format (STRING);
  required binary language (STRING);
  optional binary agent (STRING);
  optional binary team (STRING);
  optional binary queue (STRING);
  optional binary channel (STRING);
  optional int64 started_at (TIMESTAMP(MICROS,true));
  optional binary started_at_text (STRING);
  optional binary customer_id (STRING);
  optional double csat;
  optional double nps;
  optional double human_qa_score;
  optional double self_score;
  optional binary metadata_extra (JSON);
  required binary pack_name (STRING);
  required binary pack_version (STRING);
  required binary pack_hash (STRING);
  optional double qa_score;
  optional double raw_score;
  required boolean auto_fail;
  optional group section_scores (MAP) {
    repeated group key_value {
      required binary key (STRING);
      optional double value;
    }
  }
  optional binary primary_driver (STRING);
  optional binary department (STRING);
  optional double cost;
  optional group drivers (LIST) {
    repeated group list {
      required binary element (STRING);
    }
  }
  optional binary drivers_detail (JSON);
  required double customer_sentiment;
  required double customer_sentiment_start;
  required double customer_sentiment_end;
  required int32 customer_turns_with_terms;
  required double agent_sentiment;
  required double agent_sentiment_start;
  required double agent_sentiment_end;
  required int32 agent_turns_with_terms;
  optional double most_negative_score;
  optional binary most_negative_evidence (JSON);
  optional int64 handle_time_ms;
  optional int64 agent_talk_ms;
  optional int64 customer_talk_ms;
  optional int64 silence_ms;
  optional int64 longest_silence_ms;
  optional int64 overtalk_ms;
  required int32 turns;
  required int32 agent_turns;
  required int32 customer_turns;
  required boolean times_estimated;
}";

/// Schema of `items.parquet`.
pub const ITEMS_SCHEMA: &str = "message item {
  required binary run_id (STRING);
  required binary call_id (STRING);
  required binary pack_name (STRING);
  required binary pack_version (STRING);
  optional binary agent (STRING);
  optional binary team (STRING);
  optional int64 started_at (TIMESTAMP(MICROS,true));
  required int32 position;
  required binary item_id (STRING);
  optional binary item_name (STRING);
  optional binary section (STRING);
  optional double weight;
  optional boolean critical;
  required binary result (STRING);
  optional binary reason (STRING);
  optional binary evidence (JSON);
  optional binary closest (JSON);
  optional group na_missing_meta (LIST) {
    repeated group list {
      required binary element (STRING);
    }
  }
}";

const CALLS_PER_GROUP: usize = 64 * 1024;
const ITEMS_PER_GROUP: usize = 256 * 1024;

/// Why the Parquet files could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ParquetError {
    /// The run folder.
    #[error("{0}")]
    Folder(#[from] FolderError),
    /// The Parquet writer.
    #[error("writing {file}: {reason}")]
    Write {
        /// The file.
        file: String,
        /// Why.
        reason: String,
    },
}

/// Rows written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ParquetCounts {
    /// Rows of `calls.parquet`.
    pub calls: u64,
    /// Rows of `items.parquet`.
    pub items: u64,
}

/// Values of one leaf column, with their levels.
enum Values {
    Bytes(Vec<ByteArray>),
    I64(Vec<i64>),
    I32(Vec<i32>),
    F64(Vec<f64>),
    Bool(Vec<bool>),
}

struct Leaf {
    values: Values,
    defs: Vec<i16>,
    reps: Vec<i16>,
    optional: bool,
    repeated: bool,
}

/// One file being written: leaf buffers in schema order, flushed per row group.
struct Table {
    name: &'static str,
    leaves: Vec<Leaf>,
    rows: usize,
    per_group: usize,
    writer: SerializedFileWriter<File>,
    /// Next leaf of the row being added.
    at: usize,
    total: u64,
}

fn werr(file: &str) -> impl Fn(parquet::errors::ParquetError) -> ParquetError + '_ {
    move |e| ParquetError::Write {
        file: file.to_string(),
        reason: e.to_string(),
    }
}

impl Table {
    fn create(
        path: &Path,
        name: &'static str,
        schema: &str,
        per_group: usize,
    ) -> Result<Table, ParquetError> {
        let ioerr = |e: std::io::Error| ParquetError::Write {
            file: name.into(),
            reason: e.to_string(),
        };
        let ty = Arc::new(parquet::schema::parser::parse_message_type(schema).map_err(werr(name))?);
        let descr = parquet::schema::types::SchemaDescriptor::new(ty.clone());
        let leaves = descr
            .columns()
            .iter()
            .map(|c| {
                use parquet::basic::Type as P;
                let values = match c.physical_type() {
                    P::BYTE_ARRAY => Values::Bytes(Vec::new()),
                    P::INT64 => Values::I64(Vec::new()),
                    P::INT32 => Values::I32(Vec::new()),
                    P::DOUBLE => Values::F64(Vec::new()),
                    _ => Values::Bool(Vec::new()),
                };
                Leaf {
                    values,
                    defs: Vec::new(),
                    reps: Vec::new(),
                    optional: c.max_def_level() > 0,
                    repeated: c.max_rep_level() > 0,
                }
            })
            .collect();
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("callscore {}", env!("CARGO_PKG_VERSION")))
            .build();
        let file = File::create(path).map_err(ioerr)?;
        let writer = SerializedFileWriter::new(file, ty, Arc::new(props)).map_err(werr(name))?;
        Ok(Table {
            name,
            leaves,
            rows: 0,
            per_group,
            writer,
            at: 0,
            total: 0,
        })
    }

    fn leaf(&mut self) -> &mut Leaf {
        let i = self.at;
        self.at += 1;
        &mut self.leaves[i]
    }

    /// A flat value (`None`: null). The leaf's type must match (the schema is fixed,
    /// so a mismatch is a bug caught by the tests).
    fn flat(&mut self, v: Option<Val<'_>>) {
        let l = self.leaf();
        match v {
            Some(v) => {
                if l.optional {
                    l.defs.push(1);
                }
                push(&mut l.values, v);
            }
            None => l.defs.push(0),
        }
    }

    fn str(&mut self, s: &str) {
        self.flat(Some(Val::S(s)));
    }

    fn opt_str(&mut self, s: Option<&str>) {
        self.flat(s.map(Val::S));
    }

    /// A list of strings (never null; empty is an empty list).
    fn list(&mut self, items: &[&str]) {
        let l = self.leaf();
        if items.is_empty() {
            l.defs.push(1);
            l.reps.push(0);
        }
        for (i, s) in items.iter().enumerate() {
            l.defs.push(2);
            l.reps.push(i16::from(i > 0));
            push(&mut l.values, Val::S(s));
        }
    }

    /// A map of string to optional double (never null).
    fn map(&mut self, entries: &[(&str, Option<f64>)]) {
        let keys: Vec<&str> = entries.iter().map(|e| e.0).collect();
        self.list(&keys);
        let l = self.leaf();
        if entries.is_empty() {
            l.defs.push(1);
            l.reps.push(0);
        }
        for (i, (_, v)) in entries.iter().enumerate() {
            l.reps.push(i16::from(i > 0));
            match v {
                Some(x) => {
                    l.defs.push(3);
                    push(&mut l.values, Val::F(*x));
                }
                None => l.defs.push(2),
            }
        }
    }

    fn end_row(&mut self) -> Result<(), ParquetError> {
        debug_assert_eq!(
            self.at,
            self.leaves.len(),
            "{}: a row sets every column",
            self.name
        );
        self.at = 0;
        self.rows += 1;
        self.total += 1;
        if self.rows >= self.per_group {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), ParquetError> {
        if self.rows == 0 {
            return Ok(());
        }
        let name = self.name;
        let mut rg = self.writer.next_row_group().map_err(werr(name))?;
        for l in &mut self.leaves {
            let mut col =
                rg.next_column()
                    .map_err(werr(name))?
                    .ok_or_else(|| ParquetError::Write {
                        file: name.into(),
                        reason: "the schema has fewer columns than the rows".into(),
                    })?;
            let defs = l.optional.then_some(l.defs.as_slice());
            let reps = l.repeated.then_some(l.reps.as_slice());
            match &mut l.values {
                Values::Bytes(v) => col.typed::<ByteArrayType>().write_batch(v, defs, reps),
                Values::I64(v) => col.typed::<Int64Type>().write_batch(v, defs, reps),
                Values::I32(v) => col.typed::<Int32Type>().write_batch(v, defs, reps),
                Values::F64(v) => col.typed::<DoubleType>().write_batch(v, defs, reps),
                Values::Bool(v) => col.typed::<BoolType>().write_batch(v, defs, reps),
            }
            .map_err(werr(name))?;
            col.close().map_err(werr(name))?;
            clear(&mut l.values);
            l.defs.clear();
            l.reps.clear();
        }
        rg.close().map_err(werr(name))?;
        self.rows = 0;
        Ok(())
    }

    fn close(mut self) -> Result<u64, ParquetError> {
        self.flush()?;
        let name = self.name;
        self.writer.close().map_err(werr(name))?;
        Ok(self.total)
    }
}

enum Val<'a> {
    S(&'a str),
    I(i64),
    N(i32),
    F(f64),
    B(bool),
}

fn push(values: &mut Values, v: Val<'_>) {
    match (values, v) {
        (Values::Bytes(x), Val::S(s)) => x.push(ByteArray::from(s.as_bytes().to_vec())),
        (Values::I64(x), Val::I(n)) => x.push(n),
        (Values::I32(x), Val::N(n)) => x.push(n),
        (Values::F64(x), Val::F(f)) => x.push(f),
        (Values::Bool(x), Val::B(b)) => x.push(b),
        _ => debug_assert!(false, "a value of the wrong type for its column"),
    }
}

fn clear(values: &mut Values) {
    match values {
        Values::Bytes(x) => x.clear(),
        Values::I64(x) => x.clear(),
        Values::I32(x) => x.clear(),
        Values::F64(x) => x.clear(),
        Values::Bool(x) => x.clear(),
    }
}

#[derive(Serialize)]
struct DriverJson<'a> {
    id: &'a str,
    department: &'a str,
    hits: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<&'a RawValue>,
}

fn micros(s: Option<&str>) -> Option<i64> {
    s.and_then(started_at_utc).map(|t| t.as_microsecond())
}

/// Write `dir/calls.parquet` and `dir/items.parquet` from the folder's `calls.jsonl`
/// and `manifest.json`.
pub fn write(dir: &Path) -> Result<ParquetCounts, ParquetError> {
    let header = read_header(dir)?;
    let manifest = read_manifest(dir)?;
    let items_by_id: HashMap<&str, &crate::sink::manifest::ManifestItem> =
        manifest.items.iter().map(|i| (i.id.as_str(), i)).collect();
    let tmp_calls = dir.join(".calls.parquet.tmp");
    let tmp_items = dir.join(".items.parquet.tmp");
    let mut calls = Table::create(&tmp_calls, "calls.parquet", CALLS_SCHEMA, CALLS_PER_GROUP)?;
    let mut items = Table::create(&tmp_items, "items.parquet", ITEMS_SCHEMA, ITEMS_PER_GROUP)?;
    let pack = &header.rules;
    for rec in records_of(dir)? {
        let (_, r) = rec?;
        call_row(&mut calls, &header.run_id, pack, &r)?;
        let m = &r.metadata;
        let started = micros(m.started_at.as_deref());
        for (i, it) in r.qa.items.iter().enumerate() {
            let meta = items_by_id.get(it.id.as_str());
            items.str(&header.run_id);
            items.str(&r.call_id);
            items.str(&pack.name);
            items.str(&pack.version);
            items.opt_str(m.agent.as_deref());
            items.opt_str(m.team.as_deref());
            items.flat(started.map(Val::I));
            items.flat(Some(Val::N(i as i32)));
            items.str(&it.id);
            items.opt_str(meta.map(|x| x.name.as_str()));
            items.opt_str(meta.map(|x| x.section.as_str()));
            items.flat(meta.map(|x| Val::F(x.weight)));
            items.flat(meta.map(|x| Val::B(x.critical)));
            items.str(it.result.as_str());
            items.opt_str(it.reason.as_deref());
            items.opt_str(it.evidence.as_deref().map(RawValue::get));
            items.opt_str(it.closest.as_deref().map(RawValue::get));
            let missing: Vec<&str> = it.na_missing_meta.iter().map(String::as_str).collect();
            items.list(&missing);
            items.end_row()?;
        }
    }
    let counts = ParquetCounts {
        calls: calls.close()?,
        items: items.close()?,
    };
    for (tmp, name) in [(tmp_calls, "calls.parquet"), (tmp_items, "items.parquet")] {
        std::fs::rename(&tmp, dir.join(name)).map_err(|e| ParquetError::Write {
            file: name.into(),
            reason: e.to_string(),
        })?;
    }
    Ok(counts)
}

fn call_row(
    t: &mut Table,
    run_id: &str,
    pack: &crate::record::RulesStamp,
    r: &Rec,
) -> Result<(), ParquetError> {
    let m = &r.metadata;
    let f = |x: Option<f64>| x.map(Val::F);
    let extra = (!m.extra.is_empty())
        .then(|| serde_json::to_string(&m.extra).ok())
        .flatten();
    t.str(run_id);
    t.str(&r.call_id);
    t.str(&r.source);
    t.flat(r.source_line.map(|n| Val::I(n as i64)));
    t.str(&r.format);
    t.str(&r.language);
    t.opt_str(m.agent.as_deref());
    t.opt_str(m.team.as_deref());
    t.opt_str(m.queue.as_deref());
    t.opt_str(m.channel.as_deref());
    t.flat(micros(m.started_at.as_deref()).map(Val::I));
    t.opt_str(m.started_at.as_deref());
    t.opt_str(m.customer_id.as_deref());
    t.flat(f(m.csat));
    t.flat(f(m.nps));
    t.flat(f(m.human_qa_score));
    t.flat(f(m.self_score));
    t.opt_str(extra.as_deref());
    t.str(&pack.name);
    t.str(&pack.version);
    t.str(&pack.hash);
    t.flat(f(r.qa.score));
    t.flat(f(r.qa.raw_score));
    t.flat(Some(Val::B(r.qa.auto_fail)));
    let sections: Vec<(&str, Option<f64>)> =
        r.qa.sections
            .iter()
            .map(|(k, v)| (k.as_str(), *v))
            .collect();
    t.map(&sections);
    t.opt_str(r.drivers.primary.as_deref());
    t.opt_str(r.drivers.department.as_deref());
    t.flat(f(r.drivers.cost));
    let ids: Vec<&str> = r.drivers.matched.iter().map(|d| d.id.as_str()).collect();
    t.list(&ids);
    let detail: Vec<DriverJson<'_>> = r
        .drivers
        .matched
        .iter()
        .map(|d| DriverJson {
            id: &d.id,
            department: &d.department,
            hits: d.hits,
            evidence: d.evidence.as_deref(),
        })
        .collect();
    t.opt_str(serde_json::to_string(&detail).ok().as_deref());
    let (c, a) = (&r.sentiment.customer, &r.sentiment.agent);
    for s in [c, a] {
        t.flat(Some(Val::F(s.overall)));
        t.flat(Some(Val::F(s.start)));
        t.flat(Some(Val::F(s.end)));
        t.flat(Some(Val::N(s.turns_with_terms as i32)));
    }
    let worst = r.sentiment.most_negative.as_ref();
    t.flat(worst.map(|w| Val::F(w.score)));
    t.opt_str(worst.and_then(|w| w.evidence.as_deref()).map(RawValue::get));
    let x = &r.metrics;
    let ms = |v: Option<u64>| v.map(|n| Val::I(n as i64));
    t.flat(ms(x.handle_time_ms));
    t.flat(ms(x.agent_talk_ms));
    t.flat(ms(x.customer_talk_ms));
    t.flat(ms(x.silence_ms));
    t.flat(ms(x.longest_silence_ms));
    t.flat(ms(x.overtalk_ms));
    t.flat(Some(Val::N(x.turns as i32)));
    t.flat(Some(Val::N(x.agent_turns as i32)));
    t.flat(Some(Val::N(x.customer_turns as i32)));
    t.flat(Some(Val::B(x.times_estimated)));
    t.end_row()
}

/// Rewrite the Parquet files of a folder whose `calls.jsonl` was rewritten (a state
/// folder retiring re-scored results), if it has them.
pub fn rewrite_if_present(original: &Path, rewritten: &Path) -> Result<(), ParquetError> {
    if original.join("calls.parquet").exists() || original.join("items.parquet").exists() {
        write(rewritten)?;
    }
    Ok(())
}
