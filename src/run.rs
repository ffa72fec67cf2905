//! The batch: walk the inputs in a fixed order, score them in parallel chunks, write
//! results in input order.
//!
//! Shape (memory stays flat whatever the corpus size):
//! 1. Inputs are produced lazily: directories are walked in sorted order (one directory
//!    listing in memory at a time), JSON Lines files and stdin are read line by line.
//! 2. Up to `CHUNK_UNITS` inputs (or `CHUNK_BYTES` of lines) are taken and scored with
//!    rayon (`map_init` gives each worker its own reusable scan buffers); `collect`
//!    keeps their order.
//! 3. The chunk's formatted records are written in order by this thread, then the next
//!    chunk is taken. Output bytes therefore do not depend on `--threads`.
//!
//! With one thread (`--threads 1`) the same steps run one after another on the calling
//! thread, so the run uses one core.
//!
//! A file that cannot be read becomes an error record and the run goes on; a panic while
//! scoring one input is caught and recorded the same way (it is still a bug to fix).

use crate::matcher::{Scan, scan_call};
use crate::rules::Pack;
use crate::score::{ScoreOptions, score_call};
use crate::sink::{Output, format_error, format_record};
use crate::transcript::Call;
use crate::transcript::read::{self, MetadataTable, ReadError, ReadOptions};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

mod inputs;

pub use inputs::TRANSCRIPT_EXTENSIONS;
use inputs::{Unit, UnitIter, csv_is_metadata, discover_metadata, is_csv};

const CHUNK_UNITS: usize = 512;
const CHUNK_BYTES: usize = 32 << 20;
/// What to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Files, directories, or `-` for JSON Lines on stdin.
    pub inputs: Vec<PathBuf>,
    /// Output folder, or `-` for stdout.
    pub out: PathBuf,
    /// Worker threads (0 = all cores).
    pub threads: usize,
    /// Reader options.
    pub read: ReadOptions,
    /// Side CSVs of metadata given explicitly.
    pub metadata: Vec<PathBuf>,
    /// Scoring options.
    pub score: ScoreOptions,
    /// Largest whole file read (bytes); larger files are errors.
    pub max_file_bytes: u64,
    /// Show a progress bar (only used when stderr is a terminal).
    pub progress: bool,
    /// Print at most this many per-input errors on stderr (all go to errors.jsonl).
    pub max_stderr_errors: usize,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            inputs: vec![PathBuf::from("corpus")],
            out: PathBuf::from("out"),
            threads: 0,
            read: ReadOptions::default(),
            metadata: Vec::new(),
            score: ScoreOptions::default(),
            max_file_bytes: 512 << 20,
            progress: true,
            max_stderr_errors: 20,
        }
    }
}

/// Counts of a finished run.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    /// Inputs found: transcript files plus JSON Lines records.
    pub inputs_found: u64,
    /// Inputs whose every call was scored.
    pub inputs_scored: u64,
    /// Inputs with at least one error (listed in errors.jsonl).
    pub inputs_errored: u64,
    /// Calls scored.
    pub calls_scored: u64,
    /// Error records written.
    pub errors: u64,
    /// Files not read because their extension is not a transcript format.
    pub files_skipped: u64,
    /// A few of the skipped files, to show what was left out.
    pub skipped_examples: Vec<String>,
    /// Metadata CSV files loaded, and rows.
    pub metadata_files: Vec<String>,
    /// Rows of side metadata.
    pub metadata_rows: u64,
    /// Bytes of input read.
    pub bytes_read: u64,
}

impl Summary {
    /// Count one input's outcome.
    fn count<T>(&mut self, o: &UnitOut<T>) {
        self.inputs_found += 1;
        self.bytes_read += o.bytes;
        if o.errors.is_empty() {
            self.inputs_scored += 1;
        } else {
            self.inputs_errored += 1;
        }
        self.calls_scored += o.calls.len() as u64;
        self.errors += o.errors.len() as u64;
    }
}

