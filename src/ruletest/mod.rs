//! Rule tests: the `examples` written beside each item and driver, and whole-call
//! tests in Markdown ([`mdtest`], `rules/tests/*.md`).
//!
//! Each example is one turn (text, speaker, start time) in a call of 600 s; the item's
//! `require`/`forbid` condition (or the driver's `when`) must hold for `expect = "hit"`
//! and must not hold for `expect = "no-hit"`. Drivers are found first, as in a real run,
//! so examples of items that depend on a driver can say what triggers it.

pub mod mdtest;

use crate::matcher::{Scan, scan_call};
use crate::rules::Pack;
use crate::rules::model::{Example, Expect};
use crate::score::eval::EvalCtx;
use crate::transcript::{Call, Format, Metadata, Speaker, Turn};

/// Length of the call an example is placed in, so `last_*` windows mean something.
const EXAMPLE_CALL_MS: u64 = 600_000;

/// The outcome of one example.
#[derive(Debug, Clone)]
pub struct ExampleResult {
    /// `item` or `driver`.
    pub kind: &'static str,
    /// Id of the item or driver.
    pub id: String,
    /// Index of the example in its rule (0-based).
    pub index: usize,
    /// The example.
    pub example: Example,
    /// Whether the condition held.
    pub hit: bool,
}

impl ExampleResult {
    /// True when the outcome is what the example expects.
    pub fn passed(&self) -> bool {
        self.hit == (self.example.expect == Expect::Hit)
    }
}

/// Build the one-turn call of an example.
pub fn example_call(e: &Example, default_speaker: Speaker) -> Call {
    let start = (e.at * 1000.0) as u64;
    let end = (start + crate::transcript::estimated_duration_ms(&e.text))
        .min(EXAMPLE_CALL_MS.max(start + 1));
    let mut turns = vec![Turn {
        speaker: e.speaker.unwrap_or(default_speaker),
        label: None,
        text: e.text.clone(),
        start_ms: Some(start),
        end_ms: Some(end),
        line: None,
    }];
    if end < EXAMPLE_CALL_MS {
        turns.push(Turn {
            speaker: Speaker::Other,
            label: None,
            text: String::new(),
            start_ms: Some(EXAMPLE_CALL_MS),
            end_ms: Some(EXAMPLE_CALL_MS),
            line: None,
        });
    }
    Call {
        call_id: "example".into(),
        source: "example".into(),
        source_line: None,
        format: Format::NativeJson,
        metadata: Metadata {
            channel: Some(e.channel.clone().unwrap_or_else(|| "voice".into())),
            ..Default::default()
        },
        turns,
        times_estimated: false,
    }
}

/// Run every example of every item and driver of the pack.
pub fn run_examples(pack: &Pack) -> Vec<ExampleResult> {
    let mut scan = Scan::new(pack);
    let mut out = Vec::new();
    let eval = |call: &Call, scan: &mut Scan, target: &dyn Fn(&EvalCtx) -> bool| {
        scan_call(pack, call, scan);
        let mut ctx = EvalCtx::new(pack, call, scan);
        ctx.find_drivers();
        target(&ctx)
    };
    for (di, d) in pack.drivers.iter().enumerate() {
        for (i, e) in d.examples.iter().enumerate() {
            let call = example_call(e, Speaker::Customer);
            let hit = eval(&call, &mut scan, &|ctx: &EvalCtx| ctx.drivers[di]);
            out.push(ExampleResult {
                kind: "driver",
                id: d.id.clone(),
                index: i,
                example: e.clone(),
                hit,
            });
        }
    }
    for item in &pack.items {
        for (i, e) in item.examples.iter().enumerate() {
            let call = example_call(e, Speaker::Agent);
            let hit = eval(&call, &mut scan, &|ctx: &EvalCtx| {
                ctx.eval(&item.cond).holds
            });
            out.push(ExampleResult {
                kind: "item",
                id: item.id.clone(),
                index: i,
                example: e.clone(),
                hit,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_pass_and_fail_as_written() {
        let checked = crate::rules::load_pack_str(
            "p.toml",
            r#"
[[item]]
id = "closing"
section = "closing"
require = { any = ["have a nice day"], speaker = "agent", window = { last_seconds = 30 } }
examples = [
  { text = "Have a nice day!", at = 590.0, expect = "hit" },
  { text = "Have a nice day!", at = 0.0, expect = "no-hit" },
  { text = "Have a nice day!", at = 590.0, speaker = "customer", expect = "no-hit" },
  { text = "Have a nice day!", at = 0.0, expect = "hit" },
]
"#,
        );
        let pack = checked.pack.expect("compiles");
        let results = run_examples(&pack);
        let passed: Vec<bool> = results.iter().map(ExampleResult::passed).collect();
        assert_eq!(passed, [true, true, true, false]);
    }
}
