//! The documentation, checked against the tool: every command shown in the docs runs,
//! and what the docs state about flags, schemas, paths, `check` codes and the sample
//! corpus is what the binary does.
//!
//! # Commands in the docs
//!
//! Every fenced block marked `sh`, `bash`, `shell` or `console` in README.md,
//! rules/README.md, rules/README.zh.md and docs/*.md is run (corpus/README.md too):
//!
//! - each block in a fresh temporary folder holding copies of `corpus/` and `rules/`,
//!   which is the working directory; the block's lines run in order, so a block can
//!   show a sequence (`cp -r rules rules-old`, edit, then `callscore diff …`);
//! - each line with `bash -o pipefail -c`, no standard input, `callscore` being the
//!   binary under test; `cargo run [--release] -- ARGS` runs `callscore ARGS`; other
//!   `cargo` lines (`cargo test`, `cargo bench`) are not run (they would build the
//!   project inside the test);
//! - a line ending in `\` continues on the next; lines starting with `#` are comments;
//!   in a `console` block only the lines starting with `$ ` are commands;
//! - a command must exit 0, unless its line ends with the comment `# exits N`;
//! - `<!-- docs-test: skip (reason) -->` on the line before a block skips it. Use it
//!   only for what a test machine cannot have (a database server), never for a
//!   callscore command that should work; the reason is required.
//!
//! Failures name the doc file and line.

mod docsrun;

use docsrun::*;
use regex::Regex;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_callscore");

/// A folder holding `callscore` (a link to the binary under test), to put on the PATH.
fn bin_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::os::unix::fs::symlink(BIN, dir.path().join("callscore")).expect("link the binary");
    dir
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
}

/// Run every shell block of `doc`; returns (commands run, failures).
fn run_doc(doc: &str) -> (usize, Vec<String>) {
    let text = read(doc);
    let bins = bin_dir();
    let mut ran = 0;
    let mut failures = Vec::new();
    for b in blocks(&text) {
        if !SHELL_LANGS.contains(&b.lang.as_str()) {
            continue;
        }
        match b.skip.as_deref() {
            Some("") => {
                failures.push(format!(
                    "{doc}:{}: `docs-test: skip` needs a reason in parentheses",
                    b.line
                ));
                continue;
            }
            Some(_) => continue,
            None => {}
        }
        let work = tempfile::tempdir().expect("tempdir");
        copy_dir(&root().join("corpus"), &work.path().join("corpus"));
        copy_dir(&root().join("rules"), &work.path().join("rules"));
        for c in commands(&b) {
            let Some(line) = &c.run else { continue };
            ran += 1;
            let r = run_line(line, work.path(), bins.path(), Duration::from_secs(300));
            if r.timed_out {
                failures.push(format!(
                    "{doc}:{}: `{}` did not finish in 300 s",
                    c.line, c.written
                ));
                break;
            }
            if r.code != Some(c.expect) {
                failures.push(format!(
                    "{doc}:{}: `{}` exited {}, the doc expects {}{}\n  stdout (last lines):\n{}\n  stderr (last lines):\n{}",
                    c.line,
                    c.written,
                    r.code.map_or("by a signal".to_string(), |c| c.to_string()),
                    c.expect,
                    if c.expect == 0 {
                        " (write `# exits N` after a command that is meant to fail)"
                    } else {
                        ""
                    },
                    tail(&r.stdout, 8),
                    tail(&r.stderr, 12)
                ));
                // Later lines of the block may depend on this one.
                break;
            }
        }
    }
    (ran, failures)
}

