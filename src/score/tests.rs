//! Table-driven tests of every condition kind through scan + score, on hand-built calls.

use super::*;
use crate::matcher::{Scan, scan_call};
use crate::rules::load_pack_str;
use crate::transcript::{Call, Format, Metadata, Speaker, Turn};

pub(crate) fn call(turns: &[(Speaker, &str, f64, f64)]) -> Call {
    Call {
        call_id: "t".into(),
        source: "test".into(),
        source_line: None,
        format: Format::NativeJson,
        metadata: Metadata {
            channel: Some("voice".into()),
            ..Default::default()
        },
        turns: turns
            .iter()
            .map(|(s, t, a, b)| Turn {
                speaker: *s,
                label: None,
                text: t.to_string(),
                start_ms: Some((a * 1000.0) as u64),
                end_ms: Some((b * 1000.0) as u64),
                line: None,
            })
            .collect(),
        times_estimated: false,
    }
}

pub(crate) fn pack(toml: &str) -> Pack {
    let checked = load_pack_str("t.toml", toml);
    for d in &checked.diagnostics {
        eprintln!("{}", d.render_full(&checked.sources));
    }
    checked.pack.expect("pack compiles")
}

fn item_pack(cond: &str) -> Pack {
    pack(&format!(
        "[[department]]\nid = \"billing\"\ncost_per_hour = 36\n\
         [[driver]]\nid = \"refund\"\ndepartment = \"billing\"\nwhen = {{ any = [\"refund\"], speaker = \"customer\" }}\n\
         [[item]]\nid = \"x\"\nsection = \"s\"\nrequire = {cond}\n"
    ))
}

fn outcome(p: &Pack, c: &Call) -> Outcome {
    let mut scan = Scan::new(p);
    scan_call(p, c, &mut scan);
    score_call(p, c, &scan, ScoreOptions::default()).qa.items[0].result
}

use Speaker::{Agent as A, Customer as C};

/// (name, condition, turns, expected)
type Case = (
    &'static str,
    &'static str,
    &'static [(Speaker, &'static str, f64, f64)],
    Outcome,
);

