//! The matcher against a naive reference: on random text and phrases, the automaton
//! scan must find exactly the hits a brute-force leftmost-longest search finds.

use super::*;
use crate::normalize::{is_word_char, normalize, normalize_phrase};
use crate::rules::load_pack_str;
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
];
const SEPARATORS: &[&str] = &[" ", ", ", "! ", "  ", "", "\u{200C}", "。"];

/// Count leftmost-longest non-overlapping matches with word boundaries, by brute force.
fn naive_count(text: &str, phrases: &[String]) -> usize {
    let ok_before = |i: usize| match (text[..i].chars().next_back(), text[i..].chars().next()) {
        (Some(p), Some(f)) => !(is_word_char(p) && is_word_char(f)),
        _ => true,
    };
    let ok_after = |i: usize| ok_before(i);
    let mut count = 0;
    let mut i = 0;
    while i < text.len() {
        let best = phrases
            .iter()
            .filter(|p| {
                !p.is_empty()
                    && text[i..].starts_with(p.as_str())
                    && ok_before(i)
                    && ok_after(i + p.len())
            })
            .map(|p| p.len())
            .max();
        match best {
            Some(len) => {
                count += 1;
                i += len;
            }
            None => i += text[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    count
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
    prop::collection::vec(prop::collection::vec(0..VOCAB.len(), 1..3), 1..5).prop_map(|ps| {
        ps.into_iter()
            .map(|p| p.iter().map(|&i| VOCAB[i]).collect::<Vec<_>>().join(" "))
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn automaton_scan_equals_naive_search(text in text_strategy(), phrases in phrases_strategy()) {
        let list = phrases.iter().map(|p| format!("{p:?}")).collect::<Vec<_>>().join(", ");
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
        let norm_phrases: Vec<String> = phrases.iter().map(|p| normalize_phrase(p)).collect();
        let norm = normalize(&text);
        prop_assert_eq!(scan.leaf_hits[0].len(), naive_count(&norm.text, &norm_phrases), "text {:?} normalised {:?}", text, norm.text);
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
