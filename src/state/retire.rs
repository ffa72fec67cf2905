//! Retiring replaced results from an older run folder.
//!
//! When a changed input is scored again (or re-scored with a new pack, or forgotten), its
//! earlier results must leave the history, or every loader and the dashboard would count
//! the call twice. The older folder is rewritten without that input's lines: `calls.jsonl`,
//! `calls.csv` (rows copied byte for byte), `errors.jsonl` and `inputs.jsonl` are
//! filtered, `aggregates.json` is recomputed from the calls that stay (aggregates are
//! integer sums of per-call facts, read back from the kept records), and
//! `superseded.jsonl` lists what left and which run replaced it. `summary.json` and
//! `manifest.json` stay as the run wrote them: the history of what that run did.
//!
//! The rewrite is built beside the folder (`runs/.<name>.retire`) and swapped in with one
//! atomic exchange, so a kill leaves the old or the new folder, never a mix; the next run
//! finds a path listed in two folders and finishes the job ([`super::index::Index::duplicates`]).

use super::INPUTS_FILE;
use crate::aggregate::{Aggregates, CallFacts};
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

/// The file listing what left a folder.
pub const SUPERSEDED_FILE: &str = "superseded.jsonl";

/// Why a folder could not be rewritten.
#[derive(Debug, thiserror::Error)]
pub enum RetireError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// Where.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A file of the folder is damaged.
    #[error("{path}:{line}: {reason}")]
    Damaged {
        /// Where.
        path: PathBuf,
        /// Line.
        line: usize,
        /// What.
        reason: String,
    },
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> RetireError + '_ {
    move |source| RetireError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A line of `superseded.jsonl`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Superseded {
    /// Always `"superseded"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The input whose results left the folder.
    pub path: String,
    /// The run holding its current results (or that forgot it).
    pub by_run: String,
    /// Call records removed.
    pub calls: u64,
    /// Error records removed.
    pub errors: u64,
}

#[derive(serde::Deserialize)]
struct SourceOnly {
    source: String,
}

/// Rewrite run folder `dir` without the results of `paths` (each replaced by the run in
/// `by_run`). Returns the lines added to `superseded.jsonl`.
pub fn retire(dir: &Path, paths: &HashMap<String, String>) -> Result<Vec<Superseded>, RetireError> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let parent = dir.parent().unwrap_or(Path::new("."));
    let tmp = parent.join(format!(".{name}.retire"));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(io_at(&tmp))?;
    }
    std::fs::create_dir(&tmp).map_err(io_at(&tmp))?;
    let mut removed: HashMap<&str, (u64, u64)> = HashMap::new();

    // The pack of the folder, from its aggregates: the recomputed sums use the same lists.
    let agg_path = dir.join("aggregates.json");
    let old = Aggregates::read_file(&agg_path).map_err(|e| RetireError::Damaged {
        path: agg_path.clone(),
        line: 1,
        reason: e.to_string(),
    })?;
    let meta = old
        .packs
        .values()
        .next()
        .map(|p| p.meta.clone())
        .ok_or_else(|| RetireError::Damaged {
            path: agg_path.clone(),
            line: 1,
            reason: "no rule pack in the aggregates".into(),
        })?;
    let mut aggs = Aggregates::for_meta(meta);

    // calls.jsonl: header kept, records of retired inputs dropped, the rest re-aggregated.
    filter_lines(dir, &tmp, "calls.jsonl", 1, |line_no, line| {
        let (source, facts): (String, CallFacts) =
            CallFacts::from_json_line(line).map_err(|e| (line_no, e.to_string()))?;
        if let Some((k, _)) = paths.get_key_value(&source) {
            removed.entry(k.as_str()).or_default().0 += 1;
            return Ok(false);
        }
        aggs.add(&facts);
        Ok(true)
    })?;
    filter_lines(dir, &tmp, "errors.jsonl", 0, |line_no, line| {
        let s: SourceOnly = serde_json::from_slice(line).map_err(|e| (line_no, e.to_string()))?;
        if let Some((k, _)) = paths.get_key_value(&s.source) {
            removed.entry(k.as_str()).or_default().1 += 1;
            return Ok(false);
        }
        aggs.add_error();
        Ok(true)
    })?;
    filter_lines(dir, &tmp, INPUTS_FILE, 1, |line_no, line| {
        let e: super::index::InputEntry =
            serde_json::from_slice(line).map_err(|e| (line_no, e.to_string()))?;
        Ok(!paths.contains_key(&e.path))
    })?;
    let keep: HashSet<&str> = paths.keys().map(String::as_str).collect();
    filter_csv(&dir.join("calls.csv"), &tmp.join("calls.csv"), &keep)?;
    write_synced(&tmp.join("aggregates.json"), aggs.to_json().as_bytes())?;

    // What left, appended to what left before.
    let mut added: Vec<Superseded> = paths
        .iter()
        .map(|(p, by)| {
            let (calls, errors) = removed.get(p.as_str()).copied().unwrap_or_default();
            Superseded {
                kind: "superseded".into(),
                path: p.clone(),
                by_run: by.clone(),
                calls,
                errors,
            }
        })
        .collect();
    added.sort_by(|a, b| a.path.cmp(&b.path));
    let mut text = std::fs::read(dir.join(SUPERSEDED_FILE)).unwrap_or_default();
    for s in &added {
        text.extend(serde_json::to_vec(s).unwrap_or_default());
        text.push(b'\n');
    }
    write_synced(&tmp.join(SUPERSEDED_FILE), &text)?;

    // Everything else (summary, manifest, other outputs) as it was.
    for e in std::fs::read_dir(dir).map_err(io_at(dir))? {
        let e = e.map_err(io_at(dir))?;
        let target = tmp.join(e.file_name());
        if !target.exists() && e.path().is_file() {
            std::fs::copy(e.path(), &target).map_err(io_at(&target))?;
        }
    }
    // Parquet files are made from calls.jsonl: made again from what stays.
    crate::load::parquet::rewrite_if_present(dir, &tmp)
        .map_err(|e| io_at(&tmp)(io::Error::other(e.to_string())))?;
    crate::sink::publish::sync_dir(&tmp);
    crate::sink::publish::replace_dir(&tmp, dir).map_err(io_at(dir))?;
    super::crash_point("retired");
    Ok(added)
}

