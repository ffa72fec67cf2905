//! Which files a run reads, in which order, and how they are cut into units of work.
//!
//! One walk ([`Walker`]) serves the metadata discovery, the units of a run and the
//! pre-count ([`super::count`]), so they always agree. Its rules:
//! - paths are taken in the order given; folders are walked in sorted order (one
//!   directory listing in memory at a time);
//! - hidden entries below a given path (`.git`, `.DS_Store`, a run's temporary files) and
//!   anything named `.callscore-*` (a run's staging folders, even when named directly)
//!   are never read;
//! - the `exclude` paths (the output folder of the run) are never entered, however they
//!   are spelled (compared after resolving `.`, `..` and links);
//! - a file is a transcript when the one extension table says so (`ext::kind_of`),
//!   whether it was named directly or found in a folder; other files are skipped and
//!   counted;
//! - `-` is stdin (sniffed, see `lines`);
//! - symbolic links are followed (a corpus folder of links to the exports is common); a
//!   link loop, a broken link, a folder that cannot be listed, a FIFO, socket or device
//!   with a transcript extension, and an archive (`.zip` …) are each an error entry that
//!   names the path and says what to do — never silently passed over, never opened in a
//!   way that could block.
//!
//! [`Units`] turns the walk into units lazily: a file read whole, each record of a JSON
//! Lines file or stream, stdin read whole, or an error. Memory stays flat: one record
//! (or one whole file) at a time.

use super::common::ReadError;
use super::ext::{FileKind, archive_of, kind_of};
use super::lines::{Lines, Stdin};
use super::open::{special_file_error, special_kind};
use super::side::csv_file_is_metadata;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One thing the walk found.
pub(crate) enum Entry {
    /// A transcript file and what its extension claims.
    File(PathBuf, FileKind),
    /// `-`.
    Stdin,
    /// A file that is not a transcript (by its extension).
    Skipped(PathBuf),
    /// A folder that could not be listed.
    Error(ReadError),
}

/// The walk of the input paths (rules in the module docs).
pub(crate) struct Walker {
    inputs: Vec<PathBuf>,
    next_input: usize,
    walk: Option<walkdir::IntoIter>,
    exclude: Vec<PathBuf>,
    /// `--shard K/N`: only the entries of this shard (see [`crate::shard`]).
    shard: Option<crate::shard::Shard>,
}

/// `p` with `.`/`..`/links resolved, also when it does not exist yet (its parent is
/// resolved and its name kept).
fn resolved(p: &Path) -> PathBuf {
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    match (p.parent(), p.file_name()) {
        (Some(parent), Some(name)) => {
            let parent = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            parent
                .canonicalize()
                .map(|c| c.join(name))
                .unwrap_or_else(|_| p.to_path_buf())
        }
        _ => p.to_path_buf(),
    }
}

fn is_run_staging(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with(".callscore-"))
}

