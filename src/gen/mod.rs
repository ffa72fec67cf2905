//! Synthetic corpus generator (`callscore gen`): realistic contact-center conversations
//! in English, Chinese and Persian, written in every input format callscore reads, with
//! the exact expected result of every core scorecard item and driver (the truth file),
//! and the rule pack that truth refers to.
//!
//! - [`pack`]: the generator's rule pack (core items, drivers, lexicons) and the
//!   scaling items of `--phrases` / `--regexes`;
//! - [`script`]: the plan of one call (which items pass or fail, and how) and its turns,
//!   timeline and metadata;
//! - [`write`]: one writer per format, the `metadata.csv` sidecar;
//! - [`truth`]: the truth file lines.
//!
//! Layout of the output folder: `DIR/<format>/…` (native JSON Lines and chat CSV hold
//! `--calls-per-file` calls per file, every other format one call per file in folders of
//! 1000) and `DIR/metadata.csv` (metadata of every call whose format carries none,
//! joined on `call_id` by the runner). The truth file is written **beside** the folder
//! (`DIR.truth.jsonl` unless `--truth` says otherwise) so that `callscore run DIR` does
//! not try to read it as a transcript.
//!
//! Determinism: call `i` is generated from its own PRNG stream keyed by (seed, i), and
//! outputs are written in a fixed order, so a seed gives byte-identical output at any
//! thread count. Call `i` has format `formats[i % F]` and language
//! `languages[(i / F) % L]`, so every format gets every language.

mod bank;
mod json;
pub mod pack;
mod rng;
pub mod script;
pub mod truth;
pub mod write;

use crate::transcript::Format;
use rayon::prelude::*;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// A language the generator writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En = 0,
    /// Simplified Chinese.
    Zh = 1,
    /// Persian.
    Fa = 2,
}

impl Lang {
    /// All languages.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Zh, Lang::Fa];

    /// `en`, `zh`, `fa`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
            Lang::Fa => "fa",
        }
    }

    /// Parse a language code.
    pub fn parse(s: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == s.trim())
    }
}

/// What the generator needs to know about each input format it writes
/// ([`Format`] itself is the reader's enum; the names are [`Format::as_str`]).
pub(crate) trait GenFormat {
    /// Short prefix of call ids.
    fn short(self) -> &'static str;
    /// File extension.
    fn extension(self) -> &'static str;
    /// Several calls per file.
    fn grouped(self) -> bool;
    /// Carries its own metadata (no sidecar row needed).
    fn has_metadata(self) -> bool;
}

impl GenFormat for Format {
    fn short(self) -> &'static str {
        match self {
            Format::NativeJsonl => "nl",
            Format::NativeJson => "nj",
            Format::AwsTranscribe => "aws",
            Format::ContactLens => "cl",
            Format::GoogleCcai => "ccai",
            Format::Whisper => "wx",
            Format::Webvtt => "vtt",
            Format::Srt => "srt",
            Format::PlainText => "txt",
            Format::ChatCsv => "csv",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::NativeJsonl => "jsonl",
            Format::Webvtt => "vtt",
            Format::Srt => "srt",
            Format::PlainText => "txt",
            Format::ChatCsv => "csv",
            _ => "json",
        }
    }

    fn grouped(self) -> bool {
        matches!(self, Format::NativeJsonl | Format::ChatCsv)
    }

    fn has_metadata(self) -> bool {
        matches!(self, Format::NativeJsonl | Format::NativeJson)
    }
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct GenOptions {
    /// Number of calls.
    pub calls: u64,
    /// Output folder.
    pub out: PathBuf,
    /// PRNG seed.
    pub seed: u64,
    /// Languages (calls cycle through them).
    pub languages: Vec<Lang>,
    /// Formats (calls cycle through them).
    pub formats: Vec<Format>,
    /// Write the rule pack here.
    pub rules_out: Option<PathBuf>,
    /// Target number of phrases in the written pack.
    pub phrases: usize,
    /// Number of scaling regex items.
    pub regexes: usize,
    /// Calls per file for native JSON Lines and chat CSV.
    pub calls_per_file: u64,
    /// Truth file (default: `<out>.truth.jsonl` beside the output folder).
    pub truth: Option<PathBuf>,
}

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct GenSummary {
    /// Calls generated.
    pub calls: u64,
    /// Files written (transcripts and the metadata sidecar; not the truth file).
    pub files: u64,
    /// Bytes written in the output folder.
    pub bytes: u64,
    /// Where the truth went.
    pub truth: PathBuf,
    /// Seconds taken.
    pub seconds: f64,
}

