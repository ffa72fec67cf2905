//! Argument groups shared by several commands (`#[command(flatten)]`), so an option is
//! spelled, documented and applied the same way everywhere: [`InputArgs`] for every
//! command that reads transcripts (`run`, `explain`, `diff`), [`PackArgs`] for the rule
//! pack.

use crate::input::{InputOptions, defaults};
use crate::transcript::Speaker;
use clap::Args;
use std::path::PathBuf;

/// How transcripts are read (the paths are each command's own).
#[derive(Debug, Clone, Args)]
pub(crate) struct InputArgs {
    /// Side CSV of metadata joined on call_id (repeatable). CSVs with a call_id column
    /// found among the inputs are loaded too.
    #[arg(long, value_name = "FILE.csv")]
    pub metadata: Vec<PathBuf>,
    /// Map a speaker label to a role, e.g. `SPEAKER_01=agent` (repeatable).
    #[arg(long = "speaker-map", value_name = "LABEL=ROLE", value_parser = parse_speaker_map)]
    pub speaker_map: Vec<(String, Speaker)>,
    /// Force an input encoding instead of detecting it (e.g. gbk, utf-16le, windows-1256).
    #[arg(long, value_name = "LABEL", value_parser = parse_encoding)]
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// Default metadata for every call, e.g. `--meta channel=chat --meta site=berlin`
    /// (repeatable): fills only what the call and the side CSV leave empty; keys other
    /// than agent, team, queue, channel, started_at, customer_id, csat, nps,
    /// human_qa_score, self_score, language go to `extra`.
    #[arg(long = "meta", value_name = "KEY=VALUE", value_parser = defaults::parse_pair)]
    pub meta: Vec<(String, String)>,
    /// Largest input read whole, in MiB: a file, stdin read whole, a .gz file once
    /// decompressed (JSON Lines files are streamed record by record: see --max-line).
    #[arg(long, value_name = "MiB", default_value_t = 512, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_file_size: u64,
    /// Longest JSON Lines record, in MiB: a longer line is an error for that line, and
    /// the rest of the file is still read.
    #[arg(long, value_name = "MiB", default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_line: u64,
    /// Most turns one call may have; a call with more is an error.
    #[arg(long, value_name = "N", default_value_t = 200_000, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_turns: u64,
    /// Longest text of one turn, in MiB; a call with a longer turn is an error.
    #[arg(long, value_name = "MiB", default_value_t = 32, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_turn_length: u64,
}

impl InputArgs {
    /// The input options for `paths`, never reading `exclude` (an output folder).
    pub fn options(
        &self,
        paths: Vec<PathBuf>,
        exclude: Vec<PathBuf>,
    ) -> Result<InputOptions, String> {
        let mut o = InputOptions {
            paths,
            exclude,
            metadata: self.metadata.clone(),
            defaults: defaults::from_pairs(&self.meta)?,
            max_file_bytes: self.max_file_size.saturating_mul(1 << 20),
            max_line_bytes: self.max_line.saturating_mul(1 << 20),
            max_turns: usize::try_from(self.max_turns).unwrap_or(usize::MAX),
            max_turn_bytes: usize::try_from(self.max_turn_length.saturating_mul(1 << 20))
                .unwrap_or(usize::MAX),
            ..InputOptions::default()
        }
        .with_speaker_map(self.speaker_map.iter().cloned());
        o.read.encoding = self.encoding;
        Ok(o)
    }
}

/// The rule pack.
#[derive(Debug, Clone, Args)]
pub(crate) struct PackArgs {
    /// The rule pack folder (or one .toml file).
    #[arg(long, default_value = "rules")]
    pub rules: PathBuf,
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

fn parse_encoding(label: &str) -> Result<&'static encoding_rs::Encoding, String> {
    encoding_rs::Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
        format!(
            "unknown encoding '{label}'; use a WHATWG label such as utf-8, gbk, gb18030, utf-16le, windows-1256"
        )
    })
}
