//! Stage 6: outputs. Records are formatted on worker threads (JSON and CSV bytes) and
//! written in input order by one writer, so the bytes are the same at any thread count.
//!
//! Output files (in `--out DIR`):
//! - `calls.jsonl` — one [`crate::record::CallRecord`] per line (`"type": "call"`);
//! - `calls.csv` — the same calls flattened, columns in [`csv::CsvLayout`];
//! - `errors.jsonl` — one `{"type": "error", run_id, source, line, call_id, reason, hint}`
//!   per input that could not be read;
//! - `summary.json` — counts and timings of the run (`"type": "summary"`);
//! - `manifest.json` — the rule pack's constants (items with names and descriptions,
//!   sections, drivers, departments) and the CSV columns ([`manifest::Manifest`]);
//! - `aggregates.json` — mergeable sums and counts for `callscore report`
//!   ([`crate::aggregate::Aggregates`]).
//!
//! Every file names the run that wrote it: `calls.jsonl` starts with a
//! `{"type": "run", "run_id", "callscore", "rules"}` line (the start time is in the
//! summary, so two runs given the same `--run-id` write identical files), `calls.csv` has a
//! `run_id` column, error lines, the summary and the manifest a `run_id` field.
//!
//! Files are written into a staging folder and published together in one atomic step
//! ([`publish`]), so the output folder holds the complete previous run or the complete
//! new one, never a mix, whenever the process is killed. With `--out -`, call and error
//! records go to stdout as JSON Lines in input order (for Spark's `RDD.pipe` or Hadoop
//! streaming), then one `{"type": "aggregates", …}` line, the run's `aggregates.json`;
//! a reader that closes stdout early ends the run normally ([`OutputError::Closed`]).

pub mod csv;
pub mod manifest;
pub mod publish;

use crate::input::ReadError;
use crate::record::{CallRecord, EvidenceLevel, WireRecord};
use crate::rules::Pack;
use csv::CsvLayout;
use manifest::Manifest;
use publish::{PublishError, Staging};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

/// Which run wrote a set of outputs: every output file carries the run id.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct RunStamp {
    /// Unique id of the run (`--run-id`, or UTC start time and a random suffix).
    pub run_id: String,
    /// When the run started (RFC 3339, UTC).
    pub started_at: String,
}

impl RunStamp {
    /// A stamp for a run starting now: `run_id` as given, or `20261206T043012Z-1a2b3c`.
    pub fn new(run_id: Option<String>) -> RunStamp {
        let now = jiff::Timestamp::now();
        let run_id = run_id.unwrap_or_else(|| {
            // Seconds are not unique enough for two runs started together (cron, retries):
            // the suffix comes from the clock's nanoseconds and the process id.
            let salt = (now.subsec_nanosecond() as u64) ^ ((std::process::id() as u64) << 20);
            format!(
                "{}-{:06x}",
                now.strftime("%Y%m%dT%H%M%SZ"),
                salt & 0xff_ffff
            )
        });
        RunStamp {
            run_id,
            started_at: now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        }
    }
}

/// Check a `--run-id` value: it names files and database rows, so keep it to letters,
/// digits, `-`, `_`, `.` and `:` (at most 100 characters).
pub fn check_run_id(id: &str) -> Result<(), String> {
    if id.is_empty() || id.len() > 100 {
        return Err("a run id has 1 to 100 characters".into());
    }
    match id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':')))
    {
        Some(c) => Err(format!(
            "'{c}' is not allowed in a run id; use letters, digits, -, _, . and :"
        )),
        None => Ok(()),
    }
}

/// One call's formatted output lines.
pub struct Formatted {
    /// JSON line (with trailing newline).
    pub json: Vec<u8>,
    /// CSV row (with trailing newline).
    pub csv: Vec<u8>,
}

/// Formats records and errors for one run (shared by the worker threads).
#[derive(Debug)]
pub struct Formatter {
    run_id: String,
    csv: CsvLayout,
    evidence: EvidenceLevel,
}

impl Formatter {
    /// A formatter for run `run_id` with the pack's own CSV column order (no previous
    /// run to follow), e.g. for streaming or benchmarks.
    pub fn new(pack: &Pack, run_id: &str, evidence: EvidenceLevel) -> Formatter {
        Formatter {
            run_id: run_id.to_string(),
            csv: CsvLayout::new(pack, &[]),
            evidence,
        }
    }

