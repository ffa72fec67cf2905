//! Weights of the mined phrases, learned from the mining texts, and the driver's
//! minimum score.
//!
//! Mining ([`super::drivers`]) gives each label its candidate phrases, and each phrase a
//! first weight from its counts alone ([`MinedPhrase::weight`]). Counts cannot see how
//! phrases add up in one text: "credit score" is said by callers who want their score and
//! by callers who want to improve it, so its weight must leave room for "improve" to
//! decide, and a text that says two weak phrases of one label should reach that label.
//! So the weights are corrected on the mining texts themselves, the way a perceptron
//! learns (Collins 2002, averaged):
//!
//! - every text of a label must score at least `min_score + margin` for its label, and
//!   `margin` more than for any other label;
//! - every "no driver" text must score below `min_score - margin` for every label;
//! - when a text breaks one of these, the weights of the phrases it says go up by `step`
//!   for its own label and down by `step` (never below 0) for each label that came too
//!   close;
//! - texts are visited in the order of a hash of their text (labelled files are often
//!   sorted by label, which would let the last label win), `epochs` times, and the weight
//!   written is the mean over the epochs, which changes less with the order of the texts.
//!
//! The written driver then carries `min_score`: weak evidence alone (one phrase also said
//! for other reasons) finds no driver, which keeps texts about something else driverless.
//! Everything stays readable: a list of phrases, each with its weight, and one threshold.

use super::drivers::MinedPhrase;
use super::stats::Counts;
use std::collections::HashMap;

/// Settings of the weight learner.
#[derive(Debug, Clone)]
pub struct LearnSettings {
    /// The score a driver needs to be found (written as each driver's `min_score`).
    pub min_score: f64,
    /// How far beyond `min_score` (and ahead of every other label) a text's own label
    /// must score, and how far below `min_score` a "no driver" text must stay.
    pub margin: f64,
    /// How much one correction moves a weight.
    pub step: f64,
    /// Passes over the mining texts; 0 keeps the weights from the counts and writes no
    /// `min_score`.
    pub epochs: usize,
}

impl Default for LearnSettings {
    fn default() -> Self {
        LearnSettings {
            min_score: 4.0,
            margin: 3.0,
            step: 0.5,
            epochs: 5,
        }
    }
}

/// Learn the weights of `phrases` (per label, its mined phrases; `ids[l][k]` the phrase
/// id in `counts` of `phrases[l][k]`) on the texts of `counts`, whose labels are `gold`
/// (an index into `phrases`, or `None` for "no driver"). `keys` orders the visits (one
/// per text, e.g. a hash of it). Sets each phrase's `learned` weight, rounded to 0.1, and
/// removes the phrases whose weight rounds to 0.
pub fn learn_weights(
    counts: &Counts,
    gold: &[Option<u32>],
    keys: &[u64],
    phrases: &mut [Vec<MinedPhrase>],
    ids: &[Vec<u32>],
    s: &LearnSettings,
) {
    if s.epochs == 0 {
        return;
    }
    // Phrase id -> the (label, slot) weights it feeds.
    let mut feeds: HashMap<u32, Vec<(u32, u32)>> = HashMap::new();
    let mut w: Vec<Vec<f64>> = Vec::with_capacity(phrases.len());
    for (l, (ps, gs)) in phrases.iter().zip(ids).enumerate() {
        for (k, &g) in gs.iter().enumerate() {
            feeds.entry(g).or_default().push((l as u32, k as u32));
        }
        w.push(ps.iter().map(MinedPhrase::weight).collect());
    }
    let mut sum: Vec<Vec<f64>> = w.iter().map(|v| vec![0.0; v.len()]).collect();
    let mut order: Vec<usize> = (0..counts.docs.len()).collect();
    order.sort_by_key(|&i| (keys[i], i));
    let mut score = vec![0.0f64; phrases.len()];
    let mut fed: Vec<&[(u32, u32)]> = Vec::new();
    for _ in 0..s.epochs {
        for &i in &order {
            fed.clear();
            fed.extend(
                counts.docs[i]
                    .iter()
                    .filter_map(|g| feeds.get(g).map(Vec::as_slice)),
            );
            score.iter_mut().for_each(|x| *x = 0.0);
            for f in &fed {
                for &(l, k) in *f {
                    score[l as usize] += w[l as usize][k as usize];
                }
            }
            // Labels to push down: too close to the text's label, or (no driver) too
            // close to being found.
            let (up, bar) = match gold[i] {
                Some(y) => {
                    let sy = score[y as usize];
                    ((sy < s.min_score + s.margin).then_some(y), sy - s.margin)
                }
                None => (None, s.min_score - s.margin),
            };
            let down = |l: usize| Some(l as u32) != gold[i] && score[l] > bar;
            if up.is_none() && !(0..score.len()).any(down) {
                continue;
            }
            let up = up.or_else(|| gold[i].filter(|_| (0..score.len()).any(down)));
            for f in &fed {
                for &(l, k) in *f {
                    let x = &mut w[l as usize][k as usize];
                    if Some(l) == up {
                        *x += s.step;
                    } else if down(l as usize) {
                        *x = (*x - s.step).max(0.0);
                    }
                }
            }
        }
        for (acc, v) in sum.iter_mut().zip(&w) {
            for (a, x) in acc.iter_mut().zip(v) {
                *a += x;
            }
        }
    }
    for (ps, acc) in phrases.iter_mut().zip(&sum) {
        for (p, a) in ps.iter_mut().zip(acc) {
            p.learned = Some((a / s.epochs as f64 * 10.0).round() / 10.0);
        }
        ps.retain(|p| p.learned.is_some_and(|x| x > 0.0));
    }
}

