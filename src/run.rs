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

use crate::aggregate::{Aggregates, CallFacts};
use crate::input::{InputCount, InputError, InputOptions, Inputs, ReadError, Unit};
use crate::matcher::{Scan, scan_call};
use crate::rules::Pack;
use crate::score::{NaForLackOfMeta, missing_meta};
use crate::score::{ScoreOptions, score_call};
use crate::sink::{Output, OutputError, RunStamp};
use crate::summary::{PackStats, RunSummary};
use crate::transcript::Call;
use rayon::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

mod batch;
pub use batch::{Batch, Reading, UnitOut};

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
    /// The run's id (`--run-id`); generated from the start time when `None`.
    pub run_id: Option<String>,
    /// Also write `calls.parquet` and `items.parquet` (`--parquet`).
    pub parquet: bool,
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
            score: ScoreOptions {
                evidence: crate::record::EvidenceLevel::Failed,
                ..ScoreOptions::default()
            },
            progress: true,
            max_stderr_errors: 20,
            run_id: None,
            parquet: false,
        }
    }
}

/// Counts of a finished run.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
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
    /// Calls whose call id an earlier call of the run already had (in another file, or
    /// another record of the same file). Each was scored, so totals count that call id
    /// more than once.
    #[serde(default)]
    pub duplicate_call_ids: u64,
    /// The first of them, each naming the call id and both places it was read from.
    #[serde(default)]
    pub duplicate_examples: Vec<String>,
    /// Files finished so far (progress only; a JSON Lines file counts when the next
    /// input starts).
    #[serde(skip)]
    pub files_done: u64,
    #[serde(skip)]
    last_record_file: Option<Arc<str>>,
}

impl Summary {
    /// Count one input's outcome.
    fn count<T>(&mut self, o: &UnitOut<T>) {
        match &o.record_of {
            Some(file) if self.last_record_file.as_ref() == Some(file) => {}
            Some(file) => {
                if self.last_record_file.replace(file.clone()).is_some() {
                    self.files_done += 1;
                }
            }
            None => {
                self.files_done += 1 + u64::from(self.last_record_file.take().is_some());
            }
        }
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

pub(crate) use crate::seen_ids::{MAX_DUPLICATE_EXAMPLES, SeenIds};

impl Summary {
    /// Add the counts of another part of the same run (an incremental run's
    /// checkpoints). Metadata counts are the run's, not the parts': they are not added.
    pub fn absorb(&mut self, o: &Summary) {
        self.inputs_found += o.inputs_found;
        self.inputs_scored += o.inputs_scored;
        self.inputs_errored += o.inputs_errored;
        self.calls_scored += o.calls_scored;
        self.errors += o.errors;
        self.files_skipped += o.files_skipped;
        for e in &o.skipped_examples {
            if self.skipped_examples.len() < 5 {
                self.skipped_examples.push(e.clone());
            }
        }
        self.bytes_read += o.bytes_read;
        self.files_done += o.files_done;
        self.duplicate_call_ids += o.duplicate_call_ids;
        for e in &o.duplicate_examples {
            if self.duplicate_examples.len() < MAX_DUPLICATE_EXAMPLES {
                self.duplicate_examples.push(e.clone());
            }
        }
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
        source: OutputError,
    },
    /// The reader of `--out -` closed stdout: a normal end, nothing more to do.
    #[error("stdout was closed by its reader")]
    Closed,
    /// No transcript was found; the previous outputs are left as they were.
    #[error(
        "no transcript found in {inputs}{skipped}; the outputs in {out} were left as they were"
    )]
    NoInputs {
        /// The inputs given.
        inputs: String,
        /// What was skipped, if anything.
        skipped: String,
        /// The output folder.
        out: String,
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
    /// Another run holds the state folder (`--state`): nothing was done.
    #[error(
        "another callscore run holds the state folder {dir} ({holder}); nothing was done. Wait for it to finish; if no callscore runs, the lock is free and this cannot happen"
    )]
    StateBusy {
        /// The state folder.
        dir: PathBuf,
        /// What the lock file says of its holder.
        holder: String,
    },
    /// The state folder cannot be used.
    #[error("state folder {dir}: {reason}")]
    State {
        /// The state folder.
        dir: PathBuf,
        /// What is wrong and what to do.
        reason: String,
    },
}

