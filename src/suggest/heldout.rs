//! The held-out split, scored by the engine itself: each held-out text is a one-turn
//! customer call, scanned and scored with the mined pack exactly as `callscore run`
//! would, so the precision and recall in the report are what the pack will do.

use crate::matcher::{Scan, scan_call};
use crate::rules::Pack;
use crate::score::{ScoreOptions, score_call};
use crate::transcript::{Call, Format, Metadata, Speaker, Turn};
use rayon::prelude::*;
use std::collections::BTreeMap;

/// True when a text belongs to the held-out split: a hash of the text, so the split is
/// the same on every run and a text repeated in the data is always on the same side.
pub fn is_heldout(text: &str, share: f64) -> bool {
    let h = xxhash_rust::xxh3::xxh3_64(text.trim().as_bytes());
    ((h % 1_000_000) as f64) < share * 1_000_000.0
}

/// A call with one customer turn saying `text`.
pub fn customer_call(text: &str) -> Call {
    Call {
        call_id: "heldout".into(),
        source: "heldout".into(),
        source_line: None,
        format: Format::NativeJson,
        metadata: Metadata::default(),
        turns: vec![Turn {
            speaker: Speaker::Customer,
            label: None,
            text: text.to_string(),
            start_ms: Some(0),
            end_ms: Some(crate::transcript::estimated_duration_ms(text).max(1)),
            line: None,
        }],
        times_estimated: false,
    }
}

/// What the pack found in one text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Found {
    /// Every driver found, in pack order.
    pub matched: Vec<String>,
    /// The primary driver.
    pub primary: Option<String>,
    /// The turn's sentiment (−1…+1; 0 when no lexicon term was found).
    pub compound: f32,
    /// Lexicon terms counted.
    pub terms: u32,
}

/// Score each text as a one-turn customer call (in parallel, results in input order).
pub fn score_texts(pack: &Pack, texts: &[&str]) -> Vec<Found> {
    texts
        .par_iter()
        .map_init(
            || Scan::new(pack),
            |scan, t| {
                let call = customer_call(t);
                scan_call(pack, &call, scan);
                let rec = score_call(
                    pack,
                    &call,
                    scan,
                    ScoreOptions {
                        redact: false,
                        // Only the drivers are compared: no quotes needed.
                        evidence: crate::record::EvidenceLevel::None,
                    },
                );
                let s = scan.sentiment.first().cloned().unwrap_or_default();
                Found {
                    matched: rec.drivers.matched.into_iter().map(|d| d.id).collect(),
                    primary: rec.drivers.primary,
                    compound: s.compound,
                    terms: s.terms,
                }
            },
        )
        .collect()
}

/// Held-out precision and recall of one driver (from the primary driver of each text).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DriverScore {
    /// Held-out texts with this label.
    pub gold: u32,
    /// Held-out texts whose primary driver is this one.
    pub predicted: u32,
    /// Both.
    pub correct: u32,
}

impl DriverScore {
    /// correct / predicted (1 when nothing was predicted: no false alarm).
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.predicted, 1.0)
    }
    /// correct / gold (1 when there was nothing to find).
    pub fn recall(&self) -> f64 {
        ratio(self.correct, self.gold, 1.0)
    }
    /// Harmonic mean of precision and recall (0 when both are 0).
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: u32, b: u32, empty: f64) -> f64 {
    if b == 0 { empty } else { a as f64 / b as f64 }
}

/// The held-out evaluation of a driver pack.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    /// Per driver id, in the order given.
    pub drivers: Vec<(String, DriverScore)>,
    /// Held-out texts labelled "no driver".
    pub none_total: u32,
    /// Of those, the ones that got no driver.
    pub none_clean: u32,
    /// (gold, predicted) → texts, where they differ; `None` is "no driver".
    pub confusions: BTreeMap<(Option<String>, Option<String>), u32>,
}

