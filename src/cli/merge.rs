//! `callscore merge`: shard or executor outputs as one run folder.

use super::Exit;
use crate::merge::{MergeOptions, merge as merge_runs};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub(crate) struct MergeArgs {
    /// Run folders (`run --out DIR`, `run --shard K/N --out DIR`, a state's
    /// `runs/<id>`), state folders (all their runs), or aggregates files
    /// (`aggregates.json`, or the output of `run - --out -`: its aggregates lines).
    #[arg(required = true, value_name = "RUN_DIR")]
    inputs: Vec<PathBuf>,
    /// The merged run folder (published in one step, like a run's).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The merged run's id (default: the inputs' run id when they share one, e.g.
    /// shards started with the same --run-id; else a new one).
    #[arg(long, value_parser = parse_run_id)]
    run_id: Option<String>,
    /// Merge runs scored with different rule packs: their aggregates stay apart by pack
    /// (report shows one pack at a time) and each record keeps its pack stamp.
    #[arg(long)]
    allow_mixed_packs: bool,
}

fn parse_run_id(s: &str) -> Result<String, String> {
    crate::sink::check_run_id(s).map(|()| s.to_string())
}

pub(crate) fn merge(args: MergeArgs) -> Exit {
    let opts = MergeOptions {
        inputs: args.inputs,
        out: args.out,
        run_id: args.run_id,
        allow_mixed_packs: args.allow_mixed_packs,
    };
    match merge_runs(&opts) {
        Ok((summary, warnings)) => {
            for w in warnings {
                eprintln!("callscore: warning: {w}");
            }
            let c = &summary.counts;
            eprintln!(
                "callscore: merged {} runs into {} (run {}): {} calls, {} error records, {} inputs found = {} scored + {} with errors",
                summary.merged.as_ref().map_or(0, |m| m.runs.len()),
                opts.out.display(),
                summary.run_id,
                c.calls_scored,
                c.errors,
                c.inputs_found,
                c.inputs_scored,
                c.inputs_errored
            );
            if c.duplicate_call_ids > 0 {
                eprintln!(
                    "callscore: {} calls had a call id read before (listed in summary.json, duplicate_examples)",
                    c.duplicate_call_ids
                );
            }
            Exit::Ok
        }
        Err(e) => {
            eprintln!("callscore: {e}");
            eprintln!("  nothing was written; {} is as it was", opts.out.display());
            Exit::Fatal
        }
    }
}
