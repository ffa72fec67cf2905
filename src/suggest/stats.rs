//! Counting phrases per text, and the statistic that ranks them: the log-odds ratio
//! with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin'
//! Words"), on **document** counts. `docs/suggest.md` explains it for QA leads.
//!
//! For a phrase and two groups of texts A (one label) and B (every other text), with
//! `y` the texts of a group that contain the phrase and `n` the texts of the group:
//!
//! ```text
//! p  = (yA + yB) / (nA + nB)                     the phrase's overall rate
//! α  = a0 · p + ½,  β = a0 · (1 − p) + ½           prior pseudo-texts with and without it
//! ωA = (yA + α) / (nA − yA + β)                  smoothed odds of the phrase in A
//! δ  = ln ωA − ln ωB                             log-odds ratio
//! σ² = 1/(yA+α) + 1/(nA−yA+β) + 1/(yB+α) + 1/(nB−yB+β)
//! z  = δ / σ
//! ```
//!
//! The ½ in each cell (the Haldane–Anscombe correction) keeps a phrase never seen in B
//! from getting a variance dominated by a near-zero cell: with `a0 · p` alone, a phrase
//! in 17 of 100 texts of A and none of B would score a lower z than one in 8 of A and 1
//! of B.
//!
//! Why this and not a raw ratio or χ²: a raw ratio ranks a phrase seen twice in A and
//! never in B above one seen 200 times in A and twice in B; the prior pulls rare phrases
//! towards "no difference" and `z` says how sure the difference is, so frequent,
//! distinctive phrases come first. Counting texts, not occurrences, keeps one text that
//! repeats a word from deciding it.

use super::grams::{self, Lengths, for_each_gram, for_each_stem, words};
use crate::normalize::normalize_phrase;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

/// Every text's candidate phrases, interned.
#[derive(Debug, Default)]
pub struct Counts {
    /// Phrase of each id, in order of first appearance (deterministic).
    pub grams: Vec<Box<str>>,
    /// Per text: the ids of the phrases it contains, each once, ascending.
    pub docs: Vec<Vec<u32>>,
    /// Per phrase: the number of texts that contain it.
    pub df: Vec<u32>,
}

/// Normalise each text and count its candidate phrases. The phrases of each text are
/// found in parallel; ids are given in text order, so the result does not depend on the
/// number of threads.
pub fn count(texts: &[&str], len: Lengths) -> Counts {
    let norms: Vec<String> = texts.par_iter().map(|t| normalize_phrase(t)).collect();
    // Stems need every text's words first: a stem is shared by two words of any texts.
    let stems = len.stems.map(|s| {
        let vocabulary: HashSet<&str> = norms.iter().flat_map(|n| words(n)).collect();
        (grams::stems(vocabulary, s), s)
    });
    let per_text: Vec<Vec<String>> = norms
        .par_iter()
        .map(|norm| {
            let mut v: Vec<String> = Vec::new();
            for_each_gram(norm, len, |g| v.push(g.to_string()));
            if let Some((set, s)) = &stems {
                for_each_stem(norm, set, *s, |g| v.push(g.to_string()));
            }
            v.sort_unstable();
            v.dedup();
            v
        })
        .collect();
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut c = Counts::default();
    c.docs.reserve(per_text.len());
    for grams in per_text {
        let mut doc: Vec<u32> = Vec::with_capacity(grams.len());
        for g in grams {
            let next = ids.len() as u32;
            let id = match ids.get(&g) {
                Some(&id) => id,
                None => {
                    c.grams.push(g.clone().into_boxed_str());
                    c.df.push(0);
                    ids.insert(g, next);
                    next
                }
            };
            c.df[id as usize] += 1;
            doc.push(id);
        }
        doc.sort_unstable();
        c.docs.push(doc);
    }
    c
}

impl Counts {
    /// The counts of the texts `keep` (indices into `docs`, ascending) alone: the same
    /// phrase ids, `df` over those texts only. Cheaper than counting them again: `suggest`
    /// counts every text once, mines from the texts not held out, then from all.
    pub fn subset(&self, keep: &[u32]) -> Counts {
        let docs: Vec<Vec<u32>> = keep
            .iter()
            .map(|&d| self.docs[d as usize].clone())
            .collect();
        let mut df = vec![0u32; self.grams.len()];
        for doc in &docs {
            for &g in doc {
                df[g as usize] += 1;
            }
        }
        Counts {
            grams: self.grams.clone(),
            docs,
            df,
        }
    }
}

/// The log-odds ratio of a phrase between A and B, and its z-score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogOdds {
    /// `ln ωA − ln ωB`: > 0 when the phrase is more typical of A.
    pub delta: f64,
    /// `δ / σ`.
    pub z: f64,
}