impl Evaluation {
    /// Mean F1 over the drivers that have held-out texts.
    pub fn macro_f1(&self) -> f64 {
        let with: Vec<f64> = self
            .drivers
            .iter()
            .filter(|(_, s)| s.gold > 0)
            .map(|(_, s)| s.f1())
            .collect();
        if with.is_empty() {
            0.0
        } else {
            with.iter().sum::<f64>() / with.len() as f64
        }
    }
}

/// Compare gold driver ids (`None`: no driver) with the primary driver found.
pub fn evaluate(ids: &[String], gold: &[Option<String>], found: &[Found]) -> Evaluation {
    let mut by_id: BTreeMap<&str, DriverScore> = ids
        .iter()
        .map(|i| (i.as_str(), DriverScore::default()))
        .collect();
    let mut e = Evaluation::default();
    for (g, f) in gold.iter().zip(found) {
        if let Some(g) = g
            && let Some(s) = by_id.get_mut(g.as_str())
        {
            s.gold += 1;
        }
        if let Some(p) = &f.primary
            && let Some(s) = by_id.get_mut(p.as_str())
        {
            s.predicted += 1;
        }
        if g.is_none() {
            e.none_total += 1;
            e.none_clean += u32::from(f.matched.is_empty());
        }
        if *g == f.primary {
            if let Some(g) = g
                && let Some(s) = by_id.get_mut(g.as_str())
            {
                s.correct += 1;
            }
        } else {
            *e.confusions
                .entry((g.clone(), f.primary.clone()))
                .or_default() += 1;
        }
    }
    e.drivers = ids
        .iter()
        .map(|i| (i.clone(), by_id[i.as_str()].clone()))
        .collect();
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(p: Option<&str>) -> Found {
        Found {
            matched: p.iter().map(|s| s.to_string()).collect(),
            primary: p.map(str::to_string),
            ..Default::default()
        }
    }

    #[test]
    fn precision_recall_f1_and_confusions() {
        let ids = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        let g = |s: Option<&str>| s.map(str::to_string);
        let gold = [g(Some("a")), g(Some("a")), g(Some("b")), g(None), g(None)];
        let got = [
            found(Some("a")),
            found(Some("b")),
            found(Some("b")),
            found(None),
            found(Some("a")),
        ];
        let e = evaluate(&ids, &gold, &got);
        let a = &e.drivers[0].1;
        assert_eq!((a.gold, a.predicted, a.correct), (2, 2, 1));
        assert_eq!(a.precision(), 0.5);
        assert_eq!(a.recall(), 0.5);
        let b = &e.drivers[1].1;
        assert_eq!((b.precision(), b.recall()), (0.5, 1.0));
        assert!((b.f1() - 2.0 / 3.0).abs() < 1e-12);
        // c has no held-out text: left out of the mean.
        assert!((e.macro_f1() - (0.5 + 2.0 / 3.0) / 2.0).abs() < 1e-12);
        assert_eq!((e.none_total, e.none_clean), (2, 1));
        assert_eq!(e.confusions[&(g(Some("a")), g(Some("b")))], 1);
        assert_eq!(e.confusions[&(None, g(Some("a")))], 1);
        assert_eq!(e.confusions.len(), 2);
        assert_eq!(DriverScore::default().f1(), 1.0);
        let zero = DriverScore {
            gold: 1,
            predicted: 1,
            correct: 0,
        };
        assert_eq!(zero.f1(), 0.0);
    }

    #[test]
    fn the_split_is_stable_and_about_the_share_asked() {
        let texts: Vec<String> = (0..2000).map(|i| format!("text number {i}")).collect();
        let held = texts.iter().filter(|t| is_heldout(t, 0.2)).count();
        assert!((300..500).contains(&held), "{held}");
        assert!(
            texts
                .iter()
                .all(|t| is_heldout(t, 0.2) == is_heldout(&format!(" {t} "), 0.2))
        );
        assert!(!texts.iter().any(|t| is_heldout(t, 0.0)));
        assert!(texts.iter().all(|t| is_heldout(t, 1.0)));
    }
}
