//! Rule-pack errors: one broken pack per error kind, with the exact message and position.

use super::load_pack_str;

/// Concise diagnostics of a pack written as one file.
fn diags(toml: &str) -> Vec<String> {
    let c = load_pack_str("p.toml", toml);
    c.diagnostics
        .iter()
        .map(|d| d.render_concise(&c.sources))
        .collect()
}

const ITEM: &str = "[[item]]\nid = \"greeting\"\nsection = \"opening\"\n";

#[test]
fn unknown_key_with_suggestion() {
    let c = load_pack_str(
        "p.toml",
        &format!("{ITEM}require = {{ any = [\"hi\"], windw = {{ first_seconds = 30 }} }}\n"),
    );
    let d: Vec<String> = c
        .diagnostics
        .iter()
        .map(|d| d.render_concise(&c.sources))
        .collect();
    assert_eq!(
        d,
        [
            "p.toml:4:27: error[unknown-key]: unknown key 'windw' in 'require' of item \"greeting\"; did you mean 'window'?"
        ]
    );
    assert_eq!(
        c.diagnostics[0].help.as_deref(),
        Some(
            "did you mean 'window'? Allowed keys here: any, all, regex, near, before, and, or, not, meta, driver, item_passed, speaker, window, min_count, weight"
        )
    );
    assert!(c.pack.is_none());
}

#[test]
fn unknown_top_level_and_item_keys() {
    assert_eq!(
        diags(&format!(
            "{ITEM}wieght = 3\nrequire = {{ any = [\"hi\"] }}\n[[itme]]\n"
        )),
        [
            "p.toml:4:1: error[unknown-key]: unknown key 'wieght' in item \"greeting\"; did you mean 'weight'?",
            "p.toml:6:3: error[unknown-key]: unknown key 'itme' in the file; did you mean 'item'?",
        ]
    );
}

#[test]
fn wrong_type() {
    assert_eq!(
        diags(&format!(
            "{ITEM}weight = \"ten\"\nrequire = {{ any = [\"hi\"] }}\n"
        )),
        [
            "p.toml:4:10: error[wrong-type]: 'weight' in item \"greeting\" must be a number, found string"
        ]
    );
}

#[test]
fn duplicate_id_points_at_second_and_names_first() {
    let text =
        format!("{ITEM}require = {{ any = [\"hi\"] }}\n{ITEM}require = {{ any = [\"hello\"] }}\n");
    let c = load_pack_str("p.toml", &text);
    let d: Vec<String> = c
        .diagnostics
        .iter()
        .map(|d| d.render_concise(&c.sources))
        .collect();
    assert_eq!(
        d,
        [
            "p.toml:6:6: error[duplicate-id]: item id \"greeting\" is already used (first defined at p.toml:2:6)"
        ]
    );
    assert_eq!(
        c.diagnostics[0].help.as_deref(),
        Some("ids of items must be unique in the pack; rename one of them")
    );
}

#[test]
fn bad_regex_points_inside_the_pattern() {
    assert_eq!(
        diags(&format!(
            "{ITEM}require = {{ regex = 'refund (in|within \\d+ days' }}\n"
        )),
        ["p.toml:4:29: error[bad-regex]: invalid regex: unclosed group"]
    );
}

#[test]
fn unknown_references() {
    assert_eq!(
        diags(&format!(
            "{ITEM}require = {{ any = [\"hi\"] }}\napplies_when = {{ driver = \"billing/refnd\" }}\n\
             [[department]]\nid = \"billing\"\n[[driver]]\nid = \"billing/refund\"\ndepartment = \"biling\"\nwhen = {{ any = [\"refund\"] }}\n\
             [[item]]\nid = \"b\"\nsection = \"s\"\napplies_when = {{ item_passed = \"greting\" }}\nrequire = {{ any = [\"x\"] }}\n"
        )),
        [
            "p.toml:5:27: error[unknown-id]: no driver has the id \"billing/refnd\"; did you mean \"billing/refund\"?",
            "p.toml:10:14: error[unknown-id]: driver \"billing/refund\" names department \"biling\", which does not exist; did you mean \"billing\"?",
            "p.toml:15:32: error[unknown-id]: no item has the id \"greting\"; did you mean \"greeting\"?",
        ]
    );
}

