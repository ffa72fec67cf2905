//! callscore's own format (`schemas/call.schema.json`): a JSON document with one
//! call, an array of calls or `{"calls": [...]}`, and JSON Lines with one call per
//! line. It is the format to convert anything else into, so it is forgiving where
//! exporters differ (metadata at the top level or under `metadata`, times in
//! seconds `start`/`end` or milliseconds `start_ms`/`end_ms`, speakers as roles or
//! labels) and strict where a mistake would silently change scores (a missing
//! `turns`, a non-numeric score or time is an error, not a default).

use crate::input::common::meta::{self, Key};
use crate::input::common::speakers::Resolver;
use crate::input::common::timefmt::{json_f64, secs_to_ms};
use crate::input::common::{Ctx, ReadError, finish};
use crate::transcript::{Call, Format, Speaker, Turn};
use serde_json::{Map, Value};

/// Read a whole native JSON document (already parsed).
pub(crate) fn read_json(ctx: &Ctx, v: &Value) -> Vec<Result<Call, ReadError>> {
    let list = match v {
        Value::Array(a) => a,
        Value::Object(o) => match o.get("calls") {
            Some(Value::Array(a)) if !o.contains_key("turns") => a,
            _ => return vec![read_call(ctx, v, None, None, Format::NativeJson)],
        },
        _ => {
            return vec![Err(ctx.err(format!(
                "expected a JSON object (one call) or an array of calls, found {}",
                type_name(v)
            )))];
        }
    };
    if list.is_empty() {
        return vec![Err(ctx.err("no calls: the list of calls is empty"))];
    }
    list.iter()
        .enumerate()
        .map(|(i, c)| {
            let fallback = format!("{}#{}", ctx.stem, i + 1);
            read_call(ctx, c, Some(fallback), None, Format::NativeJson).map_err(|mut e| {
                e.reason = format!("call {}: {}", i + 1, e.reason);
                e
            })
        })
        .collect()
}

/// The fast path for JSON Lines records in the canonical shape (what `callscore gen`,
/// our own converters and most exporters write): deserialised straight into borrowed
/// structs instead of a `serde_json::Value` tree, which measured about 3x fewer
/// instructions per record. Anything else (flattened metadata, extra keys, speaker
/// labels, numbers as strings, malformed JSON) returns `None` and goes through the
/// general reader above, which also produces every error message — so both paths give
/// the same `Call` for the records the fast path accepts (tested on the sample corpus).
pub(crate) mod fast {
    use crate::input::common::meta::{self, Key};
    use crate::input::common::timefmt::secs_to_ms;
    use crate::input::common::{ReadError, finish, stem_of};
    use crate::transcript::{Call, Format, Metadata, Speaker, Turn};
    use serde::Deserialize;
    use std::borrow::Cow;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct FastCall<'a> {
        #[serde(borrow, default)]
        call_id: Option<Cow<'a, str>>,
        #[serde(borrow, default)]
        metadata: Option<FastMeta<'a>>,
        #[serde(borrow)]
        turns: Vec<FastTurn<'a>>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct FastMeta<'a> {
        #[serde(borrow, default)]
        agent: Option<Cow<'a, str>>,
        #[serde(borrow, default)]
        team: Option<Cow<'a, str>>,
        #[serde(borrow, default)]
        queue: Option<Cow<'a, str>>,
        #[serde(borrow, default)]
        channel: Option<Cow<'a, str>>,
        #[serde(borrow, default)]
        started_at: Option<Cow<'a, str>>,
        #[serde(borrow, default)]
        customer_id: Option<Cow<'a, str>>,
        #[serde(borrow, default)]
        language: Option<Cow<'a, str>>,
        #[serde(default)]
        csat: Option<f64>,
        #[serde(default)]
        nps: Option<f64>,
        #[serde(default)]
        human_qa_score: Option<f64>,
        #[serde(default)]
        self_score: Option<f64>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct FastTurn<'a> {
        #[serde(borrow)]
        speaker: Cow<'a, str>,
        #[serde(borrow)]
        text: Cow<'a, str>,
        #[serde(default)]
        start: Option<f64>,
        #[serde(default)]
        end: Option<f64>,
        #[serde(default)]
        start_ms: Option<f64>,
        #[serde(default)]
        end_ms: Option<f64>,
    }

    fn time(secs: Option<f64>, ms: Option<f64>) -> Result<Option<u64>, ()> {
        match (ms, secs) {
            (Some(ms), _) => secs_to_ms(ms / 1000.0).map(Some).ok_or(()),
            (None, Some(s)) => secs_to_ms(s).map(Some).ok_or(()),
            (None, None) => Ok(None),
        }
    }

