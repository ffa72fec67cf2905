//! `callscore suggest` end to end: a small labelled set where the right phrases are known
//! is mined into a pack, and that pack goes through `check`, `test` and `run` exactly as
//! written (no hand edit). Also: sentiment terms, determinism, bad input.

use serde_json::Value;
use std::path::Path;
mod common;
use common::{callscore, read_jsonl};

/// Texts per label: each label has one phrase that only its texts say.
const REASONS: &[(&str, &[&str])] = &[
    (
        "billing/refund",
        &[
            "i want a refund for the order",
            "please refund me today",
            "how long does a refund take",
            "still no refund after two weeks",
            "can you check my refund status",
            "the refund never arrived",
            "i asked for a refund yesterday",
            "where is my refund money",
            "send the refund to my card",
            "is the refund approved yet",
            "refund the extra fee please",
            "my refund was only half",
            "i need the refund processed",
            "what happened to my refund",
            "cancel it and refund me",
            "a refund would be fair",
        ],
    ),
    (
        "lost card",
        &[
            "i lost my card on the bus",
            "i think i lost my card yesterday",
            "someone found it after i lost my card",
            "lost my card at the station",
            "help i lost my card abroad",
            "i lost my card and need a new one",
            "my wallet is gone and i lost my card",
            "i lost my card again sorry",
            "what to do now that i lost my card",
            "i lost my card in the shop",
            "lost my card while shopping",
            "i lost my card during the trip",
            "can you block it i lost my card",
            "i just lost my card",
            "i lost my card last night",
            "so i lost my card this morning",
        ],
    ),
    (
        "outage",
        &[
            "the internet is down again",
            "my internet is down since noon",
            "internet is down in the whole street",
            "why is the internet down",
            "internet is down and i work from home",
            "the internet is down for hours",
            "internet is down every evening",
            "our internet is down today",
            "is the internet down in my area",
            "the internet is down after the storm",
            "internet is down and the router blinks",
            "again the internet is down",
            "the internet is down on all devices",
            "my internet is down what now",
            "internet is down since the update",
            "internet is down for the third time",
        ],
    ),
    (
        "out_of_scope",
        &[
            "what is the weather tomorrow",
            "tell me a joke",
            "who won the game last night",
            "how tall is the tower",
            "play some music",
            "what time is it in tokyo",
            "recommend a good book",
            "how do i bake bread",
            "what is the capital of peru",
            "set an alarm for seven",
            "translate hello into french",
            "how far is the moon",
        ],
    ),
];

fn write_labelled(dir: &Path) -> std::path::PathBuf {
    let p = dir.join("reasons.csv");
    let mut s = String::from("text,label\n");
    for (label, texts) in REASONS {
        for t in *texts {
            s.push_str(&format!("\"{t}\",{label}\n"));
        }
    }
    std::fs::write(&p, s).unwrap();
    p
}

