//! Privacy through the binary: card numbers, phone numbers, e-mail addresses and national
//! ids said in calls, or quoted by error messages, are redacted in every output by
//! default (calls.jsonl, calls.csv, errors.jsonl, stderr, explain, diff, the dashboard),
//! and kept with `--no-redact`.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
mod common;
use common::{callscore, fixture, root};

/// Personal data the test calls contain, as written.
const RAW: &[&str] = &[
    "4111 1111 1111 1111",
    "4111 1111 1111 1112",
    "415-555-0199",
    "123-4567",
    "jane.doe@example.com",
    "123-45-6789",
    "11010519491231002X",
    "138 0013 8000",
    "۰۴۹۹۳۷۰۸۹۹",
    "۰۹۱۲ ۳۴۵ ۶۷۸۹",
];

/// Calls in English, Chinese and Persian whose refund requests (a driver of the fixture
/// pack, so they become evidence) carry one kind of personal data each.
const CALLS: &str = r#"{"call_id":"pv-en","metadata":{"agent":"a1","team":"t1","channel":"voice"},"turns":[{"speaker":"agent","text":"Thank you for calling Acme, this call may be recorded.","start":0,"end":4},{"speaker":"customer","text":"I want a refund to card 4111 1111 1111 1111 please.","start":5,"end":8},{"speaker":"customer","text":"For the refund call me on +1 415-555-0199 or (555) 123-4567.","start":9,"end":12},{"speaker":"customer","text":"Send the refund note to jane.doe@example.com today.","start":13,"end":15},{"speaker":"customer","text":"My SSN for the refund is 123-45-6789, it is terrible.","start":16,"end":18},{"speaker":"agent","text":"Your refund takes 5 business days, old card 4111 1111 1111 1112. Anything else?","start":22,"end":25}]}
{"call_id":"pv-zh","metadata":{"agent":"a2","team":"t1","channel":"voice"},"turns":[{"speaker":"agent","text":"感谢致电艾克美，本次通话可能会被录音。","start":0,"end":4},{"speaker":"customer","text":"我要退款，身份证11010519491231002X，电话138 0013 8000。","start":5,"end":9},{"speaker":"agent","text":"退款3个工作日到账。还有其他问题吗？","start":10,"end":13}]}
{"call_id":"pv-fa","metadata":{"agent":"a3","team":"t2","channel":"voice"},"turns":[{"speaker":"agent","text":"با تشکر از تماس شما، این تماس ضبط می شود.","start":0,"end":4},{"speaker":"customer","text":"بازپرداخت لطفا، کد ملی ۰۴۹۹۳۷۰۸۹۹ و شماره ۰۹۱۲ ۳۴۵ ۶۷۸۹ است.","start":5,"end":9},{"speaker":"agent","text":"بازپرداخت ۵ روز کاری طول می کشد. مورد دیگری هست؟","start":10,"end":13}]}
"#;

/// Inputs whose error messages quote what they found: a card number as CSAT, an e-mail
/// address as NPS.
const BAD: &str = r#"{"call_id":"bad-card","metadata":{"csat":"4111 1111 1111 1111"},"turns":[{"speaker":"customer","text":"hi","start":0,"end":1}]}
{"call_id":"bad-mail","metadata":{"nps":"jane.doe@example.com"},"turns":[{"speaker":"customer","text":"hi","start":0,"end":1}]}
"#;

