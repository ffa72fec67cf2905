//! The files of a suggested pack: `pack.toml`, `drivers.toml` (one driver per label,
//! with inline examples), `sentiment/suggested.toml`, whole-call tests in `tests/`.
//!
//! Everything is written as text (not through a serializer) so the QA lead gets a file
//! laid out like the default pack, with a comment beside each phrase saying where it
//! came from; strings are escaped by the `toml` crate so any label or text is valid.

use super::drivers::MinedPhrase;
use super::grams::PAIR_SEP;
use super::sentiment::MinedTerm;

/// TOML basic string for `s`, escaped.
pub fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// `pack.toml`.
pub fn pack_toml(name: &str, description: &str) -> String {
    format!(
        "# Written by `callscore suggest`. Review every file before you merge it into a pack.\n\n\
         [pack]\nname = {}\nversion = \"0.1.0\"\ndescription = {}\n",
        toml_str(name),
        toml_str(description)
    )
}

/// The department every suggested driver belongs to until the QA lead assigns one.
pub const DEPARTMENT: &str = "unassigned";

/// One driver to write.
#[derive(Debug, Clone)]
pub struct DriverOut<'a> {
    /// The driver id (the label, slugged only where ids cannot have a character).
    pub id: &'a str,
    /// The label as given.
    pub label: &'a str,
    /// One sentence for the people who read reports.
    pub description: String,
    /// The mined phrases.
    pub phrases: &'a [MinedPhrase],
    /// The driver's `min_score` (learned weights), if any.
    pub min_score: Option<f64>,
    /// Held-out texts the driver must find (`expect = "hit"`).
    pub hits: Vec<&'a str>,
    /// Held-out texts it must not find.
    pub misses: Vec<&'a str>,
}

/// `drivers.toml`.
pub fn drivers_toml(source: &str, drivers: &[DriverOut]) -> String {
    let mut s = String::new();
    s.push_str("# Contact drivers mined by `callscore suggest` from ");
    s.push_str(source);
    s.push_str(
        ".\n# One driver per label. Each phrase's comment: labelled texts that contain it, other\n\
         # texts that contain it, and the log-odds z-score (docs/suggest.md). Examples are held-out\n\
         # texts. Set each driver's department, then delete phrases that are not reasons.\n\n",
    );
    s.push_str(&format!(
        "[[department]]\nid = \"{DEPARTMENT}\"\nname = \"Unassigned (set each driver's department)\"\ncost_per_hour = 0.0\n"
    ));
    for d in drivers {
        s.push_str(&format!(
            "\n[[driver]]\nid = {}\nname = {}\ndepartment = \"{DEPARTMENT}\"\ndescription = {}\n",
            toml_str(d.id),
            toml_str(d.label),
            toml_str(&d.description)
        ));
        if let Some(m) = d.min_score {
            s.push_str(&format!(
                "# Found when its phrases said in a call weigh at least this much together.\nmin_score = {m:.1}\n"
            ));
        }
        if !d.hits.is_empty() || !d.misses.is_empty() {
            s.push_str("examples = [\n");
            for (texts, expect) in [(&d.hits, "hit"), (&d.misses, "no-hit")] {
                for t in texts.iter() {
                    s.push_str(&format!(
                        "  {{ text = {}, expect = \"{expect}\" }},\n",
                        toml_str(t)
                    ));
                }
            }
            s.push_str("]\n");
        }
        // One phrase or pair per line, each with its weight (`MinedPhrase::weight`): the
        // primary driver of a call is the one whose found conditions weigh the most.
        s.push_str("[driver.when]\nspeaker = \"customer\"\nor = [\n");
        for p in d.phrases {
            let weight = format!("weight = {:.1}", p.weight());
            let cond = match p.phrase.split_once(PAIR_SEP) {
                None => format!("{{ any = [{}], {weight} }},", toml_str(&p.phrase)),
                Some((a, b)) => format!(
                    "{{ near = {{ a = [{}], b = [{}], within = {} }}, {weight} }},",
                    toml_str(a),
                    toml_str(b),
                    super::NEAR_WITHIN
                ),
            };
            s.push_str(&format!(
                "  {cond}{}# {} / {} texts, z {:.1}\n",
                " ".repeat(44usize.saturating_sub(cond.chars().count()).max(1)),
                p.support,
                p.others,
                p.z
            ));
        }
        s.push_str("]\n");
    }
    s
}

/// A whole-call test: one customer turn that must get exactly `driver` (or none).
pub fn md_test(title: &str, why: &str, text: &str, driver: Option<&str>) -> String {
    let (hit, drivers, primary) = match driver {
        Some(d) => (format!("  # hit: [{d}]"), format!("[{d}]"), d.to_string()),
        None => (String::new(), "[]".to_string(), "none".to_string()),
    };
    format!(
        "# {title}\n\n{why}\n\n```transcript\ncustomer 00:00 | {text}{hit}\n```\n\n```expect\ndrivers = {drivers}\nprimary = {primary}\n```\n"
    )
}

