//! The line files of a merged run: `calls.jsonl` and `calls.csv` in step (row i of the
//! CSV is record i of the JSON Lines in every run folder), and `errors.jsonl`.
//!
//! CSV rows are parsed and written again with the same CSV writer settings a run uses,
//! which gives the same bytes (a field is quoted exactly when it must be). When the
//! inputs' columns differ (an older folder kept an older column order, or packs are
//! mixed), the merged file has the first input's columns then each new one in order of
//! appearance, and each row is placed by column name (cells a run lacks are empty).

use super::MergeError;
use super::inputs::Input;
use super::order::Keyer;
use super::write::{
    CallsMerged, Duplicates, create_out, finish_out, header_line, keyed_merge, next_line, open_in,
    same_evidence,
};
use crate::sink::publish::Staging;
use csv::ByteRecord;
use std::fs::File;
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};

fn csv_err(path: &Path, e: csv::Error) -> MergeError {
    MergeError::input(path, format!("damaged CSV: {e}"))
}

/// Merge the inputs' calls; returns the CSV columns written and the call ids read twice.
pub(crate) fn merge_calls(
    inputs: &[Input],
    staging: &Staging,
    run_id: &str,
    keyer: &Keyer,
) -> Result<CallsMerged, MergeError> {
    let jsonl: Vec<PathBuf> = inputs.iter().map(|i| i.file("calls.jsonl")).collect();
    let csvs: Vec<PathBuf> = inputs.iter().map(|i| i.file("calls.csv")).collect();
    let mut first = String::new();
    next_line(&mut open_in(&jsonl[0])?, &mut first, &jsonl[0])?;
    let header = header_line(&first, &jsonl[0], run_id)?;
    let mut others = Vec::with_capacity(jsonl.len().saturating_sub(1));
    for p in &jsonl[1..] {
        let mut line = String::new();
        next_line(&mut open_in(p)?, &mut line, p)?;
        others.push((line, p.clone()));
    }
    same_evidence(&first, &others, &jsonl[0])?;

    let mut readers: Vec<csv::Reader<BufReader<File>>> = Vec::with_capacity(csvs.len());
    let mut headers: Vec<Vec<String>> = Vec::with_capacity(csvs.len());
    for p in &csvs {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(open_in(p)?);
        let mut h = ByteRecord::new();
        if !r.read_byte_record(&mut h).map_err(|e| csv_err(p, e))? {
            return Err(MergeError::input(
                p,
                "empty: a run's calls.csv has a header line",
            ));
        }
        headers.push(
            h.iter()
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect(),
        );
        readers.push(r);
    }
    let names = union(&headers);
    // For each input, where each merged column is in its rows (`None`: same columns).
    let maps: Vec<Option<Vec<Option<usize>>>> = headers
        .iter()
        .map(|h| {
            (*h != names).then(|| {
                names
                    .iter()
                    .map(|n| h.iter().position(|c| c == n))
                    .collect()
            })
        })
        .collect();

    let calls_path = staging.file("calls.jsonl");
    let csv_path = staging.file("calls.csv");
    let mut calls = create_out(&calls_path)?;
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |e: std::io::Error| MergeError::Output { path: p, source: e }
    };
    calls
        .write_all(header.as_bytes())
        .map_err(io(&calls_path))?;
    calls.write_all(b"\n").map_err(io(&calls_path))?;
    let mut csv_out = csv::Writer::from_writer(create_out(&csv_path)?);
    let csv_io = |e: csv::Error| MergeError::Output {
        path: csv_path.clone(),
        source: e.into(),
    };
    csv_out.write_record(&names).map_err(csv_io)?;

    let mut seen = Duplicates::default();
    let mut row = ByteRecord::new();
    let mut placed = ByteRecord::new();
    keyed_merge(&jsonl, true, keyer, |i, line, place| {
        calls.write_all(line.as_bytes()).map_err(io(&calls_path))?;
        calls.write_all(b"\n").map_err(io(&calls_path))?;
        if let Some(id) = &place.call_id {
            seen.check(id, &place.source, place.source_line);
        }
        if !readers[i]
            .read_byte_record(&mut row)
            .map_err(|e| csv_err(&csvs[i], e))?
        {
            return Err(MergeError::input(
                &csvs[i],
                "has fewer rows than calls.jsonl has records: the folder was edited or cut short; re-run that run",
            ));
        }
        match &maps[i] {
            None => csv_out.write_byte_record(&row).map_err(csv_io)?,
            Some(map) => {
                placed.clear();
                for at in map {
                    placed.push_field(at.and_then(|c| row.get(c)).unwrap_or(b""));
                }
                csv_out.write_byte_record(&placed).map_err(csv_io)?;
            }
        }
        Ok(())
    })?;
    for (r, p) in readers.iter_mut().zip(&csvs) {
        if r.read_byte_record(&mut row).map_err(|e| csv_err(p, e))? {
            return Err(MergeError::input(
                p,
                "has more rows than calls.jsonl has records: the folder was edited or cut short; re-run that run",
            ));
        }
    }
    finish_out(calls, &calls_path)?;
    let w = csv_out.into_inner().map_err(|e| MergeError::Output {
        path: csv_path.clone(),
        source: std::io::Error::other(e.to_string()),
    })?;
    finish_out(w, &csv_path)?;
    Ok(CallsMerged { names, seen })
}

/// The first header's columns, then every other column in order of appearance.
fn union(headers: &[Vec<String>]) -> Vec<String> {
    let mut names = headers[0].clone();
    for h in &headers[1..] {
        for c in h {
            if !names.contains(c) {
                names.push(c.clone());
            }
        }
    }
    names
}

/// Merge the inputs' `errors.jsonl` into `out`.
pub(crate) fn merge_errors(inputs: &[Input], out: &Path, keyer: &Keyer) -> Result<(), MergeError> {
    let files: Vec<PathBuf> = inputs.iter().map(|i| i.file("errors.jsonl")).collect();
    let mut w = create_out(out)?;
    keyed_merge(&files, false, keyer, |_, line, _| {
        w.write_all(line.as_bytes())
            .and_then(|()| w.write_all(b"\n"))
            .map_err(|e| MergeError::Output {
                path: out.to_path_buf(),
                source: e,
            })
    })?;
    finish_out(w, out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn union_keeps_the_first_order_and_appends_new_columns() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            super::union(&[h(&["a", "b"]), h(&["b", "c", "a"]), h(&["d"])]),
            h(&["a", "b", "c", "d"])
        );
    }
}