/// Why a run could not be done at all.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The output could not be written.
    #[error("cannot write output in {path}: {source}")]
    Output {
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// An input path does not exist.
    #[error("input {0} does not exist")]
    MissingInput(PathBuf),
    /// A metadata CSV named on the command line cannot be read.
    #[error("{}", .0.reason)]
    Metadata(ReadError),
    /// The thread pool could not start.
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}

/// What one input (a file, or one JSON Lines record) produced, for a [`Batch::for_each`]
/// sink: one `T` per call the worker function handled, and the read errors.
pub struct UnitOut<T> {
    /// One result per call, in the order of the calls in the input.
    pub calls: Vec<T>,
    /// Parts of the input that could not be read (or a caught panic).
    pub errors: Vec<ReadError>,
    /// Bytes read.
    pub bytes: u64,
}

/// A prepared batch: inputs checked, side metadata loaded, worker threads started.
///
/// [`Batch::for_each`] is the one loop every corpus command shares (`run` writes records,
/// `diff` compares two packs): inputs are produced lazily in a fixed order, taken in
/// chunks, each call is handed to a worker function on the rayon pool (with per-worker
/// state, e.g. scan buffers), and the per-input results come back to the caller's sink
/// in input order. Memory stays flat: one chunk in flight.
pub struct Batch<'o> {
    opts: &'o RunOptions,
    meta: MetadataTable,
    /// The side metadata CSVs found among the inputs: the walk skips them (their
    /// header was read once, by the discovery).
    metadata_csvs: std::collections::HashSet<PathBuf>,
    pool: rayon::ThreadPool,
    /// Counts so far (metadata counts are filled by [`Batch::new`]).
    pub summary: Summary,
}

impl<'o> Batch<'o> {
    /// Check the inputs exist, load side metadata, start the worker pool.
    pub fn new(opts: &'o RunOptions) -> Result<Self, RunError> {
        for p in &opts.inputs {
            if p != Path::new("-") && !p.exists() {
                return Err(RunError::MissingInput(p.clone()));
            }
        }
        let mut summary = Summary::default();
        let mut meta = MetadataTable::default();
        for p in &opts.metadata {
            let t = MetadataTable::load(p).map_err(RunError::Metadata)?;
            summary.metadata_rows += t.len() as u64;
            summary.metadata_files.push(p.display().to_string());
            meta.extend(t);
        }
        let discovered = discover_metadata(&opts.inputs);
        for p in &discovered {
            match MetadataTable::load(p) {
                Ok(t) => {
                    summary.metadata_rows += t.len() as u64;
                    summary.metadata_files.push(p.display().to_string());
                    meta.extend(t);
                }
                Err(e) => eprintln!("callscore: {}: {}", p.display(), e.reason),
            }
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(opts.threads)
            .build()
            .map_err(|e| RunError::Threads(e.to_string()))?;
        Ok(Batch {
            opts,
            meta,
            metadata_csvs: discovered.into_iter().collect(),
            pool,
            summary,
        })
    }

    /// Number of worker threads.
    pub fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    /// Read every input, call `work(state, call)` on a worker for every readable call
    /// (metadata joined, empty calls turned into errors), and give each input's
    /// [`UnitOut`] to `sink` in input order. `init` makes a worker's state; it is also
    /// called to reset the state after a panic, which is caught and reported as an
    /// error of that input. Updates [`Batch::summary`] (inputs, calls, errors, bytes,
    /// skipped files); `sink` errors stop the loop.
    pub fn for_each<S, T, E>(
        &mut self,
        init: impl Fn() -> S + Sync + Send,
        work: impl Fn(&mut S, &Call) -> T + Sync + Send,
        mut sink: impl FnMut(&mut Summary, UnitOut<T>) -> Result<(), E>,
    ) -> Result<(), E>
    where
        T: Send,
    {
        if self.threads() == 1 {
            return self.for_each_inline(init, work, sink);
        }
        // Three stages overlap: a reader thread cuts the inputs into chunks, a scoring
        // thread runs each chunk on the pool, and this thread hands results to `sink`
        // (the writer) in order. Bounded channels keep at most a few chunks in memory.
        let (opts, meta, pool) = (self.opts, &self.meta, &self.pool);
        let inputs = self.opts.inputs.clone();
        let metadata_csvs = &self.metadata_csvs;
        let (chunk_tx, chunk_rx) = std::sync::mpsc::sync_channel::<Vec<Unit>>(1);
        let (out_tx, out_rx) = std::sync::mpsc::sync_channel::<Vec<UnitOut<T>>>(1);
        let (init, work) = (&init, &work);
        let summary = &mut self.summary;
        std::thread::scope(|scope| {
            let reader = scope.spawn(move || {
                let mut units = UnitIter::new(inputs, metadata_csvs);
                loop {
                    let mut chunk = Vec::with_capacity(CHUNK_UNITS);
                    let mut bytes = 0usize;
                    while chunk.len() < CHUNK_UNITS && bytes < CHUNK_BYTES {
                        match units.next() {
                            Some(u) => {
                                if let Unit::Line { text, .. } = &u {
                                    bytes += text.len();
                                }
                                chunk.push(u);
                            }
                            None => break,
                        }
                    }
                    if chunk.is_empty() || chunk_tx.send(chunk).is_err() {
                        break;
                    }
                }
                (units.skipped, std::mem::take(&mut units.skipped_examples))
            });
            scope.spawn(move || {
                for chunk in chunk_rx {
                    let outs: Vec<UnitOut<T>> = pool.install(|| {
                        chunk
                            .into_par_iter()
                            .map_init(init, |state, unit| {
                                process_unit(opts, meta, state, init, work, unit)
                            })
                            .collect()
                    });
                    if out_tx.send(outs).is_err() {
                        break;
                    }
                }
            });
            let mut result = Ok(());
            'chunks: for outs in out_rx.iter() {
                for o in outs {
                    summary.count(&o);
                    if let Err(e) = sink(summary, o) {
                        result = Err(e);
                        break 'chunks;
                    }
                }
            }
            drop(out_rx);
            if let Ok((skipped, examples)) = reader.join() {
                summary.files_skipped += skipped;
                summary.skipped_examples.extend(examples);
            }
            result
        })
    }