fn is_hidden(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

impl Walker {
    /// A walk of `inputs` that never enters `exclude`.
    pub fn new(inputs: &[PathBuf], exclude: &[PathBuf]) -> Self {
        Walker {
            inputs: inputs.to_vec(),
            next_input: 0,
            walk: None,
            exclude: exclude
                .iter()
                .filter(|p| p.as_os_str() != "-")
                .map(|p| resolved(p))
                .collect(),
            shard: None,
        }
    }

    /// The same walk, keeping only the files (and skipped files and errors) of `shard`.
    pub fn sharded(mut self, shard: Option<crate::shard::Shard>) -> Self {
        self.shard = shard;
        self
    }

    /// Whether an entry found under the current input root is in this walk's shard.
    fn in_shard(&self, e: &Entry) -> bool {
        let Some(shard) = self.shard else {
            return true;
        };
        let path = match e {
            Entry::File(p, _) | Entry::Skipped(p) => p.as_path(),
            Entry::Error(err) => Path::new(&err.source),
            Entry::Stdin => return true,
        };
        let root = self
            .next_input
            .checked_sub(1)
            .and_then(|i| self.inputs.get(i))
            .map_or(path, |r| r.as_path());
        shard.owns(root, path)
    }

    fn excluded(&self, dir: &Path) -> bool {
        !self.exclude.is_empty() && self.exclude.contains(&resolved(dir))
    }

    fn file(path: PathBuf) -> Entry {
        if let Some(what) = archive_of(&path) {
            return Entry::Error(archive_error(&path, what));
        }
        match kind_of(&path) {
            Some(k) => Entry::File(path, k),
            None => Entry::Skipped(path),
        }
    }

    /// A FIFO, socket or device: an error if its name says it is a transcript (it is
    /// never opened), else skipped like any other file.
    fn special(path: PathBuf, kind: &str) -> Entry {
        if kind_of(&path).is_some() || archive_of(&path).is_some() {
            Entry::Error(special_file_error(&path.display().to_string(), kind))
        } else {
            Entry::Skipped(path)
        }
    }
}

impl Iterator for Walker {
    type Item = Entry;

    fn next(&mut self) -> Option<Entry> {
        loop {
            let e = self.next_unsharded()?;
            if self.in_shard(&e) {
                return Some(e);
            }
        }
    }
}

impl Walker {
    fn next_unsharded(&mut self) -> Option<Entry> {
        loop {
            if self.walk.is_some() {
                match self.walk.as_mut().and_then(Iterator::next) {
                    Some(Ok(e)) => {
                        let p = e.path();
                        let dir = e.file_type().is_dir();
                        let skip = (e.depth() > 0 && is_hidden(p))
                            || is_run_staging(p)
                            || (dir && self.excluded(p));
                        if skip {
                            if dir && let Some(w) = self.walk.as_mut() {
                                w.skip_current_dir();
                            }
                            continue;
                        }
                        if dir {
                            continue;
                        }
                        if let Some(kind) = special_kind(&e.file_type()) {
                            return Some(Self::special(e.into_path(), kind));
                        }
                        return Some(Self::file(e.into_path()));
                    }
                    Some(Err(err)) => return Some(Entry::Error(walk_error(&err))),
                    None => {
                        self.walk = None;
                        continue;
                    }
                }
            }
            let input = self.inputs.get(self.next_input)?.clone();
            self.next_input += 1;
            if input == Path::new("-") {
                return Some(Entry::Stdin);
            }
            if is_run_staging(&input) {
                continue;
            }
            match std::fs::metadata(&input) {
                Ok(m) if m.is_dir() => {
                    self.walk = Some(
                        walkdir::WalkDir::new(&input)
                            .follow_links(true)
                            .sort_by(by_file_name)
                            .into_iter(),
                    );
                    continue;
                }
                Ok(m) => {
                    if let Some(kind) = special_kind(&m.file_type()) {
                        return Some(Self::special(input, kind));
                    }
                }
                // A broken link or a link loop named directly: the read says which.
                Err(_) => {}
            }
            return Some(Self::file(input));
        }
    }
}

/// The error for an archive of several files, which is not read.
/// The order of a folder's entries: by file name, byte by byte. Siblings share their
/// parent's path, so comparing whole paths as strings gives the same order as comparing
/// their names, without splitting each path into components at every comparison (which
/// cost a fifth of the start of a run over 47 000 files).
fn by_file_name(a: &walkdir::DirEntry, b: &walkdir::DirEntry) -> std::cmp::Ordering {
    a.path().as_os_str().cmp(b.path().as_os_str())
}

fn archive_error(path: &Path, what: &str) -> ReadError {
    ReadError::new(
        &path.display().to_string(),
        format!("{what}: archives are not read"),
    )
    .with_hint(
        "unpack it first (e.g. `unzip calls.zip -d calls`) and run on the folder; \
         single gzip-compressed files (.json.gz, .jsonl.gz …) are read as they are",
    )
}

/// The error for an entry the folder walk could not take: a link loop, a broken link,
/// a folder that cannot be listed.
fn walk_error(err: &walkdir::Error) -> ReadError {
    let source = err
        .path()
        .map_or_else(|| "?".into(), |p| p.display().to_string());
    if let Some(ancestor) = err.loop_ancestor() {
        return ReadError::new(
            &source,
            format!(
                "symbolic link loop: the link points back to {}, a folder that contains it; not followed",
                ancestor.display()
            ),
        )
        .with_hint("remove the link, or name the folder it should point to directly");
    }
    match (err.io_error(), err.path()) {
        (Some(io), Some(p)) if io.kind() == std::io::ErrorKind::PermissionDenied && p.is_dir() => {
            ReadError::new(&source, "permission denied: cannot list the folder").with_hint(
                "give the user running callscore read and execute permission on the folder, or leave it out",
            )
        }
        (Some(io), Some(p)) => super::open::open_error(p, &source, io),
        _ => ReadError::new(&source, format!("cannot walk the folder: {err}"))
            .with_hint("check that it exists and that its permissions allow listing it"),
    }
}

/// Side metadata CSVs among the inputs (named directly or found in folders): every
/// `.csv`/`.tsv` whose header has no message column.
pub(crate) fn discover_metadata(inputs: &[PathBuf], exclude: &[PathBuf]) -> Vec<PathBuf> {
    Walker::new(inputs, exclude)
        .filter_map(|e| match e {
            Entry::File(p, FileKind::Csv) if csv_file_is_metadata(&p) => Some(p),
            _ => None,
        })
        .collect()
}

/// One unit of work: what a worker reads into calls.
pub enum Unit {
    /// A file read whole.
    File(PathBuf),
    /// Stdin read whole (it was not JSON Lines); `transcoded`: already UTF-8.
    Document {
        /// The bytes.
        bytes: Vec<u8>,
        /// True when the bytes were transcoded to UTF-8 while reading (UTF-16).
        transcoded: bool,
    },
    /// One record of a JSON Lines file or stream.
    Record {
        /// The file, or `-`.
        source: Arc<str>,
        /// 1-based line.
        line: u64,
        /// The line (with its newline).
        bytes: Vec<u8>,
        /// True when the stream was transcoded to UTF-8 while reading (UTF-16).
        transcoded: bool,
    },
    /// Something that could not be read at all.
    Error(ReadError),
}

impl Unit {
    /// Bytes a unit holds in memory (for chunking).
    pub fn held_bytes(&self) -> usize {
        match self {
            Unit::Record { bytes, .. } | Unit::Document { bytes, .. } => bytes.len(),
            _ => 0,
        }
    }
}

/// Lazily yields the units of a run (see the module docs).
pub struct Units<'i> {
    walker: Walker,
    metadata_csvs: &'i HashSet<PathBuf>,
    opts: &'i super::InputOptions,
    lines: Option<Lines>,
    pending: Option<Unit>,
    /// Errors known before the walk (side metadata CSVs that could not be loaded),
    /// yielded first.
    errors_first: std::vec::IntoIter<ReadError>,
    /// Files not read because their extension is not a transcript format.
    pub skipped: u64,
    /// A few of them.
    pub skipped_examples: Vec<String>,
}

