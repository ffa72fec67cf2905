//! The input layer: everything between a path on the command line and a [`Call`] ready
//! to score. `run`, `diff` and `explain` read inputs only through it, so a call is read
//! the same way whichever command reads it and whichever way it comes in.
//!
//! Layers (each imports only from the ones below it):
//! - [`walk`]: which files a run reads and in which order (one walk for discovery,
//!   units and the pre-count), using the one extension table in [`ext`];
//! - [`lines`]: JSON Lines streams cut per record; stdin sniffed (JSON Lines or a
//!   document read whole);
//! - [`decode`]: bytes → text (`--encoding`, BOMs, UTF-8, UTF-16, GB18030);
//! - [`detect`]: which reader a text needs (extension claim + content);
//! - [`read`]: one module per format, text → calls; they share [`common`] (errors,
//!   context, metadata keys, speaker labels, time formats, header blocks);
//! - [`side`]: side metadata CSVs joined on call id; [`defaults`]: `--meta KEY=VALUE`;
//! - this module: [`InputOptions`], [`Inputs`] (open once: inputs checked, side
//!   metadata loaded; then [`Inputs::units`] and [`Inputs::read`]), [`count`], and
//!   [`prepare_call`], the last step every call goes through.
//!
//! Contract: every option in [`InputOptions`] (speaker map, encoding, side metadata,
//! default metadata, size limit, exclusions) is applied by this layer in one place, the
//! same for a file named directly, a file found in a folder, a JSON Lines record and
//! stdin. The layer never prints: problems are [`ReadError`]s or [`InputError`]s.

pub mod common;
pub mod decode;
pub mod defaults;
pub mod detect;
pub(crate) mod envelope;
pub mod ext;
pub mod lines;
pub(crate) mod open;
pub mod read;
pub mod side;
pub mod walk;

#[cfg(test)]
pub(crate) mod tests;

pub use common::{ReadError, ReadOptions};
pub use ext::{FileKind, TRANSCRIPT_EXTENSIONS};
pub use side::{MetadataTable, is_metadata_csv, metadata_near};
pub use walk::{Unit, Units};

use crate::transcript::{Call, Metadata, Speaker};
use std::borrow::Cow;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Everything that decides how inputs are found and read.
#[derive(Debug, Clone)]
pub struct InputOptions {
    /// Files, folders (walked), or `-` for stdin.
    pub paths: Vec<PathBuf>,
    /// Paths never read (the run's output folder), however they are spelled.
    pub exclude: Vec<PathBuf>,
    /// Speaker map and forced encoding, for the readers.
    pub read: ReadOptions,
    /// Side CSVs of metadata named explicitly (`--metadata`); an error in one is fatal.
    pub metadata: Vec<PathBuf>,
    /// Run-wide default metadata (`--meta`), applied last, filling only what is missing.
    pub defaults: Metadata,
    /// Largest input read whole, in bytes: a file, stdin read whole, a `.gz` file once
    /// decompressed. Larger ones are errors. JSON Lines files are streamed record by
    /// record and bounded only by [`InputOptions::max_line_bytes`], so a nightly export of
    /// gigabytes is read with the defaults.
    pub max_file_bytes: u64,
    /// Longest JSON Lines record, in bytes. A longer line is an error naming the file
    /// and line; the rest of it is streamed through (never held in memory) and the
    /// stream goes on with the next line.
    pub max_line_bytes: u64,
    /// Most turns one call may have. A call with more is an error (scoring cost grows
    /// with turns; a runaway export should not stall the batch).
    pub max_turns: usize,
    /// Longest text of one turn, in bytes. A call with a longer turn is an error.
    pub max_turn_bytes: usize,
    /// `--shard K/N`: read only this shard's files ([`crate::shard`]). Side metadata
    /// CSVs are loaded by every shard (any call may need them); an error in one is
    /// reported by the shard its path belongs to.
    pub shard: Option<crate::shard::Shard>,
}

/// The default [`InputOptions::max_file_bytes`]: 512 MiB.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 512 << 20;
/// The default [`InputOptions::max_line_bytes`]: 64 MiB, far above any real call (the
/// largest real records seen are a few MiB) and small enough to hold per worker.
pub const DEFAULT_MAX_LINE_BYTES: u64 = 64 << 20;
/// The default [`InputOptions::max_turns`]: 200 000 (a 24-hour call with a turn every
/// half second).
pub const DEFAULT_MAX_TURNS: usize = 200_000;
/// The default [`InputOptions::max_turn_bytes`]: 32 MiB.
pub const DEFAULT_MAX_TURN_BYTES: usize = 32 << 20;