    /// `--threads 1`: read, score and write on this thread alone, so one thread means one
    /// core (the pipelined path adds a reader and a writer thread on top of the workers).
    fn for_each_inline<S, T, E>(
        &mut self,
        init: impl Fn() -> S,
        work: impl Fn(&mut S, &Call) -> T,
        mut sink: impl FnMut(&mut Summary, UnitOut<T>) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut units = UnitIter::new(self.opts.inputs.clone(), &self.metadata_csvs);
        let mut state = init();
        let mut result = Ok(());
        for unit in units.by_ref() {
            let o = process_unit(self.opts, &self.meta, &mut state, &init, &work, unit);
            self.summary.count(&o);
            if let Err(e) = sink(&mut self.summary, o) {
                result = Err(e);
                break;
            }
        }
        self.summary.files_skipped += units.skipped;
        self.summary
            .skipped_examples
            .append(&mut units.skipped_examples);
        result
    }
}

/// Run the batch and write outputs. Returns the summary (also written to summary.json).
pub fn run(pack: &Pack, opts: &RunOptions) -> Result<Summary, RunError> {
    let started = Instant::now();
    let mut batch = Batch::new(opts)?;
    let mut output = Output::open(&opts.out, pack).map_err(|e| RunError::Output {
        path: opts.out.clone(),
        source: e,
    })?;
    let progress = progress_bar(opts.progress);
    let mut aggregates = crate::aggregate::Aggregates::new(pack); // aggregates hook
    let mut stderr_errors = 0usize;
    let out_err = |e| RunError::Output {
        path: opts.out.clone(),
        source: e,
    };
    batch.for_each(
        || Scan::new(pack),
        |scan, call| {
            scan_call(pack, call, scan);
            let record = score_call(pack, call, scan, opts.score);
            let facts = crate::aggregate::CallFacts::from_record(&record); // aggregates hook
            (format_record(pack, &record), facts)
        },
        |summary, o| {
            for (f, facts) in &o.calls {
                output.call(f).map_err(out_err)?;
                aggregates.add(facts); // aggregates hook
            }
            for e in &o.errors {
                aggregates.add_error(); // aggregates hook
                output.error(&format_error(e)).map_err(out_err)?;
                if stderr_errors < opts.max_stderr_errors {
                    progress.suspend(|| eprintln!("callscore: {}", error_message(e)));
                } else if stderr_errors == opts.max_stderr_errors {
                    progress.suspend(|| {
                        eprintln!("callscore: more errors follow; all are listed in errors.jsonl")
                    });
                }
                stderr_errors += 1;
            }
            progress.set_position(summary.calls_scored);
            Ok::<(), RunError>(())
        },
    )?;
    progress.finish_and_clear();
    let threads = batch.threads();
    let summary = batch.summary;
    let elapsed = started.elapsed();
    let doc = serde_json::json!({
        "type": "summary",
        "counts": &summary,
        "rules": {
            "name": pack.info.name,
            "version": pack.info.version,
            "hash": pack.hash,
            "patterns": pack.pattern_count,
            "regexes": pack.tables.regexes.len(),
            "automaton_bytes": pack.automaton_bytes,
        },
        "threads": threads,
        "elapsed_ms": elapsed.as_millis() as u64,
        "mb_per_s": if elapsed.as_secs_f64() > 0.0 { crate::score::round(summary.bytes_read as f64 / 1e6 / elapsed.as_secs_f64(), 1) } else { 0.0 },
        "calls_per_s": if elapsed.as_secs_f64() > 0.0 { crate::score::round(summary.calls_scored as f64 / elapsed.as_secs_f64(), 1) } else { 0.0 },
    });
    // aggregates hook: `aggregates.json` beside the other outputs (nothing for `--out -`).
    if opts.out != Path::new("-") {
        let path = opts.out.join("aggregates.json");
        aggregates.write_file(&path).map_err(out_err)?;
    }
    output.finish(&doc).map_err(|e| RunError::Output {
        path: opts.out.clone(),
        source: e,
    })?;
    Ok(summary)
}