    /// A formatter whose CSV keeps the column order `previous` (the columns of an earlier
    /// run published in the same place; see [`csv::CsvLayout`]).
    pub fn with_previous(
        pack: &Pack,
        run_id: &str,
        previous: &[String],
        evidence: EvidenceLevel,
    ) -> Formatter {
        Formatter {
            run_id: run_id.to_string(),
            csv: CsvLayout::new(pack, previous),
            evidence,
        }
    }

    /// The CSV header line.
    pub fn csv_header(&self) -> Vec<u8> {
        self.csv.header()
    }

    /// The manifest describing this formatter's outputs.
    pub fn manifest(&self, pack: &Pack) -> Manifest {
        Manifest::new(pack, &self.run_id, self.csv.columns(pack), self.evidence)
    }

    /// Format a record for both outputs: the JSON line at this run's evidence level.
    pub fn record(&self, r: &CallRecord) -> Formatted {
        let mut json = Vec::with_capacity(2048);
        if let Err(e) = serde_json::to_writer(&mut json, &WireRecord::new(r, self.evidence)) {
            json = serde_json::to_vec(&serde_json::json!({
                "type": "error",
                "call_id": r.call_id,
                "source": r.source,
                "reason": format!("cannot serialise record: {e}"),
            }))
            .unwrap_or_default();
        }
        json.push(b'\n');
        Formatted {
            json,
            csv: self.csv.row(&self.run_id, r),
        }
    }

    /// Format a read error as an `errors.jsonl` line.
    pub fn error(&self, e: &ReadError) -> Vec<u8> {
        let mut line = serde_json::to_vec(&ErrorRecord {
            kind: "error",
            run_id: &self.run_id,
            error: e,
        })
        .unwrap_or_default();
        line.push(b'\n');
        line
    }
}

/// An `errors.jsonl` line: the envelope type and run first, then the [`ReadError`] fields.
#[derive(serde::Serialize)]
struct ErrorRecord<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    run_id: &'a str,
    #[serde(flatten)]
    error: &'a ReadError,
}

/// The first line of `calls.jsonl`: which run and pack wrote the file.
#[derive(serde::Serialize)]
struct RunHeader<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    run_id: &'a str,
    callscore: &'static str,
    rules: crate::record::RulesStamp,
    /// The records' `--evidence` level: why reasons and quotes are or are not there.
    evidence: EvidenceLevel,
}

/// The first line of `calls.jsonl` (with its newline).
pub fn run_header(pack: &Pack, run_id: &str, evidence: EvidenceLevel) -> Vec<u8> {
    let mut header = serde_json::to_vec(&RunHeader {
        kind: "run",
        run_id,
        callscore: env!("CARGO_PKG_VERSION"),
        rules: crate::record::RulesStamp {
            name: pack.info.name.clone(),
            version: pack.info.version.clone(),
            hash: pack.hash.clone(),
        },
        evidence,
    })
    .unwrap_or_default();
    header.push(b'\n');
    header
}

