//! One writer per output format, each producing the layout the real system writes (see
//! `docs/formats.md`), plus the `metadata.csv` sidecar rows and file naming.
//!
//! Writers append to a byte buffer. JSON goes through serde_json (typed documents, laid
//! out by [`super::json`]), CSV through the csv crate (quoting); only the line formats
//! no crate writes (WebVTT, SRT, plain text) are put together here. Times: the real
//! timeline in milliseconds (multiples of 10 ms), written as the format wants it
//! (seconds as JSON numbers, `hh:mm:ss.mmm`, absolute microseconds, wall-clock stamps
//! with second resolution).

use super::json::{self, SeqOf};
use super::script::{GTurn, GenCall};
use super::{GenFormat, Lang};
use crate::transcript::Format;
use serde::Serialize;
use std::io::{self, Write};

/// Milliseconds as seconds (times are multiples of 10 ms, so this reads back exactly).
fn secs(ms: u64) -> f64 {
    ms as f64 / 1000.0
}

/// (year, month, day) of days since 1970-01-01 (proleptic Gregorian).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    (y, m, d)
}

/// Epoch seconds → (y, m, d, hh, mm, ss).
fn parts(epoch_s: i64) -> (i64, u32, u32, i64, i64, i64) {
    let (y, m, d) = civil(epoch_s.div_euclid(86_400));
    let s = epoch_s.rem_euclid(86_400);
    (y, m, d, s / 3600, (s / 60) % 60, s % 60)
}

/// RFC 3339 UTC, e.g. `2026-11-02T10:03:00Z`.
pub(crate) fn iso(epoch_s: i64) -> String {
    let (y, m, d, hh, mm, ss) = parts(epoch_s);
    format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z")
}

fn clock(out: &mut Vec<u8>, ms: u64, sep: char) {
    let _ = write!(
        out,
        "{:02}:{:02}:{:02}{sep}{:03}",
        ms / 3_600_000,
        (ms / 60_000) % 60,
        (ms / 1000) % 60,
        ms % 1000
    );
}

fn lang_code(l: Lang) -> &'static str {
    match l {
        Lang::En => "en-US",
        Lang::Zh => "zh-CN",
        Lang::Fa => "fa-IR",
    }
}

/// Path of a single-call file, relative to the output folder (`j` = index of the call
/// within its format, for sharding into folders of 1000).
pub(crate) fn single_path(c: &GenCall, j: u64) -> String {
    let f = c.format;
    let shard = j / 1000;
    match f {
        Format::ContactLens => {
            let (y, m, d, hh, mm, ss) = parts(c.meta.started);
            format!(
                "{}/{shard:04}/{}_analysis_{y:04}-{m:02}-{d:02}T{hh:02}{mm:02}{ss:02}Z.json",
                f.as_str(),
                c.id
            )
        }
        _ => format!("{}/{shard:04}/{}.{}", f.as_str(), c.id, f.extension()),
    }
}

/// Native metadata object (`schemas/call.schema.json`).
#[derive(Serialize)]
struct NativeMeta<'a> {
    agent: &'a str,
    team: &'a str,
    queue: &'a str,
    channel: &'a str,
    started_at: String,
    customer_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    csat: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nps: Option<u8>,
    human_qa_score: u8,
    self_score: u8,
    language: &'a str,
}

#[derive(Serialize)]
struct NativeTurn<'a> {
    speaker: &'static str,
    text: &'a str,
    start: f64,
    end: f64,
}

#[derive(Serialize)]
struct NativeCall<'a, T> {
    call_id: &'a str,
    metadata: NativeMeta<'a>,
    turns: T,
}

