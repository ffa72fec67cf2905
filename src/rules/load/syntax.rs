//! Plainer words for the TOML syntax errors rule writers actually make. The parser's
//! message stays the fallback; this only adds what to do where the cause is certain.

use std::ops::Range;

/// A TOML syntax error restated: where, what, and what to do.
pub(super) struct Restated {
    pub span: Range<usize>,
    pub message: String,
    pub help: String,
}

/// `regex = "\d+"`: in a double-quoted (basic) TOML string a backslash starts an escape,
/// and `\d`, `\s`, `\w`, `\.` are not TOML escapes. `at` is where the parser stopped (just
/// after the backslash). The fix is a single-quoted (literal) string, which keeps every
/// backslash as written, so the help spells out the string that way.
pub(super) fn bad_escape(text: &str, at: usize) -> Option<Restated> {
    let at = text.floor_char_boundary(at);
    if !text[..at].ends_with('\\') {
        return None;
    }
    let escaped = text[at..].chars().next().filter(|c| !c.is_whitespace())?;
    let backslash = at - 1;
    let span = backslash..at + escaped.len_utf8();
    let message = format!("invalid TOML: `\\{escaped}` is not an escape in a \"…\" string");
    let help = match basic_string_around(text, backslash) {
        Some(s) if !s.content.contains('\'') => {
            let q = if s.multiline { "'''" } else { "'" };
            format!(
                "write it in single quotes, where a backslash is just a backslash: {q}{}{q}",
                s.content
            )
        }
        _ => "in \"…\" a backslash starts an escape (\\n, \\t, \\u…): write regexes in single quotes '…', where backslashes stay as written, or double each backslash (\\\\d)".to_string(),
    };
    Some(Restated {
        span,
        message,
        help,
    })
}

/// The double-quoted string (on one line) that contains byte `pos` of `text`.
struct BasicString<'t> {
    content: &'t str,
    multiline: bool,
}

fn basic_string_around(text: &str, pos: usize) -> Option<BasicString<'_>> {
    let line_start = text[..pos].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
    let line = &text[line_start..line_end];
    let bytes = line.as_bytes();
    let pos = pos - line_start;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => return None,
            b'\'' => {
                let delim: &[u8] = if bytes[i..].starts_with(b"'''") {
                    b"'''"
                } else {
                    b"'"
                };
                let from = i + delim.len();
                let close = find(bytes, from, delim)?;
                i = close + delim.len();
            }
            b'"' => {
                let delim: &[u8] = if bytes[i..].starts_with(b"\"\"\"") {
                    b"\"\"\""
                } else {
                    b"\""
                };
                let from = i + delim.len();
                let mut j = from;
                while j < bytes.len() && !bytes[j..].starts_with(delim) {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                if j >= bytes.len() {
                    return None; // not closed on this line
                }
                if (from..j).contains(&pos) {
                    return Some(BasicString {
                        content: &line[from..j],
                        multiline: delim.len() == 3,
                    });
                }
                i = j + delim.len();
            }
            _ => i += 1,
        }
    }
    None
}

fn find(bytes: &[u8], from: usize, delim: &[u8]) -> Option<usize> {
    (from..bytes.len()).find(|&k| bytes[k..].starts_with(delim))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn restate(text: &str) -> Option<(String, String, String)> {
        let at = text.find('\\')? + 1;
        bad_escape(text, at).map(|r| (text[r.span].to_string(), r.message, r.help))
    }

    #[test]
    fn a_regex_in_double_quotes_is_rewritten_in_single_quotes() {
        let (span, message, help) =
            restate("require = { regex = \"\\d+ business days\", speaker = \"agent\" }").unwrap();
        assert_eq!(span, "\\d");
        assert_eq!(
            message,
            "invalid TOML: `\\d` is not an escape in a \"…\" string"
        );
        assert_eq!(
            help,
            "write it in single quotes, where a backslash is just a backslash: '\\d+ business days'"
        );
    }

    #[test]
    fn the_right_string_of_a_list_and_triple_quotes_are_kept() {
        let text = "regex = [\"a \\\"b\\\"\", 'c\\w', \"x\\sy\"]";
        let at = text.rfind("\\s").unwrap() + 1;
        let r = bad_escape(text, at).unwrap();
        assert!(r.help.ends_with(": 'x\\sy'"), "{}", r.help);
        let (_, _, help) = restate("regex = \"\"\"\\d+\"\"\"").unwrap();
        assert!(help.ends_with(": '''\\d+'''"), "{help}");
    }

    #[test]
    fn a_string_with_a_single_quote_or_not_closed_gets_the_general_advice() {
        for text in ["any = \"don't \\d\"", "any = \"\\d and no end"] {
            let (_, _, help) = restate(text).unwrap();
            assert!(
                help.starts_with("in \"…\" a backslash starts an escape"),
                "{help}"
            );
        }
    }

    #[test]
    fn no_restatement_without_a_backslash_before_the_error() {
        assert!(bad_escape("id = billing\"", 5).is_none());
        assert!(bad_escape("a = \"\\", 6).is_none());
    }
}
