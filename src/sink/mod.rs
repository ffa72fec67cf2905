//! Stage 6: outputs. Records are formatted on worker threads (JSON and CSV bytes) and
//! written in input order by one writer, so the bytes are the same at any thread count.
//!
//! Output files (in `--out DIR`):
//! - `calls.jsonl` — one [`crate::record::CallRecord`] per line (`"type": "call"`);
//! - `calls.csv` — the same calls flattened, columns in [`csv::header`];
//! - `errors.jsonl` — one `{"type": "error", source, line, call_id, reason, hint}` per
//!   input that could not be read;
//! - `summary.json` — counts and timings of the run (`"type": "summary"`).
//!
//! Files are written under temporary names and renamed into place only when the run
//! finishes, so a killed run never leaves half-written outputs that look complete.
//! With `--out -`, call and error records go to stdout as JSON Lines (for Spark's
//! `RDD.pipe` or Hadoop streaming) and the summary to stderr.

pub mod csv;

use crate::record::CallRecord;
use crate::rules::Pack;
use crate::transcript::read::ReadError;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// One call's formatted output lines.
pub struct Formatted {
    /// JSON line (with trailing newline).
    pub json: Vec<u8>,
    /// CSV row (with trailing newline).
    pub csv: Vec<u8>,
}

/// Format a record for both outputs.
pub fn format_record(pack: &Pack, r: &CallRecord) -> Formatted {
    let mut json = serde_json::to_vec(r).unwrap_or_else(|e| {
        format!("{{\"type\":\"error\",\"reason\":\"cannot serialise record: {e}\"}}").into_bytes()
    });
    json.push(b'\n');
    Formatted {
        json,
        csv: csv::row(pack, r),
    }
}

/// An `errors.jsonl` line: the envelope type first, then the [`ReadError`] fields.
#[derive(serde::Serialize)]
struct ErrorRecord<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    error: &'a ReadError,
}

/// Format a read error as an `errors.jsonl` line.
pub fn format_error(e: &ReadError) -> Vec<u8> {
    let mut line = serde_json::to_vec(&ErrorRecord {
        kind: "error",
        error: e,
    })
    .unwrap_or_default();
    line.push(b'\n');
    line
}

/// Where formatted records go.
pub enum Output {
    /// Files in a folder, renamed into place at the end.
    Dir(Box<DirOutput>),
    /// JSON Lines on stdout.
    Stdout(BufWriter<io::Stdout>),
}

/// The files of a `--out DIR` run.
pub struct DirOutput {
    dir: PathBuf,
    calls: TempFile,
    csv: TempFile,
    errors: TempFile,
}

struct TempFile {
    tmp: PathBuf,
    dest: PathBuf,
    w: BufWriter<File>,
}

impl TempFile {
    fn create(dir: &Path, name: &str) -> io::Result<Self> {
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        let f = File::create(&tmp)?;
        Ok(TempFile {
            dest: dir.join(name),
            w: BufWriter::with_capacity(1 << 20, f),
            tmp,
        })
    }

    fn commit(mut self) -> io::Result<()> {
        self.w.flush()?;
        self.w.get_ref().sync_all()?;
        std::fs::rename(&self.tmp, &self.dest)
    }
}

impl Output {
    /// Open outputs in `dir` (created if missing), or stdout for `-`.
    pub fn open(dir: &Path, pack: &Pack) -> io::Result<Output> {
        if dir == Path::new("-") {
            return Ok(Output::Stdout(BufWriter::with_capacity(
                1 << 20,
                io::stdout(),
            )));
        }
        std::fs::create_dir_all(dir)?;
        let mut csv = TempFile::create(dir, "calls.csv")?;
        csv.w.write_all(&csv::header(pack))?;
        Ok(Output::Dir(Box::new(DirOutput {
            dir: dir.to_path_buf(),
            calls: TempFile::create(dir, "calls.jsonl")?,
            csv,
            errors: TempFile::create(dir, "errors.jsonl")?,
        })))
    }

    /// Write one call.
    pub fn call(&mut self, f: &Formatted) -> io::Result<()> {
        match self {
            Output::Dir(d) => {
                d.calls.w.write_all(&f.json)?;
                d.csv.w.write_all(&f.csv)
            }
            Output::Stdout(w) => w.write_all(&f.json),
        }
    }

    /// Write one error line.
    pub fn error(&mut self, line: &[u8]) -> io::Result<()> {
        match self {
            Output::Dir(d) => d.errors.w.write_all(line),
            Output::Stdout(w) => w.write_all(line),
        }
    }

    /// Flush, write the summary and move files into place.
    pub fn finish(self, summary: &serde_json::Value) -> io::Result<()> {
        let text = serde_json::to_string_pretty(summary).unwrap_or_default();
        match self {
            Output::Dir(d) => {
                d.calls.commit()?;
                d.csv.commit()?;
                d.errors.commit()?;
                let tmp = d
                    .dir
                    .join(format!(".summary.json.tmp-{}", std::process::id()));
                std::fs::write(&tmp, format!("{text}\n"))?;
                std::fs::rename(tmp, d.dir.join("summary.json"))
            }
            Output::Stdout(mut w) => {
                w.flush()?;
                eprintln!("{text}");
                Ok(())
            }
        }
    }

    /// Remove temporary files after a failed run.
    pub fn abandon(self) {
        if let Output::Dir(d) = self {
            let d = *d;
            for t in [d.calls, d.csv, d.errors] {
                drop(t.w);
                let _ = std::fs::remove_file(t.tmp);
            }
        }
    }
}