fn assert_no_failures(what: &str, failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{what}: {} problem(s):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn readme_commands_run() {
    let (ran, failures) = run_doc("README.md");
    assert_no_failures("README.md", &failures);
    assert!(ran >= 5, "README.md: only {ran} commands found");
}

#[test]
fn rules_guide_commands_run() {
    let (ran, failures) = run_doc("rules/README.md");
    assert_no_failures("rules/README.md", &failures);
    assert!(ran >= 5, "rules/README.md: only {ran} commands found");
}

#[test]
fn rules_guide_zh_commands_run() {
    let (ran, failures) = run_doc("rules/README.zh.md");
    assert_no_failures("rules/README.zh.md", &failures);
    assert!(ran >= 5, "rules/README.zh.md: only {ran} commands found");
}

#[test]
fn other_docs_commands_run() {
    let mut failures = Vec::new();
    let mut ran = 0;
    for doc in doc_files() {
        if doc == "README.md" || doc.starts_with("rules/") {
            continue;
        }
        let (n, f) = run_doc(&doc);
        ran += n;
        failures.extend(f);
    }
    assert_no_failures("docs/*.md, corpus/README.md", &failures);
    assert!(ran >= 4, "docs/*.md: only {ran} commands found");
}

/// `callscore SUB --help` (SUB empty: the top-level help).
fn help(sub: &str) -> String {
    let mut cmd = std::process::Command::new(BIN);
    if !sub.is_empty() {
        cmd.arg(sub);
    }
    let o = cmd.arg("--help").output().expect("runs");
    assert!(o.status.success(), "callscore {sub} --help fails");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn flags(text: &str) -> BTreeSet<String> {
    Regex::new(r"(?:^|[^A-Za-z0-9-])(--[a-z][a-z0-9-]*)")
        .unwrap()
        .captures_iter(text)
        .map(|c| c[1].to_string())
        .collect()
}

/// Every `--flag` the README's command table (and its "Useful `run` options") writes for
/// a subcommand is one `callscore SUB --help` lists, and every subcommand has a row.
#[test]
fn readme_command_table_flags_exist() {
    let text = read("README.md");
    let mut helps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut check = |sub: &str, line_no: usize, line: &str, failures: &mut Vec<String>| {
        let known = helps
            .entry(sub.to_string())
            .or_insert_with(|| flags(&help(sub)));
        for f in flags(line) {
            if !known.contains(&f) {
                failures.push(format!(
                    "README.md:{line_no}: `{f}` is not an option of `callscore {sub}` (its --help lists {known:?})"
                ));
            }
        }
    };
    let mut rows = BTreeSet::new();
    let mut in_run_options = false;
    for (i, line) in text.lines().enumerate() {
        if let Some(cells) = row_cells(line)
            && let Some(first) = cells.first()
            && let Some(cmd) = first.strip_prefix("`callscore ")
        {
            let sub = cmd.split([' ', '`']).next().unwrap_or("").to_string();
            check(&sub, i + 1, line, &mut failures);
            rows.insert(sub);
        }
        if line.starts_with("Useful `run` options") {
            in_run_options = true;
        } else if line.trim().is_empty() {
            in_run_options = false;
        }
        if in_run_options {
            check("run", i + 1, line, &mut failures);
        }
    }
    let top = help("");
    let listed = top
        .split("Commands:")
        .nth(1)
        .and_then(|s| s.split("\n\n").next())
        .unwrap_or("");
    for line in listed.lines() {
        let Some(sub) = line.split_whitespace().next() else {
            continue;
        };
        if sub != "help" && !rows.contains(sub) {
            failures.push(format!(
                "README.md: the command table has no row for `callscore {sub}`"
            ));
        }
    }
    assert!(rows.len() >= 7, "command rows found: {rows:?}");
    assert_no_failures("README.md command table", &failures);
}

/// `callscore schema NAME` prints exactly the committed `schemas/NAME.schema.json`, and
/// each is a valid JSON Schema.
#[test]
fn schema_command_prints_every_committed_schema() {
    for name in ["record", "call", "rules"] {
        let committed = read(&format!("schemas/{name}.schema.json"));
        let o = std::process::Command::new(BIN)
            .args(["schema", name])
            .output()
            .expect("runs");
        assert!(o.status.success(), "callscore schema {name} fails");
        assert!(
            String::from_utf8_lossy(&o.stdout) == committed,
            "`callscore schema {name}` differs from schemas/{name}.schema.json"
        );
        let v: Value = serde_json::from_str(&committed)
            .unwrap_or_else(|e| panic!("schemas/{name}.schema.json is not JSON: {e}"));
        if let Err(e) = jsonschema::meta::validate(&v) {
            panic!("schemas/{name}.schema.json is not a valid JSON Schema: {e}");
        }
        jsonschema::validator_for(&v)
            .unwrap_or_else(|e| panic!("schemas/{name}.schema.json does not compile: {e}"));
    }
}

fn validator(name: &str) -> jsonschema::Validator {
    let v: Value = serde_json::from_str(&read(&format!("schemas/{name}.schema.json"))).unwrap();
    jsonschema::validator_for(&v).unwrap()
}

fn schema_errors(v: &jsonschema::Validator, what: &str, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .take(3)
        .map(|e| format!("{what}: {e} at {}", e.instance_path()))
        .collect()
}

/// The schemas describe what callscore reads and writes: every native call of the
/// corpus fits `call.schema.json`, every record of a run fits `record.schema.json`.
#[test]
fn schemas_describe_the_corpus_and_the_records() {
    let call = validator("call");
    let mut failures = Vec::new();
    let native = root().join("corpus/native");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&native)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut calls = 0;
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let name = f.strip_prefix(root()).unwrap().display().to_string();
        let docs: Vec<(String, Value)> = if name.ends_with(".jsonl") {
            text.lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(i, l)| {
                    (
                        format!("{name}:{}", i + 1),
                        serde_json::from_str(l).unwrap(),
                    )
                })
                .collect()
        } else {
            vec![(name.clone(), serde_json::from_str(&text).unwrap())]
        };
        for (what, d) in docs {
            calls += 1;
            failures.extend(schema_errors(&call, &what, &d));
        }
    }
    assert_eq!(calls, 20, "native calls in corpus/native");
    let record = validator("record");
    // The schema describes records at every evidence level.
    for level in ["failed", "all", "none"] {
        for (i, r) in scored_corpus_at(level).0.iter().enumerate() {
            let at = format!("calls.jsonl (--evidence {level}):{}", i + 1);
            failures.extend(schema_errors(&record, &at, r));
        }
    }
    assert_no_failures("schemas vs data", &failures);
}

