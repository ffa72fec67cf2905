//! Reading `[lexicon]`: sentiment terms with weights, negators, intensifiers, contrast
//! words, and external VADER word lists (`vader_lexicon.txt`), which are read from disk
//! here so their bytes go into the pack hash.

use super::value::{Ctx, Table, Value, as_f64, type_error};
use crate::diagnostic::{DiagCode, Diagnostic, SourceMap};
use crate::rules::model::{Located, RawLexicon};
use sha2::{Digest, Sha256};
use std::path::Path;
use toml::de::DeValue;

/// Keys of `[lexicon]`.
pub(crate) const LEXICON_KEYS: &[&str] = &[
    "language",
    "terms",
    "negators",
    "negators_after",
    "negation_window",
    "suffixes",
    "intensifiers",
    "contrast",
    "concession",
    "emoticons",
    "alone",
    "external",
];
/// Keys of one entry of `[lexicon] external`.
pub(crate) const EXTERNAL_KEYS: &[&str] = &["path", "format"];

/// A lexicon table of `phrase = number` with the number's allowed range.
struct WeightTable {
    key: &'static str,
    header: &'static str,
    expected: &'static str,
    what: &'static str,
    unit: &'static str,
    range: std::ops::RangeInclusive<f64>,
    help: &'static str,
}

/// Read `spec.key` of a lexicon (`intensifiers`, `terms`): every entry whose number is a
/// float in range; the others become diagnostics.
fn read_weights(ctx: &mut Ctx, t: &Table, spec: WeightTable) -> Vec<(Located<String>, f64)> {
    let mut out = Vec::new();
    let Some(v) = t.get(spec.key) else {
        return out;
    };
    let Some(table) = Table::new(v, spec.header) else {
        type_error(
            ctx,
            v.span(),
            &format!("'{}'", spec.key),
            spec.expected,
            v.get_ref(),
        );
        return out;
    };
    for (k, val) in table.table.iter() {
        let what = format!("{} '{}'", spec.what, k.get_ref());
        let Some(n) = as_f64(ctx, val, &what) else {
            continue;
        };
        if !spec.range.contains(&n.value) {
            ctx.push(
                Diagnostic::new(
                    DiagCode::OutOfRange,
                    n.loc.clone(),
                    format!(
                        "{what}: {} {} is outside {}",
                        spec.unit,
                        n.value,
                        range_text(&spec.range)
                    ),
                )
                .with_help(spec.help),
            );
            continue;
        }
        let value = k.get_ref().to_string();
        out.push((
            Located {
                value,
                loc: ctx.loc(k.span()),
            },
            n.value,
        ));
    }
    out
}

/// `0…4`, `−4…+4`: how the ranges were always written in messages.
fn range_text(r: &std::ops::RangeInclusive<f64>) -> String {
    if *r.start() < 0.0 {
        format!("−{}…+{}", -r.start(), r.end())
    } else {
        format!("{}…{}", r.start(), r.end())
    }
}

