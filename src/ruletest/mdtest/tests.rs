use super::*;
use crate::rules::Pack;
use crate::transcript::Speaker;
use std::path::Path;

const PACK: &str = r#"
[[department]]
id = "billing"

[[driver]]
id = "billing/refund"
department = "billing"
when = { any = ["refund*"], speaker = "customer" }

[[item]]
id = "greeting"
section = "opening"
require = { any = ["thank you for calling acme"], speaker = "agent", window = { first_seconds = 30 } }

[[item]]
id = "refund_timeframe"
section = "resolution"
applies_when = { driver = "billing/refund" }
require = { regex = '\d+ business days', speaker = "agent" }

[[item]]
id = "no_guarantee"
section = "compliance"
critical = true
forbid = { any = ["i guarantee"], speaker = "agent" }
"#;

fn pack() -> Pack {
    crate::rules::load_pack_str("p.toml", PACK)
        .pack
        .expect("test pack compiles")
}

const PASSING: &str = "# A refund call\n\nProse.\n\n```toml\nonly = [\"greeting\"]\n```\n\n```transcript\nagent 00:02 | Thank you for calling Acme!  # hit: [greeting]\ncustomer 00:09 | I want a refund.  # hit: [billing/refund]\nagent 00:20 | It takes 5 business days.  # hit: [refund_timeframe]\n```\n\n```expect\ngreeting = pass\nrefund_timeframe = pass   # the regex\nno_guarantee = pass\ndrivers = [billing/refund]\nprimary = \"billing/refund\"\nauto_fail = false\nscore = 100\n```\n";

fn run(text: &str) -> MdResult {
    run_text(&pack(), Path::new("t.md"), text)
}

#[test]
fn parses_blocks_turns_annotations_and_expectations() {
    let t = parse(Path::new("t.md"), PASSING).unwrap();
    assert_eq!(t.only, Some(vec!["greeting".to_string()]));
    assert_eq!(t.metadata.channel.as_deref(), Some("voice"));
    assert_eq!(t.turns.len(), 3);
    assert_eq!(t.turns[1].speaker, Speaker::Customer);
    assert_eq!(t.turns[1].start_ms, 9000);
    assert_eq!(t.turns[1].text, "I want a refund.");
    assert_eq!(t.turns[1].hits, ["billing/refund"]);
    assert_eq!(t.turns[1].line, 11);
    assert_eq!(t.expect.len(), 7);
    assert_eq!(t.expect[1].key, "refund_timeframe");
    assert_eq!(t.expect[1].value, ExpectValue::Word("pass".into()));
    assert_eq!(
        t.expect[3].value,
        ExpectValue::List(vec!["billing/refund".into()])
    );
    assert_eq!(
        t.expect[4].value,
        ExpectValue::Word("billing/refund".into())
    );
    let range = t.expect_range.unwrap();
    assert!(PASSING[range].starts_with("greeting = pass\n"));
}

#[test]
fn parse_errors_have_lines() {
    let bad = "```transcript\nagent 5s | hi\nboss 00:01 | hi\nagent 00:02 hi\n```\n```expect\ngreeting = maybe\n```\n";
    let errors = parse(Path::new("t.md"), bad).unwrap_err();
    let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [2, 3, 4, 7]);
    assert!(errors[1].message.contains("unknown speaker `boss`"));
    let unclosed = parse(Path::new("t.md"), "```transcript\nagent 00:01 | hi\n").unwrap_err();
    assert!(unclosed[0].message.contains("never closed"));
}

#[test]
fn unknown_ids_are_invalid_tests() {
    let r = run("```transcript\nagent 00:01 | hi  # hit: [greting]\n```\n");
    assert_eq!(r.marks, "E");
    assert!(
        matches!(&r.failures[0], Failure::Invalid(e) if e.line == 2 && e.message.contains("greting"))
    );
}

#[test]
fn a_correct_file_passes() {
    let r = run(PASSING);
    assert!(r.passed(), "{:?}", r.failures);
    assert_eq!(r.marks, "..........");
}

#[test]
fn annotation_without_evidence_is_missing_with_the_closest_candidate() {
    // The greeting comes at 00:45, outside its 30 s window.
    let text = PASSING.replace(
        "agent 00:02 | Thank you for calling Acme!  # hit: [greeting]",
        "agent 00:45 | Thank you for calling Acme!  # hit: [greeting]",
    );
    let text = text
        .replace("customer 00:09", "customer 00:50")
        .replace("agent 00:20", "agent 00:55");
    let r = run(&text);
    let missing: Vec<&Failure> = r
        .failures
        .iter()
        .filter(|f| matches!(f, Failure::Missing { .. }))
        .collect();
    assert_eq!(missing.len(), 1);
    let Failure::Missing { id, turn, notes } = missing[0] else {
        unreachable!()
    };
    assert_eq!((id.as_str(), *turn), ("greeting", 0));
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("closest: \"Thank you for calling Acme\" (turn 1, agent 00:45")),
        "{notes:?}"
    );
    // The expect line `greeting = pass` is wrong too.
    assert!(r.marks.starts_with('M'), "{}", r.marks);
    assert!(r.marks.contains('X'));
    let shown = describe_failure(&r, missing[0]);
    assert!(
        shown.starts_with("  t.md:10: missing: greeting has no evidence in turn 1 (agent 00:45)"),
        "{shown}"
    );
}

