//! Candidate phrases of one text: word n-grams for space-separated scripts, character
//! n-grams for Chinese (and the other scripts written without spaces).
//!
//! Texts go through the matcher's own normalisation ([`crate::normalize`]) and every
//! candidate is a substring of the normalised text made of whole tokens, so a phrase
//! written into a rule matches exactly the texts it was counted in: word boundaries
//! in English and Persian, none needed between Chinese characters.
//!
//! Stop phrases: a candidate may not start or end with a function word ("the", "my",
//! "را", "的"), nor contain a number (amounts and dates are not reasons). Negators are
//! not function words here: "not working" and "不好" are phrases a QA lead wants.

use crate::normalize::is_cjk;

/// How long candidates are, in tokens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lengths {
    /// Shortest and longest word n-gram (space-separated scripts).
    pub words: (usize, usize),
    /// Shortest and longest character n-gram (Chinese).
    pub chars: (usize, usize),
    /// Also word pairs: two different content words (not function words, not numbers)
    /// of a space-separated script with at most this many words between them, written
    /// `first\tsecond` (words in byte order; a tab never occurs in normalised text).
    /// They become `near` conditions: "limit" near "credit" finds "the limit on my
    /// credit card" as well as "credit limit".
    pub pairs_within: Option<usize>,
}

/// Separates the two words of a pair candidate.
pub const PAIR_SEP: char = '\t';

#[derive(Debug, Clone, Copy)]
struct Tok {
    start: usize,
    end: usize,
    cjk: bool,
}

/// The tokens of normalised text: each CJK character is one, each run of other
/// non-space characters is one (normalised text has single spaces between words and
/// none between CJK characters).
fn tokens(norm: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut word: Option<usize> = None;
    for (i, c) in norm.char_indices() {
        if c == ' ' || is_cjk(c) {
            if let Some(s) = word.take() {
                out.push(Tok {
                    start: s,
                    end: i,
                    cjk: false,
                });
            }
            if c != ' ' {
                out.push(Tok {
                    start: i,
                    end: i + c.len_utf8(),
                    cjk: true,
                });
            }
        } else if word.is_none() {
            word = Some(i);
        }
    }
    if let Some(s) = word {
        out.push(Tok {
            start: s,
            end: norm.len(),
            cjk: false,
        });
    }
    out
}

/// Call `f` with every candidate phrase of the normalised text `norm` (repeats
/// included: callers count each phrase once per text).
pub fn for_each_gram(norm: &str, len: Lengths, mut f: impl FnMut(&str)) {
    let toks = tokens(norm);
    for i in 0..toks.len() {
        let cjk = toks[i].cjk;
        let (lo, hi) = if cjk { len.chars } else { len.words };
        for n in lo.max(1)..=hi {
            let j = i + n - 1;
            if j >= toks.len() {
                break;
            }
            // One script per phrase; CJK characters must be adjacent (no space).
            if toks[j].cjk != cjk || (cjk && j > i && toks[j].start != toks[j - 1].end) {
                break;
            }
            let (first, last) = (
                &norm[toks[i].start..toks[i].end],
                &norm[toks[j].start..toks[j].end],
            );
            if is_stop(first, cjk) || is_stop(last, cjk) {
                continue;
            }
            if toks[i..=j]
                .iter()
                .any(|t| norm[t.start..t.end].bytes().all(|b| b.is_ascii_digit()))
            {
                continue;
            }
            f(&norm[toks[i].start..toks[j].end]);
        }
    }
    if let Some(within) = len.pairs_within {
        let content: Vec<(usize, &str)> = toks
            .iter()
            .enumerate()
            .filter(|(_, t)| !t.cjk)
            .map(|(k, t)| (k, &norm[t.start..t.end]))
            .filter(|(_, w)| !is_stop(w, false) && !w.bytes().all(|b| b.is_ascii_digit()))
            .collect();
        let mut pair = String::new();
        for (x, &(ka, a)) in content.iter().enumerate() {
            for &(kb, b) in &content[x + 1..] {
                if kb - ka - 1 > within {
                    break;
                }
                if a == b {
                    continue;
                }
                let (p, q) = if a < b { (a, b) } else { (b, a) };
                pair.clear();
                pair.push_str(p);
                pair.push(PAIR_SEP);
                pair.push_str(q);
                f(&pair);
            }
        }
    }
}

/// Words that do not start or end a phrase.
fn is_stop(tok: &str, cjk: bool) -> bool {
    if cjk {
        return STOP_ZH.contains(tok);
    }
    if tok.chars().count() == 1 && tok.chars().all(|c| c.is_ascii_alphabetic()) {
        return true; // "s" of "it's", "i", "a"
    }
    STOP_EN.binary_search(&tok).is_ok() || STOP_FA.contains(&tok)
}

