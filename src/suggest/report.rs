//! `report.md`: what was mined and how it does on the held-out split, for the QA lead
//! who reviews the suggested pack.

use super::drivers::MinedPhrase;
use super::grams::PAIR_SEP;
use super::heldout::Evaluation;
use super::sentiment::MinedTerm;
use std::fmt::Write;

/// One driver's row of the report.
pub struct DriverRow<'a> {
    /// Driver id.
    pub id: &'a str,
    /// Label as given.
    pub label: &'a str,
    /// Mining texts with the label.
    pub mining: u32,
    /// Its phrases (empty: no driver was written).
    pub phrases: &'a [MinedPhrase],
}

/// Counts shown in the header.
pub struct Header<'a> {
    /// The labelled files.
    pub source: &'a str,
    /// Texts read.
    pub texts: usize,
    /// Of which held out.
    pub heldout: usize,
    /// Share asked for.
    pub share: f64,
    /// Rows left out for errors.
    pub errors: usize,
    /// The pack written was mined again from every text after the held-out texts were
    /// scored by a pack mined without them.
    pub refit: bool,
}

fn pct(x: f64) -> String {
    format!("{:.3}", x)
}

/// The drivers report.
pub fn drivers_report(
    h: &Header,
    none: &[(String, u32)],
    rows: &[DriverRow],
    e: &Evaluation,
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Suggested drivers\n");
    let _ = writeln!(
        s,
        "Mined by `callscore suggest --kind drivers` from {}: {} labelled texts, {} of them held out \
         ({:.0} % asked; chosen by a hash of the text) and never used for mining.{}",
        h.source,
        h.texts,
        h.heldout,
        h.share * 100.0,
        if h.errors > 0 {
            format!(
                " {} rows could not be used (see the command's messages).",
                h.errors
            )
        } else {
            String::new()
        }
    );
    if !none.is_empty() {
        let list: Vec<String> = none.iter().map(|(l, n)| format!("`{l}` ({n})")).collect();
        let _ = writeln!(
            s,
            "\nLabels meaning \"no driver\" (their texts must get none): {}.",
            list.join(", ")
        );
    }
    let written = rows.iter().filter(|r| !r.phrases.is_empty()).count();
    let _ = writeln!(
        s,
        "\n## Held-out results\n\nEach held-out text was scored as a one-turn customer call by the \
         pack {}, as `callscore run` scores it; the driver compared is the primary one.\n",
        if h.refit {
            "mined without them; the pack in this folder was then mined again from every text \
             (phrases and counts below are its own), so it should do at least as well \
             (`--no-refit` writes the pack measured here)"
        } else {
            "in this folder"
        }
    );
    let _ = writeln!(
        s,
        "- macro-F1 over the {} labels with held-out texts: **{}**",
        e.drivers.iter().filter(|(_, d)| d.gold > 0).count(),
        pct(e.macro_f1())
    );
    if e.none_total > 0 {
        let _ = writeln!(
            s,
            "- \"no driver\" texts that got no driver: {} of {} ({})",
            e.none_clean,
            e.none_total,
            pct(e.none_clean as f64 / e.none_total as f64)
        );
    }
    let _ = writeln!(s, "- drivers written: {written} of {} labels", rows.len());
    let _ = writeln!(
        s,
        "\n| driver | label | mining texts | phrases | held-out texts | precision | recall | F1 |\n|---|---|---|---|---|---|---|---|"
    );
    for (r, (_, d)) in rows.iter().zip(&e.drivers) {
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {} | {} | {} | {} | {} |",
            r.id,
            cell(r.label),
            r.mining,
            r.phrases.len(),
            d.gold,
            pct(d.precision()),
            pct(d.recall()),
            pct(d.f1())
        );
    }
    let mut conf: Vec<_> = e.confusions.iter().collect();
    conf.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    if !conf.is_empty() {
        let _ = writeln!(
            s,
            "\n## Confusions (held out, most frequent first)\n\n| labelled | found | texts |\n|---|---|---|"
        );
        for ((g, p), n) in conf.iter().take(40) {
            let name = |x: &Option<String>| {
                x.as_ref()
                    .map_or("(no driver)".to_string(), |v| format!("`{v}`"))
            };
            let _ = writeln!(s, "| {} | {} | {n} |", name(g), name(p));
        }
    }
    let _ = writeln!(
        s,
        "\n## Phrases\n\nPer driver, as written in `drivers.toml` (the heaviest first when the \
         weights were learned): its weight, mining texts with the label that contain it, other \
         mining texts that contain it, precision on the mining texts, the label's texts it found \
         first in the greedy cover, the log-odds z-score (`docs/suggest.md`). `a ~ b` is a \
         pair: both words in one turn with at most {} words between them (a `near` condition).",
        super::NEAR_WITHIN
    );
    for r in rows {
        let _ = writeln!(s, "\n### `{}`\n", r.id);
        if r.phrases.is_empty() {
            let _ = writeln!(
                s,
                "No phrase passed the thresholds ({} mining texts): no driver was written. \
                 Add labelled texts, or lower --min-support / --min-precision.",
                r.mining
            );
            continue;
        }
        let _ = writeln!(
            s,
            "| phrase | weight | with label | others | precision | new texts | z |\n|---|---|---|---|---|---|---|"
        );
        for p in r.phrases {
            let _ = writeln!(
                s,
                "| {} | {:.1} | {} | {} | {} | {} | {:.1} |",
                cell(&p.phrase.replace(PAIR_SEP, " ~ ")),
                p.weight(),
                p.support,
                p.others,
                pct(p.precision()),
                p.new,
                p.z
            );
        }
    }
    s
}

