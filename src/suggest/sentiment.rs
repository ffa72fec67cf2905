//! Mining sentiment terms: phrases much more typical of positive than of negative texts
//! (or the reverse), with a weight from how much more.
//!
//! Labels become polarities ([`polarities`]): numbers by their sign (0 and 1 only:
//! 0 negative, 1 positive, as binary review sets are written), or the words
//! positive / negative / neutral. A term's weight is its log-odds ratio δ between
//! positive and negative texts ([`super::stats`]) times `scale`, clipped to −4…+4 and
//! rounded to 0.1; it is kept when |z| ≥ `min_z` and at least `min_support` texts
//! contain it. A longer term is left out when a shorter term inside it already says
//! the same (same sign, weight within 1): "very good" adds nothing to "good", while
//! "not bad" (positive, around the negative "bad") stays.

use super::grams::{Lengths, for_each_gram};
use super::stats::{Counts, group_df, log_odds};
use std::collections::HashMap;

/// The polarity of a labelled text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Polarity {
    /// Positive.
    Positive,
    /// Negative.
    Negative,
    /// Neither (left out of mining).
    Neutral,
}

/// The polarity of each label, or the labels that are neither numbers nor
/// positive / negative / neutral words.
pub fn polarities(labels: &[&str]) -> Result<Vec<Polarity>, Vec<String>> {
    let nums: Option<Vec<f64>> = labels.iter().map(|l| l.trim().parse().ok()).collect();
    if let Some(nums) = nums {
        let binary = nums.iter().all(|&x| x == 0.0 || x == 1.0);
        return Ok(nums
            .into_iter()
            .map(|x| {
                let x = if binary { x - 0.5 } else { x };
                if x > 0.0 {
                    Polarity::Positive
                } else if x < 0.0 {
                    Polarity::Negative
                } else {
                    Polarity::Neutral
                }
            })
            .collect());
    }
    let mut bad: Vec<String> = Vec::new();
    let out = labels
        .iter()
        .map(|l| match l.trim().to_lowercase().as_str() {
            "positive" | "pos" | "+" | "good" => Polarity::Positive,
            "negative" | "neg" | "-" | "bad" => Polarity::Negative,
            "neutral" | "neu" | "mixed" | "" => Polarity::Neutral,
            _ => {
                if !bad.iter().any(|b| b == l) && bad.len() < 5 {
                    bad.push(l.to_string());
                }
                Polarity::Neutral
            }
        })
        .collect();
    if bad.is_empty() { Ok(out) } else { Err(bad) }
}

/// Settings of the term miner.
#[derive(Debug, Clone)]
pub struct SentimentSettings {
    /// Fewest texts (positive and negative together) a term must appear in.
    pub min_support: u32,
    /// Smallest |z|.
    pub min_z: f64,
    /// Most terms written.
    pub max_terms: usize,
    /// Prior strength `a0` of the statistic.
    pub prior: f64,
    /// Weight = δ × scale (then clipped to −4…+4).
    pub scale: f64,
}

impl Default for SentimentSettings {
    fn default() -> Self {
        SentimentSettings {
            min_support: 5,
            min_z: 2.0,
            max_terms: 2000,
            prior: 10.0,
            scale: 1.0,
        }
    }
}

/// One mined term.
#[derive(Debug, Clone, PartialEq)]
pub struct MinedTerm {
    /// The term (normalised).
    pub term: String,
    /// Its weight, −4…+4.
    pub weight: f64,
    /// Positive mining texts containing it.
    pub positive: u32,
    /// Negative mining texts containing it.
    pub negative: u32,
    /// Log-odds z-score (positive vs negative).
    pub z: f64,
}

