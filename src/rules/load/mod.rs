//! Loading a rule pack folder: find the TOML files, parse each with spans, and read
//! them into a [`RawPack`], collecting every problem instead of stopping at the first.

mod cond;
mod lexicon;
mod syntax;
mod value;

pub(crate) use value::closest_within;

use crate::diagnostic::{DiagCode, Diagnostic, Loc, SourceMap};
use crate::rules::model::*;
use crate::transcript::Speaker;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};
use value::{Ctx, Table, Value, type_error};

// Allowed keys of every table of a rule file. `schemas/rules.schema.json` lists the same
// keys; a test (`src/rules/schema_tests.rs`) keeps the two in step.

#[cfg(test)]
pub(crate) use cond::{BEFORE_KEYS, KIND_KEYS, NEAR_KEYS, SCOPE_KEYS, SPEAKERS, WINDOW_KEYS};
#[cfg(test)]
pub(crate) use lexicon::{EXTERNAL_KEYS, LEXICON_KEYS};

/// Top-level keys of a rule file.
pub(crate) const TOP_KEYS: &[&str] =
    &["pack", "scoring", "item", "department", "driver", "lexicon"];
/// Keys of `[pack]`.
pub(crate) const PACK_KEYS: &[&str] = &["name", "version", "description"];
/// Keys of `[scoring]`.
pub(crate) const SCORING_KEYS: &[&str] = &["auto_fail_score"];
/// Keys of `[[item]]`.
pub(crate) const ITEM_KEYS: &[&str] = &[
    "id",
    "name",
    "section",
    "weight",
    "critical",
    "description",
    "require",
    "forbid",
    "applies_when",
    "examples",
];
/// Keys of `[[driver]]`.
pub(crate) const DRIVER_KEYS: &[&str] = &[
    "id",
    "name",
    "department",
    "when",
    "cost_per_hour",
    "min_score",
    "description",
    "examples",
];
/// Keys of `[[department]]`.
pub(crate) const DEPARTMENT_KEYS: &[&str] = &["id", "name", "cost_per_hour"];
/// Keys of one entry of `examples`.
pub(crate) const EXAMPLE_KEYS: &[&str] = &["text", "speaker", "at", "channel", "expect"];
/// Values of an example's `expect`.
pub(crate) const EXPECTS: &[&str] = &["hit", "no-hit"];

/// The result of reading a pack folder (before compilation).
#[derive(Debug, Default)]
pub struct Loaded {
    /// What the files say (whatever could be read).
    pub pack: RawPack,
    /// Every file read, for diagnostics.
    pub sources: SourceMap,
    /// Problems found.
    pub diagnostics: Vec<Diagnostic>,
    /// SHA-256 over every file's relative path and bytes, in path order (hex).
    pub hash: String,
}

/// The `.toml` files of a pack, sorted by path; files under a `tests` folder are rule
/// tests, not rules, and are left out. A single `.toml` file is a pack of one file.
pub fn pack_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    if dir.is_file() {
        return Ok(vec![dir.to_path_buf()]);
    }
    if !dir.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("rule pack folder {} does not exist", dir.display()),
        ));
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(std::io::Error::other)?;
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        if rel.components().any(|c| c.as_os_str() == "tests") {
            continue;
        }
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|e| e == "toml") {
            files.push(entry.path().to_path_buf());
        }
    }
    Ok(files)
}

/// Read every file of the pack at `dir`. I/O errors on the folder itself are returned
/// as `Err`; everything about the content is in [`Loaded::diagnostics`].
pub fn load_dir(dir: &Path) -> std::io::Result<Loaded> {
    let files = pack_files(dir)?;
    let mut loaded = Loaded::default();
    let mut hasher = Sha256::new();
    for path in files {
        let bytes = std::fs::read(&path)?;
        let rel = path.strip_prefix(dir).unwrap_or(&path);
        hasher.update(rel.to_string_lossy().as_bytes());
        hasher.update([0]);
        hasher.update(&bytes);
        hasher.update([0]);
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let file = loaded.sources.add(path.clone(), text);
                loaded.diagnostics.push(
                    Diagnostic::new(
                        DiagCode::NotUtf8,
                        Loc {
                            file,
                            span: valid..valid + 1,
                        },
                        "rule files must be UTF-8",
                    )
                    .with_help("re-save the file as UTF-8"),
                );
                continue;
            }
        };
        let file = loaded.sources.add(path.clone(), text);
        let text = loaded.sources.text(file).to_string();
        read_file(&mut loaded, file, &text, dir, &mut hasher);
    }
    loaded.hash = hex::encode(hasher.finalize());
    Ok(loaded)
}