/// True when `text` can be the one line of a test transcript as it is.
pub fn fits_md_line(text: &str) -> bool {
    !text.is_empty()
        && text.chars().count() <= 300
        && !text.contains(['\n', '\r', '`'])
        && !text.contains("# hit:")
        && text.trim() == text
}

/// `sentiment/suggested.toml`: a lexicon for review.
pub fn lexicon_toml(source: &str, language: &str, terms: &[MinedTerm]) -> String {
    let mut s = format!(
        "# Sentiment terms mined by `callscore suggest` from {source}.\n\
         # Each term's comment: positive and negative texts that contain it, and the log-odds\n\
         # z-score (docs/suggest.md). Review before merging: delete terms that are topics rather\n\
         # than feelings, and correct weights (−4 … +4).\n\n\
         [lexicon]\nlanguage = {}\n\n[lexicon.terms]\n",
        toml_str(language)
    );
    for t in terms {
        s.push_str(&format!(
            "{} = {:.1}{}# {} + / {} −, z {:.1}\n",
            toml_str(&t.term),
            t.weight,
            " ".repeat(28usize.saturating_sub(t.term.chars().count())),
            t.positive,
            t.negative,
            t.z
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_and_the_pack_parses() {
        for tricky in ["say \"hi\"\\", "it's", "a\nb", "'''"] {
            let v: toml::Table = toml::from_str(&format!("k = {}", toml_str(tricky))).unwrap();
            assert_eq!(v["k"].as_str(), Some(tricky));
        }
        let p = [
            MinedPhrase {
                phrase: "lost card".into(),
                support: 9,
                others: 1,
                new: 9,
                z: 4.25,
                learned: None,
            },
            MinedPhrase {
                phrase: format!("credit{PAIR_SEP}limit"),
                support: 10,
                others: 0,
                new: 0,
                z: 3.0,
                learned: Some(2.4),
            },
        ];
        let d = DriverOut {
            id: "lost_card",
            label: "lost card",
            description: "Mined.".into(),
            phrases: &p,
            min_score: Some(4.0),
            hits: vec!["I \"lost\" my card"],
            misses: vec!["hello"],
        };
        let text = format!("{}{}", pack_toml("p", "d"), drivers_toml("x.csv", &[d]));
        // Each phrase with its weight, ln((9 + 1) / (1 + 1)) = 1.6, and its counts.
        let line = format!(
            "  {{ any = [\"lost card\"], weight = 1.6 }},{}# 9 / 1 texts, z 4.2\n",
            " ".repeat(6)
        );
        assert!(text.contains(&line), "{text}");
        // A pair longer than the column still has a space before its comment.
        assert!(
            text.contains("within = 8 }, weight = 2.4 }, # 10 / 0 texts, z 3.0\n"),
            "{text}"
        );
        let v: toml::Table = toml::from_str(&text).expect("valid TOML");
        let drv = &v["driver"][0];
        assert_eq!(drv["min_score"].as_float(), Some(4.0));
        let or = drv["when"]["or"].as_array().unwrap();
        assert_eq!(or[0]["any"][0].as_str(), Some("lost card"));
        assert_eq!(or[0]["weight"].as_float(), Some(1.6));
        assert_eq!(or[1]["near"]["a"][0].as_str(), Some("credit"));
        assert_eq!(or[1]["near"]["b"][0].as_str(), Some("limit"));
        assert_eq!(or[1]["weight"].as_float(), Some(2.4));
        assert_eq!(
            drv["examples"][0]["text"].as_str(),
            Some("I \"lost\" my card")
        );
        assert_eq!(drv["examples"][1]["expect"].as_str(), Some("no-hit"));
    }

    #[test]
    fn md_lines_that_would_break_a_test_file_are_refused() {
        assert!(fits_md_line("where is my card"));
        assert!(!fits_md_line("a\nb"));
        assert!(!fits_md_line("use `code`"));
        assert!(!fits_md_line("x # hit: [y]"));
        assert!(!fits_md_line(" padded"));
        assert!(!fits_md_line(""));
        assert!(!fits_md_line(&"x".repeat(301)));
        let t = md_test("T", "Why.", "lost my card", Some("lost_card"));
        assert!(t.contains("customer 00:00 | lost my card  # hit: [lost_card]\n"));
        assert!(t.contains("drivers = [lost_card]\nprimary = lost_card\n"));
        let n = md_test("T", "Why.", "weather?", None);
        assert!(n.contains("drivers = []\nprimary = none\n"));
    }
}
