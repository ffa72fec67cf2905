//! Candidate phrases of one text: word n-grams for space-separated scripts, character
//! n-grams for Chinese (and the other scripts written without spaces).
//! Word stems (`transfer*`, [`Stems`]) need the words of every text first: [`stems`]
//! finds them, [`for_each_stem`] lists those of one text.
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
    /// Also word stems ([`Stems`]), written `transfer*`: the rule language's trailing
    /// wildcard, found in every text with a word that starts with the stem.
    pub stems: Option<Stems>,
}

/// Which word prefixes are stem candidates. A stem is a prefix of at least `min_chars`
/// characters that at least two different words of the texts extend by at most
/// `max_ending` characters each (one of them may be the stem itself): "transfer",
/// "transfers" and "transferred" give `transfer*`, "card" and "cards" give `card*`;
/// "transfer" and "transaction" give nothing ("action" is too long an ending). No
/// list of endings: the same rule finds the inflections of English, Persian or any
/// other language written with spaces. Words are the content words of the texts (not
/// function words, no digits); Chinese has no stems (each character is a token).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stems {
    /// Fewest characters of a stem.
    pub min_chars: usize,
    /// Most characters a word may add to a stem.
    pub max_ending: usize,
}

/// Ends a stem candidate (`transfer*`), as the rule language writes a word-prefix
/// wildcard; never in normalised text (a symbol there is a separator).
const STEM_MARK: char = '*';

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

/// The words of normalised text in space-separated scripts (every token but the CJK
/// characters): what a trailing wildcard extends over in the matcher, since normalised
/// text has only word characters, CJK characters and single spaces.
pub fn words(norm: &str) -> impl Iterator<Item = &str> {
    tokens(norm)
        .into_iter()
        .filter(|t| !t.cjk)
        .map(move |t| &norm[t.start..t.end])
}

/// True for a word stems are drawn from: not a function word, no digit.
fn is_stem_source(word: &str) -> bool {
    !is_stop(word, false) && !word.chars().any(|c| c.is_numeric())
}

/// The stems ([`Stems`]) of a vocabulary: every distinct word of the texts, each given
/// once, in any order. Stems are drawn from [`is_stem_source`] words; the others (function
/// words, numbers) still count for what a stem finds. A stem that finds exactly the words
/// of a longer one is left out (`transfe*` when every word starting with "transfe" goes
/// on with "r": `transfer*` says the same, more readably).
pub fn stems<'a>(
    vocabulary: impl IntoIterator<Item = &'a str>,
    s: Stems,
) -> std::collections::HashSet<Box<str>> {
    let mut sorted: Vec<&str> = vocabulary.into_iter().collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut extended: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
    for w in sorted.iter().copied().filter(|w| is_stem_source(w)) {
        // Byte offset of the end of each prefix of 1, 2, … characters.
        let ends: Vec<usize> = w
            .char_indices()
            .map(|(i, _)| i)
            .skip(1)
            .chain([w.len()])
            .collect();
        let n = ends.len();
        for k in 0..=s.max_ending.min(n) {
            let chars = n - k;
            if chars < s.min_chars.max(1) {
                break;
            }
            *extended.entry(&w[..ends[chars - 1]]).or_default() += 1;
        }
    }
    // The words that start with `p`: one range of the sorted vocabulary. `p` finds other
    // words than any longer stem when it is a word itself or its words differ right after it.
    let branches = |p: &str| {
        let from = sorted.partition_point(|w| *w < p);
        let to = from + sorted[from..].partition_point(|w| w.starts_with(p));
        let (first, last) = (sorted[from], sorted[to - 1]);
        first == p || first[p.len()..].chars().next() != last[p.len()..].chars().next()
    };
    extended
        .into_iter()
        .filter(|&(p, n)| n >= 2 && !is_stop(p, false) && branches(p))
        .map(|(p, _)| p.into())
        .collect()
}