/// Read a pack given as one TOML text (used by tests and `callscore test`).
pub fn load_str(name: &str, text: &str) -> Loaded {
    let mut loaded = Loaded::default();
    let file = loaded.sources.add(PathBuf::from(name), text.to_string());
    let mut hasher = Sha256::new();
    hasher.update(text.as_bytes());
    read_file(&mut loaded, file, text, Path::new("."), &mut hasher);
    loaded.hash = hex::encode(hasher.finalize());
    loaded
}

fn read_file(loaded: &mut Loaded, file: u32, text: &str, dir: &Path, hasher: &mut Sha256) {
    let doc = match DeTable::parse(text) {
        Ok(d) => d,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let d = match syntax::bad_escape(text, span.start) {
                Some(r) => {
                    Diagnostic::new(DiagCode::TomlSyntax, Loc { file, span: r.span }, r.message)
                        .with_help(r.help)
                }
                None => Diagnostic::new(
                    DiagCode::TomlSyntax,
                    Loc { file, span },
                    format!("invalid TOML: {}", e.message().trim()),
                ),
            };
            loaded.diagnostics.push(d);
            return;
        }
    };
    let mut ctx = Ctx::new(file, &mut loaded.diagnostics);
    let root = Table {
        table: doc.get_ref(),
        span: doc.span(),
        what: "the file".into(),
    };
    root.check_keys(&mut ctx, TOP_KEYS);
    let pack = &mut loaded.pack;
    if let Some(v) = root.get("pack") {
        if let Some(t) = Table::new(v, "[pack]") {
            t.check_keys(&mut ctx, PACK_KEYS);
            if let Some(s) = t.str(&mut ctx, "name", false) {
                pack.info.name = s.value;
            }
            if let Some(s) = t.str(&mut ctx, "version", false) {
                pack.info.version = s.value;
            }
            pack.info.description = t.str(&mut ctx, "description", false).map(|s| s.value);
        } else {
            type_error(&mut ctx, v.span(), "[pack]", "a table", v.get_ref());
        }
    }
    if let Some(v) = root.get("scoring") {
        if let Some(t) = Table::new(v, "[scoring]") {
            t.check_keys(&mut ctx, SCORING_KEYS);
            if let Some(n) = t.f64(&mut ctx, "auto_fail_score") {
                if !(0.0..=100.0).contains(&n.value) {
                    ctx.emit(
                        DiagCode::OutOfRange,
                        n.loc.span.clone(),
                        "auto_fail_score must be from 0 to 100",
                    );
                } else {
                    pack.info.auto_fail_score = n.value;
                }
            }
        } else {
            type_error(&mut ctx, v.span(), "[scoring]", "a table", v.get_ref());
        }
    }
    for (i, v) in array_of_tables(&mut ctx, &root, "item") {
        if let Some(item) = read_item(&mut ctx, v, i) {
            pack.items.push(item);
        }
    }
    for (i, v) in array_of_tables(&mut ctx, &root, "department") {
        let Some(t) = Table::new(v, format!("department #{}", i + 1)) else {
            continue;
        };
        t.check_keys(&mut ctx, DEPARTMENT_KEYS);
        let id = t.str(&mut ctx, "id", true);
        let name = t.str(&mut ctx, "name", false);
        let cost = t.f64(&mut ctx, "cost_per_hour");
        if let Some(c) = &cost
            && c.value < 0.0
        {
            ctx.emit(
                DiagCode::OutOfRange,
                c.loc.span.clone(),
                "cost_per_hour cannot be negative",
            );
        }
        if let Some(id) = id {
            pack.departments.push(RawDepartment {
                name: name.map_or_else(|| id.value.clone(), |n| n.value),
                id,
                cost_per_hour: cost.map_or(0.0, |c| c.value.max(0.0)),
            });
        }
    }
    for (i, v) in array_of_tables(&mut ctx, &root, "driver") {
        if let Some(d) = read_driver(&mut ctx, v, i) {
            pack.drivers.push(d);
        }
    }
    if let Some(v) = root.get("lexicon")
        && let Some(lex) = lexicon::read_lexicon(&mut ctx, v, &loaded.sources, dir, hasher)
    {
        pack.lexicons.push(lex);
    }
}

