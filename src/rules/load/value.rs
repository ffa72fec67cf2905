//! Typed access to a spanned TOML table, reporting every problem as a [`Diagnostic`]
//! instead of stopping at the first one (serde would stop, and point at the table).

use crate::diagnostic::{DiagCode, Diagnostic, FileId, Loc};
use crate::rules::model::Located;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Where diagnostics of one file go.
pub(crate) struct Ctx<'d> {
    pub file: FileId,
    pub diags: &'d mut Vec<Diagnostic>,
    /// Keys that an unknown key of a table was taken for ("did you mean"), by table:
    /// a key missing from that table is then already reported, as the typo.
    pub suggested: Vec<(usize, String)>,
}

impl<'d> Ctx<'d> {
    pub fn new(file: FileId, diags: &'d mut Vec<Diagnostic>) -> Self {
        Ctx {
            file,
            diags,
            suggested: Vec::new(),
        }
    }

    /// Whether an unknown key of `table` was reported as a typo of one of `keys`.
    pub fn misspelt(&self, table: &DeTable, keys: &[&str]) -> bool {
        let id = table_id(table);
        self.suggested
            .iter()
            .any(|(t, k)| *t == id && keys.contains(&k.as_str()))
    }

    pub fn loc(&self, span: Range<usize>) -> Loc {
        Loc {
            file: self.file,
            span,
        }
    }

    pub fn emit(&mut self, code: DiagCode, span: Range<usize>, msg: impl Into<String>) {
        let d = Diagnostic::new(code, self.loc(span), msg);
        self.diags.push(d);
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }
}

/// Identifies a table of the parsed file while it is read (its address: tables do not
/// move, and spans are not unique for implicit tables).
fn table_id(table: &DeTable) -> usize {
    table as *const DeTable as usize
}

/// A table being read: remembers its span and what it is called in messages.
pub(crate) struct Table<'a, 'i> {
    pub table: &'a DeTable<'i>,
    pub span: Range<usize>,
    pub what: String,
}

pub(crate) type Value<'a, 'i> = &'a Spanned<DeValue<'i>>;

impl<'a, 'i> Table<'a, 'i> {
    pub fn new(v: Value<'a, 'i>, what: impl Into<String>) -> Option<Self> {
        match v.get_ref() {
            DeValue::Table(t) => Some(Table {
                table: t,
                span: v.span(),
                what: what.into(),
            }),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<Value<'a, 'i>> {
        self.table
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map(|(_, v)| v)
    }

    /// Report keys not in `allowed`, with a "did you mean" when one is close.
    pub fn check_keys(&self, ctx: &mut Ctx, allowed: &[&str]) {
        for (k, _) in self.table.iter() {
            let key: &str = k.get_ref().as_ref();
            if allowed.contains(&key) {
                continue;
            }
            let allowed_here = format!("allowed keys here: {}", allowed.join(", "));
            let (message, help) = match did_you_mean(key, allowed) {
                Some(s) => {
                    ctx.suggested.push((table_id(self.table), s.to_string()));
                    (
                        format!("unknown key '{key}' in {}; did you mean '{s}'?", self.what),
                        format!(
                            "did you mean '{s}'? Allowed keys here: {}",
                            allowed.join(", ")
                        ),
                    )
                }
                None => (
                    format!("unknown key '{key}' in {}", self.what),
                    allowed_here,
                ),
            };
            ctx.push(
                Diagnostic::new(DiagCode::UnknownKey, ctx.loc(k.span()), message).with_help(help),
            );
        }
    }

    pub fn required(&self, ctx: &mut Ctx, key: &str) -> Option<Value<'a, 'i>> {
        let v = self.get(key);
        // `requre = …` is already reported as "did you mean 'require'?": saying that
        // `require` is missing too would only put a second error first.
        if v.is_none() && !ctx.misspelt(self.table, &[key]) {
            ctx.push(
                Diagnostic::new(
                    DiagCode::MissingKey,
                    ctx.loc(self.header_span()),
                    format!("{} has no '{key}'", self.what),
                )
                .with_help(format!("add `{key} = …` to it")),
            );
        }
        v
    }

    /// A short span to point at for the whole table: its first key if it has one.
    pub fn header_span(&self) -> Range<usize> {
        self.table
            .iter()
            .map(|(k, _)| k.span())
            .min_by_key(|s| s.start)
            .unwrap_or(self.span.clone())
    }

    pub fn str(&self, ctx: &mut Ctx, key: &str, required: bool) -> Option<Located<String>> {
        let v = if required {
            self.required(ctx, key)?
        } else {
            self.get(key)?
        };
        as_str(ctx, v, &format!("'{key}' in {}", self.what))
    }

    pub fn f64(&self, ctx: &mut Ctx, key: &str) -> Option<Located<f64>> {
        let v = self.get(key)?;
        as_f64(ctx, v, &format!("'{key}' in {}", self.what))
    }

    pub fn u32(&self, ctx: &mut Ctx, key: &str) -> Option<Located<u32>> {
        let v = self.get(key)?;
        as_u32(ctx, v, &format!("'{key}' in {}", self.what))
    }

    pub fn bool(&self, ctx: &mut Ctx, key: &str) -> Option<bool> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            other => {
                type_error(
                    ctx,
                    v.span(),
                    &format!("'{key}' in {}", self.what),
                    "true or false",
                    other,
                );
                None
            }
        }
    }

