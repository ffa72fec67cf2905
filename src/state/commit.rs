//! Publishing an incremental run: its folder is assembled from the finished parts beside
//! its final place (`runs/.<run_id>.tmp`) and renamed into `runs/<run_id>` in one step.
//! Until that rename the history is as it was; after it, the run is done except for
//! retiring what it replaced from older folders, which a restart finishes.

use super::index::{FolderHeader, InputEntry};
use super::parts::{Part, cannot_write, fresh_dir, write_synced};
use super::plan::Plan;
use crate::aggregate::Aggregates;
use crate::rules::Pack;
use crate::run::Summary;
use crate::score::NaForLackOfMeta;
use crate::summary::{PackStats, RunSummary, StateSummary};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::Instant;

/// Assemble and publish the run folder of `plan` from its `parts`. `started` is when
/// this process started the run (earlier processes' scoring time is in the parts).
pub fn publish(
    pack: &Pack,
    plan: &Plan,
    parts: &[Part],
    runs: &Path,
    started: Instant,
    parquet: bool,
) -> Result<RunSummary, String> {
    let tmp = runs.join(format!(".{}.tmp", plan.run_id));
    let io = cannot_write;
    fresh_dir(&tmp)?;
    let formatter = crate::sink::Formatter::with_previous(
        pack,
        &plan.run_id,
        &plan.csv_previous,
        plan.evidence,
    );

    concat(
        &tmp.join("calls.jsonl"),
        &crate::sink::run_header(pack, &plan.run_id, plan.evidence),
        parts,
        "calls.jsonl",
    )?;
    concat(
        &tmp.join("calls.csv"),
        &formatter.csv_header(),
        parts,
        "calls.csv",
    )?;
    let walk_errors: Vec<u8> = plan.walk_errors.concat().into_bytes();
    concat(
        &tmp.join("errors.jsonl"),
        &walk_errors,
        parts,
        "errors.jsonl",
    )?;

    let mut aggregates = Aggregates::new(pack);
    for _ in &plan.walk_errors {
        aggregates.add_error();
    }
    let mut counts = Summary::default();
    counts.errors = plan.walk_errors.len() as u64;
    counts.inputs_errored = plan.walk_errors.len() as u64;
    let mut na = NaForLackOfMeta::default();
    let (mut threads, mut elapsed_before) = (1, 0u64);
    for p in parts {
        let path = p.dir.join("aggregates.json");
        let a = Aggregates::read_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        aggregates
            .merge(a)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        counts.absorb(&p.info.counts);
        if counts.metadata_files.is_empty() {
            counts.metadata_files = p.info.counts.metadata_files.clone();
            counts.metadata_rows = p.info.counts.metadata_rows;
        }
        na.merge(p.info.na_for_lack_of_metadata.clone());
        threads = threads.max(p.info.threads);
        if !p.now {
            elapsed_before += p.info.elapsed_ms;
        }
    }
    counts.files_skipped = plan.files_skipped;
    counts.skipped_examples = plan.skipped_examples.clone();
    write_synced(
        &tmp.join("aggregates.json"),
        aggregates.to_json().as_bytes(),
    )?;

    // inputs.jsonl: the header, the scored inputs, the tombstones of forgotten ones.
    let header = FolderHeader {
        kind: "state".into(),
        run_id: plan.run_id.clone(),
        seq: plan.seq,
        rules: plan.rules.clone(),
    };
    let mut head = serde_json::to_vec(&header).map_err(|e| e.to_string())?;
    head.push(b'\n');
    let mut tail = Vec::new();
    for f in &plan.forget {
        let tomb = InputEntry {
            kind: "input".into(),
            path: f.path.clone(),
            size: f.size,
            mtime_ns: f.mtime_ns,
            hash: f.hash.clone(),
            calls: Vec::new(),
            errors: 0,
            last_day: None,
            forgotten: true,
        };
        tail.extend(serde_json::to_vec(&tomb).map_err(|e| e.to_string())?);
        tail.push(b'\n');
    }
    for r in &plan.refresh {
        tail.extend(serde_json::to_vec(r).map_err(|e| e.to_string())?);
        tail.push(b'\n');
    }
    concat_with_tail(
        &tmp.join(super::INPUTS_FILE),
        &head,
        parts,
        super::INPUTS_FILE,
        &tail,
    )?;

    let manifest =
        serde_json::to_string_pretty(&formatter.manifest(pack)).map_err(|e| e.to_string())?;
    write_synced(&tmp.join("manifest.json"), manifest.as_bytes())?;

    let elapsed_ms = elapsed_before + started.elapsed().as_millis() as u64;
    let secs = elapsed_ms as f64 / 1000.0;
    let per_s = |n: f64| {
        if secs > 0.0 {
            crate::score::round(n / secs, 1)
        } else {
            0.0
        }
    };
    let summary = RunSummary {
        kind: "summary".into(),
        run_id: plan.run_id.clone(),
        started_at: plan.started_at.clone(),
        finished_at: jiff::Timestamp::now()
            .strftime("%Y-%m-%dT%H:%M:%SZ")
            .to_string(),
        callscore: env!("CARGO_PKG_VERSION").into(),
        rules: PackStats::of(pack),
        threads,
        elapsed_ms,
        mb_per_s: per_s(counts.bytes_read as f64 / 1e6),
        calls_per_s: per_s(counts.calls_scored as f64),
        counts,
        na_for_lack_of_metadata: na,
        state: Some(StateSummary {
            folder: format!("runs/{}", plan.run_id),
            seq: plan.seq,
            inputs: plan.counts.clone(),
            replaced: plan.replaced.clone(),
            resumed: plan.resumed,
            plan_ms: plan.plan_ms,
        }),
        shard: None,
        merged: None,
    };
    let text = serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?;
    write_synced(&tmp.join("summary.json"), format!("{text}\n").as_bytes())?;
    if parquet {
        crate::load::parquet::write(&tmp).map_err(|e| e.to_string())?;
    }
    super::crash_point("staged");
    let dest = runs.join(&plan.run_id);
    crate::sink::publish::replace_dir(&tmp, &dest).map_err(io(&dest))?;
    Ok(summary)
}

/// Write `head` then file `name` of every part into `dest`, synced.
fn concat(dest: &Path, head: &[u8], parts: &[Part], name: &str) -> Result<(), String> {
    concat_with_tail(dest, head, parts, name, &[])
}

fn concat_with_tail(
    dest: &Path,
    head: &[u8],
    parts: &[Part],
    name: &str,
    tail: &[u8],
) -> Result<(), String> {
    let err = |e: std::io::Error| format!("cannot write {}: {e}", dest.display());
    let mut w = BufWriter::with_capacity(1 << 20, File::create(dest).map_err(err)?);
    w.write_all(head).map_err(err)?;
    for p in parts {
        let src = p.dir.join(name);
        let mut f = File::open(&src).map_err(|e| format!("cannot read {}: {e}", src.display()))?;
        std::io::copy(&mut f, &mut w).map_err(|e| format!("cannot copy {}: {e}", src.display()))?;
    }
    w.write_all(tail).map_err(err)?;
    let f = w.into_inner().map_err(|e| err(e.into_error()))?;
    f.sync_all().map_err(err)
}