impl<'i> Units<'i> {
    pub(crate) fn new(
        opts: &'i super::InputOptions,
        metadata_csvs: &'i HashSet<PathBuf>,
        errors_first: Vec<ReadError>,
    ) -> Self {
        Units {
            errors_first: errors_first.into_iter(),
            walker: Walker::new(&opts.paths, &opts.exclude).sharded(opts.shard),
            metadata_csvs,
            opts,
            lines: None,
            pending: None,
            skipped: 0,
            skipped_examples: Vec::new(),
        }
    }
}

impl<'i> Units<'i> {
    /// The units of exactly these files (an incremental run's planned inputs), read
    /// with the same options and side metadata as a walk would.
    pub(crate) fn of_files(
        files: &[PathBuf],
        opts: &'i super::InputOptions,
        metadata_csvs: &'i HashSet<PathBuf>,
        errors_first: Vec<ReadError>,
    ) -> Self {
        Units {
            walker: Walker::new(files, &[]),
            ..Units::new(opts, metadata_csvs, errors_first)
        }
    }
}

impl Iterator for Units<'_> {
    type Item = Unit;

    fn next(&mut self) -> Option<Unit> {
        if let Some(e) = self.errors_first.next() {
            return Some(Unit::Error(e));
        }
        loop {
            if let Some(u) = self.pending.take() {
                return Some(u);
            }
            if let Some(lines) = self.lines.as_mut() {
                match lines.next() {
                    Some(u) => return Some(u),
                    None => {
                        self.lines = None;
                        continue;
                    }
                }
            }
            match self.walker.next()? {
                Entry::Error(e) => return Some(Unit::Error(e)),
                Entry::Skipped(p) => {
                    self.skipped += 1;
                    if self.skipped_examples.len() < 5 {
                        self.skipped_examples.push(p.display().to_string());
                    }
                }
                Entry::File(p, _) if self.metadata_csvs.contains(&p) => {
                    // Side metadata, loaded before the run.
                }
                Entry::File(p, FileKind::JsonLines) => match Lines::open_file(&p, self.opts) {
                    Ok(l) => self.lines = Some(l),
                    Err(e) => return Some(Unit::Error(e)),
                },
                Entry::File(p, _) => return Some(Unit::File(p)),
                Entry::Stdin => match Stdin::open(self.opts) {
                    Stdin::Lines(first, rest) => {
                        self.pending = first;
                        self.lines = Some(rest);
                    }
                    Stdin::Whole(u) => return Some(u),
                },
            }
        }
    }
}
