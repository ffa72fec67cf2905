//! Incremental nightly runs: `callscore run INPUTS --state DIR`.
//!
//! A state folder remembers what was scored so that each night scores only new or
//! changed inputs, a run killed at any point resumes without losing or counting a call
//! twice, and a new rule pack either re-scores history or keeps the old results
//! labelled with their pack. Layout:
//!
//! ```text
//! STATE/
//!   .lock                      held by the running process (flock; freed when it dies)
//!   runs/<run_id>/             one folder per run, published whole:
//!     calls.jsonl calls.csv errors.jsonl aggregates.json manifest.json summary.json
//!     inputs.jsonl             which inputs' current results live here (see index)
//!     superseded.jsonl         results that later runs replaced (after a retire)
//!   work/                      the unfinished run: plan.json and finished parts
//! ```
//!
//! A run goes: lock → [`index::Index`] from `runs/*/inputs.jsonl` → [`plan`] (walk,
//! stat, hash only what changed; written to `work/plan.json`) → score the plan in parts
//! of `--checkpoint-every` inputs, each part written beside its final name and renamed
//! when complete ([`parts`]) → assemble the run folder from the parts and publish it in
//! one rename ([`commit`]) → [`retire`] the replaced results from older folders → remove
//! `work/`. Every step either has not happened or has happened whole; a restart looks at
//! what is on disk and goes on from there:
//! - plan written, some parts done: the same plan and run id go on with the next part;
//! - run folder published, older results not yet retired: the index sees the path in two
//!   folders, the newer wins and the older is rewritten first thing.
//!
//! So the results of a run killed any number of times are, byte for byte, those of a run
//! that went straight through (same run id): parts split the plan the same way, and each
//! part's output depends only on its inputs.

pub mod commit;
pub mod index;
pub mod lock;
pub mod parts;
pub mod plan;
pub mod retire;

pub use plan::{PlanCounts, Rescore};

use crate::rules::Pack;
use crate::run::{RunError, RunObserver, RunOptions};
use crate::summary::RunSummary;
use index::Index;
use plan::Plan;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// In each run folder: which inputs' current results the folder holds.
pub const INPUTS_FILE: &str = "inputs.jsonl";

/// How an incremental run behaves.
#[derive(Debug, Clone)]
pub struct StateOptions {
    /// The state folder.
    pub dir: PathBuf,
    /// What to do with results of another rule pack.
    pub rescore: Rescore,
    /// Retire the results of inputs that are gone from the input folders.
    pub forget_missing: bool,
    /// Inputs per checkpoint: a killed run redoes at most this many.
    pub checkpoint_every: usize,
}

impl StateOptions {
    /// Defaults for state folder `dir`: keep other packs' results, keep missing inputs'
    /// results, a checkpoint every 1 000 inputs.
    pub fn new(dir: impl Into<PathBuf>) -> StateOptions {
        StateOptions {
            dir: dir.into(),
            rescore: Rescore::Keep,
            forget_missing: false,
            checkpoint_every: 1000,
        }
    }
}

/// Test hook: when `CALLSCORE_CRASH_AT` is `name` or `name:N`, the process kills itself
/// with SIGKILL the first (or N-th) time it reaches crash point `name`, leaving the state
/// folder exactly as a `kill -9` there would. Tests use it to stop a run between any two
/// steps; it costs one environment lookup per step otherwise.
pub fn crash_point(name: &str) {
    use std::sync::Mutex;
    use std::sync::OnceLock;
    static TARGET: OnceLock<Option<(String, u64)>> = OnceLock::new();
    static SEEN: Mutex<Option<HashMap<String, u64>>> = Mutex::new(None);
    let target = TARGET.get_or_init(|| {
        let v = std::env::var("CALLSCORE_CRASH_AT").ok()?;
        match v.split_once(':') {
            Some((n, k)) => Some((n.to_string(), k.parse().unwrap_or(1))),
            None => Some((v, 1)),
        }
    });
    let Some((want, nth)) = target else { return };
    if want != name {
        return;
    }
    let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
    let count = seen
        .get_or_insert_with(HashMap::new)
        .entry(name.to_string())
        .or_insert(0);
    *count += 1;
    if *count == *nth {
        // SAFETY: raise() has no memory-safety preconditions.
        unsafe {
            libc::raise(libc::SIGKILL);
        }
    }
}

