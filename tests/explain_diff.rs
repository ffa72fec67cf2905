//! Integration tests of `callscore explain` and `callscore diff` through the binary.
//!
//! Same harness as `tests/cli.rs`: fixtures in `tests/fixtures/` (the small pack whose
//! per-item results are known exactly, and its calls); modified packs and extra calls are
//! written by each test into a temp dir.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
mod common;
use common::{callscore, fixture};

/// Run; returns (exit code, stdout, stderr).
fn output(c: &mut Command) -> (i32, String, String) {
    let o = c.output().expect("runs");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn explain(file: &Path, extra: &[&str]) -> (i32, String, String) {
    output(
        callscore()
            .arg("explain")
            .arg(file)
            .arg("--rules")
            .arg(fixture("pack"))
            .args(extra),
    )
}

fn assert_has_line(out: &str, line: &str) {
    assert!(
        out.lines().any(|l| l == line),
        "missing line:\n{line}\n--- in output:\n{out}"
    );
}

#[test]
fn explain_plain_shows_highlights_tags_reasons_and_sections() {
    let (code, out, err) = explain(
        Path::new("tests/fixtures/calls/good.jsonl"),
        &["--call", "en-critical", "--color", "never"],
    );
    assert_eq!(code, 0, "{err}");
    for line in [
        "call en-critical",
        "  source    tests/fixtures/calls/good.jsonl:2 (native_jsonl, language en)",
        "  metadata  agent=a2 team=t1 channel=voice csat=1",
        "  QA score  0  AUTO-FAIL (critical item failed: recording, no-guarantee; raw score 0)",
        "  driver    billing/refund (department billing)",
        "[00:00] AGENT     Hello.",
        "[00:01] CUSTOMER  This is terrible, I am angry. I want a [[refund]].  ← billing/refund  sentiment −0.82",
        "[00:40] AGENT     [[I guarantee]] you will get it tomorrow.  ← no-guarantee",
        "[00:43] CUSTOMER  ok",
        "  opening  0",
        "  compliance  0",
        "  resolution  0",
        "  closing  0",
        "    FAIL  greeting          w10            required: agent did not say any of \"thank you for calling acme\", \"感谢致电艾克美\", \"با تشکر از تماس شما\" in the first 30 s; closest: none (not said by anyone, anywhere in the call)",
        "    FAIL  no-guarantee      w5   critical  forbidden: \"I guarantee\" (agent, 00:40)",
        "  most negative  −0.82 at 00:01 (customer): \"terrible\" — \"This is terrible, I am angry. I want a refund.\"",
        "  billing/refund  1 hit  department billing  PRIMARY — first: \"refund\" at 00:01",
        "  primary billing/refund, department billing, cost 0.44",
        "  turns 4 (agent 2, customer 2)",
    ] {
        assert_has_line(&out, line);
    }
    assert!(
        !out.contains('\u{1b}'),
        "no escape codes with --color never"
    );
}

#[test]
fn explain_auto_colour_is_off_when_stdout_is_not_a_terminal_and_always_forces_it() {
    let f = fixture("calls/good.jsonl");
    let (_, plain, _) = explain(&f, &["--call", "en-critical"]);
    assert!(!plain.contains('\u{1b}') && plain.contains("[[I guarantee]]"));
    let (_, coloured, _) = explain(&f, &["--call", "en-critical", "--color", "always"]);
    assert!(coloured.contains("\u{1b}[") && !coloured.contains("[[I guarantee]]"));
}

/// A greeting said too late and the recording notice said by the customer: the FAIL
/// reasons name the closest candidate and why it did not count; the turn says so too.
#[test]
fn explain_failed_requirements_name_the_closest_candidate() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("late.json");
    std::fs::write(
        &f,
        r#"{"call_id":"late-greeting","metadata":{"channel":"voice"},"turns":[
{"speaker":"agent","text":"Hello.","start":0,"end":1},
{"speaker":"customer","text":"Is this call may be recorded? My card is 4111 1111 1111 1111, I want a refund","start":2,"end":5},
{"speaker":"agent","text":"Thank you for calling Acme, I guarantee it.","start":42,"end":44}]}"#,
    )
    .unwrap();
    let (code, out, err) = explain(&f, &[]);
    assert_eq!(code, 0, "{err}");
    assert_has_line(
        &out,
        "    FAIL  greeting          w10            required: agent did not say any of \"thank you for calling acme\", \"感谢致电艾克美\", \"با تشکر از تماس شما\" in the first 30 s; closest: \"Thank you for calling Acme\" at 00:42, outside the window",
    );
    assert_has_line(
        &out,
        "    FAIL  recording         w10  critical  required: agent did not say any of \"this call may be recorded\", \"本次通话可能会被录音\", \"این تماس ضبط می شود\" in the first 3 turns; closest: \"this call may be recorded\" at 00:02, said by the customer, not the agent",
    );
    assert_has_line(
        &out,
        "[00:42] AGENT     [[Thank you for calling Acme]], [[I guarantee]] it.  ← no-guarantee  (not counted: greeting: outside the window)",
    );
    // Redacted by default, also inside the transcript; --no-redact shows the number.
    assert!(
        out.contains("My card is [CARD], I want a [[refund]]"),
        "{out}"
    );
    assert!(!out.contains("4111"));
    let (_, raw, _) = explain(&f, &["--no-redact", "--color", "never"]);
    assert!(
        raw.contains("My card is 4111 1111 1111 1111, I want"),
        "{raw}"
    );
}

