//! `callscore run`: the nightly batch.

use super::Exit;
use super::args::{InputArgs, PackArgs};
use crate::run::{RunOptions, run as run_batch};
use crate::score::ScoreOptions;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// Transcript files or folders (walked), or `-` for stdin (JSON Lines, or one
    /// transcript of any format).
    #[arg(default_value = "corpus")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    pack: PackArgs,
    /// Output folder (calls.jsonl, calls.csv, errors.jsonl, summary.json), or `-` for
    /// stdout [default: out].
    #[arg(long, conflicts_with = "state")]
    out: Option<PathBuf>,
    /// Incremental run: remember what was scored in this folder, score only new or
    /// changed inputs, write this run's results to DIR/runs/<run id>/, resume a run
    /// that was stopped (README "Operating it nightly").
    #[arg(long, value_name = "DIR")]
    state: Option<PathBuf>,
    /// With --state, when the rule pack changed: `keep` results of the other pack,
    /// labelled with it (default); `all` re-scores them; `since=YYYY-MM-DD` re-scores
    /// inputs with a call on or after that day.
    #[arg(long, requires = "state", value_name = "keep|all|since=DATE", value_parser = parse_rescore)]
    rescore: Option<crate::state::Rescore>,
    /// With --state, retire the results of inputs that are no longer in the input
    /// folders (default: keep them).
    #[arg(long, requires = "state")]
    forget_missing: bool,
    /// With --state, inputs per checkpoint: a stopped run redoes at most this many.
    #[arg(long, requires = "state", value_name = "N", default_value_t = 1000)]
    checkpoint_every: usize,
    /// Cores to use (default: all). With 1, reading, scoring and writing run on one
    /// thread; with more, that many scoring workers plus a reader and a writer thread.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    #[command(flatten)]
    input: InputArgs,
    /// Keep card numbers, phone numbers, ids and e-mails in evidence and error messages
    /// (default: replaced by [CARD], [PHONE], [ID], [EMAIL], [NUMBER]; docs/privacy.md).
    #[arg(long)]
    no_redact: bool,
    /// Reasons and quotes in calls.jsonl: `failed` (default) for failed and critical
    /// items, drivers and the most negative moment; `all` for every item; `none` for
    /// outcomes and numbers only (docs/outputs.md).
    #[arg(long, value_name = "all|failed|none", default_value = "failed", value_parser = parse_evidence)]
    evidence: crate::record::EvidenceLevel,
    /// Exit 0, not 3, when some inputs could not be read (they are error records all
    /// the same). For Spark's `pipe(..., checkCode=True)`, which fails the job on any
    /// other exit code: a crash or a fatal error (exit 2) still does.
    #[arg(long)]
    input_errors_ok: bool,
    /// Score only shard K of N (K from 1 to N): the input files whose path, relative to
    /// the input folder it was found in, hashes to K. N runs with the same inputs and N,
    /// then `callscore merge`, give the results of one run (README "Scaling out").
    #[arg(long, value_name = "K/N", conflicts_with = "state")]
    shard: Option<crate::shard::Shard>,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
    /// The run's id, written into every output file (default: the UTC start time and a
    /// random suffix, e.g. 20261206T043012Z-1a2b3c). Schedulers pass their own
    /// (an Airflow run id) to find a run's outputs later.
    #[arg(long, value_parser = parse_run_id)]
    run_id: Option<String>,
    /// Also write calls.parquet (one row per call) and items.parquet (one row per call
    /// and item) into the run folder (docs/parquet.md).
    #[arg(long)]
    parquet: bool,
    /// When the run is published, load it into PostgreSQL as `callscore load` does
    /// (with --state: every run folder the run wrote or rewrote). URL as for `load
    /// --into`; without a value, the PG* environment variables (docs/postgres.md).
    #[arg(long, value_name = "URL", num_args = 0..=1, default_missing_value = "")]
    load_into: Option<String>,
    /// Schema for --load-into.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "callscore",
        requires = "load_into"
    )]
    load_schema: String,
}

fn parse_rescore(s: &str) -> Result<crate::state::Rescore, String> {
    s.parse()
}

fn parse_evidence(s: &str) -> Result<crate::record::EvidenceLevel, String> {
    s.parse()
}

fn parse_run_id(s: &str) -> Result<String, String> {
    crate::sink::check_run_id(s).map(|()| s.to_string())
}

/// What the closing line adds to the counts: skipped files, call ids read twice.
fn notes(s: &crate::run::Summary) -> String {
    let mut out = String::new();
    if s.files_skipped > 0 {
        out.push_str(&format!(
            "; {} files skipped (not transcript extensions, e.g. {})",
            s.files_skipped,
            s.skipped_examples.join(", ")
        ));
    }
    if s.duplicate_call_ids > 0 {
        out.push_str(&format!(
            "; {} calls had a call id read before (both scored; listed in summary.json, duplicate_examples)",
            s.duplicate_call_ids
        ));
    }
    out
}