fn array_of_tables<'a, 'i>(
    ctx: &mut Ctx,
    root: &Table<'a, 'i>,
    key: &str,
) -> Vec<(usize, Value<'a, 'i>)> {
    let Some(v) = root.get(key) else {
        return Vec::new();
    };
    match v.get_ref() {
        DeValue::Array(items) => items.iter().enumerate().collect(),
        other => {
            type_error(
                ctx,
                v.span(),
                &format!("'{key}'"),
                &format!("an array of tables: [[{key}]]"),
                other,
            );
            Vec::new()
        }
    }
}

fn read_item(ctx: &mut Ctx, v: Value, index: usize) -> Option<RawItem> {
    let (t, id) = open_entry(ctx, v, "item", index, ITEM_KEYS)?;
    let section = t.str(ctx, "section", true);
    let name = t.str(ctx, "name", false);
    let weight = match t.f64(ctx, "weight") {
        Some(w) if w.value <= 0.0 => {
            ctx.push(
                Diagnostic::new(
                    DiagCode::OutOfRange,
                    w.loc.clone(),
                    format!("weight of {} must be more than 0", t.what),
                )
                .with_help("an item that should not count can be removed, or given a small weight"),
            );
            1.0
        }
        Some(w) => w.value,
        None => 1.0,
    };
    let critical = t.bool(ctx, "critical").unwrap_or(false);
    let description = t.str(ctx, "description", false).map(|s| s.value);
    let (mode, cond_v) = match (t.get("require"), t.get("forbid")) {
        (Some(r), None) => (Mode::Require, r),
        (None, Some(f)) => (Mode::Forbid, f),
        (Some(_), Some(f)) => {
            let span = t
                .table
                .iter()
                .find(|(k, _)| k.get_ref().as_ref() == "forbid")
                .map(|(k, _)| k.span());
            ctx.push(
                Diagnostic::new(
                    DiagCode::RequireAndForbid,
                    ctx.loc(span.unwrap_or(f.span())),
                    format!("{} has both 'require' and 'forbid'", t.what),
                )
                .with_help("split it into two items"),
            );
            return None;
        }
        (None, None) if ctx.misspelt(t.table, &["require", "forbid"]) => return None,
        (None, None) => {
            ctx.push(
                Diagnostic::new(DiagCode::MissingKey, ctx.loc(t.header_span()), format!("{} has neither 'require' nor 'forbid'", t.what))
                    .with_help("add `require = { … }` (pass when it holds) or `forbid = { … }` (fail when it holds)"),
            );
            return None;
        }
    };
    let key = if mode == Mode::Require {
        "require"
    } else {
        "forbid"
    };
    let cond = cond::read_cond(ctx, cond_v, &format!("'{key}' of {}", t.what), false);
    let applies_when = t
        .get("applies_when")
        .and_then(|a| cond::read_cond(ctx, a, &format!("'applies_when' of {}", t.what), false));
    let examples = read_examples(ctx, &t);
    Some(RawItem {
        name: name.map_or_else(|| id.value.clone(), |n| n.value),
        id,
        section: section?.value,
        weight,
        critical,
        description,
        mode,
        cond: cond?,
        applies_when,
        examples,
    })
}

fn read_driver(ctx: &mut Ctx, v: Value, index: usize) -> Option<RawDriver> {
    let (t, id) = open_entry(ctx, v, "driver", index, DRIVER_KEYS)?;
    let department = t.str(ctx, "department", true);
    let name = t.str(ctx, "name", false);
    let cost = t.f64(ctx, "cost_per_hour");
    let min_score = match t.f64(ctx, "min_score") {
        Some(m) if m.value <= 0.0 => {
            ctx.push(
                Diagnostic::new(
                    DiagCode::OutOfRange,
                    m.loc.clone(),
                    format!("min_score of {} must be more than 0", t.what),
                )
                .with_help("without min_score, one hit of the driver's `when` is enough"),
            );
            None
        }
        m => m.map(|m| m.value),
    };
    let description = t.str(ctx, "description", false).map(|s| s.value);
    let when = t
        .required(ctx, "when")
        .and_then(|w| cond::read_cond(ctx, w, &format!("'when' of {}", t.what), false));
    let examples = read_examples(ctx, &t);
    Some(RawDriver {
        name: name.map_or_else(|| id.value.clone(), |n| n.value),
        id,
        department: department?,
        when: when?,
        cost_per_hour: cost.map(|c| c.value),
        min_score,
        description,
        examples,
    })
}