    /// A string or an array of strings.
    pub fn str_list(&self, ctx: &mut Ctx, key: &str) -> Option<Vec<Located<String>>> {
        let v = self.get(key)?;
        as_str_list(ctx, v, &format!("'{key}' in {}", self.what))
    }
}

pub(crate) fn type_error(
    ctx: &mut Ctx,
    span: Range<usize>,
    what: &str,
    expected: &str,
    found: &DeValue,
) {
    ctx.emit(
        DiagCode::WrongType,
        span,
        format!("{what} must be {expected}, found {}", found.type_str()),
    );
}

pub(crate) fn as_str(ctx: &mut Ctx, v: Value, what: &str) -> Option<Located<String>> {
    match v.get_ref() {
        DeValue::String(s) => Some(Located {
            value: s.to_string(),
            loc: ctx.loc(v.span()),
        }),
        other => {
            type_error(ctx, v.span(), what, "a string", other);
            None
        }
    }
}

pub(crate) fn as_f64(ctx: &mut Ctx, v: Value, what: &str) -> Option<Located<f64>> {
    let n = match v.get_ref() {
        DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
            .ok()
            .map(|n| n as f64),
        DeValue::Float(f) => f.as_str().replace('_', "").parse::<f64>().ok(),
        other => {
            type_error(ctx, v.span(), what, "a number", other);
            return None;
        }
    };
    match n {
        Some(n) if n.is_finite() => Some(Located {
            value: n,
            loc: ctx.loc(v.span()),
        }),
        _ => {
            ctx.emit(
                DiagCode::WrongType,
                v.span(),
                format!("{what} must be a finite number"),
            );
            None
        }
    }
}

pub(crate) fn as_u32(ctx: &mut Ctx, v: Value, what: &str) -> Option<Located<u32>> {
    let n = match v.get_ref() {
        DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).ok(),
        other => {
            type_error(ctx, v.span(), what, "a whole number", other);
            return None;
        }
    };
    match n.and_then(|n| u32::try_from(n).ok()) {
        Some(n) => Some(Located {
            value: n,
            loc: ctx.loc(v.span()),
        }),
        None => {
            ctx.emit(
                DiagCode::OutOfRange,
                v.span(),
                format!("{what} must be a whole number from 0 to {}", u32::MAX),
            );
            None
        }
    }
}

pub(crate) fn as_str_list(ctx: &mut Ctx, v: Value, what: &str) -> Option<Vec<Located<String>>> {
    match v.get_ref() {
        DeValue::String(_) => as_str(ctx, v, what).map(|s| vec![s]),
        DeValue::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items.iter() {
                if let Some(s) = as_str(ctx, item, &format!("each entry of {what}")) {
                    out.push(s);
                }
            }
            Some(out)
        }
        other => {
            type_error(ctx, v.span(), what, "a string or a list of strings", other);
            None
        }
    }
}

/// The closest allowed key within a small edit distance, if any.
pub(crate) fn did_you_mean<'a>(key: &str, allowed: &[&'a str]) -> Option<&'a str> {
    closest_within(key, allowed, (key.chars().count() / 3).max(1) + 1)
}

/// The candidate nearest to `word` by edit distance (ties: alphabetical), if at most
/// `limit` edits away. Shared by unknown keys here and unknown ids in the compiler.
pub(crate) fn closest_within<'a>(
    word: &str,
    candidates: &[&'a str],
    limit: usize,
) -> Option<&'a str> {
    let best = candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), *c))
        .min_by_key(|(d, c)| (*d, *c))?;
    (best.0 <= limit).then_some(best.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys_only() {
        let allowed = ["window", "speaker", "min_count"];
        assert_eq!(did_you_mean("windw", &allowed), Some("window"));
        assert_eq!(did_you_mean("speakr", &allowed), Some("speaker"));
        assert_eq!(did_you_mean("mincount", &allowed), Some("min_count"));
        assert_eq!(did_you_mean("xyz", &allowed), None);
    }
}