/// Run; returns (exit code, stdout, stderr).
fn output(c: &mut Command) -> (i32, String, String) {
    let o = c.output().expect("runs");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn run(input: &Path, rules: &Path, out: &Path, extra: &[&str]) -> (i32, String, String) {
    output(
        callscore()
            .arg("run")
            .arg(input)
            .arg("--rules")
            .arg(rules)
            .arg("--out")
            .arg(out)
            .arg("--quiet")
            .args(extra),
    )
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// `text` (named `what`) holds none of `raw`.
fn assert_none(what: &str, text: &str, raw: &[&str]) {
    for r in raw {
        assert!(!text.contains(r), "{what} leaks {r:?}:\n{text}");
    }
}

#[test]
fn evidence_in_calls_jsonl_and_csv_is_redacted_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let calls = write(dir.path(), "calls.jsonl", CALLS);
    let out = dir.path().join("out");
    // Every item's evidence is written, so every quote is checked.
    let (code, _, err) = run(&calls, &fixture("pack"), &out, &["--evidence", "all"]);
    assert_eq!(code, 0, "{err}");
    let jsonl = read(&out.join("calls.jsonl"));
    assert_none("calls.jsonl", &jsonl, RAW);
    assert_none("calls.csv", &read(&out.join("calls.csv")), RAW);
    // Each kind, as quoted in some snippet (driver, item, most negative moment).
    for quote in [
        "refund to card [CARD] please.",
        "call me on [PHONE] or [PHONE]",
        "refund note to [EMAIL] today.",
        "the refund is [ID], it is terrible.",
        "old card [NUMBER]. Anything else?",
        "我要退款，身份证[ID]，电话[PHONE]。",
        "کد ملی [ID] و شماره [PHONE]",
    ] {
        assert!(jsonl.contains(quote), "no {quote:?} in:\n{jsonl}");
    }

    let raw_out = dir.path().join("raw");
    let (code, _, err) = run(
        &calls,
        &fixture("pack"),
        &raw_out,
        &["--no-redact", "--evidence", "all"],
    );
    assert_eq!(code, 0, "{err}");
    let jsonl = read(&raw_out.join("calls.jsonl"));
    // (Snippets are not widened over numbers without redaction: some are cut.)
    for r in [
        "4111 1111 1111 1111",
        "jane.doe@example.com",
        "11010519491231002X",
        "123-45-6789",
    ] {
        assert!(jsonl.contains(r), "--no-redact lost {r:?}:\n{jsonl}");
    }
}

#[test]
fn error_messages_quoting_personal_data_are_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "bad.jsonl", BAD);
    let out = dir.path().join("out");
    let (code, _, err) = run(&bad, &fixture("pack"), &out, &[]);
    assert_eq!(code, 3, "{err}");
    let errors = read(&out.join("errors.jsonl"));
    let raw = ["4111 1111 1111 1111", "jane.doe@example.com"];
    assert_none("errors.jsonl", &errors, &raw);
    assert_none("stderr", &err, &raw);
    assert!(
        errors.contains(r#""reason":"metadata.csat: expected a number, got \"[CARD]\"""#),
        "{errors}"
    );
    assert!(errors.contains(r#"got \"[EMAIL]\""#), "{errors}");
    assert!(err.contains("got \"[CARD]\""), "{err}");

    // The same through stdout, and with --no-redact the values are kept.
    let (_, stdout, _) = run(&bad, &fixture("pack"), Path::new("-"), &[]);
    assert_none("--out -", &stdout, &raw);
    let (_, stdout, err) = run(&bad, &fixture("pack"), Path::new("-"), &["--no-redact"]);
    for r in raw {
        assert!(stdout.contains(r) && err.contains(r), "{stdout}\n{err}");
    }
}

#[test]
fn side_metadata_errors_are_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let calls = write(dir.path(), "calls.jsonl", CALLS);
    let meta = write(
        dir.path(),
        "meta.csv",
        "call_id,csat\npv-en,jane.doe@example.com\n",
    );
    let out = dir.path().join("out");
    let args = ["--metadata", meta.to_str().unwrap()];
    let (code, _, err) = run(&calls, &fixture("pack"), &out, &args);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("got \"[EMAIL]\""), "{err}");
    assert_none("stderr", &err, &["jane.doe@example.com"]);
    let (_, _, err) = run(
        &calls,
        &fixture("pack"),
        &out,
        &[args[0], args[1], "--no-redact"],
    );
    assert!(err.contains("jane.doe@example.com"), "{err}");
}

/// A metadata CSV found among the inputs that cannot be loaded is an error record of
/// the run: redacted in errors.jsonl and on stderr like any other.
#[test]
fn found_side_metadata_errors_are_redacted_in_errors_jsonl() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "calls.jsonl", CALLS);
    write(
        dir.path(),
        "meta.csv",
        "call_id,csat\npv-en,+1 415-555-0199\n",
    );
    let out = dir.path().join("out");
    let (code, _, err) = run(dir.path(), &fixture("pack"), &out, &[]);
    assert_eq!(code, 3, "{err}");
    let errors = read(&out.join("errors.jsonl"));
    assert!(errors.contains("got \\\"[PHONE]\\\""), "{errors}");
    assert!(err.contains("got \"[PHONE]\""), "{err}");
    assert_none("errors.jsonl", &errors, &["415-555-0199"]);
    assert_none("stderr", &err, &["415-555-0199"]);
    let (_, _, err) = run(dir.path(), &fixture("pack"), &out, &["--no-redact"]);
    assert!(err.contains("415-555-0199"), "{err}");
    assert!(read(&out.join("errors.jsonl")).contains("415-555-0199"));
}