/// Learn the weights of the mined phrases on the texts they were mined from (`rows`,
/// counted in `counts`; [`learn_weights`]), leave no phrase that finds two drivers on its
/// own ([`one_owner`]), then order each driver's phrases by weight, the strongest first,
/// as a QA lead reads them.
pub(super) fn learn_mined(
    mined: &mut [(&str, u32, Vec<MinedPhrase>)],
    rows: &[&super::input::Labelled],
    counts: &Counts,
    labels: &std::collections::BTreeSet<&str>,
    s: &LearnSettings,
) {
    if s.epochs == 0 {
        one_owner(mined, None);
        return;
    }
    let index: std::collections::BTreeMap<&str, u32> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| (*l, i as u32))
        .collect();
    let gold: Vec<Option<u32>> = rows
        .iter()
        .map(|r| index.get(r.label.as_str()).copied())
        .collect();
    let keys: Vec<u64> = rows
        .iter()
        .map(|r| xxhash_rust::xxh3::xxh3_64(r.text.as_bytes()))
        .collect();
    // The phrase id of each mined phrase: one pass over the phrases counted.
    let mut wanted: std::collections::HashMap<&str, u32> = mined
        .iter()
        .flat_map(|m| m.2.iter().map(|p| (p.phrase.as_str(), u32::MAX)))
        .collect();
    for (g, text) in counts.grams.iter().enumerate() {
        if let Some(id) = wanted.get_mut(&**text) {
            *id = g as u32;
        }
    }
    let ids: Vec<Vec<u32>> = mined
        .iter()
        .map(|m| m.2.iter().map(|p| wanted[p.phrase.as_str()]).collect())
        .collect();
    let mut phrases: Vec<Vec<MinedPhrase>> =
        mined.iter_mut().map(|m| std::mem::take(&mut m.2)).collect();
    learn_weights(counts, &gold, &keys, &mut phrases, &ids, s);
    for (m, ps) in mined.iter_mut().zip(phrases) {
        m.2 = ps;
    }
    one_owner(mined, Some(s.min_score));
    for m in mined.iter_mut() {
        m.2.sort_by(|a, b| {
            b.weight()
                .total_cmp(&a.weight())
                .then(b.z.total_cmp(&a.z))
                .then(a.phrase.cmp(&b.phrase))
        });
    }
}

