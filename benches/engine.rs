//! Criterion benches of the hot stages, on the shipped sample calls (English, Chinese,
//! Persian) and the default rule pack:
//! - `read`: JSON Lines record → `Call` (decode + parse);
//! - `normalize`: every turn of the sample through the normaliser;
//! - `scan`: normalise + one automaton pass + regexes, per call;
//! - `score`: conditions → record, per call (after a scan);
//! - `format`: record → JSON line + CSV row;
//! - `compile`: building a pack of 100 and 10 000 phrases;
//! - `redact`: redaction of every evidence snippet of the sample (most hold no personal
//!   data: the cheap pre-checks' case), and of snippets that each hold a card number,
//!   phone number, e-mail address or national id;
//! - `long_turn`: scan + score of one call whose agent turn is 256 KB, 1 MB or 4 MB of
//!   "please hold" with a permission request and negative words every 1000th time
//!   (every "hold" is a hit of several rules): time per byte must stay flat as the
//!   turn grows (it grew with the turn's size when hits were compared pairwise);
//! - `many_turns`: scan + score of one call of 10 000 and 100 000 short turns.
//!
//! Throughput is in input bytes. End-to-end numbers (with I/O, threads, ripgrep as the
//! baseline) come from `benches/throughput.sh`.

use callscore::input::ReadOptions;
use callscore::input::read::read_record;
use callscore::matcher::{Scan, scan_call};
use callscore::normalize::{Normalized, normalize_into};
use callscore::record::EvidenceLevel;
use callscore::redact::redact;
use callscore::rules::{Pack, load_pack, load_pack_str};
use callscore::score::{ScoreOptions, score_call};
use callscore::sink::Formatter;
use callscore::transcript::{Call, Format, Metadata, Speaker, Turn};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;

/// Scoring as `callscore run` does by default: reasons and quotes only for what the
/// record keeps (`--evidence failed`).
const RUN_DEFAULT: ScoreOptions = ScoreOptions {
    redact: true,
    evidence: EvidenceLevel::Failed,
};

const SAMPLE: &str = include_str!("../corpus/native/batch.jsonl");

fn sample_calls() -> Vec<Call> {
    SAMPLE
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            read_record("batch.jsonl", i as u64 + 1, l, &ReadOptions::default())
                .expect("sample reads")
        })
        .collect()
}

