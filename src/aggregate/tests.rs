//! Tests of the aggregates: hand-counted buckets, the file form, and the merge property
//! (aggregating two halves and merging equals aggregating everything, byte for byte).

use super::*;
use crate::record::Outcome;
use proptest::prelude::*;

/// A small pack: 4 items in 2 sections, 3 drivers in 2 departments.
pub(crate) fn test_meta(hash: &str, version: &str) -> PackMeta {
    let item = |id: &str, section: &str, critical: bool| ItemMeta {
        id: id.into(),
        name: format!("Item {id}"),
        section: section.into(),
        critical,
        weight: 1.0,
    };
    let driver = |id: &str, department: &str| DriverMeta {
        id: id.into(),
        name: format!("Driver {id}"),
        department: department.into(),
    };
    PackMeta {
        name: "test".into(),
        version: version.into(),
        hash: hash.into(),
        items: vec![
            item("greet", "opening", false),
            item("verify", "verification", true),
            item("close", "opening", false),
            item("promise", "verification", true),
        ],
        // Pack order differs from sorted order on purpose.
        sections: vec!["verification".into(), "opening".into()],
        drivers: vec![
            driver("billing/refund", "billing"),
            driver("tech/outage", "tech"),
            driver("billing/dispute", "billing"),
        ],
        departments: vec![
            NamedMeta {
                id: "billing".into(),
                name: "Billing".into(),
            },
            NamedMeta {
                id: "tech".into(),
                name: "Tech".into(),
            },
        ],
    }
}

/// A call on `day` (`YYYY-MM-DD`) at `hour` UTC.
pub(crate) fn facts(id: &str, day: &str, hour: i64, team: &str, agent: &str) -> CallFacts {
    CallFacts {
        call_id: id.into(),
        minute: Day::parse(day).map(|d| d.first_minute() + hour * 60),
        team: Some(team.into()),
        agent: Some(agent.into()),
        items: vec![Outcome::Pass; 4],
        sections: vec![None, None],
        ..CallFacts::default()
    }
}

fn pack_of(a: &Aggregates) -> &PackAgg {
    a.packs.values().next().expect("one pack")
}

#[test]
fn buckets_count_one_agent_day_by_hand() {
    let mut a = Aggregates::for_meta(test_meta("h1", "1.0"));
    let mut f1 = facts("c2", "2026-11-02", 9, "north", "ann");
    f1.qa = Some(80_000);
    f1.items = vec![Outcome::Pass, Outcome::Fail, Outcome::Na, Outcome::Pass];
    f1.auto_fail = true;
    // sorted order: opening, verification
    f1.sections = vec![Some(100_000), Some(50_000)];
    f1.csat = Some(2_000);
    f1.nps = Some(9_000);
    f1.human_qa = Some(70_000);
    f1.self_score = Some(90_000);
    f1.handle_ms = Some(60_000);
    f1.driver = Some("tech/outage".into());
    f1.sentiment = Some((100_000, -200_000));
    f1.human_items = vec![
        ("verify".into(), Outcome::Fail),
        ("greet".into(), Outcome::Fail),
        ("nosuch".into(), Outcome::Pass),
    ];
    let mut f2 = facts("c1", "2026-11-02", 9, "north", "ann");
    f2.qa = Some(100_000);
    f2.sections = vec![Some(100_000), None];
    f2.nps = Some(5_000);
    f2.handle_ms = Some(120_000);
    a.add(&f1);
    a.add(&f2);
    a.add_error();
    let p = pack_of(&a);
    assert_eq!(p.errors, 1);
    let day = &p.days[&Day::parse("2026-11-02").unwrap()];
    assert_eq!(day.hours[9].calls, 2);
    assert_eq!(day.hours[9].qa, Stat(2, 180_000));
    let ann = &day.agents[&0];
    assert_eq!(ann.calls, 2);
    assert_eq!(ann.qa.mean(MILLI), Some(90.0));
    assert_eq!(ann.auto_fails, 1);
    // pack order: verification, opening
    assert_eq!(ann.sections, vec![Stat(1, 50_000), Stat(2, 200_000)]);
    assert_eq!(ann.items, vec![[2, 0], [2, 1], [1, 0], [2, 0]]);
    assert_eq!(ann.csat, Stat(1, 2_000));
    assert_eq!(ann.low_csat.0, ["c2"]);
    assert_eq!(ann.failed.0, ["c2"]);
    assert_eq!(ann.nps, NpsCounts(2, 1, 1));
    assert_eq!(ann.aht.mean(1.0), Some(90_000.0));
    assert_eq!(ann.human.0, 1);
    assert_eq!(ann.human.6, 10_000);
    assert_eq!(ann.self_score, SelfSums(1, 90_000, 80_000));
    assert_eq!(ann.sentiment, SentimentSums(1, 100_000, -200_000, 1));
    // auto fail + human fail on verify; auto pass + human fail on greet; unknown item.
    assert_eq!(day.items[1].calib, [1, 0, 0, 0]);
    assert_eq!(day.items[0].calib, [0, 0, 1, 0]);
    assert_eq!(day.human_unreadable, 1);
    assert_eq!(day.items[1].failed.0, ["c2"]);
    assert_eq!(day.drivers[&1].calls, 1);
    assert_eq!(day.drivers[&NO_DRIVER].calls, 1);
    assert_eq!(day.queues[""].calls, 2);
}