impl Default for InputOptions {
    fn default() -> Self {
        InputOptions {
            paths: Vec::new(),
            exclude: Vec::new(),
            read: ReadOptions::default(),
            metadata: Vec::new(),
            defaults: Metadata::default(),
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            max_turns: DEFAULT_MAX_TURNS,
            max_turn_bytes: DEFAULT_MAX_TURN_BYTES,
            shard: None,
        }
    }
}

impl InputOptions {
    /// The speaker map from `LABEL=ROLE` pairs (labels compared case-insensitively).
    pub fn with_speaker_map(mut self, pairs: impl IntoIterator<Item = (String, Speaker)>) -> Self {
        self.read.speaker_map = pairs
            .into_iter()
            .map(|(k, v)| (k.to_lowercase(), v))
            .collect();
        self
    }
}

/// Why inputs cannot be read at all (nothing is scored).
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// An input path does not exist.
    #[error("input {0} does not exist")]
    Missing(PathBuf),
    /// A metadata CSV named with `--metadata` cannot be read.
    #[error("{0}")]
    Metadata(ReadError),
}

/// Nothing to read: no transcript under the paths (see [`InputCount::check_not_empty`]).
#[derive(Debug, thiserror::Error)]
#[error("no transcript was found under {paths}: {skipped} other file(s) skipped{examples}; supported extensions: {exts}", exts = TRANSCRIPT_EXTENSIONS.join(", "))]
pub struct NothingToRead {
    /// The paths, joined.
    pub paths: String,
    /// Files skipped for their extension.
    pub skipped: u64,
    /// A few of them, as `" (e.g. a, b)"`.
    pub examples: String,
}

/// The size of the work, from a walk that takes the same files as the run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputCount {
    /// Transcript files to read (side metadata CSVs not counted; a JSON Lines file
    /// counts once however many records it holds).
    pub files: u64,
    /// Their bytes.
    pub bytes: u64,
    /// Files skipped for their extension, and a few of them.
    pub skipped: u64,
    /// Examples of skipped files.
    pub skipped_examples: Vec<String>,
    /// True when stdin (`-`) is among the inputs: its size is not known in advance.
    pub stdin: bool,
    /// Paths the walk already knows cannot be read (a link loop, a FIFO, an archive, a
    /// folder that cannot be listed): each becomes an error record of the run.
    pub errors: u64,
}

impl InputCount {
    /// [`NothingToRead`] when there is nothing to read, so a batch can stop before it
    /// writes anything.
    pub fn check_not_empty(&self, opts: &InputOptions) -> Result<(), NothingToRead> {
        if self.files > 0 || self.stdin || self.errors > 0 {
            return Ok(());
        }
        Err(NothingToRead {
            paths: opts
                .paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
            skipped: self.skipped,
            examples: if self.skipped_examples.is_empty() {
                String::new()
            } else {
                format!(" (e.g. {})", self.skipped_examples.join(", "))
            },
        })
    }
}

/// Count what a run over `opts` would read, walking exactly as the run does (without
/// reading stdin). Cheap: one directory walk, one `stat` per file and the header of
/// each CSV.
pub fn count(opts: &InputOptions) -> InputCount {
    let metadata: HashSet<PathBuf> = walk::discover_metadata(&opts.paths, &opts.exclude)
        .into_iter()
        .collect();
    count_with(opts, &metadata, Sizes::Stat)
}

/// Whether a count takes the size of every file (one `stat` each: a fifth of the start
/// of a run over tens of thousands of files, and only a progress bar needs it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sizes {
    /// Sum the files' bytes into [`InputCount::bytes`].
    Stat,
    /// Leave [`InputCount::bytes`] at 0.
    Skip,
}