#[test]
fn phrases_that_can_never_match() {
    assert_eq!(
        diags(&format!(
            "{ITEM}require = {{ any = [\"?!\", \"thank * you\"] }}\n"
        )),
        [
            "p.toml:4:20: error[empty-phrase]: phrase \"?!\" is only punctuation or spaces, so it can never match",
            "p.toml:4:26: error[bad-wildcard]: phrase \"thank * you\" has a '*' inside it",
        ]
    );
}

#[test]
fn impossible_windows() {
    assert_eq!(
        diags(&format!(
            "{ITEM}require = {{ any = [\"hi\"], window = {{ first_percent = 150 }} }}\n"
        )),
        [
            "p.toml:4:54: error[impossible-window]: 'window' of 'require' of item \"greeting\": first_percent = 150 is more than 100 %"
        ]
    );
    assert_eq!(
        diags(&format!(
            "{ITEM}require = {{ any = [\"hi\"], window = {{ first_seconds = 0 }} }}\n"
        )),
        [
            "p.toml:4:54: error[impossible-window]: 'window' of 'require' of item \"greeting\": first_seconds = 0 is empty"
        ]
    );
}

#[test]
fn require_xor_forbid_and_one_kind_per_condition() {
    assert_eq!(
        diags(&format!(
            "{ITEM}require = {{ any = [\"a\"] }}\nforbid = {{ any = [\"b\"] }}\n"
        )),
        [
            "p.toml:5:1: error[require-and-forbid]: item \"greeting\" has both 'require' and 'forbid'"
        ]
    );
    assert_eq!(
        diags(&format!(
            "{ITEM}require = {{ any = [\"a\"], all = [\"b\"] }}\n"
        )),
        [
            "p.toml:4:26: error[several-condition-kinds]: 'require' of item \"greeting\" has several kind keys (any, all)"
        ]
    );
}

#[test]
fn reference_cycle() {
    let d = diags(
        "[[item]]\nid = \"a\"\nsection = \"s\"\napplies_when = { item_passed = \"b\" }\nrequire = { any = [\"x\"] }\n\
         [[item]]\nid = \"b\"\nsection = \"s\"\napplies_when = { item_passed = \"a\" }\nrequire = { any = [\"y\"] }\n",
    );
    assert_eq!(
        d,
        ["p.toml:2:6: error[reference-cycle]: items refer to each other in a circle: a → b → a"]
    );
}

#[test]
fn a_phrase_that_is_one_side_of_near_or_and_is_not_a_shared_phrase() {
    let c = load_pack_str(
        "p.toml",
        "[[department]]\nid = \"d\"\n\
         [[driver]]\nid = \"a\"\ndepartment = \"d\"\nwhen = { or = [{ any = [\"limit\"] }, { near = { a = [\"credit\"], b = [\"limit\"], within = 3 } }] }\n\
         [[driver]]\nid = \"b\"\ndepartment = \"d\"\nwhen = { near = { a = [\"credit\"], b = [\"score\"], within = 3 } }\n\
         [[driver]]\nid = \"c\"\ndepartment = \"d\"\nwhen = { and = [{ any = [\"score\"] }, { all = [\"credit\", \"limit\"] }] }\n\
         [[driver]]\nid = \"e\"\ndepartment = \"d\"\nwhen = { or = [{ all = [\"Limit\"] }] }\n",
    );
    let d: Vec<String> = c
        .diagnostics
        .iter()
        .map(|d| d.render_concise(&c.sources))
        .collect();
    // Only "limit", which finds a and e on its own, is shared.
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].contains("phrase \"Limit\" is claimed by drivers \"a\" and \"e\""),
        "{d:?}"
    );
}

#[test]
fn lexicon_weight_out_of_range_and_shared_driver_phrase_warning() {
    let c = load_pack_str(
        "p.toml",
        "[lexicon]\n[lexicon.terms]\nawful = -7\n[[department]]\nid = \"d\"\n\
         [[driver]]\nid = \"a\"\ndepartment = \"d\"\nwhen = { any = [\"Refund\"] }\n\
         [[driver]]\nid = \"b\"\ndepartment = \"d\"\nwhen = { any = [\"refund!\"] }\n",
    );
    let d: Vec<String> = c
        .diagnostics
        .iter()
        .map(|d| d.render_concise(&c.sources))
        .collect();
    assert_eq!(
        d,
        [
            "p.toml:3:9: error[out-of-range]: term 'awful': weight -7 is outside −4…+4",
            "p.toml:13:17: warning[shared-driver-phrase]: phrase \"refund!\" is claimed by drivers \"a\" and \"b\"",
        ]
    );
}