/// Why, for [`RunError::State`].
fn state_err(dir: &Path, reason: impl std::fmt::Display) -> RunError {
    RunError::State {
        dir: dir.to_path_buf(),
        reason: reason.to_string(),
    }
}

/// Run incrementally over `opts.input.paths` with state folder `st.dir` (`opts.out` is
/// not used: results go to `STATE/runs/<run_id>/`). Returns the run's summary, also in
/// its folder's `summary.json`.
pub fn run(
    pack: &Pack,
    opts: &RunOptions,
    st: &StateOptions,
    observer: &mut dyn RunObserver,
) -> Result<RunSummary, RunError> {
    let dir = &st.dir;
    let runs = dir.join("runs");
    let work = dir.join("work");
    for d in [dir, &runs, &work] {
        std::fs::create_dir_all(d).map_err(|e| {
            state_err(
                dir,
                format!(
                    "cannot create {}: {e}; check the path and permissions",
                    d.display()
                ),
            )
        })?;
    }
    let requested = crate::sink::RunStamp::new(opts.run_id.clone());
    let _lock = match lock::StateLock::acquire(dir, &requested.run_id) {
        Ok(l) => l,
        Err(lock::LockError::Busy(holder)) => {
            return Err(RunError::StateBusy {
                dir: dir.clone(),
                holder,
            });
        }
        Err(lock::LockError::Io(e)) => {
            return Err(state_err(
                dir,
                format!("cannot open the lock file .lock: {e}"),
            ));
        }
    };
    let planning = std::time::Instant::now();
    recover_leftovers(&runs).map_err(|e| state_err(dir, e))?;
    let mut index = load_index(&runs)?;
    if repair(&index).map_err(|e| state_err(dir, e))? {
        index = load_index(&runs)?;
    }

    let plan = match resume_or_plan(pack, opts, st, &index, &work, planning, observer)? {
        Next::Score(plan) => plan,
        Next::AlreadyDone(run_id) => {
            // A retry of a run that finished (a scheduler restarting a task that was
            // killed after its results were published): nothing to do, same answer.
            let path = runs.join(&run_id).join("summary.json");
            let summary: RunSummary = std::fs::read(&path)
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .ok_or_else(|| {
                    state_err(dir, format!("{} is missing or damaged", path.display()))
                })?;
            std::fs::remove_dir_all(&work)
                .map_err(|e| state_err(dir, format!("cannot remove {}: {e}", work.display())))?;
            observer.warning(&format!(
                "run {run_id} is already complete in runs/{run_id}; nothing was done"
            ));
            return Ok(summary);
        }
    };
    // The index is not needed while scoring; its memory is.
    drop(index);
    let done = parts::score(pack, opts, &plan, &work, observer)?;
    let summary = commit::publish(pack, &plan, &done, &runs, planning, opts.parquet)
        .map_err(|e| state_err(dir, e))?;
    crash_point("published");
    // The older folders still hold what this run replaced: retire it now (a kill here
    // is repaired by the next start, which finds the paths twice).
    let index = load_index(&runs)?;
    repair(&index).map_err(|e| state_err(dir, e))?;
    std::fs::remove_dir_all(&work).map_err(|e| {
        state_err(
            dir,
            format!("the run is published but work/ could not be removed: {e}"),
        )
    })?;
    Ok(summary)
}

fn load_index(runs: &Path) -> Result<Index, RunError> {
    Index::load(runs).map_err(|e| state_err(runs.parent().unwrap_or(runs), e))
}

