//! `callscore suggest`: a rule pack (drivers) or a lexicon (sentiment) mined from
//! labelled texts, with a report, for a QA lead to review (`docs/suggest.md`).

use super::Exit;
use crate::suggest::input::Columns;
use crate::suggest::{SuggestOptions, suggest_drivers, suggest_sentiment};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Kind {
    /// One driver per label: the phrases that best separate it from the others.
    Drivers,
    /// Weighted positive and negative terms for a lexicon.
    Sentiment,
}

#[derive(Debug, Args)]
pub(crate) struct SuggestArgs {
    /// Labelled files: CSV, TSV (by extension) or JSON Lines, one text and label per row.
    #[arg(required = true, value_name = "LABELLED")]
    files: Vec<PathBuf>,
    /// Folder to write the pack and report.md to (new or empty).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// What to mine.
    #[arg(long, value_enum, default_value_t = Kind::Drivers)]
    kind: Kind,
    /// Column of the text.
    #[arg(long, default_value = "text", value_name = "NAME")]
    text_column: String,
    /// Column of the label.
    #[arg(long, default_value = "label", value_name = "NAME")]
    label_column: String,
    /// Transcripts to take the texts from: each row's call id (--id-column) names a call,
    /// whose customer turns are its text (repeatable; any input format).
    #[arg(long, value_name = "PATH")]
    corpus: Vec<PathBuf>,
    /// Column of the call id, with --corpus.
    #[arg(long, default_value = "call_id", value_name = "NAME")]
    id_column: String,
    /// A label meaning "no driver" (repeatable; default: out_of_scope and none; an
    /// empty label always means no driver).
    #[arg(long, value_name = "LABEL")]
    none_label: Vec<String>,
    /// Share of the texts held out for the report and the rule tests (0 to 0.9).
    #[arg(long, default_value_t = 0.2, value_name = "SHARE", value_parser = parse_share)]
    holdout: f64,
    /// Fewest texts a phrase must be found in (drivers: texts of its label; sentiment:
    /// positive and negative texts). Default 2 for drivers, 5 for sentiment.
    #[arg(long, value_name = "N")]
    min_support: Option<u32>,
    /// Drivers: the smallest share of the texts containing a phrase that carry its
    /// label (above 0; below 0.5 a phrase may belong to two drivers, with learned
    /// weights that leave the choice to the phrases that differ).
    #[arg(long, default_value_t = 0.3, value_name = "P")]
    min_precision: f64,
    /// Drivers: the same for a phrase of one word (at least --min-precision).
    #[arg(long, default_value_t = 0.5, value_name = "P")]
    min_precision_word: f64,
    /// Smallest log-odds z-score of a phrase or term (docs/suggest.md).
    #[arg(long, default_value_t = 2.0, value_name = "Z")]
    min_z: f64,
    /// Drivers: also word stems of at least N characters as phrases (`transfer*`: every
    /// word that starts with "transfer"), drawn from two words of the texts that add at
    /// most 2 characters to them ("transfer", "transfers"). Off by default (docs/suggest.md).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(3..))]
    stems: Option<u16>,
    /// Drivers: most phrases per driver.
    #[arg(long, default_value_t = 200, value_name = "N")]
    max_phrases: usize,
    /// Drivers: after the phrases that find the label's texts, up to N more of the
    /// strongest candidates per driver, as extra evidence for the primary driver (a text
    /// with two phrases of its driver outweighs one phrase of another).
    #[arg(long, default_value_t = 200, value_name = "N")]
    evidence_phrases: usize,
    /// Drivers: the score a driver needs to be found, written as each driver's
    /// `min_score`; the phrase weights are learned on the mining texts so that their
    /// texts reach it and texts of no driver stay below it (docs/suggest.md).
    #[arg(long, default_value_t = 4.0, value_name = "S", value_parser = parse_positive)]
    min_score: f64,
    /// Drivers: how far past `--min-score` (and ahead of every other driver) the
    /// learned weights put each mining text's own driver.
    #[arg(long, default_value_t = 3.0, value_name = "S", value_parser = parse_positive)]
    margin: f64,
    /// Drivers: passes of the weight learning over the mining texts; 0 writes the
    /// weights from the counts alone and no `min_score`.
    #[arg(long, default_value_t = 5, value_name = "N")]
    epochs: usize,
    /// Drivers: write the pack mined without the held-out texts (the one the report
    /// measures) instead of mining it again from every text.
    #[arg(long)]
    no_refit: bool,
    /// Sentiment: most terms written.
    #[arg(long, default_value_t = 2000, value_name = "N")]
    max_terms: usize,
    /// Name of the written pack.
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// Sentiment: the lexicon's language (default: guessed from the script of the texts).
    #[arg(long, value_name = "CODE")]
    language: Option<String>,
}

