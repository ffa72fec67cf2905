//! The batch loop every corpus command shares: units taken in chunks, read and scored on
//! the worker pool, results handed back in input order (see the parent module's docs).

use super::*;

const CHUNK_UNITS: usize = 512;
const CHUNK_BYTES: usize = 32 << 20;

/// What one input (a file, or one JSON Lines record) produced, for a [`Batch::for_each`]
/// sink: one `T` per call the worker function handled, and the read errors.
pub struct UnitOut<T> {
    /// One result per call, in the order of the calls in the input.
    pub calls: Vec<T>,
    /// Parts of the input that could not be read (or a caught panic).
    pub errors: Vec<ReadError>,
    /// Bytes read.
    pub bytes: u64,
    /// The JSON Lines file (or `-`) this unit is a record of; `None` for a whole file.
    pub record_of: Option<Arc<str>>,
    /// The file the unit was read from (a whole file, or the JSON Lines file of a
    /// record); `None` for stdin and for walk errors.
    pub file: Option<Arc<str>>,
}

/// What a batch reads.
#[derive(Debug, Clone, Copy)]
pub enum Reading<'a> {
    /// The walk of the input paths (side metadata CSVs that could not be loaded first).
    Walk,
    /// Exactly these files, in this order: an incremental run's part. The side metadata
    /// errors come first only when `metadata_errors` (one part of a run reports them).
    Files {
        /// The files.
        files: &'a [PathBuf],
        /// Start with the side metadata errors.
        metadata_errors: bool,
    },
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
    /// Replace personal data in read errors ([`RunOptions::score`]'s `redact`).
    redact: bool,
    /// Counts so far (metadata counts are filled by [`Batch::new`]).
    pub summary: Summary,
}

impl<'o> Batch<'o> {
    /// Open the inputs (check they exist, load side metadata), start the worker pool.
    pub fn new(opts: &'o RunOptions) -> Result<Self, RunError> {
        let redact = opts.score.redact;
        let inputs = Inputs::open(opts.input.clone()).map_err(|e| match e {
            InputError::Missing(p) => RunError::MissingInput(p),
            InputError::Metadata(mut e) => {
                if redact {
                    e.redact();
                }
                RunError::Metadata(e)
            }
        })?;
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
            redact,
            summary,
        })
    }

    /// What the batch will read (files and bytes; see [`crate::input::count`]), for a
    /// progress bar or to stop early on an empty input.
    pub fn count(&self, sizes: crate::input::Sizes) -> InputCount {
        self.inputs.count(sizes)
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
        sink: impl FnMut(&mut Summary, UnitOut<T>) -> Result<(), E>,
    ) -> Result<(), E>
    where
        T: Send,
    {
        self.for_each_in(Reading::Walk, init, work, sink)
    }

    /// [`Batch::for_each`] over what `reading` says: the walk, or exactly some files (an
    /// incremental run scores its plan part by part).
    pub fn for_each_in<S, T, E>(
        &mut self,
        reading: Reading<'_>,
        init: impl Fn() -> S + Sync + Send,
        work: impl Fn(&mut S, &Call) -> T + Sync + Send,
        mut sink: impl FnMut(&mut Summary, UnitOut<T>) -> Result<(), E>,
    ) -> Result<(), E>
    where
        T: Send,
    {
        if self.threads() == 1 {
            return self.for_each_inline(reading, init, work, sink);
        }
        // Three stages overlap: a reader thread cuts the inputs into chunks, a scoring
        // thread runs each chunk on the pool, and this thread hands results to `sink`
        // (the writer) in order. Bounded channels keep at most a few chunks in memory.
        let (inputs, pool, redact) = (&self.inputs, &self.pool, self.redact);
        let (chunk_tx, chunk_rx) = std::sync::mpsc::sync_channel::<Vec<Unit>>(1);
        let (out_tx, out_rx) = std::sync::mpsc::sync_channel::<Vec<UnitOut<T>>>(1);
        let (init, work) = (&init, &work);
        let summary = &mut self.summary;
        std::thread::scope(|scope| {
            let reader = scope.spawn(move || {
                let mut units = match reading {
                    Reading::Files {
                        files,
                        metadata_errors,
                    } => inputs.units_of(files, metadata_errors),
                    Reading::Walk => inputs.units(),
                };
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
                                process_unit(inputs, state, init, work, unit, redact)
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
        reading: Reading<'_>,
        init: impl Fn() -> S,
        work: impl Fn(&mut S, &Call) -> T,
        mut sink: impl FnMut(&mut Summary, UnitOut<T>) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut units = match reading {
            Reading::Files {
                files,
                metadata_errors,
            } => self.inputs.units_of(files, metadata_errors),
            Reading::Walk => self.inputs.units(),
        };
        let mut state = init();
        let mut result = Ok(());
        for unit in units.by_ref() {
            let o = process_unit(&self.inputs, &mut state, &init, &work, unit, self.redact);
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

/// Read one unit and run `work` on its calls (on a worker thread). Panics are caught and
/// reported as errors; the worker state is then rebuilt with `init`. With `redact`, the
/// errors' reasons and hints are redacted here, before any sink or observer sees them.
fn process_unit<S, T>(
    inputs: &Inputs,
    state: &mut S,
    init: &impl Fn() -> S,
    work: &impl Fn(&mut S, &Call) -> T,
    unit: Unit,
    redact: bool,
) -> UnitOut<T> {
    let mut o = process_unit_raw(inputs, state, init, work, unit);
    if redact {
        o.errors.iter_mut().for_each(ReadError::redact);
    }
    o
}

fn process_unit_raw<S, T>(
    inputs: &Inputs,
    state: &mut S,
    init: &impl Fn() -> S,
    work: &impl Fn(&mut S, &Call) -> T,
    unit: Unit,
) -> UnitOut<T> {
    // Keep where the unit came from without formatting it: the label is only needed
    // if scoring panics, and a JSON Lines run has one unit per record.
    let record_of = match &unit {
        Unit::Record { source, .. } => Some(source.clone()),
        _ => None,
    };
    let file: Option<Arc<str>> = match &unit {
        Unit::File(p) => Some(Arc::from(p.display().to_string())),
        Unit::Record { source, .. } => Some(source.clone()),
        _ => None,
    };
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
        Ok(mut o) => {
            o.record_of = record_of;
            o.file = file;
            o
        }
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
                record_of: None,
                file,
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
        record_of: None,
        file: None,
    }
}