/// Copy `name` from `dir` to `tmp` keeping the first `header` lines and the lines `keep`
/// accepts (`keep` gets the 1-based line number and the line without its newline).
fn filter_lines(
    dir: &Path,
    tmp: &Path,
    name: &str,
    header: usize,
    mut keep: impl FnMut(usize, &[u8]) -> Result<bool, (usize, String)>,
) -> Result<(), RetireError> {
    let src = dir.join(name);
    let dst = tmp.join(name);
    let input = match File::open(&src) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_at(&src)(e)),
    };
    let out = File::create(&dst).map_err(io_at(&dst))?;
    let mut w = BufWriter::with_capacity(1 << 20, out);
    let mut r = BufReader::with_capacity(1 << 20, input);
    let mut line = Vec::new();
    let mut n = 0;
    loop {
        line.clear();
        if r.read_until(b'\n', &mut line).map_err(io_at(&src))? == 0 {
            break;
        }
        n += 1;
        let body = line.strip_suffix(b"\n").unwrap_or(&line);
        let kept = n <= header
            || body.is_empty()
            || keep(n, body).map_err(|(line, reason)| RetireError::Damaged {
                path: src.clone(),
                line,
                reason,
            })?;
        if kept {
            w.write_all(&line).map_err(io_at(&dst))?;
        }
    }
    let f = w.into_inner().map_err(|e| io_at(&dst)(e.into_error()))?;
    f.sync_all().map_err(io_at(&dst))
}

