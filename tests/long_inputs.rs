//! Long turns and long calls through the `callscore` binary with the default pack.
//!
//! A single ASR turn of megabytes ("please hold" for an hour) and a call of 100 000
//! turns must be scored like any other call, in time proportional to their size. Both
//! tests finish in a few seconds in a debug build; with the matcher and `near` that
//! compared every hit with every other one they ran for minutes (2 MB took 68 s in a
//! release build). They assert results, never times.

use serde_json::{Value, json};
mod common;
use common::{callscore, read_jsonl, root};

/// Score `call` (a native JSON call) with the default pack; returns its record.
fn score(call: &Value) -> Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("call.json");
    std::fs::write(&input, serde_json::to_vec(call).unwrap()).unwrap();
    let out = dir.path().join("out");
    let run = callscore()
        .arg("run")
        .arg(&input)
        .arg("--rules")
        .arg(root().join("rules"))
        .arg("--out")
        .arg(&out)
        // Every item's evidence is built and written: quoting huge turns is under test.
        .args(["--threads", "1", "--quiet", "--evidence", "all"])
        .output()
        .expect("runs");
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let mut records = read_jsonl(&out.join("calls.jsonl"));
    assert_eq!(records.len(), 1);
    records.pop().unwrap()
}

fn item<'a>(record: &'a Value, id: &str) -> &'a Value {
    record["qa"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no item {id}"))
}

#[test]
fn a_four_megabyte_turn_of_matched_phrases_is_scored() {
    // ~4 MB: "please hold" over and over (every "hold" is a hit of several rules),
    // every 1000th time a request for permission and two negative sentiment terms.
    const ASK: &str = "is that okay, may I put you on hold? I am not happy, it is terrible. ";
    let head = "Thank you for calling Acme, my name is Sam. ";
    let mut text = String::from(head);
    let mut first_ask = None;
    while text.len() < 4_000_000 {
        for _ in 0..999 {
            text.push_str("please hold ");
        }
        first_ask.get_or_insert(text.len());
        text.push_str(ASK);
    }
    text.push_str("Thank you for holding.");
    let first_ask = first_ask.unwrap();
    let call = json!({
        "call_id": "long-turn",
        "metadata": { "channel": "voice", "language": "en" },
        "turns": [
            { "speaker": "customer", "text": "Hi, I was charged twice.", "start": 0, "end": 2 },
            { "speaker": "agent", "text": text, "start": 2, "end": 3600 }
        ]
    });
    let r = score(&call);

    // The first permission request, with the earliest "hold" at most 4 words before
    // it: "hold [please hold please hold] is that okay", two "please hold" back.
    let hp = item(&r, "hold_permission");
    assert_eq!(hp["result"], "pass", "{hp}");
    let ev = hp["evidence"].as_array().unwrap();
    assert_eq!(ev.len(), 2, "{hp}");
    assert_eq!(ev[0]["matched"], "hold");
    assert_eq!(
        ev[0]["start"],
        first_ask - "hold ".len() - 2 * "please hold ".len()
    );
    assert_eq!(ev[1]["matched"], "is that okay");
    assert_eq!(ev[1]["start"], first_ask);
    assert_eq!(ev[1]["turn"], 1);
    // "hold" at the very start of the turn's hits, "thank you for holding" at its end.
    let th = item(&r, "thanks_after_hold");
    assert_eq!(th["result"], "pass", "{th}");
    let ev = th["evidence"].as_array().unwrap();
    assert_eq!(ev[1]["matched"], "Thank you for holding");
    assert_eq!(ev[1]["end"], text.len() - 1);
    // Every 1000th stretch is negative; nothing else carries sentiment.
    let agent = &r["sentiment"]["agent"];
    assert_eq!(agent["turns_with_terms"], 1);
    assert!(agent["overall"].as_f64().unwrap() < -0.9, "{agent}");
    assert_eq!(r["metrics"]["turns"], 2);
}

#[test]
fn a_call_of_a_hundred_thousand_turns_is_scored() {
    // The agent asks ("may I") and holds ("hold") twice in each of 75 000 turns, but
    // always more than 4 words apart: `near` has 150 000 hits on each side and must
    // find the one turn, the very last, where they are close.
    const AGENT: &str = "May I take your number and then hold the line for a while please. \
        May I take your name and then hold the line for a while please.";
    let mut turns: Vec<Value> = (0..99_999u32)
        .map(|i| {
            let (speaker, text) = match i % 4 {
                1 => ("customer", "Okay, I am not happy."),
                _ => ("agent", AGENT),
            };
            let t = f64::from(i) * 2.0;
            json!({ "speaker": speaker, "text": text, "start": t, "end": t + 1.5 })
        })
        .collect();
    turns.push(json!({
        "speaker": "agent",
        "text": "May I put you on hold again?",
        "start": 200_000.0,
        "end": 200_002.0
    }));
    let r = score(&json!({ "call_id": "many-turns", "channel": "voice", "turns": turns }));
    let hp = item(&r, "hold_permission");
    assert_eq!(hp["result"], "pass", "{hp}");
    let ev = hp["evidence"].as_array().unwrap();
    assert_eq!(ev.len(), 2, "{hp}");
    assert!(ev.iter().all(|e| e["turn"] == 99_999), "{hp}");
    assert_eq!(ev[0]["matched"], "May I");
    assert_eq!(ev[1]["matched"], "hold");
    assert_eq!(r["metrics"]["turns"], 100_000);
    assert_eq!(r["metrics"]["customer_turns"], 25_000);
    // "not happy" in every customer turn, negated.
    let customer = &r["sentiment"]["customer"];
    assert_eq!(customer["turns_with_terms"], 25_000);
    assert!(customer["overall"].as_f64().unwrap() < 0.0, "{customer}");
}
