//! The matcher against a naive reference: on random text and phrases, the automaton
//! scan must find exactly the hits a brute-force leftmost-longest search finds.

use super::*;
use crate::normalize::{Normalized, normalize, normalize_phrase};
use crate::rules::load_pack_str;
use crate::rules::pack::{LeafKind, Target};
use crate::transcript::{Format, Metadata, Speaker, Turn};
use proptest::prelude::*;

const VOCAB: &[&str] = &[
    "thank",
    "you",
    "for",
    "calling",
    "Cancel",
    "cancellation",
    "退款",
    "您好",
    "好",
    "مشتری",
    "می",
    "خواهم",
    "ok",
    "a",
    // marks inside words, scripts without spaces
    "नमस्ते",
    "नमस",
    "İstanbul",
    "i",
    "café",
    "cafe\u{301}s",
    "二〇〇八年",
    "〇八年",
    "สวัสดี",
    "ดี",
];
const SEPARATORS: &[&str] = &[" ", ", ", "! ", "  ", "", "\u{200C}", "。", ". ", "4.5 "];

/// A character inside a word, as the rule guide defines it (written out here rather
/// than taken from the matcher): a letter, digit, `_` or combining mark (general
/// category M) of a space-separated script; the scripts without spaces have none.
fn word_char(c: char) -> bool {
    static WORD: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = WORD.get_or_init(|| regex::Regex::new(r"^[\p{Alphabetic}\p{N}\p{M}_]$").unwrap());
    !crate::normalize::is_cjk(c) && re.is_match(c.encode_utf8(&mut [0; 4]))
}

/// Leftmost-longest non-overlapping hits with word boundaries, by brute force: at each
/// position, every phrase is tried; a `*` side needs no boundary and extends the hit
/// to the whole word. Among the candidates starting at or after the end of the last
/// hit, the leftmost wins, then the longest.
fn naive_hits(text: &str, phrases: &[String]) -> Vec<Range<usize>> {
    let boundary = |i: usize| match (text[..i].chars().next_back(), text[i..].chars().next()) {
        (Some(p), Some(f)) => !(word_char(p) && word_char(f)),
        _ => true,
    };
    let mut candidates = Vec::new();
    for p in phrases {
        let left_open = p.starts_with('*');
        let right_open = p.len() > 1 && p.ends_with('*');
        let core = normalize_phrase(p.trim_matches('*'));
        if core.is_empty() {
            continue;
        }
        // Every occurrence, overlapping ones too.
        for i in (0..text.len())
            .filter(|&i| text.is_char_boundary(i) && text[i..].starts_with(core.as_str()))
        {
            let e = i + core.len();
            if !(left_open || boundary(i)) || !(right_open || boundary(e)) {
                continue;
            }
            let mut s2 = i;
            while left_open && text[..s2].chars().next_back().is_some_and(word_char) {
                s2 -= text[..s2].chars().next_back().unwrap().len_utf8();
            }
            let mut e2 = e;
            while right_open && text[e2..].chars().next().is_some_and(word_char) {
                e2 += text[e2..].chars().next().unwrap().len_utf8();
            }
            candidates.push(s2..e2);
        }
    }
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut from = 0;
    while let Some(best) = candidates
        .iter()
        .filter(|r| r.start >= from)
        .min_by_key(|r| (r.start, std::cmp::Reverse(r.end)))
        .cloned()
    {
        from = best.end.max(best.start + 1);
        out.push(best);
    }
    out
}

fn text_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec((0..VOCAB.len(), 0..SEPARATORS.len(), any::<bool>()), 0..30).prop_map(
        |parts| {
            parts
                .into_iter()
                .map(|(w, s, upper)| {
                    let w = if upper {
                        VOCAB[w].to_uppercase()
                    } else {
                        VOCAB[w].to_string()
                    };
                    format!("{w}{}", SEPARATORS[s])
                })
                .collect()
        },
    )
}

