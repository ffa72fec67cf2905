//! `callscore explain FILE`: one call, turn by turn, with its scorecard and why.

use super::Exit;
use crate::explain::{explain_call, render_text};
use crate::score::ScoreOptions;
use crate::transcript::read::{MetadataTable, ReadOptions};
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

/// Most calls explained at once when `--call` is not given.
const MAX_CALLS_WITHOUT_ID: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum TextOrJson {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    /// One transcript file (any supported format).
    file: PathBuf,
    /// Which call of a file that holds several (default: all, up to 5).
    #[arg(long = "call")]
    call: Option<String>,
    /// The rule pack folder (or one .toml file).
    #[arg(long, default_value = "rules")]
    rules: PathBuf,
    /// Output: text for people, json for tools (the record plus per-turn hits).
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
    /// Colour: auto = only when stdout is a terminal and NO_COLOR is not set.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    color: ColorWhen,
    /// Show card numbers, phone numbers, ids and e-mails (default: redacted).
    #[arg(long)]
    no_redact: bool,
    /// Side CSV of metadata joined on call_id (repeatable).
    #[arg(long)]
    metadata: Vec<PathBuf>,
    /// Force an input encoding instead of detecting it (e.g. gbk, utf-16le).
    #[arg(long)]
    encoding: Option<String>,
    /// Largest file read, in MiB.
    #[arg(long, default_value_t = 512)]
    max_file_size: u64,
}

pub(crate) fn explain(args: ExplainArgs) -> Exit {
    let encoding = match &args.encoding {
        Some(label) => match encoding_rs::Encoding::for_label(label.as_bytes()) {
            Some(e) => Some(e),
            None => {
                eprintln!(
                    "callscore: unknown encoding '{label}'; use a WHATWG label such as utf-8, gbk, utf-16le"
                );
                return Exit::Fatal;
            }
        },
        None => None,
    };
    if !args.file.is_file() {
        eprintln!(
            "callscore: cannot read {}: {}",
            args.file.display(),
            if args.file.exists() {
                "not a file (explain takes one transcript file; use `callscore run` for folders)"
            } else {
                "no such file"
            }
        );
        return Exit::Fatal;
    }
    let Some(pack) = super::load_pack_or_report(&args.rules) else {
        return Exit::Fatal;
    };
    let mut meta = MetadataTable::default();
    // Explicit --metadata first (its rows win), then metadata CSVs near the file.
    let near = crate::run::metadata_near(&args.file);
    for p in args.metadata.iter().chain(near.iter()) {
        match MetadataTable::load(p) {
            Ok(t) => meta.extend(t),
            Err(e) => {
                eprintln!("callscore: {e}");
                return Exit::Fatal;
            }
        }
    }
    let read_opts = ReadOptions {
        encoding,
        ..Default::default()
    };
    let (calls, errors, _) = crate::run::read_file(
        &args.file,
        &read_opts,
        args.max_file_size.saturating_mul(1 << 20),
    );
    for e in &errors {
        eprintln!("callscore: {e}");
    }
    if calls.is_empty() {
        eprintln!(
            "callscore: no call could be read from {}; nothing to explain",
            args.file.display()
        );
        return Exit::Fatal;
    }
    let ids = |calls: &[crate::transcript::Call]| {
        let shown: Vec<&str> = calls.iter().take(20).map(|c| c.call_id.as_str()).collect();
        let more = if calls.len() > 20 {
            format!(", … ({} in all)", calls.len())
        } else {
            String::new()
        };
        format!("{}{more}", shown.join(", "))
    };
    let selected: Vec<crate::transcript::Call> = match &args.call {
        Some(id) => {
            let found: Vec<_> = calls.iter().filter(|c| &c.call_id == id).cloned().collect();
            if found.is_empty() {
                eprintln!(
                    "callscore: no call with id \"{id}\" in {}; its calls: {}",
                    args.file.display(),
                    ids(&calls)
                );
                return Exit::Fatal;
            }
            found
        }
        None if calls.len() > MAX_CALLS_WITHOUT_ID => {
            eprintln!(
                "callscore: {} holds {} calls; pick one with --call ID: {}",
                args.file.display(),
                calls.len(),
                ids(&calls)
            );
            return Exit::Fatal;
        }
        None => calls,
    };
    let opts = ScoreOptions {
        redact: !args.no_redact,
    };
    let color = match args.color {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
        }
    };
    let mut out = String::new();
    for (i, mut call) in selected.into_iter().enumerate() {
        if call.turns.is_empty() {
            eprintln!("callscore: {}", crate::run::empty_call_error(&call));
            continue;
        }
        crate::run::prepare_call(&meta, &mut call);
        let ex = explain_call(&pack, &call, opts);
        match args.format {
            TextOrJson::Json => {
                out.push_str(&serde_json::to_string(&ex).unwrap_or_default());
                out.push('\n');
            }
            TextOrJson::Text => {
                if i > 0 {
                    out.push_str(&format!("\n{}\n\n", "─".repeat(72)));
                }
                out.push_str(&render_text(&pack, &call, &ex, opts.redact, color));
            }
        }
    }
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("callscore: cannot write output: {e}");
        return Exit::Fatal;
    }
    Exit::Ok
}