/// Why writing outputs stopped.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The output folder cannot be used or published.
    #[error(transparent)]
    Publish(#[from] PublishError),
    /// Writing failed.
    #[error("{0}")]
    Io(#[from] io::Error),
    /// The reader of stdout went away (`| head`): a normal end of a streamed run.
    #[error("stdout was closed by its reader")]
    Closed,
}

/// Where formatted records go.
pub enum Output {
    /// Files in a staging folder, published together at the end.
    Dir(Box<DirOutput>),
    /// JSON Lines on stdout.
    Stdout(BufWriter<io::Stdout>),
}

/// The files of a `--out DIR` run, being written in the staging folder.
pub struct DirOutput {
    staging: Staging,
    calls: BufWriter<File>,
    csv: BufWriter<File>,
    errors: BufWriter<File>,
    manifest: Manifest,
}

fn create(staging: &Staging, name: &str) -> io::Result<BufWriter<File>> {
    Ok(BufWriter::with_capacity(
        1 << 20,
        File::create(staging.file(name))?,
    ))
}

fn closed(e: io::Error) -> OutputError {
    if e.kind() == io::ErrorKind::BrokenPipe {
        OutputError::Closed
    } else {
        OutputError::Io(e)
    }
}

impl Output {
    /// Open the outputs of run `stamp` in `dir`, or stdout for `-`. Nothing in `dir`
    /// changes until [`Output::finish`]. The CSV keeps the column order of the run
    /// published in `dir` before (see [`csv`]).
    pub fn open(
        dir: &Path,
        pack: &Pack,
        stamp: &RunStamp,
        evidence: EvidenceLevel,
    ) -> Result<(Output, Arc<Formatter>), OutputError> {
        if dir == Path::new("-") {
            return Ok((
                Output::Stdout(BufWriter::with_capacity(1 << 20, io::stdout())),
                Arc::new(Formatter::new(pack, &stamp.run_id, evidence)),
            ));
        }
        let previous: Vec<String> = Manifest::read(dir)
            .filter(|m| m.name == pack.info.name)
            .map(|m| m.csv_columns.into_iter().map(|c| c.name).collect())
            .unwrap_or_default();
        let layout = CsvLayout::new(pack, &previous);
        let manifest = Manifest::new(pack, &stamp.run_id, layout.columns(pack), evidence);
        let staging = Staging::create(dir, &stamp.run_id)?;
        let mut calls = create(&staging, "calls.jsonl")?;
        calls.write_all(&run_header(pack, &stamp.run_id, evidence))?;
        let mut csv = create(&staging, "calls.csv")?;
        csv.write_all(&layout.header())?;
        let errors = create(&staging, "errors.jsonl")?;
        let formatter = Formatter {
            run_id: stamp.run_id.clone(),
            csv: layout,
            evidence,
        };
        Ok((
            Output::Dir(Box::new(DirOutput {
                staging,
                calls,
                csv,
                errors,
                manifest,
            })),
            Arc::new(formatter),
        ))
    }

    /// Write one call.
    pub fn call(&mut self, f: &Formatted) -> Result<(), OutputError> {
        match self {
            Output::Dir(d) => {
                d.calls.write_all(&f.json)?;
                d.csv.write_all(&f.csv)?;
                Ok(())
            }
            Output::Stdout(w) => w.write_all(&f.json).map_err(closed),
        }
    }

    /// Write one error line.
    pub fn error(&mut self, line: &[u8]) -> Result<(), OutputError> {
        match self {
            Output::Dir(d) => Ok(d.errors.write_all(line)?),
            Output::Stdout(w) => w.write_all(line).map_err(closed),
        }
    }

    /// Write the last files (`summary.json`, `manifest.json`, and any `extra` such as
    /// `aggregates.json`), sync everything and publish the folder in one step. On
    /// stdout, write the aggregates as the last line (one JSON object, as in
    /// `aggregates.json`) and flush; the summary is not written (the CLI says the counts
    /// on stderr).
    pub fn finish(
        self,
        summary: &impl serde::Serialize,
        extra: &[(&str, Vec<u8>)],
    ) -> Result<(), OutputError> {
        self.finish_with(summary, extra, |_| Ok(()))
    }

    /// [`Output::finish`], running `last(staging folder)` when every file is written and
    /// before the folder is published: outputs made from the others (`run --parquet`)
    /// are then published with them, in the same step.
    pub fn finish_with(
        self,
        summary: &impl serde::Serialize,
        extra: &[(&str, Vec<u8>)],
        last: impl FnOnce(&Path) -> io::Result<()>,
    ) -> Result<(), OutputError> {
        let text = serde_json::to_string_pretty(summary).map_err(io::Error::other)?;
        match self {
            Output::Dir(d) => {
                let d = *d;
                let result = (|| -> Result<(), OutputError> {
                    for mut w in [d.calls, d.csv, d.errors] {
                        w.flush()?;
                        w.get_ref().sync_all()?;
                    }
                    let manifest =
                        serde_json::to_string_pretty(&d.manifest).map_err(io::Error::other)?;
                    write_synced(&d.staging.file("manifest.json"), manifest.as_bytes())?;
                    for (name, bytes) in extra {
                        write_synced(&d.staging.file(name), bytes)?;
                    }
                    write_synced(
                        &d.staging.file("summary.json"),
                        format!("{text}\n").as_bytes(),
                    )?;
                    last(&d.staging.dir)?;
                    Ok(())
                })();
                match result {
                    Ok(()) => Ok(d.staging.publish()?),
                    Err(e) => {
                        d.staging.abandon();
                        Err(e)
                    }
                }
            }
            Output::Stdout(mut w) => {
                // The stream's last line: the aggregates, for a Spark job to merge.
                if let Some((_, bytes)) = extra.iter().find(|(n, _)| *n == "aggregates.json") {
                    w.write_all(bytes).map_err(closed)?;
                }
                w.flush().map_err(closed)
            }
        }
    }

    /// Give up after a failed run: remove the staging folder; the output folder keeps the
    /// previous run's outputs.
    pub fn abandon(self) {
        if let Output::Dir(d) = self {
            let d = *d;
            drop((d.calls, d.csv, d.errors));
            d.staging.abandon();
        }
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}