#[test]
fn explain_json_parses_with_record_and_turn_tags() {
    let (code, out, err) = explain(
        &fixture("calls/good.jsonl"),
        &["--call", "en-critical", "--format", "json"],
    );
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("one JSON document");
    assert_eq!(v["type"], "explain");
    assert_eq!(v["record"]["call_id"], "en-critical");
    assert_eq!(v["record"]["qa"]["auto_fail"], true);
    let turn = &v["turns"][2];
    assert_eq!(turn["hits"][0]["matched"], "I guarantee");
    assert_eq!(turn["hits"][0]["start"], 0);
    assert_eq!(turn["hits"][0]["end"], 11);
    assert_eq!(turn["hits"][0]["feeds"][0]["id"], "no-guarantee");
    assert_eq!(turn["hits"][0]["feeds"][0]["kind"], "item");
    assert_eq!(turn["hits"][0]["feeds"][0]["counted"], true);
    assert_eq!(turn["tags"], serde_json::json!(["no-guarantee"]));
    assert_eq!(v["turns"][1]["tags"], serde_json::json!(["billing/refund"]));
    assert_eq!(v["turns"][1]["sentiment"], -0.818);
}

#[test]
fn explain_every_call_of_a_small_file_and_other_formats() {
    let (code, out, _) = explain(&fixture("calls/good.jsonl"), &[]);
    assert_eq!(code, 0);
    for id in ["call en-pass", "call en-critical", "call chat-na"] {
        assert_has_line(&out, id);
    }
    let (code, out, _) = explain(&fixture("calls/zh-pass.txt"), &[]);
    assert_eq!(code, 0);
    assert!(out.contains("[[感谢致电艾克美]]"), "{out}");
    assert!(out.contains("← greeting"), "{out}");
}

