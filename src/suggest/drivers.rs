//! Mining driver phrases: for each label, the phrases that best separate its texts
//! from every other text (the other labels and the "no driver" texts together).
//!
//! 1. Candidates: phrases of the label's texts found in at least `min_support` of them,
//!    with precision (the share of all texts containing the phrase that carry the
//!    label) at least `min_precision` and log-odds z-score ([`super::stats`]) at least
//!    `min_z`. Below a precision of one half a phrase can be a candidate of two labels
//!    ("credit score" for "credit score" and "improve credit score"): its weights, learned
//!    on the mining texts ([`super::learn`]), then leave the choice to the phrases that
//!    differ.
//! 2. Greedy cover: repeatedly take the candidate that finds the most texts of the
//!    label not found yet, weighted by its precision (ties: higher z, then the phrase
//!    in byte order), until no candidate finds a new text or `max_phrases` are taken.
//!    This keeps the list short and readable: "transfer money" is not added after
//!    "transfer" found all its texts.

use super::grams::Stems;
use super::stats::{Counts, group_df, log_odds};

/// Settings of the driver miner.
#[derive(Debug, Clone)]
pub struct DriverSettings {
    /// Fewest texts of the label a phrase must appear in.
    pub min_support: u32,
    /// Smallest share of the texts containing a phrase that carry the label.
    pub min_precision: f64,
    /// The same for a phrase of one word: a single word is more often said for other
    /// reasons than the labelled texts show ("rate", "order", "stop"), so it must be
    /// nearly exclusive to its label.
    pub min_precision_word: f64,
    /// Smallest log-odds z-score.
    pub min_z: f64,
    /// Most phrases per driver.
    pub max_phrases: usize,
    /// After the cover, up to this many more phrases per driver (within `max_phrases`):
    /// the strongest remaining candidates. They find no new text, but a text holding two
    /// phrases of its driver then outweighs one phrase of another driver, because the
    /// primary driver is the one whose found phrases weigh the most ([`MinedPhrase::weight`]).
    pub evidence_phrases: usize,
    /// Prior strength `a0` of the statistic.
    pub prior: f64,
    /// Also word stems as candidates (`transfer*`, [`Stems`]); `None` (the default): none.
    /// On the development set they found a few more texts of the labels and, with stems
    /// of 4 characters, twice as many unrelated texts (docs/suggest.md).
    pub stems: Option<Stems>,
}

impl Default for DriverSettings {
    fn default() -> Self {
        DriverSettings {
            min_support: 2,
            min_precision: 0.3,
            min_precision_word: 0.5,
            min_z: 2.0,
            max_phrases: 200,
            evidence_phrases: 200,
            prior: 10.0,
            stems: None,
        }
    }
}

/// One mined phrase of a driver.
#[derive(Debug, Clone, PartialEq)]
pub struct MinedPhrase {
    /// The phrase (normalised, as the matcher sees it).
    pub phrase: String,
    /// Mining texts of the label that contain it.
    pub support: u32,
    /// Mining texts of other labels (or of no driver) that contain it.
    pub others: u32,
    /// Texts of the label it found that no phrase before it had found.
    pub new: u32,
    /// Log-odds z-score against every other text.
    pub z: f64,
    /// The weight learned on the mining texts ([`super::learn`]), when it was.
    pub learned: Option<f64>,
}

impl MinedPhrase {
    /// support / (support + others) on the mining texts.
    pub fn precision(&self) -> f64 {
        self.support as f64 / (self.support + self.others).max(1) as f64
    }

    /// What the phrase adds to its driver's score when a call says it (its `weight` in
    /// the rule): the learned weight when there is one, else its weight from the counts
    /// alone, `ln((support + 1) / (others + 1))`, rounded to 0.1, at least 0.1. A
    /// phrase said in 90 texts of the label and no other weighs 4.5, one in 20 texts of
    /// the label and 5 others 1.3: when a call says phrases of two drivers, the driver
    /// whose phrases are more exclusive to it becomes the primary one, not the one that
    /// happens to have more phrases in the text.
    pub fn weight(&self) -> f64 {
        if let Some(w) = self.learned {
            return w;
        }
        let w = ((self.support as f64 + 1.0) / (self.others as f64 + 1.0)).ln();
        ((w * 10.0).round() / 10.0).max(0.1)
    }
}