const CASES: &[Case] = &[
    // any / boundaries / wildcard / normalisation
    (
        "any-basic",
        r#"{ any = ["thank you"] }"#,
        &[(A, "Thank you!", 0.0, 1.0)],
        Outcome::Pass,
    ),
    (
        "any-word-boundary",
        r#"{ any = ["cancel"] }"#,
        &[(C, "cancellation fee", 0.0, 1.0)],
        Outcome::Fail,
    ),
    (
        "any-wildcard-suffix",
        r#"{ any = ["cancel*"] }"#,
        &[(C, "cancellation fee", 0.0, 1.0)],
        Outcome::Pass,
    ),
    (
        "any-wildcard-prefix",
        r#"{ any = ["*charge"] }"#,
        &[(C, "a surcharge", 0.0, 1.0)],
        Outcome::Pass,
    ),
    (
        "any-fullwidth",
        r#"{ any = ["thank you"] }"#,
        &[(A, "ＴＨＡＮＫ　ＹＯＵ", 0.0, 1.0)],
        Outcome::Pass,
    ),
    (
        "any-cjk-no-boundary",
        r#"{ any = ["退款"] }"#,
        &[(C, "我要退款了", 0.0, 1.0)],
        Outcome::Pass,
    ),
    (
        "any-cjk-spaces",
        r#"{ any = ["您好"] }"#,
        &[(A, "您 好，欢迎", 0.0, 1.0)],
        Outcome::Pass,
    ),
    (
        "any-persian-variants",
        r#"{ any = ["می خواهم"] }"#,
        &[(C, "مي‌خواهم", 0.0, 1.0)],
        Outcome::Pass,
    ),
    (
        "any-persian-kaf",
        r#"{ any = ["کمک"] }"#,
        &[(A, "كمك", 0.0, 1.0)],
        Outcome::Pass,
    ),
    // speaker
    (
        "speaker-right",
        r#"{ any = ["hello"], speaker = "agent" }"#,
        &[(A, "hello", 0.0, 1.0)],
        Outcome::Pass,
    ),
    (
        "speaker-wrong",
        r#"{ any = ["hello"], speaker = "agent" }"#,
        &[(C, "hello", 0.0, 1.0)],
        Outcome::Fail,
    ),
    // windows
    (
        "first-seconds-in",
        r#"{ any = ["hello"], window = { first_seconds = 30 } }"#,
        &[(A, "hi", 0.0, 1.0), (A, "hello", 29.0, 31.0)],
        Outcome::Pass,
    ),
    (
        "first-seconds-out",
        r#"{ any = ["hello"], window = { first_seconds = 30 } }"#,
        &[(A, "hi", 0.0, 1.0), (A, "hello", 31.0, 32.0)],
        Outcome::Fail,
    ),
    (
        "last-seconds-in",
        r#"{ any = ["bye"], window = { last_seconds = 10 } }"#,
        &[
            (A, "bye", 0.0, 1.0),
            (A, "x", 2.0, 100.0),
            (A, "bye", 85.0, 91.0),
        ],
        Outcome::Pass,
    ),
    (
        "last-seconds-out",
        r#"{ any = ["bye"], window = { last_seconds = 10 } }"#,
        &[(A, "bye", 0.0, 1.0), (A, "x", 2.0, 100.0)],
        Outcome::Fail,
    ),
    (
        "first-turns",
        r#"{ any = ["hello"], window = { first_turns = 2 } }"#,
        &[
            (A, "a", 0.0, 1.0),
            (C, "b", 1.0, 2.0),
            (A, "hello", 2.0, 3.0),
        ],
        Outcome::Fail,
    ),
    (
        "last-turns",
        r#"{ any = ["bye"], window = { last_turns = 2 } }"#,
        &[
            (A, "bye", 0.0, 1.0),
            (C, "b", 1.0, 2.0),
            (A, "bye", 2.0, 3.0),
        ],
        Outcome::Pass,
    ),
    (
        "first-percent",
        r#"{ any = ["hello"], window = { first_percent = 10 } }"#,
        &[
            (A, "x", 0.0, 1.0),
            (A, "hello", 11.0, 12.0),
            (A, "x", 90.0, 100.0),
        ],
        Outcome::Fail,
    ),
    (
        "last-percent",
        r#"{ any = ["bye"], window = { last_percent = 10 } }"#,
        &[
            (A, "x", 0.0, 1.0),
            (A, "bye", 89.0, 95.0),
            (A, "x", 95.0, 100.0),
        ],
        Outcome::Pass,
    ),
    // counts
    (
        "min-count-met",
        r#"{ any = ["sorry"], min_count = 2 }"#,
        &[(A, "sorry, so sorry", 0.0, 1.0)],
        Outcome::Pass,
    ),
    (
        "min-count-not-met",
        r#"{ any = ["sorry"], min_count = 3 }"#,
        &[(A, "sorry, so sorry", 0.0, 1.0)],
        Outcome::Fail,
    ),
    (
        "overlap-counted-once",
        r#"{ any = ["thank you", "thank you for calling"], min_count = 2 }"#,
        &[(A, "thank you for calling", 0.0, 1.0)],
        Outcome::Fail,
    ),
    // all
    (
        "all-met",
        r#"{ all = ["date of birth", "postcode"] }"#,
        &[
            (A, "date of birth?", 0.0, 1.0),
            (A, "and postcode", 1.0, 2.0),
        ],
        Outcome::Pass,
    ),
    (
        "all-missing-one",
        r#"{ all = ["date of birth", "postcode"] }"#,
        &[(A, "date of birth?", 0.0, 1.0)],
        Outcome::Fail,
    ),
    (
        "all-overlapping-phrases-count-each",
        r#"{ all = ["thank you", "thank you for calling"] }"#,
        &[(A, "Thank you for calling.", 0.0, 1.0)],
        Outcome::Pass,
    ),
    (
        "all-min-count-per-phrase",
        r#"{ all = ["hold", "please hold"], min_count = 2 }"#,
        &[(A, "Please hold. Please hold.", 0.0, 1.0)],
        Outcome::Pass,
    ),
    (
        "all-min-count-one-phrase-short",
        r#"{ all = ["hold", "please hold"], min_count = 2 }"#,
        &[(A, "Please hold. Hold on.", 0.0, 1.0)],
        Outcome::Fail,
    ),
    (
        "any-overlapping-phrases-count-once",
        r#"{ any = ["thank you", "thank you for calling"], min_count = 2 }"#,
        &[(A, "Thank you for calling.", 0.0, 1.0)],
        Outcome::Fail,
    ),
    // regex on original text
    (
        "regex",
        r#"{ regex = '\d+\s*business\s*days' }"#,
        &[(A, "It takes 5 Business Days.", 0.0, 1.0)],
        Outcome::Pass,
    ),
    (
        "regex-miss",
        r#"{ regex = '\d+\s*business\s*days' }"#,
        &[(A, "It takes a few business days.", 0.0, 1.0)],
        Outcome::Fail,
    ),
    // near
    (
        "near-in",
        r#"{ near = { a = ["may i"], b = ["hold"], within = 3 } }"#,
        &[(A, "May I put you on hold?", 0.0, 1.0)],
        Outcome::Pass,
    ),
    (
        "near-out",
        r#"{ near = { a = ["may i"], b = ["hold"], within = 1 } }"#,
        &[(A, "May I put you on hold?", 0.0, 1.0)],
        Outcome::Fail,
    ),
    (
        "near-cjk-chars",
        r#"{ near = { a = ["稍等"], b = ["可以吗"], within = 2 } }"#,
        &[(A, "请稍等一下可以吗", 0.0, 1.0)],
        Outcome::Pass,
    ),
    (
        "near-other-turn",
        r#"{ near = { a = ["may i"], b = ["hold"], within = 3 } }"#,
        &[(A, "May I", 0.0, 1.0), (A, "hold", 1.0, 2.0)],
        Outcome::Fail,
    ),
    // before
    (
        "before-in-order",
        r#"{ before = { first = ["date of birth"], then = ["your balance"] } }"#,
        &[
            (A, "date of birth please", 0.0, 1.0),
            (A, "your balance is", 5.0, 6.0),
        ],
        Outcome::Pass,
    ),
    (
        "before-same-turn-overlap-does-not-count",
        r#"{ before = { first = ["thank you"], then = ["you for calling"] } }"#,
        &[(A, "Thank you for calling.", 0.0, 1.0)],
        Outcome::Fail,
    ),
    (
        "before-same-turn-after",
        r#"{ before = { first = ["thank you"], then = ["you for calling"] } }"#,
        &[(A, "Thank you. Thank you for calling.", 0.0, 1.0)],
        Outcome::Pass,
    ),
    (
        "before-touching-counts",
        r#"{ before = { first = ["thank you"], then = ["for calling"] } }"#,
        &[(A, "Thank you for calling.", 0.0, 1.0)],
        Outcome::Pass,
    ),
    (
        "before-wrong-order",
        r#"{ before = { first = ["date of birth"], then = ["your balance"] } }"#,
        &[
            (A, "your balance is", 0.0, 1.0),
            (A, "date of birth please", 5.0, 6.0),
        ],
        Outcome::Fail,
    ),
    // before: order within one turn, overlaps, offsets across turns
    (
        "before-same-turn-in-order",
        r#"{ before = { first = ["date of birth"], then = ["your balance"] } }"#,
        &[(A, "date of birth, then your balance", 0.0, 1.0)],
        Outcome::Pass,
    ),
    (
        "before-overlap-is-not-after",
        r#"{ before = { first = ["thank you"], then = ["you for calling"] } }"#,
        &[(A, "thank you for calling", 0.0, 1.0)],
        Outcome::Fail,
    ),
    (
        "before-earlier-turn-later-offset",
        r#"{ before = { first = ["dob"], then = ["your balance"] } }"#,
        &[
            (A, "well, well, so here is your balance", 0.0, 1.0),
            (A, "dob", 5.0, 6.0),
        ],
        Outcome::Fail,
    ),
    (
        "before-same-phrase-twice",
        r#"{ before = { first = ["hold"], then = ["hold"] } }"#,
        &[(A, "hold", 0.0, 1.0), (A, "hold", 5.0, 6.0)],
        Outcome::Pass,
    ),
    (
        "before-same-phrase-once",
        r#"{ before = { first = ["hold"], then = ["hold"] } }"#,
        &[(A, "hold", 0.0, 1.0)],
        Outcome::Fail,
    ),
    // near: b before a, and the bound itself
    (
        "near-b-first",
        r#"{ near = { a = ["hold"], b = ["may i"], within = 3 } }"#,
        &[(A, "May I put you on hold?", 0.0, 1.0)],
        Outcome::Pass,
    ),
    (
        "near-exactly-within",
        r#"{ near = { a = ["may i"], b = ["hold"], within = 3 } }"#,
        &[(A, "May I put you on hold?", 0.0, 1.0)],
        Outcome::Pass,
    ),
    (
        "near-one-short",
        r#"{ near = { a = ["may i"], b = ["hold"], within = 2 } }"#,
        &[(A, "May I put you on hold?", 0.0, 1.0)],
        Outcome::Fail,
    ),
    (
        "near-overlap-is-not-near",
        r#"{ near = { a = ["on hold"], b = ["hold"], within = 3 } }"#,
        &[(A, "put you on hold", 0.0, 1.0)],
        Outcome::Fail,
    ),
    // windows: both sides of each bound
    (
        "first-turns-in",
        r#"{ any = ["hello"], window = { first_turns = 2 } }"#,
        &[
            (A, "a", 0.0, 1.0),
            (A, "hello", 1.0, 2.0),
            (C, "b", 2.0, 3.0),
        ],
        Outcome::Pass,
    ),
    (
        "last-turns-out",
        r#"{ any = ["bye"], window = { last_turns = 2 } }"#,
        &[(A, "bye", 0.0, 1.0), (C, "b", 1.0, 2.0), (A, "c", 2.0, 3.0)],
        Outcome::Fail,
    ),
    (
        "last-turns-edge",
        r#"{ any = ["bye"], window = { last_turns = 2 } }"#,
        &[(A, "a", 0.0, 1.0), (A, "bye", 1.0, 2.0), (C, "c", 2.0, 3.0)],
        Outcome::Pass,
    ),
    (
        "first-percent-in",
        r#"{ any = ["hello"], window = { first_percent = 10 } }"#,
        &[
            (A, "x", 0.0, 1.0),
            (A, "hello", 9.0, 12.0),
            (A, "x", 90.0, 100.0),
        ],
        Outcome::Pass,
    ),
    (
        "last-percent-out",
        r#"{ any = ["bye"], window = { last_percent = 10 } }"#,
        &[
            (A, "x", 0.0, 1.0),
            (A, "bye", 80.0, 89.0),
            (A, "x", 89.0, 100.0),
        ],
        Outcome::Fail,
    ),
    (
        "first-seconds-edge",
        r#"{ any = ["hello"], window = { first_seconds = 30 } }"#,
        &[(A, "hi", 0.0, 1.0), (A, "hello", 30.0, 31.0)],
        Outcome::Pass,
    ),
    (
        "last-seconds-edge",
        r#"{ any = ["bye"], window = { last_seconds = 10 } }"#,
        &[(A, "bye", 0.0, 90.0), (A, "x", 90.0, 100.0)],
        Outcome::Pass,
    ),
    // all: each phrase at least min_count times
    (
        "all-min-count-each",
        r#"{ all = ["yes", "no"], min_count = 2 }"#,
        &[(C, "yes yes no", 0.0, 1.0)],
        Outcome::Fail,
    ),
    (
        "all-min-count-met",
        r#"{ all = ["yes", "no"], min_count = 2 }"#,
        &[(C, "yes no yes no", 0.0, 1.0)],
        Outcome::Pass,
    ),
    // and / or / not
    (
        "and",
        r#"{ and = [ { any = ["a1"] }, { any = ["b1"] } ] }"#,
        &[(A, "a1 b1", 0.0, 1.0)],
        Outcome::Pass,
    ),
    (
        "and-fails",
        r#"{ and = [ { any = ["a1"] }, { any = ["b1"] } ] }"#,
        &[(A, "a1", 0.0, 1.0)],
        Outcome::Fail,
    ),
    (
        "or",
        r#"{ or = [ { any = ["a1"] }, { any = ["b1"] } ] }"#,
        &[(A, "b1", 0.0, 1.0)],
        Outcome::Pass,
    ),
    (
        "not",
        r#"{ not = { any = ["calm down"] } }"#,
        &[(A, "please calm down", 0.0, 1.0)],
        Outcome::Fail,
    ),
    (
        "scope-inherited",
        r#"{ or = [ { any = ["hello"] } ], speaker = "customer" }"#,
        &[(A, "hello", 0.0, 1.0)],
        Outcome::Fail,
    ),
    // metadata and drivers
    (
        "meta",
        r#"{ meta = { channel = "voice" } }"#,
        &[(A, "x", 0.0, 1.0)],
        Outcome::Pass,
    ),
    (
        "meta-list",
        r#"{ meta = { channel = ["chat", "email"] } }"#,
        &[(A, "x", 0.0, 1.0)],
        Outcome::Fail,
    ),
    (
        "meta-language-detected",
        r#"{ meta = { language = "zh" } }"#,
        &[(A, "您好", 0.0, 1.0)],
        Outcome::Pass,
    ),
    (
        "driver",
        r#"{ driver = "refund" }"#,
        &[(C, "I want a refund", 0.0, 1.0)],
        Outcome::Pass,
    ),
    (
        "driver-absent",
        r#"{ driver = "refund" }"#,
        &[(A, "I want a refund", 0.0, 1.0)],
        Outcome::Fail,
    ),
];