/// What a run tells the program that started it while it works. The library never
/// prints: the CLI shows a progress bar and the first errors on stderr, a service could
/// log them. Every method has a do-nothing default.
pub trait RunObserver {
    /// The run starts; `total` is what the inputs hold (counted with a cheap walk first).
    fn started(&mut self, _stamp: &RunStamp, _total: &InputCount) {}
    /// Whether [`RunObserver::started`] needs the inputs' total bytes (a `stat` of every
    /// file before the run starts); when not, `total.bytes` is 0.
    fn wants_input_sizes(&self) -> bool {
        true
    }
    /// An input was handled (called in input order, after its records were written).
    fn progress(&mut self, _counts: &Summary) {}
    /// An input (or part of one) could not be read; it is also in `errors.jsonl`.
    fn input_error(&mut self, _error: &crate::input::ReadError) {}
    /// Something the operator should know that is not an input error.
    fn warning(&mut self, _message: &str) {}
}

/// An observer that ignores everything (tests, embedding).
pub struct Silent;

impl RunObserver for Silent {
    fn wants_input_sizes(&self) -> bool {
        false
    }
}

/// Score one call on a worker: its formatted record, its facts for the aggregates, and
/// the (item, key) pairs that went n/a for lack of metadata. Plain and incremental runs
/// share it.
pub(crate) fn score_one(
    pack: &Pack,
    call: &Call,
    scan: &mut Scan,
    score: ScoreOptions,
    formatter: &crate::sink::Formatter,
) -> (crate::sink::Formatted, CallFacts, Vec<(String, String)>) {
    scan_call(pack, call, scan);
    let record = score_call(pack, call, scan, score);
    let missing = missing_meta(&record)
        .map(|(i, k)| (i.to_string(), k.to_string()))
        .collect();
    (
        formatter.record(&record),
        CallFacts::from_record(&record),
        missing,
    )
}