fn progress_bar(wanted: bool) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !wanted || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let pb = indicatif::ProgressBar::new_spinner();
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} {pos} calls scored ({per_sec}) {elapsed}",
    ) {
        pb.set_style(style);
    }
    pb.enable_steady_tick(std::time::Duration::from_millis(200));
    pb
}

/// Read one unit and run `work` on its calls (on a worker thread). Panics are caught and
/// reported as errors; the worker state is then rebuilt with `init`.
fn process_unit<S, T>(
    opts: &RunOptions,
    meta: &MetadataTable,
    state: &mut S,
    init: &impl Fn() -> S,
    work: &impl Fn(&mut S, &Call) -> T,
    unit: Unit,
) -> UnitOut<T> {
    // Keep where the unit came from without formatting it: the label is only needed
    // if scoring panics, and a JSON Lines run has one unit per record.
    let origin = match &unit {
        Unit::File(p) => Origin::File(p.clone()),
        Unit::Line { source, line, .. } => Origin::Line(source.clone(), *line),
        Unit::Error(e) => Origin::Named(e.source.clone()),
    };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_and_work(opts, meta, state, work, unit)
    }));
    match result {
        Ok(o) => o,
        Err(panic) => {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            *state = init();
            let e = ReadError {
                source: origin.label(),
                line: None,
                call_id: None,
                reason: format!("internal error while scoring (a bug in callscore): {msg}"),
                hint: Some("please report this input; the rest of the run is unaffected".into()),
            };
            UnitOut {
                calls: vec![],
                errors: vec![e],
                bytes: 0,
            }
        }
    }
}

/// The input a unit was cut from, for the error of a caught panic.
enum Origin {
    File(PathBuf),
    Line(Arc<str>, u64),
    Named(String),
}

impl Origin {
    /// `path`, or `path:line` for a JSON Lines record.
    fn label(self) -> String {
        match self {
            Origin::File(p) => p.display().to_string(),
            Origin::Line(source, line) => format!("{source}:{line}"),
            Origin::Named(s) => s,
        }
    }
}

