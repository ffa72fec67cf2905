//! The batch: take the units of the input layer in their fixed order, score them in
//! parallel chunks, write results in input order. What is read, and how, is the input
//! layer's ([`crate::input`]); this module is chunking, the pool and ordered results.
//!
//! Shape (memory stays flat whatever the corpus size):
//! 1. Inputs are produced lazily by [`crate::input::Inputs::units`]: folders walked in
//!    sorted order, JSON Lines files and stdin cut per record.
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

use crate::input::{InputCount, InputError, InputOptions, Inputs, ReadError, Unit};
use crate::matcher::{Scan, scan_call};
use crate::rules::Pack;
use crate::score::{ScoreOptions, score_call};
use crate::sink::{Output, format_error, format_record};
use crate::transcript::Call;
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

const CHUNK_UNITS: usize = 512;
const CHUNK_BYTES: usize = 32 << 20;
/// What to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// What to read and how (paths, speaker map, encoding, side and default metadata,
    /// size limit, paths never read).
    pub input: InputOptions,
    /// Output folder, or `-` for stdout.
    pub out: PathBuf,
    /// Worker threads (0 = all cores).
    pub threads: usize,
    /// Scoring options.
    pub score: ScoreOptions,
    /// Show a progress bar (only used when stderr is a terminal).
    pub progress: bool,
    /// Print at most this many per-input errors on stderr (all go to errors.jsonl).
    pub max_stderr_errors: usize,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            input: InputOptions {
                paths: vec![PathBuf::from("corpus")],
                exclude: vec![PathBuf::from("out")],
                ..InputOptions::default()
            },
            out: PathBuf::from("out"),
            threads: 0,
            score: ScoreOptions::default(),
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

/// A prepared batch: inputs opened (checked, side metadata loaded), worker threads
/// started.
///
/// [`Batch::for_each`] is the one loop every corpus command shares (`run` writes records,
/// `diff` compares two packs): units come lazily from the input layer in a fixed order,
/// are taken in chunks, each unit is read and each of its calls handed to a worker
/// function on the rayon pool (with per-worker state, e.g. scan buffers), and the
/// per-input results come back to the caller's sink in input order. Memory stays flat:
/// one chunk in flight.
pub struct Batch<'o> {
    _opts: std::marker::PhantomData<&'o RunOptions>,
    inputs: Inputs,
    pool: rayon::ThreadPool,
    /// Counts so far (metadata counts are filled by [`Batch::new`]).
    pub summary: Summary,
}

impl<'o> Batch<'o> {
    /// Open the inputs (check they exist, load side metadata), start the worker pool.
    pub fn new(opts: &'o RunOptions) -> Result<Self, RunError> {
        let inputs = Inputs::open(opts.input.clone()).map_err(|e| match e {
            InputError::Missing(p) => RunError::MissingInput(p),
            InputError::Metadata(e) => RunError::Metadata(e),
        })?;
        for w in &inputs.warnings {
            eprintln!("callscore: {}: {}", w.source, w.reason);
        }
        let summary = Summary {
            metadata_files: inputs.metadata_files.clone(),
            metadata_rows: inputs.metadata_rows,
            ..Summary::default()
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(opts.threads)
            .build()
            .map_err(|e| RunError::Threads(e.to_string()))?;
        Ok(Batch {
            _opts: std::marker::PhantomData,
            inputs,
            pool,
            summary,
        })
    }

    /// What the batch will read (files and bytes; see [`crate::input::count`]), for a
    /// progress bar or to stop early on an empty input.
    pub fn count(&self) -> InputCount {
        self.inputs.count()
    }

    /// The opened inputs.
    pub fn inputs(&self) -> &Inputs {
        &self.inputs
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
        let (inputs, pool) = (&self.inputs, &self.pool);
        let (chunk_tx, chunk_rx) = std::sync::mpsc::sync_channel::<Vec<Unit>>(1);
        let (out_tx, out_rx) = std::sync::mpsc::sync_channel::<Vec<UnitOut<T>>>(1);
        let (init, work) = (&init, &work);
        let summary = &mut self.summary;
        std::thread::scope(|scope| {
            let reader = scope.spawn(move || {
                let mut units = inputs.units();
                loop {
                    let mut chunk = Vec::with_capacity(CHUNK_UNITS);
                    let mut bytes = 0usize;
                    while chunk.len() < CHUNK_UNITS && bytes < CHUNK_BYTES {
                        match units.next() {
                            Some(u) => {
                                bytes += u.held_bytes();
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
                                process_unit(inputs, state, init, work, unit)
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
        let mut units = self.inputs.units();
        let mut state = init();
        let mut result = Ok(());
        for unit in units.by_ref() {
            let o = process_unit(&self.inputs, &mut state, &init, &work, unit);
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
            format_record(pack, &record)
        },
        |summary, o| {
            for f in &o.calls {
                output.call(f).map_err(out_err)?;
            }
            for e in &o.errors {
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
    inputs: &Inputs,
    state: &mut S,
    init: &impl Fn() -> S,
    work: &impl Fn(&mut S, &Call) -> T,
    unit: Unit,
) -> UnitOut<T> {
    // Keep where the unit came from without formatting it: the label is only needed
    // if scoring panics, and a JSON Lines run has one unit per record.
    let origin = match &unit {
        Unit::File(p) => Origin::File(p.clone()),
        Unit::Record { source, line, .. } => Origin::Line(source.clone(), *line),
        Unit::Document { .. } => Origin::Named("-".into()),
        Unit::Error(e) => Origin::Named(e.source.clone()),
    };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_and_work(inputs, state, work, unit)
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

/// Read one unit through the input layer and run `work` on each of its calls.
fn read_and_work<S, T>(
    inputs: &Inputs,
    state: &mut S,
    work: &impl Fn(&mut S, &Call) -> T,
    unit: Unit,
) -> UnitOut<T> {
    let read = inputs.read(unit);
    UnitOut {
        calls: read.calls.iter().map(|c| work(state, c)).collect(),
        errors: read.errors,
        bytes: read.bytes,
    }
}
