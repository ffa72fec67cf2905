//! Emoticons found on the original text, and terms of weight 0 that mask the words
//! inside them: what a rule writer relies on when listing `[lexicon.emoticons]` or
//! `"您好" = 0`.

use super::*;
use crate::rules::load_pack_str;
use crate::transcript::{Call, Format, Metadata, Speaker, Turn};

pub(super) fn customer(text: &str) -> Call {
    Call {
        call_id: "c".into(),
        source: "s".into(),
        source_line: None,
        format: Format::PlainText,
        metadata: Metadata::default(),
        turns: vec![Turn {
            speaker: Speaker::Customer,
            label: None,
            text: text.to_string(),
            start_ms: Some(0),
            end_ms: Some(1),
            line: None,
        }],
        times_estimated: false,
    }
}

pub(super) fn pack(toml: &str) -> Pack {
    let loaded = load_pack_str("p.toml", toml);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    loaded.pack.expect("pack compiles")
}

/// (compound, terms) of a one-turn call.
pub(super) fn score(p: &Pack, text: &str) -> (f32, u32) {
    let mut scan = Scan::new(p);
    scan_call(p, &customer(text), &mut scan);
    (scan.sentiment[0].compound, scan.sentiment[0].terms)
}

pub(super) fn squash(s: f32) -> f32 {
    s / (s * s + 15.0).sqrt()
}

const EMOTICONS: &str = r#"
[lexicon]
negators = ["not"]
contrast = ["but"]
[lexicon.terms]
happy = 2.0
[lexicon.emoticons]
":)" = 2.0
":-)" = 2.5
":(" = -2.0
":/" = -1.0
":D" = 3.0
"😡" = -3.0
"#;

#[test]
fn emoticons_count_as_terms_where_they_stand() {
    let p = pack(EMOTICONS);
    assert_eq!(score(&p, "ok :)"), (squash(2.0), 1));
    assert_eq!(
        score(&p, "ok:)"),
        (0.0, 0),
        "after a letter it is not a smile"
    );
    assert_eq!(
        score(&p, ":) ok"),
        (squash(2.0), 1),
        "at the start of a turn"
    );
    assert_eq!(
        score(&p, ":)happy"),
        (squash(4.0), 2),
        "next to a word: both count"
    );
    assert_eq!(
        score(&p, "ok :-)"),
        (squash(2.5), 1),
        "the longest emoticon wins"
    );
    assert_eq!(score(&p, "😡😡"), (squash(-6.0), 2), "emoji stand anywhere");
    assert_eq!(score(&p, "late again😡"), (squash(-3.0), 1));
    assert_eq!(
        score(&p, "see http://x.org/a"),
        (0.0, 0),
        "not the :/ of a URL"
    );
    assert_eq!(score(&p, "great :D"), (squash(3.0), 1));
    assert_eq!(
        score(&p, "re :Dear"),
        (0.0, 0),
        "a letter emoticon must end there"
    );
    let (neg, n) = score(&p, "not :)");
    assert!(
        (neg - squash(2.0 * -0.74)).abs() < 1e-6 && n == 1,
        "negated: {neg}"
    );
    let (c, n) = score(&p, "happy :( but :)");
    assert!(
        (c - squash(2.0 * 0.5 - 2.0 * 0.5 + 2.0 * 1.5)).abs() < 1e-6 && n == 3,
        "contrast weighs emoticons like words: {c}"
    );
}

#[test]
fn emoticon_evidence_points_at_the_emoticon() {
    let p = pack(EMOTICONS);
    let text = "fine :( really";
    let mut scan = Scan::new(&p);
    scan_call(&p, &customer(text), &mut scan);
    let (range, w) = scan.sentiment[0]
        .most_negative
        .clone()
        .expect("a negative term");
    assert_eq!(w, -2.0);
    let quoted = &text[range.start as usize..range.end as usize];
    assert!(quoted.contains(":("), "{quoted:?}");
}