/// The statistic above for `y_a` of `n_a` texts in A and `y_b` of `n_b` in B, with prior
/// strength `a0` (how many pseudo-texts the overall rate is worth).
pub fn log_odds(y_a: u32, n_a: u32, y_b: u32, n_b: u32, a0: f64) -> LogOdds {
    let (ya, na, yb, nb) = (y_a as f64, n_a as f64, y_b as f64, n_b as f64);
    let p = (ya + yb) / (na + nb).max(1.0);
    let alpha = a0 * p + 0.5;
    let beta = a0 * (1.0 - p) + 0.5;
    // Every cell is at least ½: y ≤ n and p ≤ 1.
    let in_a = ya + alpha;
    let out_a = (na - ya).max(0.0) + beta;
    let in_b = yb + alpha;
    let out_b = (nb - yb).max(0.0) + beta;
    let delta = (in_a / out_a).ln() - (in_b / out_b).ln();
    let var = 1.0 / in_a + 1.0 / out_a + 1.0 / in_b + 1.0 / out_b;
    LogOdds {
        delta,
        z: delta / var.sqrt(),
    }
}

/// Per phrase, how many texts of a group contain it, computed over the texts `members`
/// of `counts`. Returns (phrase id, count) for every phrase seen, by ascending id.
pub fn group_df(counts: &Counts, members: &[u32]) -> Vec<(u32, u32)> {
    let mut dense: HashMap<u32, u32> = HashMap::new();
    for &d in members {
        for &g in &counts.docs[d as usize] {
            *dense.entry(g).or_default() += 1;
        }
    }
    let mut v: Vec<(u32, u32)> = dense.into_iter().collect();
    v.sort_unstable();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_odds_prefers_frequent_distinctive_phrases() {
        // 40 of 100 texts in A, 2 of 900 in B: far more typical of A.
        let strong = log_odds(40, 100, 2, 900, 10.0);
        // 2 of 100 in A, 0 in B: distinctive but seen twice.
        let rare = log_odds(2, 100, 0, 900, 10.0);
        assert!(
            strong.delta > 0.0 && strong.z > rare.z,
            "{strong:?} {rare:?}"
        );
        assert!(strong.z > 7.0, "{strong:?}");
        // Never seen in B, at twice the support, is the larger difference.
        assert!(log_odds(17, 100, 0, 3000, 10.0).delta > log_odds(8, 100, 1, 3000, 10.0).delta);
        // The same rate in both groups: no difference.
        let even = log_odds(10, 100, 90, 900, 10.0);
        assert!(even.delta.abs() < 0.05 && even.z.abs() < 0.2, "{even:?}");
        // Symmetric: swapping the groups flips the sign.
        let back = log_odds(2, 900, 40, 100, 10.0);
        assert!((back.delta + strong.delta).abs() < 1e-9);
        assert!((back.z + strong.z).abs() < 1e-9);
    }

    #[test]
    fn log_odds_matches_a_hand_computation() {
        // p = 12/200; α = 0.6 + 0.5 = 1.1; β = 9.4 + 0.5 = 9.9
        let lo = log_odds(10, 100, 2, 100, 10.0);
        let delta = (11.1f64 / 99.9).ln() - (3.1f64 / 107.9).ln();
        let var: f64 = 1.0 / 11.1 + 1.0 / 99.9 + 1.0 / 3.1 + 1.0 / 107.9;
        assert!((lo.delta - delta).abs() < 1e-12);
        assert!((lo.z - delta / var.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn counts_each_phrase_once_per_text_in_first_seen_order() {
        let len = Lengths {
            words: (1, 1),
            chars: (2, 2),
            pairs_within: None,
            stems: None,
        };
        let c = count(&["card card lost", "lost card"], len);
        assert_eq!(&*c.grams[0], "card");
        assert_eq!(&*c.grams[1], "lost");
        assert_eq!(c.df, [2, 2]);
        assert_eq!(c.docs, [vec![0, 1], vec![0, 1]]);
        assert_eq!(group_df(&c, &[1]), [(0, 1), (1, 1)]);
    }

    #[test]
    fn a_subset_counts_its_texts_alone_under_the_same_ids() {
        let len = Lengths {
            words: (1, 1),
            chars: (2, 2),
            pairs_within: None,
            stems: None,
        };
        let c = count(&["card lost", "refund", "lost refund refund"], len);
        let s = c.subset(&[0, 2]);
        assert_eq!(s.grams, c.grams);
        assert_eq!(s.docs, [c.docs[0].clone(), c.docs[2].clone()]);
        // card 1, lost 2, refund 1 (text 1 left out).
        assert_eq!(s.df, [1, 2, 1]);
        assert_eq!(c.subset(&[]).df, [0, 0, 0]);
    }
}
