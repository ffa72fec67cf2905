//! Command-line interface: argument parsing (clap derive), one module per subcommand,
//! and the documented exit codes.

mod args;
mod check;
mod diff;
mod explain;
mod r#gen;
mod load;
mod merge;
mod progress;
mod report;
mod run;
mod schema;
mod suggest;
mod test;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Exit codes (also documented in README.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// Everything found was scored (or: the pack has no errors).
    Ok = 0,
    /// Fatal: bad rules, bad arguments, unwritable output — nothing was scored.
    Fatal = 2,
    /// The run finished but some inputs could not be read (see errors.jsonl).
    SomeInputsFailed = 3,
    /// `callscore test`: some rule examples did not give the expected result.
    TestsFailed = 4,
    /// `run --state`: another run holds the state folder; nothing was done.
    Busy = 5,
    /// `load`, `run --load-into`: the database load failed and was rolled back (the
    /// run's files are published and unchanged).
    LoadFailed = 6,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

/// Full-coverage auto-QA for contact-center transcripts.
#[derive(Debug, Parser)]
#[command(name = "callscore", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Score every transcript under PATH... against a rule pack.
    Run(run::RunArgs),
    /// Check a rule pack and print every error and warning.
    Check(check::CheckArgs),
    /// Run the examples written beside every item and driver.
    Test(test::TestArgs),
    /// Write a synthetic corpus with its truth file (and the rule pack it was planted for).
    Gen(r#gen::GenArgs),
    /// Explain one call: the transcript with every rule hit, the scorecard and why.
    Explain(explain::ExplainArgs),
    /// What shipping a new rule pack would change on a corpus (old vs new, per item).
    Diff(diff::DiffArgs),
    /// Dashboard tables (CSV) and dashboard.html from the aggregates of one or more runs.
    Report(report::ReportArgs),
    /// Merge shard or executor outputs (run folders) into one run folder.
    Merge(merge::MergeArgs),
    /// Print a JSON Schema: `record` (a calls.jsonl line), `call` (native input), `rules`
    /// (a rule file), `summary` (summary.json), `manifest` (manifest.json).
    Schema(schema::SchemaArgs),
    /// Load run folders (or every run of a state folder) into PostgreSQL, in one
    /// transaction, with upserts (docs/postgres.md).
    Load(load::LoadArgs),
    /// Mine a rule pack (drivers) or lexicon terms (sentiment) from labelled texts, with a
    /// held-out report, for review.
    Suggest(suggest::SuggestArgs),
}

/// Parse arguments and run; returns the process exit code.
pub fn main() -> ExitCode {
    // Per-input panics are caught by the runner and written as error records; keep the
    // terminal to one line per panic instead of a backtrace per worker.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("callscore: internal error (please report): {info}");
    }));
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Fatal.into()
            } else {
                Exit::Ok.into()
            };
        }
    };
    let code = match cli.command {
        Command::Run(a) => run::run(a),
        Command::Check(a) => check::check(a),
        Command::Test(a) => test::test(a),
        Command::Gen(a) => r#gen::run_gen(a),
        Command::Explain(a) => explain::explain(a),
        Command::Diff(a) => diff::diff(a),
        Command::Report(a) => report::report(a),
        Command::Merge(a) => merge::merge(a),
        Command::Schema(a) => schema::schema(a),
        Command::Suggest(a) => suggest::suggest(a),
        Command::Load(a) => load::load(a),
    };
    code.into()
}

/// Load and compile a pack, printing diagnostics to stderr. `None` when it has errors.
pub(crate) fn load_pack_or_report(dir: &std::path::Path) -> Option<crate::rules::Pack> {
    let checked = match crate::rules::load_pack(dir) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("callscore: cannot load rule pack {}: {e}", dir.display());
            eprintln!(
                "  help: pass the folder of your rule files with --rules DIR (see rules/README.md)"
            );
            return None;
        }
    };
    for d in &checked.diagnostics {
        eprintln!("{}\n", d.render_full(&checked.sources));
    }
    if checked.pack.is_none() {
        eprintln!(
            "callscore: the rule pack {} has {} error(s); no transcript was read. Fix them and run `callscore check --rules {}`.",
            dir.display(),
            checked.error_count(),
            dir.display()
        );
    }
    checked.pack
}