#[test]
fn explain_and_diff_redact_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let calls = write(dir.path(), "calls.jsonl", CALLS);
    let explain = |extra: &[&str]| {
        output(
            callscore()
                .arg("explain")
                .arg(&calls)
                .arg("--rules")
                .arg(fixture("pack"))
                .args(["--color", "never"])
                .args(extra),
        )
    };
    for format in ["text", "json"] {
        let (code, out, err) = explain(&["--format", format]);
        assert_eq!(code, 0, "{err}");
        assert_none("explain", &out, RAW);
        for token in ["[CARD]", "[PHONE]", "[EMAIL]", "[ID]", "[NUMBER]"] {
            assert!(out.contains(token), "explain --format {format}: no {token}");
        }
    }
    let (_, out, _) = explain(&["--no-redact"]);
    assert!(out.contains("4111 1111 1111 1111"), "{out}");

    // A new pack whose driver matches the card number itself: the diff's example quote
    // of the new driver is redacted.
    let pack = read(&fixture("pack/pack.toml")).replace(
        "[[item]]\nid = \"greeting\"",
        "[[driver]]\nid = \"billing/card\"\ndepartment = \"billing\"\nwhen = { regex = 'card [0-9 ]+', speaker = \"customer\" }\n\n[[item]]\nid = \"greeting\"",
    );
    let new = dir.path().join("new");
    std::fs::create_dir_all(&new).unwrap();
    std::fs::write(new.join("pack.toml"), pack).unwrap();
    let diff = |extra: &[&str]| {
        output(
            callscore()
                .arg("diff")
                .arg(&calls)
                .arg("--rules")
                .arg(fixture("pack"))
                .arg("--rules-new")
                .arg(&new)
                .args(extra),
        )
    };
    for format in ["text", "json"] {
        let (code, out, err) = diff(&["--format", format]);
        assert_eq!(code, 0, "{err}");
        assert!(
            out.contains("card [CARD]"),
            "diff --format {format}:\n{out}"
        );
        assert_none("diff", &out, RAW);
    }
    let (_, out, _) = diff(&["--no-redact"]);
    assert!(out.contains("card 4111 1111 1111 1111"), "{out}");
}

/// Every e-mail address in the sample corpus's transcripts.
fn corpus_emails() -> Vec<String> {
    let re = regex::Regex::new(r"[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+").unwrap();
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(root().join("corpus")) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            out.extend(re.find_iter(&text).map(|m| m.as_str().to_string()));
        }
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn dashboard_and_run_outputs_hold_no_personal_data_of_the_corpus() {
    let emails = corpus_emails();
    assert!(emails.len() >= 5, "the sample corpus has e-mail addresses");
    let dir = tempfile::tempdir().unwrap();
    let extra = dir.path().join("extra");
    std::fs::create_dir_all(&extra).unwrap();
    let calls = write(&extra, "privacy.jsonl", CALLS);
    let out = dir.path().join("out");
    let (code, _, err) = output(
        callscore()
            .arg("run")
            .arg(root().join("corpus"))
            .arg(&calls)
            .args(["--rules", "rules", "--quiet", "--out"])
            .arg(&out),
    );
    assert_eq!(code, 0, "{err}");
    let dash = dir.path().join("dashboard");
    let (code, _, err) = output(callscore().arg("report").arg(&out).arg("--out").arg(&dash));
    assert_eq!(code, 0, "{err}");
    let mut raw: Vec<&str> = RAW.to_vec();
    raw.extend(emails.iter().map(String::as_str));
    let mut files = 0;
    for dir in [&out, &dash] {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            assert_none(&p.display().to_string(), &read(&p), &raw);
            files += 1;
        }
    }
    assert!(files > 10, "{files} files checked");
    // The corpus's addresses were quoted as evidence, redacted.
    assert!(read(&out.join("calls.jsonl")).contains("[EMAIL]"));
}