/// The default truth path for an output folder: `DIR.truth.jsonl` beside it.
pub fn default_truth_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "corpus".into());
    out.with_file_name(format!("{name}.truth.jsonl"))
}

/// One output file's worth of calls.
#[derive(Clone, Copy)]
struct Unit {
    f: usize,
    /// First index within the format, and how many.
    first: u64,
    count: u64,
}

struct UnitOut {
    path: String,
    data: Vec<u8>,
    truth: Vec<u8>,
    meta: Vec<u8>,
}

/// Calls per parallel batch.
const BATCH_CALLS: u64 = 8192;
/// Scaling phrases the filler draws product names from (per language).
const PRODUCT_RANGE: usize = 200;

/// Generate the corpus (and the pack, if asked).
pub fn generate(opts: &GenOptions) -> io::Result<GenSummary> {
    let started = Instant::now();
    if opts.formats.is_empty() || opts.languages.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "at least one format and one language are needed",
        ));
    }
    if let Some(dir) = &opts.rules_out {
        pack::write_pack(dir, opts.phrases, opts.regexes)?;
    }
    std::fs::create_dir_all(&opts.out)?;
    let truth_path = opts
        .truth
        .clone()
        .unwrap_or_else(|| default_truth_path(&opts.out));
    let mut truth = BufWriter::with_capacity(1 << 20, std::fs::File::create(&truth_path)?);
    let nf = opts.formats.len() as u64;
    let k = opts.calls_per_file.max(1);
    let mut summary = GenSummary {
        truth: truth_path.clone(),
        ..Default::default()
    };
    let needs_sidecar = opts.formats.iter().any(|f| !f.has_metadata());
    let mut sidecar = if needs_sidecar {
        let mut w = BufWriter::with_capacity(
            1 << 20,
            std::fs::File::create(opts.out.join("metadata.csv"))?,
        );
        let mut header = Vec::new();
        write::metadata_header(&mut header)?;
        w.write_all(&header)?;
        summary.files += 1;
        summary.bytes += header.len() as u64;
        Some(w)
    } else {
        None
    };

    // Units, format by format.
    let mut units = Vec::new();
    for (fi, f) in opts.formats.iter().enumerate() {
        let n = (opts.calls + nf - 1 - fi as u64) / nf;
        let per = if f.grouped() { k } else { 1 };
        let mut j = 0;
        while j < n {
            let count = per.min(n - j);
            units.push(Unit {
                f: fi,
                first: j,
                count,
            });
            j += count;
        }
    }

    // Generate batches of calls in parallel (one task per call); a writer thread writes
    // the previous batch meanwhile, in unit order.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<UnitOut>>(2);
    let out_dir = opts.out.clone();
    let writer = std::thread::spawn(move || -> io::Result<(u64, u64)> {
        let mut made_dirs: std::collections::HashSet<PathBuf> = Default::default();
        let (mut files, mut bytes) = (0u64, 0u64);
        for batch in rx {
            for o in batch {
                let path = out_dir.join(&o.path);
                if let Some(parent) = path.parent()
                    && !made_dirs.contains(parent)
                {
                    std::fs::create_dir_all(parent)?;
                    made_dirs.insert(parent.to_path_buf());
                }
                std::fs::write(&path, &o.data)?;
                files += 1;
                bytes += o.data.len() as u64;
                truth.write_all(&o.truth)?;
                if let Some(s) = sidecar.as_mut() {
                    s.write_all(&o.meta)?;
                    bytes += o.meta.len() as u64;
                }
            }
        }
        truth.flush()?;
        if let Some(s) = sidecar.as_mut() {
            s.flush()?;
        }
        Ok((files, bytes))
    });
    let mut at = 0;
    while at < units.len() {
        let mut end = at;
        let mut calls = 0;
        while end < units.len() && (calls < BATCH_CALLS || end == at) {
            calls += units[end].count;
            end += 1;
        }
        let tasks: Vec<(usize, u64)> = (at..end)
            .flat_map(|u| {
                let (first, count) = (units[u].first, units[u].count);
                (0..count).map(move |k| (u, first + k))
            })
            .collect();
        let parts: Vec<CallOut> = tasks
            .par_iter()
            .map(|&(u, j)| make_call(opts, units[u], j))
            .collect::<io::Result<_>>()?;
        let mut outs = Vec::with_capacity(end - at);
        let mut it = parts.into_iter();
        for u in &units[at..end] {
            let mut o = UnitOut {
                path: String::new(),
                data: Vec::new(),
                truth: Vec::new(),
                meta: Vec::new(),
            };
            if opts.formats[u.f] == Format::ChatCsv {
                write::chat_csv_header(&mut o.data)?;
            }
            for _ in 0..u.count {
                let Some(c) = it.next() else { break };
                if o.path.is_empty() {
                    o.path = c.path;
                }
                o.data.extend_from_slice(&c.data);
                o.truth.extend_from_slice(&c.truth);
                o.meta.extend_from_slice(&c.meta);
            }
            outs.push(o);
        }
        summary.calls += calls;
        if tx.send(outs).is_err() {
            break; // the writer stopped on an error, reported by join below
        }
        at = end;
    }
    drop(tx);
    let (files, bytes) = writer
        .join()
        .map_err(|_| io::Error::other("writer thread panicked"))??;
    summary.files += files;
    summary.bytes += bytes;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// One call's bytes.