fn count_with(opts: &InputOptions, metadata_csvs: &HashSet<PathBuf>, sizes: Sizes) -> InputCount {
    let mut c = InputCount::default();
    for e in walk::Walker::new(&opts.paths, &opts.exclude).sharded(opts.shard) {
        match e {
            walk::Entry::File(p, _) if metadata_csvs.contains(&p) => {}
            walk::Entry::File(p, _) => {
                c.files += 1;
                if sizes == Sizes::Stat {
                    c.bytes += std::fs::metadata(&p).map_or(0, |m| m.len());
                }
            }
            walk::Entry::Stdin => c.stdin = true,
            walk::Entry::Skipped(p) => {
                c.skipped += 1;
                if c.skipped_examples.len() < 5 {
                    c.skipped_examples.push(p.display().to_string());
                }
            }
            walk::Entry::Error(_) => c.errors += 1,
        }
    }
    c
}

/// What one unit produced: its calls, prepared ([`prepare_call`]), and the errors of
/// the parts that could not be read (an empty call is an error too).
#[derive(Debug, Default)]
pub struct ReadOut {
    /// Calls ready to score, in input order.
    pub calls: Vec<Call>,
    /// What could not be read.
    pub errors: Vec<ReadError>,
    /// Bytes read.
    pub bytes: u64,
}

/// Inputs opened for reading: paths checked, side metadata loaded.
pub struct Inputs {
    opts: InputOptions,
    meta: MetadataTable,
    metadata_csvs: HashSet<PathBuf>,
    /// Side metadata CSVs loaded (explicit and discovered).
    pub metadata_files: Vec<String>,
    /// Rows of side metadata loaded.
    pub metadata_rows: u64,
    /// Why side metadata CSVs found among the inputs could not be loaded. The run goes
    /// on without them, and each is an error unit of the run like any input that cannot
    /// be read (the first units of [`Inputs::units`]): it goes to `errors.jsonl`, is
    /// counted as an input with errors, and makes the run's exit code say so.
    pub metadata_errors: Vec<ReadError>,
}

impl Inputs {
    /// Check that the paths exist, load the explicit side metadata (an error there is
    /// fatal) and the metadata CSVs found among the inputs.
    pub fn open(opts: InputOptions) -> Result<Inputs, InputError> {
        for p in &opts.paths {
            // A link that exists but leads nowhere (broken, or a loop) is read, and its
            // error record says which.
            if p != Path::new("-") && !p.exists() && std::fs::symlink_metadata(p).is_err() {
                return Err(InputError::Missing(p.clone()));
            }
        }
        let mut inputs = Inputs {
            meta: MetadataTable::default(),
            metadata_csvs: HashSet::new(),
            metadata_files: Vec::new(),
            metadata_rows: 0,
            metadata_errors: Vec::new(),
            opts,
        };
        for p in &inputs.opts.metadata.clone() {
            let t = MetadataTable::load(p).map_err(InputError::Metadata)?;
            inputs.add_table(p, t);
        }
        let discovered = walk::discover_metadata(&inputs.opts.paths, &inputs.opts.exclude);
        for p in &discovered {
            match MetadataTable::load(p) {
                Ok(t) => inputs.add_table(p, t),
                Err(mut e) => {
                    e.reason
                        .push_str("; the file was left out, so no call got metadata from it");
                    inputs.metadata_errors.push(e);
                }
            }
        }
        inputs.metadata_csvs = discovered.into_iter().collect();
        Ok(inputs)
    }

    fn add_table(&mut self, p: &Path, t: MetadataTable) {
        self.metadata_rows += t.len() as u64;
        self.metadata_files.push(p.display().to_string());
        self.meta.extend(t);
    }

    /// The options these inputs were opened with.
    pub fn options(&self) -> &InputOptions {
        &self.opts
    }

    /// The same count as [`count`], reusing the metadata discovery of [`Inputs::open`]
    /// (side metadata CSVs that could not be loaded count as errors).
    pub fn count(&self, sizes: Sizes) -> InputCount {
        let mut c = count_with(&self.opts, &self.metadata_csvs, sizes);
        c.errors += self.metadata_errors_here().len() as u64;
        c
    }

    /// The errors of side metadata CSVs this run reports: all of them, or with
    /// `--shard` those of the CSVs in this shard (so N shards report each once).
    fn metadata_errors_here(&self) -> Vec<ReadError> {
        match self.opts.shard {
            None => self.metadata_errors.clone(),
            Some(s) => self
                .metadata_errors
                .iter()
                .filter(|e| s.owns_among(&self.opts.paths, Path::new(&e.source)))
                .cloned()
                .collect(),
        }
    }