/// The records of `callscore run corpus` with the default rules.
/// The sample corpus's records, and the ids of the pack's critical items (from the
/// run's manifest: records do not repeat the pack's constants).
fn scored_corpus() -> (Vec<Value>, std::collections::BTreeSet<String>) {
    scored_corpus_at("failed")
}

/// [`scored_corpus`] with `--evidence level`.
fn scored_corpus_at(level: &str) -> (Vec<Value>, std::collections::BTreeSet<String>) {
    let out = tempfile::tempdir().unwrap();
    let o = std::process::Command::new(BIN)
        .current_dir(root())
        .args([
            "run",
            "corpus",
            "--rules",
            "rules",
            "--quiet",
            "--evidence",
            level,
        ])
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let records = std::fs::read_to_string(out.path().join("calls.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        // The first line names the run; the records follow.
        .filter(|v| v["type"] == "call")
        .collect();
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("manifest.json")).unwrap())
            .unwrap();
    let critical = manifest["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["critical"] == true)
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    (records, critical)
}

/// Repository paths written in the docs (`code spans` with a `/`, and relative link
/// targets) exist. A span is taken for a path when its first segment is a folder of
/// the repository or of the doc's folder (so `billing/refund` or `out/calls.jsonl`
/// are not paths); `*` globs must match something.
#[test]
fn documented_paths_exist() {
    let link = Regex::new(r"\]\(([^)\s]+)\)").unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for doc in doc_files() {
        let text = read(&doc);
        let repo = root();
        let doc_dir = repo.join(&doc).parent().unwrap().to_path_buf();
        let fenced: BTreeSet<usize> = blocks(&text)
            .iter()
            .flat_map(|b| b.line..=b.lines.last().map_or(b.line, |l| l.0) + 1)
            .collect();
        for (i, line) in text.lines().enumerate() {
            if fenced.contains(&(i + 1)) {
                continue;
            }
            let spans = code_spans(line).into_iter().map(|s| (s, false));
            let links = link
                .captures_iter(line)
                .map(|c| (c[1].split('#').next().unwrap_or("").to_string(), true));
            for (span, is_link) in spans.chain(links) {
                if span.is_empty()
                    || span.contains(['<', '>', ' ', '…', '$', '@', ':', '='])
                    || span.starts_with('/')
                    || span.starts_with("../")
                    || span.contains("...")
                    || (!is_link && !span.contains('/'))
                {
                    continue;
                }
                let first = span.split('/').next().unwrap_or("");
                if first == "target" {
                    continue; // build output, there only after a build
                }
                let bases: Vec<&Path> = [repo.as_path(), doc_dir.as_path()]
                    .into_iter()
                    .filter(|b| is_link || (!first.is_empty() && b.join(first).is_dir()))
                    .collect();
                if bases.is_empty() {
                    continue;
                }
                checked += 1;
                let found = bases.iter().any(|b| {
                    if is_link {
                        return doc_dir.join(&span).exists();
                    }
                    exists_glob(b, &span)
                });
                if !found {
                    failures.push(format!(
                        "{doc}:{}: `{span}` names a path that does not exist",
                        i + 1
                    ));
                }
            }
        }
    }
    assert!(checked > 30, "paths checked: {checked}");
    assert_no_failures("paths in the docs", &failures);
}

/// Whether `pattern` (relative to `base`; `*` matches within one segment) names an
/// existing file or folder.
fn exists_glob(base: &Path, pattern: &str) -> bool {
    let mut paths = vec![base.to_path_buf()];
    for seg in pattern.trim_end_matches('/').split('/') {
        let mut next = Vec::new();
        for p in &paths {
            if seg.contains('*') {
                let re =
                    Regex::new(&format!("^{}$", regex::escape(seg).replace(r"\*", ".*"))).unwrap();
                for e in std::fs::read_dir(p).into_iter().flatten().flatten() {
                    if re.is_match(&e.file_name().to_string_lossy()) {
                        next.push(e.path());
                    }
                }
            } else if p.join(seg).exists() {
                next.push(p.join(seg));
            }
        }
        paths = next;
    }
    !paths.is_empty()
}

/// Every diagnostic code the rule loader can emit is in the `check` table of both rule
/// guides, and the tables name no code that does not exist.
#[test]
fn check_codes_are_documented() {
    // The registry is the one list of codes the loader can emit.
    let codes: BTreeSet<String> = callscore::diagnostic::DiagCode::ALL
        .iter()
        .map(|c| c.as_str().to_string())
        .collect();
    assert!(codes.len() >= 20, "codes found in src/: {codes:?}");
    let mut failures = Vec::new();
    let code_like = Regex::new(r"^[a-z0-9]+(-[a-z0-9]+)+$").unwrap();
    for doc in ["rules/README.md", "rules/README.zh.md"] {
        let text = read(doc);
        let mut documented = BTreeSet::new();
        for line in text.lines() {
            if let Some(cells) = row_cells(line)
                && cells.len() == 2
            {
                for span in code_spans(&cells[0]) {
                    if code_like.is_match(&span) {
                        documented.insert(span);
                    }
                }
            }
        }
        for c in codes.difference(&documented) {
            failures.push(format!(
                "{doc}: `check` code `{c}` is not in the table of codes"
            ));
        }
        for c in documented.difference(&codes) {
            failures.push(format!(
                "{doc}: the table of codes lists `{c}`, which callscore never reports"
            ));
        }
    }
    assert_no_failures("check codes", &failures);
}

/// corpus/README.md agrees with what `callscore run` makes of the corpus: the counts of
/// its summary, and every row of its table of calls (language, channel, expected
/// scorecard, primary driver).
#[test]
fn corpus_guide_matches_the_scored_corpus() {
    let doc = "corpus/README.md";
    let text = read(doc);
    let (records, critical_items) = scored_corpus();
    let by_id: BTreeMap<&str, &Value> = records
        .iter()
        .map(|r| (r["call_id"].as_str().unwrap(), r))
        .collect();
    let mut failures = Vec::new();
    let count = |f: &dyn Fn(&Value) -> bool| records.iter().filter(|r| f(r)).count();
    let lang = |l: &'static str| move |r: &Value| r["language"] == l;
    let channel = |c: &'static str| move |r: &Value| r["metadata"]["channel"] == c;
    let auto_fail = |r: &Value| r["qa"]["auto_fail"] == true;
    let claims: Vec<(&str, Vec<usize>)> = vec![
        (
            r"(\d+) realistic contact-center conversations",
            vec![records.len()],
        ),
        (
            r"(\d+) English, (\d+) Chinese, (\d+) Persian",
            vec![count(&lang("en")), count(&lang("zh")), count(&lang("fa"))],
        ),
        (
            r"(\d+) voice calls, (\d+) chats, (\d+) e-mail threads",
            vec![
                count(&channel("voice")),
                count(&channel("chat")),
                count(&channel("email")),
            ],
        ),
        (r"(\d+) calls fail a critical item", vec![count(&auto_fail)]),
        (
            r"(\d+) items\)",
            vec![records[0]["qa"]["items"].as_array().unwrap().len()],
        ),
    ];
    for (pattern, want) in claims {
        let re = Regex::new(pattern).unwrap();
        let Some((line, caps)) = text
            .lines()
            .enumerate()
            .find_map(|(i, l)| re.captures(l).map(|c| (i + 1, c)))
        else {
            failures.push(format!("{doc}: no line says `{pattern}`"));
            continue;
        };
        let got: Vec<usize> = (1..caps.len()).map(|k| caps[k].parse().unwrap()).collect();
        if got != want {
            failures.push(format!(
                "{doc}:{line}: says {got:?} for `{pattern}`, the scored corpus has {want:?}"
            ));
        }
    }

    let mut rows = 0;
    for (i, line) in text.lines().enumerate() {
        let Some(cells) = row_cells(line) else {
            continue;
        };
        if cells.len() != 8 || !cells[1].starts_with('`') {
            continue;
        }
        rows += 1;
        let at = format!("{doc}:{}", i + 1);
        let id = cells[1].trim_matches('`');
        let Some(r) = by_id.get(id) else {
            failures.push(format!("{at}: call `{id}` is not in the scored corpus"));
            continue;
        };
        let source = format!("corpus/{}", cells[0].trim_matches('`'));
        let mut wrong = Vec::new();
        if r["source"] != source.as_str() {
            wrong.push(format!("source is {}", r["source"]));
        }
        if r["language"] != cells[3].as_str() {
            wrong.push(format!("language is {}", r["language"]));
        }
        if r["metadata"]["channel"] != cells[4].as_str() {
            wrong.push(format!("channel is {}", r["metadata"]["channel"]));
        }
        let primary = r["drivers"]["primary"].as_str().unwrap_or("none");
        if primary != cells[7] {
            wrong.push(format!("primary driver is {primary}"));
        }
        let items = r["qa"]["items"].as_array().unwrap();
        let failed = |critical: bool| -> Vec<&str> {
            items
                .iter()
                .filter(|it| {
                    it["result"] == "fail"
                        && critical_items.contains(it["id"].as_str().unwrap()) == critical
                })
                .map(|it| it["id"].as_str().unwrap())
                .collect()
        };
        let (crit, other) = (failed(true), failed(false));
        let actual = if r["qa"]["auto_fail"] == true {
            format!("**auto-fail**: {}", crit.join(", "))
        } else if other.is_empty() {
            "all pass".to_string()
        } else {
            format!("{} failed", other.len())
        };
        let stated = &cells[6];
        let ok = match stated.split_once(" (+") {
            // "**auto-fail**: a, b (+2 failed)": the critical ones and how many more.
            Some((head, more)) => {
                head == actual && more.trim_end_matches(" failed)") == other.len().to_string()
            }
            None => *stated == actual,
        };
        if !ok {
            wrong.push(format!(
                "scorecard is `{actual}` ({} non-critical failed)",
                other.len()
            ));
        }
        if !wrong.is_empty() {
            failures.push(format!("{at}: `{id}`: {}", wrong.join("; ")));
        }
    }
    if rows != records.len() {
        failures.push(format!(
            "{doc}: the table lists {rows} calls, the corpus has {}",
            records.len()
        ));
    }
    assert_no_failures(doc, &failures);
}

// The reading rules themselves.

#[test]
fn fences_nest_and_skip_comments_are_read() {
    let md = "text\n\n<!-- docs-test: skip (needs PostgreSQL) -->\n```sh\npsql -c 'select 1'\n```\n\n````markdown\n```sh\ninner\n```\n````\n\n```console\n$ callscore check \\\n    --rules rules   # exits 2\noutput line\n$ cargo run --release -- run corpus\n$ cargo test --locked\n```\n";
    let b = blocks(md);
    assert_eq!(b.len(), 3, "{b:?}");
    assert_eq!(b[0].skip.as_deref(), Some("needs PostgreSQL"));
    assert_eq!((b[1].lang.as_str(), b[1].lines.len()), ("markdown", 3));
    let c = commands(&b[2]);
    assert_eq!(c.len(), 3, "{c:?}");
    assert_eq!(c[0].line, 15);
    assert_eq!(
        c[0].run.as_deref(),
        Some("callscore check --rules rules   # exits 2")
    );
    assert_eq!(c[0].expect, 2);
    assert_eq!(c[1].run.as_deref(), Some("callscore run corpus"));
    assert_eq!(c[1].expect, 0);
    assert_eq!(c[2].run, None, "cargo test is not run");
}