struct CallOut {
    path: String,
    data: Vec<u8>,
    truth: Vec<u8>,
    meta: Vec<u8>,
}

fn make_call(opts: &GenOptions, u: Unit, j: u64) -> io::Result<CallOut> {
    let nf = opts.formats.len() as u64;
    let nl = opts.languages.len() as u64;
    let format = opts.formats[u.f];
    let i = u.f as u64 + nf * j;
    let lang = opts.languages[(j % nl) as usize];
    let c = script::generate_call(opts.seed, i, format, lang, nf * nl, PRODUCT_RANGE);
    let mut out = CallOut {
        path: String::new(),
        data: Vec::with_capacity(4096),
        truth: Vec::with_capacity(700),
        meta: Vec::new(),
    };
    let data = &mut out.data;
    match format {
        Format::NativeJsonl => {
            write::native_line(data, &c)?;
            data.push(b'\n');
        }
        Format::NativeJson => write::native_json(data, &c)?,
        Format::AwsTranscribe => write::aws(data, &c)?,
        Format::ContactLens => write::contact_lens(data, &c)?,
        Format::GoogleCcai => write::ccai(data, &c)?,
        Format::Whisper => write::whisper(data, &c)?,
        Format::Webvtt => write::webvtt(data, &c),
        Format::Srt => write::srt(data, &c),
        Format::PlainText => write::plain(data, &c),
        Format::ChatCsv => write::chat_csv_rows(data, &c)?,
    }
    if !format.has_metadata() {
        write::metadata_row(&mut out.meta, &c)?;
    }
    truth::truth_line(&mut out.truth, &c)?;
    if j == u.first {
        out.path = if format.grouped() {
            let prefix = if format == Format::ChatCsv {
                "chats"
            } else {
                "part"
            };
            format!(
                "{}/{prefix}-{:05}.{}",
                format.as_str(),
                u.first / opts.calls_per_file.max(1),
                format.extension()
            )
        } else {
            write::single_path(&c, j)
        };
    }
    Ok(out)
}