    /// The units of work, lazily, in input order: first one error unit per side
    /// metadata CSV that could not be loaded, then the walk.
    pub fn units(&self) -> Units<'_> {
        Units::new(&self.opts, &self.metadata_csvs, self.metadata_errors_here())
    }

    /// The units of exactly these files, in this order (no walk, no discovery): how an
    /// incremental run reads the inputs it planned.
    /// With `metadata_errors`, the error units of side metadata CSVs that could not be
    /// loaded come first, as in [`Inputs::units`].
    pub fn units_of(&self, files: &[PathBuf], metadata_errors: bool) -> Units<'_> {
        let errors = if metadata_errors {
            self.metadata_errors.clone()
        } else {
            Vec::new()
        };
        Units::of_files(files, &self.opts, &self.metadata_csvs, errors)
    }

    /// Read one unit into prepared calls (on any thread).
    pub fn read(&self, unit: Unit) -> ReadOut {
        let opts = &self.opts.read;
        let (calls, errors, bytes) = match unit {
            Unit::Error(e) => (vec![], vec![e], 0),
            Unit::Record {
                source,
                line,
                bytes,
                transcoded,
            } => {
                let n = bytes.len() as u64;
                if let Some(file) = envelope::open(&bytes, &source, line, self.opts.max_file_bytes)
                {
                    let (calls, errors) = match file {
                        // Not a transcript by its extension: skipped, as the walk
                        // skips such a file (binaryFiles sends every file it finds).
                        Ok((path, _))
                            if ext::kind_of(Path::new(&path)).is_none()
                                && ext::archive_of(Path::new(&path)).is_none() =>
                        {
                            (vec![], vec![])
                        }
                        Ok((path, data)) => envelope::read(&path, &data, opts),
                        Err(e) => (vec![], vec![e]),
                    };
                    return self.finish_read(calls, errors, n);
                }
                let r = decode_record(&bytes, &source, line, transcoded, opts)
                    .and_then(|text| read::read_record(&source, line, &text, opts));
                match r {
                    Ok(c) => (vec![c], vec![], n),
                    Err(e) => (vec![], vec![e], n),
                }
            }
            Unit::Document { bytes, transcoded } => {
                let n = bytes.len() as u64;
                let (calls, errors) = read_bytes("-", Path::new("-"), &bytes, transcoded, opts);
                (calls, errors, n)
            }
            Unit::File(path) => read_file(&path, opts, self.opts.max_file_bytes),
        };
        self.finish_read(calls, errors, bytes)
    }

    /// The common end of [`Inputs::read`]: limits checked, empty calls made errors,
    /// metadata joined.
    fn finish_read(&self, calls: Vec<Call>, errors: Vec<ReadError>, bytes: u64) -> ReadOut {
        let (calls, mut errors) = (calls, errors);
        let calls: Vec<Call> = calls
            .into_iter()
            .filter_map(|c| match self.check_limits(&c) {
                Ok(()) => Some(c),
                Err(e) => {
                    errors.push(e);
                    None
                }
            })
            .collect();
        let mut out = ReadOut {
            calls: Vec::with_capacity(calls.len()),
            errors,
            bytes,
        };
        for mut call in calls {
            if call.turns.is_empty() {
                out.errors.push(empty_call_error(&call));
                continue;
            }
            prepare_call(&self.meta, &self.opts.defaults, &mut call);
            out.calls.push(call);
        }
        out
    }

    /// A call over `--max-turns` or with a turn over `--max-turn-length` is an error
    /// (scoring time grows with both; the limits stop one runaway export from stalling
    /// a nightly batch).
    fn check_limits(&self, call: &Call) -> Result<(), ReadError> {
        let over = |reason: String, line: Option<u64>, hint: &str| {
            let e = ReadError::new(&call.source, reason)
                .with_call(&call.call_id)
                .with_hint(hint);
            match line {
                Some(l) => e.at_line(l),
                None => e,
            }
        };
        let max_turns = self.opts.max_turns;
        if call.turns.len() > max_turns {
            return Err(over(
                format!(
                    "the call has {} turns, more than the limit of {max_turns} (--max-turns)",
                    call.turns.len()
                ),
                call.source_line,
                "check the export (a runaway transcript?), split the call, or raise --max-turns N",
            ));
        }
        let max = self.opts.max_turn_bytes;
        if let Some((i, t)) = call
            .turns
            .iter()
            .enumerate()
            .find(|(_, t)| t.text.len() > max)
        {
            return Err(over(
                format!(
                    "turn {} is {} bytes of text, more than the limit of {max} (--max-turn-length {})",
                    i + 1,
                    t.text.len(),
                    lines::mib(max as u64)
                ),
                t.line.map(u64::from).or(call.source_line),
                "check the export (speech without punctuation or a stuck recogniser?), or raise --max-turn-length MiB",
            ));
        }
        Ok(())
    }

    /// Read every unit one after another (`explain`: a handful of calls).
    pub fn read_all(&self) -> ReadOut {
        let mut all = ReadOut::default();
        for u in self.units() {
            let o = self.read(u);
            all.calls.extend(o.calls);
            all.errors.extend(o.errors);
            all.bytes += o.bytes;
        }
        all
    }
}

