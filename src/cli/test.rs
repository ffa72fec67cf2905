//! `callscore test`: run the examples written beside every item and driver.

use super::Exit;
use crate::rules::model::Expect;
use crate::ruletest::{ExampleResult, run_examples};
use clap::Args;
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub(crate) struct TestArgs {
    /// The rule pack folder (or one .toml file).
    #[arg(long, default_value = "rules")]
    rules: PathBuf,
}

pub(crate) fn test(args: TestArgs) -> Exit {
    let Some(pack) = super::load_pack_or_report(&args.rules) else {
        return Exit::Fatal;
    };
    let results = run_examples(&pack);
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
    if !failures.is_empty() {
        println!(
            "\nfailures (M = missing: expected a hit, got none; N = noisy: got a hit where none was expected):"
        );
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
    }
    let passed = results.iter().filter(|r| r.passed()).count();
    println!("\n{} passed; {} failed", passed, results.len() - passed);
    if failures.is_empty() {
        Exit::Ok
    } else {
        Exit::TestsFailed
    }
}