/// English function words (sorted: binary search). No negators, no intensifiers that
/// carry sentiment on their own.
const STOP_EN: &[&str] = &[
    "about", "above", "after", "again", "all", "am", "an", "and", "any", "are", "as", "at", "be",
    "been", "before", "being", "both", "but", "by", "can", "could", "did", "do", "does", "doing",
    "during", "each", "for", "from", "had", "has", "have", "having", "he", "her", "here", "hers",
    "him", "his", "how", "if", "in", "into", "is", "it", "its", "just", "ll", "me", "might",
    "mine", "my", "myself", "of", "on", "or", "our", "ours", "re", "she", "should", "some", "than",
    "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "through",
    "to", "until", "up", "ve", "was", "we", "were", "what", "when", "where", "which", "while",
    "who", "whom", "why", "will", "with", "would", "you", "your", "yours",
];

/// Persian function words (after normalisation: `ی`, `ک`).
const STOP_FA: &[&str] = &[
    "و",
    "در",
    "به",
    "از",
    "که",
    "این",
    "آن",
    "ان",
    "را",
    "با",
    "برای",
    "است",
    "هم",
    "یا",
    "تا",
    "بر",
    "یک",
    "من",
    "ما",
    "شما",
    "او",
    "آنها",
    "انها",
    "اینکه",
    "ها",
    "های",
    "ای",
    "هست",
    "بود",
    "شد",
    "کرد",
    "شده",
    "کرده",
];

/// Chinese characters that do not start or end a phrase (particles, pronouns).
const STOP_ZH: &str = "的了吗呢吧啊呀哦嘛么我你您他她它们这那个和与及在是也就都之而";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize_phrase;

    fn grams(s: &str, len: Lengths) -> Vec<String> {
        let mut v = Vec::new();
        for_each_gram(&normalize_phrase(s), len, |g| v.push(g.to_string()));
        v
    }

    const L: Lengths = Lengths {
        words: (1, 2),
        chars: (2, 3),
        pairs_within: None,
    };

    #[test]
    fn word_pairs_within_a_distance_in_byte_order() {
        let len = Lengths {
            words: (1, 1),
            chars: (2, 2),
            pairs_within: Some(2),
        };
        let g = grams("limit on my credit card today", len);
        // content words: limit(0) credit(3) card(4) today(5); "on my" are function words.
        assert!(g.contains(&"credit\tlimit".to_string()), "{g:?}");
        // card is 3 words after limit, today 4: too far.
        assert!(!g.contains(&"card\tlimit".to_string()), "{g:?}");
        assert!(!g.contains(&"limit\ttoday".to_string()), "{g:?}");
        assert!(g.contains(&"card\ttoday".to_string()), "{g:?}");
        // No pair of a word with itself, none with Chinese.
        assert!(
            !grams("card card 退款", len)
                .iter()
                .any(|x| x.contains(PAIR_SEP))
        );
    }

    #[test]
    fn word_ngrams_skip_function_words_at_the_edges_and_numbers() {
        // Punctuation folds to a space, as in the matcher: "card twice" matches
        // "card, twice".
        assert_eq!(
            grams("I lost my card, twice in 2024!", L),
            ["lost", "card", "card twice", "twice"]
        );
        assert_eq!(
            grams("Card not working", L),
            ["card", "card not", "not", "not working", "working"]
        );
    }

    #[test]
    fn chinese_character_ngrams_stay_inside_a_run() {
        // Spaces between Chinese characters are dropped (`退款 很慢` = `退款很慢`).
        assert_eq!(
            grams("退款 很慢", L),
            ["退款", "退款很", "款很", "款很慢", "很慢"]
        );
        assert_eq!(grams("退款 app 很慢", L), ["退款", "app", "很慢"]);
        assert_eq!(grams("我要退款", L), ["要退", "要退款", "退款"]);
        let one = Lengths {
            words: (1, 1),
            chars: (1, 2),
            pairs_within: None,
        };
        assert_eq!(grams("好 ok 差评", one), ["好", "ok", "差", "差评", "评"]);
        // A Latin word next to Chinese is its own token, never joined to a character.
        assert_eq!(grams("app退款", L), ["app", "退款"]);
    }

    #[test]
    fn persian_words_fold_like_the_matcher() {
        // ي → ی, ZWNJ → space: the phrase is what a rule would match.
        assert_eq!(
            grams("كارت مي‌خواهم", L),
            ["کارت", "کارت می", "می", "می خواهم", "خواهم"]
        );
    }

    #[test]
    fn stop_word_list_is_sorted_for_binary_search() {
        assert!(STOP_EN.windows(2).all(|w| w[0] < w[1]));
        assert!(is_stop("the", false) && !is_stop("not", false));
    }
}