/// Read one unit with `opts` and no side metadata, as [`Inputs::read`] does (for the
/// fuzz targets, which hold units made in memory).
pub(crate) fn read_unit(unit: Unit, opts: &InputOptions) -> ReadOut {
    let inputs = Inputs {
        opts: opts.clone(),
        meta: MetadataTable::default(),
        metadata_csvs: HashSet::new(),
        metadata_files: Vec::new(),
        metadata_rows: 0,
        metadata_errors: Vec::new(),
    };
    inputs.read(unit)
}

/// Decode one JSON Lines record: UTF-8 as it is unless `--encoding` says otherwise
/// (the hot path of a JSON Lines batch), else the file rules of [`decode::decode`].
pub(crate) fn decode_record<'a>(
    bytes: &'a [u8],
    source: &str,
    line: u64,
    transcoded: bool,
    opts: &ReadOptions,
) -> Result<Cow<'a, str>, ReadError> {
    if (transcoded || opts.encoding.is_none())
        && let Ok(s) = std::str::from_utf8(bytes)
    {
        return Ok(Cow::Borrowed(s));
    }
    let plain;
    let opts = if transcoded {
        plain = ReadOptions {
            encoding: None,
            ..opts.clone()
        };
        &plain
    } else {
        opts
    };
    decode::decode(bytes, source, opts).map_err(|e| e.at_line(line))
}

/// Decode and read bytes held in memory as if they were the file `path`.
fn read_bytes(
    source: &str,
    path: &Path,
    bytes: &[u8],
    transcoded: bool,
    opts: &ReadOptions,
) -> (Vec<Call>, Vec<ReadError>) {
    let decoded = if transcoded {
        String::from_utf8(bytes.to_vec())
            .map(Cow::Owned)
            .map_err(|_| ReadError::new(source, "not text after transcoding"))
    } else {
        decode::decode(bytes, source, opts)
    };
    match decoded {
        Ok(text) => read::read_document(source, path, &text, opts),
        Err(e) => (vec![], vec![e]),
    }
}

/// Read one transcript file whole: its calls (not yet prepared), the errors of the
/// parts that could not be read, and the bytes read. Files larger than
/// `max_file_bytes` (for `.gz`, once decompressed) are an error; special files are never
/// opened (see [`open`]).
fn read_file(
    path: &Path,
    opts: &ReadOptions,
    max_file_bytes: u64,
) -> (Vec<Call>, Vec<ReadError>, u64) {
    let source = path.display().to_string();
    let bytes = match open::read_whole(path, &source, max_file_bytes) {
        Ok(b) => b,
        Err(e) => return (vec![], vec![e], 0),
    };
    let n = bytes.len() as u64;
    let (calls, errors) = read_bytes(&source, path, &bytes, false, opts);
    (calls, errors, n)
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

/// What every call goes through after reading and before scoring, so that `run`, `diff`
/// and `explain` score the same call the same way: join side metadata (fills only what
/// the file lacks), then the run-wide defaults (fill what is still missing), then infer
/// the channel from the format.
pub fn prepare_call(meta: &MetadataTable, defaults: &Metadata, call: &mut Call) {
    meta.apply(call);
    common::meta::fill_missing(&mut call.metadata, defaults);
    call.infer_channel();
}