#[test]
fn a_term_of_weight_zero_masks_the_words_inside_it_and_is_not_a_term() {
    let p = pack(
        r#"
[lexicon]
negators = ["无"]
[lexicon.terms]
"好" = 1.0
"您好" = 0.0
"噪音" = -2.0
"无线" = 0.0
"#,
    );
    assert_eq!(score(&p, "您好"), (0.0, 0), "a mask alone: no sentiment");
    assert_eq!(score(&p, "好"), (squash(1.0), 1));
    assert_eq!(score(&p, "您好，好"), (squash(1.0), 1));
    let (c, n) = score(&p, "几乎无噪音");
    assert!(
        (c - squash(2.0 * 0.74)).abs() < 1e-6 && n == 1,
        "negated: {c}"
    );
    assert_eq!(
        score(&p, "无线噪音"),
        (squash(-2.0), 1),
        "无 inside the mask 无线 negates nothing"
    );
}

#[test]
fn emoticons_with_a_space_or_a_weight_out_of_range_are_reported() {
    let loaded = load_pack_str(
        "p.toml",
        "[lexicon]\n[lexicon.emoticons]\n\": )\" = 1.0\n\":(\" = -9.0\n",
    );
    let msgs: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| d.message.clone())
        .collect();
    assert!(loaded.pack.is_none(), "{msgs:?}");
    assert!(
        msgs.iter()
            .any(|m| m.contains("emoticon \": )\" is empty or has a space")),
        "{msgs:?}"
    );
    assert!(msgs.iter().any(|m| m.contains("emoticon ':('")), "{msgs:?}");
}

#[test]
fn a_negator_or_intensifier_alone_counts_its_alone_weight() {
    let p = pack(
        r#"
[lexicon]
negators = ["没有", "不"]
intensifiers = { "太" = 1.5, "很" = 1.3 }
contrast = ["但是"]
alone = { "没有" = -0.8, "太" = -1.0 }
[lexicon.terms]
"满意" = 2.0
"有没有" = 0
"#,
    );
    assert_eq!(
        score(&p, "没有驱动盘"),
        (squash(-0.8), 1),
        "nothing to negate"
    );
    assert_eq!(score(&p, "太草率"), (squash(-1.0), 1));
    assert_eq!(score(&p, "很草率"), (0.0, 0), "no alone weight given");
    assert_eq!(score(&p, "不草率"), (0.0, 0));
    assert_eq!(
        score(&p, "有没有驱动盘"),
        (0.0, 0),
        "a mask keeps it silent"
    );
    let (c, n) = score(&p, "没有满意");
    assert!(
        (c - squash(2.0 * -0.74)).abs() < 1e-6 && n == 1,
        "it acted: {c}"
    );
    assert_eq!(score(&p, "太满意"), (squash(3.0), 1), "it acted");
    let (c, n) = score(&p, "没有驱动盘，满意");
    assert!(
        (c - squash(2.0 - 0.8)).abs() < 1e-6 && n == 2,
        "cut off by the comma: {c}"
    );
    let (c, n) = score(&p, "满意但是太贵");
    assert!(
        (c - squash(2.0 * 0.5 - 1.0 * 1.5)).abs() < 1e-6 && n == 2,
        "contrast: {c}"
    );
    // A negator does not reach across a contrast word; unused, it weighs alone.
    let (c, n) = score(&p, "没有但是满意");
    assert!(
        (c - squash(2.0 * 1.5 - 0.8 * 0.5)).abs() < 1e-6 && n == 2,
        "across contrast: {c}"
    );
    let (c, n) = score(&p, "不但是满意");
    assert!(
        (c - squash(2.0 * 1.5)).abs() < 1e-6 && n == 1,
        "across contrast, no alone weight: {c}"
    );
    // Two negators in a row: the first negates nothing, the second negates 满意.
    let (c, n) = score(&p, "没有没有满意");
    assert!(
        (c - squash(2.0 * -0.74 - 0.8)).abs() < 1e-6 && n == 2,
        "{c}"
    );
    let mut scan = Scan::new(&p);
    scan_call(&p, &customer("太草率了"), &mut scan);
    let (range, w) = scan.sentiment[0].most_negative.clone().unwrap();
    assert_eq!((range, w), (0..3, -1.0), "evidence: the word that counted");
}

#[test]
fn alone_must_name_a_negator_or_intensifier_of_the_lexicon() {
    let loaded = load_pack_str(
        "p.toml",
        "[lexicon]\nnegators = [\"not\"]\nalone = { \"not\" = -0.5, \"never\" = -1.0 }\n",
    );
    let msgs: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    assert!(
        msgs[0].contains("\"never\" in `alone` is not a negator or intensifier"),
        "{msgs:?}"
    );
}