/// Run the batch and write outputs, published together at the end. Returns the summary
/// (also written to summary.json). Finding no transcript at all is an error that leaves
/// the previous outputs alone.
pub fn run(
    pack: &Pack,
    opts: &RunOptions,
    observer: &mut dyn RunObserver,
) -> Result<RunSummary, RunError> {
    let started = Instant::now();
    let stamp = RunStamp::new(opts.run_id.clone());
    let mut batch = Batch::new(opts)?;
    let sizes = if observer.wants_input_sizes() {
        crate::input::Sizes::Stat
    } else {
        crate::input::Sizes::Skip
    };
    let total = batch.count(sizes);
    if total.files == 0 && total.errors == 0 && !total.stdin && !other_shards_have_inputs(opts) {
        return Err(no_inputs(opts, total.skipped, &total.skipped_examples));
    }
    let out_err = |source| RunError::Output {
        path: opts.out.clone(),
        source,
    };
    let (mut output, formatter) =
        Output::open(&opts.out, pack, &stamp, opts.score.evidence).map_err(out_err)?;
    observer.started(&stamp, &total);
    let formatter = &formatter;
    // What the dashboard needs (mergeable sums), and which items went n/a for lack of
    // metadata: both gathered from small per-call facts computed on the workers.
    let mut aggregates = Aggregates::new(pack);
    let mut na_for_lack_of_meta = NaForLackOfMeta::default();
    let mut seen_ids = SeenIds::default();
    let result = batch.for_each(
        || Scan::new(pack),
        |scan, call| {
            let (formatted, facts, missing) = score_one(pack, call, scan, opts.score, formatter);
            (
                formatted,
                facts,
                missing,
                (call.call_id.clone(), call.source.clone(), call.source_line),
            )
        },
        |summary, o| {
            for (f, facts, missing, (id, source, line)) in &o.calls {
                output.call(f)?;
                aggregates.add(facts);
                for (item, key) in missing {
                    na_for_lack_of_meta.add_one(item, key);
                }
                if let Some(w) = seen_ids.check(id, source, *line) {
                    summary.duplicate_call_ids += 1;
                    if summary.duplicate_examples.len() < MAX_DUPLICATE_EXAMPLES {
                        observer.warning(&w);
                        summary.duplicate_examples.push(w);
                    } else if summary.duplicate_call_ids == MAX_DUPLICATE_EXAMPLES as u64 + 1 {
                        observer.warning(
                            "more call ids are read twice; summary.json counts them (duplicate_call_ids)",
                        );
                    }
                }
            }
            for e in &o.errors {
                aggregates.add_error();
                output.error(&formatter.error(e))?;
                observer.input_error(e);
            }
            observer.progress(summary);
            Ok::<(), OutputError>(())
        },
    );
    match result {
        Ok(()) => {}
        Err(OutputError::Closed) => {
            output.abandon();
            return Err(RunError::Closed);
        }
        Err(e) => {
            output.abandon();
            return Err(out_err(e));
        }
    }
    // Every call is read: the table of call ids (tens of MB at millions of calls) goes
    // before the aggregates' file text is built, not after.
    drop(seen_ids);
    let threads = batch.threads();
    let counts = batch.summary;
    // An empty stream on stdin is an empty part of a streamed job (an empty Spark
    // partition): it still ends with its aggregates line.
    let empty_stream = total.stdin && opts.out.as_os_str() == "-";
    if counts.inputs_found == 0 && !other_shards_have_inputs(opts) && !empty_stream {
        output.abandon();
        return Err(no_inputs(
            opts,
            counts.files_skipped,
            &counts.skipped_examples,
        ));
    }
    let elapsed = started.elapsed();
    let secs = elapsed.as_secs_f64();
    let per_s = |n: f64| {
        if secs > 0.0 {
            crate::score::round(n / secs, 1)
        } else {
            0.0
        }
    };
    let summary = RunSummary {
        kind: "summary".into(),
        run_id: stamp.run_id.clone(),
        started_at: stamp.started_at.clone(),
        finished_at: jiff::Timestamp::now()
            .strftime("%Y-%m-%dT%H:%M:%SZ")
            .to_string(),
        callscore: env!("CARGO_PKG_VERSION").into(),
        rules: PackStats::of(pack),
        threads,
        elapsed_ms: elapsed.as_millis() as u64,
        mb_per_s: per_s(counts.bytes_read as f64 / 1e6),
        calls_per_s: per_s(counts.calls_scored as f64),
        counts,
        na_for_lack_of_metadata: na_for_lack_of_meta,
        state: None,
        shard: opts.input.shard.map(|s| crate::summary::ShardSummary {
            k: s.k,
            n: s.n,
            roots: opts
                .input
                .paths
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
        }),
        merged: None,
    };
    let aggregates = aggregates.into_json();
    let parquet = |dir: &std::path::Path| {
        if opts.parquet {
            crate::load::parquet::write(dir).map_err(std::io::Error::other)?;
        }
        Ok(())
    };
    match output.finish_with(&summary, &[("aggregates.json", aggregates)], parquet) {
        Ok(()) => Ok(summary),
        Err(OutputError::Closed) => Err(RunError::Closed),
        Err(e) => Err(out_err(e)),
    }
}

/// With `--shard`, a shard without files (more shards than files, or an unlucky hash)
/// is a normal, empty part of a run that has inputs: it publishes an empty run folder,
/// so every one of the N processes leaves a folder for `merge`.
fn other_shards_have_inputs(opts: &RunOptions) -> bool {
    opts.input.shard.is_some() && {
        let all = InputOptions {
            shard: None,
            ..opts.input.clone()
        };
        let c = crate::input::count(&all);
        c.files > 0 || c.errors > 0
    }
}

/// The error of a run that found no transcript.
pub(crate) fn no_inputs(opts: &RunOptions, skipped: u64, examples: &[String]) -> RunError {
    RunError::NoInputs {
        inputs: opts
            .input
            .paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        skipped: if skipped > 0 {
            format!(
                " ({skipped} files skipped, not transcript formats, e.g. {})",
                examples.join(", ")
            )
        } else {
            String::new()
        },
        out: opts.out.display().to_string(),
    }
}
