//! `callscore check`: report every problem in a rule pack.

use super::Exit;
use crate::diagnostic::{DiagCode, Severity};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum DiagFormat {
    /// `path:line:col: severity[code]: message`, the offending line and a caret.
    Full,
    /// One line per diagnostic.
    Concise,
    /// One JSON object per line.
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The rule pack folder (or one .toml file).
    #[arg(long, default_value = "rules")]
    rules: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiagFormat::Full)]
    format: DiagFormat,
    /// Print what a diagnostic code (e.g. `unknown-key`) means, and exit.
    #[arg(long, value_name = "CODE")]
    explain: Option<String>,
}

pub(crate) fn check(args: CheckArgs) -> Exit {
    if let Some(name) = &args.explain {
        return explain(name);
    }
    let checked = match crate::rules::load_pack(&args.rules) {
        Ok(c) => c,
        Err(e) => {
            eprintln!(
                "callscore: cannot load rule pack {}: {e}",
                args.rules.display()
            );
            return Exit::Fatal;
        }
    };
    for d in &checked.diagnostics {
        match args.format {
            DiagFormat::Full => println!("{}\n", d.render_full(&checked.sources)),
            DiagFormat::Concise => println!("{}", d.render_concise(&checked.sources)),
            DiagFormat::Json => println!("{}", d.to_json(&checked.sources)),
        }
    }
    let errors = checked.error_count();
    let warnings = checked
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    match &checked.pack {
        Some(p) => {
            eprintln!(
                "{}: ok — {} items in {} sections, {} drivers, {} phrases, {} regexes ({} warning(s))",
                p.label(),
                p.items.len(),
                p.sections.len(),
                p.drivers.len(),
                p.pattern_count,
                p.tables.regexes.len(),
                warnings
            );
            Exit::Ok
        }
        None => {
            eprintln!("{} error(s), {} warning(s)", errors, warnings);
            Exit::Fatal
        }
    }
}

/// `check --explain CODE`: the code's severity and meaning, from the code registry.
fn explain(name: &str) -> Exit {
    match DiagCode::from_name(name) {
        Some(code) => {
            println!(
                "{} ({}): {}",
                code.as_str(),
                code.severity().as_str(),
                code.explanation()
            );
            Exit::Ok
        }
        None => {
            let all: Vec<&str> = DiagCode::ALL.iter().map(|c| c.as_str()).collect();
            eprintln!("callscore: no diagnostic code is called '{name}'");
            eprintln!("  help: the codes are: {}", all.join(", "));
            Exit::Fatal
        }
    }
}
