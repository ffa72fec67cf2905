//! `callscore test`: run the examples written beside every item and driver, and every
//! whole-call test file (`rules/tests/*.md`). `--update` rewrites the ```expect blocks
//! of the test files with the actual outcomes.

use super::Exit;
use super::args::PackArgs;
use crate::rules::model::Expect;
use crate::ruletest::mdtest::{self, MdResult};
use crate::ruletest::{ExampleResult, run_examples};
use clap::Args;
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub(crate) struct TestArgs {
    #[command(flatten)]
    pack: PackArgs,
    /// Folder of whole-call test files (*.md); default: the `tests` folder of the pack.
    #[arg(long)]
    tests: Option<PathBuf>,
    /// Rewrite the ```expect blocks of the test files with the actual outcomes (review
    /// the git diff afterwards).
    #[arg(long)]
    update: bool,
    /// Run only these test files (default: every *.md file of the tests folder).
    files: Vec<PathBuf>,
}

pub(crate) fn test(args: TestArgs) -> Exit {
    let Some(pack) = super::load_pack_or_report(&args.pack.rules) else {
        return Exit::Fatal;
    };
    let files = if args.files.is_empty() {
        let dir = args
            .tests
            .clone()
            .unwrap_or_else(|| args.pack.rules.join("tests"));
        if dir.is_dir() {
            mdtest::test_files(&dir)
        } else {
            Vec::new()
        }
    } else {
        args.files.clone()
    };

    let mut md: Vec<MdResult> = files.iter().map(|f| mdtest::run_file(&pack, f)).collect();
    if args.update {
        for r in &mut md {
            let Some(new) = mdtest::updated_text(r) else {
                continue;
            };
            if r.test.as_ref().is_some_and(|t| t.text != new) {
                if let Err(e) = std::fs::write(&r.path, &new) {
                    eprintln!("callscore: cannot write {}: {e}", r.path.display());
                    return Exit::Fatal;
                }
                eprintln!("updated {}", r.path.display());
                *r = mdtest::run_file(&pack, &r.path);
            }
        }
    }

    // Inline examples: one line per rule.
    let results = if args.files.is_empty() {
        run_examples(&pack)
    } else {
        Vec::new()
    };
    let mut by_rule: BTreeMap<(&str, &str), Vec<&ExampleResult>> = BTreeMap::new();
    for r in &results {
        by_rule.entry((r.kind, r.id.as_str())).or_default().push(r);
    }
    let mut failures: Vec<&ExampleResult> = Vec::new();
    for ((kind, id), rs) in &by_rule {
        let marks: String = rs
            .iter()
            .map(|r| match (r.passed(), r.example.expect) {
                (true, _) => '.',
                (false, Expect::Hit) => 'M',
                (false, Expect::NoHit) => 'N',
            })
            .collect();
        let ok = rs.iter().all(|r| r.passed());
        println!("{} {kind} {id} {marks}", if ok { "PASS" } else { "FAIL" });
        failures.extend(rs.iter().filter(|r| !r.passed()));
    }
    // Whole-call tests: one line per file.
    for r in &md {
        println!(
            "{} {} {}",
            if r.passed() { "PASS" } else { "FAIL" },
            r.path.display(),
            r.marks
        );
    }

    let md_failed: Vec<&MdResult> = md.iter().filter(|r| !r.passed()).collect();
    if !failures.is_empty() || !md_failed.is_empty() {
        println!(
            "\nfailures (M = missing: expected a hit, got none; N = noisy: got a hit where none was expected; X = wrong outcome; E = invalid test file):"
        );
    }
    for r in &failures {
        let e = &r.example;
        println!(
            "  {} {} example {}: expected {}, got {}\n    text: {:?} (speaker {}, at {} s)",
            r.kind,
            r.id,
            r.index + 1,
            if e.expect == Expect::Hit {
                "hit"
            } else {
                "no-hit"
            },
            if r.hit { "hit" } else { "no-hit" },
            e.text,
            e.speaker.map_or("default", |s| s.as_str()),
            e.at
        );
    }
    for r in &md_failed {
        println!("\n{}", r.path.display());
        for f in &r.failures {
            println!("{}", mdtest::describe_failure(r, f));
        }
    }
    let passed = results.iter().filter(|r| r.passed()).count() + md.len() - md_failed.len();
    let failed = failures.len() + md_failed.len();
    println!("\n{passed} passed; {failed} failed");
    if failed == 0 {
        Exit::Ok
    } else {
        Exit::TestsFailed
    }
}