/// Held-out numbers of a mined lexicon.
pub struct SentimentEval {
    /// Held-out texts that are positive or negative.
    pub polar: u32,
    /// Of those, scored with the right sign (0 counts as wrong).
    pub right: u32,
    /// Held-out texts scored exactly 0.
    pub zeros: u32,
    /// Held-out texts.
    pub total: u32,
    /// Pearson r against numeric labels, when they are not binary.
    pub pearson: Option<f64>,
}

/// The sentiment report.
pub fn sentiment_report(
    h: &Header,
    counts: (u32, u32, u32),
    language: &str,
    terms: &[MinedTerm],
    e: &SentimentEval,
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Suggested sentiment terms\n");
    let _ = writeln!(
        s,
        "Mined by `callscore suggest --kind sentiment` from {}: {} labelled texts ({} positive, {} \
         negative, {} neutral among the mining texts), {} held out ({:.0} % asked) and never used for \
         mining. Language: `{language}`. Terms written: {} ({} positive, {} negative) in \
         `sentiment/suggested.toml`.",
        h.source,
        h.texts,
        counts.0,
        counts.1,
        counts.2,
        h.heldout,
        h.share * 100.0,
        terms.len(),
        terms.iter().filter(|t| t.weight > 0.0).count(),
        terms.iter().filter(|t| t.weight < 0.0).count(),
    );
    let ratio = |a: u32, b: u32| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let _ = writeln!(
        s,
        "\n## Held-out results (this lexicon alone, no negators or intensifiers)\n\n\
         - sign accuracy over positive and negative texts, a score of 0 counting as wrong: **{}** ({} of {})\n\
         - texts scored exactly 0: {} ({} of {})",
        pct(ratio(e.right, e.polar)),
        e.right,
        e.polar,
        pct(ratio(e.zeros, e.total)),
        e.zeros,
        e.total
    );
    if let Some(r) = e.pearson {
        let _ = writeln!(s, "- Pearson r against the labels: {}", pct(r));
    }
    for (title, sign) in [
        ("Strongest positive terms", 1.0),
        ("Strongest negative terms", -1.0),
    ] {
        let _ = writeln!(
            s,
            "\n## {title}\n\n| term | weight | positive texts | negative texts | z |\n|---|---|---|---|---|"
        );
        for t in terms.iter().filter(|t| t.weight.signum() == sign).take(40) {
            let _ = writeln!(
                s,
                "| {} | {:.1} | {} | {} | {:.1} |",
                cell(&t.term),
                t.weight,
                t.positive,
                t.negative,
                t.z
            );
        }
    }
    s
}

/// A Markdown table cell: pipes escaped, one line.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suggest::heldout::DriverScore;

    #[test]
    fn drivers_report_has_the_numbers_and_the_confusions() {
        let p = [MinedPhrase {
            phrase: "lost card".into(),
            support: 8,
            others: 2,
            new: 8,
            z: 5.0,
            learned: None,
        }];
        let rows = [
            DriverRow {
                id: "lost",
                label: "lost",
                mining: 10,
                phrases: &p,
            },
            DriverRow {
                id: "x|y",
                label: "x|y",
                mining: 1,
                phrases: &[],
            },
        ];
        let mut e = Evaluation {
            drivers: vec![
                (
                    "lost".into(),
                    DriverScore {
                        gold: 4,
                        predicted: 4,
                        correct: 3,
                    },
                ),
                (
                    "x|y".into(),
                    DriverScore {
                        gold: 1,
                        predicted: 0,
                        correct: 0,
                    },
                ),
            ],
            none_total: 5,
            none_clean: 4,
            ..Default::default()
        };
        e.confusions.insert((Some("lost".into()), None), 1);
        let h = Header {
            source: "a.csv",
            texts: 20,
            heldout: 10,
            share: 0.5,
            errors: 2,
            refit: false,
        };
        let r = drivers_report(&h, &[("oos".into(), 5)], &rows, &e);
        assert!(
            r.contains("macro-F1 over the 2 labels with held-out texts: **0.375**"),
            "{r}"
        );
        assert!(
            r.contains("| `lost` | lost | 10 | 1 | 4 | 0.750 | 0.750 | 0.750 |"),
            "{r}"
        );
        assert!(r.contains("4 of 5 (0.800)"));
        assert!(r.contains("| `lost` | (no driver) | 1 |"));
        // Weight from the counts: ln(9 / 3) = 1.1.
        assert!(
            r.contains("| lost card | 1.1 | 8 | 2 | 0.800 | 8 | 5.0 |"),
            "{r}"
        );
        assert!(r.contains("x\\|y"));
        assert!(r.contains("2 rows could not be used"));
        assert!(r.contains("`oos` (5)"));
    }
}