/// Call `f` with the candidate `stem*` of every stem in `stems` that begins a word of
/// the normalised text `norm` (repeats included), as the matcher finds `stem*`: a word
/// boundary before it, any word characters after it.
pub fn for_each_stem(
    norm: &str,
    stems: &std::collections::HashSet<Box<str>>,
    s: Stems,
    mut f: impl FnMut(&str),
) {
    let mut cand = String::new();
    for w in words(norm) {
        for (chars, (i, c)) in w.char_indices().enumerate() {
            if chars + 1 < s.min_chars {
                continue;
            }
            let p = &w[..i + c.len_utf8()];
            if stems.contains(p) {
                cand.clear();
                cand.push_str(p);
                cand.push(STEM_MARK);
                f(&cand);
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
        stems: None,
    };

    #[test]
    fn word_pairs_within_a_distance_in_byte_order() {
        let len = Lengths {
            words: (1, 1),
            chars: (2, 2),
            pairs_within: Some(2),
            stems: None,
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
            stems: None,
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

    const STEMS: Stems = Stems {
        min_chars: 4,
        max_ending: 2,
    };

    #[test]
    fn a_stem_is_a_prefix_two_words_extend_by_a_short_ending() {
        let vocabulary = [
            "transfer",
            "transfers",
            "transferred",
            "transaction",
            "transactions",
            "card",
            "cards",
            "cardholder",
            "cart",
            "themed",
            "themes",
            "them",
            "2024",
            "2025",
            "کارت",
            "کارتم",
            "کارتها",
        ];
        let mut got: Vec<String> = stems(vocabulary, STEMS)
            .into_iter()
            .map(String::from)
            .collect();
        got.sort();
        // Not "transfe" (every word it finds goes on with "r"), "transactio" (likewise),
        // "trans" (endings too long), "car" (too short), "them" (a function word),
        // "202" (digits); "theme" is no word of the texts but finds two.
        assert_eq!(got, ["card", "theme", "transaction", "transfer", "کارت"]);
        // Endings of 3: "transferred" reaches "transfer" too, and "cardhold" is one word's.
        let three = stems(
            ["transferred", "transfer"],
            Stems {
                max_ending: 3,
                ..STEMS
            },
        );
        assert!(three.contains("transfer"), "{three:?}");
        assert!(stems(["transferred", "transfer"], STEMS).is_empty());
    }

    /// Every `stem*` candidate of a text is one the matcher finds in it, and no other.
    #[test]
    fn stem_candidates_are_what_the_matcher_finds() {
        use crate::matcher::{Scan, scan_call};
        let texts = [
            "Transfers pending",
            "I transfer money",
            "the transferred sum, re-transfer it",
            "retransfer",
            "transfer退款 ok",
            "card-holder cards",
            "کارت‌ها را ببندید",
            "کارتم گم شد",
            "trans 2024 transferência",
        ];
        let norms: Vec<String> = texts.iter().map(|t| normalize_phrase(t)).collect();
        let set = stems(norms.iter().flat_map(|n| words(n)), STEMS);
        let mut all: Vec<String> = set.iter().map(|s| format!("{s}*")).collect();
        all.sort();
        assert!(all.len() >= 3, "{all:?}");
        let items: String = all
            .iter()
            .enumerate()
            .map(|(i, p)| {
                format!(
                    "[[item]]\nid = \"s{i}\"\nsection = \"s\"\nrequire = {{ any = [{}] }}\n",
                    super::super::write::toml_str(p)
                )
            })
            .collect();
        let pack = crate::rules::load_pack_str("p.toml", &items)
            .pack
            .expect("pack compiles");
        for (t, norm) in texts.iter().zip(&norms) {
            let mut mine = std::collections::BTreeSet::new();
            for_each_stem(norm, &set, STEMS, |g| {
                mine.insert(g.to_string());
            });
            let mut scan = Scan::new(&pack);
            scan_call(&pack, &crate::suggest::heldout::customer_call(t), &mut scan);
            let found: std::collections::BTreeSet<String> = all
                .iter()
                .enumerate()
                .filter(|(i, _)| !scan.leaf_hits[*i].is_empty())
                .map(|(_, p)| p.clone())
                .collect();
            assert_eq!(mine, found, "{t}");
        }
    }

    #[test]
    fn stop_word_list_is_sorted_for_binary_search() {
        assert!(STOP_EN.windows(2).all(|w| w[0] < w[1]));
        assert!(is_stop("the", false) && !is_stop("not", false));
    }
}