pub(crate) fn run(args: RunArgs) -> Exit {
    let out = match (&args.out, &args.state) {
        (Some(o), _) => o.clone(),
        (None, Some(s)) => s.clone(),
        (None, None) => PathBuf::from("out"),
    };
    // The output folder is never read back as input (it may sit inside an input folder).
    let exclude = if out.as_os_str() == "-" {
        Vec::new()
    } else {
        vec![out.clone()]
    };
    if args.shard.is_some() && args.paths.iter().any(|p| p.as_os_str() == "-") {
        eprintln!(
            "callscore: --shard splits input files; stdin (-) cannot be split. Give the files or folders, or split the stream upstream (e.g. Spark's RDD.pipe)"
        );
        return Exit::Fatal;
    }
    let input = match args.input.options(args.paths.clone(), exclude) {
        Ok(i) => crate::input::InputOptions {
            shard: args.shard,
            ..i
        },
        Err(e) => {
            eprintln!("callscore: {e}");
            return Exit::Fatal;
        }
    };
    let Some(pack) = super::load_pack_or_report(&args.pack.rules) else {
        return Exit::Fatal;
    };
    let opts = RunOptions {
        input,
        out: out.clone(),
        threads: args.threads,
        score: ScoreOptions {
            redact: !args.no_redact,
            evidence: args.evidence,
        },
        progress: !args.quiet,
        max_stderr_errors: 20,
        run_id: args.run_id.clone(),
        parquet: args.parquet,
    };
    if out.as_os_str() == "-" && (args.parquet || args.load_into.is_some()) {
        eprintln!(
            "callscore: --parquet and --load-into need a run folder; they cannot be used with --out -"
        );
        return Exit::Fatal;
    }
    // The connection string is checked before scoring (a password in it, an unknown
    // parameter, TLS asked for): a mistake there should not cost a night's run first.
    if let Some(url) = &args.load_into
        && let Err(e) = crate::load::conninfo::resolve(
            (!url.is_empty()).then_some(url.as_str()),
            &crate::load::conninfo::process_env,
        )
    {
        eprintln!("callscore: --load-into: {e}; nothing was scored");
        return Exit::Fatal;
    }
    let mut console = super::progress::Console::new(opts.progress, opts.max_stderr_errors);
    let result = match &args.state {
        Some(dir) => {
            let st = crate::state::StateOptions {
                rescore: args.rescore.unwrap_or_default(),
                forget_missing: args.forget_missing,
                checkpoint_every: args.checkpoint_every,
                ..crate::state::StateOptions::new(dir.clone())
            };
            crate::state::run(&pack, &opts, &st, &mut console)
        }
        None => run_batch(&pack, &opts, &mut console),
    };
    console.finish();
    match result {
        Ok(summary) => {
            let s = &summary.counts;
            if let Some(st) = &summary.state {
                let i = &st.inputs;
                eprintln!(
                    "callscore: results of run {} in {}",
                    summary.run_id,
                    out.join(&st.folder).display()
                );
                eprintln!(
                    "callscore: inputs: {} new, {} changed, {} retried, {} re-scored, {} unchanged, {} kept with another pack, {} missing ({} forgotten){}",
                    i.new,
                    i.changed,
                    i.retried,
                    i.rescored,
                    i.unchanged,
                    i.kept_other_pack,
                    i.missing,
                    i.forgotten,
                    if st.resumed > 0 {
                        format!("; resumed {} time(s)", st.resumed)
                    } else {
                        String::new()
                    }
                );
            } else if out.as_os_str() != "-" {
                eprintln!(
                    "callscore: results of run {} in {}",
                    summary.run_id,
                    out.display()
                );
            }
            eprintln!(
                "callscore: {} inputs found = {} scored + {} with errors; {} calls scored, {} error records{}; rules {} ({})",
                s.inputs_found,
                s.inputs_scored,
                s.inputs_errored,
                s.calls_scored,
                s.errors,
                notes(s),
                pack.label(),
                &pack.hash[..12]
            );
            let code = if s.inputs_errored > 0 && !args.input_errors_ok {
                Exit::SomeInputsFailed
            } else {
                Exit::Ok
            };
            match &args.load_into {
                None => code,
                Some(url) => {
                    let db = super::load::DbArgs {
                        into: (!url.is_empty()).then(|| url.clone()),
                        schema: args.load_schema.clone(),
                        reload: false,
                    };
                    // With --state, the state folder: this run's folder and any older
                    // folder it rewrote (runs unchanged since their last load are
                    // skipped).
                    match super::load::into(std::slice::from_ref(&out), &db) {
                        Exit::Ok => code,
                        failed => failed,
                    }
                }
            }
        }
        // `run --out - | head`: the reader has what it wanted; a normal end, as with
        // ripgrep, and nothing to say.
        Err(crate::run::RunError::Closed) => Exit::Ok,
        Err(e @ crate::run::RunError::StateBusy { .. }) => {
            eprintln!("callscore: {e}");
            Exit::Busy
        }
        Err(e @ crate::run::RunError::NoInputs { .. }) => {
            eprintln!("callscore: {e}");
            eprintln!(
                "  help: give transcript files or folders (extensions: {})",
                crate::input::TRANSCRIPT_EXTENSIONS.join(", ")
            );
            Exit::Fatal
        }
        Err(e) => {
            eprintln!("callscore: {e}");
            Exit::Fatal
        }
    }
}