/// Rewrite older folders that still hold results a newer folder replaced. Returns
/// whether anything was rewritten.
fn repair(index: &Index) -> Result<bool, retire::RetireError> {
    let dups = index.duplicates();
    let any = !dups.is_empty();
    for (folder, paths) in dups {
        let by_run: HashMap<String, String> = paths
            .into_iter()
            .map(|p| {
                let by = index
                    .get(&p)
                    .map(|(f, _)| f.header.run_id.clone())
                    .unwrap_or_default();
                (p, by)
            })
            .collect();
        retire::retire(&folder.path, &by_run)?;
    }
    Ok(any)
}

/// Finish or undo what a killed process left in `runs/`: a folder moved aside by a
/// two-rename swap is put back when its replacement never arrived, and staging folders
/// (names starting with `.`) are removed. Their contents are rebuilt from `work/`.
fn recover_leftovers(runs: &Path) -> Result<(), String> {
    let rd = match std::fs::read_dir(runs) {
        Ok(rd) => rd,
        Err(e) => return Err(format!("cannot list {}: {e}", runs.display())),
    };
    let mut dot = Vec::new();
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            dot.push(name);
        }
    }
    dot.sort();
    for name in dot {
        let path = runs.join(&name);
        // `.<run>.retire.old` / `.<run>.tmp.old`: the previous contents of `<run>`.
        if let Some(stem) = name
            .strip_suffix(".retire.old")
            .or_else(|| name.strip_suffix(".tmp.old"))
            .and_then(|s| s.strip_prefix('.'))
            && !runs.join(stem).exists()
        {
            std::fs::rename(&path, runs.join(stem))
                .map_err(|e| format!("cannot restore {}: {e}", path.display()))?;
            continue;
        }
        let removed = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed.map_err(|e| format!("cannot remove the leftover {}: {e}", path.display()))?;
    }
    Ok(())
}

/// What a start finds to do.
enum Next {
    /// Score this plan (new, or the unfinished run's).
    Score(Box<Plan>),
    /// The run asked for (or being resumed) is already published.
    AlreadyDone(String),
}

/// The plan to carry out: the unfinished run's when it can go on (same pack, not yet
/// published), else a new one.
fn resume_or_plan(
    pack: &Pack,
    opts: &RunOptions,
    st: &StateOptions,
    index: &Index,
    work: &Path,
    planning: std::time::Instant,
    observer: &mut dyn RunObserver,
) -> Result<Next, RunError> {
    let dir = &st.dir;
    let plan_path = work.join("plan.json");
    if let Ok(bytes) = std::fs::read(&plan_path) {
        let old: Option<Plan> = serde_json::from_slice(&bytes).ok();
        match old {
            Some(mut p)
                if p.rules.hash == pack.hash
                    && !index.has_run(&p.run_id)
                    && opts.run_id.as_ref().is_none_or(|r| *r == p.run_id) =>
            {
                p.resumed += 1;
                write_plan(&plan_path, &p).map_err(|e| state_err(dir, e))?;
                observer.warning(&format!(
                    "resuming run {} (stopped before it finished; {} of its {} inputs to go at most)",
                    p.run_id,
                    p.inputs.len().saturating_sub(parts::done_inputs(work, &p)),
                    p.inputs.len()
                ));
                clean_work(work, true).map_err(|e| state_err(dir, e))?;
                return Ok(Next::Score(Box::new(p)));
            }
            Some(p) if index.has_run(&p.run_id) => {
                if opts.run_id.as_ref().is_none_or(|r| *r == p.run_id) {
                    clean_work(work, false).map_err(|e| state_err(dir, e))?;
                    return Ok(Next::AlreadyDone(p.run_id));
                }
            }
            Some(p) => observer.warning(&format!(
                "the unfinished run {} is dropped: {}; its inputs are planned again",
                p.run_id,
                if p.rules.hash != pack.hash {
                    "the rule pack changed since it started"
                } else {
                    "another --run-id was asked for"
                }
            )),
            None => {
                observer.warning("work/plan.json is damaged; the unfinished run is planned again")
            }
        }
    }
    clean_work(work, false).map_err(|e| state_err(dir, e))?;
    if let Some(id) = &opts.run_id
        && index.has_run(id)
    {
        return Ok(Next::AlreadyDone(id.clone()));
    }
    let mut plan = new_plan(pack, opts, st, index, observer)?;
    plan.plan_ms = planning.elapsed().as_millis() as u64;
    write_plan(&plan_path, &plan).map_err(|e| state_err(dir, e))?;
    crash_point("planned");
    Ok(Next::Score(Box::new(plan)))
}