fn run(args: &[&str], cwd: &Path) -> (i32, String, String) {
    let o = callscore()
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("runs");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// `suggest LABELLED --out OUT --holdout 0.25 --epochs 0 EXTRA…` in `dir`, which must
/// succeed: weights from the counts alone, so the phrases stay in the order they were
/// taken (learned weights: the round-trip test).
fn suggest_counted(dir: &Path, labelled: &str, out: &str, extra: &[&str]) {
    let mut args = vec![
        "suggest",
        labelled,
        "--out",
        out,
        "--holdout",
        "0.25",
        "--epochs",
        "0",
    ];
    args.extend_from_slice(extra);
    let (code, _, err) = run(&args, dir);
    assert_eq!(code, 0, "{err}");
}

/// The `[[driver]]` tables of the pack `dir/pack`.
fn drivers_of(dir: &Path, pack: &str) -> Vec<toml::Value> {
    let text = std::fs::read_to_string(dir.join(pack).join("drivers.toml")).unwrap();
    let v: toml::Table = toml::from_str(&text).unwrap();
    v["driver"].as_array().unwrap().clone()
}

/// `check` and `test` of the pack `dir/pack`, which must both pass.
fn check_and_test(dir: &Path, pack: &str) {
    for sub in ["check", "test"] {
        let (code, out, err) = run(&[sub, "--rules", pack], dir);
        assert_eq!(code, 0, "{sub} {pack}: {out}{err}");
    }
}

#[test]
fn mined_drivers_round_trip_suggest_check_test_run() {
    let d = tempfile::tempdir().unwrap();
    let labelled = write_labelled(d.path());
    let (code, _, err) = run(
        &[
            "suggest",
            labelled.to_str().unwrap(),
            "--out",
            "pack",
            "--holdout",
            "0.25",
            // The cover alone: the phrases that find the texts (evidence phrases are
            // tested below).
            "--evidence-phrases",
            "0",
        ],
        d.path(),
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("3 drivers"), "{err}");
    let pack = d.path().join("pack");
    let drivers = std::fs::read_to_string(pack.join("drivers.toml")).unwrap();
    // The known phrases, under the label as given (slugged only for the space).
    let v: toml::Table = toml::from_str(&drivers).unwrap();
    let by_id: std::collections::BTreeMap<&str, &toml::Value> = v["driver"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["id"].as_str().unwrap(), d))
        .collect();
    assert_eq!(
        by_id.keys().copied().collect::<Vec<_>>(),
        ["billing/refund", "lost_card", "outage"]
    );
    assert_eq!(by_id["lost_card"]["name"].as_str(), Some("lost card"));
    // Learned weights: every driver needs a score of 4, its phrases heaviest first.
    for (id, d) in &by_id {
        assert_eq!(d["min_score"].as_float(), Some(4.0), "{id}");
        let w: Vec<f64> = d["when"]["or"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["weight"].as_float().unwrap())
            .collect();
        assert!(w.windows(2).all(|p| p[0] >= p[1]), "{id}: {w:?}");
        assert!(w.iter().all(|&x| x > 0.0), "{id}: {w:?}");
    }
    let phrases = |id: &str| -> Vec<String> { driver_phrases(by_id[id]) };
    assert_eq!(phrases("billing/refund"), ["refund"]);
    // "card": every "lost card" text says it, and no mining text of another label does.
    assert!(
        phrases("lost_card")
            .iter()
            .any(|p| p.contains("lost") || p.contains("card")),
        "{drivers}"
    );
    assert!(
        phrases("outage").iter().any(|p| p.contains("down")),
        "{drivers}"
    );
    // No out_of_scope driver; held-out examples written beside each driver.
    assert!(!drivers.contains("id = \"out_of_scope\""));
    assert!(drivers.contains("expect = \"hit\""));
    assert!(drivers.contains("expect = \"no-hit\""));
    let report = std::fs::read_to_string(pack.join("report.md")).unwrap();
    assert!(report.contains("macro-F1"), "{report}");
    assert!(report.contains("`out_of_scope` (12)"), "{report}");

    let (code, out, err) = run(&["check", "--rules", "pack"], d.path());
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains("3 drivers") && err.contains("(0 warning(s))"),
        "{err}"
    );
    let (code, out, err) = run(&["test", "--rules", "pack"], d.path());
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(" failed") && out.contains("; 0 failed"),
        "{out}"
    );
    assert!(std::fs::read_dir(pack.join("tests")).unwrap().count() >= 1);

    // New calls, never seen by suggest.
    let calls = d.path().join("calls");
    std::fs::create_dir(&calls).unwrap();
    std::fs::write(
        calls.join("a.txt"),
        "Agent: Hello, how can I help?\nCustomer: Hi, I lost my card in a taxi.\n",
    )
    .unwrap();
    std::fs::write(
        calls.join("b.txt"),
        "Agent: Hello.\nCustomer: The internet is down at my flat.\n",
    )
    .unwrap();
    std::fs::write(
        calls.join("c.txt"),
        "Agent: Hello.\nCustomer: What is the weather like?\n",
    )
    .unwrap();
    let (code, _, err) = run(
        &["run", "calls", "--rules", "pack", "--out", "out", "--quiet"],
        d.path(),
    );
    assert_eq!(code, 0, "{err}");
    let recs = read_jsonl(&d.path().join("out/calls.jsonl"));
    let primary: Vec<Value> = recs
        .iter()
        .map(|r| r["drivers"]["primary"].clone())
        .collect();
    assert_eq!(
        primary,
        [Value::from("lost_card"), Value::from("outage"), Value::Null]
    );
}