#[test]
fn min_score_must_be_above_zero_and_a_phrase_below_it_is_not_claimed_alone() {
    let drivers = |min_score: &str, weight: &str| -> Vec<String> {
        let c = load_pack_str(
            "p.toml",
            &format!(
                "[[department]]\nid = \"d\"\n\
                 [[driver]]\nid = \"a\"\ndepartment = \"d\"\n{min_score}\n\
                 when = {{ any = [\"refund\"], {weight} }}\n\
                 [[driver]]\nid = \"b\"\ndepartment = \"d\"\n{min_score}\n\
                 when = {{ any = [\"refund\"], {weight} }}\n"
            ),
        );
        c.diagnostics
            .iter()
            .map(|d| d.render_concise(&c.sources))
            .collect()
    };
    let bad = drivers("min_score = 0", "weight = 1.0");
    assert_eq!(bad.len(), 3, "{bad:?}");
    assert!(
        bad[0].contains("error[out-of-range]: min_score of driver \"a\" must be more than 0"),
        "{bad:?}"
    );
    assert!(bad[2].contains("warning[shared-driver-phrase]"), "{bad:?}");
    // Weighing less than the minimum, the phrase finds neither driver alone.
    assert_eq!(
        drivers("min_score = 2.0", "weight = 1.9"),
        Vec::<String>::new()
    );
    let at = drivers("min_score = 2.0", "weight = 2.0");
    assert_eq!(at.len(), 1, "{at:?}");
    assert!(at[0].contains("warning[shared-driver-phrase]"), "{at:?}");
    // Without a weight, one hit scores 1.
    assert_eq!(drivers("min_score = 1.5", "min_count = 1").len(), 0);
    assert_eq!(drivers("min_score = 1.0", "min_count = 1").len(), 1);
}

#[test]
fn an_all_of_one_phrase_is_claimed_alone_only_when_one_hit_reaches_min_score() {
    let shared = |min_score: &str, when: &str| -> usize {
        let c = load_pack_str(
            "p.toml",
            &format!(
                "[[department]]\nid = \"d\"\n\
                 [[driver]]\nid = \"a\"\ndepartment = \"d\"\n{min_score}\nwhen = {when}\n\
                 [[driver]]\nid = \"b\"\ndepartment = \"d\"\n{min_score}\nwhen = {when}\n"
            ),
        );
        c.diagnostics
            .iter()
            .map(|d| d.render_concise(&c.sources))
            .filter(|d| d.contains("warning[shared-driver-phrase]"))
            .count()
    };
    let one = r#"{ or = [{ all = ["refund"] }] }"#;
    let two = r#"{ or = [{ all = ["refund", "card"] }] }"#;
    assert_eq!(shared("", one), 1);
    assert_eq!(shared("min_score = 1.0", one), 1);
    assert_eq!(shared("min_score = 1.5", one), 0, "one hit scores 1");
    assert_eq!(shared("", two), 0, "neither phrase finds the driver alone");
}

#[test]
fn toml_syntax_error_has_position() {
    let d = diags("[[item]\nid = 1\n");
    assert_eq!(d.len(), 1);
    assert!(d[0].starts_with("p.toml:1:"), "{}", d[0]);
    assert!(d[0].contains("error[toml-syntax]"), "{}", d[0]);
}

#[test]
fn warnings_alone_do_not_block() {
    let c = load_pack_str(
        "p.toml",
        "[[department]]\nid = \"d\"\n[[driver]]\nid = \"a\"\ndepartment = \"d\"\nwhen = { any = [\"x\"] }\n\
         [[driver]]\nid = \"b\"\ndepartment = \"d\"\nwhen = { any = [\"x\"] }\n",
    );
    assert_eq!(c.error_count(), 0);
    assert_eq!(c.diagnostics.len(), 1);
    assert!(c.pack.is_some());
}

