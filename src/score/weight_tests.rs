//! The primary driver by score: hits count one each, a condition with a `weight` adds its
//! weight instead of its hits, once, when it holds.

use super::tests::{call, pack};
use super::*;
use crate::matcher::{Scan, scan_call};
use crate::transcript::Speaker::{Agent as A, Customer as C};

const DEPT: &str = "[[department]]\nid = \"d\"\n";

fn drivers_of(when_a: &str, when_b: &str, text: &str) -> Drivers {
    let p = pack(&format!(
        "{DEPT}[[driver]]\nid = \"a\"\ndepartment = \"d\"\nwhen = {when_a}\n\
         [[driver]]\nid = \"b\"\ndepartment = \"d\"\nwhen = {when_b}\n"
    ));
    let c = call(&[(C, text, 0.0, 10.0), (A, "okay", 10.0, 20.0)]);
    let mut scan = Scan::new(&p);
    scan_call(&p, &c, &mut scan);
    score_call(&p, &c, &scan, ScoreOptions::default()).drivers
}

fn primary(when_a: &str, when_b: &str, text: &str) -> Option<String> {
    drivers_of(when_a, when_b, text).primary
}

#[test]
fn without_weights_the_most_hits_win_and_ties_go_to_the_first_hit() {
    let a = r#"{ any = ["refund", "order"] }"#;
    let b = r#"{ any = ["outage"] }"#;
    assert_eq!(primary(a, b, "outage refund order").as_deref(), Some("a"));
    assert_eq!(primary(a, b, "outage refund").as_deref(), Some("b"));
    assert_eq!(primary(a, b, "refund outage").as_deref(), Some("a"));
}

#[test]
fn a_weight_replaces_the_hits_of_its_condition() {
    // a: two hits of 0.5 each = 1.0; b: one hit weighing 1.5.
    let a = r#"{ or = [{ any = ["refund"], weight = 0.5 }, { any = ["order"], weight = 0.5 }] }"#;
    let b = r#"{ any = ["outage"], weight = 1.5 }"#;
    let d = drivers_of(a, b, "refund order outage");
    assert_eq!(d.primary.as_deref(), Some("b"));
    // The hits reported stay the number of hits.
    let hits: Vec<(&str, u32)> = d.matched.iter().map(|m| (m.id.as_str(), m.hits)).collect();
    assert_eq!(hits, [("a", 2), ("b", 1)]);
    // 1.0 against 0.9: a.
    let b = r#"{ any = ["outage"], weight = 0.9 }"#;
    assert_eq!(primary(a, b, "outage refund order").as_deref(), Some("a"));
    // Equal scores: the earliest first hit.
    let b = r#"{ any = ["outage"], weight = 1.0 }"#;
    assert_eq!(primary(a, b, "outage refund order").as_deref(), Some("b"));
    assert_eq!(primary(a, b, "refund order outage").as_deref(), Some("a"));
}

#[test]
fn a_weight_counts_once_however_often_its_phrases_are_said() {
    let a = r#"{ any = ["refund"], weight = 1.5 }"#;
    let b = r#"{ any = ["outage"] }"#;
    // a is said three times but adds 1.5; b's two hits count 2.
    let d = drivers_of(a, b, "refund refund refund outage outage");
    assert_eq!(d.primary.as_deref(), Some("b"));
    assert_eq!(d.matched[0].hits, 3);
    let a = r#"{ any = ["refund"], weight = 2.5 }"#;
    assert_eq!(primary(a, b, "refund outage outage").as_deref(), Some("a"));
}

#[test]
fn weighted_and_unweighted_conditions_add_up() {
    // a: 0.4 + 1 hit of "order" = 1.4 against b's one hit.
    let a = r#"{ or = [{ any = ["refund"], weight = 0.4 }, { any = ["order"] }] }"#;
    let b = r#"{ any = ["outage"] }"#;
    assert_eq!(primary(a, b, "outage refund order").as_deref(), Some("a"));
    // Without "order", 0.4 loses to one hit.
    assert_eq!(primary(a, b, "refund outage").as_deref(), Some("b"));
    // `and` adds the scores of its parts.
    let a = r#"{ and = [{ any = ["refund"], weight = 0.6 }, { any = ["order"], weight = 0.6 }] }"#;
    assert_eq!(primary(a, b, "outage refund order").as_deref(), Some("a"));
    let a = r#"{ and = [{ any = ["refund"], weight = 0.4 }, { any = ["order"], weight = 0.4 }] }"#;
    assert_eq!(primary(a, b, "outage refund order").as_deref(), Some("b"));
}

#[test]
fn a_weighted_near_counts_its_weight_not_its_two_hits() {
    // Unweighted, a `near` is two hits; weighted, its weight.
    let b = r#"{ any = ["outage"], weight = 1.5 }"#;
    let near = r#"{ near = { a = ["credit"], b = ["limit"], within = 3 } }"#;
    assert_eq!(
        primary(near, b, "outage credit limit").as_deref(),
        Some("a")
    );
    let near = r#"{ near = { a = ["credit"], b = ["limit"], within = 3 }, weight = 1.2 }"#;
    assert_eq!(
        primary(near, b, "credit limit outage").as_deref(),
        Some("b")
    );
    // A weighted condition that does not hold adds nothing.
    let a = r#"{ or = [{ any = ["refund"] }, { near = { a = ["credit"], b = ["limit"], within = 1 }, weight = 9 }] }"#;
    assert_eq!(
        primary(a, b, "refund credit is over the limit outage").as_deref(),
        Some("b")
    );
}