/// No phrase may find two drivers on its own: a call saying only it would get both, and
/// `callscore check` warns (`shared-driver-phrase`). Phrases are compared as the rule
/// loader normalises them. Without a minimum score (`min_score` `None`) every phrase finds
/// its driver alone, so a phrase of several drivers stays only in the one where it is
/// most precise (then: the earlier label). With one, the phrase keeps its weight in the
/// driver where it weighs the most and weighs just under the minimum in the others, where
/// it still adds up with their other phrases.
fn one_owner(mined: &mut [(&str, u32, Vec<MinedPhrase>)], min_score: Option<f64>) {
    use std::collections::BTreeMap;
    let alone = |p: &MinedPhrase| {
        !p.phrase.contains(super::grams::PAIR_SEP) && min_score.is_none_or(|m| p.weight() >= m)
    };
    // Normalised phrase -> (driver, phrase index) of every phrase that finds its driver alone.
    let mut owners: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    for (d, m) in mined.iter().enumerate() {
        for (k, p) in m.2.iter().enumerate() {
            if alone(p) {
                owners
                    .entry(crate::normalize::normalize_phrase(&p.phrase))
                    .or_default()
                    .push((d, k));
            }
        }
    }
    let mut drop: Vec<(usize, usize)> = Vec::new();
    for claims in owners.values() {
        if claims.iter().all(|c| c.0 == claims[0].0) {
            continue;
        }
        let key = |&(d, k): &(usize, usize)| {
            let p = &mined[d].2[k];
            match min_score {
                None => p.precision(),
                Some(_) => p.weight(),
            }
        };
        // The heaviest (most precise) claim; ties go to the earlier driver.
        let best = claims
            .iter()
            .copied()
            .reduce(|a, b| if key(&b) > key(&a) { b } else { a })
            .expect("claims");
        drop.extend(claims.iter().filter(|c| c.0 != best.0));
    }
    match min_score {
        Some(m) => {
            let under = ((m * 10.0).ceil() - 1.0) / 10.0;
            for (d, k) in drop {
                mined[d].2[k].learned = Some(under);
            }
            for m in mined.iter_mut() {
                m.2.retain(|p| p.weight() > 0.0);
            }
        }
        None => {
            drop.sort_unstable();
            for (d, k) in drop.into_iter().rev() {
                mined[d].2.remove(k);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suggest::drivers::{DriverSettings, mine_label};
    use crate::suggest::grams::Lengths;
    use crate::suggest::stats::count;

    const WORDS: Lengths = Lengths {
        words: (1, 2),
        chars: (2, 3),
        pairs_within: None,
        stems: None,
    };

    /// Mine every label of `texts` (labels: `Some(index)`), learn, and return the
    /// learned phrases per label as (phrase, weight).
    fn learn(
        texts: &[&str],
        gold: &[Option<u32>],
        labels: usize,
        s: &LearnSettings,
    ) -> Vec<Vec<(String, f64)>> {
        let c = count(texts, WORDS);
        let ds = DriverSettings {
            min_precision: 0.3,
            min_precision_word: 0.3,
            min_z: f64::NEG_INFINITY,
            evidence_phrases: 100,
            max_phrases: 100,
            ..Default::default()
        };
        let mut phrases: Vec<Vec<MinedPhrase>> = (0..labels as u32)
            .map(|l| {
                let members: Vec<u32> = (0..texts.len() as u32)
                    .filter(|&i| gold[i as usize] == Some(l))
                    .collect();
                mine_label(&c, &members, texts.len() as u32, &ds)
            })
            .collect();
        let ids: Vec<Vec<u32>> = phrases
            .iter()
            .map(|ps| {
                ps.iter()
                    .map(|p| c.grams.iter().position(|g| **g == *p.phrase).unwrap() as u32)
                    .collect()
            })
            .collect();
        let keys: Vec<u64> = (0..texts.len() as u64).rev().collect();
        learn_weights(&c, gold, &keys, &mut phrases, &ids, s);
        phrases
            .into_iter()
            .map(|ps| {
                ps.into_iter()
                    .map(|p| (p.phrase, p.learned.unwrap()))
                    .collect()
            })
            .collect()
    }

    fn score(learned: &[(String, f64)], text: &str) -> f64 {
        let words: Vec<&str> = text.split(' ').collect();
        learned
            .iter()
            .filter(|(p, _)| {
                let pw: Vec<&str> = p.split(' ').collect();
                words.windows(pw.len()).any(|w| w == pw.as_slice())
            })
            .map(|(_, w)| w)
            .sum()
    }

    #[test]
    fn a_shared_phrase_leaves_the_decision_to_the_phrases_that_differ() {
        // "credit score" is said for both labels; "improve" only for the second.
        let texts = [
            "check credit score",
            "credit score now",
            "credit score please",
            "show credit score",
            "improve credit score",
            "improve credit score fast",
            "improve credit score soon",
            "improve my rating",
            "weather today",
            "credit union hours",
        ];
        let gold = [
            Some(0),
            Some(0),
            Some(0),
            Some(0),
            Some(1),
            Some(1),
            Some(1),
            Some(1),
            None,
            None,
        ];
        let s = LearnSettings::default();
        let got = learn(&texts, &gold, 2, &s);
        for (i, t) in texts.iter().enumerate() {
            let (a, b) = (score(&got[0], t), score(&got[1], t));
            match gold[i] {
                Some(0) => assert!(a >= s.min_score && a > b, "{t}: {a} {b} {got:?}"),
                Some(_) => assert!(b >= s.min_score && b > a, "{t}: {a} {b} {got:?}"),
                None => assert!(a < s.min_score && b < s.min_score, "{t}: {got:?}"),
            }
        }
        // Weights are rounded to 0.1 and none is 0.
        for (_, w) in got.iter().flatten() {
            assert!(
                *w > 0.0 && (w * 10.0 - (w * 10.0).round()).abs() < 1e-9,
                "{got:?}"
            );
        }
    }

    #[test]
    fn no_phrase_finds_two_drivers_on_its_own() {
        let p = |phrase: &str, support, others, learned| MinedPhrase {
            phrase: phrase.into(),
            support,
            others,
            new: 0,
            z: 1.0,
            learned,
        };
        let got = |m: &[(&str, u32, Vec<MinedPhrase>)]| -> Vec<Vec<(String, f64)>> {
            m.iter()
                .map(|d| d.2.iter().map(|p| (p.phrase.clone(), p.weight())).collect())
                .collect()
        };
        let pair = format!("credit{}score", crate::suggest::grams::PAIR_SEP);
        let mut m = vec![
            (
                "a",
                10,
                vec![
                    p("credit score", 9, 9, Some(4.5)),
                    p("score", 5, 5, Some(3.0)),
                    p(&pair, 9, 9, Some(4.5)),
                ],
            ),
            (
                "b",
                10,
                vec![
                    p("credit score", 9, 9, Some(5.0)),
                    p("score", 5, 5, Some(3.0)),
                    p("look up", 3, 0, Some(4.0)),
                    p(&pair, 9, 9, Some(4.5)),
                ],
            ),
            ("c", 10, vec![p("Look up!", 2, 0, Some(4.0))]),
        ];
        one_owner(&mut m, Some(4.0));
        let s = |x: &str, w: f64| (x.to_string(), w);
        assert_eq!(
            got(&m),
            [
                // Lighter than in b: just under the minimum. Below it anyway, or a pair
                // (never claimed alone by the check): unchanged.
                vec![s("credit score", 3.9), s("score", 3.0), s(&pair, 4.5)],
                vec![
                    s("credit score", 5.0),
                    s("score", 3.0),
                    s("look up", 4.0),
                    s(&pair, 4.5)
                ],
                // Written otherwise, the same phrase once normalised; the tie goes to b.
                vec![s("Look up!", 3.9)],
            ]
        );
        // Without a minimum every phrase finds its driver alone: the most precise keeps it.
        let mut m = vec![
            ("a", 10, vec![p("credit score", 9, 9, None)]),
            (
                "b",
                10,
                vec![p("credit score", 9, 3, None), p("lost card", 5, 0, None)],
            ),
        ];
        one_owner(&mut m, None);
        assert_eq!(m[0].2, []);
        let b: Vec<&str> = m[1].2.iter().map(|p| p.phrase.as_str()).collect();
        assert_eq!(b, ["credit score", "lost card"]);
    }

    #[test]
    fn no_epochs_keep_the_weights_from_the_counts() {
        let texts = [
            "freeze card",
            "freeze card now",
            "card limit",
            "card limit up",
        ];
        let gold = [Some(0), Some(0), Some(1), Some(1)];
        let s = LearnSettings {
            epochs: 0,
            ..Default::default()
        };
        let c = count(&texts, WORDS);
        let ds = DriverSettings {
            min_z: f64::NEG_INFINITY,
            ..Default::default()
        };
        let mut phrases = vec![mine_label(&c, &[0, 1], 4, &ds)];
        let before = phrases.clone();
        learn_weights(&c, &gold, &[0, 1, 2, 3], &mut phrases, &[vec![]], &s);
        assert_eq!(phrases, before);
        assert!(phrases[0].iter().all(|p| p.learned.is_none()));
    }

    #[test]
    fn learning_is_deterministic_and_keeps_texts_of_no_driver_below_the_minimum() {
        let texts = [
            "lost card",
            "card lost abroad",
            "lost my wallet and card",
            "card limit",
            "raise card limit",
            "limit too low",
            "hello there",
        ];
        let gold = [Some(0), Some(0), Some(0), Some(1), Some(1), Some(1), None];
        let a = learn(&texts, &gold, 2, &LearnSettings::default());
        let b = learn(&texts, &gold, 2, &LearnSettings::default());
        assert_eq!(a, b);
        // The text with no driver stays below the minimum for both labels.
        assert!(score(&a[0], "hello there") < 4.0 && score(&a[1], "hello there") < 4.0);
        assert!(score(&a[0], "lost card") >= 4.0, "{a:?}");
    }
}
