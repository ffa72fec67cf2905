//! The flat CSV: one row per call, for spreadsheets and BI tools that do not read JSON.
//!
//! Columns, in order:
//! 1. fixed columns, the same for every pack: `run_id, call_id, source, format, language,
//!    agent, team, queue, channel, started_at, customer_id, csat, nps, human_qa_score,
//!    self_score, qa_score, raw_score, auto_fail, customer_sentiment,
//!    customer_sentiment_start, customer_sentiment_end, agent_sentiment, primary_driver,
//!    department, drivers (`;`-separated), cost, handle_time_ms, agent_talk_ms,
//!    customer_talk_ms, silence_ms, longest_silence_ms, overtalk_ms, turns,
//!    times_estimated, rules_version, rules_hash`;
//! 2. pack columns: `section:<id>` (0–100) and `item:<id>` (pass/fail/n/a).
//!
//! **Column order is stable across pack versions** so loaders that read by position keep
//! working: pack columns keep the order of the previous run's `manifest.json` in the same
//! output folder; columns of new sections and items are appended at the end; a column
//! whose item was removed stays in place with empty cells (`retired` in the manifest's
//! description). Without a previous manifest (a new folder) pack columns are sections
//! then items, in pack order. Empty cell = no value. `manifest.json` lists every column
//! with its meaning.

use super::manifest::CsvColumn;
use crate::record::CallRecord;
use crate::rules::Pack;

/// The fixed columns and what they hold.
const FIXED: &[(&str, &str)] = &[
    ("run_id", "the run that wrote this file"),
    ("call_id", "call id"),
    ("source", "input file"),
    ("format", "input format"),
    ("language", "language code"),
    ("agent", "agent id or name (metadata)"),
    ("team", "team (metadata)"),
    ("queue", "queue / skill (metadata)"),
    ("channel", "voice, chat or email (metadata)"),
    (
        "started_at",
        "when the contact started, as given (metadata)",
    ),
    ("customer_id", "customer id (metadata)"),
    ("csat", "customer satisfaction answer (metadata)"),
    ("nps", "net promoter answer 0-10 (metadata)"),
    (
        "human_qa_score",
        "score a human reviewer gave, 0-100 (metadata)",
    ),
    (
        "self_score",
        "score the agent gave themself, 0-100 (metadata)",
    ),
    (
        "qa_score",
        "QA score 0-100 (the auto-fail score when auto-failed)",
    ),
    ("raw_score", "QA score before auto-fail"),
    ("auto_fail", "true when a critical item failed"),
    (
        "customer_sentiment",
        "customer sentiment over the call, -1..1",
    ),
    (
        "customer_sentiment_start",
        "customer sentiment, first third of their turns",
    ),
    (
        "customer_sentiment_end",
        "customer sentiment, last third of their turns",
    ),
    ("agent_sentiment", "agent sentiment over the call, -1..1"),
    ("primary_driver", "primary contact driver id"),
    ("department", "department of the primary driver"),
    ("drivers", "every driver found, ;-separated"),
    ("cost", "handle time x the primary driver's cost per hour"),
    ("handle_time_ms", "first turn start to last turn end, ms"),
    ("agent_talk_ms", "agent talk time, ms"),
    ("customer_talk_ms", "customer talk time, ms"),
    ("silence_ms", "time nobody speaks, ms"),
    ("longest_silence_ms", "longest silence, ms"),
    ("overtalk_ms", "time both speak at once, ms"),
    ("turns", "number of turns"),
    (
        "times_estimated",
        "true when times were estimated (no timestamps in the source)",
    ),
    ("rules_version", "rule pack version"),
    ("rules_hash", "rule pack SHA-256"),
];

/// Where a pack column's cells come from.
#[derive(Debug, Clone)]
enum PackCol {
    /// Score of this section.
    Section(String),
    /// Result of the item at this index in the pack.
    Item(usize),
    /// A column kept for position only (its item or section is no longer in the pack).
    Retired,
}

/// The columns of one run's `calls.csv`.
#[derive(Debug, Clone)]
pub struct CsvLayout {
    pack_cols: Vec<(String, PackCol)>,
}

impl CsvLayout {
    /// The layout for `pack`, keeping the pack-column order of `previous` (the header
    /// names of the previous run's pack columns, `section:…` / `item:…`), new columns
    /// appended.
    pub fn new(pack: &Pack, previous: &[String]) -> CsvLayout {
        let mut wanted: Vec<(String, PackCol)> = pack
            .sections
            .iter()
            .map(|s| (format!("section:{s}"), PackCol::Section(s.clone())))
            .collect();
        wanted.extend(
            pack.items
                .iter()
                .enumerate()
                .map(|(i, it)| (format!("item:{}", it.id), PackCol::Item(i))),
        );
        let mut pack_cols = Vec::with_capacity(wanted.len());
        for name in previous {
            if !(name.starts_with("section:") || name.starts_with("item:"))
                || pack_cols.iter().any(|(n, _)| n == name)
            {
                continue;
            }
            match wanted.iter().position(|(n, _)| n == name) {
                Some(i) => pack_cols.push(wanted.remove(i)),
                None => pack_cols.push((name.clone(), PackCol::Retired)),
            }
        }
        pack_cols.extend(wanted);
        CsvLayout { pack_cols }
    }