    fn apply_meta(m: &mut Metadata, f: &FastMeta) -> Option<()> {
        let texts = [
            (Key::Agent, &f.agent),
            (Key::Team, &f.team),
            (Key::Queue, &f.queue),
            (Key::Channel, &f.channel),
            (Key::StartedAt, &f.started_at),
            (Key::CustomerId, &f.customer_id),
            (Key::Language, &f.language),
        ];
        for (key, v) in texts {
            if let Some(v) = v {
                meta::set(m, key, v).ok()?;
            }
        }
        for (slot, v) in [
            (&mut m.csat, f.csat),
            (&mut m.nps, f.nps),
            (&mut m.human_qa_score, f.human_qa_score),
            (&mut m.self_score, f.self_score),
        ] {
            if let Some(v) = v {
                if !v.is_finite() {
                    return None;
                }
                *slot = Some(v);
            }
        }
        Some(())
    }

    /// `None`: not in the canonical shape; use the general reader.
    pub(crate) fn read_line(
        source: &str,
        line_no: u64,
        line: &str,
    ) -> Option<Result<Call, ReadError>> {
        let f: FastCall = serde_json::from_str(line).ok()?;
        if f.turns.is_empty() {
            return None;
        }
        let line_u32 = Some(u32::try_from(line_no).unwrap_or(u32::MAX));
        let mut turns = Vec::with_capacity(f.turns.len());
        for t in &f.turns {
            let speaker = match t.speaker.trim() {
                "agent" => Speaker::Agent,
                "customer" => Speaker::Customer,
                "other" => Speaker::Other,
                _ => return None,
            };
            turns.push(Turn {
                speaker,
                label: None,
                text: t.text.clone().into_owned(),
                start_ms: time(t.start, t.start_ms).ok()?,
                end_ms: time(t.end, t.end_ms).ok()?,
                line: line_u32,
            });
        }
        let mut metadata = Metadata::default();
        if let Some(m) = &f.metadata {
            apply_meta(&mut metadata, m)?;
        }
        let call_id = f
            .call_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map_or_else(
                // Same fallback id as the general reader: only built when needed.
                || format!("{}#{line_no}", stem_of(std::path::Path::new(source))),
                str::to_string,
            );
        let call = Call {
            call_id,
            source: source.to_string(),
            source_line: Some(line_no),
            format: Format::NativeJsonl,
            metadata,
            turns,
            times_estimated: false,
        };
        Some(finish(call, source).map_err(|e| e.at_line(line_no)))
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The error for a call that is not a JSON object.
pub(crate) fn not_an_object(ctx: &Ctx, v: &Value) -> ReadError {
    ctx.err(format!(
        "expected a JSON object for a call, found {}",
        type_name(v)
    ))
    .with_hint("see schemas/call.schema.json")
}

/// One call object. `fallback_id` replaces the stem when the call has no id;
/// `line` (JSON Lines) goes into `source_line` and each turn's `line`.
pub(crate) fn read_call(
    ctx: &Ctx,
    v: &Value,
    fallback_id: Option<String>,
    line: Option<u64>,
    format: Format,
) -> Result<Call, ReadError> {
    let Value::Object(obj) = v else {
        return Err(not_an_object(ctx, v));
    };
    let mut call_id = obj.get("call_id").and_then(meta::scalar_text);
    let mut call = ctx.call(None, format);
    call.source_line = line;
    // Flattened metadata first, then the `metadata` object (which wins).
    let mut md_err = None;
    for (k, val) in obj {
        if matches!(k.as_str(), "call_id" | "metadata" | "turns") {
            continue;
        }
        if let (Some(key), Some(text)) = (meta::key_of(k), meta::scalar_text(val)) {
            if key == Key::CallId {
                call_id = call_id.or(Some(text));
            } else if let Err(e) = meta::set(&mut call.metadata, key, &text) {
                md_err.get_or_insert(format!("{k}: {e}"));
            }
        }
    }
    match obj.get("metadata") {
        Some(Value::Object(m)) => read_metadata(&mut call, m, &mut call_id, &mut md_err),
        None | Some(Value::Null) => {}
        Some(other) => {
            md_err.get_or_insert(format!(
                "\"metadata\" must be an object, found {}",
                type_name(other)
            ));
        }
    }
    call.call_id = call_id
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .or(fallback_id)
        .unwrap_or_else(|| ctx.stem.clone());
    let id = call.call_id.clone();
    let err = |reason: String| {
        ctx.err(reason)
            .with_call(&id)
            .with_hint("see schemas/call.schema.json for the native format")
    };
    if let Some(e) = md_err {
        return Err(err(e));
    }
    let turns = match obj.get("turns") {
        Some(Value::Array(t)) => t,
        Some(other) => {
            return Err(err(format!(
                "\"turns\" must be an array, found {}",
                type_name(other)
            )));
        }
        None => return Err(err("missing field \"turns\"".into())),
    };
    if turns.is_empty() {
        return Err(err("empty call: no turns".into()));
    }
    // First pass: speakers, for the unknown-label rule.
    let mut speakers = Vec::with_capacity(turns.len());
    for (i, t) in turns.iter().enumerate() {
        let Value::Object(t) = t else {
            return Err(err(format!(
                "turn {}: expected an object, found {}",
                i + 1,
                type_name(t)
            )));
        };
        match t.get("speaker").or_else(|| t.get("role")) {
            Some(Value::String(s)) => speakers.push(s.as_str()),
            Some(other) => {
                return Err(err(format!(
                    "turn {}: \"speaker\" must be a string, found {}",
                    i + 1,
                    type_name(other)
                )));
            }
            None => return Err(err(format!("turn {}: missing field \"speaker\"", i + 1))),
        }
    }
    let resolver = Resolver::new(&ctx.opts.speaker_map, speakers.iter().copied());
    let line_u32 = line.map(|l| u32::try_from(l).unwrap_or(u32::MAX));
    for (i, (t, spk)) in turns.iter().zip(&speakers).enumerate() {
        let Value::Object(t) = t else { continue };
        let n = i + 1;
        let text = match t.get("text") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) => String::new(),
            Some(other) => {
                return Err(err(format!(
                    "turn {n}: \"text\" must be a string, found {}",
                    type_name(other)
                )));
            }
            None => return Err(err(format!("turn {n}: missing field \"text\""))),
        };
        let start =
            time_field(t, "start", "start_ms").map_err(|e| err(format!("turn {n}: {e}")))?;
        let end = time_field(t, "end", "end_ms").map_err(|e| err(format!("turn {n}: {e}")))?;
        let speaker = match spk.trim() {
            "agent" => Speaker::Agent,
            "customer" => Speaker::Customer,
            "other" => Speaker::Other,
            s => resolver.get(s),
        };
        let label = match t.get("label") {
            Some(Value::String(l)) if !l.trim().is_empty() => Some(l.clone()),
            _ if !matches!(spk.trim(), "agent" | "customer" | "other") => {
                Some(spk.trim().to_string())
            }
            _ => None,
        };
        call.turns.push(Turn {
            speaker,
            label,
            text,
            start_ms: start,
            end_ms: end,
            line: line_u32,
        });
    }
    finish(call, ctx.source)
}