/// Empty `work/` (or, when resuming, remove only half-written parts: names with a dot).
fn clean_work(work: &Path, keep_done: bool) -> Result<(), String> {
    let rd = std::fs::read_dir(work).map_err(|e| format!("cannot list {}: {e}", work.display()))?;
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if keep_done && !name.starts_with('.') {
            continue;
        }
        let p = e.path();
        let r = if p.is_dir() {
            std::fs::remove_dir_all(&p)
        } else {
            std::fs::remove_file(&p)
        };
        r.map_err(|e| format!("cannot remove {}: {e}", p.display()))?;
    }
    Ok(())
}

fn write_plan(path: &Path, plan: &Plan) -> Result<(), String> {
    let tmp = path.with_extension("json.tmp");
    let bytes = serde_json::to_vec(plan).map_err(|e| e.to_string())?;
    let write = || -> std::io::Result<()> {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        if let Some(p) = path.parent() {
            crate::sink::publish::sync_dir(p);
        }
        Ok(())
    };
    write().map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Walk the inputs and decide what tonight's run does.
fn new_plan(
    pack: &Pack,
    opts: &RunOptions,
    st: &StateOptions,
    index: &Index,
    observer: &mut dyn RunObserver,
) -> Result<Plan, RunError> {
    let dir = &st.dir;
    let mut roots = Vec::new();
    for p in &opts.input.paths {
        if p.as_os_str() == "-" {
            return Err(state_err(
                dir,
                "stdin (-) cannot be an input of an incremental run: it has no path to remember. Save it to a file in the input folder, or run without --state",
            ));
        }
        match std::fs::canonicalize(p) {
            Ok(c) => roots.push(c),
            Err(_) => return Err(RunError::MissingInput(p.clone())),
        }
    }
    let mut exclude: Vec<PathBuf> = opts
        .input
        .exclude
        .iter()
        .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()))
        .collect();
    exclude.push(std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone()));
    let stamp = crate::sink::RunStamp::new(opts.run_id.clone());
    let mut run_id = stamp.run_id.clone();
    if run_id.starts_with('.') {
        return Err(state_err(
            dir,
            format!(
                "run id '{run_id}' starts with '.', which marks unfinished folders; choose another --run-id"
            ),
        ));
    }
    if index.has_run(&run_id) {
        let base = run_id.clone();
        let mut n = 2;
        while index.has_run(&run_id) {
            run_id = format!("{base}-{n}");
            n += 1;
        }
    }
    let walked = plan::walk_and_decide(
        index,
        &pack.hash,
        &roots,
        &exclude,
        st.rescore,
        st.forget_missing,
    );
    if walked.found == 0 && walked.errors.is_empty() && index.is_empty() {
        let opts = RunOptions {
            out: dir.clone(),
            ..opts.clone()
        };
        return Err(crate::run::no_inputs(
            &opts,
            walked.skipped,
            &walked.skipped_examples,
        ));
    }
    if walked.found == 0 && walked.counts.missing > 0 {
        if st.forget_missing {
            return Err(state_err(
                dir,
                format!(
                    "no transcript was found under the inputs, but {} inputs were scored from there before: is the folder mounted? --forget-missing would retire all their results, so nothing was done",
                    walked.counts.missing
                ),
            ));
        }
        observer.warning(&format!(
            "no transcript was found under the inputs, but {} inputs were scored from there before: is the folder mounted? Their results are kept",
            walked.counts.missing
        ));
    }
    let redact = opts.score.redact;
    let formatter = crate::sink::Formatter::new(pack, &run_id, opts.score.evidence);
    let walk_errors = walked
        .errors
        .into_iter()
        .map(|mut e| {
            if redact {
                e.redact();
            }
            observer.input_error(&e);
            String::from_utf8_lossy(&formatter.error(&e)).into_owned()
        })
        .collect();
    let mut replaced: BTreeMap<String, u64> = BTreeMap::new();
    for p in &walked.inputs {
        if let Some(r) = &p.replaces {
            *replaced.entry(r.clone()).or_default() += 1;
        }
    }
    let forget: Vec<plan::Forgotten> = walked
        .forget
        .iter()
        .filter_map(|p| {
            let (f, e) = index.get(p)?;
            *replaced.entry(f.header.run_id.clone()).or_default() += 1;
            Some(plan::Forgotten {
                path: p.clone(),
                size: e.size,
                mtime_ns: e.mtime_ns,
                hash: index::hash_text(e.hash),
            })
        })
        .collect();
    let csv_previous = index
        .folders
        .iter()
        .rev()
        .find_map(|f| {
            crate::sink::manifest::Manifest::read(&f.path).filter(|m| m.name == pack.info.name)
        })
        .map(|m| m.csv_columns.into_iter().map(|c| c.name).collect())
        .unwrap_or_default();
    Ok(Plan {
        kind: "plan".into(),
        run_id,
        started_at: stamp.started_at,
        seq: index.next_seq(),
        rules: crate::record::RulesStamp {
            name: pack.info.name.clone(),
            version: pack.info.version.clone(),
            hash: pack.hash.clone(),
        },
        roots,
        inputs: walked.inputs,
        forget,
        csv_previous,
        counts: walked.counts,
        files_skipped: walked.skipped,
        skipped_examples: walked.skipped_examples,
        checkpoint_every: st.checkpoint_every.max(1),
        walk_errors,
        replaced,
        resumed: 0,
        plan_ms: 0,
        metadata_csvs: walked.metadata_csvs,
        refresh: walked.refresh,
        evidence: opts.score.evidence,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftovers_are_removed_and_a_folder_moved_aside_comes_back() {
        let d = tempfile::tempdir().unwrap();
        let runs = d.path();
        // A two-rename swap killed half way: `r1` aside, its replacement never arrived.
        std::fs::create_dir(runs.join(".r1.retire.old")).unwrap();
        std::fs::write(runs.join(".r1.retire.old/inputs.jsonl"), "x").unwrap();
        // The same for r2, but r2 is in place: the aside copy is stale.
        std::fs::create_dir(runs.join("r2")).unwrap();
        std::fs::create_dir(runs.join(".r2.tmp.old")).unwrap();
        // Staging folders and a stray file.
        std::fs::create_dir(runs.join(".r3.tmp")).unwrap();
        std::fs::create_dir(runs.join(".r2.retire")).unwrap();
        std::fs::write(runs.join(".junk"), "").unwrap();
        recover_leftovers(runs).unwrap();
        let mut names: Vec<String> = std::fs::read_dir(runs)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["r1", "r2"]);
        assert_eq!(
            std::fs::read_to_string(runs.join("r1/inputs.jsonl")).unwrap(),
            "x"
        );
    }

    #[test]
    fn crash_points_do_nothing_unless_armed() {
        // The test process has no CALLSCORE_CRASH_AT: reaching points is harmless.
        assert!(std::env::var_os("CALLSCORE_CRASH_AT").is_none());
        for _ in 0..3 {
            crash_point("part");
            crash_point("published");
        }
    }

    #[test]
    fn defaults_keep_history_and_checkpoint_every_thousand() {
        let o = StateOptions::new("s");
        assert_eq!(o.rescore, Rescore::Keep);
        assert!(!o.forget_missing);
        assert_eq!(o.checkpoint_every, 1000);
    }
}
