//! Run folders as a loader sees them: which folders a path names, their constant files
//! (`calls.jsonl` header line, `manifest.json`, `summary.json`), and their call records
//! read back into owned values.
//!
//! A path is a run folder (it has `calls.jsonl` and `manifest.json`) or a state folder
//! (it has `runs/`): then every published run folder under `runs/` (names starting with
//! `.` are a run being written or rewritten, never results). Folders are loaded oldest
//! first (by `summary.json` `finished_at`, then run id), so when two folders hold the
//! same call, the newer run's result is the one left in the database.

use crate::record::{EvidenceLevel, Metrics, Outcome, RulesStamp, SpeakerSentiment};
use crate::sink::manifest::Manifest;
use crate::summary::RunSummary;
use crate::transcript::Metadata;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// A run folder's constant parts, read before any record.
#[derive(Debug, Clone)]
pub struct RunFolder {
    /// The folder.
    pub dir: PathBuf,
    /// The `calls.jsonl` header line.
    pub header: RunHeader,
    /// `manifest.json`.
    pub manifest: Manifest,
    /// `summary.json`, parsed.
    pub summary: RunSummary,
    /// `summary.json` as written (kept whole in the database).
    pub summary_text: String,
    /// What changes when the folder's files are rewritten: sizes and modification
    /// times of its files (see [`RunFolder::fingerprint`]).
    pub fingerprint: String,
}

/// Line 1 of `calls.jsonl`.
#[derive(Debug, Clone, Deserialize)]
pub struct RunHeader {
    /// Always `"run"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The run.
    pub run_id: String,
    /// The callscore version that wrote it.
    pub callscore: String,
    /// The pack that scored it.
    pub rules: RulesStamp,
    /// How much evidence the records carry.
    pub evidence: EvidenceLevel,
}

/// One `{"type": "call"}` line of `calls.jsonl`, owned (see `callscore schema record`).
/// Quotes (`evidence`, `closest`) are kept as the JSON text written, for `jsonb` and
/// Parquet JSON columns.
#[derive(Debug, Deserialize)]
pub struct Rec {
    /// Call id.
    pub call_id: String,
    /// Input file.
    pub source: String,
    /// Line in a JSON Lines input.
    #[serde(default)]
    pub source_line: Option<u64>,
    /// Input format.
    pub format: String,
    /// Language.
    pub language: String,
    /// Metadata passed through.
    #[serde(default)]
    pub metadata: Metadata,
    /// The scorecard.
    pub qa: RecQa,
    /// Sentiment.
    pub sentiment: RecSentiment,
    /// Drivers.
    pub drivers: RecDrivers,
    /// Metrics.
    pub metrics: Metrics,
}

/// The scorecard of a record.
#[derive(Debug, Deserialize)]
pub struct RecQa {
    /// QA score.
    pub score: Option<f64>,
    /// Score before auto-fail.
    pub raw_score: Option<f64>,
    /// A critical item failed.
    pub auto_fail: bool,
    /// Score per section.
    #[serde(default)]
    pub sections: BTreeMap<String, Option<f64>>,
    /// Items in manifest order.
    #[serde(default)]
    pub items: Vec<RecItem>,
}

/// One item's result.
#[derive(Debug, Deserialize)]
pub struct RecItem {
    /// Item id.
    pub id: String,
    /// Outcome.
    pub result: Outcome,
    /// Why (absent when the evidence level leaves it out).
    #[serde(default)]
    pub reason: Option<String>,
    /// Quotes, as JSON.
    #[serde(default)]
    pub evidence: Option<Box<RawValue>>,
    /// Nearest misses, as JSON.
    #[serde(default)]
    pub closest: Option<Box<RawValue>>,
    /// Metadata keys whose absence made the item n/a.
    #[serde(default)]
    pub na_missing_meta: Vec<String>,
}

/// Sentiment of a record.
#[derive(Debug, Deserialize)]
pub struct RecSentiment {
    /// Customer.
    pub customer: SpeakerSentiment,
    /// Agent.
    pub agent: SpeakerSentiment,
    /// The most negative moment.
    #[serde(default)]
    pub most_negative: Option<RecMoment>,
}

