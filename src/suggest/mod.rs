//! `callscore suggest`: rules from labelled data, for a QA lead to review.
//!
//! Input: labelled texts ([`input`]: CSV / TSV / JSON Lines, or call ids joined to a
//! corpus). A share of them is held out by a hash of the text ([`heldout`]); the rest
//! are normalised as the matcher normalises and cut into candidate phrases ([`grams`]:
//! word n-grams, Chinese character n-grams, word stems when asked), counted once per
//! text and ranked by a
//! log-odds ratio with an informative prior ([`stats`]).
//!
//! - `--kind drivers` ([`drivers`]): per label, a short list of phrases that finds its
//!   texts and few others → a complete pack (`pack.toml`, `drivers.toml` with one
//!   driver per label and held-out examples, `tests/*.md`), then the held-out split is
//!   scored by the engine with that very pack for `report.md`.
//! - `--kind sentiment` ([`sentiment`]): weighted positive and negative terms →
//!   `sentiment/suggested.toml` and `report.md`.
//!
//! The output is deterministic: no clock, no randomness, every list sorted; the same
//! input gives byte-identical files at any thread count. The written pack is loaded
//! back and its examples and tests run before the command says it is done, so what it
//! writes passes `callscore check` and `callscore test` as it is.

pub mod drivers;
pub mod grams;
pub mod heldout;
pub mod input;
pub mod learn;
mod out;
mod report;
pub mod sentiment;
pub mod stats;
mod write;

use drivers::{DriverSettings, MinedPhrase, mine_label};
use grams::Lengths;
use heldout::{Found, evaluate, is_heldout, score_texts};
use input::{Columns, Labelled, RowError, read_labelled};
use learn::{LearnSettings, learn_mined};
use out::{Writer, load_written, prepare_out, self_test};
use sentiment::{Polarity, SentimentSettings, mine_terms, polarities};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Why `suggest` could not write a pack.
#[derive(Debug, thiserror::Error)]
pub enum SuggestError {
    /// No usable labelled row at all (with why each file or row was left out).
    #[error("no labelled text could be read")]
    NoRows(Vec<RowError>),
    /// The output folder is not empty.
    #[error("the output folder {0} is not empty")]
    OutNotEmpty(PathBuf),
    /// Writing failed.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// Sentiment labels that are not polarities.
    #[error("labels that are not a polarity: {0}")]
    Labels(String),
    /// Every text was held out, or no label had a phrase.
    #[error("{0}")]
    Nothing(String),
    /// The written pack does not load or its tests fail (a bug: please report).
    #[error("the written pack does not pass its own check: {0}")]
    SelfCheck(String),
}

impl SuggestError {
    /// What to do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            SuggestError::NoRows(_) => {
                "give CSV / TSV / JSON Lines files with a text and a label column (--text-column, --label-column)"
            }
            SuggestError::OutNotEmpty(_) => {
                "write to a new folder (its .toml files would be loaded with the pack)"
            }
            SuggestError::Write { .. } => "check the folder's permissions and free space",
            SuggestError::Labels(_) => {
                "sentiment labels are numbers (their sign; 0/1 for binary sets) or positive / negative / neutral"
            }
            SuggestError::Nothing(_) => {
                "give more labelled texts, lower --holdout, or lower --min-support"
            }
            SuggestError::SelfCheck(_) => "please report it with the input that caused it",
        }
    }
}

/// What to mine and how.
#[derive(Debug, Clone)]
pub struct SuggestOptions {
    /// Columns of the labelled files.
    pub columns: Columns,
    /// Labels that mean "no driver" (the empty label always does).
    pub none_labels: Vec<String>,
    /// Share of the texts held out (0 … 0.9).
    pub holdout: f64,
    /// Driver miner settings.
    pub drivers: DriverSettings,
    /// Settings of the driver weight learner.
    pub learn: LearnSettings,
    /// Sentiment miner settings.
    pub sentiment: SentimentSettings,
    /// Pack name (default: `suggested-drivers` / `suggested-sentiment`).
    pub name: Option<String>,
    /// Lexicon language (default: the script most texts are written in).
    pub language: Option<String>,
    /// Drivers: after measuring on the held-out texts, mine the pack written from every
    /// text (default true).
    pub refit: bool,
}

impl Default for SuggestOptions {
    fn default() -> Self {
        SuggestOptions {
            columns: Columns::default(),
            none_labels: vec!["out_of_scope".into(), "none".into()],
            holdout: 0.2,
            drivers: DriverSettings::default(),
            learn: LearnSettings::default(),
            sentiment: SentimentSettings::default(),
            name: None,
            language: None,
            refit: true,
        }
    }
}