#[test]
fn evidence_without_annotation_is_noisy() {
    let text = PASSING.replace("I want a refund.  # hit: [billing/refund]", "I want a refund.")
            .replace(
                "agent 00:20 | It takes 5 business days.  # hit: [refund_timeframe]",
                "agent 00:20 | It takes 5 business days.  # hit: [refund_timeframe]\ncustomer 00:30 | So the refund is in 5 days?  # hit: [billing/refund]",
            );
    let r = run(&text);
    assert_eq!(r.failures.len(), 1, "{:?}", r.failures);
    let Failure::Noisy { id, turn, matched } = &r.failures[0] else {
        panic!("{:?}", r.failures[0])
    };
    assert_eq!(
        (id.as_str(), *turn, matched.as_str()),
        ("billing/refund", 1, "refund")
    );
    assert!(r.marks.contains('N'));
    assert!(
        describe_failure(&r, &r.failures[0])
            .contains("t.md:11: noisy: billing/refund has evidence in turn 2 (customer 00:09)")
    );
}

#[test]
fn wrong_outcomes_show_expected_actual_and_evidence() {
    let text = PASSING
        .replace(
            "It takes 5 business days.",
            "I guarantee it takes 5 business days.",
        )
        .replace(
            "# hit: [refund_timeframe]",
            "# hit: [refund_timeframe, no_guarantee]",
        );
    let r = run(&text);
    let wrong: Vec<String> = r
        .failures
        .iter()
        .filter(|f| matches!(f, Failure::Wrong { .. }))
        .map(|f| describe_failure(&r, f))
        .collect();
    assert_eq!(wrong.len(), 3, "{wrong:?}"); // no_guarantee, auto_fail, score
    assert!(wrong[0].contains("wrong outcome: no_guarantee: expected pass, got fail"));
    assert!(
        wrong[0].contains("evidence: \"I guarantee\" (turn 3, agent 00:20, line 12)"),
        "{}",
        wrong[0]
    );
    assert!(wrong[1].contains("auto_fail: expected false, got true"));
    assert!(wrong[1].contains("failed (critical): no_guarantee"));
}

#[test]
fn update_rewrites_the_expect_block_and_keeps_comments() {
    let text = PASSING
        .replace(
            "It takes 5 business days.",
            "I guarantee it takes 5 business days.",
        )
        .replace(
            "# hit: [refund_timeframe]",
            "# hit: [refund_timeframe, no_guarantee]",
        );
    let r = run(&text);
    let new = updated_text(&r).unwrap();
    assert!(new.contains("no_guarantee = fail\n"));
    assert!(new.contains("auto_fail = true\n"));
    assert!(new.contains("score = 0\n"));
    assert!(
        new.contains("refund_timeframe = pass   # the regex\n"),
        "{new}"
    );
    assert!(new.starts_with("# A refund call\n\nProse."));
    let again = run(&new);
    assert!(again.passed(), "{:?}", again.failures);
    // A file without an expect block gets one, for the ids it checks.
    let bare = "```toml\nonly = [\"greeting\"]\n```\n```transcript\nagent 00:01 | Thank you for calling Acme.  # hit: [greeting]\n```\n";
    let new = updated_text(&run(bare)).unwrap();
    assert!(
            new.ends_with("```\n\n```expect\ngreeting = pass\ndrivers = []\nprimary = none\nauto_fail = false\n```\n"),
            "{new}"
        );
    assert!(run(&new).passed());
}

#[test]
fn chat_channel_and_metadata_reach_meta_conditions() {
    let t = parse(
            Path::new("t.md"),
            "```toml\nchannel = \"Chat\"\nmetadata = { queue = \"billing\", region = \"north\" }\n```\n```transcript\nagent 00:00 | hi\n```\n",
        )
        .unwrap();
    let call = test_call(&t);
    assert_eq!(call.metadata.channel.as_deref(), Some("chat"));
    assert_eq!(call.metadata.queue.as_deref(), Some("billing"));
    assert_eq!(call.metadata.extra["region"], "north");
}