/// The most negative moment.
#[derive(Debug, Deserialize)]
pub struct RecMoment {
    /// Its score.
    pub score: f64,
    /// The quote, as JSON.
    #[serde(default)]
    pub evidence: Option<Box<RawValue>>,
}

/// Drivers of a record.
#[derive(Debug, Deserialize)]
pub struct RecDrivers {
    /// Every driver found.
    #[serde(default)]
    pub matched: Vec<RecDriver>,
    /// Primary driver.
    #[serde(default)]
    pub primary: Option<String>,
    /// Its department.
    #[serde(default)]
    pub department: Option<String>,
    /// Cost.
    #[serde(default)]
    pub cost: Option<f64>,
}

/// One driver found.
#[derive(Debug, Deserialize)]
pub struct RecDriver {
    /// Driver id.
    pub id: String,
    /// Department id.
    pub department: String,
    /// Hits.
    pub hits: u32,
    /// Quotes, as JSON.
    #[serde(default)]
    pub evidence: Option<Box<RawValue>>,
}

/// One line of `errors.jsonl`.
#[derive(Debug, Deserialize)]
pub struct ErrorLine {
    /// Input.
    #[serde(default)]
    pub source: Option<String>,
    /// Line in the input.
    #[serde(default)]
    pub line: Option<u64>,
    /// Call id, when known.
    #[serde(default)]
    pub call_id: Option<String>,
    /// What was wrong.
    #[serde(default)]
    pub reason: String,
    /// What to do.
    #[serde(default)]
    pub hint: Option<String>,
}

/// One line of `superseded.jsonl` (state folders).
#[derive(Debug, Deserialize)]
pub struct SupersededLine {
    /// The input whose results left the folder.
    pub path: String,
    /// The run that took them.
    pub by_run: String,
    /// Calls that left.
    #[serde(default)]
    pub calls: u64,
    /// Error records that left.
    #[serde(default)]
    pub errors: u64,
}

/// Why a folder cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    /// Neither a run folder nor a state folder.
    #[error(
        "{0} is not a run folder (no calls.jsonl and manifest.json) nor a state folder (no runs/); give the --out folder of a run, or the --state folder"
    )]
    NotARun(PathBuf),
    /// A file is missing, unreadable or damaged.
    #[error("{path}{}: {reason}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Bad {
        /// The file.
        path: PathBuf,
        /// The line, when it is one line.
        line: Option<u64>,
        /// What is wrong and what to do.
        reason: String,
    },
}

fn bad(path: &Path, line: Option<u64>, reason: impl Into<String>) -> FolderError {
    FolderError::Bad {
        path: path.to_path_buf(),
        line,
        reason: reason.into(),
    }
}

/// The run folders `paths` name, read and sorted oldest first. Errors name the file.
pub fn find(paths: &[PathBuf]) -> Result<Vec<RunFolder>, FolderError> {
    let mut dirs = Vec::new();
    for p in paths {
        if is_run(p) {
            dirs.push(p.clone());
        } else if p.join("runs").is_dir() {
            let runs = p.join("runs");
            let rd = std::fs::read_dir(&runs).map_err(|e| bad(&runs, None, e.to_string()))?;
            let mut found: Vec<PathBuf> = rd
                .flatten()
                .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                .map(|e| e.path())
                .filter(|d| is_run(d))
                .collect();
            found.sort();
            dirs.extend(found);
        } else {
            return Err(FolderError::NotARun(p.clone()));
        }
    }
    let mut folders = dirs
        .iter()
        .map(|d| RunFolder::read(d))
        .collect::<Result<Vec<_>, _>>()?;
    folders.sort_by(|a, b| {
        (&a.summary.finished_at, &a.header.run_id).cmp(&(&b.summary.finished_at, &b.header.run_id))
    });
    // The same folder named twice (a run folder and its state folder) is loaded once.
    folders.dedup_by(|a, b| a.header.run_id == b.header.run_id && a.dir == b.dir);
    Ok(folders)
}

fn is_run(d: &Path) -> bool {
    d.join("calls.jsonl").is_file() && d.join("manifest.json").is_file()
}