    /// Every column with its meaning, in file order (for the manifest).
    pub fn columns(&self, pack: &Pack) -> Vec<CsvColumn> {
        let mut out: Vec<CsvColumn> = FIXED
            .iter()
            .map(|(n, d)| CsvColumn {
                name: n.to_string(),
                description: d.to_string(),
            })
            .collect();
        for (name, col) in &self.pack_cols {
            let description = match col {
                PackCol::Section(s) => format!("score of section {s}, 0-100"),
                PackCol::Item(i) => {
                    let it = &pack.items[*i];
                    format!("{}: pass, fail or n/a ({})", it.name, it.section)
                }
                PackCol::Retired => {
                    "retired: no longer in the pack, kept empty so later columns keep their position"
                        .to_string()
                }
            };
            out.push(CsvColumn {
                name: name.clone(),
                description,
            });
        }
        out
    }

    /// The header row.
    pub fn header(&self) -> Vec<u8> {
        with_writer(|w| {
            for (n, _) in FIXED {
                w.text(n);
            }
            for (n, _) in &self.pack_cols {
                w.text(n);
            }
        })
    }

    /// One call's row.
    ///
    /// Fields go straight into the reused CSV writer: numbers are formatted into
    /// one scratch string, text fields are passed by reference. (Building a
    /// `Vec<String>` of every cell first cost two allocations per cell.)
    pub fn row(&self, run_id: &str, r: &CallRecord) -> Vec<u8> {
        with_writer(|w| {
            let m = &r.metadata;
            w.text(run_id);
            w.text(&r.call_id);
            w.text(&r.source);
            w.text(r.format);
            w.text(&r.language);
            for v in [
                &m.agent,
                &m.team,
                &m.queue,
                &m.channel,
                &m.started_at,
                &m.customer_id,
            ] {
                w.text(v.as_deref().unwrap_or(""));
            }
            for v in [m.csat, m.nps, m.human_qa_score, m.self_score] {
                w.opt(v);
            }
            w.opt(r.qa.score);
            w.opt(r.qa.raw_score);
            w.num(r.qa.auto_fail);
            let met = &r.metrics;
            w.num(r.sentiment.customer.overall);
            w.num(r.sentiment.customer.start);
            w.num(r.sentiment.customer.end);
            w.num(r.sentiment.agent.overall);
            w.text(r.drivers.primary.as_deref().unwrap_or(""));
            w.text(r.drivers.department.as_deref().unwrap_or(""));
            w.scratch.clear();
            for (i, d) in r.drivers.matched.iter().enumerate() {
                if i > 0 {
                    w.scratch.push(';');
                }
                w.scratch.push_str(&d.id);
            }
            w.field_from_scratch();
            w.opt(r.drivers.cost);
            for v in [
                met.handle_time_ms,
                met.agent_talk_ms,
                met.customer_talk_ms,
                met.silence_ms,
                met.longest_silence_ms,
                met.overtalk_ms,
            ] {
                w.opt(v);
            }
            w.num(met.turns);
            w.num(met.times_estimated);
            w.text(&r.rules.version);
            w.text(&r.rules.hash);
            for (_, col) in &self.pack_cols {
                match col {
                    PackCol::Section(s) => w.opt(r.qa.sections.get(s).and_then(|v| *v)),
                    PackCol::Item(i) => {
                        w.text(r.qa.items.get(*i).map_or("", |it| it.result.as_str()))
                    }
                    PackCol::Retired => w.text(""),
                }
            }
        })
    }
}

/// The bytes a reused CSV writer writes into (shared with the code that takes them).
#[derive(Clone, Default)]
struct RowBuf(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl std::io::Write for RowBuf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A worker thread's reusable CSV writer, its output buffer and a scratch
/// string for formatting numbers.
struct RowWriter {
    csv: ::csv::Writer<RowBuf>,
    buf: RowBuf,
    scratch: String,
}

impl RowWriter {
    /// A text cell. Writing to memory cannot fail.
    fn text(&mut self, s: &str) {
        let _ = self.csv.write_field(s);
    }

    /// A cell holding `v` as `Display` writes it (`to_string`).
    fn num(&mut self, v: impl std::fmt::Display) {
        use std::fmt::Write;
        self.scratch.clear();
        let _ = write!(self.scratch, "{v}");
        self.field_from_scratch();
    }

    /// A cell holding `v`, or empty for `None`.
    fn opt(&mut self, v: Option<impl std::fmt::Display>) {
        match v {
            Some(v) => self.num(v),
            None => self.text(""),
        }
    }

    fn field_from_scratch(&mut self) {
        let _ = self.csv.write_field(&self.scratch);
    }
}

/// Run `f` on this thread's [`RowWriter`], end the record and return its bytes.
fn with_writer(f: impl FnOnce(&mut RowWriter)) -> Vec<u8> {
    thread_local! {
        // One CSV writer per worker thread, reused: building one per row costs an 8 KiB
        // buffer allocation each time.
        static WRITER: std::cell::RefCell<RowWriter> = {
            let buf = RowBuf::default();
            std::cell::RefCell::new(RowWriter {
                csv: ::csv::WriterBuilder::new().from_writer(buf.clone()),
                buf,
                scratch: String::new(),
            })
        };
    }
    WRITER.with(|cell| {
        let mut w = cell.borrow_mut();
        f(&mut w);
        // Writing to memory cannot fail; an empty record ends the row, flush
        // moves it into the buffer.
        let _ = w.csv.write_record(None::<&[u8]>);
        let _ = w.csv.flush();
        std::mem::take(&mut *w.buf.0.borrow_mut())
    })
}
