//! Counting phrases per text, and the statistic that ranks them: the log-odds ratio
//! with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin'
//! Words"), on **document** counts. `docs/suggest.md` explains it for QA leads.
//!
//! For a phrase and two groups of texts A (one label) and B (every other text), with
//! `y` the texts of a group that contain the phrase and `n` the texts of the group:
//!
//! ```text
//! α  = a0 · (yA + yB) / (nA + nB)                the prior: the phrase's overall rate
//! ωA = (yA + α) / (nA − yA + a0 − α)             smoothed odds of the phrase in A
//! δ  = ln ωA − ln ωB                             log-odds ratio
//! σ² = 1/(yA+α) + 1/(nA−yA+a0−α) + 1/(yB+α) + 1/(nB−yB+a0−α)
//! z  = δ / σ
//! ```
//!
//! Why this and not a raw ratio or χ²: a raw ratio ranks a phrase seen twice in A and
//! never in B above one seen 200 times in A and twice in B; the prior pulls rare phrases
//! towards "no difference" and `z` says how sure the difference is, so frequent,
//! distinctive phrases come first. Counting texts, not occurrences, keeps one text that
//! repeats a word from deciding it.

use super::grams::{Lengths, for_each_gram};
use crate::normalize::normalize_phrase;
use rayon::prelude::*;
use std::collections::HashMap;

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
    let per_text: Vec<Vec<String>> = texts
        .par_iter()
        .map(|t| {
            let norm = normalize_phrase(t);
            let mut v: Vec<String> = Vec::new();
            for_each_gram(&norm, len, |g| v.push(g.to_string()));
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
    let total = (na + nb).max(1.0);
    let alpha = a0 * (ya + yb) / total;
    // Both sides stay positive: y ≤ n and α ≤ a0; the small floor guards a0 = 0.
    let eps = 1e-9;
    let in_a = (ya + alpha).max(eps);
    let out_a = (na - ya + a0 - alpha).max(eps);
    let in_b = (yb + alpha).max(eps);
    let out_b = (nb - yb + a0 - alpha).max(eps);
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
        assert!(strong.delta > 0.0 && strong.z > rare.z, "{strong:?} {rare:?}");
        assert!(strong.z > 7.0, "{strong:?}");
        // The same rate in both groups: no difference.
        let even = log_odds(10, 100, 90, 900, 10.0);
        assert!(even.delta.abs() < 1e-9 && even.z.abs() < 1e-9, "{even:?}");
        // Symmetric: swapping the groups flips the sign.
        let back = log_odds(2, 900, 40, 100, 10.0);
        assert!((back.delta + strong.delta).abs() < 1e-9);
        assert!((back.z + strong.z).abs() < 1e-9);
    }

    #[test]
    fn log_odds_matches_a_hand_computation() {
        // α = 10 · 12/200 = 0.6; ωA = 10.6/99.4; ωB = 2.6/107.4
        let lo = log_odds(10, 100, 2, 100, 10.0);
        let delta = (10.6f64 / 99.4).ln() - (2.6f64 / 107.4).ln();
        let var: f64 = 1.0 / 10.6 + 1.0 / 99.4 + 1.0 / 2.6 + 1.0 / 107.4;
        assert!((lo.delta - delta).abs() < 1e-12);
        assert!((lo.z - delta / var.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn counts_each_phrase_once_per_text_in_first_seen_order() {
        let len = Lengths {
            words: (1, 1),
            chars: (2, 2),
        };
        let c = count(&["card card lost", "lost card"], len);
        assert_eq!(&*c.grams[0], "card");
        assert_eq!(&*c.grams[1], "lost");
        assert_eq!(c.df, [2, 2]);
        assert_eq!(c.docs, [vec![0, 1], vec![0, 1]]);
        assert_eq!(group_df(&c, &[1]), [(0, 1), (1, 1)]);
    }
}
