//! `callscore gen`: write a synthetic corpus, its truth file and (optionally) the rule
//! pack the truth refers to. See [`crate::r#gen`].

use super::Exit;
use crate::r#gen::{GenOptions, Lang, default_truth_path, generate};
use crate::transcript::Format;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub(crate) struct GenArgs {
    /// Number of calls to generate.
    #[arg(long)]
    calls: u64,
    /// Output folder (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// PRNG seed: the same seed writes byte-identical output.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Languages, comma-separated (en, zh, fa).
    #[arg(long, default_value = "en,zh,fa", value_delimiter = ',', value_parser = parse_lang)]
    languages: Vec<Lang>,
    /// Formats, comma-separated: native_jsonl, native_json, aws_transcribe, contact_lens,
    /// google_ccai, whisper, webvtt, srt, plain_text, chat_csv.
    #[arg(long, default_value = "native_jsonl,native_json,aws_transcribe,contact_lens,google_ccai,whisper,webvtt,srt,plain_text,chat_csv", value_delimiter = ',', value_parser = parse_format)]
    formats: Vec<Format>,
    /// Also write the generator's rule pack (the truth is computed against it) here.
    #[arg(long)]
    rules_out: Option<PathBuf>,
    /// Grow the written pack to about this many phrases with load-only `scale` items.
    #[arg(long, default_value_t = 0)]
    phrases: usize,
    /// Add this many load-only regex items to the written pack.
    #[arg(long, default_value_t = 0)]
    regexes: usize,
    /// Calls per file for native_jsonl and chat_csv.
    #[arg(long, default_value_t = 1000)]
    calls_per_file: u64,
    /// Truth file (default: OUT.truth.jsonl beside the output folder).
    #[arg(long)]
    truth: Option<PathBuf>,
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| format!("unknown language '{s}'; use en, zh or fa"))
}

fn parse_format(s: &str) -> Result<Format, String> {
    Format::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
        format!("unknown format '{s}'; use one of {}", names.join(", "))
    })
}

pub(crate) fn run_gen(args: GenArgs) -> Exit {
    let truth = args
        .truth
        .clone()
        .unwrap_or_else(|| default_truth_path(&args.out));
    let opts = GenOptions {
        calls: args.calls,
        out: args.out.clone(),
        seed: args.seed,
        languages: args.languages,
        formats: args.formats,
        rules_out: args.rules_out.clone(),
        phrases: args.phrases,
        regexes: args.regexes,
        calls_per_file: args.calls_per_file,
        truth: Some(truth),
    };
    match generate(&opts) {
        Ok(s) => {
            let mb = s.bytes as f64 / 1e6;
            eprintln!(
                "callscore gen: {} calls in {} files, {} bytes ({:.1} MB) in {}; {:.2} s ({:.1} MB/s)",
                s.calls,
                s.files,
                s.bytes,
                mb,
                args.out.display(),
                s.seconds,
                if s.seconds > 0.0 { mb / s.seconds } else { 0.0 }
            );
            eprintln!("callscore gen: truth in {}", s.truth.display());
            if let Some(r) = &args.rules_out {
                eprintln!("callscore gen: rule pack in {}", r.display());
            }
            Exit::Ok
        }
        Err(e) => {
            eprintln!("callscore gen: cannot write the corpus: {e}");
            Exit::Fatal
        }
    }
}
