//! `callscore test --update`: rewrite a test's ```expect block with the actual outcomes,
//! and find the test files of a pack.

use super::parse::{ExpectValue, parse_expect, strip_comment, unquote};
use super::run::MdResult;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The text of a test file with its ```expect block rewritten to the actual outcomes.
/// Keys already in the block keep their place (comments and blank lines are kept);
/// checked items not in the block are added; a file without a block gets one at the end.
/// Returns None when the file could not be parsed (nothing to update).
pub fn updated_text(r: &MdResult) -> Option<String> {
    let t = r.test.as_ref()?;
    let value = |k: &str| r.actual.get(k).map(ToString::to_string);
    let mut block = String::new();
    if let Some(range) = &t.expect_range {
        for line in t.text[range.clone()].lines() {
            let content = strip_comment(line).trim();
            let Ok((key, _)) = parse_expect(content).or_else(|_| {
                // A line whose value is wrong for its key is still rewritten.
                content
                    .split_once('=')
                    .map(|(k, _)| (unquote(k), ExpectValue::Word(String::new())))
                    .ok_or(())
            }) else {
                block.push_str(line);
                block.push('\n');
                continue;
            };
            match value(&key) {
                Some(v) => {
                    let comment = &line[strip_comment(line).trim_end().len()..];
                    block.push_str(&format!("{key} = {v}{comment}\n"));
                }
                None => {
                    block.push_str(line);
                    block.push('\n');
                }
            }
        }
    }
    let present_keys: BTreeSet<String> = t
        .text
        .get(t.expect_range.clone().unwrap_or(0..0))
        .unwrap_or("")
        .lines()
        .filter_map(|l| strip_comment(l).split_once('=').map(|(k, _)| unquote(k)))
        .collect();
    let mut add: Vec<String> = Vec::new();
    let only: Vec<&String> = t.only.iter().flatten().collect();
    let record = r.record.as_ref()?;
    for item in &record.qa.items {
        let mentioned =
            only.contains(&&item.id) || t.turns.iter().any(|tt| tt.hits.contains(&item.id));
        if mentioned && !present_keys.contains(&item.id) {
            add.push(item.id.clone());
        }
    }
    if t.expect_range.is_none() {
        if only.is_empty() {
            // No narrowing: the new block says what happened to every item.
            add = record.qa.items.iter().map(|i| i.id.clone()).collect();
        }
        add.extend(["drivers", "primary", "auto_fail"].map(String::from));
    }
    for k in add {
        if let Some(v) = value(&k) {
            block.push_str(&format!("{k} = {v}\n"));
        }
    }
    Some(match &t.expect_range {
        Some(range) => format!(
            "{}{}{}",
            &t.text[..range.start],
            block,
            &t.text[range.end..]
        ),
        None => {
            let sep = if t.text.ends_with('\n') { "" } else { "\n" };
            format!("{}{sep}\n```expect\n{block}```\n", t.text)
        }
    })
}

/// Every `*.md` test file under `dir`, sorted (README.md excluded).
pub fn test_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "md")
                && p.file_name()
                    .is_some_and(|n| !n.eq_ignore_ascii_case("README.md"))
        })
        .collect();
    out.sort();
    out
}