#[test]
fn external_vader_lexicon_is_read_relative_to_its_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sentiment")).unwrap();
    std::fs::write(
        dir.path().join("sentiment/en.toml"),
        "[lexicon]\nlanguage = \"en\"\nexternal = [{ path = \"vader_lexicon.txt\", format = \"vader\" }]\n[lexicon.terms]\nawesome = 3.0\n",
    )
    .unwrap();
    // VADER's format: term, mean, std-dev, ten ratings; one malformed line.
    std::fs::write(
        dir.path().join("sentiment/vader_lexicon.txt"),
        "awesome\t-4.0\t0.1\t[]\nhorrible\t-2.5\t0.67082\t[-3, -2, -3, -2, -3, -2, -2, -3, -3, -2]\n:)\t2.0\t1.18322\t[2, 2, 1, 1, 1, 2, 3, 4, 2, 2]\nbroken line without tabs\n",
    )
    .unwrap();
    let c = super::load_pack(dir.path()).unwrap();
    let d: Vec<String> = c
        .diagnostics
        .iter()
        .map(|d| d.render_concise(&c.sources))
        .collect();
    assert_eq!(d.len(), 2, "{d:?}");
    assert!(
        d[0].contains("warning[bad-lexicon-line]") && d[0].contains("first at line 4"),
        "{}",
        d[0]
    );
    assert!(
        d[1].contains("warning[unmatchable-terms]: 1 term(s)"),
        "{}",
        d[1]
    );
    let pack = c.pack.expect("warnings do not block");
    let call = crate::score::tests::call(&[(
        crate::transcript::Speaker::Customer,
        "this is horrible",
        0.0,
        1.0,
    )]);
    let mut scan = crate::matcher::Scan::new(&pack);
    crate::matcher::scan_call(&pack, &call, &mut scan);
    assert!(scan.sentiment[0].compound < -0.3, "{:?}", scan.sentiment[0]);
    // The pack's own weight for "awesome" (+3) overrides the external file's (-4).
    let call =
        crate::score::tests::call(&[(crate::transcript::Speaker::Customer, "awesome", 0.0, 1.0)]);
    crate::matcher::scan_call(&pack, &call, &mut scan);
    assert!(scan.sentiment[0].compound > 0.5, "{:?}", scan.sentiment[0]);
}

#[test]
fn a_misspelt_required_key_is_one_error_led_by_did_you_mean() {
    // Not also "has neither 'require' nor 'forbid'", which used to come first.
    let c = load_pack_str("p.toml", &format!("{ITEM}requre = {{ any = [\"hi\"] }}\n"));
    let d: Vec<String> = c
        .diagnostics
        .iter()
        .map(|d| d.render_concise(&c.sources))
        .collect();
    assert_eq!(
        d,
        [
            "p.toml:4:1: error[unknown-key]: unknown key 'requre' in item \"greeting\"; did you mean 'require'?"
        ]
    );
    assert!(
        c.diagnostics[0]
            .help
            .as_deref()
            .is_some_and(|h| h.starts_with("did you mean 'require'? Allowed keys here: id, name,")),
        "{:?}",
        c.diagnostics[0].help
    );
    // The same for an entry's id, a condition's kind and a window's limit.
    assert_eq!(
        diags(
            "[[item]]\nidd = \"x\"\nsection = \"s\"\nrequire = { anyy = [\"hi\"], window = { frist_seconds = 3 } }\n"
        ),
        ["p.toml:2:1: error[unknown-key]: unknown key 'idd' in item #1; did you mean 'id'?",]
    );
    assert_eq!(
        diags(&format!("{ITEM}require = {{ anyy = [\"hi\"] }}\n")),
        [
            "p.toml:4:13: error[unknown-key]: unknown key 'anyy' in 'require' of item \"greeting\"; did you mean 'any'?"
        ]
    );
    assert_eq!(
        diags(&format!(
            "{ITEM}require = {{ any = [\"hi\"], window = {{ frist_seconds = 3 }} }}\n"
        )),
        [
            "p.toml:4:38: error[unknown-key]: unknown key 'frist_seconds' in 'window' of 'require' of item \"greeting\"; did you mean 'first_seconds'?"
        ]
    );
    // A key that is simply missing is still reported.
    assert_eq!(
        diags(&format!("{ITEM}rule = {{ any = [\"hi\"] }}\n")),
        [
            "p.toml:2:1: error[missing-key]: item \"greeting\" has neither 'require' nor 'forbid'",
            "p.toml:4:1: error[unknown-key]: unknown key 'rule' in item \"greeting\"",
        ]
    );
}
