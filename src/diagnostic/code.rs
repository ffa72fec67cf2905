//! Every diagnostic code callscore can emit, in one place: its stable kebab-case name,
//! its severity, and one paragraph saying what it means. The doc comment of each variant
//! *is* that paragraph (`callscore check --explain CODE` prints it), so the explanation
//! cannot drift from the list. `tests/check_cases.rs` requires a `tests/check/<case>`
//! pack that produces each code.

use super::Severity;

/// Declares [`DiagCode`] from `Variant = "name" (Severity) /// doc` entries.
macro_rules! diag_codes {
    ($( $(#[doc = $doc:literal])+ $variant:ident = $name:literal ($sev:ident), )*) => {
        /// A diagnostic code: what kind of problem a [`super::Diagnostic`] reports.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum DiagCode {
            $( $(#[doc = $doc])+ $variant, )*
        }

        impl DiagCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [DiagCode] = &[$(DiagCode::$variant,)*];

            /// The stable name printed in `error[name]` and in JSON output.
            pub const fn as_str(self) -> &'static str {
                match self { $(DiagCode::$variant => $name,)* }
            }

            /// Whether a diagnostic with this code is an error, a warning or a note.
            pub const fn severity(self) -> Severity {
                match self { $(DiagCode::$variant => Severity::$sev,)* }
            }

            /// What the code means and what to do about it (the variant's doc comment).
            pub fn explanation(self) -> String {
                let lines: &[&str] = match self { $(DiagCode::$variant => &[$($doc),+],)* };
                lines.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" ")
            }
        }
    };
}

