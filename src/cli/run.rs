//! `callscore run`: the nightly batch.

use super::Exit;
use crate::run::{RunOptions, run as run_batch};
use crate::score::ScoreOptions;
use crate::transcript::Speaker;
use crate::transcript::read::ReadOptions;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// Transcript files or folders (walked), or `-` for JSON Lines on stdin.
    #[arg(default_value = "corpus")]
    paths: Vec<PathBuf>,
    /// The rule pack folder (or one .toml file).
    #[arg(long, default_value = "rules")]
    rules: PathBuf,
    /// Output folder (calls.jsonl, calls.csv, errors.jsonl, summary.json), or `-` for stdout.
    #[arg(long, default_value = "out")]
    out: PathBuf,
    /// Cores to use (default: all). With 1, reading, scoring and writing run on one
    /// thread; with more, that many scoring workers plus a reader and a writer thread.
    #[arg(long, default_value_t = 0)]
    threads: usize,
    /// Side CSV of metadata joined on call_id (repeatable). CSVs with a call_id column
    /// found among the inputs are loaded too.
    #[arg(long)]
    metadata: Vec<PathBuf>,
    /// Map a speaker label to a role, e.g. `SPEAKER_01=agent` (repeatable).
    #[arg(long = "speaker-map", value_parser = parse_speaker_map)]
    speaker_map: Vec<(String, Speaker)>,
    /// Force an input encoding instead of detecting it (e.g. gbk, utf-16le, windows-1256).
    #[arg(long)]
    encoding: Option<String>,
    /// Keep card numbers, phone numbers, ids and e-mails in evidence (default: redacted).
    #[arg(long)]
    no_redact: bool,
    /// Largest transcript file read whole, in MiB (JSON Lines are streamed without limit).
    #[arg(long, default_value_t = 512)]
    max_file_size: u64,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
    /// The run's id, written into every output file (default: the UTC start time and a
    /// random suffix, e.g. 20261206T043012Z-1a2b3c). Schedulers pass their own
    /// (an Airflow run id) to find a run's outputs later.
    #[arg(long, value_parser = parse_run_id)]
    run_id: Option<String>,
}

fn parse_run_id(s: &str) -> Result<String, String> {
    crate::sink::check_run_id(s).map(|()| s.to_string())
}

fn parse_speaker_map(s: &str) -> Result<(String, Speaker), String> {
    let (label, role) = s
        .split_once('=')
        .ok_or("expected LABEL=ROLE, e.g. SPEAKER_01=agent")?;
    let role = match role.trim().to_lowercase().as_str() {
        "agent" => Speaker::Agent,
        "customer" => Speaker::Customer,
        "other" => Speaker::Other,
        r => return Err(format!("unknown role '{r}'; use agent, customer or other")),
    };
    Ok((label.trim().to_string(), role))
}

pub(crate) fn run(args: RunArgs) -> Exit {
    let encoding = match &args.encoding {
        Some(label) => match encoding_rs::Encoding::for_label(label.as_bytes()) {
            Some(e) => Some(e),
            None => {
                eprintln!(
                    "callscore: unknown encoding '{label}'; use a WHATWG label such as utf-8, gbk, gb18030, utf-16le, windows-1256"
                );
                return Exit::Fatal;
            }
        },
        None => None,
    };
    let Some(pack) = super::load_pack_or_report(&args.rules) else {
        return Exit::Fatal;
    };
    let opts = RunOptions {
        inputs: args.paths,
        out: args.out.clone(),
        threads: args.threads,
        read: ReadOptions {
            speaker_map: args
                .speaker_map
                .into_iter()
                .map(|(k, v)| (k.to_lowercase(), v))
                .collect(),
            encoding,
        },
        metadata: args.metadata,
        score: ScoreOptions {
            redact: !args.no_redact,
        },
        max_file_bytes: args.max_file_size.saturating_mul(1 << 20),
        progress: !args.quiet,
        max_stderr_errors: 20,
        run_id: args.run_id,
    };
    let mut console = super::progress::Console::new(opts.progress, None, opts.max_stderr_errors);
    let result = run_batch(&pack, &opts, &mut console);
    console.finish();
    match result {
        Ok(summary) => {
            let s = &summary.counts;
            if args.out.as_os_str() != "-" {
                eprintln!(
                    "callscore: results of run {} in {}",
                    summary.run_id,
                    args.out.display()
                );
            }
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
            if s.inputs_errored > 0 {
                Exit::SomeInputsFailed
            } else {
                Exit::Ok
            }
        }
        // `run --out - | head`: the reader has what it wanted; a normal end, as with
        // ripgrep, and nothing to say.
        Err(crate::run::RunError::Closed) => Exit::Ok,
        Err(e @ crate::run::RunError::NoInputs { .. }) => {
            eprintln!("callscore: {e}");
            eprintln!(
                "  help: give transcript files or folders (extensions: {})",
                crate::run::TRANSCRIPT_EXTENSIONS.join(", ")
            );
            Exit::Fatal
        }
        Err(e) => {
            eprintln!("callscore: {e}");
            Exit::Fatal
        }
    }
}
