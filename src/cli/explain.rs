//! `callscore explain FILE`: one call, turn by turn, with its scorecard and why.

use super::Exit;
use super::args::{InputArgs, PackArgs};
use crate::explain::{explain_call, render_text};
use crate::input::{Inputs, MetadataTable, metadata_near};
use crate::score::ScoreOptions;
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};

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
    /// One transcript file (any supported format), or a `calls.jsonl` written by `run`
    /// with `--call ID` (the call's transcript is found from its record's `source`).
    file: PathBuf,
    /// Which call of a file that holds several (default: all, up to 5).
    #[arg(long = "call")]
    call: Option<String>,
    #[command(flatten)]
    pack: PackArgs,
    /// Output: text for people, json for tools (the record plus per-turn hits).
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
    /// Colour: auto = only when stdout is a terminal and NO_COLOR is not set.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    color: ColorWhen,
    /// Show card numbers, phone numbers, ids and e-mails (default: replaced by [CARD],
    /// [PHONE], [ID], [EMAIL], [NUMBER]; docs/privacy.md).
    #[arg(long)]
    no_redact: bool,
    #[command(flatten)]
    input: InputArgs,
}

/// When `file` is a `calls.jsonl` that callscore wrote (its first line is the
/// `{"type": "run"}` header), the transcript the call `id` was read from: a QA lead who
/// finds a call in the outputs (or a dashboard table) can explain it from there.
/// `Ok(None)` for any other file.
fn source_of_output_record(file: &Path, id: Option<&str>) -> Result<Option<PathBuf>, String> {
    use std::io::BufRead;
    let Ok(f) = std::fs::File::open(file) else {
        return Ok(None);
    };
    let mut lines = std::io::BufReader::new(f).lines();
    let is_output = lines
        .next()
        .and_then(|l| l.ok())
        .and_then(|l| serde_json::from_str::<serde_json::Value>(&l).ok())
        .is_some_and(|v| v["type"] == "run" && v["run_id"].is_string());
    if !is_output {
        return Ok(None);
    }
    let Some(id) = id else {
        return Err(format!(
            "{} holds callscore's results, not a transcript; name the call to explain with --call ID (the transcript is found from the record's source)",
            file.display()
        ));
    };
    for line in lines.map_while(Result::ok) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        if v["type"] != "call" || v["call_id"] != id {
            continue;
        }
        let source = v["source"].as_str().unwrap_or("");
        if source == "-" || source.is_empty() {
            return Err(format!(
                "call \"{id}\" was read from stdin; explain needs its transcript file"
            ));
        }
        return Ok(Some(PathBuf::from(source)));
    }
    Err(format!("no call with id \"{id}\" in {}", file.display()))
}

pub(crate) fn explain(mut args: ExplainArgs) -> Exit {
    match source_of_output_record(&args.file, args.call.as_deref()) {
        Ok(Some(source)) => {
            if !source.is_file() {
                eprintln!(
                    "callscore: the record names its transcript {}, which is not there (run explain from the folder the run was started in)",
                    source.display()
                );
                return Exit::Fatal;
            }
            args.file = source;
        }
        Ok(None) => {}
        Err(e) => {
            eprintln!("callscore: {e}");
            return Exit::Fatal;
        }
    }
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
    let Some(pack) = super::load_pack_or_report(&args.pack.rules) else {
        return Exit::Fatal;
    };
    // The file is read exactly as `run` reads it, through the input layer; the side
    // metadata `run` would find at the top of a corpus is looked up near the file
    // (explicit --metadata first: its rows win).
    // Tables near the file that do not load (a results TSV, a CSV without call_id) were
    // not asked for: they are left out, as `run` leaves out such tables it finds.
    let mut input = args.input.clone();
    input.metadata.extend(
        metadata_near(&args.file)
            .into_iter()
            .filter(|p| MetadataTable::load(p).is_ok()),
    );
    let inputs = match input
        .options(vec![args.file.clone()], Vec::new())
        .map_err(|e| e.to_string())
        .and_then(|o| {
            Inputs::open(o).map_err(|e| match e {
                crate::input::InputError::Metadata(mut e) if !args.no_redact => {
                    e.redact();
                    e.to_string()
                }
                e => e.to_string(),
            })
        }) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("callscore: {e}");
            return Exit::Fatal;
        }
    };
    let read = inputs.read_all();
    let (calls, mut errors) = (read.calls, read.errors);
    for e in &mut errors {
        if !args.no_redact {
            e.redact();
        }
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
        ..ScoreOptions::default()
    };
    let color = match args.color {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
        }
    };
    let mut out = String::new();
    for (i, call) in selected.into_iter().enumerate() {
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
