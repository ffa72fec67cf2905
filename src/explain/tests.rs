//! Unit tests of `explain`: marks, colours, hit tags.

use super::text::{Styles, marked_text};
use super::*;
use crate::rules::pack::LeafOwner;
use crate::transcript::Speaker;

fn hit(start: u32, end: u32) -> TurnHit {
    TurnHit {
        start,
        end,
        matched: String::new(),
        rules: vec![],
        feeds: vec![],
    }
}

#[test]
fn plain_marks_merge_overlaps_and_keep_redacted_runs_whole() {
    let st = Styles::new(false);
    let t = "thank you for calling acme";
    assert_eq!(
        marked_text(t, &[hit(0, 9), hit(0, 21)], true, &st),
        "[[thank you for calling]] acme"
    );
    // A hit on "card 4111" grows over the whole redacted number.
    let t = "my card 4111 1111 1111 1111 ok";
    assert_eq!(
        marked_text(t, &[hit(3, 12)], true, &st),
        "my [[card [CARD]]] ok"
    );
    assert_eq!(
        marked_text(t, &[hit(3, 7)], false, &st),
        "my [[card]] 4111 1111 1111 1111 ok"
    );
    assert_eq!(marked_text("a\nb", &[], true, &st), "a b");
}

#[test]
fn colour_marks_use_ansi_not_brackets() {
    let st = Styles::new(true);
    let out = marked_text("i guarantee it", &[hit(0, 11)], false, &st);
    assert!(out.contains("\u{1b}[") && !out.contains("[["), "{out:?}");
}

#[test]
fn leaf_owners_map_hits_to_items_applicability_and_drivers() {
    let checked = crate::rules::load_pack_str(
        "t.toml",
        r#"
[[department]]
id = "b"
cost_per_hour = 1
[[driver]]
id = "refund"
department = "b"
when = { any = ["refund"] }
[[item]]
id = "tf"
section = "s"
applies_when = { any = ["refund"] }
require = { near = { a = ["refund"], b = ["days"], within = 3 } }
"#,
    );
    let pack = checked.pack.expect("compiles");
    let owners: Vec<Vec<LeafOwner>> = pack.leaf_owners.clone();
    assert_eq!(owners.len(), pack.leaves.len());
    assert_eq!(owners[0], vec![LeafOwner::Driver(0)]);
    // near operands both belong to the item; applies_when leaf to its applicability.
    let item_leaves = owners
        .iter()
        .filter(|o| o.contains(&LeafOwner::Item(0)))
        .count();
    assert_eq!(item_leaves, 2);
    assert!(owners.iter().any(|o| o == &vec![LeafOwner::Applies(0)]));

    let call = crate::transcript::Call {
        call_id: "c".into(),
        source: "s".into(),
        source_line: None,
        format: crate::transcript::Format::NativeJson,
        metadata: Default::default(),
        turns: vec![crate::transcript::Turn {
            speaker: Speaker::Customer,
            label: None,
            text: "a refund in 5 days".into(),
            start_ms: Some(0),
            end_ms: Some(1000),
            line: None,
        }],
        times_estimated: false,
    };
    let ex = explain_call(&pack, &call, ScoreOptions::default());
    let t = &ex.turns[0];
    assert_eq!(t.hits[0].matched, "refund");
    assert_eq!(t.tags, vec!["refund", "tf", "tf (applies_when)"]);
    assert_eq!(t.hits[1].matched, "days");
}

#[test]
fn signed_uses_a_real_minus() {
    assert_eq!(signed(-0.618), "−0.62");
    assert_eq!(signed(0.4), "+0.40");
    assert_eq!(signed(0.0), "0.00");
}