/// Mine terms from the mining texts of `counts` with their polarities.
pub fn mine_terms(
    counts: &Counts,
    polarity: &[Polarity],
    len: Lengths,
    s: &SentimentSettings,
) -> Vec<MinedTerm> {
    let members = |want: Polarity| -> Vec<u32> {
        (0..polarity.len() as u32)
            .filter(|&i| polarity[i as usize] == want)
            .collect()
    };
    let (pos, neg) = (members(Polarity::Positive), members(Polarity::Negative));
    let mut per: HashMap<u32, (u32, u32)> = HashMap::new();
    for (g, y) in group_df(counts, &pos) {
        per.entry(g).or_default().0 = y;
    }
    for (g, y) in group_df(counts, &neg) {
        per.entry(g).or_default().1 = y;
    }
    let mut terms: Vec<MinedTerm> = Vec::new();
    for (g, (yp, yn)) in per {
        if yp + yn < s.min_support {
            continue;
        }
        let lo = log_odds(yp, pos.len() as u32, yn, neg.len() as u32, s.prior);
        if lo.z.abs() < s.min_z {
            continue;
        }
        let weight = ((lo.delta * s.scale).clamp(-4.0, 4.0) * 10.0).round() / 10.0;
        if weight.abs() < 0.3 {
            continue;
        }
        terms.push(MinedTerm {
            term: counts.grams[g as usize].to_string(),
            weight,
            positive: yp,
            negative: yn,
            z: lo.z,
        });
    }
    terms.sort_by(|a, b| {
        b.z.abs()
            .total_cmp(&a.z.abs())
            .then_with(|| a.term.cmp(&b.term))
    });
    terms.truncate(s.max_terms);
    let weights: HashMap<String, f64> = terms.iter().map(|t| (t.term.clone(), t.weight)).collect();
    terms.retain(|t| {
        let mut redundant = false;
        for_each_gram(&t.term, len, |sub| {
            if sub.len() < t.term.len()
                && let Some(&w) = weights.get(sub)
                && w.signum() == t.weight.signum()
                && (w - t.weight).abs() < 1.0
            {
                redundant = true;
            }
        });
        !redundant
    });
    terms.sort_by(|a, b| {
        b.weight
            .signum()
            .total_cmp(&a.weight.signum())
            .then_with(|| b.z.abs().total_cmp(&a.z.abs()))
            .then_with(|| a.term.cmp(&b.term))
    });
    terms
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suggest::stats::count;

    #[test]
    fn labels_become_polarities() {
        use Polarity::*;
        assert_eq!(
            polarities(&["0", "1", "1"]).unwrap(),
            [Negative, Positive, Positive]
        );
        assert_eq!(
            polarities(&["-2.5", "0", "3.1"]).unwrap(),
            [Negative, Neutral, Positive]
        );
        assert_eq!(
            polarities(&["Positive", "neg", "neutral"]).unwrap(),
            [Positive, Negative, Neutral]
        );
        assert_eq!(
            polarities(&["happy", "neg", "happy"]).unwrap_err(),
            ["happy"]
        );
    }

    #[test]
    fn terms_get_the_sign_of_their_texts_and_redundant_ones_go() {
        let len = Lengths {
            words: (1, 2),
            chars: (1, 3),
            pairs_within: None,
            stems: None,
        };
        let mut texts = Vec::new();
        let mut pol = Vec::new();
        for i in 0..20 {
            texts.push(if i % 2 == 0 {
                "great service"
            } else {
                "very great staff"
            });
            pol.push(Polarity::Positive);
            texts.push(if i % 2 == 0 {
                "awful service"
            } else {
                "not bad staff"
            });
            pol.push(Polarity::Negative);
        }
        // "not bad" is in negative texts here, so it is negative; "service" and
        // "staff" are even: not terms.
        let c = count(&texts, len);
        let s = SentimentSettings {
            min_support: 3,
            ..Default::default()
        };
        let got = mine_terms(&c, &pol, len, &s);
        let names: Vec<&str> = got.iter().map(|t| t.term.as_str()).collect();
        assert!(
            names.contains(&"great") && names.contains(&"awful"),
            "{names:?}"
        );
        assert!(!names.contains(&"service") && !names.contains(&"staff"));
        // "very great" is "great" again.
        assert!(!names.contains(&"very great"), "{names:?}");
        let great = got.iter().find(|t| t.term == "great").unwrap();
        assert!(great.weight > 2.0 && great.positive == 20 && great.negative == 0);
        let awful = got.iter().find(|t| t.term == "awful").unwrap();
        assert!(awful.weight < -1.5, "{awful:?}");
        // Positive terms first.
        assert!(got[0].weight > 0.0 && got.last().unwrap().weight < 0.0);
    }
}