fn phrases_strategy() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(
        (
            prop::collection::vec(0..VOCAB.len(), 1..3),
            any::<bool>(),
            any::<bool>(),
        ),
        1..5,
    )
    .prop_map(|ps| {
        ps.into_iter()
            .map(|(p, left, right)| {
                let words = p.iter().map(|&i| VOCAB[i]).collect::<Vec<_>>().join(" ");
                // A `*` on some phrases (about one side in four).
                let l = if left && p[0] % 2 == 0 { "*" } else { "" };
                let r = if right && p[p.len() - 1] % 2 == 1 {
                    "*"
                } else {
                    ""
                };
                format!("{l}{words}{r}")
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn automaton_scan_equals_naive_search(text in text_strategy(), phrases in phrases_strategy()) {
        let list = phrases.iter().map(|p| toml_str(p)).collect::<Vec<_>>().join(", ");
        let toml = format!("[[item]]\nid = \"x\"\nsection = \"s\"\nrequire = {{ any = [{list}] }}\n");
        let checked = load_pack_str("p.toml", &toml);
        let pack = checked.pack.expect("pack compiles");
        let call = Call {
            call_id: "c".into(), source: "s".into(), source_line: None, format: Format::PlainText,
            metadata: Metadata::default(),
            turns: vec![Turn { speaker: Speaker::Agent, label: None, text: text.clone(), start_ms: Some(0), end_ms: Some(1), line: None }],
            times_estimated: false,
        };
        let mut scan = Scan::new(&pack);
        scan_call(&pack, &call, &mut scan);
        let norm = normalize(&text);
        let found: Vec<Range<usize>> = scan.leaf_hits[0].iter().map(|h| h.norm.start as usize..h.norm.end as usize).collect();
        prop_assert_eq!(found, naive_hits(&norm.text, &phrases), "text {:?} normalised {:?}", text, norm.text);
        // Every hit's original range quotes text that normalises to the phrase.
        for h in &scan.leaf_hits[0] {
            let quoted = &text[h.orig.start as usize..h.orig.end as usize];
            prop_assert_eq!(normalize_phrase(quoted), norm.text[h.norm.start as usize..h.norm.end as usize].to_string());
        }
    }
}

#[test]
fn words_between_counts_words_and_cjk_chars() {
    assert_eq!(words_between("may i put you on hold", 5, 17), 3);
    assert_eq!(words_between("请稍等一下可以吗", 9, 15), 2);
    assert_eq!(words_between("abc", 2, 1), 0);
}

/// The dedupe as first written: each hit compared with every hit kept before it
/// (quadratic in the hits of a turn). The reference for [`dedupe_turn_hits`].
fn dedupe_reference(hits: &mut Vec<Hit>, turn: u32, kind: LeafKind) {
    let start = hits
        .iter()
        .rposition(|h| h.turn != turn)
        .map_or(0, |i| i + 1);
    let tail = &mut hits[start..];
    if tail.len() < 2 {
        return;
    }
    tail.sort_by(|a, b| {
        a.norm
            .start
            .cmp(&b.norm.start)
            .then(b.norm.end.cmp(&a.norm.end))
            .then(a.phrase.cmp(&b.phrase))
    });
    let mut kept: Vec<Hit> = Vec::with_capacity(tail.len());
    for h in tail.iter() {
        let overlaps = kept
            .iter()
            .rev()
            .any(|k| (kind != LeafKind::All || k.phrase == h.phrase) && k.norm.end > h.norm.start);
        if !overlaps {
            kept.push(h.clone());
        }
    }
    hits.truncate(start);
    hits.extend(kept);
}

fn hit(turn: u32, phrase: u32, norm: Range<u32>) -> Hit {
    Hit {
        turn,
        phrase,
        orig: norm.start * 2..norm.end * 2,
        norm,
    }
}

const KINDS: [LeafKind; 3] = [LeafKind::Any, LeafKind::All, LeafKind::Regex];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]
    /// Same hits kept, in the same order, as the quadratic reference, for every kind,
    /// with earlier turns' hits left alone; empty ranges (regexes) included.
    #[test]
    fn dedupe_keeps_what_the_quadratic_reference_keeps(
        earlier in prop::collection::vec((0u32..3, 0u32..30, 0u32..6), 0..4),
        raw in prop::collection::vec((0u32..4, 0u32..40, 0u32..9), 0..40),
        kind in 0..KINDS.len(),
    ) {
        let kind = KINDS[kind];
        let mut hits: Vec<Hit> = earlier.iter().map(|&(p, s, l)| hit(0, p, s..s + l)).collect();
        hits.extend(raw.iter().map(|&(p, s, l)| hit(1, p, s..s + l)));
        let mut want = hits.clone();
        dedupe_reference(&mut want, 1, kind);
        let mut got = hits;
        let mut ends = vec![7; 3]; // a dirty reused buffer
        dedupe_turn_hits(&mut got, 1, kind, &mut ends);
        prop_assert_eq!(got, want);
    }
}

#[test]
fn dedupe_keeps_leftmost_longest_across_phrases_and_per_phrase_for_all() {
    // "thank you for calling" (0..21) covers "thank you" (0..9) and "for calling"
    // (10..21); "calling acme" (14..26) overlaps the kept hit; "acme" (22..26) does not.
    let hits = || {
        vec![
            hit(0, 0, 0..9),
            hit(0, 1, 0..21),
            hit(0, 2, 10..21),
            hit(0, 3, 14..26),
            hit(0, 4, 22..26),
        ]
    };
    let mut any = hits();
    dedupe_turn_hits(&mut any, 0, LeafKind::Any, &mut Vec::new());
    assert_eq!(any, vec![hit(0, 1, 0..21), hit(0, 4, 22..26)]);
    // For `all`, each phrase counts on its own: only a phrase's own hits compete.
    let mut all = hits();
    all.push(hit(0, 0, 5..12)); // overlaps phrase 0's hit 0..9: dropped
    all.push(hit(0, 0, 9..12)); // touches it: kept
    dedupe_turn_hits(&mut all, 0, LeafKind::All, &mut Vec::new());
    assert_eq!(
        all,
        vec![
            hit(0, 1, 0..21),
            hit(0, 0, 0..9),
            hit(0, 0, 9..12),
            hit(0, 2, 10..21),
            hit(0, 3, 14..26),
            hit(0, 4, 22..26),
        ]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    /// The one-pass index counts exactly what walking the text counts, for every pair
    /// of indexed positions (also positions inside a character or past the end).
    #[test]
    fn word_index_counts_what_words_between_counts(
        text in text_strategy(),
        picks in prop::collection::vec(0usize..200, 0..12),
    ) {
        let norm = normalize(&text).text;
        let positions: Vec<u32> = picks.iter().map(|&p| p.min(norm.len() + 2) as u32).collect();
        let index = WordIndex::new(&norm, &mut positions.clone());
        for &a in &positions {
            for &b in &positions {
                prop_assert_eq!(
                    index.between(a, b),
                    words_between(&norm, a as usize, b as usize),
                    "{:?} {}..{}", norm, a, b
                );
            }
        }
    }
}

/// Sentiment of a turn as first written: each term looks at every negator and
/// intensifier before it, walking the text between them to count words (quadratic in
/// the hits of a turn). The reference for `sentiment::score_turn`.
fn score_turn_reference(
    orig: &str,
    text: &str,
    hits: &mut [(Range<u32>, Target)],
    negation_window: u32,
    norm: &Normalized,
) -> TurnSentiment {
    if hits.is_empty() {
        return TurnSentiment::default();
    }
    // Empty ranges (emoticons) first at a position, then longest first.
    hits.sort_by(|a, b| {
        (a.0.start, a.0.start != a.0.end, std::cmp::Reverse(a.0.end)).cmp(&(
            b.0.start,
            b.0.start != b.0.end,
            std::cmp::Reverse(b.0.end),
        ))
    });
    let mut kept: Vec<(Range<u32>, Target)> = Vec::new();
    for (r, t) in hits.iter() {
        if kept.last().is_none_or(|(k, _)| k.end <= r.start) {
            kept.push((r.clone(), *t));
        }
    }
    let hits = kept;
    // The break between kept hit `k - 1` and kept hit `k`.
    let gap = |k: usize| {
        sentiment::gap_kind(
            orig,
            norm,
            hits[k - 1].0.end.min(hits[k].0.start),
            hits[k].0.start,
        )
    };
    // Whether any break of at least `kind` lies between kept hits `a` and `b`.
    let broken = |a: usize, b: usize, sentence_only: bool| {
        (a.min(b) + 1..=a.max(b)).any(|k| match gap(k) {
            sentiment::Gap::Sentence => true,
            sentiment::Gap::Clause => !sentence_only,
            sentiment::Gap::None => false,
        })
    };
    let is = |k: usize, t: Target| hits[k].1 == t;
    let contrast_factor = |i: usize| {
        let same_sentence = |k: usize| !broken(k, i, true);
        let conceding = (0..i).any(|c| {
            is(c, Target::Concession)
                && !broken(c, i, false)
                && !(c + 1..i).any(|k| is(k, Target::Contrast))
        });
        if conceding {
            0.5
        } else if (0..i).any(|k| is(k, Target::Contrast)) {
            1.5
        } else if (i + 1..hits.len()).any(|k| is(k, Target::Contrast)) {
            0.5
        } else if (0..hits.len()).any(|k| is(k, Target::Concession) && same_sentence(k)) {
            1.5
        } else {
            1.0
        }
    };
    let mut sum = 0.0f32;
    let mut out = TurnSentiment::default();
    let mut acted = vec![false; hits.len()];
    let mut add = |w: f32, index: usize, range: &Range<u32>, out: &mut TurnSentiment| {
        let w = w * contrast_factor(index);
        sum += w;
        out.terms += 1;
        let orig = norm.orig_range(range.start as usize..range.end as usize);
        let orig = orig.start as u32..orig.end as u32;
        if w < 0.0 && out.most_negative.as_ref().is_none_or(|(_, m)| w < *m) {
            out.most_negative = Some((orig.clone(), w));
        }
        if w > 0.0 && out.most_positive.as_ref().is_none_or(|(_, m)| w > *m) {
            out.most_positive = Some((orig, w));
        }
    };
    for (i, (range, target)) in hits.iter().enumerate() {
        // Weight 0: a mask, not a term.
        let Target::Term(weight) = *target else {
            continue;
        };
        if weight == 0.0 {
            continue;
        }
        let mut w = weight;
        let before = &hits[..i];
        // A contrast or concession word among the kept hits from index `a` to `b`
        // (exclusive).
        let contrast_between = |a: usize, b: usize| {
            hits[a..b]
                .iter()
                .any(|(_, t)| matches!(t, Target::Contrast | Target::Concession))
        };
        let reaches = |k: usize| {
            let r = &hits[k].0;
            r.end <= range.start
                && words_between(text, r.end as usize, range.start as usize)
                    < negation_window.max(1)
                && !sentiment::clause_break(orig, norm, r.end, range.start)
                && !contrast_between(k + 1, i)
        };
        // A negator of `negators_after` later in the turn, with no other term between
        // (the term is the nearest one before it), that reaches back to this term.
        let negated_after = hits[i + 1..].iter().enumerate().any(|(j, (r, t))| {
            *t == Target::NegatorAfter
                && !hits[i + 1..i + 1 + j]
                    .iter()
                    .any(|(_, t)| matches!(t, Target::Term(w) if *w != 0.0))
                && words_between(text, range.end as usize, r.start as usize)
                    < negation_window.max(1)
                && !sentiment::clause_break(orig, norm, range.end, r.start)
                && !contrast_between(i + 1, i + 1 + j)
        });
        let negated = before
            .iter()
            .enumerate()
            .any(|(k, (_, t))| matches!(t, Target::Negator(_)) && reaches(k));
        if negated || negated_after {
            w *= -0.74;
        }
        // The nearest negator acted on this term if it reaches it.
        if let Some(k) = before
            .iter()
            .rposition(|(_, t)| matches!(t, Target::Negator(_)))
            && reaches(k)
        {
            acted[k] = true;
        }
        if let Some(k) = before.iter().rposition(|(r, t)| {
            matches!(t, Target::Intensifier(..))
                && r.end <= range.start
                && words_between(text, r.end as usize, range.start as usize) <= 1
        }) {
            let Target::Intensifier(m, _) = hits[k].1 else {
                unreachable!()
            };
            w *= m;
            // Only the nearest intensifier can act.
            if !before[k + 1..]
                .iter()
                .any(|(_, t)| matches!(t, Target::Intensifier(..)))
            {
                acted[k] = true;
            }
        }
        add(w, i, range, &mut out);
    }
    // Negators and intensifiers that acted on nothing, in text order.
    for (k, (range, target)) in hits.iter().enumerate() {
        let a = match *target {
            Target::Negator(a) | Target::Intensifier(_, a) => a,
            _ => continue,
        };
        if a != 0.0 && !acted[k] {
            add(a, k, range, &mut out);
        }
    }
    if out.terms > 0 {
        out.compound = sum / (sum * sum + 15.0).sqrt();
    }
    out
}

const TARGETS: [Target; 12] = [
    Target::Term(2.0),
    Target::Term(0.0),
    Target::Term(-3.0),
    Target::Term(0.5),
    Target::Negator(0.0),
    Target::Negator(-0.8),
    Target::NegatorAfter,
    Target::Intensifier(1.5, 0.0),
    Target::Intensifier(0.7, -0.6),
    Target::Intensifier(1.3, 0.4),
    Target::Contrast,
    Target::Concession,
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]
    /// Looking only at the nearest negator and intensifier gives exactly what looking
    /// at all of them gives (same weights, same order of sums, same moments).
    #[test]
    fn sentiment_equals_the_quadratic_reference(
        text in text_strategy(),
        raw in prop::collection::vec((0usize..60, 0usize..6, 0..TARGETS.len()), 0..25),
        window in 0u32..5,
    ) {
        let norm = normalize(&text);
        let bounds: Vec<u32> = (0..=norm.text.len())
            .filter(|&i| norm.text.is_char_boundary(i))
            .map(|i| i as u32)
            .collect();
        if bounds.len() < 2 {
            return Ok(());
        }
        let last = bounds.len() - 1;
        let hits: Vec<(Range<u32>, Target)> = raw
            .iter()
            .map(|&(s, l, t)| {
                let s = s % last;
                (bounds[s]..bounds[(s + l).min(last)], TARGETS[t])
            })
            .collect();
        let want = score_turn_reference(&text, &norm.text, &mut hits.clone(), window, &norm);
        let got = sentiment::score_turn(&text, &norm.text, &mut hits.clone(), window, &norm);
        // Exactly: the same weights added in the same order (terms in text order, then
        // lone negators and intensifiers in text order), to the last bit.
        prop_assert_eq!(got, want, "{:?} {:?}", norm.text, hits);
    }
}

/// Hits of `phrases` (one `any` leaf) in one agent turn `text`, as matched text.
fn matched(phrases: &[&str], text: &str) -> Vec<String> {
    let list = phrases
        .iter()
        .map(|p| toml_str(p))
        .collect::<Vec<_>>()
        .join(", ");
    let toml = format!("[[item]]\nid = \"x\"\nsection = \"s\"\nrequire = {{ any = [{list}] }}\n");
    let pack = load_pack_str("p.toml", &toml).pack.expect("pack compiles");
    let call = Call {
        call_id: "c".into(),
        source: "s".into(),
        source_line: None,
        format: Format::PlainText,
        metadata: Metadata::default(),
        turns: vec![Turn {
            speaker: Speaker::Agent,
            label: None,
            text: text.into(),
            start_ms: Some(0),
            end_ms: Some(1),
            line: None,
        }],
        times_estimated: false,
    };
    let mut scan = Scan::new(&pack);
    scan_call(&pack, &call, &mut scan);
    scan.leaf_hits[0]
        .iter()
        .map(|h| text[h.orig.start as usize..h.orig.end as usize].to_string())
        .collect()
}

#[test]
fn chinese_numerals_and_iteration_marks_need_no_word_boundary() {
    assert_eq!(matched(&["〇八年"], "我二〇〇八年买的"), ["〇八年"]);
    assert_eq!(matched(&["二〇〇八"], "是 二 〇 〇 八 年"), ["二 〇 〇 八"]);
    assert_eq!(matched(&["人々"], "多くの人々が"), ["人々"]);
}

#[test]
fn a_combining_mark_continues_the_word_before_it() {
    // Devanagari: the virama and vowel signs are inside the word.
    assert!(matched(&["नमस"], "नमस्ते जी").is_empty());
    assert_eq!(matched(&["नमस्ते"], "नमस्ते जी"), ["नमस्ते"]);
    assert_eq!(matched(&["नमस*"], "नमस्ते जी"), ["नमस्ते"]);
    // İ folds to i + U+0307: the dot keeps "i" from matching on its own.
    assert!(matched(&["i"], "İstanbul").is_empty());
    assert_eq!(matched(&["i"], "I went to İstanbul"), ["I"]);
    // A mark with no precomposed form (q + dot above) also keeps the word going.
    assert!(matched(&["q"], "q\u{307}ueue").is_empty());
    assert_eq!(matched(&["*ueue"], "q\u{307}ueue"), ["q\u{307}ueue"]);
}

#[test]
fn thai_needs_no_word_boundary_or_space_after_a_vowel_or_tone_mark() {
    // The space after the vowel mark of ดี goes, so a phrase written without it matches.
    assert_eq!(matched(&["ดีครับ"], "สวัสดี ครับ"), ["ดี ครับ"]);
    assert_eq!(matched(&["ได้ค่ะ"], "ได้ ค่ะ"), ["ได้ ค่ะ"]);
    assert_eq!(matched(&["ครับ"], "สวัสดีครับ"), ["ครับ"]);
}

/// `p` as a TOML basic string (Rust's `{:?}` escapes combining marks as `\u{…}`,
/// which TOML does not read).
fn toml_str(p: &str) -> String {
    format!("\"{}\"", p.replace('\\', "\\\\").replace('"', "\\\""))
}

fn agent_call(turns: &[&str]) -> Call {
    Call {
        call_id: "c".into(),
        source: "s".into(),
        source_line: None,
        format: Format::PlainText,
        metadata: Metadata::default(),
        turns: turns
            .iter()
            .map(|t| Turn {
                speaker: Speaker::Agent,
                label: None,
                text: t.to_string(),
                start_ms: Some(0),
                end_ms: Some(1),
                line: None,
            })
            .collect(),
        times_estimated: false,
    }
}

fn spans(scan: &Scan, leaf: usize) -> Vec<(u32, Range<u32>)> {
    scan.leaf_hits[leaf]
        .iter()
        .map(|h| (h.turn, h.orig.clone()))
        .collect()
}

#[test]
fn overlapping_hits_of_phrases_and_regexes_are_deduped_once_in_every_turn() {
    let pack = load_pack_str(
        "p.toml",
        r#"
[[item]]
id = "phrases"
section = "s"
require = { any = ["hold", "hold on", "on hold", "please hold"] }
[[item]]
id = "regexes"
section = "s"
require = { regex = ['\d+', '\d{3}', '\d{2}'] }
"#,
    )
    .pack
    .expect("pack compiles");
    let call = agent_call(&["please hold on, 12345", "on hold on hold 678", "12"]);
    let mut scan = Scan::new(&pack);
    scan_call(&pack, &call, &mut scan);
    assert_eq!(
        spans(&scan, 0),
        [(0, 0..11), (1, 0..7), (1, 8..15)],
        "longest first, no overlap"
    );
    assert_eq!(spans(&scan, 1), [(0, 16..21), (1, 16..19), (2, 0..2)]);
    // The last turn's leaves were each deduped once: one entry per leaf.
    assert_eq!(scan.touched, [1]);
    let call = agent_call(&["please hold 12345 on hold"]);
    scan_call(&pack, &call, &mut scan);
    assert_eq!(scan.touched, [0, 1]);
}

#[test]
fn a_scan_buffer_is_resized_for_another_pack() {
    let small = load_pack_str(
        "p.toml",
        "[[item]]\nid = \"a\"\nsection = \"s\"\nrequire = { any = [\"hold\"] }\n",
    )
    .pack
    .expect("pack compiles");
    let big = load_pack_str(
        "p.toml",
        "[[item]]\nid = \"a\"\nsection = \"s\"\nrequire = { any = [\"x\"] }\n\
         [[item]]\nid = \"b\"\nsection = \"s\"\nrequire = { any = [\"hold\"] }\n",
    )
    .pack
    .expect("pack compiles");
    let call = agent_call(&["please hold"]);
    for mut scan in [Scan::default(), Scan::new(&small)] {
        scan_call(&big, &call, &mut scan);
        assert_eq!(scan.leaf_hits.len(), 2);
        assert_eq!(spans(&scan, 1), [(0, 7..11)]);
    }
}

#[test]
fn uses_of_one_pattern_keep_their_own_ranges() {
    // "退款" needs no boundary, so "*退款" also extends over the Latin word before it:
    // one automaton pattern, two uses, two different ranges.
    let pack = load_pack_str(
        "p.toml",
        r#"
[[item]]
id = "exact"
section = "s"
require = { any = ["退款"] }
[[item]]
id = "open"
section = "s"
require = { any = ["*退款"] }
"#,
    )
    .pack
    .expect("pack compiles");
    let call = agent_call(&["abc退款 ok"]);
    let mut scan = Scan::new(&pack);
    scan_call(&pack, &call, &mut scan);
    assert_eq!(spans(&scan, 0), [(0, 3..9)]);
    assert_eq!(spans(&scan, 1), [(0, 0..9)]);
}

#[test]
fn wildcard_hits_extend_over_their_own_word() {
    // "cd" (4..6) is found first and extends over its word; "b cd ef" ends later but
    // starts in an earlier word, "xab", and extends over that one.
    let pack = load_pack_str(
        "p.toml",
        r#"
[[item]]
id = "one"
section = "s"
require = { any = ["*cd"] }
[[item]]
id = "two"
section = "s"
require = { any = ["*b cd ef"] }
"#,
    )
    .pack
    .expect("pack compiles");
    let call = agent_call(&["xab cd ef xcd"]);
    let mut scan = Scan::new(&pack);
    scan_call(&pack, &call, &mut scan);
    assert_eq!(spans(&scan, 0), [(0, 4..6), (0, 10..13)]);
    assert_eq!(spans(&scan, 1), [(0, 0..9)]);
}