#[test]
fn suggest_is_deterministic() {
    let d = tempfile::tempdir().unwrap();
    let labelled = write_labelled(d.path());
    for out in ["p1", "p2"] {
        let (code, _, err) = run(
            &["suggest", labelled.to_str().unwrap(), "--out", out],
            d.path(),
        );
        assert_eq!(code, 0, "{err}");
    }
    for f in ["pack.toml", "drivers.toml", "report.md"] {
        let a = std::fs::read(d.path().join("p1").join(f)).unwrap();
        let b = std::fs::read(d.path().join("p2").join(f)).unwrap();
        assert!(a == b, "{f} differs between two runs");
    }
}

#[test]
fn mined_sentiment_terms_round_trip() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("reviews.jsonl");
    let mut s = String::new();
    let good = ["great", "lovely", "superb"];
    let bad = ["awful", "broken", "useless"];
    for i in 0..90 {
        let (w, label) = if i % 2 == 0 {
            (good[i % 3], 1)
        } else {
            (bad[i % 3], 0)
        };
        s.push_str(&format!(
            "{{\"text\": \"the phone is {w} and the box number {i}\", \"label\": {label}}}\n"
        ));
    }
    std::fs::write(&p, s).unwrap();
    let (code, _, err) = run(
        &[
            "suggest",
            "--kind",
            "sentiment",
            p.to_str().unwrap(),
            "--out",
            "lex",
        ],
        d.path(),
    );
    assert_eq!(code, 0, "{err}");
    let lex = std::fs::read_to_string(d.path().join("lex/sentiment/suggested.toml")).unwrap();
    let v: toml::Table = toml::from_str(&lex).unwrap();
    let terms = v["lexicon"]["terms"].as_table().unwrap();
    assert_eq!(v["lexicon"]["language"].as_str(), Some("en"));
    for w in good {
        assert!(terms[w].as_float().unwrap() > 1.0, "{lex}");
    }
    for w in bad {
        assert!(terms[w].as_float().unwrap() < -1.0, "{lex}");
    }
    // Words said as often in both: not terms.
    assert!(
        !terms.contains_key("phone") && !terms.contains_key("box"),
        "{lex}"
    );
    let (code, out, err) = run(&["check", "--rules", "lex"], d.path());
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = run(&["test", "--rules", "lex"], d.path());
    assert_eq!(code, 0, "{out}{err}");
    std::fs::write(
        d.path().join("call.txt"),
        "Agent: Hello.\nCustomer: The new one is superb.\n",
    )
    .unwrap();
    let (code, _, err) = run(
        &[
            "run", "call.txt", "--rules", "lex", "--out", "out", "--quiet",
        ],
        d.path(),
    );
    assert_eq!(code, 0, "{err}");
    let recs = read_jsonl(&d.path().join("out/calls.jsonl"));
    assert!(
        recs[0]["sentiment"]["customer"]["overall"]
            .as_f64()
            .unwrap()
            > 0.3
    );
}

