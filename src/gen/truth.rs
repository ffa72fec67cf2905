//! The truth file: one JSON line per generated call with the result every core item
//! must get and the drivers the engine must find, computed from the plan (not by
//! running the engine).
//!
//! ```json
//! {"call_id": "nj-en-0000000", "format": "native_jsonl", "language": "en", "channel": "voice",
//!  "items": {"greeting": "pass", "recording_disclosure": "fail", "hold_thanks": "n/a", ...},
//!  "drivers": ["billing/refund", "tech/slow"], "primary_driver": "billing/refund",
//!  "planted": {"greeting": "pass", "recording_disclosure": "outside_window", ...}}
//! ```
//!
//! `items` lists exactly the core items ([`super::pack::CORE_ITEMS`]); items of the
//! `scale` section (`--phrases`, `--regexes`) are load only and not in the truth.
//! `drivers` are in pack order, like `drivers.matched` in calls.jsonl.

use super::json::{self, MapOf};
use super::pack::{CORE_ITEMS, DRIVERS};
use super::script::{GenCall, Res, V};
use serde::Serialize;
use std::io;

#[derive(Serialize)]
struct TruthLine<'a, I, D, P> {
    call_id: &'a str,
    format: &'static str,
    language: &'static str,
    channel: &'a str,
    items: I,
    drivers: D,
    primary_driver: Option<&'static str>,
    planted: P,
}

/// Append the truth line of `c` (with newline).
pub(crate) fn truth_line(out: &mut Vec<u8>, c: &GenCall) -> io::Result<()> {
    let line = TruthLine {
        call_id: &c.id,
        format: c.format.as_str(),
        language: c.lang.code(),
        channel: c.meta.channel,
        items: item_map(c, |(res, _)| res.as_str()),
        drivers: c.drivers.iter().map(|&d| DRIVERS[d].id).collect::<Vec<_>>(),
        primary_driver: c.primary.map(|p| DRIVERS[p].id),
        planted: item_map(c, |(_, v)| v.name()),
    };
    json::line(out, &line)?;
    out.push(b'\n');
    Ok(())
}

/// `{"item": "value", ...}` over the core items of `c`, in pack order.
fn item_map<'a>(c: &'a GenCall, value: fn(&(Res, V)) -> &'static str) -> impl Serialize + 'a {
    MapOf(move || {
        CORE_ITEMS
            .iter()
            .zip(&c.items)
            .map(move |(id, item)| (*id, value(item)))
    })
}