#[test]
fn calls_without_a_date_go_to_the_unknown_day() {
    let mut a = Aggregates::for_meta(test_meta("h1", "1.0"));
    let mut f = facts("x", "2026-11-02", 0, "t", "a");
    f.minute = None;
    f.customer = Some(7);
    a.add(&f);
    let p = pack_of(&a);
    assert_eq!(p.days[&Day::UNKNOWN].calls(), 1);
    assert!(p.contacts.is_empty(), "a contact needs a time");
    let json = a.to_json();
    assert!(json.contains("\"unknown\":"), "{json}");
}

#[test]
fn file_round_trip_is_identical_and_checked() {
    let mut a = Aggregates::for_meta(test_meta("h1", "1.0"));
    for (i, agent) in ["zed", "amy", "bob"].iter().enumerate() {
        let mut f = facts(&format!("c{i}"), "2026-11-03", i as i64, "t", agent);
        f.customer = Some(42);
        f.driver = Some("billing/dispute".into());
        a.add(&f);
    }
    let text = a.to_json();
    let b = Aggregates::from_json(text.as_bytes()).unwrap();
    assert_eq!(b.to_json(), text);
    // What a run writes (its aggregates moved, not copied) is the same text.
    assert_eq!(a.clone().into_json(), text.as_bytes());
    // serde gives the same form
    assert_eq!(serde_json::to_string(&a).unwrap() + "\n", text);
    let c: Aggregates = serde_json::from_str(&text).unwrap();
    assert_eq!(c, b);
    // agents are written sorted whatever the order they came in
    let p = pack_of(&b);
    assert_eq!(p.agents[0].agent(), "amy");
    assert!(matches!(
        Aggregates::from_json(br#"{"type":"summary","counts":{}}"#),
        Err(FormatError::NotAggregates(_))
    ));
    assert!(matches!(
        Aggregates::from_json(br#"{"type":"aggregates","version":99,"packs":[]}"#),
        Err(FormatError::Version(v)) if v == "99"
    ));
    assert!(matches!(
        Aggregates::from_json(b"{\"type\":\"aggreg"),
        Err(FormatError::Json(_))
    ));
    let broken = text.replace("\"n\":3", "\"n\":4");
    assert!(matches!(
        Aggregates::from_json(broken.as_bytes()),
        Err(FormatError::Invalid(e)) if e.contains("has 64 base64 characters, expected 88 for 4 contacts")
    ));
    // A damaged contacts text is an inconsistent file too, not broken JSON.
    let at = text.find("\"data\":\"").unwrap() + 8;
    let mut damaged = text.clone();
    damaged.replace_range(at..at + 1, "*");
    assert!(matches!(
        Aggregates::from_json(damaged.as_bytes()),
        Err(FormatError::Invalid(e)) if e.contains("not base64")
    ));
}

#[test]
fn packs_are_kept_apart_and_a_damaged_pack_is_refused() {
    let mut a = Aggregates::for_meta(test_meta("h1", "1.0"));
    a.add(&facts("a", "2026-11-02", 1, "t", "x"));
    let mut b = Aggregates::for_meta(test_meta("h2", "1.1"));
    b.add(&facts("b", "2026-11-02", 1, "t", "x"));
    a.merge(b).unwrap();
    assert_eq!(a.packs.len(), 2);
    assert_eq!(
        a.packs["h1"].days.values().map(DayAgg::calls).sum::<u64>(),
        1
    );
    let mut other = test_meta("h1", "1.0");
    other.items.pop();
    let err = a.merge(Aggregates::for_meta(other)).unwrap_err();
    assert!(err.to_string().contains("test 1.0 (h1)"), "{err}");
}

// ---------------------------------------------------------------------------
// The merge property.

fn arb_outcome() -> impl Strategy<Value = Outcome> {
    prop_oneof![Just(Outcome::Pass), Just(Outcome::Fail), Just(Outcome::Na)]
}

prop_compose! {
    fn arb_facts()(
        id in 0u32..60,
        minute in proptest::option::weighted(0.9, 29_500_000i64..29_500_000 + 20 * 1440),
        team in proptest::option::weighted(0.9, 0u8..3),
        agent in proptest::option::weighted(0.9, 0u8..5),
        queue in proptest::option::of(0u8..3),
        customer in proptest::option::of(0u64..8),
        qa in proptest::option::weighted(0.9, 0i64..=100_000),
        auto_fail: bool,
        sections in proptest::collection::vec(proptest::option::of(0i64..=100_000), 2),
        items in proptest::collection::vec(arb_outcome(), 4),
        human in proptest::collection::vec((0usize..5, arb_outcome()), 0..3),
        human_unreadable in 0u32..2,
        csat in proptest::option::of(1_000i64..=5_000),
        nps in proptest::option::of(0i64..=10_000),
        human_qa in proptest::option::of(0i64..=100_000),
        self_score in proptest::option::of(0i64..=100_000),
        handle_ms in proptest::option::of(0u64..2_000_000),
        cost in proptest::option::of(0i64..10_000_000),
        driver in proptest::option::of(0usize..4),
        sentiment in proptest::option::of((-1_000_000i64..=1_000_000, -1_000_000i64..=1_000_000)),
    ) -> CallFacts {
        let items_ids = ["greet", "verify", "close", "promise", "unknown_item"];
        let drivers = ["billing/refund", "tech/outage", "billing/dispute", "not/in/pack"];
        CallFacts {
            call_id: format!("call-{id:03}"),
            minute,
            team: team.map(|t| format!("team{t}")),
            agent: agent.map(|a| format!("agent{a}")),
            queue: queue.map(|q| format!("q{q}")),
            customer,
            qa,
            auto_fail,
            sections,
            items,
            human_items: human.into_iter().map(|(i, o)| (items_ids[i].to_string(), o)).collect(),
            human_unreadable,
            csat,
            nps,
            human_qa,
            self_score,
            handle_ms,
            cost,
            driver: driver.map(|d| drivers[d].to_string()),
            sentiment,
        }
    }
}

fn aggregate(list: &[CallFacts], errors: u32, meta: &PackMeta) -> Aggregates {
    let mut a = Aggregates::for_meta(meta.clone());
    for f in list {
        a.add(f);
    }
    for _ in 0..errors {
        a.add_error();
    }
    a
}

proptest! {
    #[test]
    fn merging_halves_equals_aggregating_everything(
        list in proptest::collection::vec(arb_facts(), 0..80),
        cut in any::<proptest::sample::Index>(),
        errors in (0u32..3, 0u32..3),
    ) {
        let meta = test_meta("h1", "1.0");
        let at = cut.index(list.len() + 1);
        let (left, right) = list.split_at(at);
        let all = aggregate(&list, errors.0 + errors.1, &meta).to_json();

        let mut merged = aggregate(left, errors.0, &meta);
        merged.merge(aggregate(right, errors.1, &meta)).unwrap();
        prop_assert_eq!(&merged.to_json(), &all);

        // the other order, and through the file form (agent numbering differs)
        let l = Aggregates::from_json(aggregate(left, errors.0, &meta).to_json().as_bytes()).unwrap();
        let mut r = Aggregates::from_json(aggregate(right, errors.1, &meta).to_json().as_bytes()).unwrap();
        r.merge(l).unwrap();
        prop_assert_eq!(&r.to_json(), &all);
    }

    #[test]
    fn merge_is_associative_over_three_parts(
        list in proptest::collection::vec(arb_facts(), 0..60),
        cuts in (any::<proptest::sample::Index>(), any::<proptest::sample::Index>()),
    ) {
        let meta = test_meta("h1", "1.0");
        let mut ends = [cuts.0.index(list.len() + 1), cuts.1.index(list.len() + 1)];
        ends.sort();
        let parts = [&list[..ends[0]], &list[ends[0]..ends[1]], &list[ends[1]..]];
        let all = aggregate(&list, 0, &meta).to_json();
        let mut a = aggregate(parts[2], 0, &meta);
        let mut bc = aggregate(parts[1], 0, &meta);
        bc.merge(aggregate(parts[0], 0, &meta)).unwrap();
        a.merge(bc).unwrap();
        prop_assert_eq!(a.to_json(), all);
    }
}