#[test]
fn bad_input_is_reported_with_file_and_line_and_the_rest_is_used() {
    let d = tempfile::tempdir().unwrap();
    let labelled = write_labelled(d.path());
    let extra = d.path().join("more.jsonl");
    std::fs::write(
        &extra,
        "{\"text\": \"refund it\", \"label\": \"billing/refund\"}\nnot json\n",
    )
    .unwrap();
    let (code, _, err) = run(
        &[
            "suggest",
            labelled.to_str().unwrap(),
            extra.to_str().unwrap(),
            "--out",
            "pack",
        ],
        d.path(),
    );
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("more.jsonl:2: not a JSON object"), "{err}");
    assert!(err.contains("1 labelled row(s) could not be used"), "{err}");
    assert!(d.path().join("pack/drivers.toml").exists());

    // A missing column: nothing usable, a fatal error that says what to do.
    let wrong = d.path().join("wrong.csv");
    std::fs::write(&wrong, "utterance,intent\nhello,greet\n").unwrap();
    let (code, _, err) = run(
        &["suggest", wrong.to_str().unwrap(), "--out", "p2"],
        d.path(),
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no column `text`"), "{err}");
    assert!(err.contains("--text-column"), "{err}");

    // An output folder that is not empty is refused.
    let (code, _, err) = run(
        &["suggest", labelled.to_str().unwrap(), "--out", "pack"],
        d.path(),
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is not empty"), "{err}");
}

/// The phrases of a driver in either form `suggest` writes: one `any` list, or `or` of
/// one-phrase `any` lists and `near` pairs (written `a~b`).
fn driver_phrases(driver: &toml::Value) -> Vec<String> {
    let w = &driver["when"];
    if let Some(a) = w.get("any").and_then(|a| a.as_array()) {
        return a.iter().map(|p| p.as_str().unwrap().to_string()).collect();
    }
    w["or"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| match c.get("any") {
            Some(a) => a[0].as_str().unwrap().to_string(),
            None => format!(
                "{}~{}",
                c["near"]["a"][0].as_str().unwrap(),
                c["near"]["b"][0].as_str().unwrap()
            ),
        })
        .collect()
}

#[test]
fn evidence_phrases_follow_the_cover_and_the_pack_still_round_trips() {
    let d = tempfile::tempdir().unwrap();
    let labelled = write_labelled(d.path());
    let mine = |out: &str, evidence: &str| {
        let labelled = labelled.to_str().unwrap();
        suggest_counted(d.path(), labelled, out, &["--evidence-phrases", evidence]);
        drivers_of(d.path(), out)
            .iter()
            .map(|d| (d["id"].as_str().unwrap().to_string(), driver_phrases(d)))
            .collect::<Vec<_>>()
    };
    let cover = mine("cover", "0");
    let more = mine("more", "20");
    assert_eq!(cover.len(), more.len());
    let mut added = 0;
    for ((id, c), (id2, m)) in cover.iter().zip(&more) {
        assert_eq!(id, id2);
        assert_eq!(
            &m[..c.len()],
            &c[..],
            "{id}: the cover comes first, unchanged"
        );
        added += m.len() - c.len();
    }
    assert!(added > 0, "{more:?}");
    check_and_test(d.path(), "more");
}

#[test]
fn every_phrase_carries_its_weight_and_the_pack_written_is_mined_from_every_text() {
    let d = tempfile::tempdir().unwrap();
    let labelled = write_labelled(d.path());
    let mine = |out: &str, extra: &[&str]| {
        suggest_counted(d.path(), labelled.to_str().unwrap(), out, extra);
        check_and_test(d.path(), out);
        let drivers = std::fs::read_to_string(d.path().join(out).join("drivers.toml")).unwrap();
        let report = std::fs::read_to_string(d.path().join(out).join("report.md")).unwrap();
        (drivers, report)
    };
    let (refit, refit_report) = mine("refit", &[]);
    let (measured, measured_report) = mine("measured", &["--no-refit"]);

    // Each condition line: `{ … weight = W },  # S / O texts, z Z`, W = ln((S+1)/(O+1)).
    let mut lines = 0;
    for line in refit
        .lines()
        .chain(measured.lines())
        .filter(|l| l.contains("weight = "))
    {
        let w: f64 = line
            .split("weight = ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let counts = line.split("# ").nth(1).unwrap();
        let mut it = counts.split(' ');
        let s: f64 = it.next().unwrap().parse().unwrap();
        assert_eq!(it.next(), Some("/"), "{line}");
        let o: f64 = it.next().unwrap().parse().unwrap();
        let expected = ((((s + 1.0) / (o + 1.0)).ln() * 10.0).round() / 10.0).max(0.1);
        assert!(
            (w - expected).abs() < 1e-9,
            "{line}: {w} against {expected}"
        );
        lines += 1;
    }
    assert!(lines >= 6, "{refit}");
    assert!(
        !refit
            .lines()
            .any(|l| l.trim_start().starts_with("{ any") && !l.contains("weight"))
    );
    assert!(!refit.contains("min_score"), "{refit}");

    // Refit: mined from all 16 texts of each label; --no-refit: from those not held out.
    assert!(
        refit.contains("from 16 texts labelled \"billing/refund\""),
        "{refit}"
    );
    assert!(
        !measured.contains("from 16 texts labelled \"billing/refund\""),
        "{measured}"
    );
    assert!(
        refit_report.contains("mined again from every text"),
        "{refit_report}"
    );
    assert!(
        !measured_report.contains("mined again"),
        "{measured_report}"
    );
    // The held-out numbers are those of the measured pack in both.
    let headline = |r: &str| {
        r.lines()
            .find(|l| l.contains("macro-F1 over"))
            .map(str::to_string)
    };
    assert_eq!(headline(&refit_report), headline(&measured_report));
}

#[test]
fn stems_are_asked_for_and_round_trip_as_wildcards() {
    let d = tempfile::tempdir().unwrap();
    // "transfer" in four forms, never the same form twice in a row; "order" likewise.
    let forms = ["transfer", "transfers", "transferred", "transferring"];
    let orders = ["order", "orders", "ordered", "ordering"];
    let mut s = String::from("text,label\n");
    for i in 0..16 {
        s.push_str(&format!("\"please {} the money {i}\",move\n", forms[i % 4]));
        s.push_str(&format!(
            "\"i {} new cheques {i}\",cheques\n",
            orders[i % 4]
        ));
        s.push_str(&format!("\"what is the weather {i}\",out_of_scope\n"));
    }
    std::fs::write(d.path().join("l.csv"), s).unwrap();
    let mine = |out: &str, extra: &[&str]| {
        // Weights from the counts, no minimum score: one phrase finds its driver.
        suggest_counted(d.path(), "l.csv", out, extra);
        drivers_of(d.path(), out)
            .iter()
            .flat_map(driver_phrases)
            .collect::<Vec<_>>()
    };
    let plain = mine("plain", &[]);
    assert!(!plain.iter().any(|p| p.ends_with('*')), "{plain:?}");
    let stemmed = mine("stemmed", &["--stems", "4"]);
    assert!(stemmed.iter().any(|p| p == "transfer*"), "{stemmed:?}");
    assert!(stemmed.iter().any(|p| p == "order*"), "{stemmed:?}");
    check_and_test(d.path(), "stemmed");
    // A form the labelled texts never said is found through the stem.
    let call = r#"{"call_id":"c1","turns":[{"speaker":"customer","text":"is it transferable"}]}"#;
    std::fs::write(d.path().join("calls.jsonl"), format!("{call}\n")).unwrap();
    let score = |pack: &str| {
        let args = [
            "run",
            "calls.jsonl",
            "--rules",
            pack,
            "--out",
            "-",
            "--quiet",
        ];
        let (code, out, err) = run(&args, d.path());
        assert!(code == 0 || code == 3, "{err}");
        out
    };
    let out = score("stemmed");
    assert!(out.contains("\"primary\":\"move\""), "{out}");
    let out = score("plain");
    assert!(!out.contains("\"primary\":\"move\""), "{out}");
    let (_, _, err) = run(
        &["suggest", "l.csv", "--out", "x", "--stems", "2"],
        d.path(),
    );
    assert!(err.contains("--stems"), "{err}");
}

#[test]
fn a_semicolon_csv_from_a_european_spreadsheet_is_read() {
    let d = tempfile::tempdir().unwrap();
    // `;` as delimiter (the header says so), a quoted text holding a `;`, other column
    // names, and an empty label for "no driver".
    let mut s = String::from("utterance;intent\n");
    for i in 0..12 {
        s.push_str(&format!("\"refund; please, {i}\";refund\n"));
        s.push_str(&format!("the internet is down {i};outage\n"));
        s.push_str(&format!("what is the weather {i};\n"));
    }
    std::fs::write(d.path().join("l.csv"), s).unwrap();
    let columns = ["--text-column", "utterance", "--label-column", "intent"];
    suggest_counted(d.path(), "l.csv", "p", &columns);
    let drivers = drivers_of(d.path(), "p");
    let ids: Vec<&str> = drivers.iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["outage", "refund"]);
    let refund = driver_phrases(&drivers[1]);
    assert!(refund.iter().any(|p| p == "refund"), "{refund:?}");
    check_and_test(d.path(), "p");
}