/// `source[:line]: reason; hint` for the console.
fn error_message(e: &ReadError) -> String {
    let mut msg = e.source.clone();
    if let Some(l) = e.line {
        msg.push_str(&format!(":{l}"));
    }
    msg.push_str(&format!(": {}", e.reason));
    if let Some(h) = &e.hint {
        msg.push_str(&format!("; {h}"));
    }
    msg
}

fn read_and_work<S, T>(
    opts: &RunOptions,
    meta: &MetadataTable,
    state: &mut S,
    work: &impl Fn(&mut S, &Call) -> T,
    unit: Unit,
) -> UnitOut<T> {
    let (calls, errors, bytes) = match unit {
        Unit::Error(e) => (vec![], vec![e], 0),
        Unit::Line { source, line, text } => {
            let n = text.len() as u64;
            match read::read_native_line(&source, line, &text) {
                Ok(c) => (vec![c], vec![], n),
                Err(e) => (vec![], vec![e], n),
            }
        }
        Unit::File(path) => read_file(&path, &opts.read, opts.max_file_bytes),
    };
    let mut out = UnitOut {
        calls: Vec::with_capacity(calls.len()),
        errors,
        bytes,
    };
    for mut call in calls {
        if call.turns.is_empty() {
            out.errors.push(empty_call_error(&call));
            continue;
        }
        prepare_call(meta, &mut call);
        out.calls.push(work(state, &call));
    }
    out
}

/// The error for a call without turns.
pub fn empty_call_error(call: &Call) -> ReadError {
    ReadError {
        source: call.source.clone(),
        line: call.source_line,
        call_id: Some(call.call_id.clone()),
        reason: "empty call: no turns with text".into(),
        hint: Some("check the export; a call needs at least one turn".into()),
    }
}

/// What every command does to a call after reading it and before scoring it, so that
/// `run`, `diff` and `explain` score the same call the same way: join side metadata
/// (fills only what the file lacks), then infer the channel from the format.
pub fn prepare_call(meta: &MetadataTable, call: &mut Call) {
    meta.apply(call);
    call.infer_channel();
}

/// Side metadata CSVs that `explain` uses for a single file: those in the file's own
/// folder and in up to two folders above it (a corpus keeps `metadata.csv` at its top,
/// e.g. `corpus/metadata.csv` for `corpus/whisper/x.json`).
pub fn metadata_near(file: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in file.parent().into_iter().flat_map(Path::ancestors).take(3) {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut csvs: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && is_csv(p) && csv_is_metadata(p))
            .collect();
        csvs.sort();
        out.extend(csvs);
    }
    out
}

/// Read one transcript file whole (any format, JSON Lines included): its calls, the
/// errors of the parts that could not be read, and the bytes read. Files larger than
/// `max_file_bytes` are an error.
pub fn read_file(
    path: &Path,
    read_opts: &ReadOptions,
    max_file_bytes: u64,
) -> (Vec<Call>, Vec<ReadError>, u64) {
    let source = path.display().to_string();
    let err = |reason: String, hint: &str| ReadError {
        source: source.clone(),
        line: None,
        call_id: None,
        reason,
        hint: Some(hint.to_string()),
    };
    let bytes = match std::fs::metadata(path) {
        Ok(m) if m.len() > max_file_bytes => {
            return (
                vec![],
                vec![err(
                    format!(
                        "file is {} bytes, more than the limit of {}",
                        m.len(),
                        max_file_bytes
                    ),
                    "split it, export it as JSON Lines (streamed without limit), or raise --max-file-size",
                )],
                0,
            );
        }
        _ => match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                return (
                    vec![],
                    vec![err(
                        format!("cannot read file: {e}"),
                        "check the path and permissions",
                    )],
                    0,
                );
            }
        },
    };
    let n = bytes.len() as u64;
    let text = match read::decode(&bytes, &source, read_opts) {
        Ok(t) => t,
        Err(e) => return (vec![], vec![e], n),
    };
    let (calls, errors) = read::read_document(&source, path, &text, read_opts);
    (calls, errors, n)
}