#[test]
fn explain_unreadable_or_ambiguous_input_is_a_clear_error() {
    let (code, out, err) = explain(Path::new("tests/fixtures/calls/nope.json"), &[]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("cannot read tests/fixtures/calls/nope.json: no such file"),
        "{err}"
    );

    let (code, _, err) = explain(&fixture("bad/binary_junk.json"), &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no call could be read from") && err.contains("binary_junk.json"),
        "{err}"
    );

    let (code, _, err) = explain(&fixture("calls/good.jsonl"), &["--call", "zz"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no call with id \"zz\"") && err.contains("en-pass, en-critical, chat-na"),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    let many = dir.path().join("many.jsonl");
    let line = std::fs::read_to_string(fixture("calls/good.jsonl")).unwrap();
    let first = line.lines().next().unwrap();
    let text: String = (0..6)
        .map(|i| first.replace("\"en-pass\"", &format!("\"c{i}\"")) + "\n")
        .collect();
    std::fs::write(&many, text).unwrap();
    let (code, _, err) = explain(&many, &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("holds 6 calls; pick one with --call ID: c0, c1, c2, c3, c4, c5"),
        "{err}"
    );
    let (code, out, _) = explain(&many, &["--call", "c4"]);
    assert_eq!(code, 0);
    assert_has_line(&out, "call c4");
}

/// The fixture pack with: the closing window tightened to the last turn, "parcel" added to
/// the refund driver, `no-guarantee` removed, an `apology` item added.
fn modified_pack(dir: &Path) -> PathBuf {
    let s = std::fs::read_to_string(fixture("pack/pack.toml")).unwrap();
    let s = s
        .replace("version = \"0.1.0\"", "version = \"0.2.0\"")
        .replace("window = { last_turns = 3 }", "window = { last_turns = 1 }")
        .replace(
            "when = { any = [\"refund\",",
            "when = { any = [\"refund\", \"parcel\",",
        );
    let i = s.find("[[item]]\nid = \"no-guarantee\"").unwrap();
    let j = s.find("[[item]]\nid = \"closing\"").unwrap();
    let s = format!("{}{}", &s[..i], &s[j..]).replace(
        "[lexicon]",
        "[[item]]\nid = \"apology\"\nsection = \"empathy\"\nweight = 5\nrequire = { any = [\"sorry\"], speaker = \"agent\" }\n\n[lexicon]",
    );
    let p = dir.join("new");
    std::fs::create_dir_all(&p).unwrap();
    std::fs::write(p.join("pack.toml"), s).unwrap();
    p
}

fn diff(new: &Path, threads: usize, extra: &[&str]) -> (i32, String, String) {
    output(
        callscore()
            .arg("diff")
            .arg("tests/fixtures/calls")
            .arg("--rules")
            .arg(fixture("pack"))
            .arg("--rules-new")
            .arg(new)
            .arg("--threads")
            .arg(threads.to_string())
            .args(extra),
    )
}

#[test]
fn diff_reports_exact_flips_drivers_teams_and_examples() {
    let dir = tempfile::tempdir().unwrap();
    let new = modified_pack(dir.path());
    let (code, out, err) = diff(&new, 2, &["--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("JSON report");
    assert_eq!(v["calls"], 5);
    // The added `apology` fails on every call, and lowers every score.
    assert_eq!(v["calls_changed"], 5);
    let item = |id: &str| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap_or_else(|| panic!("item {id}"))
            .clone()
    };
    let ids = |ex: &Value| -> Vec<String> {
        ex.as_array()
            .unwrap()
            .iter()
            .map(|e| e["call_id"].as_str().unwrap().to_string())
            .collect()
    };
    let closing = item("closing");
    assert_eq!(closing["transitions"], serde_json::json!({"pass→fail": 2}));
    assert_eq!(closing["unchanged"], 3);
    assert_eq!(
        ids(&closing["examples"]["pass→fail"]),
        ["en-pass", "zh-pass"]
    );
    assert_eq!(
        closing["examples"]["pass→fail"][0]["after"],
        "required: agent did not say any of \"anything else\", \"还有其他\", \"مورد دیگری\" in the last turn; closest: \"Anything else\" at 00:09, outside the window"
    );
    let refund = item("refund-timeframe");
    assert_eq!(refund["transitions"], serde_json::json!({"n/a→fail": 1}));
    assert_eq!(ids(&refund["examples"]["n/a→fail"]), ["chat-na"]);
    assert_eq!(item("greeting")["transitions"], serde_json::json!({}));
    let removed = item("no-guarantee");
    assert_eq!(removed["status"], "removed");
    assert_eq!(
        removed["transitions"],
        serde_json::json!({"pass→": 3, "fail→": 2})
    );
    let added = item("apology");
    assert_eq!(added["status"], "added");
    assert_eq!(added["transitions"], serde_json::json!({"→fail": 5}));

    let d = &v["drivers"][0];
    assert_eq!(d["id"], "billing/refund");
    assert_eq!(
        (d["before"].as_u64(), d["after"].as_u64()),
        (Some(4), Some(5))
    );
    assert_eq!(
        (d["gained"].as_u64(), d["lost"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(ids(&d["gained_examples"]), ["chat-na"]);
    assert_eq!(
        d["gained_examples"][0]["after"],
        "found: \"parcel\" (customer, 00:05)"
    );
    assert_eq!(v["primary_changed"], 1);
    assert_eq!(
        v["primary_moves"],
        serde_json::json!({"none → billing/refund": 1})
    );

    let t2 = &v["teams"]["t2"];
    assert_eq!(t2["mean_before"], 100.0);
    assert_eq!(t2["mean_after"], 60.0);
    let all = &v["teams"]["*"];
    assert_eq!(all["calls"], 5);
    assert_eq!(all["mean_before"], 60.0);
    assert_eq!(all["mean_after"], 40.6);
    assert_eq!(
        all["histogram_before"],
        serde_json::json!([2, 0, 0, 0, 0, 0, 0, 0, 0, 3])
    );
    assert_eq!(
        all["histogram_after"],
        serde_json::json!([2, 0, 0, 0, 0, 0, 1, 2, 0, 0])
    );
    assert_eq!(all["auto_fail_gained"], 0);
    assert_eq!(all["auto_fail_cleared"], 0);
}

#[test]
fn diff_text_report_and_out_files() {
    let dir = tempfile::tempdir().unwrap();
    let new = modified_pack(dir.path());
    let out_dir = dir.path().join("report");
    let (code, out, err) = diff(
        &new,
        2,
        &["--out", out_dir.to_str().unwrap(), "--examples", "1"],
    );
    assert_eq!(code, 0, "{err}");
    for line in [
        "5 calls compared, 5 changed",
        "  item              pass→fail  fail→pass    →n/a    n/a→  unchanged",
        "  closing                   2          0       0       0          3",
        "  refund-timeframe          0          0       0       1          4",
        "  apology           added: pass 0, fail 5, n/a 0",
        "  no-guarantee      removed: was pass 3, fail 2, n/a 0",
        "  billing/refund         4       5       1       0",
        "  primary driver changed on 1 call",
        "    none → billing/refund: 1",
        "  t2                 1        100.0        60.0           0            0",
        "  all                5         60.0        40.6           0            0",
        "  closing pass→fail",
        "    en-pass  (tests/fixtures/calls/good.jsonl:1)",
        "      before: found: \"Anything else\" (agent, 00:09)",
    ] {
        assert_has_line(&out, line);
    }
    assert!(
        !out.contains("zh-pass  ("),
        "--examples 1 keeps one call per change"
    );
    assert_eq!(
        std::fs::read_to_string(out_dir.join("diff.txt")).unwrap(),
        out
    );
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("diff.json")).unwrap()).unwrap();
    assert_eq!(json["type"], "diff");
    assert!(err.contains("5 calls scored with both packs"), "{err}");
}

#[test]
fn diff_output_is_identical_at_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let new = modified_pack(dir.path());
    // Enough calls for several workers: the fixture calls plus 300 generated lines.
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    for f in ["good.jsonl", "zh-pass.txt", "fa-fail.txt"] {
        std::fs::copy(fixture("calls").join(f), corpus.join(f)).unwrap();
    }
    let base = std::fs::read_to_string(fixture("calls/good.jsonl")).unwrap();
    let mut many = String::new();
    for i in 0..100 {
        for (k, l) in base.lines().enumerate() {
            many.push_str(&l.replacen("\"call_id\":\"", &format!("\"call_id\":\"g{i}-{k}-"), 1));
            many.push('\n');
        }
    }
    std::fs::write(corpus.join("many.jsonl"), many).unwrap();
    let run = |threads: usize, format: &str| {
        output(
            callscore()
                .arg("diff")
                .arg(&corpus)
                .arg("--rules")
                .arg(fixture("pack"))
                .arg("--rules-new")
                .arg(&new)
                .args(["--threads", &threads.to_string(), "--format", format]),
        )
    };
    for format in ["text", "json"] {
        let (c1, one, _) = run(1, format);
        let (c4, four, _) = run(4, format);
        assert_eq!((c1, c4), (0, 0));
        assert_eq!(one, four, "{format} report differs between 1 and 4 threads");
    }
    let (_, json, _) = run(3, "json");
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["calls"], 305);
}

#[test]
fn diff_with_a_broken_new_pack_is_fatal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pack.toml"), "[[item]]\nid = \n").unwrap();
    let (code, out, err) = diff(dir.path(), 1, &[]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("error"), "{err}");
}

