//! Contrast and concession words, and the clause and sentence that bound a concession:
//! what a rule writer relies on when listing `contrast = […]` and `concession = […]`.

use super::lexicon_tests::{pack, score, squash};

const LEXICON: &str = r#"
[lexicon]
negators = ["not", "不"]
contrast = ["but", "但是"]
concession = ["although", "虽然"]
[lexicon.terms]
good = 2.0
great = 3.0
loud = -1.2
bored = -2.0
"贵" = -1.5
"好吃" = 2.5
"#;

/// Each case: (text, expected sum of weighted terms, terms counted, why).
fn check(cases: &[(&str, f32, u32, &str)]) {
    let p = pack(LEXICON);
    for &(text, sum, terms, why) in cases {
        let got = score(&p, text);
        assert!(
            (got.0 - squash(sum)).abs() < 1e-6 && got.1 == terms,
            "{why}: {text:?} got {got:?}, want {} from {sum} over {terms} terms",
            squash(sum)
        );
    }
}

#[test]
fn after_a_contrast_word_terms_weigh_more_and_before_it_less() {
    check(&[
        ("good but loud", 2.0 * 0.5 - 1.2 * 1.5, 2, "but"),
        ("贵但是好吃", -1.5 * 0.5 + 2.5 * 1.5, 2, "但是"),
    ]);
}

#[test]
fn the_first_contrast_word_weighs_the_whole_turn() {
    check(&[
        (
            "great. good but loud",
            (3.0 + 2.0) * 0.5 - 1.2 * 1.5,
            3,
            "an earlier sentence counts half",
        ),
        (
            "good but loud! great",
            2.0 * 0.5 + (-1.2 + 3.0) * 1.5,
            3,
            "a later sentence counts 1.5x",
        ),
        (
            "好吃。但是贵",
            2.5 * 0.5 - 1.5 * 1.5,
            2,
            "可是 or 但是 opening a sentence turns the story",
        ),
        (
            "good but loud but great",
            2.0 * 0.5 + (-1.2 + 3.0) * 1.5,
            3,
            "only the first one counts",
        ),
    ]);
}

#[test]
fn a_concession_clause_weighs_less_and_the_rest_of_its_sentence_more() {
    check(&[
        (
            "good, although loud",
            2.0 * 1.5 - 1.2 * 0.5,
            2,
            "the main clause is the point",
        ),
        (
            "although loud, good",
            -1.2 * 0.5 + 2.0 * 1.5,
            2,
            "the concession first",
        ),
        (
            "although loud and bored",
            (-1.2 - 2.0) * 0.5,
            2,
            "the clause runs to its end",
        ),
        (
            "although loud. good",
            -1.2 * 0.5 + 2.0,
            2,
            "a full stop before a space ends the sentence",
        ),
        (
            "although loud\ngood",
            -1.2 * 0.5 + 2.0,
            2,
            "so does a line break",
        ),
        (
            "although loud 4.5 good",
            (-1.2 + 2.0) * 0.5,
            2,
            "a decimal point ends nothing",
        ),
        ("虽然贵，好吃", -1.5 * 0.5 + 2.5 * 1.5, 2, "虽然"),
        (
            "虽然贵但是好吃",
            -1.5 * 0.5 + 2.5 * 1.5,
            2,
            "a contrast word ends the concession",
        ),
        (
            "great. good, although loud",
            3.0 + 2.0 * 1.5 - 1.2 * 0.5,
            3,
            "another sentence is untouched",
        ),
        (
            "although not good, great",
            2.0 * -0.74 * 0.5 + 3.0 * 1.5,
            2,
            "a negator inside the clause still negates",
        ),
        (
            "not although good",
            2.0 * 0.5,
            1,
            "but does not reach across the concession word",
        ),
    ]);
}

#[test]
fn punctuation_between_two_chinese_words_is_read_from_the_original_text() {
    // Normalised Chinese keeps no space between characters, so the end of one word and
    // the start of the next are one position; the 。 or ， between them is only in the
    // original text.
    check(&[
        ("不好吃", 2.5 * -0.74, 1, "negated"),
        ("不，好吃", 2.5, 1, "a comma stops the negator"),
        (
            "虽然贵。好吃",
            -1.5 * 0.5 + 2.5,
            2,
            "。 ends the sentence that grants something",
        ),
    ]);
}