#[test]
fn condition_cases() {
    let mut failures = Vec::new();
    for (name, cond, turns, expected) in CASES {
        let p = item_pack(cond);
        let got = outcome(&p, &call(turns));
        if got != *expected {
            failures.push(format!("{name}: expected {expected:?}, got {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "failing cases:\n{}",
        failures.join("\n")
    );
}

#[test]
fn case_names_are_unique() {
    let mut names: Vec<&str> = CASES.iter().map(|c| c.0).collect();
    names.sort();
    let n = names.len();
    names.dedup();
    assert_eq!(n, names.len());
}

#[test]
fn forbid_applies_when_item_passed_and_auto_fail() {
    let p = pack(
        r#"
[scoring]
auto_fail_score = 0
[[item]]
id = "hold"
section = "soft"
weight = 10
require = { any = ["on hold"], speaker = "agent" }
[[item]]
id = "hold-thanks"
section = "soft"
weight = 5
applies_when = { item_passed = "hold" }
require = { any = ["thanks for holding"] }
[[item]]
id = "no-promise"
section = "compliance"
weight = 5
critical = true
forbid = { any = ["i guarantee"], speaker = "agent" }
"#,
    );
    let c = call(&[
        (A, "I'll put you on hold", 0.0, 2.0),
        (A, "I guarantee a refund", 60.0, 62.0),
    ]);
    let mut scan = Scan::new(&p);
    scan_call(&p, &c, &mut scan);
    let r = score_call(&p, &c, &scan, ScoreOptions::default());
    let res: Vec<(&str, Outcome)> =
        r.qa.items
            .iter()
            .map(|i| (i.id.as_str(), i.result))
            .collect();
    assert_eq!(
        res,
        vec![
            ("hold", Outcome::Pass),
            ("hold-thanks", Outcome::Fail),
            ("no-promise", Outcome::Fail)
        ]
    );
    assert!(r.qa.auto_fail);
    assert_eq!(r.qa.score, Some(0.0));
    assert_eq!(r.qa.raw_score, Some(50.0));
    assert_eq!(r.qa.sections["soft"], Some(66.7));
    assert_eq!(r.qa.sections["compliance"], Some(0.0));
    let ev = &r.qa.items[2].evidence[0];
    assert_eq!(
        (ev.turn, ev.matched.as_str(), ev.start_ms),
        (1, "I guarantee", Some(60000))
    );
    // The reason of a failed require names what was missing.
    assert!(
        r.qa.items[1].reason.contains("thanks for holding"),
        "{}",
        r.qa.items[1].reason
    );

    // Without a hold, the follow-up item is n/a and leaves the score.
    let c = call(&[(A, "hello", 0.0, 2.0)]);
    scan_call(&p, &c, &mut scan);
    let r = score_call(&p, &c, &scan, ScoreOptions::default());
    assert_eq!(r.qa.items[1].result, Outcome::Na);
    assert_eq!(
        r.qa.raw_score,
        Some(100.0 * 5.0 / 15.0).map(|x| round(x, 1))
    );
}

#[test]
fn failed_window_reports_closest_hit() {
    let p = item_pack(
        r#"{ any = ["thanks for calling"], speaker = "agent", window = { first_seconds = 30 } }"#,
    );
    let c = call(&[
        (A, "hello", 0.0, 2.0),
        (A, "Thanks for calling Acme", 42.0, 44.0),
    ]);
    let mut scan = Scan::new(&p);
    scan_call(&p, &c, &mut scan);
    let r = score_call(&p, &c, &scan, ScoreOptions::default());
    let it = &r.qa.items[0];
    assert_eq!(it.result, Outcome::Fail);
    assert_eq!(it.closest[0].matched, "Thanks for calling");
    assert!(
        it.reason.contains("00:42") && it.reason.contains("outside the window"),
        "{}",
        it.reason
    );
}

#[test]
fn evidence_quotes_original_text_and_redacts() {
    let p = item_pack(r#"{ any = ["card number"] }"#);
    let c = call(&[(C, "My CARD-NUMBER is 4111 1111 1111 1111, thanks", 0.0, 5.0)]);
    let mut scan = Scan::new(&p);
    scan_call(&p, &c, &mut scan);
    let r = score_call(&p, &c, &scan, ScoreOptions::default());
    let e = &r.qa.items[0].evidence[0];
    assert_eq!(e.matched, "CARD-NUMBER");
    assert_eq!((e.start, e.end), (3, 14));
    assert!(
        e.snippet.contains("[CARD]") && !e.snippet.contains("4111"),
        "{}",
        e.snippet
    );
}

#[test]
fn drivers_primary_and_cost() {
    let p = pack(
        r#"
[[department]]
id = "billing"
cost_per_hour = 36
[[department]]
id = "tech"
cost_per_hour = 72
[[driver]]
id = "billing/refund"
department = "billing"
when = { any = ["refund"], speaker = "customer" }
[[driver]]
id = "tech/outage"
department = "tech"
when = { any = ["no internet", "outage"], speaker = "customer" }
"#,
    );
    let c = call(&[
        (C, "I want a refund", 0.0, 10.0),
        (
            C,
            "there is an outage, no internet since monday",
            10.0,
            20.0,
        ),
        (A, "sorry", 20.0, 100.0),
    ]);
    let mut scan = Scan::new(&p);
    scan_call(&p, &c, &mut scan);
    let r = score_call(&p, &c, &scan, ScoreOptions::default());
    let ids: Vec<&str> = r.drivers.matched.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["billing/refund", "tech/outage"]);
    assert_eq!(r.drivers.primary.as_deref(), Some("tech/outage"));
    assert_eq!(r.drivers.department.as_deref(), Some("tech"));
    assert_eq!(r.drivers.cost, Some(2.0)); // 100 s at 72/h
}

#[test]
fn sentiment_negation_contrast_and_cjk() {
    let p = pack(
        r#"
[lexicon]
negators = ["not", "no", "不", "别", "没有"]
contrast = ["but", "但是"]
intensifiers = { very = 1.5, "特别" = 1.5 }
[lexicon.terms]
happy = 2.0
terrible = -3.0
"不满意" = -2.5
"满意" = 2.0
"#,
    );
    let score = |text: &str| {
        let c = call(&[(C, text, 0.0, 1.0)]);
        let mut scan = Scan::new(&p);
        scan_call(&p, &c, &mut scan);
        scan.sentiment[0].compound
    };
    assert!(score("I am happy") > 0.3);
    assert!(score("I am not happy") < 0.0);
    assert!(
        score("No, happy now.") > 0.0,
        "a negator does not reach across a comma"
    );
    assert!(
        score("没有了，满意") > 0.0,
        "nor across Chinese punctuation"
    );
    assert!(score("very happy") > score("happy"));
    assert!(score("happy but terrible") < 0.0);
    assert!(
        score("我很不满意") < 0.0,
        "不满意 is one negative term, not negated 满意"
    );
    assert!(score("我很满意") > 0.0);
    assert!(
        score("特别满意") > score("满意"),
        "别 inside 特别 is not a negator"
    );
    assert_eq!(score("nothing here"), 0.0);
}

/// The weights of the rule guide, exactly: sum `s` of the term weights, squashed by
/// `s / sqrt(s² + 15)`; a negator multiplies by −0.74 within `negation_window` words;
/// an intensifier multiplies a term at most one word after it; terms before the first
/// contrast word count half, after it 1.5×.
#[test]
fn sentiment_weights_are_the_documented_ones() {
    let p = pack(
        r#"
[lexicon]
negators = ["not"]
negation_window = 2
contrast = ["but"]
intensifiers = { very = 1.5 }
[lexicon.terms]
happy = 2.0
terrible = -3.0
"#,
    );
    let score = |text: &str| {
        let c = call(&[(C, text, 0.0, 1.0)]);
        let mut scan = Scan::new(&p);
        scan_call(&p, &c, &mut scan);
        (scan.sentiment[0].compound, scan.sentiment[0].terms)
    };
    let squash = |s: f32| s / (s * s + 15.0).sqrt();
    let close = |text: &str, want: f32, terms: u32| {
        let (got, n) = score(text);
        assert!(
            (got - squash(want)).abs() < 1e-6,
            "{text}: {got} vs {}",
            squash(want)
        );
        assert_eq!(n, terms, "{text}");
    };
    close("happy", 2.0, 1);
    close("happy happy terrible", 1.0, 3);
    close("not happy", 2.0 * -0.74, 1);
    close("not so happy", 2.0 * -0.74, 1); // one word between: inside the window of 2
    close("not so very happy", 2.0 * 1.5, 1); // two words between: outside it
    close("very happy", 3.0, 1);
    close("very much happy", 2.0 * 1.5, 1); // one word between still intensifies
    close("very much so happy", 2.0, 1); // two do not
    close("not very happy", 2.0 * -0.74 * 1.5, 1);
    close("happy but terrible", 2.0 * 0.5 - 3.0 * 1.5, 2);
    close("terrible but happy but terrible", -1.5 + 3.0 - 4.5, 3);
}

#[test]
fn failed_require_reason_says_who_did_not_say_what_and_why_the_closest_did_not_count() {
    let p = item_pack(
        r#"{ any = ["may be recorded"], speaker = "agent", window = { first_turns = 1 } }"#,
    );
    let c = call(&[(A, "hello", 0.0, 2.0), (C, "may be recorded?", 3.0, 4.0)]);
    let mut scan = Scan::new(&p);
    scan_call(&p, &c, &mut scan);
    let r = score_call(&p, &c, &scan, ScoreOptions::default());
    assert_eq!(
        r.qa.items[0].reason,
        "required: agent did not say any of \"may be recorded\" in the first turn; closest: \"may be recorded\" at 00:03, said by the customer, not the agent"
    );
    let p = item_pack(r#"{ any = ["sorry"], min_count = 2 }"#);
    let c = call(&[(A, "sorry", 0.0, 2.0)]);
    scan_call(&p, &c, &mut scan);
    let r = score_call(&p, &c, &scan, ScoreOptions::default());
    assert_eq!(
        r.qa.items[0].reason,
        "required: nobody said any of \"sorry\" at least 2 times; closest: \"sorry\" at 00:00, said 1 time(s), 2 needed"
    );
}

#[test]
fn a_driver_may_depend_on_a_driver_defined_after_it() {
    let p = pack(
        r#"
[[department]]
id = "billing"
[[driver]]
id = "billing/refund-followup"
department = "billing"
when = { and = [{ driver = "billing/refund" }, { any = ["again"], speaker = "customer" }] }
[[driver]]
id = "billing/refund"
department = "billing"
when = { any = ["refund*"], speaker = "customer" }
"#,
    );
    let c = call(&[(C, "I asked for a refund again", 0.0, 2.0)]);
    let mut scan = Scan::new(&p);
    scan_call(&p, &c, &mut scan);
    let r = score_call(&p, &c, &scan, ScoreOptions::default());
    let ids: Vec<&str> = r.drivers.matched.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(
        ids,
        ["billing/refund-followup", "billing/refund"],
        "reported in pack order"
    );
}

#[test]
fn fmt_time_matches_format() {
    let slow = |ms: u64| {
        let s = ms / 1000;
        if s >= 3600 {
            format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
        } else {
            format!("{:02}:{:02}", s / 60, s % 60)
        }
    };
    for ms in [
        0,
        999,
        1000,
        59_999,
        60_000,
        3_599_999,
        3_600_000,
        36_000_000,
        360_000_000,
        u64::MAX,
    ] {
        assert_eq!(fmt_time(ms), slow(ms), "{ms}");
    }
}

#[test]
fn fold_whitespace_is_split_whitespace_joined() {
    let slow = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut cases: Vec<String> = [
        "",
        " ",
        "plain words here",
        " leading",
        "trailing ",
        "double  space",
        "tab\there",
        "line\r\nbreak",
        "vt\u{0B}ff\u{0C}",
        "好的，谢谢。 再见",
        "سلام  خوبی",
        "nbsp\u{00A0}here",
        "ideographic\u{3000}space",
        "£ sign ℃ degree",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for ws in [
        '\u{85}', '\u{A0}', '\u{1680}', '\u{2000}', '\u{200A}', '\u{2028}', '\u{2029}', '\u{202F}',
        '\u{205F}', '\u{3000}', '\u{1C}', '\u{1F}',
    ] {
        cases.push(format!("a{ws}b"));
        cases.push(format!("{ws}a b{ws}"));
    }
    for t in &cases {
        assert_eq!(fold_whitespace(t), slow(t), "{t:?}");
    }
}

/// `near` as first written: every `a` hit against every `b` hit of the call, the
/// words between counted by walking the text. The reference for `EvalCtx::near`:
/// the first `a` (in hit order) with a `b` close enough, and that first `b`.
fn near_reference(ctx: &eval::EvalCtx, a: LeafId, b: LeafId, within: u32) -> Option<(u32, u32)> {
    let bs: Vec<(u32, &Hit)> = ctx.scoped_hits(b).collect();
    for (ia, ha) in ctx.scoped_hits(a) {
        for (ib, hb) in bs.iter().filter(|(_, hb)| hb.turn == ha.turn) {
            let text = &ctx.scan.norm(ha.turn as usize).text;
            let gap = if ha.norm.end <= hb.norm.start {
                crate::matcher::words_between(text, ha.norm.end as usize, hb.norm.start as usize)
            } else if hb.norm.end <= ha.norm.start {
                crate::matcher::words_between(text, hb.norm.end as usize, ha.norm.start as usize)
            } else {
                continue;
            };
            if gap <= within {
                return Some((ia, *ib));
            }
        }
    }
    None
}

const NEAR_WORDS: &[&str] = &[
    "hold", "may i", "may", "i", "on", "please", "稍等", "等", "x", "hold on",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
    /// Same outcome and the same evidence pair as the all-pairs reference, over calls
    /// of a few turns, overlapping phrases, both speakers and a speaker scope.
    #[test]
    fn near_equals_the_all_pairs_reference(
        turns in proptest::collection::vec(
            (proptest::bool::ANY, proptest::collection::vec(0..NEAR_WORDS.len(), 0..14)),
            1..4,
        ),
        a in proptest::collection::vec(0..NEAR_WORDS.len(), 1..3),
        b in proptest::collection::vec(0..NEAR_WORDS.len(), 1..3),
        kinds in (0..2usize, 0..2usize),
        within in 0u32..4,
        agent_only in proptest::bool::ANY,
    ) {
        let list = |v: &[usize]| v.iter().map(|&i| format!("{:?}", NEAR_WORDS[i])).collect::<Vec<_>>().join(", ");
        let side = |v: &[usize], k: usize| match k {
            0 => format!("[{}]", list(v)),
            _ => format!("{{ all = [{}] }}", list(v)),
        };
        let scope = if agent_only { ", speaker = \"agent\"" } else { "" };
        let p = item_pack(&format!(
            "{{ near = {{ a = {}, b = {}, within = {within} }}{scope} }}",
            side(&a, kinds.0),
            side(&b, kinds.1)
        ));
        let texts: Vec<(Speaker, String)> = turns
            .iter()
            .map(|(agent, words)| {
                let t = words.iter().map(|&i| NEAR_WORDS[i]).collect::<Vec<_>>().join(" ");
                (if *agent { A } else { C }, t)
            })
            .collect();
        let spec: Vec<(Speaker, &str, f64, f64)> = texts
            .iter()
            .enumerate()
            .map(|(i, (s, t))| (*s, t.as_str(), i as f64, i as f64 + 1.0))
            .collect();
        let c = call(&spec);
        let mut scan = Scan::new(&p);
        scan_call(&p, &c, &mut scan);
        let ctx = eval::EvalCtx::new(&p, &c, &scan);
        let cond = &p.items[0].cond;
        let Cond::Near { a, b, within } = cond else {
            panic!("not a near condition: {cond:?}");
        };
        let want = near_reference(&ctx, *a, *b, *within);
        let got = ctx.eval(cond);
        proptest::prop_assert_eq!(got.holds, want.is_some());
        let pair = got.evidence.iter().map(|r| r.index).collect::<Vec<_>>();
        proptest::prop_assert_eq!(pair, want.map_or(vec![], |(x, y)| vec![x, y]), "{:?}", texts);
    }
}

/// Score `p` on `c` and return the first item.
fn first_item(p: &Pack, c: &Call) -> ItemResult {
    let mut scan = Scan::new(p);
    scan_call(p, c, &mut scan);
    score_call(p, c, &scan, ScoreOptions::default())
        .qa
        .items
        .remove(0)
}

#[test]
fn passed_before_and_near_reasons_quote_both_hits() {
    let p = item_pack(
        r#"{ before = { first = ["hold"], then = ["thank you for holding"] }, speaker = "agent" }"#,
    );
    let c = call(&[
        (A, "may I put you on hold?", 60.0, 62.0),
        (C, "ok", 63.0, 64.0),
        (A, "thank you for holding", 130.0, 132.0),
    ]);
    let it = first_item(&p, &c);
    assert_eq!(it.result, Outcome::Pass);
    assert_eq!(
        it.reason,
        "found: \"hold\" (agent, 01:00) … then \"thank you for holding\" (agent, 02:10)"
    );
    let quoted: Vec<(u32, &str)> = it
        .evidence
        .iter()
        .map(|e| (e.turn, e.matched.as_str()))
        .collect();
    assert_eq!(quoted, [(0, "hold"), (2, "thank you for holding")]);

    let p = item_pack(r#"{ near = { a = ["refund"], b = ["7 days"], within = 5 } }"#);
    let c = call(&[(A, "your refund arrives in 7 days", 31.0, 33.0)]);
    let it = first_item(&p, &c);
    assert_eq!(it.result, Outcome::Pass);
    assert_eq!(
        it.reason,
        "found: \"refund\" (agent, 00:31) within 5 words of \"7 days\" (agent, 00:31)"
    );
    assert_eq!(it.evidence.len(), 2);

    // `near` quotes side `a` first even when `b` was said first.
    let c = call(&[(A, "in 7 days, the refund", 0.0, 2.0)]);
    assert_eq!(
        first_item(&p, &c).reason,
        "found: \"refund\" (agent, 00:00) within 5 words of \"7 days\" (agent, 00:00)"
    );

    // A forbidden pair quotes both too.
    let p = pack(
        "[[item]]\nid = \"x\"\nsection = \"s\"\nforbid = { near = { a = [\"guarantee\"], b = [\"tomorrow\"], within = 1 } }\n",
    );
    let c = call(&[(A, "I guarantee it tomorrow", 40.0, 42.0)]);
    let it = first_item(&p, &c);
    assert_eq!(it.result, Outcome::Fail);
    assert_eq!(
        it.reason,
        "forbidden: \"guarantee\" (agent, 00:40) within 1 word of \"tomorrow\" (agent, 00:40)"
    );
}

#[test]
fn failed_before_reasons_say_what_was_found_and_what_was_missing() {
    let p = item_pack(
        r#"{ before = { first = ["hold"], then = ["thank you for holding"] }, speaker = "agent" }"#,
    );
    let req = "required: not found: agent said any of \"hold\" before agent said any of \"thank you for holding\"";
    // Only `first` was said.
    let it = first_item(&p, &call(&[(A, "please hold", 60.0, 61.0)]));
    assert_eq!(
        it.reason,
        format!("{req}; found \"hold\" (agent, 01:00), but no \"thank you for holding\" after it")
    );
    assert_eq!(it.closest.len(), 1);
    // Only `then` was said; the customer's "hold" did not count.
    let it = first_item(
        &p,
        &call(&[
            (C, "can you hold on", 20.0, 21.0),
            (A, "thank you for holding", 130.0, 131.0),
        ]),
    );
    assert_eq!(
        it.reason,
        format!(
            "{req}; found \"thank you for holding\" (agent, 02:10), but no \"hold\" before it (closest: \"hold\" at 00:20, said by the customer, not the agent)"
        )
    );
    let quoted: Vec<u32> = it.closest.iter().map(|e| e.turn).collect();
    assert_eq!(quoted, [1, 0]);
    // Both said, in the wrong order: the last `then` is quoted.
    let it = first_item(
        &p,
        &call(&[
            (A, "thank you for holding", 10.0, 11.0),
            (A, "please hold", 60.0, 61.0),
        ]),
    );
    assert_eq!(it.result, Outcome::Fail);
    assert_eq!(
        it.reason,
        format!(
            "{req}; found \"hold\" (agent, 01:00), but the last \"thank you for holding\" (agent, 00:10) is before it"
        )
    );
    assert_eq!(it.closest.len(), 2);
    // Neither said: no closest.
    let it = first_item(&p, &call(&[(A, "hello", 0.0, 1.0)]));
    assert_eq!(it.reason, req);
    assert!(it.closest.is_empty());
    // `then` only as the same words as `first`: overlapping, or one phrase said once.
    let p = item_pack(r#"{ before = { first = ["thank you"], then = ["you for calling"] } }"#);
    let it = first_item(&p, &call(&[(A, "thank you for calling", 0.0, 1.0)]));
    assert!(
        it.reason.ends_with("found \"thank you\" (agent, 00:00), but the last \"you for calling\" (agent, 00:00) overlaps it (the same words)"),
        "{}",
        it.reason
    );
    let p = item_pack(r#"{ before = { first = ["hold"], then = ["hold"] } }"#);
    let it = first_item(&p, &call(&[(A, "please hold", 0.0, 1.0)]));
    assert!(
        it.reason.ends_with("overlaps it (the same words)"),
        "{}",
        it.reason
    );
}

#[test]
fn failed_near_reasons_say_what_was_too_far_or_missing() {
    let p = item_pack(r#"{ near = { a = ["refund"], b = ["7 days", "a week"], within = 2 } }"#);
    let req = "required: not found: anyone said any of \"refund\" within 2 words of anyone said any of \"7 days\", \"a week\"";
    let it = first_item(
        &p,
        &call(&[(
            A,
            "the refund will arrive on your card in 7 days",
            31.0,
            33.0,
        )]),
    );
    assert_eq!(
        it.reason,
        format!(
            "{req}; closest: \"refund\" (agent, 00:31) is 6 words from \"7 days\" (agent, 00:31), 2 allowed"
        )
    );
    assert_eq!(it.closest.len(), 2);
    // The closest pair of a turn is the one quoted.
    let it = first_item(
        &p,
        &call(&[(
            A,
            "a week, or so, said the bank about your refund, and maybe in 7 days",
            0.0,
            3.0,
        )]),
    );
    assert!(
        it.reason.ends_with(
            "\"refund\" (agent, 00:00) is 3 words from \"7 days\" (agent, 00:00), 2 allowed"
        ),
        "{}",
        it.reason
    );
    // Of pairs equally far apart, the first is quoted.
    let p0 = item_pack(r#"{ near = { a = ["refund"], b = ["7 days"], within = 0 } }"#);
    let it = first_item(
        &p0,
        &call(&[(A, "refund x 7 days and refund y 7 days", 0.0, 1.0)]),
    );
    let starts: Vec<u32> = it.closest.iter().map(|e| e.start).collect();
    assert_eq!(starts, [0, 9], "{}", it.reason);
    let it = first_item(
        &p,
        &call(&[(A, "your refund", 31.0, 32.0), (A, "in 7 days", 70.0, 71.0)]),
    );
    assert_eq!(
        it.reason,
        format!(
            "{req}; closest: \"refund\" (agent, 00:31) and \"7 days\" (agent, 01:10) are never said in one turn"
        )
    );
    let it = first_item(&p, &call(&[(A, "it takes 7 days", 31.0, 32.0)]));
    assert_eq!(
        it.reason,
        format!("{req}; found \"7 days\" (agent, 00:31), but no \"refund\" within 2 words of it")
    );
    let it = first_item(&p, &call(&[(A, "a refund", 31.0, 32.0)]));
    assert_eq!(
        it.reason,
        format!(
            "{req}; found \"refund\" (agent, 00:31), but none of \"7 days\", \"a week\" within 2 words of it"
        )
    );
}

fn voice_only_pack() -> Pack {
    pack(
        r#"
[[item]]
id = "recording"
section = "compliance"
critical = true
applies_when = { meta = { channel = "voice" } }
require = { any = ["this call may be recorded"], speaker = "agent" }
[[item]]
id = "recording-thanks"
section = "compliance"
applies_when = { item_passed = "recording" }
require = { any = ["thanks"] }
[[item]]
id = "refund-voice"
section = "resolution"
applies_when = { and = [{ meta = { channel = "voice" } }, { any = ["refund"] }] }
require = { any = ["days"] }
[[item]]
id = "billing-or-chat"
section = "resolution"
applies_when = { or = [{ meta = { queue = "billing" } }, { meta = { channel = "chat" } }] }
require = { any = ["invoice"] }
[[item]]
id = "voice-not-vip"
section = "resolution"
applies_when = { and = [{ meta = { channel = "voice" } }, { not = { meta = { team = "vip" } } }] }
require = { any = ["invoice"] }
[[item]]
id = "not-chat"
section = "resolution"
applies_when = { not = { meta = { channel = "chat" } } }
require = { any = ["invoice"] }
[[item]]
id = "voice-and-queue"
section = "resolution"
applies_when = { meta = { channel = "voice", queue = "billing" } }
require = { any = ["invoice"] }
[[item]]
id = "after-recording-billing"
section = "resolution"
applies_when = { and = [{ item_passed = "recording" }, { meta = { queue = "billing" } }] }
require = { any = ["invoice"] }
"#,
    )
}

fn items_without(channel: Option<&str>, turns: &[(Speaker, &str, f64, f64)]) -> Vec<ItemResult> {
    let p = voice_only_pack();
    let mut c = call(turns);
    c.metadata.channel = channel.map(str::to_string);
    let mut scan = Scan::new(&p);
    scan_call(&p, &c, &mut scan);
    score_call(&p, &c, &scan, ScoreOptions::default()).qa.items
}

#[test]
fn an_item_na_for_lack_of_metadata_says_which_key_and_how_to_set_it() {
    let said = &[(A, "this call may be recorded, thanks", 0.0, 2.0)][..];
    let items = items_without(None, said);
    let rec = &items[0];
    assert_eq!(rec.result, Outcome::Na);
    assert_eq!(rec.na_missing_meta, ["channel"]);
    assert_eq!(
        rec.reason,
        "n/a: applies only when channel is voice, and this call has no channel; set it in the metadata or with --meta channel=…"
    );
    // An item that applies only when that one passed is n/a for the same key.
    assert_eq!(items[1].result, Outcome::Na);
    assert_eq!(items[1].na_missing_meta, ["channel"]);
    // `and` with a part that fails whatever the channel: n/a for that part, not the key.
    assert_eq!(items[2].result, Outcome::Na);
    assert!(items[2].na_missing_meta.is_empty());
    assert_eq!(
        items[2].reason,
        "not applicable: its applies_when condition does not hold"
    );
    // `or` lists the keys of its parts.
    assert_eq!(items[3].result, Outcome::Na);
    assert_eq!(items[3].na_missing_meta, ["queue", "channel"]);
    assert!(
        items[3].reason.contains("this call has no queue or channel; set them in the metadata or with --meta queue=… --meta channel=…"),
        "{}",
        items[3].reason
    );
    // A key under `not` is not to blame: without it the `not` already holds, and
    // giving it could only make the condition fail.
    assert_eq!(items[4].result, Outcome::Na);
    assert_eq!(items[4].na_missing_meta, ["channel"]);
    assert_eq!(
        items[5].result,
        Outcome::Fail,
        "applies: the call is not a chat"
    );
    assert!(items[5].na_missing_meta.is_empty());

    // With the key present, a real chat is n/a without a missing key, a voice call applies.
    let items = items_without(Some("chat"), said);
    assert_eq!(items[0].result, Outcome::Na);
    assert!(items[0].na_missing_meta.is_empty());
    assert!(items[3].na_missing_meta.is_empty(), "a chat: applies");
    assert_eq!(items[5].result, Outcome::Na);
    assert!(items[5].na_missing_meta.is_empty());
    assert!(
        items[6].na_missing_meta.is_empty(),
        "the channel given does not match: no queue would help"
    );
    let items = items_without(Some("voice"), said);
    assert_eq!(items[3].na_missing_meta, ["queue"]);
    assert_eq!(
        items[6].na_missing_meta,
        ["queue"],
        "channel matches, queue missing"
    );
    assert_eq!(
        items[7].na_missing_meta,
        ["queue"],
        "recording passed; only the queue is missing"
    );
    assert_eq!(items[0].result, Outcome::Pass);
    assert!(items[0].na_missing_meta.is_empty());
    assert_eq!(items[1].result, Outcome::Pass);
    // n/a because the refund was never mentioned: no key is to blame.
    assert!(items[2].na_missing_meta.is_empty());
}

#[test]
fn na_for_lack_of_meta_counts_per_item_and_key_and_merges() {
    let p = voice_only_pack();
    let record = |channel: Option<&str>| {
        let mut c = call(&[(A, "hello", 0.0, 1.0)]);
        c.metadata.channel = channel.map(str::to_string);
        let mut scan = Scan::new(&p);
        scan_call(&p, &c, &mut scan);
        score_call(&p, &c, &scan, ScoreOptions::default())
    };
    let (none, chat) = (record(None), record(Some("chat")));
    let pairs: Vec<(&str, &str)> = missing_meta(&none).collect();
    assert_eq!(
        pairs,
        [
            ("recording", "channel"),
            ("recording-thanks", "channel"),
            ("billing-or-chat", "queue"),
            ("billing-or-chat", "channel"),
            ("voice-not-vip", "channel"),
            ("voice-and-queue", "channel"),
            ("voice-and-queue", "queue"),
            ("after-recording-billing", "channel"),
            ("after-recording-billing", "queue")
        ]
    );
    let (mut a, mut b) = (NaForLackOfMeta::default(), NaForLackOfMeta::default());
    a.add(&none);
    a.add(&chat);
    b.add(&none);
    a.merge(b);
    assert_eq!(a.calls("recording", "channel"), 2);
    assert_eq!(a.calls("billing-or-chat", "queue"), 2);
    assert_eq!(a.calls("billing-or-chat", "channel"), 2);
    assert_eq!(a.calls("voice-not-vip", "channel"), 2);
    assert_eq!(a.calls("refund-voice", "channel"), 0);
    assert_eq!(
        serde_json::to_value(&a).unwrap(),
        serde_json::json!({
            "billing-or-chat": {"channel": 2, "queue": 2},
            "recording": {"channel": 2},
            "recording-thanks": {"channel": 2},
            "voice-not-vip": {"channel": 2},
            "voice-and-queue": {"channel": 2, "queue": 2},
            "after-recording-billing": {"channel": 2, "queue": 2}
        })
    );
    // Written records carry the keys only where there are some, at every evidence level.
    use crate::record::{EvidenceLevel, WireRecord};
    let v = serde_json::to_value(WireRecord::new(&chat, EvidenceLevel::All)).unwrap();
    assert!(v["qa"]["items"][0].get("na_missing_meta").is_none());
    let v = serde_json::to_value(WireRecord::new(&none, EvidenceLevel::None)).unwrap();
    assert_eq!(
        v["qa"]["items"][0]["na_missing_meta"],
        serde_json::json!(["channel"])
    );
}

#[test]
fn a_pair_inside_an_or_is_quoted_whole() {
    let p = item_pack(
        r#"{ or = [ { any = ["one moment"] }, { near = { a = ["may i", "can i"], b = ["hold"], within = 3 } } ], speaker = "agent" }"#,
    );
    let it = first_item(&p, &call(&[(A, "May I put you on hold?", 60.0, 62.0)]));
    assert_eq!(
        it.reason,
        "found: \"May I\" (agent, 01:00) within 3 words of \"hold\" (agent, 01:00)"
    );
    let it = first_item(&p, &call(&[(A, "I will put you on hold", 60.0, 62.0)]));
    assert_eq!(
        it.reason,
        "required: not found: agent said any of \"one moment\" or agent said any of \"may i\", \"can i\" within 3 words of agent said any of \"hold\"; found \"hold\" (agent, 01:00), but none of \"may i\", \"can i\" within 3 words of it"
    );
    // A part that is no pair keeps the plain quote.
    let it = first_item(&p, &call(&[(A, "one moment please", 60.0, 62.0)]));
    assert_eq!(it.reason, "found: \"one moment\" (agent, 01:00)");
}

#[test]
fn all_quotes_the_first_hit_of_each_phrase() {
    let p = item_pack(r#"{ all = ["yes", "no"] }"#);
    let it = first_item(&p, &call(&[(C, "yes, yes and no", 0.0, 1.0)]));
    assert_eq!(it.result, Outcome::Pass);
    let quoted: Vec<(u32, &str)> = it
        .evidence
        .iter()
        .map(|e| (e.start, e.matched.as_str()))
        .collect();
    assert_eq!(quoted, [(0, "yes"), (13, "no")]);
}