diag_codes! {
    /// The file is not valid TOML (a missing quote, bracket, comma or `=`, or a `\` escape
    /// TOML does not know). Nothing else in the file is read. Write regexes in single
    /// quotes (`'\d+'`): in double quotes a backslash starts a TOML escape.
    TomlSyntax = "toml-syntax" (Error),
    /// The file is not UTF-8 text. Re-save it as UTF-8.
    NotUtf8 = "not-utf8" (Error),
    /// Some files could not be read (`toml-syntax`, `not-utf8`), so checks that need the
    /// ids those files define (`unknown-id`) were skipped; they run again once the files
    /// are fixed.
    SkippedChecks = "skipped-checks" (Note),
    /// A key that does not exist in this table, usually a typo; the help starts with the
    /// key that was probably meant, then lists every allowed key.
    UnknownKey = "unknown-key" (Error),
    /// A value of the wrong type: a string where a number is expected, a table where a
    /// list is expected, a fraction where a whole number is expected.
    WrongType = "wrong-type" (Error),
    /// A word that is not one of the allowed values: an unknown `speaker`, example
    /// `expect`, or external lexicon `format`.
    BadValue = "bad-value" (Error),
    /// A required key is missing: an entry's `id`, an item's `section` and `require` or
    /// `forbid`, a driver's `department` and `when`, `near`'s `a` and `b`, an example's
    /// `text` and `expect`.
    MissingKey = "missing-key" (Error),
    /// A key in a place where it means nothing: `min_count` on a condition that counts no
    /// phrase or regex hits (`and`, `near`, `meta` …). Move it onto the phrases inside.
    MisplacedKey = "misplaced-key" (Error),
    /// An id with characters ids cannot have; use letters, digits, `-`, `_`, `.`, `/`.
    BadId = "bad-id" (Error),
    /// Two items, two drivers or two departments share an id; the message names the first.
    DuplicateId = "duplicate-id" (Error),
    /// A reference to an id nothing defines: `driver = …`, `item_passed = …`, or a
    /// driver's `department`; with "did you mean" when a defined id is close.
    UnknownId = "unknown-id" (Error),
    /// A driver's `when` uses `item_passed`: drivers are found before items are scored,
    /// so a driver cannot depend on one.
    ItemInDriver = "item-in-driver" (Error),
    /// A side of `near` / `before` that is not phrases or a regex, so it has no position
    /// to compare.
    BadOperand = "bad-operand" (Error),
    /// A condition table with no kind key (`any`, `all`, `regex`, `near`, `before`, `and`,
    /// `or`, `not`, `meta`, `driver`, `item_passed`): it says nothing to test.
    NoConditionKind = "no-condition-kind" (Error),
    /// A condition table with two kind keys; combine them with `and = [ … ]` or `or = [ … ]`.
    SeveralConditionKinds = "several-condition-kinds" (Error),
    /// An item with both `require` and `forbid`; split it into two items.
    RequireAndForbid = "require-and-forbid" (Error),
    /// An empty list that makes a condition impossible: `any = []`, `and = []`, `driver = []`.
    EmptyList = "empty-list" (Error),
    /// A phrase that is only punctuation or spaces: those are ignored when matching, so it
    /// can never match.
    EmptyPhrase = "empty-phrase" (Error),
    /// A `*` inside a phrase; it may only stand at the start or end. Use a regex for gaps.
    BadWildcard = "bad-wildcard" (Error),
    /// A regex that does not parse (the caret points inside the pattern) or compiles too
    /// large.
    BadRegex = "bad-regex" (Error),
    /// A regex with a backspace character: in a double-quoted TOML string `\b` is a
    /// backspace, not a word boundary, so the regex never matches. Write it in single
    /// quotes (`'\bdays\b'`).
    RegexEscape = "regex-escape" (Error),
    /// A regex that can match the empty string (`.*`, `^`, `a*`, `x?`): it holds on
    /// (nearly) every turn. Make some part of it required (`+` instead of `*`).
    RegexMatchesEmpty = "regex-matches-empty" (Warning),
    /// A `window` without exactly one of `first_seconds`, `last_seconds`, `first_turns`,
    /// `last_turns`, `first_percent`, `last_percent`.
    BadWindow = "bad-window" (Error),
    /// A window no turn can be in: 0 or negative, more than 100 %, a fraction of a turn.
    ImpossibleWindow = "impossible-window" (Error),
    /// A condition that holds on no call: `and` of two `meta` conditions on one field with
    /// no value in common; `near` whose sides look at two different speakers.
    NeverHolds = "never-holds" (Error),
    /// A condition that holds on every call: `min_count = 0`.
    NeverFails = "never-fails" (Error),
    /// Items (through `item_passed`) or drivers (through `driver`) that depend on each
    /// other in a circle.
    ReferenceCycle = "reference-cycle" (Error),
    /// A number outside its range: weight ≤ 0, lexicon weight outside −4…+4, intensifier
    /// outside 0…4, `auto_fail_score` outside 0…100, negative cost, too large a count.
    OutOfRange = "out-of-range" (Error),
    /// An external lexicon file that cannot be read; paths are relative to the rule file.
    MissingFile = "missing-file" (Error),
    /// Lines of an external VADER lexicon that are not `term<TAB>weight`; they are skipped.
    BadLexiconLine = "bad-lexicon-line" (Warning),
    /// Terms of an external lexicon that are only punctuation or symbols (emoticons): they
    /// can never match and are skipped.
    UnmatchableTerms = "unmatchable-terms" (Warning),
    /// Two drivers claim the same phrase, so a call that says it gets both drivers.
    SharedDriverPhrase = "shared-driver-phrase" (Warning),
}

impl DiagCode {
    /// The code with this name, if there is one.
    pub fn from_name(name: &str) -> Option<DiagCode> {
        DiagCode::ALL.iter().copied().find(|c| c.as_str() == name)
    }
}

impl std::fmt::Display for DiagCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_kebab_case_and_found_by_name() {
        let mut seen = std::collections::HashSet::new();
        for &c in DiagCode::ALL {
            let name = c.as_str();
            assert!(seen.insert(name), "{name} twice");
            assert!(
                name.chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
                "{name}"
            );
            assert_eq!(DiagCode::from_name(name), Some(c));
        }
        assert_eq!(DiagCode::from_name("no-such-code"), None);
    }

    #[test]
    fn explanations_join_the_doc_lines() {
        let e = DiagCode::RequireAndForbid.explanation();
        assert!(
            e.starts_with("An item with both `require` and `forbid`; split it"),
            "{e}"
        );
        assert!(!e.contains("  "), "{e}");
        assert_eq!(DiagCode::SharedDriverPhrase.severity(), Severity::Warning);
    }
}