/// The common start of an `[[item]]` / `[[driver]]` entry: it must be a table with an
/// `id`; its keys are checked against `keys`, and messages name it by id from then on.
fn open_entry<'a, 'i>(
    ctx: &mut Ctx,
    v: Value<'a, 'i>,
    kind: &str,
    index: usize,
    keys: &[&str],
) -> Option<(Table<'a, 'i>, Located<String>)> {
    let what = format!("{kind} #{}", index + 1);
    let Some(t) = Table::new(v, what.clone()) else {
        type_error(ctx, v.span(), &what, "a table", v.get_ref());
        return None;
    };
    // Keys are checked first, so that a misspelt `id` is reported as the typo it is, and
    // under the entry's id when it has one.
    let t = match t.get("id").map(|v| v.get_ref()) {
        Some(DeValue::String(id)) => Table {
            what: format!("{kind} \"{id}\""),
            ..t
        },
        _ => t,
    };
    t.check_keys(ctx, keys);
    let id = t.str(ctx, "id", true)?;
    check_id_syntax(ctx, &id);
    Some((t, id))
}

fn check_id_syntax(ctx: &mut Ctx, id: &Located<String>) {
    let ok = !id.value.is_empty()
        && id
            .value
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'));
    if !ok {
        ctx.push(
            Diagnostic::new(
                DiagCode::BadId,
                id.loc.clone(),
                format!("id \"{}\" has characters ids cannot have", id.value),
            )
            .with_help("use letters, digits, '-', '_', '.' and '/' only"),
        );
    }
}

fn read_examples(ctx: &mut Ctx, t: &Table) -> Vec<Example> {
    let Some(v) = t.get("examples") else {
        return Vec::new();
    };
    let DeValue::Array(items) = v.get_ref() else {
        type_error(
            ctx,
            v.span(),
            &format!("'examples' of {}", t.what),
            "a list of { text, expect } tables",
            v.get_ref(),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, ev) in items.iter().enumerate() {
        let what = format!("example {} of {}", i + 1, t.what);
        let Some(et) = Table::new(ev, what.clone()) else {
            type_error(
                ctx,
                ev.span(),
                &what,
                "a table { text = \"…\", expect = \"hit\" }",
                ev.get_ref(),
            );
            continue;
        };
        et.check_keys(ctx, EXAMPLE_KEYS);
        let text = et.str(ctx, "text", true);
        let expect = et
            .str(ctx, "expect", true)
            .and_then(|e| match e.value.as_str() {
                "hit" => Some(Expect::Hit),
                "no-hit" => Some(Expect::NoHit),
                other => {
                    ctx.push(
                        Diagnostic::new(
                            DiagCode::BadValue,
                            e.loc.clone(),
                            format!("expect = \"{other}\" is not an outcome"),
                        )
                        .with_help(format!("use one of: {}", EXPECTS.join(", "))),
                    );
                    None
                }
            });
        let speaker = et
            .str(ctx, "speaker", false)
            .and_then(|s| match s.value.as_str() {
                "agent" => Some(Speaker::Agent),
                "customer" => Some(Speaker::Customer),
                "other" => Some(Speaker::Other),
                other => {
                    ctx.push(
                        Diagnostic::new(
                            DiagCode::BadValue,
                            s.loc.clone(),
                            format!("unknown speaker '{other}'"),
                        )
                        .with_help("use \"agent\", \"customer\" or \"other\""),
                    );
                    None
                }
            });
        let at = et.f64(ctx, "at").map_or(0.0, |a| a.value.max(0.0));
        let channel = et.str(ctx, "channel", false).map(|c| c.value);
        if let (Some(text), Some(expect)) = (text, expect) {
            out.push(Example {
                loc: ctx.loc(ev.span()),
                text: text.value,
                speaker,
                at,
                channel,
                expect,
            });
        }
    }
    out
}
