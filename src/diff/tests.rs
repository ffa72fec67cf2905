//! Unit tests of the diff report on hand-built call comparisons.

use super::report::{ALL_TEAMS, bucket};
use super::*;
use crate::record::Outcome;

fn diff(items: Vec<(Option<Outcome>, Option<Outcome>)>, team: &str, score: (f64, f64)) -> CallDiff {
    CallDiff {
        call_id: format!("c{}", score.0),
        source: "f".into(),
        team: Some(team.into()),
        score: (Some(score.0), Some(score.1)),
        auto_fail: (false, score.1 == 0.0),
        items: items
            .into_iter()
            .enumerate()
            .map(|(k, (before, after))| ItemChange {
                item: k,
                before,
                after,
                before_reason: "b".into(),
                after_reason: "a".into(),
            })
            .collect(),
        drivers: vec![(false, true, "\"x\"".into())],
        primary: (None, Some("d".into())),
    }
}

fn entry(id: &str, name: &str, old: Option<usize>, new: Option<usize>) -> PlanEntry {
    PlanEntry {
        id: id.into(),
        name: name.into(),
        old,
        new,
    }
}

fn report() -> Report {
    let plan = Plan {
        items: vec![
            entry("both", "Both packs", Some(0), Some(0)),
            entry("new", "new", None, Some(1)),
            entry("old", "old", Some(1), None),
        ],
        drivers: vec![entry("d", "d", Some(0), Some(0))],
    };
    Report::for_plan(&plan, 1)
}

#[test]
fn counts_transitions_added_removed_teams_and_buckets() {
    use Outcome::*;
    let mut r = report();
    r.add(&diff(
        vec![
            (Some(Pass), Some(Fail)),
            (None, Some(Pass)),
            (Some(Na), None),
        ],
        "t1",
        (100.0, 0.0),
    ));
    r.add(&diff(
        vec![
            (Some(Pass), Some(Fail)),
            (None, Some(Fail)),
            (Some(Pass), None),
        ],
        "t2",
        (55.0, 59.9),
    ));
    r.add(&diff(
        vec![
            (Some(Fail), Some(Fail)),
            (None, Some(Fail)),
            (Some(Pass), None),
        ],
        "t1",
        (9.99, 10.0),
    ));
    assert_eq!(r.calls, 3);
    assert_eq!(r.items[0].count("pass→fail"), 2);
    assert_eq!(r.items[0].unchanged, 1);
    assert_eq!(r.items[0].examples["pass→fail"].len(), 1, "capped at 1");
    assert_eq!(r.items[1].count("→pass"), 1);
    assert_eq!(r.items[1].count("→fail"), 2);
    assert_eq!(
        r.items[1].results,
        Some(Results {
            pass: 1,
            fail: 2,
            na: 0
        })
    );
    assert_eq!(r.items[2].count("pass→"), 2);
    assert_eq!(r.items[2].count("n/a→"), 1);
    assert_eq!(r.items[0].results, None, "only added and removed items");
    assert_eq!((r.items_added, r.items_removed), (1, 1));
    assert_eq!(r.drivers[0].gained, 3);
    assert_eq!(r.primary_changed, 3);
    let all = &r.teams[ALL_TEAMS];
    assert_eq!(all.histogram_before, [1, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
    assert_eq!(all.histogram_after, [1, 1, 0, 0, 0, 1, 0, 0, 0, 0]);
    assert_eq!(r.teams["t1"].calls, 2);
    assert_eq!(r.teams["t1"].mean_before, Some(55.0));
    assert_eq!(r.teams["t1"].auto_fail_gained, 1);
    // Scores: 100→0, 55→59.9, 9.99→10: all changed, mean (−100 + 4.9 + 0.01) / 3.
    assert_eq!(r.scores.calls, 3);
    assert_eq!((r.scores.up, r.scores.down), (2, 1));
    assert_eq!(r.scores.mean_change, Some(-31.7));
    assert_eq!(r.scores.auto_fail_gained, 1);
    assert_eq!(
        r.scores.examples[0].after,
        "score 0 (auto-fail); both pass→fail, new added: pass"
    );
    let text = r.render_text();
    for line in [
        "  item    name        pass→fail  fail→pass    →n/a    n/a→  unchanged",
        "  both    Both packs          2          0       0       0          1",
        "  new                 added: pass 1, fail 2, n/a 0",
        "  old                 removed: was pass 2, fail 0, n/a 1",
        "QA score changed on 3 calls: mean −31.7 (2 up, 1 down); auto-fail: 1 gained, 0 cleared",
        "Items (1 added, 1 removed)",
        "  new (added) →pass",
        "  old (removed) pass→",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "no line {line:?} in\n{text}"
        );
    }
}

#[test]
fn a_call_changes_when_only_its_score_or_an_added_item_that_applied_changed() {
    use Outcome::*;
    let plan = Plan {
        items: vec![
            entry("same", "same", Some(0), Some(0)),
            entry("new", "new", None, Some(1)),
        ],
        drivers: vec![],
    };
    let call = |score: (f64, f64), added: Outcome| CallDiff {
        drivers: vec![],
        primary: (None, None),
        auto_fail: (false, false),
        ..diff(
            vec![(Some(Pass), Some(Pass)), (None, Some(added))],
            "t",
            score,
        )
    };
    let mut r = Report::for_plan(&plan, 3);
    // Weights changed only: the score moved, no result did.
    r.add(&call((80.0, 75.0), Na));
    // Nothing moved, the added item did not apply.
    r.add(&call((80.0, 80.0), Na));
    // The added item passed without moving the score (already 100).
    r.add(&call((100.0, 100.0), Pass));
    assert_eq!(r.calls_changed, 2);
    assert_eq!(r.scores.calls, 1);
    assert_eq!(r.scores.mean_change, Some(-5.0));
    assert_eq!(r.items[1].examples.keys().collect::<Vec<_>>(), ["→pass"]);
    assert_eq!(
        r.items[1].examples["→pass"][0].before,
        "(not in the old pack)"
    );
}

#[test]
fn buckets_are_ten_points_with_100_in_the_last() {
    assert_eq!(bucket(0.0), 0);
    assert_eq!(bucket(9.9), 0);
    assert_eq!(bucket(10.0), 1);
    assert_eq!(bucket(90.0), 9);
    assert_eq!(bucket(100.0), 9);
}