pub(super) fn read_lexicon(
    ctx: &mut Ctx,
    v: Value,
    sources: &SourceMap,
    dir: &Path,
    hasher: &mut Sha256,
) -> Option<RawLexicon> {
    let Some(t) = Table::new(v, "[lexicon]") else {
        type_error(ctx, v.span(), "[lexicon]", "a table", v.get_ref());
        return None;
    };
    t.check_keys(ctx, LEXICON_KEYS);
    let mut lex = RawLexicon {
        loc: ctx.loc(t.header_span()),
        language: t
            .str(ctx, "language", false)
            .map_or_else(String::new, |l| l.value),
        negation_window: t.u32(ctx, "negation_window").map_or(3, |n| n.value),
        negators: t.str_list(ctx, "negators").unwrap_or_default(),
        negators_after: t.str_list(ctx, "negators_after").unwrap_or_default(),
        suffixes: t.str_list(ctx, "suffixes").unwrap_or_default(),
        contrast: t.str_list(ctx, "contrast").unwrap_or_default(),
        concession: t.str_list(ctx, "concession").unwrap_or_default(),
        ..Default::default()
    };
    lex.intensifiers = read_weights(
        ctx,
        &t,
        WeightTable {
            key: "intensifiers",
            header: "[lexicon.intensifiers]",
            expected: "a table { word = multiplier }",
            what: "intensifier",
            unit: "multiplier",
            range: 0.0..=4.0,
            help: "use e.g. 1.5 to strengthen, 0.7 to soften",
        },
    );
    lex.terms = read_weights(
        ctx,
        &t,
        WeightTable {
            key: "terms",
            header: "[lexicon.terms]",
            expected: "a table { \"term\" = weight }",
            what: "term",
            unit: "weight",
            range: -4.0..=4.0,
            help: "sentiment weights run from -4 (very negative) to 4 (very positive)",
        },
    );
    lex.emoticons = read_weights(
        ctx,
        &t,
        WeightTable {
            key: "emoticons",
            header: "[lexicon.emoticons]",
            expected: "a table { \":)\" = weight }",
            what: "emoticon",
            unit: "weight",
            range: -4.0..=4.0,
            help: "sentiment weights run from -4 (very negative) to 4 (very positive)",
        },
    );
    lex.emoticons.retain(|(e, _)| {
        let ok = !e.value.is_empty() && !e.value.chars().any(char::is_whitespace);
        if !ok {
            ctx.push(
                Diagnostic::new(
                    DiagCode::BadValue,
                    e.loc.clone(),
                    format!("emoticon \"{}\" is empty or has a space in it", e.value),
                )
                .with_help("an emoticon is one run of characters as typed, e.g. \":-)\" or \"😀\""),
            );
        }
        ok
    });
    lex.suffixes.retain(|s| {
        let norm = crate::normalize::normalize_phrase(&s.value);
        let ok = !norm.is_empty() && !norm.contains(' ') && !s.value.contains('*');
        if !ok {
            ctx.push(
                Diagnostic::new(
                    DiagCode::BadValue,
                    s.loc.clone(),
                    format!("suffix \"{}\" is not one piece of a word", s.value),
                )
                .with_help(
                    "a suffix is the ending as written on the word, without space or '*', e.g. \"ی\" or \"ه\"",
                ),
            );
        }
        ok
    });
    lex.alone = read_weights(
        ctx,
        &t,
        WeightTable {
            key: "alone",
            header: "[lexicon.alone]",
            expected: "a table { negator = weight }",
            what: "alone weight of",
            unit: "weight",
            range: -4.0..=4.0,
            help: "sentiment weights run from -4 (very negative) to 4 (very positive)",
        },
    );
    lex.alone.retain(|(a, _)| {
        let known = lex.negators.iter().any(|n| n.value == a.value)
            || lex.intensifiers.iter().any(|(i, _)| i.value == a.value);
        if !known {
            ctx.push(
                Diagnostic::new(
                    DiagCode::BadValue,
                    a.loc.clone(),
                    format!(
                        "\"{}\" in `alone` is not a negator or intensifier of this lexicon",
                        a.value
                    ),
                )
                .with_help(
                    "list it under negators or intensifiers first, or remove it from `alone`",
                ),
            );
        }
        known
    });
    if let Some(ev) = t.get("external") {
        let base = sources.path(ctx.file).parent().unwrap_or(dir).to_path_buf();
        let entries: Vec<Value> = match ev.get_ref() {
            DeValue::Array(a) => a.iter().collect(),
            DeValue::Table(_) => vec![ev],
            other => {
                type_error(
                    ctx,
                    ev.span(),
                    "'external'",
                    "a list of { path, format } tables",
                    other,
                );
                vec![]
            }
        };
        for e in entries {
            let Some(et) = Table::new(e, "external lexicon") else {
                type_error(
                    ctx,
                    e.span(),
                    "external lexicon",
                    "a table { path = \"…\", format = \"vader\" }",
                    e.get_ref(),
                );
                continue;
            };
            et.check_keys(ctx, EXTERNAL_KEYS);
            let (Some(path), Some(format)) =
                (et.str(ctx, "path", true), et.str(ctx, "format", true))
            else {
                continue;
            };
            if format.value != "vader" {
                ctx.push(
                    Diagnostic::new(
                        DiagCode::BadValue,
                        format.loc.clone(),
                        format!("unknown lexicon format '{}'", format.value),
                    )
                    .with_help("supported: \"vader\" (tab-separated term, weight, …)"),
                );
                continue;
            }
            let full = base.join(&path.value);
            match std::fs::read(&full) {
                Ok(bytes) => {
                    hasher.update(path.value.as_bytes());
                    hasher.update([0]);
                    hasher.update(&bytes);
                    read_vader(ctx, &path, &String::from_utf8_lossy(&bytes), &mut lex);
                }
                Err(e) => ctx.push(
                    Diagnostic::new(
                        DiagCode::MissingFile,
                        path.loc.clone(),
                        format!("cannot read external lexicon {}: {e}", full.display()),
                    )
                    .with_help("paths are relative to the file that names them"),
                ),
            }
        }
    }
    Some(lex)
}

/// VADER's `vader_lexicon.txt`: `term<TAB>mean<TAB>stddev<TAB>[ratings]`. Lines that
/// do not have a numeric second column are reported (with their line number) and skipped.
fn read_vader(ctx: &mut Ctx, path: &Located<String>, text: &str, lex: &mut RawLexicon) {
    let mut bad = 0usize;
    let mut first_bad = None;
    let mut symbols_only = 0usize;
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cols = line.split('\t');
        let term = cols.next().unwrap_or("").trim();
        match cols
            .next()
            .map(str::trim)
            .and_then(|w| w.parse::<f64>().ok())
        {
            Some(w) if !term.is_empty() && w.is_finite() => {
                // VADER lists emoticons (":)", "<3"); punctuation is folded away when
                // matching, so they can never match: skip them with one warning.
                if crate::normalize::normalize_phrase(term).is_empty() {
                    symbols_only += 1;
                    continue;
                }
                lex.terms.push((
                    Located {
                        value: term.to_string(),
                        loc: path.loc.clone(),
                    },
                    w.clamp(-4.0, 4.0),
                ));
            }
            _ => {
                bad += 1;
                first_bad.get_or_insert(n + 1);
            }
        }
    }
    if symbols_only > 0 {
        ctx.push(
            Diagnostic::new(
                DiagCode::UnmatchableTerms,
                path.loc.clone(),
                format!("{symbols_only} term(s) of {} are only punctuation or symbols (emoticons) and can never match; skipped", path.value),
            )
            .with_help("callscore matches words; punctuation and symbols are ignored in transcripts"),
        );
    }
    if let Some(line) = first_bad {
        ctx.push(
            Diagnostic::new(
                DiagCode::BadLexiconLine,
                path.loc.clone(),
                format!(
                    "{bad} line(s) of {} are not `term<TAB>weight`, first at line {line}; skipped",
                    path.value
                ),
            )
            .with_help("each line needs a term, a tab and a number"),
        );
    }
}
