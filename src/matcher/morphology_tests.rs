//! `[lexicon] suffixes` and `negators_after`: the two rules a rule writer uses for a
//! language that puts endings on words and negation after them (Persian: «کیفیت خوبی»
//! "a good quality", «خوبه» "it is good", «خوب نبود» "it was not good").

use super::lexicon_tests::{pack, score, squash};
use super::*;
use crate::rules::{load_pack, load_pack_str};

/// (compound, terms) of `text`, compared to an expected sum of weights.
fn assert_sum(p: &Pack, text: &str, sum: f32, terms: u32) {
    let (c, n) = score(p, text);
    assert!(
        (c - squash(sum)).abs() < 1e-6 && n == terms,
        "{text}: got ({c}, {n}), want ({}, {terms})",
        squash(sum)
    );
}

const SUFFIXES: &str = r#"
[lexicon]
language = "fa"
suffixes = ["ی", "ه", "یه"]
[lexicon.terms]
"خوب" = 2.0
"خوبه" = 1.0
"بد" = -2.0
"کیفیت پایین" = -1.5
"عالی*" = 3.0
"#;

#[test]
fn a_term_takes_the_suffixes_of_its_language() {
    let p = pack(SUFFIXES);
    assert_sum(&p, "کیفیت خوبی داره", 2.0, 1);
    assert_sum(&p, "خوبیه", 2.0, 1);
    assert_sum(&p, "خوب", 2.0, 1);
    assert_sum(&p, "خوبه", 1.0, 1);
    assert_eq!(score(&p, "خوبتر"), (0.0, 0), "not a listed suffix");
    assert_eq!(
        score(&p, "ناخوب"),
        (0.0, 0),
        "the start of the word stays closed"
    );
    assert_eq!(score(&p, "خوبیهها"), (0.0, 0), "one suffix, not two");
    assert_eq!(
        score(&p, "بدی بده بدن"),
        (0.0, 0),
        "a word of fewer than three letters takes none"
    );
    assert_sum(&p, "کیفیت پایینه", -1.5, 1);
    assert_sum(&p, "عالیه", 3.0, 1);
    // The evidence covers the whole word.
    let mut scan = Scan::new(&p);
    scan_call(&p, &lexicon_tests::customer("یه خوبی"), &mut scan);
    let (range, w) = scan.sentiment[0].most_positive.clone().unwrap();
    assert_eq!((range, w), (5..13, 2.0));
}

#[test]
fn a_term_written_out_wins_over_the_same_word_made_with_a_suffix() {
    let p = pack(SUFFIXES);
    // «خوبه» is listed (1.0): the listed weight counts, not «خوب» (2.0) + «ه».
    assert_sum(&p, "خیلی خوبه", 1.0, 1);
    assert_sum(&p, "خوبه خوبی", 3.0, 2);
}

#[test]
fn suffixes_apply_to_every_lexicon_of_their_language_only() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.toml"),
        "[lexicon]\nlanguage = \"fa\"\nsuffixes = [\"ی\", \"s\"]\n[lexicon.terms]\n\"خوب\" = 2.0\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.toml"),
        "[lexicon]\nlanguage = \"fa\"\nsuffixes = \"ه\"\n[lexicon.terms]\n\"زیبا\" = 2.0\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("c.toml"),
        "[lexicon]\nlanguage = \"en\"\n[lexicon.terms]\n\"cat\" = 1.0\n",
    )
    .unwrap();
    let loaded = load_pack(dir.path()).unwrap();
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let p = loaded.pack.unwrap();
    assert_eq!(p.tables.suffixes, vec![vec!["ی", "s", "ه"]]);
    assert_sum(&p, "زیبای", 2.0, 1);
    assert_sum(&p, "خوبه", 2.0, 1);
    assert_eq!(score(&p, "cats"), (0.0, 0), "English terms take no suffix");
}

#[test]
fn a_suffix_must_be_one_piece_of_a_word() {
    let loaded = load_pack_str(
        "p.toml",
        "[lexicon]\nlanguage = \"fa\"\nsuffixes = [\"ی\", \"\", \"ها ی\", \"ه*\", \"!\"]\n",
    );
    let msgs: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| d.message.clone())
        .collect();
    assert!(loaded.pack.is_none(), "{msgs:?}");
    assert_eq!(msgs.len(), 4, "{msgs:?}");
    for s in ["\"\"", "\"ها ی\"", "\"ه*\"", "\"!\""] {
        assert!(
            msgs.iter()
                .any(|m| m == &format!("suffix {s} is not one piece of a word")),
            "{s}: {msgs:?}"
        );
    }
}

const AFTER: &str = r#"
[lexicon]
language = "fa"
negators = ["هیچ"]
negators_after = ["نبود", "نیست*"]
contrast = ["اما"]
suffixes = ["ی"]
[lexicon.terms]
"خوب" = 2.0
"بد" = -2.0
"مشکل" = -1.5
"بد نبود" = 0.8
"خوش" = 0
"#;

#[test]
fn a_negator_after_flips_the_nearest_term_before_it() {
    let p = pack(AFTER);
    assert_sum(&p, "خوب بود", 2.0, 1);
    assert_sum(&p, "خوب نبود", 2.0 * -0.74, 1);
    assert_sum(&p, "کیفیت خوبی نیستش", 2.0 * -0.74, 1);
    assert_sum(&p, "خوب بازی نبود", 2.0 * -0.74, 1);
    assert_sum(&p, "خوب یک دو نبود", 2.0 * -0.74, 1);
    assert_sum(&p, "خوب یک دو سه نبود", 2.0, 1);
    assert_sum(&p, "خوب، نبود", 2.0, 1);
    assert_sum(&p, "نبود خوب", 2.0, 1);
    assert_sum(&p, "خوب و مشکل نبود", 2.0 + -1.5 * -0.74, 2);
    assert_sum(&p, "بد نبود", 0.8, 1);
    assert_sum(&p, "خوب خوش نبود", 2.0 * -0.74, 1);
    assert_sum(&p, "خوب نبود نبود", 2.0 * -0.74, 1);
    // Not back across a contrast word: "good, but it was not [cheap]".
    assert_sum(&p, "خوب اما نبود", 2.0 * 0.5, 1);
    assert_sum(&p, "خوب اما بد نبود", 2.0 * 0.5 + 0.8 * 1.5, 2);
}

#[test]
fn a_term_is_negated_once_however_many_negators_reach_it() {
    let p = pack(AFTER);
    // «هیچ مشکلی نبود»: "no problem there was not" — Persian doubles the negation.
    assert_sum(&p, "هیچ مشکلی نبود", -1.5 * -0.74, 1);
    assert_sum(&p, "هیچ مشکلی", -1.5 * -0.74, 1);
}

#[test]
fn the_shipped_persian_lexicon_reads_endings_and_verb_negation() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let p = load_pack(&root).unwrap().pack.unwrap();
    for (text, positive) in [
        ("کیفیت خوبی داره", true),
        ("کیفیتش خوب نبود", false),
        ("اصلا راضی نیستم", false),
        ("هیچ مشکلی نداشتم", true),
        ("فیلم ضعیفی بود", false),
        ("خیلی خوبه", true),
    ] {
        let (c, _) = score(&p, text);
        assert!(
            c != 0.0 && (c > 0.0) == positive,
            "{text}: {c}, want {}",
            if positive { "positive" } else { "negative" }
        );
    }
}