fn parse_positive(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if v > 0.0 && v.is_finite() {
        Ok(v)
    } else {
        Err(format!("{v} is not above 0"))
    }
}

fn parse_share(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if (0.0..=0.9).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is not between 0 and 0.9"))
    }
}

pub(crate) fn suggest(a: SuggestArgs) -> Exit {
    if a.min_precision <= 0.0 || a.min_precision > 1.0 {
        eprintln!(
            "callscore: --min-precision {} must be above 0 and at most 1",
            a.min_precision
        );
        eprintln!("  help: above one half, no phrase can belong to two drivers");
        return Exit::Fatal;
    }
    let mut opts = SuggestOptions {
        columns: Columns {
            text: a.text_column,
            label: a.label_column,
            id: a.id_column,
            corpus: a.corpus,
        },
        holdout: a.holdout,
        name: a.name,
        language: a.language,
        refit: !a.no_refit,
        ..Default::default()
    };
    if !a.none_label.is_empty() {
        opts.none_labels = a.none_label;
    }
    opts.drivers.min_precision = a.min_precision;
    opts.drivers.min_z = a.min_z;
    opts.drivers.min_precision_word = a.min_precision_word.max(a.min_precision);
    opts.drivers.max_phrases = a.max_phrases;
    opts.drivers.evidence_phrases = a.evidence_phrases;
    opts.drivers.stems = a.stems.map(|n| crate::suggest::grams::Stems {
        min_chars: n.into(),
        max_ending: 2,
    });
    opts.learn.min_score = a.min_score;
    opts.learn.margin = a.margin;
    opts.learn.epochs = a.epochs;
    opts.sentiment.min_z = a.min_z;
    opts.sentiment.max_terms = a.max_terms;
    if let Some(n) = a.min_support {
        opts.drivers.min_support = n;
        opts.sentiment.min_support = n;
    }
    let result = match a.kind {
        Kind::Drivers => suggest_drivers(&a.files, &opts, &a.out),
        Kind::Sentiment => suggest_sentiment(&a.files, &opts, &a.out),
    };
    let (errors, outcome) = match result {
        Ok(o) => (o.errors.len(), o),
        Err(e) => {
            if let crate::suggest::SuggestError::NoRows(errors) = &e {
                for r in errors {
                    eprintln!("callscore: {r}");
                }
            }
            eprintln!("callscore: {e}");
            eprintln!("  help: {}", e.hint());
            return Exit::Fatal;
        }
    };
    for e in &outcome.errors {
        eprintln!("callscore: {e}");
    }
    let what = match a.kind {
        Kind::Drivers => format!(
            "{} drivers; held-out macro-F1 {:.3}",
            outcome.written, outcome.headline
        ),
        Kind::Sentiment => format!(
            "{} terms; held-out sign accuracy {:.3}",
            outcome.written, outcome.headline
        ),
    };
    eprintln!(
        "{}: {} labelled texts ({} held out) → {what}; wrote {}",
        a.out.display(),
        outcome.texts.0,
        outcome.texts.1,
        outcome
            .files
            .iter()
            .map(|f| f.display().to_string())
            .filter(|f| !f.starts_with("tests/"))
            .chain(
                (outcome.files.iter().any(|f| f.starts_with("tests")))
                    .then(|| "tests/".to_string())
            )
            .collect::<Vec<_>>()
            .join(", ")
    );
    if errors > 0 {
        eprintln!("{errors} labelled row(s) could not be used (above); the rest were.");
        Exit::SomeInputsFailed
    } else {
        Exit::Ok
    }
}