fn read_metadata(
    call: &mut Call,
    m: &Map<String, Value>,
    call_id: &mut Option<String>,
    md_err: &mut Option<String>,
) {
    for (k, val) in m {
        let Some(text) = meta::scalar_text(val) else {
            continue;
        };
        match meta::key_of(k) {
            Some(Key::CallId) => {
                if call_id.is_none() {
                    *call_id = Some(text);
                }
            }
            Some(key) => {
                if let Err(e) = meta::set(&mut call.metadata, key, &text) {
                    md_err.get_or_insert(format!("metadata.{k}: {e}"));
                }
            }
            None => {
                call.metadata.extra.insert(k.clone(), text);
            }
        }
    }
}

/// `secs` (seconds, float) or `ms` (milliseconds) of a turn; `ms` wins.
fn time_field(t: &Map<String, Value>, secs: &str, ms: &str) -> Result<Option<u64>, String> {
    if let Some(v) = t.get(ms).filter(|v| !v.is_null()) {
        return json_f64(v)
            .and_then(|f| secs_to_ms(f / 1000.0))
            .map(Some)
            .ok_or_else(|| format!("\"{ms}\" must be a non-negative number of milliseconds"));
    }
    if let Some(v) = t.get(secs).filter(|v| !v.is_null()) {
        return json_f64(v)
            .and_then(secs_to_ms)
            .map(Some)
            .ok_or_else(|| format!("\"{secs}\" must be a non-negative number of seconds"));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::input::ReadOptions;
    use crate::input::read::read_record;

    fn read_line(source: &str, line_no: u64, line: &str) -> Result<Call, ReadError> {
        read_record(source, line_no, line, &ReadOptions::default())
    }

    /// The general JSON Lines reader (what `read_record` does when the fast path declines).
    fn read_line_general(ctx: &Ctx, line_no: u64, line: &str) -> Result<Call, ReadError> {
        let v: Value = serde_json::from_str(line).unwrap();
        let ctx = Ctx {
            source: ctx.source,
            stem: format!("{}#{line_no}", ctx.stem),
            opts: ctx.opts,
        };
        read_call(&ctx, &v, None, Some(line_no), Format::NativeJsonl)
    }

    /// The fast path gives exactly the general reader's call on every record it takes.
    #[test]
    fn fast_path_equals_general_reader() {
        let root = env!("CARGO_MANIFEST_DIR");
        let mut taken = 0;
        for file in [
            "corpus/native/batch.jsonl",
            "tests/fixtures/calls/good.jsonl",
            "tests/fixtures/bad/one_bad_line.jsonl",
        ] {
            let text = std::fs::read_to_string(format!("{root}/{file}")).unwrap();
            let opts = ReadOptions::default();
            let ctx = Ctx {
                source: file,
                stem: crate::input::common::stem_of(std::path::Path::new(file)),
                opts: &opts,
            };
            for (i, line) in text.lines().enumerate() {
                let n = i as u64 + 1;
                if line.trim().is_empty() {
                    continue;
                }
                if let Some(fast) = fast::read_line(file, n, line) {
                    assert_eq!(fast, read_line_general(&ctx, n, line), "{file}:{n}");
                    taken += 1;
                }
            }
        }
        assert!(taken >= 12, "the fast path took only {taken} records");
        // Shapes the fast path leaves to the general reader.
        for line in [
            r#"{"call_id":"a","agent":"x","turns":[{"speaker":"agent","text":"hi"}]}"#,
            r#"{"call_id":"a","turns":[{"speaker":"Agent","text":"hi"}]}"#,
            r#"{"call_id":"a","turns":[{"speaker":"agent","text":"hi","start":"1.5"}]}"#,
            r#"{"call_id":"a","metadata":{"region":"EMEA"},"turns":[{"speaker":"agent","text":"hi"}]}"#,
            r#"{"call_id":7,"turns":[{"speaker":"agent","text":"hi"}]}"#,
        ] {
            assert!(fast::read_line("s", 1, line).is_none(), "{line}");
            assert!(read_line("s", 1, line).is_ok(), "{line}");
        }
    }
    use crate::input::tests::{fixture, read_fixture};

    #[test]
    fn english_fixture() {
        let (calls, errs) = read_fixture("native/call_en.json");
        assert!(errs.is_empty(), "{errs:?}");
        let c = &calls[0];
        assert_eq!(c.call_id, "C-1001");
        assert_eq!(c.format, Format::NativeJson);
        assert_eq!(c.source, fixture("native/call_en.json"));
        assert_eq!(c.metadata.agent.as_deref(), Some("a.sarah"));
        assert_eq!(c.metadata.team.as_deref(), Some("billing-2"));
        assert_eq!(c.metadata.channel.as_deref(), Some("voice"));
        assert_eq!(c.metadata.csat, Some(4.0));
        assert_eq!(c.metadata.human_qa_score, Some(82.5));
        assert_eq!(
            c.metadata.extra.get("region").map(String::as_str),
            Some("EMEA")
        );
        assert_eq!(c.turns.len(), 3, "empty turn dropped");
        let t: Vec<_> = c
            .turns
            .iter()
            .map(|t| (t.speaker, t.start_ms, t.end_ms))
            .collect();
        assert_eq!(
            t,
            vec![
                (Speaker::Agent, Some(0), Some(3200)),
                (Speaker::Customer, Some(3500), Some(7250)),
                (Speaker::Agent, Some(7600), Some(9000)),
            ]
        );
        assert_eq!(c.turns[1].label.as_deref(), Some("Customer"));
        assert_eq!(c.turns[0].label, None);
        assert!(!c.times_estimated);
    }

    #[test]
    fn flattened_chinese_ms_times() {
        let (calls, errs) = read_fixture("native/call_zh_flat.json");
        assert!(errs.is_empty(), "{errs:?}");
        let c = &calls[0];
        assert_eq!(c.call_id, "ZH-88");
        assert_eq!(c.metadata.agent.as_deref(), Some("工号1024"));
        assert_eq!(c.metadata.language.as_deref(), Some("zh"));
        assert_eq!(c.metadata.nps, Some(9.0));
        assert_eq!(c.turns[0].speaker, Speaker::Agent);
        assert_eq!(c.turns[0].label.as_deref(), Some("坐席"));
        assert_eq!(c.turns[1].speaker, Speaker::Customer);
        assert_eq!(c.turns[1].start_ms, Some(4100));
        assert_eq!(c.turns[1].text, "我的快递三天了还没到。");
    }

    #[test]
    fn array_of_calls_persian_and_ids() {
        let (calls, errs) = read_fixture("native/calls_fa_array.json");
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].call_id, "FA-1");
        assert_eq!(calls[1].call_id, "calls_fa_array#2");
        assert_eq!(calls[0].turns[0].speaker, Speaker::Agent);
        assert_eq!(calls[0].turns[1].speaker, Speaker::Customer);
        assert!(calls[1].times_estimated, "no times → estimated");
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].reason, "call 3: missing field \"turns\"");
        assert_eq!(errs[0].call_id.as_deref(), Some("FA-3"));
    }

    #[test]
    fn jsonl_lines_and_errors() {
        let (calls, errs) = read_fixture("native/calls.jsonl");
        let ids: Vec<_> = calls.iter().map(|c| c.call_id.as_str()).collect();
        assert_eq!(ids, ["J-1", "calls#3"]);
        assert_eq!(calls[1].source_line, Some(3));
        assert_eq!(calls[1].turns[0].line, Some(3));
        assert_eq!(calls[0].format, Format::NativeJsonl);
        let got: Vec<_> = errs.iter().map(|e| (e.line, e.reason.as_str())).collect();
        assert_eq!(
            got,
            vec![
                (Some(4), "invalid JSON at column 17: expected `,` or `}`"),
                (Some(5), "missing field \"turns\""),
                (Some(6), "empty call: no turns"),
            ]
        );
    }

    #[test]
    fn read_native_line_errors() {
        let e = read_line("x.jsonl", 7, r#"{"call_id": "a" "turns": []}"#).unwrap_err();
        assert_eq!(e.line, Some(7));
        assert_eq!(e.reason, "invalid JSON at column 17: expected `,` or `}`");
        let e = read_line(
            "x.jsonl",
            1,
            r#"{"call_id":"a","turns":[{"speaker":"agent","text":"hi","start":-1}]}"#,
        )
        .unwrap_err();
        assert_eq!(
            e.reason,
            "turn 1: \"start\" must be a non-negative number of seconds"
        );
        let e =
            read_line("x.jsonl", 1, r#"{"call_id":"a","csat":"great","turns":[]}"#).unwrap_err();
        assert_eq!(e.reason, "csat: expected a number, got \"great\"");
        let e = read_line("x.jsonl", 1, r#"{"turns":[{"text":"hi"}]}"#).unwrap_err();
        assert_eq!(e.reason, "turn 1: missing field \"speaker\"");
        assert_eq!(e.call_id.as_deref(), Some("x#1"));
        let e = read_line("x.jsonl", 2, "[1,2]").unwrap_err();
        assert_eq!(
            e.reason,
            "expected a JSON object for a call, found an array"
        );
    }

    #[test]
    fn calls_wrapper() {
        let opts = ReadOptions::default();
        let ctx = Ctx {
            source: "s.json",
            stem: "s".into(),
            opts: &opts,
        };
        let v: Value = serde_json::from_str(
            r#"{"calls":[{"turns":[{"speaker":"Agent","text":"hi"}]},{"turns":[{"speaker":"Caller","text":"yo","start_ms":10}]}]}"#,
        )
        .unwrap();
        let r = read_json(&ctx, &v);
        let ids: Vec<_> = r
            .iter()
            .map(|c| c.as_ref().unwrap().call_id.clone())
            .collect();
        assert_eq!(ids, ["s#1", "s#2"]);
        let c2 = r[1].as_ref().unwrap();
        assert_eq!(c2.turns[0].speaker, Speaker::Customer);
        assert_eq!(c2.turns[0].start_ms, Some(10));
    }

    #[test]
    fn schema_example_is_readable() {
        let path = format!("{}/schemas/call.schema.json", env!("CARGO_MANIFEST_DIR"));
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let opts = ReadOptions::default();
        let ctx = Ctx {
            source: "schema",
            stem: "schema".into(),
            opts: &opts,
        };
        let r = read_json(&ctx, &schema["examples"][0]);
        let c = r[0].as_ref().unwrap();
        assert_eq!(c.call_id, "C-1001");
        assert_eq!(c.turns.len(), 3);
        assert_eq!(
            c.metadata.extra.get("region").map(String::as_str),
            Some("EMEA")
        );
    }
}
