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

use super::pack::{CORE_ITEMS, DRIVERS};
use super::script::{GenCall, Res, V};
use super::write::json_str;

/// Append the truth line of `c` (with newline).
pub(crate) fn truth_line(out: &mut Vec<u8>, c: &GenCall) {
    out.extend_from_slice(b"{\"call_id\": ");
    json_str(out, &c.id);
    out.extend_from_slice(b", \"format\": \"");
    out.extend_from_slice(c.format.as_str().as_bytes());
    out.extend_from_slice(b"\", \"language\": \"");
    out.extend_from_slice(c.lang.code().as_bytes());
    out.extend_from_slice(b"\", \"channel\": \"");
    out.extend_from_slice(c.meta.channel.as_bytes());
    out.extend_from_slice(b"\", \"items\": ");
    item_map(out, c, |(res, _)| res.as_str());
    out.extend_from_slice(b", \"drivers\": [");
    for (k, &d) in c.drivers.iter().enumerate() {
        if k > 0 {
            out.extend_from_slice(b", ");
        }
        json_str(out, DRIVERS[d].id);
    }
    out.extend_from_slice(b"], \"primary_driver\": ");
    match c.primary {
        Some(p) => json_str(out, DRIVERS[p].id),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b", \"planted\": ");
    item_map(out, c, |(_, v)| v.name());
    out.extend_from_slice(b"}\n");
}

/// `{"item": "value", ...}` over the core items of `c` (ids and values are plain ASCII
/// identifiers, so they need no escaping).
fn item_map(out: &mut Vec<u8>, c: &GenCall, value: impl Fn(&(Res, V)) -> &'static str) {
    out.push(b'{');
    for (k, (id, item)) in CORE_ITEMS.iter().zip(&c.items).enumerate() {
        if k > 0 {
            out.extend_from_slice(b", ");
        }
        out.push(b'"');
        out.extend_from_slice(id.as_bytes());
        out.extend_from_slice(b"\": \"");
        out.extend_from_slice(value(item).as_bytes());
        out.push(b'"');
    }
    out.push(b'}');
}
