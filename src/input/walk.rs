//! The input side of a batch: which files a run reads, in which order, and how JSON
//! Lines files are cut into one unit of work per record (lazily, so memory stays flat).

use crate::transcript::read::{self, ReadError};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Largest single JSON Lines record accepted.
const MAX_LINE_BYTES: u64 = 64 << 20;
/// File extensions read as transcripts; other files are counted as skipped.
pub const TRANSCRIPT_EXTENSIONS: &[&str] = &[
    "json", "jsonl", "ndjson", "vtt", "srt", "txt", "text", "log", "chat", "csv",
];

/// One unit of work.
pub(super) enum Unit {
    File(PathBuf),
    Line {
        source: Arc<str>,
        line: u64,
        text: String,
    },
    Error(ReadError),
}

/// Side metadata CSVs found among the inputs (any `.csv` whose header has a `call_id`
/// column and no message column).
pub(super) fn discover_metadata(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for input in inputs {
        if input == Path::new("-") || !input.is_dir() {
            continue;
        }
        for e in walkdir::WalkDir::new(input)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            if e.file_type().is_file() && is_csv(e.path()) && csv_is_metadata(e.path()) {
                out.push(e.path().to_path_buf());
            }
        }
    }
    out
}

pub(super) fn is_csv(p: &Path) -> bool {
    p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

pub(super) fn csv_is_metadata(p: &Path) -> bool {
    let mut head = Vec::with_capacity(4096);
    let ok = std::fs::File::open(p).and_then(|f| f.take(64 * 1024).read_to_end(&mut head));
    ok.is_ok() && read::is_metadata_csv(&String::from_utf8_lossy(&head))
}

fn is_hidden(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.'))
}

fn is_jsonl(p: &Path) -> bool {
    p.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("jsonl") || e.eq_ignore_ascii_case("ndjson"))
}

/// Lazily yields units: files in sorted walk order, JSON Lines records one by one.
pub(super) struct UnitIter<'m> {
    inputs: std::vec::IntoIter<PathBuf>,
    metadata_csvs: &'m std::collections::HashSet<PathBuf>,
    walk: Option<walkdir::IntoIter>,
    lines: Option<(Arc<str>, Box<dyn BufRead + Send>, u64)>,
    pub(super) skipped: u64,
    pub(super) skipped_examples: Vec<String>,
}

impl<'m> UnitIter<'m> {
    pub(super) fn new(
        inputs: Vec<PathBuf>,
        metadata_csvs: &'m std::collections::HashSet<PathBuf>,
    ) -> Self {
        UnitIter {
            inputs: inputs.into_iter(),
            metadata_csvs,
            walk: None,
            lines: None,
            skipped: 0,
            skipped_examples: Vec::new(),
        }
    }