#[test]
fn a_weight_on_the_whole_when_is_a_driver_priority_and_metadata_counts_one() {
    // Two hits, but the whole `when` weighs 0.5: one hit of b beats it; weighing 3 it
    // beats b's two hits.
    let b = r#"{ any = ["outage"] }"#;
    let a = r#"{ any = ["refund", "order"], weight = 0.5 }"#;
    assert_eq!(primary(a, b, "refund order outage").as_deref(), Some("b"));
    let a = r#"{ any = ["refund"], weight = 3 }"#;
    assert_eq!(primary(a, b, "outage outage refund").as_deref(), Some("a"));
    // A driver found by metadata alone has no hit: it scores as one.
    let meta = r#"{ meta = { channel = "voice" } }"#;
    let half = r#"{ any = ["outage"], weight = 0.5 }"#;
    assert_eq!(primary(meta, half, "outage").as_deref(), Some("a"));
    let more = r#"{ any = ["outage"], weight = 1.5 }"#;
    assert_eq!(primary(meta, more, "outage").as_deref(), Some("b"));
}

#[test]
fn weights_are_checked_where_they_are_written() {
    let codes = |toml: &str| -> Vec<&'static str> {
        crate::rules::load_pack_str("t.toml", toml)
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .collect()
    };
    let driver =
        |when: &str| format!("{DEPT}[[driver]]\nid = \"a\"\ndepartment = \"d\"\nwhen = {when}\n");
    assert!(codes(&driver(r#"{ any = ["x"], weight = 2.5 }"#)).is_empty());
    assert_eq!(
        codes(&driver(r#"{ any = ["x"], weight = 0 }"#)),
        ["bad-value"]
    );
    assert_eq!(
        codes(&driver(r#"{ any = ["x"], weight = -1.0 }"#)),
        ["bad-value"]
    );
    assert_eq!(
        codes(&driver(
            r#"{ near = { a = { any = ["x"], weight = 2 }, b = ["y"] } }"#
        )),
        ["misplaced-key"]
    );
    let item = "[[item]]\nid = \"i\"\nsection = \"s\"\nrequire = { any = [\"x\"], weight = 2 }\n";
    assert_eq!(codes(item), ["misplaced-key"]);
}

fn drivers_min(a: &str, min_score: f64, b: &str, text: &str) -> Drivers {
    let p = pack(&format!(
        "{DEPT}[[driver]]\nid = \"a\"\ndepartment = \"d\"\nmin_score = {min_score:.1}\nwhen = {a}\n\
         [[driver]]\nid = \"b\"\ndepartment = \"d\"\nwhen = {b}\n\
         [[item]]\nid = \"i\"\nsection = \"s\"\napplies_when = {{ driver = \"a\" }}\n\
         require = {{ any = [\"okay\"] }}\n"
    ));
    let c = call(&[(C, text, 0.0, 10.0), (A, "okay", 10.0, 20.0)]);
    let mut scan = Scan::new(&p);
    scan_call(&p, &c, &mut scan);
    let r = score_call(&p, &c, &scan, ScoreOptions::default());
    // The item applies exactly when driver a is found.
    let found_a = r.drivers.matched.iter().any(|m| m.id == "a");
    assert_eq!(
        r.qa.items[0].result != crate::record::Outcome::Na,
        found_a,
        "{text}"
    );
    r.drivers
}

#[test]
fn min_score_finds_a_driver_only_when_its_score_reaches_it() {
    let a = r#"{ or = [{ any = ["refund"], weight = 1.5 }, { any = ["order"], weight = 1.0 }] }"#;
    let b = r#"{ any = ["outage"] }"#;
    let ids = |d: &Drivers| -> Vec<String> { d.matched.iter().map(|m| m.id.clone()).collect() };
    // 1.5 alone is below 2.5: no driver at all, and the item on driver a is n/a.
    let d = drivers_min(a, 2.5, b, "refund please");
    assert!(d.matched.is_empty() && d.primary.is_none(), "{d:?}");
    // 1.5 + 1.0 reaches it (exactly is enough).
    let d = drivers_min(a, 2.5, b, "refund my order");
    assert_eq!(ids(&d), ["a"]);
    assert_eq!(d.primary.as_deref(), Some("a"));
    // A driver below its minimum is not found, so a weaker driver is the primary one.
    let d = drivers_min(a, 2.6, b, "refund my order outage");
    assert_eq!(ids(&d), ["b"]);
    assert_eq!(d.primary.as_deref(), Some("b"));
    // Without weights the score is the hits: two hits reach 2, one does not.
    let a = r#"{ any = ["refund", "order"] }"#;
    assert!(drivers_min(a, 2.0, b, "refund").matched.is_empty());
    assert_eq!(ids(&drivers_min(a, 2.0, b, "refund order")), ["a"]);
}