/// What a run of `suggest` did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Rows left out, with why.
    pub errors: Vec<RowError>,
    /// Files written, relative to the output folder, in order.
    pub files: Vec<PathBuf>,
    /// Labelled texts used, and how many were held out.
    pub texts: (usize, usize),
    /// Drivers written (drivers) or terms written (sentiment).
    pub written: usize,
    /// The held-out headline: macro-F1 (drivers) or sign accuracy (sentiment).
    pub headline: f64,
}

/// Most words between the two words of a pair (`near … within`).
pub const NEAR_WITHIN: usize = 8;

/// Word n-grams of 1–3 words, word pairs (`near`), Chinese character n-grams of 2–4 characters: a driver
/// phrase of one Chinese character (卡, 钱) says too little. Stems only when asked
/// ([`DriverSettings::stems`]).
const DRIVER_LENGTHS: Lengths = Lengths {
    words: (1, 3),
    chars: (2, 4),
    pairs_within: Some(NEAR_WITHIN),
    stems: None,
};
/// Sentiment terms: 1–2 words, 2–3 characters (不错, 差评, 好吃: one character alone
/// is too ambiguous to review; 好 is also in 您好 and 好的).
const SENTIMENT_LENGTHS: Lengths = Lengths {
    words: (1, 2),
    chars: (2, 3),
    pairs_within: None,
    stems: None,
};