/// Mine the phrases of one label. `members` are the mining texts with the label (indices
/// into `counts.docs`), `total` the number of mining texts of every label.
pub fn mine_label(
    counts: &Counts,
    members: &[u32],
    total: u32,
    s: &DriverSettings,
) -> Vec<MinedPhrase> {
    let n_a = members.len() as u32;
    let n_b = total - n_a;
    let min_precision = s.min_precision;
    let mut cands: Vec<(u32, MinedPhrase)> = Vec::new();
    for (g, y_a) in group_df(counts, members) {
        if y_a < s.min_support.max(1) {
            continue;
        }
        let y_b = counts.df[g as usize] - y_a;
        let p = y_a as f64 / (y_a + y_b) as f64;
        let phrase = &counts.grams[g as usize];
        let one_word = !phrase.contains([' ', super::grams::PAIR_SEP])
            && !phrase.chars().any(crate::normalize::is_cjk);
        if p < min_precision || (one_word && p < s.min_precision_word) {
            continue;
        }
        let lo = log_odds(y_a, n_a, y_b, n_b, s.prior);
        if lo.z < s.min_z {
            continue;
        }
        cands.push((
            g,
            MinedPhrase {
                phrase: counts.grams[g as usize].to_string(),
                support: y_a,
                others: y_b,
                new: 0,
                z: lo.z,
                learned: None,
            },
        ));
    }
    // Postings: which of the label's texts each candidate is in (label-local indices).
    let index: std::collections::HashMap<u32, usize> = cands
        .iter()
        .enumerate()
        .map(|(i, (g, _))| (*g, i))
        .collect();
    let mut postings: Vec<Vec<u32>> = vec![Vec::new(); cands.len()];
    for (local, &d) in members.iter().enumerate() {
        for g in &counts.docs[d as usize] {
            if let Some(&ci) = index.get(g) {
                postings[ci].push(local as u32);
            }
        }
    }
    let mut covered = vec![false; members.len()];
    let mut taken = vec![false; cands.len()];
    let mut out = Vec::new();
    while out.len() < s.max_phrases {
        let mut best: Option<(usize, u32, f64)> = None;
        for (ci, (_, c)) in cands.iter().enumerate() {
            if taken[ci] {
                continue;
            }
            let gain = postings[ci]
                .iter()
                .filter(|&&l| !covered[l as usize])
                .count() as u32;
            if gain == 0 {
                continue;
            }
            let value = gain as f64 * c.precision();
            let better = match best {
                None => true,
                Some((bi, _, bv)) => {
                    let b = &cands[bi].1;
                    value > bv
                        || (value == bv && (c.z > b.z || (c.z == b.z && c.phrase < b.phrase)))
                }
            };
            if better {
                best = Some((ci, gain, value));
            }
        }
        let Some((ci, gain, _)) = best else { break };
        taken[ci] = true;
        for &l in &postings[ci] {
            covered[l as usize] = true;
        }
        let mut p = cands[ci].1.clone();
        p.new = gain;
        out.push(p);
    }
    // Evidence: the remaining candidates by z (then support, then phrase), new = 0.
    let mut rest: Vec<usize> = (0..cands.len()).filter(|&ci| !taken[ci]).collect();
    rest.sort_by(|&a, &b| {
        let (x, y) = (&cands[a].1, &cands[b].1);
        y.z.total_cmp(&x.z)
            .then(y.support.cmp(&x.support))
            .then(x.phrase.cmp(&y.phrase))
    });
    let room = s.max_phrases.saturating_sub(out.len());
    out.extend(
        rest.into_iter()
            .take(s.evidence_phrases.min(room))
            .map(|ci| cands[ci].1.clone()),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suggest::grams::Lengths;
    use crate::suggest::stats::{count, log_odds};

    const LEN: Lengths = Lengths {
        words: (1, 2),
        chars: (2, 3),
        pairs_within: None,
        stems: None,
    };

    #[test]
    fn weight_is_the_smoothed_log_ratio_of_label_to_other_texts() {
        let w = |support, others| {
            MinedPhrase {
                phrase: String::new(),
                support,
                others,
                new: 0,
                z: 0.0,
                learned: None,
            }
            .weight()
        };
        assert_eq!(w(90, 0), 4.5); // ln 91 = 4.51
        assert_eq!(w(20, 5), 1.3); // ln 3.5 = 1.25
        assert_eq!(w(2, 0), 1.1); // ln 3 = 1.10
        assert_eq!(w(7, 1), 1.4); // ln 4 = 1.39
        assert_eq!(w(3, 3), 0.1, "never below 0.1"); // ln 1 = 0
        assert!(w(50, 0) > w(20, 0) && w(10, 1) < w(10, 0));
    }

    #[test]
    fn a_stem_finds_the_texts_of_every_inflection() {
        let texts = [
            "transfer money",
            "transfers pending",
            "transferred yesterday",
            "money transferred",
            "lost card",
            "card lost again",
            "weather",
        ];
        let len = Lengths {
            stems: Some(crate::suggest::grams::Stems {
                min_chars: 4,
                max_ending: 2,
            }),
            ..LEN
        };
        let s = DriverSettings {
            min_z: f64::NEG_INFINITY,
            evidence_phrases: 0,
            ..Default::default()
        };
        let got = mine_label(&count(&texts, len), &[0, 1, 2, 3], 7, &s);
        assert_eq!(got[0].phrase, "transfer*", "{got:?}");
        assert_eq!((got[0].support, got[0].others, got[0].new), (4, 0, 4));
        assert_eq!(got.len(), 1, "{got:?}");
        // Without stems, no phrase is in more than two of the four texts.
        let plain = mine_label(&count(&texts, LEN), &[0, 1, 2, 3], 7, &s);
        assert!(plain.iter().all(|p| p.support <= 2), "{plain:?}");
    }

    #[test]
    fn picks_the_distinctive_phrases_and_leaves_shared_ones() {
        let texts = [
            "please freeze my card",
            "freeze the card now",
            "i need to freeze my card",
            "card got stolen, freeze it",
            "what is my card limit",
            "raise the card limit",
            "card limit too low",
            "how is the weather",
        ];
        let c = count(&texts, LEN);
        let s = DriverSettings {
            min_z: 0.0,
            evidence_phrases: 0,
            ..Default::default()
        };
        let freeze = mine_label(&c, &[0, 1, 2, 3], 8, &s);
        let phrases: Vec<&str> = freeze.iter().map(|p| p.phrase.as_str()).collect();
        // "freeze" finds all four texts at once; "card" is in the other label too.
        assert_eq!(phrases, ["freeze"]);
        assert_eq!(freeze[0].support, 4);
        assert_eq!(freeze[0].new, 4);
        assert_eq!(freeze[0].others, 0);
        let limit = mine_label(&c, &[4, 5, 6], 8, &s);
        assert_eq!(limit[0].phrase, "card limit");
        assert!(limit.iter().all(|p| p.phrase != "card"));
    }

    #[test]
    fn evidence_phrases_follow_the_cover_strongest_first_within_the_limits() {
        let texts = [
            "freeze card now",
            "freeze card please",
            "freeze card today",
            "freeze it",
            "card limit",
            "limit please",
        ];
        let c = count(&texts, LEN);
        // The precisions of a miner without learned weights: no phrase of two labels.
        let s = |evidence_phrases, max_phrases| DriverSettings {
            min_precision: 0.7,
            min_precision_word: 0.95,
            min_z: 0.0,
            evidence_phrases,
            max_phrases,
            ..Default::default()
        };
        let got = |e, m| -> Vec<(String, u32, u32)> {
            mine_label(&c, &[0, 1, 2, 3], 6, &s(e, m))
                .into_iter()
                .map(|p| (p.phrase, p.support, p.new))
                .collect()
        };
        let cover = got(0, 40);
        assert_eq!(cover, [("freeze".to_string(), 4, 4)]);
        // After the cover, the only other candidate: "freeze card" (3 texts; "card" is
        // in a text of the other label, "please" too, the rest are in one text only).
        let more = got(2, 40);
        assert_eq!(
            more,
            [
                ("freeze".to_string(), 4, 4),
                ("freeze card".to_string(), 3, 0),
            ],
            "{more:?}"
        );
        assert_eq!(got(1, 40), more, "one evidence phrase");
        assert_eq!(got(2, 1), cover, "max_phrases bounds the evidence too");
        assert_eq!(got(100, 100), more, "no other candidate");
    }

    #[test]
    fn evidence_phrases_come_strongest_first() {
        // Label texts 0-5; other texts 6-7. After "refund" covers every label text, the
        // rest come by z: "refund my" is a stop-ended phrase, so not a candidate.
        let texts = [
            "refund order late",
            "refund order late",
            "refund order late",
            "refund order",
            "refund parcel",
            "refund parcel",
            "weather today",
            "order pizza",
        ];
        let c = count(&texts, LEN);
        let s = DriverSettings {
            min_precision: 0.7,
            min_precision_word: 0.9,
            min_z: 0.0,
            evidence_phrases: 10,
            ..Default::default()
        };
        let got = mine_label(&c, &[0, 1, 2, 3, 4, 5], 8, &s);
        let names: Vec<&str> = got.iter().map(|p| p.phrase.as_str()).collect();
        assert_eq!(names[0], "refund");
        assert_eq!(got[0].new, 6);
        assert!(got[1..].iter().all(|p| p.new == 0), "{got:?}");
        let z: Vec<f64> = got[1..].iter().map(|p| p.z).collect();
        assert!(z.windows(2).all(|w| w[0] >= w[1]), "{names:?} {z:?}");
        // "refund order" (4 texts) before "refund parcel" (2 texts); "order" is in the
        // other label's text too (precision 4/5 < 0.9 for one word).
        let pos = |p: &str| names.iter().position(|n| *n == p);
        assert!(
            pos("refund order").unwrap() < pos("refund parcel").unwrap(),
            "{names:?}"
        );
        assert_eq!(pos("order"), None, "{names:?}");
    }

    #[test]
    fn z_is_against_every_other_text_and_a_shared_phrase_needs_a_low_precision() {
        let texts = [
            "lost card abroad",
            "lost card today",
            "card abroad",
            "lost card again",
            "lost card please",
            "weather",
        ];
        let c = count(&texts, LEN);
        // "lost card": in 2 texts of the label and 2 others (precision exactly 0.5), a
        // candidate of both labels when the precision asked for allows it.
        let at = |min_precision| DriverSettings {
            min_precision,
            min_precision_word: 0.0,
            min_z: f64::NEG_INFINITY,
            evidence_phrases: 100,
            ..Default::default()
        };
        let strict = mine_label(&c, &[0, 1, 2], 6, &at(0.51));
        assert!(strict.iter().all(|p| p.phrase != "lost card"), "{strict:?}");
        let loose = at(0.5);
        let got = mine_label(&c, &[0, 1, 2], 6, &loose);
        let lost = got
            .iter()
            .find(|p| p.phrase == "lost card")
            .expect("{got:?}");
        assert_eq!((lost.support, lost.others), (2, 2));
        let other = mine_label(&c, &[3, 4, 5], 6, &loose);
        assert!(other.iter().any(|p| p.phrase == "lost card"), "{other:?}");
        // "abroad": 2 of the 3 texts of the label, none of the 3 others.
        let abroad = got.iter().find(|p| p.phrase == "abroad").expect("{got:?}");
        assert_eq!((abroad.support, abroad.others), (2, 0));
        assert_eq!(abroad.z, log_odds(2, 3, 0, 3, loose.prior).z);
    }

    #[test]
    fn only_a_single_word_needs_the_word_precision() {
        let texts = [
            "card limit low",
            "card limit high",
            "card limit now",
            "card limit up",
            "card limit",
        ];
        let c = count(&texts, LEN);
        let phrases = |min_precision, min_precision_word| -> Vec<String> {
            let s = DriverSettings {
                min_precision,
                min_precision_word,
                min_z: f64::NEG_INFINITY,
                evidence_phrases: 100,
                ..Default::default()
            };
            mine_label(&c, &[0, 1, 2, 3], 5, &s)
                .into_iter()
                .map(|p| p.phrase)
                .collect()
        };
        let has = |v: &[String], p: &str| v.iter().any(|x| x == p);
        // "card limit", "card" and "limit": 4 of their 5 texts carry the label (0.8).
        // Two words: 0.7 is enough; one word needs the word precision.
        let got = phrases(0.7, 0.9);
        assert!(has(&got, "card limit") && !has(&got, "card"), "{got:?}");
        let got = phrases(0.85, 0.9);
        assert!(!has(&got, "card limit"), "{got:?}");
        // Exactly at the threshold is enough.
        let got = phrases(0.8, 0.9);
        assert!(has(&got, "card limit") && !has(&got, "card"), "{got:?}");
        let got = phrases(0.7, 0.8);
        assert!(has(&got, "card") && has(&got, "limit"), "{got:?}");
    }

    #[test]
    fn the_cover_weighs_new_texts_by_precision_and_stops_at_max_phrases() {
        // Label texts 0-4. "card stuck": 4 label texts and 3 others (precision 4/7);
        // "atm ate" (and "atm", "ate"): 3 label texts, no other. By new texts × precision
        // they (3) come before "card stuck" (2.29); by new texts alone they would not.
        let texts = [
            "card stuck atm ate",
            "card stuck atm ate",
            "card stuck atm ate",
            "card stuck",
            "swallowed whole",
            "card stuck x",
            "card stuck y",
            "card stuck z",
        ];
        let c = count(&texts, LEN);
        let s = |max_phrases| DriverSettings {
            min_precision: 0.55,
            min_precision_word: 1.0,
            min_z: f64::NEG_INFINITY,
            max_phrases,
            evidence_phrases: 0,
            ..Default::default()
        };
        let got: Vec<(String, u32)> = mine_label(&c, &[0, 1, 2, 3, 4], 8, &s(40))
            .into_iter()
            .map(|p| (p.phrase, p.new))
            .collect();
        // "atm", "ate" and "atm ate" tie (same texts, same z): byte order picks "ate".
        assert_eq!(got[0], ("ate".to_string(), 3), "{got:?}");
        assert_eq!(got[1], ("card stuck".to_string(), 1), "{got:?}");
        assert_eq!(mine_label(&c, &[0, 1, 2, 3, 4], 8, &s(1)).len(), 1);
    }

    #[test]
    fn cover_ties_go_to_the_higher_z_then_byte_order() {
        // After "ff" (5 texts), "qq" and "pp" each find 2 new texts at precision 1: a tie
        // that "qq" wins by its higher z (4 texts against 2), though "pp" sorts first.
        let texts = [
            "ff", "ff", "ff", "ff qq", "ff qq", "qq", "qq", "pp", "pp", "zz",
        ];
        let words = Lengths {
            words: (1, 1),
            chars: (2, 2),
            pairs_within: None,
            stems: None,
        };
        let c = count(&texts, words);
        let s = DriverSettings {
            min_z: f64::NEG_INFINITY,
            evidence_phrases: 0,
            ..Default::default()
        };
        let got: Vec<String> = mine_label(&c, &[0, 1, 2, 3, 4, 5, 6, 7, 8], 10, &s)
            .into_iter()
            .map(|p| p.phrase)
            .collect();
        assert_eq!(got, ["ff", "qq", "pp"]);
    }

    #[test]
    fn a_candidate_needs_the_smallest_z() {
        let texts = ["lost card", "lost card", "lost card", "lost wallet", "x y"];
        let c = count(&texts, LEN);
        let z = log_odds(3, 4, 0, 1, 10.0).z;
        let mine = |min_z| -> Vec<String> {
            let s = DriverSettings {
                min_z,
                evidence_phrases: 100,
                ..Default::default()
            };
            mine_label(&c, &[0, 1, 2, 3], 5, &s)
                .into_iter()
                .map(|p| p.phrase)
                .collect()
        };
        // "lost card" and "card": in 3 of the 4 label texts, not in the other text.
        assert!(
            mine(z).contains(&"lost card".to_string()),
            "exactly z is enough"
        );
        assert!(!mine(z + 1e-9).contains(&"lost card".to_string()));
    }

    #[test]
    fn support_precision_and_count_limits_hold() {
        let texts = [
            "refund please",
            "refund now",
            "wrong refund",
            "refund",
            "x y",
        ];
        let c = count(&texts, LEN);
        let strict = DriverSettings {
            min_support: 5,
            min_z: 0.0,
            ..Default::default()
        };
        assert!(mine_label(&c, &[0, 1, 2, 3], 5, &strict).is_empty());
        let one = DriverSettings {
            max_phrases: 1,
            min_z: 0.0,
            ..Default::default()
        };
        assert_eq!(mine_label(&c, &[0, 1, 2, 3], 5, &one).len(), 1);
        // "refund" is also in text 3 of another label: precision 3/4 < 0.8.
        let precise = DriverSettings {
            min_precision: 0.8,
            min_z: 0.0,
            ..Default::default()
        };
        let got = mine_label(&c, &[0, 1, 2], 5, &precise);
        assert!(got.iter().all(|p| p.phrase != "refund"), "{got:?}");
        assert!(
            (MinedPhrase {
                phrase: String::new(),
                support: 3,
                others: 1,
                new: 0,
                z: 0.0,
                learned: None,
            }
            .precision()
                - 0.75)
                .abs()
                < 1e-12
        );
    }
}