fn native_call(c: &GenCall) -> NativeCall<'_, impl Serialize + '_> {
    let m = &c.meta;
    NativeCall {
        call_id: &c.id,
        metadata: NativeMeta {
            agent: m.agent,
            team: m.team,
            queue: m.queue,
            channel: m.channel,
            started_at: iso(m.started),
            customer_id: &m.customer_id,
            csat: m.csat,
            nps: m.nps,
            human_qa_score: m.human_qa,
            self_score: m.self_score,
            language: c.lang.code(),
        },
        turns: SeqOf(|| {
            c.turns.iter().map(|t| NativeTurn {
                speaker: if t.agent { "agent" } else { "customer" },
                text: &t.text,
                start: secs(t.start_ms),
                end: secs(t.end_ms),
            })
        }),
    }
}

/// One native call object on one line (JSON Lines record, no newline).
pub(crate) fn native_line(out: &mut Vec<u8>, c: &GenCall) -> io::Result<()> {
    json::line(out, &native_call(c))
}

/// A single-call native JSON document (one turn per line).
pub(crate) fn native_json(out: &mut Vec<u8>, c: &GenCall) -> io::Result<()> {
    json::document(out, &native_call(c))
}

fn sentiment_label(t: &GTurn, i: usize) -> &'static str {
    // Coarse, like the service's per-segment labels.
    match (t.agent, i % 5) {
        (true, 0) => "POSITIVE",
        (false, 1) => "NEGATIVE",
        _ => "NEUTRAL",
    }
}

fn segment_id(c: &GenCall, i: usize) -> String {
    let a = super::rng::mix(c.index ^ 0xa115, i as u64);
    format!(
        "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        (a >> 20) & 0xfff,
        (a ^ (a >> 7)) & 0xffff_ffff_ffff
    )
}

fn role(t: &GTurn) -> &'static str {
    if t.agent { "AGENT" } else { "CUSTOMER" }
}