/// The fixture pack with a name and description on `recording`, and a critical
/// `refund-apology` item added (name and description too) that applies on refund calls.
fn pack_with_refund_apology(dir: &Path) -> PathBuf {
    let s = std::fs::read_to_string(fixture("pack/pack.toml")).unwrap();
    let s = s
        .replace(
            "id = \"recording\"\n",
            "id = \"recording\"\nname = \"Discloses the recording\"\ndescription = \"On voice calls the agent says the call may be recorded.\"\n",
        )
        .replace(
            "[lexicon]",
            "[[item]]\nid = \"refund-apology\"\nname = \"Apologises on refund calls\"\ndescription = \"On a refund call the agent apologises for the trouble.\"\nsection = \"resolution\"\nweight = 5\ncritical = true\napplies_when = { driver = \"billing/refund\" }\nrequire = { any = [\"sorry\", \"抱歉\"], speaker = \"agent\" }\n\n[lexicon]",
        );
    let p = dir.join("apology");
    std::fs::create_dir_all(&p).unwrap();
    std::fs::write(p.join("pack.toml"), s).unwrap();
    p
}

/// An added critical item changes no item that both packs have, yet auto-fails two
/// calls: they count as changed, with their score change, and the added item's results
/// and failing calls are shown.
#[test]
fn diff_counts_score_changes_and_shows_calls_of_an_added_critical_item() {
    let dir = tempfile::tempdir().unwrap();
    let new = pack_with_refund_apology(dir.path());
    let (code, out, err) = diff(&new, 2, &["--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).expect("JSON report");
    // Refund calls: en-pass and zh-pass passed (now auto-failed), en-critical and
    // fa-fail were auto-failed already; chat-na has no refund (n/a).
    assert_eq!(v["calls"], 5);
    assert_eq!(
        v["calls_changed"], 4,
        "every call the added item applied to"
    );
    assert_eq!(
        (v["items_added"].as_u64(), v["items_removed"].as_u64()),
        (Some(1), Some(0))
    );
    let s = &v["scores"];
    assert_eq!(s["calls"], 2);
    assert_eq!((s["up"].as_u64(), s["down"].as_u64()), (Some(0), Some(2)));
    assert_eq!(s["mean_change"], -100.0);
    assert_eq!(s["auto_fail_gained"], 2);
    assert_eq!(s["auto_fail_cleared"], 0);
    let ids = |ex: &Value| -> Vec<String> {
        ex.as_array()
            .unwrap()
            .iter()
            .map(|e| e["call_id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&s["examples"]), ["en-pass", "zh-pass"]);
    assert_eq!(s["examples"][0]["before"], "score 100");
    assert_eq!(
        s["examples"][0]["after"],
        "score 0 (auto-fail); refund-apology added: fail"
    );
    let added = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "refund-apology")
        .unwrap();
    assert_eq!(added["status"], "added");
    assert_eq!(added["name"], "Apologises on refund calls");
    assert_eq!(
        added["results"],
        serde_json::json!({"pass": 0, "fail": 4, "n/a": 1})
    );
    assert_eq!(
        ids(&added["examples"]["→fail"]),
        ["fa-fail", "en-pass", "en-critical"]
    );
    assert_eq!(
        added["examples"]["→fail"][0]["before"],
        "(not in the old pack)"
    );
    assert_eq!(
        added["examples"]["→fail"][0]["after"],
        "required: agent did not say any of \"sorry\", \"抱歉\""
    );
    assert!(added["examples"].get("→n/a").is_none(), "n/a is no example");
    assert_eq!(v["items"][1]["name"], "Discloses the recording");
    assert_eq!(v["teams"]["*"]["auto_fail_gained"], 2);

    let (code, text, _) = diff(&new, 1, &["--examples", "1"]);
    assert_eq!(code, 0);
    for line in [
        "5 calls compared, 4 changed",
        "QA score changed on 2 calls: mean −100.0 (0 up, 2 down); auto-fail: 2 gained, 0 cleared",
        "Items (1 added, 0 removed)",
        "  item              name                        pass→fail  fail→pass    →n/a    n/a→  unchanged",
        "  recording         Discloses the recording             0          0       0       0          5",
        "  refund-apology    Apologises on refund calls  added: pass 0, fail 4, n/a 1",
        "  QA score changed",
        "    en-pass  (tests/fixtures/calls/good.jsonl:1)",
        "      after:  score 0 (auto-fail); refund-apology added: fail",
        "  refund-apology (added) →fail",
        "    fa-fail  (tests/fixtures/calls/fa-fail.txt)",
    ] {
        assert_has_line(&text, line);
    }
}

/// A call without a channel: the voice-only `recording` item is n/a, and explain says
/// it is for lack of metadata, in the item's reason and in a closing line. Names and
/// descriptions of items are shown under them (text) and carried in JSON.
#[test]
fn explain_shows_item_names_and_items_na_for_lack_of_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let rules = pack_with_refund_apology(dir.path());
    let f = dir.path().join("no-channel.txt");
    std::fs::write(
        &f,
        "Agent: Thank you for calling Acme, this call may be recorded.\nCustomer: I want a refund.\nAgent: Sorry about that. It takes 5 business days. Anything else?\n",
    )
    .unwrap();
    let run = |format: &str| {
        output(
            callscore()
                .arg("explain")
                .arg(&f)
                .arg("--rules")
                .arg(&rules)
                .args(["--format", format, "--color", "never"]),
        )
    };
    let (code, out, err) = run("text");
    assert_eq!(code, 0, "{err}");
    for line in [
        "    N-A   recording         w10  critical  n/a: applies only when channel is voice, and this call has no channel; set it in the metadata or with --meta channel=…",
        "          Discloses the recording — On voice calls the agent says the call may be recorded.",
        "    PASS  refund-apology    w5   critical  found: \"Sorry\" (agent, 00:05)",
        "          Apologises on refund calls — On a refund call the agent apologises for the trouble.",
        "n/a for lack of metadata: recording (no channel); set the keys in the call's metadata or with --meta KEY=VALUE",
    ] {
        assert_has_line(&out, line);
    }
    // An item without a name or description of its own gets no extra line.
    let after_greeting = out
        .lines()
        .skip_while(|l| !l.starts_with("    PASS  greeting"))
        .nth(1)
        .unwrap_or_default()
        .to_string();
    assert!(after_greeting.starts_with("  "), "{after_greeting}");
    assert!(
        !after_greeting.starts_with("          "),
        "{after_greeting}"
    );

    let (code, json, _) = run("json");
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&json).unwrap();
    let rec = &v["record"]["qa"]["items"][1];
    assert_eq!(rec["id"], "recording");
    assert_eq!(rec["result"], "n/a");
    assert_eq!(rec["na_missing_meta"], serde_json::json!(["channel"]));
    assert_eq!(
        v["items"][1],
        serde_json::json!({
            "id": "recording",
            "name": "Discloses the recording",
            "description": "On voice calls the agent says the call may be recorded."
        })
    );
    assert_eq!(
        v["items"][0],
        serde_json::json!({"id": "greeting", "name": "greeting"})
    );

    // With the channel given, nothing is n/a for lack of metadata.
    let (_, out, _) = explain(&fixture("calls/good.jsonl"), &["--call", "en-pass"]);
    assert!(!out.contains("lack of metadata"), "{out}");
}

/// A call found in the outputs is explained from `calls.jsonl`: explain follows the
/// record's `source` to the transcript, and says what to do without `--call`.
#[test]
fn explain_follows_an_output_record_to_its_transcript() {
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("out");
    let st = callscore()
        .args(["run", "corpus/native", "--quiet", "--out"])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let calls = out_dir.join("calls.jsonl");
    let from_output = callscore()
        .arg("explain")
        .arg(&calls)
        .args(["--call", "b-1103-en-04", "--color", "never"])
        .output()
        .unwrap();
    assert!(
        from_output.status.success(),
        "{}",
        String::from_utf8_lossy(&from_output.stderr)
    );
    let direct = callscore()
        .args([
            "explain",
            "corpus/native/batch.jsonl",
            "--call",
            "b-1103-en-04",
            "--color",
            "never",
        ])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&from_output.stdout),
        String::from_utf8_lossy(&direct.stdout),
        "the same explanation as from the transcript"
    );
    let no_call = callscore().arg("explain").arg(&calls).output().unwrap();
    assert_eq!(no_call.status.code(), Some(2));
    let err = String::from_utf8_lossy(&no_call.stderr);
    assert!(err.contains("--call ID"), "{err}");
    assert_eq!(
        err.lines().count(),
        1,
        "one message, not one per line: {err}"
    );
}