fn default_pack() -> Pack {
    load_pack(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/rules")))
        .expect("rules folder")
        .pack
        .expect("default pack compiles")
}

fn text_bytes(calls: &[Call]) -> u64 {
    calls
        .iter()
        .flat_map(|c| &c.turns)
        .map(|t| t.text.len() as u64)
        .sum()
}

/// A pack of about `n` distinct phrases over a small multilingual vocabulary.
pub fn scaled_pack_toml(n: usize) -> String {
    const WORDS: &[&str] = &[
        "account",
        "balance",
        "router",
        "refund",
        "charge",
        "invoice",
        "delivery",
        "parcel",
        "plan",
        "upgrade",
        "password",
        "address",
        "signal",
        "outage",
        "contract",
        "discount",
        "退款",
        "账单",
        "快递",
        "套餐",
        "密码",
        "信号",
        "宽带",
        "حساب",
        "قبض",
        "بسته",
        "سفارش",
        "اینترنت",
        "رمز",
        "تخفیف",
        "مودم",
    ];
    let mut out = String::new();
    let per_item = 100;
    for item in 0..n.div_ceil(per_item) {
        out.push_str(&format!(
            "[[item]]\nid = \"scale-{item}\"\nsection = \"scale\"\nrequire = {{ any = [\n"
        ));
        for k in 0..per_item.min(n - item * per_item) {
            let i = item * per_item + k;
            let (a, b, c) = (
                WORDS[i % WORDS.len()],
                WORDS[(i / WORDS.len()) % WORDS.len()],
                i / (WORDS.len() * WORDS.len()),
            );
            out.push_str(&format!("  \"{a} {b} {c}\",\n"));
        }
        out.push_str("] }\n");
    }
    out
}

fn benches(c: &mut Criterion) {
    let calls = sample_calls();
    let pack = default_pack();
    let bytes = text_bytes(&calls);

    let mut g = c.benchmark_group("stages");
    g.throughput(Throughput::Bytes(SAMPLE.len() as u64));
    let opts = ReadOptions::default();
    g.bench_function("read", |b| {
        b.iter(|| {
            for (i, l) in SAMPLE.lines().enumerate() {
                black_box(read_record("batch.jsonl", i as u64, l, &opts).ok());
            }
        })
    });
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("normalize", |b| {
        let mut n = Normalized::new();
        b.iter(|| {
            for t in calls.iter().flat_map(|c| &c.turns) {
                normalize_into(&t.text, &mut n);
                black_box(n.text.len());
            }
        })
    });
    g.bench_function("scan", |b| {
        let mut scan = Scan::new(&pack);
        b.iter(|| {
            for call in &calls {
                scan_call(&pack, call, &mut scan);
                black_box(scan.leaf_hits.len());
            }
        })
    });
    g.bench_function("scan+score", |b| {
        let mut scan = Scan::new(&pack);
        b.iter(|| {
            for call in &calls {
                scan_call(&pack, call, &mut scan);
                black_box(score_call(&pack, call, &scan, RUN_DEFAULT));
            }
        })
    });
    let records: Vec<_> = calls
        .iter()
        .map(|call| {
            let mut scan = Scan::new(&pack);
            scan_call(&pack, call, &mut scan);
            score_call(&pack, call, &scan, ScoreOptions::default())
        })
        .collect();
    let formatter = Formatter::new(&pack, "bench", EvidenceLevel::Failed);
    g.bench_function("format", |b| {
        b.iter(|| {
            for r in &records {
                black_box(formatter.record(r));
            }
        })
    });
    g.finish();

    // The snippets as they are before redaction (scored with it off).
    let snippets: Vec<String> = calls
        .iter()
        .flat_map(|call| {
            let mut scan = Scan::new(&pack);
            scan_call(&pack, call, &mut scan);
            let r = score_call(
                &pack,
                call,
                &scan,
                ScoreOptions {
                    redact: false,
                    ..ScoreOptions::default()
                },
            );
            let items = r.qa.items.into_iter().flat_map(|i| i.evidence);
            let drivers = r.drivers.matched.into_iter().flat_map(|d| d.evidence);
            items.chain(drivers).map(|e| e.snippet).collect::<Vec<_>>()
        })
        .collect();
    let personal = [
        "I want a refund to card 4111 1111 1111 1111 please, thanks",
        "For the refund call me on +1 415-555-0199 or (555) 123-4567.",
        "Send the refund note to jane.doe@example.com today, please.",
        "My SSN for the refund is 123-45-6789, it is terrible, really.",
        "我要退款，身份证11010519491231002X，电话138 0013 8000。",
        "بازپرداخت لطفا، کد ملی ۰۴۹۹۳۷۰۸۹۹ و شماره ۰۹۱۲ ۳۴۵ ۶۷۸۹ است.",
        "Your order 12345 ships on 2026-11-05, reference 98765432.",
    ];
    let mut g = c.benchmark_group("redact");
    g.throughput(Throughput::Bytes(
        snippets.iter().map(|s| s.len() as u64).sum(),
    ));
    g.bench_function(format!("sample-{}-snippets", snippets.len()), |b| {
        b.iter(|| {
            for s in &snippets {
                black_box(redact(s));
            }
        })
    });
    g.throughput(Throughput::Bytes(
        personal.iter().map(|s| s.len() as u64).sum(),
    ));
    g.bench_function("personal-7-snippets", |b| {
        b.iter(|| {
            for s in &personal {
                black_box(redact(s));
            }
        })
    });
    g.finish();

    let mut g = c.benchmark_group("compile");
    g.sample_size(10);
    for n in [100usize, 10_000] {
        let toml = scaled_pack_toml(n);
        g.bench_function(format!("{n}-phrases"), |b| {
            b.iter(|| {
                black_box(
                    load_pack_str("scaled.toml", &toml)
                        .pack
                        .expect("compiles")
                        .pattern_count,
                )
            })
        });
    }
    g.finish();
}

/// One agent turn of about `bytes` bytes: "please hold " over and over, every 1000th
/// time a permission request with two negative sentiment terms (what
/// `benches/scaling.sh` writes as JSON, too).
pub fn long_turn_text(bytes: usize) -> String {
    const ASK: &str =
        "i'm sorry, that is not good at all. may i put you on hold? thank you for holding. ";
    let mut text = String::from("Thank you for calling Acme, my name is Sam, how can I help you? ");
    let mut i = 0;
    while text.len() < bytes {
        text.push_str(if i % 1000 == 999 { ASK } else { "please hold " });
        i += 1;
    }
    text.push_str("Thank you for holding. Is there anything else I can help you with?");
    text
}

fn turn(speaker: Speaker, text: &str, start_ms: u64, end_ms: u64) -> Turn {
    Turn {
        speaker,
        label: None,
        text: text.to_string(),
        start_ms: Some(start_ms),
        end_ms: Some(end_ms),
        line: None,
    }
}

fn bench_call(turns: Vec<Turn>) -> Call {
    Call {
        call_id: "bench".into(),
        source: "bench".into(),
        source_line: None,
        format: Format::NativeJson,
        metadata: Metadata::default(),
        turns,
        times_estimated: false,
    }
}

fn scan_and_score(pack: &Pack, call: &Call, scan: &mut Scan) {
    scan_call(pack, call, scan);
    black_box(score_call(pack, call, scan, RUN_DEFAULT));
}

fn scaling(c: &mut Criterion) {
    let pack = default_pack();
    let mut scan = Scan::new(&pack);

    let mut g = c.benchmark_group("long_turn");
    g.sample_size(10);
    for (label, bytes) in [("256KB", 256 << 10), ("1MB", 1 << 20), ("4MB", 4 << 20)] {
        let call = bench_call(vec![
            turn(Speaker::Customer, "Hi, I was charged twice.", 0, 2_000),
            turn(Speaker::Agent, &long_turn_text(bytes), 2_000, 3_600_000),
        ]);
        g.throughput(Throughput::Bytes(text_bytes(std::slice::from_ref(&call))));
        g.bench_function(label, |b| {
            b.iter(|| scan_and_score(&pack, &call, &mut scan))
        });
    }
    g.finish();

    let lines = [
        (
            Speaker::Agent,
            "Thank you for calling Acme, my name is Sam.",
        ),
        (
            Speaker::Customer,
            "I was charged twice for my order, this is terrible.",
        ),
        (
            Speaker::Agent,
            "I'm sorry about that, may I put you on hold?",
        ),
        (Speaker::Customer, "Sure, that's not a problem."),
        (
            Speaker::Agent,
            "Thank you for holding, the refund takes 3-5 business days.",
        ),
        (Speaker::Customer, "OK thanks, please hold on."),
    ];
    let mut g = c.benchmark_group("many_turns");
    g.sample_size(10);
    for n in [10_000u64, 100_000] {
        let call = bench_call(
            (0..n)
                .map(|i| {
                    let (s, t) = lines[i as usize % lines.len()];
                    turn(s, t, i * 2_000, i * 2_000 + 1_500)
                })
                .collect(),
        );
        g.throughput(Throughput::Bytes(text_bytes(std::slice::from_ref(&call))));
        g.bench_function(format!("{n}-turns"), |b| {
            b.iter(|| scan_and_score(&pack, &call, &mut scan))
        });
    }
    g.finish();
}

criterion_group!(engine, benches, scaling);
criterion_main!(engine);
