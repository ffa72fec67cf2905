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
    /// Output folder (calls.jsonl, calls.csv, errors.jsonl, summary.json), or `-` for stdout.
    #[arg(long, default_value = "out")]
    out: PathBuf,
    /// Cores to use (default: all). With 1, reading, scoring and writing run on one
    /// thread; with more, that many scoring workers plus a reader and a writer thread.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    #[command(flatten)]
    input: InputArgs,
    /// Keep card numbers, phone numbers, ids and e-mails in evidence (default: redacted).
    #[arg(long)]
    no_redact: bool,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

pub(crate) fn run(args: RunArgs) -> Exit {
    // The output folder is never read back as input (it may sit inside an input folder).
    let exclude = if args.out.as_os_str() == "-" {
        Vec::new()
    } else {
        vec![args.out.clone()]
    };
    let input = match args.input.options(args.paths.clone(), exclude) {
        Ok(i) => i,
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
        out: args.out.clone(),
        threads: args.threads,
        score: ScoreOptions {
            redact: !args.no_redact,
        },
        progress: !args.quiet,
        max_stderr_errors: 20,
    };
    match run_batch(&pack, &opts) {
        Ok(s) => {
            eprintln!(
                "callscore: {} inputs found = {} scored + {} with errors; {} calls scored, {} error records{}; rules {} ({})",
                s.inputs_found,
                s.inputs_scored,
                s.inputs_errored,
                s.calls_scored,
                s.errors,
                if s.files_skipped > 0 {
                    format!(
                        "; {} files skipped (not transcript extensions, e.g. {})",
                        s.files_skipped,
                        s.skipped_examples.join(", ")
                    )
                } else {
                    String::new()
                },
                pack.label(),
                &pack.hash[..12]
            );
            if args.out.as_os_str() != "-" {
                eprintln!("callscore: results in {}", args.out.display());
            }
            if s.inputs_found == 0 {
                eprintln!(
                    "callscore: no transcript was found; check the paths (supported extensions: {})",
                    crate::input::TRANSCRIPT_EXTENSIONS.join(", ")
                );
            }
            if s.inputs_errored > 0 {
                Exit::SomeInputsFailed
            } else {
                Exit::Ok
            }
        }
        Err(e) => {
            eprintln!("callscore: {e}");
            Exit::Fatal
        }
    }
}
