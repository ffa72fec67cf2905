//! `schemas/rules.schema.json` and the loader agree: the same keys in every table, the
//! shipped pack validates, and broken packs that `check` rejects for schema-level reasons
//! (unknown key, wrong type, …) are rejected by the schema too.

use super::load::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn schema() -> Value {
    let text = std::fs::read_to_string(root().join("schemas/rules.schema.json")).unwrap();
    serde_json::from_str(&text).expect("the schema is JSON")
}

fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(&schema()).expect("the schema is a valid JSON Schema")
}

/// A TOML rule file as JSON (what taplo / Even Better TOML validate).
fn toml_to_json(text: &str) -> Result<Value, toml::de::Error> {
    let t: toml::Table = toml::from_str(text)?;
    Ok(serde_json::to_value(t).expect("TOML values are JSON values"))
}

fn set<'a>(keys: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    keys.into_iter().map(str::to_string).collect()
}

fn prop_names(v: &Value) -> BTreeSet<String> {
    v["properties"]
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

fn enum_values(v: &Value) -> BTreeSet<String> {
    v["enum"]
        .as_array()
        .expect("an enum")
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// Every object in the schema that lists `properties`, by JSON pointer.
fn objects_with_properties(v: &Value, at: String, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(o) => {
            if o.contains_key("properties") {
                out.push((at.clone(), v.clone()));
            }
            for (k, child) in o {
                objects_with_properties(child, format!("{at}/{k}"), out);
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                objects_with_properties(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn schema_keys_are_the_loader_keys() {
    let s = schema();
    let cond_keys: Vec<&str> = KIND_KEYS.iter().chain(SCOPE_KEYS).copied().collect();
    let expected: &[(&str, &[&str])] = &[
        ("", TOP_KEYS),
        ("/$defs/pack", PACK_KEYS),
        ("/$defs/scoring", SCORING_KEYS),
        ("/$defs/item", ITEM_KEYS),
        ("/$defs/department", DEPARTMENT_KEYS),
        ("/$defs/driver", DRIVER_KEYS),
        ("/$defs/example", EXAMPLE_KEYS),
        ("/$defs/lexicon", LEXICON_KEYS),
        ("/$defs/external", EXTERNAL_KEYS),
        ("/$defs/window", WINDOW_KEYS),
        ("/$defs/condition", &cond_keys),
        ("/$defs/near", NEAR_KEYS),
        ("/$defs/before", BEFORE_KEYS),
    ];
    let mut found = Vec::new();
    objects_with_properties(&s, String::new(), &mut found);
    for (pointer, obj) in &found {
        let Some((_, keys)) = expected.iter().find(|(p, _)| p == pointer) else {
            panic!(
                "{pointer} in the schema lists properties but no loader constant is compared with it"
            );
        };
        assert_eq!(
            prop_names(obj),
            set(keys.iter().copied()),
            "keys of {pointer} differ between the schema and the loader"
        );
        assert_eq!(
            obj["additionalProperties"],
            Value::Bool(false),
            "{pointer} must forbid unknown keys"
        );
    }
    assert_eq!(
        found.len(),
        expected.len(),
        "every constant has its schema object"
    );

    // Exactly one kind key per condition: the schema's oneOf lists the kind keys.
    let one_of: BTreeSet<String> = s["$defs"]["condition"]["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["required"][0].as_str().unwrap().to_string())
        .collect();
    assert_eq!(one_of, set(KIND_KEYS.iter().copied()));
    assert_eq!(
        enum_values(&s["$defs"]["speaker"]),
        set(SPEAKERS.iter().copied())
    );
    assert_eq!(
        enum_values(&s["$defs"]["example"]["properties"]["expect"]),
        set(EXPECTS.iter().copied())
    );
    // Examples name a real speaker ("any" is a scope, not a speaker).
    assert_eq!(
        enum_values(&s["$defs"]["example"]["properties"]["speaker"]),
        set(SPEAKERS.iter().copied().filter(|s| *s != "any"))
    );
}

#[test]
fn every_schema_object_has_descriptions_for_editors() {
    let s = schema();
    let mut found = Vec::new();
    objects_with_properties(&s, String::new(), &mut found);
    for (pointer, obj) in found {
        for (key, prop) in obj["properties"].as_object().unwrap() {
            let described = prop.get("description").is_some()
                || prop
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/$defs/"))
                    .is_some_and(|d| s["$defs"][d].get("description").is_some());
            assert!(described, "{pointer}/properties/{key} has no description");
        }
    }
}

fn shipped_files() -> Vec<PathBuf> {
    pack_files(&root().join("rules")).unwrap()
}

#[test]
fn every_shipped_rule_file_validates_and_names_the_schema() {
    let v = validator();
    let files = shipped_files();
    assert!(files.len() >= 10, "the shipped pack has its files");
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let json = toml_to_json(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let errors: Vec<String> = v
            .iter_errors(&json)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", f.display());

        let first = text.lines().next().unwrap_or("");
        let rel = first
            .strip_prefix("#:schema ")
            .unwrap_or_else(|| panic!("{} does not start with #:schema", f.display()));
        let target = f.parent().unwrap().join(rel);
        assert_eq!(
            target.canonicalize().ok(),
            root().join("schemas/rules.schema.json").canonicalize().ok(),
            "{}: #:schema points at {rel}",
            f.display()
        );
    }
}

/// Cases of `tests/check/` that `check` rejects for a reason the schema can see.
const SCHEMA_REJECTS: &[&str] = &[
    "unknown-key",
    "wrong-type",
    "several-condition-kinds",
    "require-and-forbid",
    "impossible-window",
    "lexicon-weight",
    "empty-list",
    "bad-id",
    "bad-value",
    "bad-window",
    "missing-key",
    "never-fails",
    "no-condition-kind",
];
/// Cases only the loader can see (references, regex syntax, phrase normalisation, …):
/// the schema accepts them, which documents where the schema stops.
const SCHEMA_ACCEPTS: &[&str] = &[
    "duplicate-id",
    "unknown-id",
    "bad-regex",
    "empty-phrase",
    "bad-wildcard",
    "reference-cycle",
    "shared-driver-phrase",
    "never-holds",
    "bad-operand",
    "item-in-driver",
    "misplaced-key",
    "missing-file",
    "bad-lexicon-line",
    "unmatchable-terms",
    "regex-escape",
    "regex-matches-empty",
];
/// Cases that are not TOML (or not UTF-8): nothing for the schema to read.
const NOT_TOML: &[&str] = &["toml-syntax", "toml-escape", "not-utf8", "skipped-checks"];

fn case_files(case: &str) -> Vec<PathBuf> {
    let dir = root().join("tests/check").join(case).join("rules");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

fn schema_errors(v: &jsonschema::Validator, f: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(f).unwrap();
    let json = toml_to_json(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
    v.iter_errors(&json).map(|e| e.to_string()).collect()
}

#[test]
fn broken_packs_rejected_by_check_for_schema_reasons_are_rejected_by_the_schema() {
    let v = validator();
    for case in SCHEMA_REJECTS {
        let files = case_files(case);
        let rejected = files
            .iter()
            .filter(|f| !schema_errors(&v, f).is_empty())
            .count();
        assert_eq!(
            rejected,
            files.len(),
            "every file of tests/check/{case} must be rejected by the schema"
        );
    }
    for case in SCHEMA_ACCEPTS {
        for f in case_files(case) {
            let errors = schema_errors(&v, &f);
            assert!(errors.is_empty(), "{}: {errors:?}", f.display());
        }
    }
}

#[test]
fn every_check_case_is_classified() {
    let mut cases: Vec<String> = std::fs::read_dir(root().join("tests/check"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| root().join("tests/check").join(n).is_dir())
        .collect();
    cases.sort();
    for c in &cases {
        let known = SCHEMA_REJECTS.contains(&c.as_str())
            || SCHEMA_ACCEPTS.contains(&c.as_str())
            || NOT_TOML.contains(&c.as_str());
        assert!(
            known,
            "tests/check/{c} is in none of SCHEMA_REJECTS, SCHEMA_ACCEPTS, NOT_TOML"
        );
    }
}

#[test]
fn the_schema_directive_is_a_comment_the_loader_ignores() {
    let with = "#:schema ../schemas/rules.schema.json\n[pack]\nname = \"x\"\n";
    let c = super::load_pack_str("p.toml", with);
    assert!(c.diagnostics.is_empty());
    assert_eq!(c.pack.unwrap().info.name, "x");
}