    fn next_line(&mut self) -> Option<Unit> {
        let (source, reader, line_no) = self.lines.as_mut()?;
        loop {
            let mut buf = Vec::new();
            *line_no += 1;
            let res = reader
                .by_ref()
                .take(MAX_LINE_BYTES + 1)
                .read_until(b'\n', &mut buf);
            match res {
                Ok(0) => {
                    self.lines = None;
                    return None;
                }
                Ok(_) => {
                    if buf.len() as u64 > MAX_LINE_BYTES && !buf.ends_with(b"\n") {
                        // Skip the rest of the over-long line.
                        let mut sink = Vec::new();
                        let _ = reader.read_until(b'\n', &mut sink);
                        return Some(Unit::Error(ReadError {
                            source: source.to_string(),
                            line: Some(*line_no),
                            call_id: None,
                            reason: format!("record is longer than {MAX_LINE_BYTES} bytes"),
                            hint: Some(
                                "split the call, or check that the file really is JSON Lines"
                                    .into(),
                            ),
                        }));
                    }
                    if *line_no == 1 && buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
                        buf.drain(..3);
                    }
                    if buf.iter().all(|b| b.is_ascii_whitespace()) {
                        continue;
                    }
                    return Some(match String::from_utf8(buf) {
                        Ok(text) => Unit::Line {
                            source: source.clone(),
                            line: *line_no,
                            text,
                        },
                        Err(e) => Unit::Error(ReadError {
                            source: source.to_string(),
                            line: Some(*line_no),
                            call_id: None,
                            reason: format!(
                                "not UTF-8 at byte {} of the line",
                                e.utf8_error().valid_up_to()
                            ),
                            hint: Some("JSON Lines must be UTF-8; convert the file".into()),
                        }),
                    });
                }
                Err(e) => {
                    let source = source.to_string();
                    let line = Some(*line_no);
                    self.lines = None;
                    return Some(Unit::Error(ReadError {
                        source,
                        line,
                        call_id: None,
                        reason: format!("read error: {e}"),
                        hint: None,
                    }));
                }
            }
        }
    }

    /// Turn a path into a unit, or start streaming it.
    fn take_file(&mut self, path: PathBuf) -> Option<Unit> {
        if is_jsonl(&path) {
            match std::fs::File::open(&path) {
                Ok(f) => {
                    let src: Arc<str> = path.display().to_string().into();
                    self.lines = Some((src, Box::new(BufReader::with_capacity(1 << 20, f)), 0));
                    None
                }
                Err(e) => Some(Unit::Error(ReadError {
                    source: path.display().to_string(),
                    line: None,
                    call_id: None,
                    reason: format!("cannot open file: {e}"),
                    hint: Some("check the path and permissions".into()),
                })),
            }
        } else {
            Some(Unit::File(path))
        }
    }
}

impl Iterator for UnitIter<'_> {
    type Item = Unit;

    fn next(&mut self) -> Option<Unit> {
        loop {
            if self.lines.is_some() {
                if let Some(u) = self.next_line() {
                    return Some(u);
                }
                continue;
            }
            if let Some(walk) = self.walk.as_mut() {
                match walk.next() {
                    Some(Ok(e)) => {
                        let p = e.path();
                        if e.depth() > 0 && is_hidden(p) {
                            if e.file_type().is_dir() {
                                walk.skip_current_dir();
                            }
                            continue;
                        }
                        if !e.file_type().is_file() {
                            continue;
                        }
                        let ext_ok = p.extension().and_then(|x| x.to_str()).is_some_and(|x| {
                            TRANSCRIPT_EXTENSIONS.contains(&x.to_ascii_lowercase().as_str())
                        });
                        if !ext_ok {
                            self.skipped += 1;
                            if self.skipped_examples.len() < 5 {
                                self.skipped_examples.push(p.display().to_string());
                            }
                            continue;
                        }
                        if self.metadata_csvs.contains(p) {
                            continue; // side metadata, loaded before the run
                        }
                        if let Some(u) = self.take_file(p.to_path_buf()) {
                            return Some(u);
                        }
                        continue;
                    }
                    Some(Err(err)) => {
                        return Some(Unit::Error(ReadError {
                            source: err
                                .path()
                                .map_or_else(|| "?".into(), |p| p.display().to_string()),
                            line: None,
                            call_id: None,
                            reason: format!("cannot walk: {err}"),
                            hint: Some("check permissions".into()),
                        }));
                    }
                    None => {
                        self.walk = None;
                        continue;
                    }
                }
            }
            let input = self.inputs.next()?;
            if input == Path::new("-") {
                self.lines = Some((
                    "-".into(),
                    Box::new(BufReader::with_capacity(1 << 20, std::io::stdin())),
                    0,
                ));
            } else if input.is_dir() {
                self.walk = Some(
                    walkdir::WalkDir::new(&input)
                        .sort_by_file_name()
                        .into_iter(),
                );
            } else if let Some(u) = self.take_file(input) {
                return Some(u);
            }
        }
    }
}