/// A driver id for a label: the label itself when ids may have all its characters,
/// else each other character replaced by `_`; then `-2`, `-3`… when two labels meet.
fn driver_id(label: &str, taken: &mut BTreeSet<String>) -> String {
    let base: String = label
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut id = base.clone();
    let mut n = 2;
    while !taken.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

fn source_name(files: &[PathBuf]) -> String {
    files
        .iter()
        .map(|f| {
            format!(
                "`{}`",
                f.file_name().map_or(f.display().to_string(), |n| n
                    .to_string_lossy()
                    .into_owned())
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The drivers to write for mined labels (those with at least one phrase), without
/// examples yet.
fn driver_outs<'a>(
    mined: &'a [(&'a str, u32, Vec<MinedPhrase>)],
    ids: &'a BTreeMap<&str, String>,
    learn: &LearnSettings,
) -> Vec<write::DriverOut<'a>> {
    let min_score = (learn.epochs > 0).then_some(learn.min_score);
    mined
        .iter()
        .filter(|m| !m.2.is_empty())
        .map(|(l, n, p)| write::DriverOut {
            id: &ids[l],
            label: l,
            description: format!(
                "Mined by callscore suggest from {n} texts labelled {l:?}; see report.md."
            ),
            phrases: p,
            min_score,
            hits: Vec::new(),
            misses: Vec::new(),
        })
        .collect()
}

/// Split rows into mining and held-out texts.
fn split(rows: &[Labelled], share: f64) -> (Vec<&Labelled>, Vec<&Labelled>) {
    rows.iter().partition(|r| !is_heldout(&r.text, share))
}

/// `suggest --kind drivers`: mine, write the pack, score the held-out split with it,
/// add examples and tests from the held-out texts, write the report.
pub fn suggest_drivers(
    files: &[PathBuf],
    opts: &SuggestOptions,
    out: &Path,
) -> Result<Outcome, SuggestError> {
    let read = read_labelled(files, &opts.columns);
    if read.rows.is_empty() {
        return Err(SuggestError::NoRows(read.errors));
    }
    prepare_out(out)?;
    let is_none = |l: &str| l.is_empty() || opts.none_labels.iter().any(|n| n == l);
    let (mining, held) = split(&read.rows, opts.holdout);
    if mining.is_empty() {
        return Err(SuggestError::Nothing("every text was held out".into()));
    }
    let labels: BTreeSet<&str> = read
        .rows
        .iter()
        .map(|r| r.label.as_str())
        .filter(|l| !is_none(l))
        .collect();
    let mut taken = BTreeSet::new();
    let ids: BTreeMap<&str, String> = labels
        .iter()
        .map(|l| (*l, driver_id(l, &mut taken)))
        .collect();
    // Every text is counted once; the mining texts are a subset of those counts.
    let all_texts: Vec<&str> = read.rows.iter().map(|r| r.text.as_str()).collect();
    let lengths = Lengths {
        stems: opts.drivers.stems,
        ..DRIVER_LENGTHS
    };
    let all_counts = stats::count(&all_texts, lengths);
    // Per label: its number of texts and its phrases, mined from `rows` (counted in
    // `counts`, in the same order).
    let mine_from = |rows: &[&Labelled], counts: &stats::Counts| {
        let mut mined = labels
            .iter()
            .map(|l| {
                let members: Vec<u32> = (0..rows.len() as u32)
                    .filter(|&i| rows[i as usize].label == *l)
                    .collect();
                let n = members.len() as u32;
                (
                    *l,
                    n,
                    mine_label(counts, &members, rows.len() as u32, &opts.drivers),
                )
            })
            .collect::<Vec<(&str, u32, Vec<MinedPhrase>)>>();
        learn_mined(&mut mined, rows, counts, &labels, &opts.learn);
        mined
    };
    let mining_idx: Vec<u32> = (0..read.rows.len() as u32)
        .filter(|&i| !is_heldout(&read.rows[i as usize].text, opts.holdout))
        .collect();
    let mined = mine_from(&mining, &all_counts.subset(&mining_idx));
    if mined.iter().all(|m| m.2.is_empty()) {
        return Err(SuggestError::Nothing(
            "no label has a phrase that passes the thresholds".into(),
        ));
    }
    let source = source_name(files);
    let name = opts
        .name
        .clone()
        .unwrap_or_else(|| "suggested-drivers".into());
    let mut w = Writer {
        out,
        files: Vec::new(),
    };
    w.put(
        "pack.toml",
        &write::pack_toml(
            &name,
            &format!(
                "Contact drivers mined by callscore suggest from {} labelled texts.",
                read.rows.len()
            ),
        ),
    )?;
    w.put(
        "drivers.toml",
        &write::drivers_toml(&source, &driver_outs(&mined, &ids, &opts.learn)),
    )?;
    let pack = load_written(out)?;

    // Held out: scored by the pack just written.
    let held_texts: Vec<&str> = held.iter().map(|r| r.text.as_str()).collect();
    let found = score_texts(&pack, &held_texts);
    let gold: Vec<Option<String>> = held
        .iter()
        .map(|r| (!is_none(&r.label)).then(|| ids[r.label.as_str()].clone()))
        .collect();
    let all_ids: Vec<String> = labels.iter().map(|l| ids[l].clone()).collect();
    let eval = evaluate(&all_ids, &gold, &found);

    // Refit: the report measures the pack mined without the held-out texts; the pack
    // written is mined again from every text (more texts, more of the ways callers say
    // a reason). Its examples and tests are then chosen with the pack written.
    let refit = opts.refit && !held.is_empty();
    let refitted = if refit {
        let all: Vec<&Labelled> = read.rows.iter().collect();
        mine_from(&all, &all_counts)
    } else {
        Vec::new()
    };
    let (mined, found) = if refit {
        w.put(
            "drivers.toml",
            &write::drivers_toml(&source, &driver_outs(&refitted, &ids, &opts.learn)),
        )?;
        (&refitted, score_texts(&load_written(out)?, &held_texts))
    } else {
        (&mined, found)
    };
    let plain = driver_outs(mined, &ids, &opts.learn);

    // Examples and tests from held-out texts the pack gets right.
    let example = |t: &str| t.chars().count() <= 300 && !t.trim().is_empty();
    let mut final_out = Vec::new();
    let mut tests: Vec<(String, String)> = Vec::new();
    for d in &plain {
        let mut hits = Vec::new();
        // One "no driver" text and one of another label, when there are both.
        let (mut miss_none, mut miss_other): (Option<&str>, Option<&str>) = (None, None);
        let mut md: Option<&str> = None;
        for (i, r) in held.iter().enumerate() {
            let f: &Found = &found[i];
            let has = f.matched.iter().any(|m| m == d.id);
            let mine = gold[i].as_deref() == Some(d.id);
            if mine && has && example(&r.text) && hits.len() < 2 {
                hits.push(r.text.as_str());
            }
            if !mine && !has && example(&r.text) {
                let slot = if gold[i].is_none() {
                    &mut miss_none
                } else {
                    &mut miss_other
                };
                slot.get_or_insert(r.text.as_str());
            }
            if mine
                && md.is_none()
                && f.matched.len() == 1
                && f.primary.as_deref() == Some(d.id)
                && write::fits_md_line(&r.text)
            {
                md = Some(r.text.as_str());
            }
        }
        if let Some(t) = md {
            tests.push((
                format!("tests/{}.md", d.id.replace('/', "-")),
                write::md_test(
                    &format!("{}: a held-out example", d.label),
                    &format!(
                        "Written by `callscore suggest` from a held-out text labelled {:?}: the mined phrases find it, and no other driver.",
                        d.label
                    ),
                    t,
                    Some(d.id),
                ),
            ));
        }
        final_out.push(write::DriverOut {
            hits,
            misses: miss_none.into_iter().chain(miss_other).collect(),
            ..d.clone()
        });
    }
    if let Some(i) = (0..held.len()).find(|&i| {
        gold[i].is_none() && found[i].matched.is_empty() && write::fits_md_line(&held[i].text)
    }) {
        tests.push((
            "tests/no-driver.md".into(),
            write::md_test(
                "No driver: a held-out example",
                &format!(
                    "Written by `callscore suggest` from a held-out text labelled {:?}: no driver may find it.",
                    held[i].label
                ),
                &held[i].text,
                None,
            ),
        ));
    }
    w.put("drivers.toml", &write::drivers_toml(&source, &final_out))?;
    for (path, text) in &tests {
        w.put(path, text)?;
    }
    let none_counts: Vec<(String, u32)> = {
        let mut m: BTreeMap<&str, u32> = BTreeMap::new();
        for r in &read.rows {
            if is_none(&r.label) {
                *m.entry(r.label.as_str()).or_default() += 1;
            }
        }
        m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    };
    let rows: Vec<report::DriverRow> = mined
        .iter()
        .map(|(l, n, p)| report::DriverRow {
            id: &ids[l],
            label: l,
            mining: *n,
            phrases: p,
        })
        .collect();
    let header = report::Header {
        source: &source,
        texts: read.rows.len(),
        heldout: held.len(),
        share: opts.holdout,
        errors: read.errors.len(),
        refit,
    };
    w.put(
        "report.md",
        &report::drivers_report(&header, &none_counts, &rows, &eval),
    )?;
    self_test(out)?;
    Ok(Outcome {
        errors: read.errors,
        files: w.files,
        texts: (read.rows.len(), held.len()),
        written: final_out.len(),
        headline: eval.macro_f1(),
    })
}

/// The language of most texts, from their script: Han → `zh`, Arabic script → `fa`,
/// otherwise `en`.
fn guess_language(texts: &[&str]) -> String {
    let (mut han, mut arabic, mut other) = (0usize, 0usize, 0usize);
    for t in texts.iter().take(2000) {
        for c in t.chars().filter(|c| c.is_alphabetic()) {
            match c as u32 {
                0x4E00..=0x9FFF | 0x3400..=0x4DBF => han += 1,
                0x0600..=0x06FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => arabic += 1,
                _ => other += 1,
            }
        }
    }
    let lang = if han >= arabic && han * 2 >= other {
        "zh"
    } else if arabic > han && arabic * 2 >= other {
        "fa"
    } else {
        "en"
    };
    lang.to_string()
}

/// `suggest --kind sentiment`: mine weighted terms, write them as a lexicon in a pack,
/// measure the lexicon alone on the held-out split.
pub fn suggest_sentiment(
    files: &[PathBuf],
    opts: &SuggestOptions,
    out: &Path,
) -> Result<Outcome, SuggestError> {
    let read = read_labelled(files, &opts.columns);
    if read.rows.is_empty() {
        return Err(SuggestError::NoRows(read.errors));
    }
    let labels: Vec<&str> = read.rows.iter().map(|r| r.label.as_str()).collect();
    let pol = polarities(&labels).map_err(|bad| SuggestError::Labels(bad.join(", ")))?;
    let numeric: Option<Vec<f64>> = labels.iter().map(|l| l.trim().parse().ok()).collect();
    let binary = numeric
        .as_ref()
        .is_some_and(|v| v.iter().all(|&x| x == 0.0 || x == 1.0));
    prepare_out(out)?;
    let (mut mining, mut held) = (Vec::new(), Vec::new());
    for (i, r) in read.rows.iter().enumerate() {
        if is_heldout(&r.text, opts.holdout) {
            held.push(i);
        } else {
            mining.push(i);
        }
    }
    let texts: Vec<&str> = mining.iter().map(|&i| read.rows[i].text.as_str()).collect();
    let mpol: Vec<Polarity> = mining.iter().map(|&i| pol[i]).collect();
    let count_of = |p: Polarity| mpol.iter().filter(|&&x| x == p).count() as u32;
    let counts3 = (
        count_of(Polarity::Positive),
        count_of(Polarity::Negative),
        count_of(Polarity::Neutral),
    );
    if counts3.0 == 0 || counts3.1 == 0 {
        return Err(SuggestError::Nothing(
            "the mining texts need both positive and negative labels".into(),
        ));
    }
    let counts = stats::count(&texts, SENTIMENT_LENGTHS);
    let terms = mine_terms(&counts, &mpol, SENTIMENT_LENGTHS, &opts.sentiment);
    if terms.is_empty() {
        return Err(SuggestError::Nothing(
            "no term passes the thresholds".into(),
        ));
    }
    let language = opts
        .language
        .clone()
        .unwrap_or_else(|| guess_language(&texts));
    let source = source_name(files);
    let mut w = Writer {
        out,
        files: Vec::new(),
    };
    let name = opts
        .name
        .clone()
        .unwrap_or_else(|| "suggested-sentiment".into());
    w.put(
        "pack.toml",
        &write::pack_toml(
            &name,
            &format!(
                "Sentiment terms mined by callscore suggest from {} labelled texts.",
                read.rows.len()
            ),
        ),
    )?;
    w.put(
        "sentiment/suggested.toml",
        &write::lexicon_toml(&source, &language, &terms),
    )?;
    let pack = load_written(out)?;
    let held_texts: Vec<&str> = held.iter().map(|&i| read.rows[i].text.as_str()).collect();
    let found = score_texts(&pack, &held_texts);
    let mut e = report::SentimentEval {
        polar: 0,
        right: 0,
        zeros: 0,
        total: held.len() as u32,
        pearson: None,
    };
    for (k, &i) in held.iter().enumerate() {
        let c = found[k].compound;
        e.zeros += u32::from(c == 0.0);
        let want = match pol[i] {
            Polarity::Positive => 1.0,
            Polarity::Negative => -1.0,
            Polarity::Neutral => continue,
        };
        e.polar += 1;
        e.right += u32::from(c * want > 0.0);
    }
    if let (Some(nums), false) = (&numeric, binary) {
        let xs: Vec<f64> = held.iter().map(|&i| nums[i]).collect();
        let ys: Vec<f64> = found.iter().map(|f| f.compound as f64).collect();
        e.pearson = pearson(&xs, &ys);
    }
    let header = report::Header {
        source: &source,
        texts: read.rows.len(),
        heldout: held.len(),
        share: opts.holdout,
        errors: read.errors.len(),
        refit: false,
    };
    w.put(
        "report.md",
        &report::sentiment_report(&header, counts3, &language, &terms, &e),
    )?;
    load_written(out)?;
    Ok(Outcome {
        errors: read.errors,
        files: w.files,
        texts: (read.rows.len(), held.len()),
        written: terms.len(),
        headline: if e.polar == 0 {
            0.0
        } else {
            e.right as f64 / e.polar as f64
        },
    })
}

/// Pearson correlation; `None` when either side is constant or there are < 2 values.
pub fn pearson(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let n = xs.len().min(ys.len());
    if n < 2 {
        return None;
    }
    let mx = xs[..n].iter().sum::<f64>() / n as f64;
    let my = ys[..n].iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let (dx, dy) = (xs[i] - mx, ys[i] - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn driver_ids_keep_labels_and_slug_only_what_ids_cannot_have() {
        let mut t = BTreeSet::new();
        assert_eq!(driver_id("billing/refund", &mut t), "billing/refund");
        assert_eq!(driver_id("lost card", &mut t), "lost_card");
        assert_eq!(driver_id("lost_card", &mut t), "lost_card-2");
        assert_eq!(driver_id("退款", &mut t), "退款");
    }

    #[test]
    fn language_is_guessed_from_the_script() {
        assert_eq!(guess_language(&["我要退款", "ok"]), "zh");
        assert_eq!(guess_language(&["کارت من گم شده"]), "fa");
        assert_eq!(guess_language(&["lost my card"]), "en");
    }

    #[test]
    fn pearson_of_lines_and_constants() {
        assert!((pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]).unwrap() - 1.0).abs() < 1e-12);
        assert!((pearson(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]).unwrap() + 1.0).abs() < 1e-12);
        assert_eq!(pearson(&[1.0, 2.0], &[5.0, 5.0]), None);
        assert_eq!(pearson(&[1.0], &[5.0]), None);
    }
}