impl RunFolder {
    /// Read the constant files of run folder `dir`.
    pub fn read(dir: &Path) -> Result<RunFolder, FolderError> {
        let header = read_header(dir)?;
        let manifest = read_manifest(dir)?;
        let spath = dir.join("summary.json");
        let summary_text =
            std::fs::read_to_string(&spath).map_err(|e| bad(&spath, None, e.to_string()))?;
        let summary: RunSummary = serde_json::from_str(&summary_text).map_err(|e| {
            bad(
                &spath,
                Some(e.line() as u64),
                format!("not a run summary: {e}"),
            )
        })?;
        if manifest.run_id != header.run_id || summary.run_id != header.run_id {
            return Err(bad(
                dir,
                None,
                format!(
                    "the files name different runs (calls.jsonl {}, manifest.json {}, summary.json {}); the folder was assembled by hand: load the folders callscore wrote",
                    header.run_id, manifest.run_id, summary.run_id
                ),
            ));
        }
        Ok(RunFolder {
            dir: dir.to_path_buf(),
            fingerprint: fingerprint(dir),
            header,
            manifest,
            summary,
            summary_text,
        })
    }

    /// The records of `calls.jsonl`, in order, with their line numbers.
    pub fn records(&self) -> Result<Records, FolderError> {
        records_of(&self.dir)
    }

    /// The lines of `errors.jsonl` (none when the file is missing).
    pub fn errors(&self) -> Result<Vec<ErrorLine>, FolderError> {
        read_lines(&self.dir.join("errors.jsonl"), "error")
    }

    /// The lines of `superseded.jsonl` (state folders; none elsewhere).
    pub fn superseded(&self) -> Result<Vec<SupersededLine>, FolderError> {
        read_lines(&self.dir.join("superseded.jsonl"), "superseded")
    }

    /// The state folder's sequence number of this run (`inputs.jsonl` line 1), if any.
    pub fn state_seq(&self) -> Option<u64> {
        self.summary.state.as_ref().map(|s| s.seq)
    }
}

/// The `calls.jsonl` header line of run folder `dir`.
pub fn read_header(dir: &Path) -> Result<RunHeader, FolderError> {
    let calls = dir.join("calls.jsonl");
    let f = std::fs::File::open(&calls).map_err(|e| bad(&calls, None, e.to_string()))?;
    let mut first = String::new();
    std::io::BufReader::new(f)
        .read_line(&mut first)
        .map_err(|e| bad(&calls, Some(1), e.to_string()))?;
    serde_json::from_str(&first)
        .ok()
        .filter(|h: &RunHeader| h.kind == "run")
        .ok_or_else(|| {
            bad(
                &calls,
                Some(1),
                "the first line is not a {\"type\": \"run\"} header: this folder was written by an older callscore; run it again to load it",
            )
        })
}

/// `manifest.json` of run folder `dir`.
pub fn read_manifest(dir: &Path) -> Result<Manifest, FolderError> {
    let mpath = dir.join("manifest.json");
    let mtext = std::fs::read_to_string(&mpath).map_err(|e| bad(&mpath, None, e.to_string()))?;
    serde_json::from_str(&mtext).map_err(|e| {
        bad(
            &mpath,
            Some(e.line() as u64),
            format!("not a manifest: {e}"),
        )
    })
}

/// The call records of `dir/calls.jsonl`, in order, with their line numbers.
pub fn records_of(dir: &Path) -> Result<Records, FolderError> {
    let path = dir.join("calls.jsonl");
    let f = std::fs::File::open(&path).map_err(|e| bad(&path, None, e.to_string()))?;
    Ok(Records {
        reader: std::io::BufReader::with_capacity(1 << 20, f),
        path,
        line: 0,
        buf: String::new(),
    })
}

fn read_lines<T: serde::de::DeserializeOwned>(
    path: &Path,
    what: &str,
) -> Result<Vec<T>, FolderError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(bad(path, None, e.to_string())),
    };
    let mut out = Vec::new();
    for (i, l) in text.lines().enumerate() {
        if l.trim().is_empty() {
            continue;
        }
        out.push(
            serde_json::from_str(l)
                .map_err(|e| bad(path, Some(i as u64 + 1), format!("not an {what} line: {e}")))?,
        );
    }
    Ok(out)
}

