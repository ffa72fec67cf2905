//! `callscore diff --rules OLD --rules-new NEW [PATH...]`: what shipping NEW would change.

use super::Exit;
use super::args::InputArgs;
use super::explain::TextOrJson;
use crate::diff::{Plan, Report, compare_call};
use crate::matcher::Scan;
use crate::run::{Batch, RunError, RunOptions};
use crate::score::ScoreOptions;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub(crate) struct DiffArgs {
    /// Transcript files or folders (walked), or `-` for stdin (JSON Lines, or one
    /// transcript of any format).
    #[arg(default_value = "corpus")]
    paths: Vec<PathBuf>,
    /// The pack in use now.
    #[arg(long, default_value = "rules")]
    rules: PathBuf,
    /// The pack you would ship instead.
    #[arg(long = "rules-new")]
    rules_new: PathBuf,
    /// Also write diff.txt and diff.json into this folder.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Example calls kept per change.
    #[arg(long, default_value_t = 3)]
    examples: usize,
    /// Report format on stdout.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
    /// Worker threads (default: all cores).
    #[arg(long, default_value_t = 0)]
    threads: usize,
    #[command(flatten)]
    input: InputArgs,
    /// Keep card numbers, phone numbers, ids and e-mails in examples and error messages
    /// (default: replaced by [CARD], [PHONE], [ID], [EMAIL], [NUMBER]; docs/privacy.md).
    #[arg(long)]
    no_redact: bool,
}

pub(crate) fn diff(args: DiffArgs) -> Exit {
    let Some(old) = super::load_pack_or_report(&args.rules) else {
        return Exit::Fatal;
    };
    let Some(new) = super::load_pack_or_report(&args.rules_new) else {
        return Exit::Fatal;
    };
    // The report folder is never read back as input.
    let exclude = args.out.iter().cloned().collect();
    let input = match args.input.options(args.paths.clone(), exclude) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("callscore: {e}");
            return Exit::Fatal;
        }
    };
    let opts = RunOptions {
        input,
        out: PathBuf::from("-"),
        threads: args.threads,
        // Example calls quote their reasons: build every item's.
        score: ScoreOptions {
            redact: !args.no_redact,
            evidence: crate::record::EvidenceLevel::All,
        },
        progress: false,
        max_stderr_errors: 20,
        run_id: None,
        parquet: false,
    };
    let plan = Plan::new(&old, &new);
    let mut report = Report::new(&plan, &old, &new, args.examples);
    let started = std::time::Instant::now();
    let result = Batch::new(&opts).and_then(|mut batch| {
        let mut shown = 0usize;
        batch.for_each(
            || (Scan::new(&old), Scan::new(&new)),
            |scans, call| compare_call(&plan, &old, &new, scans, call, opts.score),
            |_, unit| {
                for e in &unit.errors {
                    if shown < opts.max_stderr_errors {
                        eprintln!("callscore: {e}");
                    }
                    shown += 1;
                }
                report.input_errors += unit.errors.len() as u64;
                for d in &unit.calls {
                    report.add(d);
                }
                Ok::<(), RunError>(())
            },
        )?;
        Ok(batch)
    });
    let batch = match result {
        Ok(b) => b,
        Err(e) => {
            eprintln!("callscore: {e}");
            return Exit::Fatal;
        }
    };
    let text = report.render_text();
    let json = report.render_json();
    if let Some(dir) = &args.out {
        let written = std::fs::create_dir_all(dir)
            .and_then(|_| std::fs::write(dir.join("diff.txt"), &text))
            .and_then(|_| std::fs::write(dir.join("diff.json"), &json));
        if let Err(e) = written {
            eprintln!("callscore: cannot write output in {}: {e}", dir.display());
            return Exit::Fatal;
        }
    }
    let out = match args.format {
        TextOrJson::Text => &text,
        TextOrJson::Json => &json,
    };
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("callscore: cannot write output: {e}");
        return Exit::Fatal;
    }
    let s = &batch.summary;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "callscore: {} inputs found = {} compared + {} with errors; {} calls scored with both packs in {:.1} s ({:.0} calls/s, {} threads)",
        s.inputs_found,
        s.inputs_scored,
        s.inputs_errored,
        s.calls_scored,
        secs,
        if secs > 0.0 {
            s.calls_scored as f64 / secs
        } else {
            0.0
        },
        batch.threads()
    );
    Exit::Ok
}