/// `[agent, customer]`-ish loudness pair of turn `i` (the service reports one per second).
fn loudness(i: usize) -> [usize; 2] {
    [70 + (i * 7) % 20, 65 + (i * 11) % 25]
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Gap {
    begin_offset_millis: u64,
    end_offset_millis: u64,
    duration_millis: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct NonTalkTime {
    instances: Vec<Gap>,
    total_time_millis: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Interruptions {
    total_count: u32,
}

/// `ConversationCharacteristics` of both Amazon formats: silences over 3 s and the
/// turns that start before the previous one ended.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Characteristics {
    total_conversation_duration_millis: u64,
    non_talk_time: NonTalkTime,
    interruptions: Interruptions,
}

fn characteristics(c: &GenCall) -> Characteristics {
    let total = c.turns.iter().map(|t| t.end_ms).max().unwrap_or(0);
    let mut gaps = Vec::new();
    let mut interruptions = 0;
    let mut reach = 0u64;
    for t in &c.turns {
        if t.start_ms > reach + 3000 {
            gaps.push(Gap {
                begin_offset_millis: reach,
                end_offset_millis: t.start_ms,
                duration_millis: t.start_ms - reach,
            });
        } else if t.start_ms < reach {
            interruptions += 1;
        }
        reach = reach.max(t.end_ms);
    }
    Characteristics {
        total_conversation_duration_millis: total,
        non_talk_time: NonTalkTime {
            total_time_millis: gaps.iter().map(|g| g.duration_millis).sum(),
            instances: gaps,
        },
        interruptions: Interruptions {
            total_count: interruptions,
        },
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AwsParticipant {
    participant_role: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AwsSegment<'a> {
    id: String,
    participant_role: &'static str,
    content: &'a str,
    begin_offset_millis: u64,
    end_offset_millis: u64,
    sentiment: &'static str,
    loudness_scores: [usize; 2],
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AwsDoc<'a, T> {
    job_name: &'a str,
    job_status: &'static str,
    language_code: &'static str,
    account_id: &'static str,
    channel: &'static str,
    participants: [AwsParticipant; 2],
    conversation_characteristics: Characteristics,
    transcript: T,
}

/// Amazon Transcribe Call Analytics output.
pub(crate) fn aws(out: &mut Vec<u8>, c: &GenCall) -> io::Result<()> {
    let doc = AwsDoc {
        job_name: &c.id,
        job_status: "COMPLETED",
        language_code: lang_code(c.lang),
        account_id: "210987654321",
        channel: "VOICE",
        participants: [
            AwsParticipant {
                participant_role: "AGENT",
            },
            AwsParticipant {
                participant_role: "CUSTOMER",
            },
        ],
        conversation_characteristics: characteristics(c),
        transcript: SeqOf(|| {
            c.turns.iter().enumerate().map(|(i, t)| AwsSegment {
                id: segment_id(c, i),
                participant_role: role(t),
                content: &t.text,
                begin_offset_millis: t.start_ms,
                end_offset_millis: t.end_ms,
                sentiment: sentiment_label(t, i),
                loudness_scores: loudness(i),
            })
        }),
    };
    json::document(out, &doc)
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct LensParticipant {
    participant_id: &'static str,
    participant_role: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ContentMetadata {
    output: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CustomerMetadata<'a> {
    input_s3_uri: String,
    contact_id: &'a str,
    instance_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct LensSegment<'a> {
    begin_offset_millis: u64,
    content: &'a str,
    end_offset_millis: u64,
    id: String,
    participant_id: &'static str,
    sentiment: &'static str,
    loudness_score: [usize; 2],
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct LensDoc<'a, T> {
    version: &'static str,
    account_id: &'static str,
    channel: &'static str,
    content_metadata: ContentMetadata,
    job_status: &'static str,
    language_code: &'static str,
    participants: [LensParticipant; 2],
    customer_metadata: CustomerMetadata<'a>,
    conversation_characteristics: Characteristics,
    transcript: T,
}

/// Amazon Connect Contact Lens output.
pub(crate) fn contact_lens(out: &mut Vec<u8>, c: &GenCall) -> io::Result<()> {
    let doc = LensDoc {
        version: "1.1.0",
        account_id: "210987654321",
        channel: "VOICE",
        content_metadata: ContentMetadata { output: "Raw" },
        job_status: "COMPLETED",
        language_code: lang_code(c.lang),
        participants: [
            LensParticipant {
                participant_id: "CUSTOMER",
                participant_role: "CUSTOMER",
            },
            LensParticipant {
                participant_id: "AGENT",
                participant_role: "AGENT",
            },
        ],
        customer_metadata: CustomerMetadata {
            input_s3_uri: format!("s3://acme-connect-recordings/Analysis/Voice/{}.wav", c.id),
            contact_id: &c.id,
            instance_id: "4f1c2b7e-9d3a-4e0b-8c55-3a1e2d9b7c10",
        },
        conversation_characteristics: characteristics(c),
        transcript: SeqOf(|| {
            c.turns.iter().enumerate().map(|(i, t)| LensSegment {
                begin_offset_millis: t.start_ms,
                content: &t.text,
                end_offset_millis: t.end_ms,
                id: segment_id(c, i),
                participant_id: role(t),
                sentiment: sentiment_label(t, i),
                loudness_score: loudness(i),
            })
        }),
    };
    json::document(out, &doc)
}

#[derive(Serialize)]
struct ConversationInfo<'a> {
    conversation_id: &'a str,
    categories: [&'static str; 0],
}

#[derive(Serialize)]
struct CcaiEntry<'a> {
    start_timestamp_usec: u64,
    text: &'a str,
    role: &'static str,
    user_id: u64,
}

#[derive(Serialize)]
struct CcaiDoc<'a, T> {
    name: String,
    language_code: &'static str,
    conversation_info: ConversationInfo<'a>,
    entries: T,
}

/// Google CCAI Insights conversation (absolute microsecond start times, no ends).
pub(crate) fn ccai(out: &mut Vec<u8>, c: &GenCall) -> io::Result<()> {
    let base_us = c.meta.started as u64 * 1_000_000;
    let cust_id = 500_000 + c.index % 100_000;
    let doc = CcaiDoc {
        name: format!(
            "projects/acme-insights/locations/us-central1/conversations/{}",
            c.id
        ),
        language_code: lang_code(c.lang),
        conversation_info: ConversationInfo {
            conversation_id: &c.id,
            categories: [],
        },
        entries: SeqOf(|| {
            c.turns.iter().map(move |t| CcaiEntry {
                start_timestamp_usec: base_us + t.start_ms * 1000,
                text: &t.text,
                role: if t.agent { "AGENT" } else { "END_USER" },
                user_id: if t.agent { 1302 } else { cust_id },
            })
        }),
    };
    json::document(out, &doc)
}

#[derive(Serialize)]
struct WhisperSegment {
    id: usize,
    seek: u64,
    start: f64,
    end: f64,
    text: String,
    tokens: [u32; 0],
    temperature: f64,
    avg_logprob: f64,
    compression_ratio: f64,
    no_speech_prob: f64,
    speaker: &'static str,
}

#[derive(Serialize)]
struct WhisperDoc<T> {
    text: String,
    segments: T,
    language: &'static str,
}

/// Whisper / WhisperX JSON: `SPEAKER_00` is the agent (who speaks first).
pub(crate) fn whisper(out: &mut Vec<u8>, c: &GenCall) -> io::Result<()> {
    let lead = if c.lang == Lang::Zh { "" } else { " " };
    let doc = WhisperDoc {
        text: c
            .turns
            .iter()
            .map(|t| format!("{lead}{}", t.text))
            .collect(),
        segments: SeqOf(|| {
            c.turns.iter().enumerate().map(|(i, t)| WhisperSegment {
                id: i,
                seek: (t.start_ms / 30_000) * 3000,
                start: secs(t.start_ms),
                end: secs(t.end_ms),
                text: format!("{lead}{}", t.text),
                tokens: [],
                temperature: 0.0,
                avg_logprob: -((12 + i % 30) as f64) / 100.0,
                compression_ratio: (130 + i % 50) as f64 / 100.0,
                no_speech_prob: (1 + i % 9) as f64 / 100.0,
                speaker: if t.agent { "SPEAKER_00" } else { "SPEAKER_01" },
            })
        }),
        language: c.lang.code(),
    };
    json::document(out, &doc)
}

fn html_escape(out: &mut Vec<u8>, s: &str) {
    for ch in s.chars() {
        match ch {
            '&' => out.extend_from_slice(b"&amp;"),
            '<' => out.extend_from_slice(b"&lt;"),
            '>' => out.extend_from_slice(b"&gt;"),
            c => {
                let mut b = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
            }
        }
    }
}

/// WebVTT with `<v Agent>` / `<v Customer>` voice tags.
pub(crate) fn webvtt(out: &mut Vec<u8>, c: &GenCall) {
    let _ = write!(
        out,
        "WEBVTT\nKind: captions\nLanguage: {}\n\n",
        c.lang.code()
    );
    for (i, t) in c.turns.iter().enumerate() {
        let _ = writeln!(out, "{}", i + 1);
        clock(out, t.start_ms, '.');
        out.extend_from_slice(b" --> ");
        clock(out, t.end_ms, '.');
        out.extend_from_slice(if t.agent {
            b"\n<v Agent>"
        } else {
            b"\n<v Customer>"
        });
        html_escape(out, &t.text);
        out.extend_from_slice(b"</v>\n\n");
    }
}

/// Speaker label and separator as written in subtitles and plain text.
fn label(l: Lang, agent: bool) -> &'static str {
    match (l, agent) {
        (Lang::En, true) => "Agent: ",
        (Lang::En, false) => "Customer: ",
        (Lang::Zh, true) => "坐席：",
        (Lang::Zh, false) => "客户：",
        (Lang::Fa, true) => "کارشناس: ",
        (Lang::Fa, false) => "مشتری: ",
    }
}

/// SubRip with `Agent:` / `坐席：` / `کارشناس:` prefixes.
pub(crate) fn srt(out: &mut Vec<u8>, c: &GenCall) {
    for (i, t) in c.turns.iter().enumerate() {
        let _ = writeln!(out, "{}", i + 1);
        clock(out, t.start_ms, ',');
        out.extend_from_slice(b" --> ");
        clock(out, t.end_ms, ',');
        out.push(b'\n');
        out.extend_from_slice(label(c.lang, t.agent).as_bytes());
        out.extend_from_slice(t.text.as_bytes());
        out.extend_from_slice(b"\n\n");
    }
}

/// Plain text, one `Label: text` line per turn; chats and half of the others carry
/// dated wall-clock stamps `[2026-11-02 10:02:13]`.
pub(crate) fn plain(out: &mut Vec<u8>, c: &GenCall) {
    for t in &c.turns {
        if c.stamped {
            let (y, m, d, hh, mm, ss) = parts(c.meta.started + (t.start_ms / 1000) as i64);
            let _ = write!(out, "[{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02}] ");
        }
        out.extend_from_slice(label(c.lang, t.agent).as_bytes());
        out.extend_from_slice(t.text.as_bytes());
        out.push(b'\n');
    }
}

/// Rows written with the csv crate into `out` (no header: callers write it once per file).
fn csv_rows(
    out: &mut Vec<u8>,
    rows: impl FnOnce(&mut csv::Writer<&mut Vec<u8>>) -> csv::Result<()>,
) -> io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .buffer_capacity(4096)
        .from_writer(out);
    rows(&mut w)?;
    w.flush()
}

/// Columns of a chat CSV export.
const CHAT_CSV_COLUMNS: [&str; 4] = ["conversation_id", "timestamp", "sender", "message"];

/// Header line of a chat CSV export.
pub(crate) fn chat_csv_header(out: &mut Vec<u8>) -> io::Result<()> {
    csv_rows(out, |w| w.write_record(CHAT_CSV_COLUMNS))
}

/// Rows of one conversation in a chat CSV export.
pub(crate) fn chat_csv_rows(out: &mut Vec<u8>, c: &GenCall) -> io::Result<()> {
    csv_rows(out, |w| {
        for t in &c.turns {
            let at = iso(c.meta.started + (t.start_ms / 1000) as i64);
            let sender = if t.agent { "agent" } else { "customer" };
            w.write_record([c.id.as_str(), &at, sender, &t.text])?;
        }
        Ok(())
    })
}

/// Columns of the `metadata.csv` sidecar (the metadata keys of `docs/formats.md`).
const METADATA_COLUMNS: [&str; 12] = [
    "call_id",
    "agent",
    "team",
    "queue",
    "channel",
    "started_at",
    "customer_id",
    "csat",
    "nps",
    "human_qa_score",
    "self_score",
    "language",
];

/// Header line of the `metadata.csv` sidecar.
pub(crate) fn metadata_header(out: &mut Vec<u8>) -> io::Result<()> {
    csv_rows(out, |w| w.write_record(METADATA_COLUMNS))
}

/// One sidecar row (an empty field where the call has no CSAT / NPS).
pub(crate) fn metadata_row(out: &mut Vec<u8>, c: &GenCall) -> io::Result<()> {
    let m = &c.meta;
    let opt = |v: Option<u8>| v.map(|v| v.to_string()).unwrap_or_default();
    let row: [String; 12] = [
        c.id.clone(),
        m.agent.into(),
        m.team.into(),
        m.queue.into(),
        m.channel.into(),
        iso(m.started),
        m.customer_id.clone(),
        opt(m.csat),
        opt(m.nps),
        m.human_qa.to_string(),
        m.self_score.to_string(),
        c.lang.code().into(),
    ];
    csv_rows(out, |w| w.write_record(&row))
}

#[cfg(test)]
mod tests;