/// Sizes and modification times of the files a rewrite of the folder changes. A run
/// folder is written whole and rewritten whole (state folders retire results by
/// rewriting every file), so an unchanged fingerprint means unchanged contents without
/// reading a byte.
pub fn fingerprint(dir: &Path) -> String {
    use std::os::unix::fs::MetadataExt;
    let mut out = String::new();
    for name in [
        "calls.jsonl",
        "errors.jsonl",
        "manifest.json",
        "summary.json",
        "superseded.jsonl",
    ] {
        match std::fs::metadata(dir.join(name)) {
            Ok(m) => out.push_str(&format!(
                "{name}:{}:{}.{:09};",
                m.len(),
                m.mtime(),
                m.mtime_nsec()
            )),
            Err(_) => out.push_str(&format!("{name}:-;")),
        }
    }
    out
}

/// The call records of one `calls.jsonl`, read one line at a time.
pub struct Records {
    reader: std::io::BufReader<std::fs::File>,
    path: PathBuf,
    line: u64,
    buf: String,
}

impl Iterator for Records {
    type Item = Result<(u64, Rec), FolderError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.buf.clear();
            match self.reader.read_line(&mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => return Some(Err(bad(&self.path, Some(self.line + 1), e.to_string()))),
            }
            self.line += 1;
            if self.line == 1 || self.buf.trim().is_empty() {
                continue;
            }
            return Some(
                serde_json::from_str::<Rec>(&self.buf)
                    .map(|r| (self.line, r))
                    .map_err(|e| {
                        bad(
                            &self.path,
                            Some(self.line),
                            format!(
                                "not a call record ({e}); the file was damaged after the run wrote it: run the inputs again"
                            ),
                        )
                    }),
            );
        }
    }
}

/// When a call started, as a UTC timestamp, from `metadata.started_at`: the same rules
/// as the dashboard's days ([`crate::aggregate::parse_started_at`]): RFC 3339 with an
/// offset, or a date and time without one read as UTC, or a date alone (midnight UTC).
pub fn started_at_utc(s: &str) -> Option<jiff::Timestamp> {
    use jiff::civil;
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        return Some(ts);
    }
    let dt = match s.parse::<civil::DateTime>() {
        Ok(dt) => dt,
        Err(_) => s
            .parse::<civil::Date>()
            .ok()?
            .to_datetime(civil::Time::midnight()),
    };
    jiff::tz::Offset::UTC.to_timestamp(dt).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn started_at_forms() {
        let t = |s: &str| started_at_utc(s).map(|t| t.to_string());
        assert_eq!(
            t("2026-11-02T10:15:00Z").as_deref(),
            Some("2026-11-02T10:15:00Z")
        );
        assert_eq!(
            t("2026-11-02 18:15:30+08:00").as_deref(),
            Some("2026-11-02T10:15:30Z")
        );
        assert_eq!(
            t("2026-11-02 10:15:00").as_deref(),
            Some("2026-11-02T10:15:00Z")
        );
        assert_eq!(t("2026-11-02").as_deref(), Some("2026-11-02T00:00:00Z"));
        assert_eq!(t(" "), None);
        assert_eq!(t("yesterday"), None);
    }

    #[test]
    fn fingerprint_changes_when_a_file_is_rewritten() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("calls.jsonl"), "a\n").unwrap();
        let before = fingerprint(d.path());
        assert!(before.contains("calls.jsonl:2:"));
        assert!(before.contains("errors.jsonl:-;"));
        std::fs::write(d.path().join("calls.jsonl"), "ab\n").unwrap();
        assert_ne!(before, fingerprint(d.path()));
    }

    #[test]
    fn a_path_that_is_no_run_is_refused_by_name() {
        let d = tempfile::tempdir().unwrap();
        let err = find(&[d.path().to_path_buf()]).unwrap_err().to_string();
        assert!(err.contains("is not a run folder"), "{err}");
    }
}