/// Copy `calls.csv` without the rows whose `source` column names a retired input; kept
/// rows (and the header) are copied byte for byte.
fn filter_csv(src: &Path, dst: &Path, retired: &HashSet<&str>) -> Result<(), RetireError> {
    let mut bytes = Vec::new();
    match File::open(src) {
        Ok(mut f) => f.read_to_end(&mut bytes).map_err(io_at(src))?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_at(src)(e)),
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let mut out = BufWriter::with_capacity(1 << 20, File::create(dst).map_err(io_at(dst))?);
    let mut rec = csv::ByteRecord::new();
    let mut source_col = None;
    let mut start = 0usize;
    loop {
        let more = rdr
            .read_byte_record(&mut rec)
            .map_err(|e| RetireError::Damaged {
                path: src.to_path_buf(),
                line: e.position().map_or(0, |p| p.line() as usize),
                reason: e.to_string(),
            })?;
        let mut end = rdr.position().byte() as usize;
        // After a CRLF row the reader stands between the \r and the \n: the row owns both.
        if end > 0 && bytes.get(end - 1) == Some(&b'\r') && bytes.get(end) == Some(&b'\n') {
            end += 1;
        }
        if !more {
            break;
        }
        let keep = match source_col {
            None => {
                source_col = rec.iter().position(|f| f == b"source");
                true
            }
            Some(c) => rec
                .get(c)
                .and_then(|f| std::str::from_utf8(f).ok())
                .is_none_or(|s| !retired.contains(s)),
        };
        if keep {
            out.write_all(&bytes[start..end]).map_err(io_at(dst))?;
        }
        start = end;
    }
    let f = out.into_inner().map_err(|e| io_at(dst)(e.into_error()))?;
    f.sync_all().map_err(io_at(dst))
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), RetireError> {
    let mut f = File::create(path).map_err(io_at(path))?;
    f.write_all(bytes).map_err(io_at(path))?;
    f.sync_all().map_err(io_at(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_of_retired_inputs_leave_and_the_rest_stays_byte_for_byte() {
        let d = tempfile::tempdir().unwrap();
        let (src, dst) = (d.path().join("in.csv"), d.path().join("out.csv"));
        let text = "run_id,call_id,source,notes\r\n\
                    r,a,/in/a.json,plain\r\n\
                    r,b,/in/b.json,\"two\nlines, quoted\"\r\n\
                    r,c,/in/c.json,\"said \"\"hi\"\"\"\r\n\
                    r,d,/in/b.json,again\r\n";
        std::fs::write(&src, text).unwrap();
        filter_csv(&src, &dst, &HashSet::from(["/in/b.json"])).unwrap();
        assert_eq!(
            std::fs::read_to_string(&dst).unwrap(),
            "run_id,call_id,source,notes\r\n\
             r,a,/in/a.json,plain\r\n\
             r,c,/in/c.json,\"said \"\"hi\"\"\"\r\n"
        );
    }

    #[test]
    fn header_lines_stay_and_rejected_lines_leave() {
        let d = tempfile::tempdir().unwrap();
        let (dir, tmp) = (d.path().join("a"), d.path().join("b"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::create_dir_all(&tmp).unwrap();
        std::fs::write(dir.join("f.jsonl"), "head\nkeep 1\ndrop\n\nkeep 2").unwrap();
        filter_lines(&dir, &tmp, "f.jsonl", 1, |_, l| Ok(l != b"drop")).unwrap();
        assert_eq!(
            std::fs::read_to_string(tmp.join("f.jsonl")).unwrap(),
            "head\nkeep 1\n\nkeep 2"
        );
        let e = filter_lines(&dir, &tmp, "f.jsonl", 0, |n, _| Err((n, "bad".into())));
        assert!(
            matches!(e, Err(RetireError::Damaged { line: 1, .. })),
            "{e:?}"
        );
        // A file the folder does not have is no error (a run without errors.jsonl).
        filter_lines(&dir, &tmp, "none.jsonl", 0, |_, _| Ok(true)).unwrap();
        assert!(!tmp.join("none.jsonl").exists());
    }

    #[test]
    fn csv_edges_empty_files_blank_lines_and_unreadable_sources() {
        let d = tempfile::tempdir().unwrap();
        let (src, dst) = (d.path().join("in.csv"), d.path().join("out.csv"));
        let retired = HashSet::from(["/drop"]);
        std::fs::write(&src, "").unwrap();
        filter_csv(&src, &dst, &retired).unwrap();
        assert_eq!(std::fs::read_to_string(&dst).unwrap(), "");
        // A blank line belongs to the row after it, and leaves or stays with that row.
        std::fs::write(&src, "id,source\nx,/drop\n\ny,/keep\n").unwrap();
        filter_csv(&src, &dst, &retired).unwrap();
        assert_eq!(
            std::fs::read_to_string(&dst).unwrap(),
            "id,source\n\ny,/keep\n"
        );
        // Missing: nothing to filter. Not readable for another reason: an error.
        filter_csv(&d.path().join("none.csv"), &dst, &retired).unwrap();
        let under_a_file = src.join("calls.csv");
        assert!(matches!(
            filter_csv(&under_a_file, &dst, &retired),
            Err(RetireError::Io { .. })
        ));
        assert!(matches!(
            filter_lines(&src, d.path(), "calls.jsonl", 0, |_, _| Ok(true)),
            Err(RetireError::Io { .. })
        ));
    }

    #[test]
    fn header_lines_are_kept_whatever_the_filter_says() {
        let d = tempfile::tempdir().unwrap();
        let (dir, tmp) = (d.path().join("a"), d.path().join("b"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::create_dir_all(&tmp).unwrap();
        std::fs::write(dir.join("f.jsonl"), "drop\nkeep\ndrop\n").unwrap();
        filter_lines(&dir, &tmp, "f.jsonl", 1, |_, l| Ok(l != b"drop")).unwrap();
        assert_eq!(
            std::fs::read_to_string(tmp.join("f.jsonl")).unwrap(),
            "drop\nkeep\n"
        );
    }
}
