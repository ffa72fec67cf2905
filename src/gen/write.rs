//! One writer per output format, each producing the layout the real system writes (see
//! `docs/formats.md`), plus the `metadata.csv` sidecar rows and file naming.
//!
//! Writers append to a byte buffer; nothing is formatted twice. Times: the real
//! timeline in milliseconds (multiples of 10 ms), written as the format wants it
//! (seconds with two decimals, `hh:mm:ss.mmm`, absolute microseconds, wall-clock
//! stamps with second resolution).

use super::script::{GTurn, GenCall};
use super::{GenFormat, Lang};
use crate::transcript::Format;
use std::io::Write;

/// JSON string literal (with quotes).
pub(crate) fn json_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut from = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f => {
                out.extend_from_slice(&bytes[from..i]);
                let _ = write!(out, "\\u{:04x}", b);
                from = i + 1;
                continue;
            }
            _ => continue,
        };
        out.extend_from_slice(&bytes[from..i]);
        out.extend_from_slice(esc);
        from = i + 1;
    }
    out.extend_from_slice(&bytes[from..]);
    out.push(b'"');
}

/// Milliseconds as seconds with two decimals (times are multiples of 10 ms).
fn secs(out: &mut Vec<u8>, ms: u64) {
    let _ = write!(out, "{}.{:02}", ms / 1000, (ms % 1000) / 10);
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

/// Native metadata object.
fn native_meta(out: &mut Vec<u8>, c: &GenCall) {
    let m = &c.meta;
    out.extend_from_slice(b"{\"agent\": ");
    json_str(out, m.agent);
    out.extend_from_slice(b", \"team\": ");
    json_str(out, m.team);
    out.extend_from_slice(b", \"queue\": ");
    json_str(out, m.queue);
    out.extend_from_slice(b", \"channel\": ");
    json_str(out, m.channel);
    let _ = write!(
        out,
        ", \"started_at\": \"{}\", \"customer_id\": ",
        iso(m.started)
    );
    json_str(out, &m.customer_id);
    if let Some(c) = m.csat {
        let _ = write!(out, ", \"csat\": {c}");
    }
    if let Some(n) = m.nps {
        let _ = write!(out, ", \"nps\": {n}");
    }
    let _ = write!(
        out,
        ", \"human_qa_score\": {}, \"self_score\": {}, \"language\": \"{}\"}}",
        m.human_qa,
        m.self_score,
        c.lang.code()
    );
}

/// One native call object on one line (JSON Lines record, no newline).
pub(crate) fn native_line(out: &mut Vec<u8>, c: &GenCall) {
    out.extend_from_slice(b"{\"call_id\": ");
    json_str(out, &c.id);
    out.extend_from_slice(b", \"metadata\": ");
    native_meta(out, c);
    out.extend_from_slice(b", \"turns\": [");
    for (i, t) in c.turns.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b", ");
        }
        native_turn(out, t);
    }
    out.extend_from_slice(b"]}");
}

fn native_turn(out: &mut Vec<u8>, t: &GTurn) {
    out.extend_from_slice(if t.agent {
        b"{\"speaker\": \"agent\", \"text\": "
    } else {
        b"{\"speaker\": \"customer\", \"text\": "
    });
    json_str(out, &t.text);
    out.extend_from_slice(b", \"start\": ");
    secs(out, t.start_ms);
    out.extend_from_slice(b", \"end\": ");
    secs(out, t.end_ms);
    out.push(b'}');
}

/// A single-call native JSON document (indented, one turn per line).
pub(crate) fn native_json(out: &mut Vec<u8>, c: &GenCall) {
    out.extend_from_slice(b"{\n  \"call_id\": ");
    json_str(out, &c.id);
    out.extend_from_slice(b",\n  \"metadata\": ");
    native_meta(out, c);
    out.extend_from_slice(b",\n  \"turns\": [\n");
    for (i, t) in c.turns.iter().enumerate() {
        out.extend_from_slice(b"    ");
        native_turn(out, t);
        out.extend_from_slice(if i + 1 < c.turns.len() { b",\n" } else { b"\n" });
    }
    out.extend_from_slice(b"  ]\n}\n");
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

fn characteristics(out: &mut Vec<u8>, c: &GenCall) {
    let total = c.turns.iter().map(|t| t.end_ms).max().unwrap_or(0);
    let mut gaps = Vec::new();
    let mut interruptions = 0;
    let mut reach = 0u64;
    for t in &c.turns {
        if t.start_ms > reach + 3000 {
            gaps.push((reach, t.start_ms));
        } else if t.start_ms < reach {
            interruptions += 1;
        }
        reach = reach.max(t.end_ms);
    }
    let _ = write!(
        out,
        "  \"ConversationCharacteristics\": {{\n    \"TotalConversationDurationMillis\": {total},\n    \"NonTalkTime\": {{\"Instances\": ["
    );
    for (i, (a, b)) in gaps.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b", ");
        }
        let _ = write!(
            out,
            "{{\"BeginOffsetMillis\": {a}, \"EndOffsetMillis\": {b}, \"DurationMillis\": {}}}",
            b - a
        );
    }
    let _ = write!(
        out,
        "], \"TotalTimeMillis\": {}}},\n    \"Interruptions\": {{\"TotalCount\": {interruptions}}}\n  }},\n",
        gaps.iter().map(|(a, b)| b - a).sum::<u64>()
    );
}

/// Amazon Transcribe Call Analytics output.
pub(crate) fn aws(out: &mut Vec<u8>, c: &GenCall) {
    out.extend_from_slice(b"{\n  \"JobName\": ");
    json_str(out, &c.id);
    let _ = write!(
        out,
        ",\n  \"JobStatus\": \"COMPLETED\",\n  \"LanguageCode\": \"{}\",\n  \"AccountId\": \"210987654321\",\n  \"Channel\": \"VOICE\",\n  \"Participants\": [{{\"ParticipantRole\": \"AGENT\"}}, {{\"ParticipantRole\": \"CUSTOMER\"}}],\n",
        lang_code(c.lang)
    );
    characteristics(out, c);
    out.extend_from_slice(b"  \"Transcript\": [\n");
    for (i, t) in c.turns.iter().enumerate() {
        let _ = write!(
            out,
            "    {{\"Id\": \"{}\", \"ParticipantRole\": \"{}\", \"Content\": ",
            segment_id(c, i),
            if t.agent { "AGENT" } else { "CUSTOMER" }
        );
        json_str(out, &t.text);
        let _ = write!(
            out,
            ", \"BeginOffsetMillis\": {}, \"EndOffsetMillis\": {}, \"Sentiment\": \"{}\", \"LoudnessScores\": [{}, {}]}}",
            t.start_ms,
            t.end_ms,
            sentiment_label(t, i),
            70 + (i * 7) % 20,
            65 + (i * 11) % 25
        );
        out.extend_from_slice(if i + 1 < c.turns.len() { b",\n" } else { b"\n" });
    }
    out.extend_from_slice(b"  ]\n}\n");
}

/// Amazon Connect Contact Lens output.
pub(crate) fn contact_lens(out: &mut Vec<u8>, c: &GenCall) {
    let _ = write!(
        out,
        "{{\n  \"Version\": \"1.1.0\",\n  \"AccountId\": \"210987654321\",\n  \"Channel\": \"VOICE\",\n  \"ContentMetadata\": {{\"Output\": \"Raw\"}},\n  \"JobStatus\": \"COMPLETED\",\n  \"LanguageCode\": \"{}\",\n  \"Participants\": [{{\"ParticipantId\": \"CUSTOMER\", \"ParticipantRole\": \"CUSTOMER\"}}, {{\"ParticipantId\": \"AGENT\", \"ParticipantRole\": \"AGENT\"}}],\n  \"CustomerMetadata\": {{\"InputS3Uri\": \"s3://acme-connect-recordings/Analysis/Voice/{}.wav\", \"ContactId\": \"{}\", \"InstanceId\": \"4f1c2b7e-9d3a-4e0b-8c55-3a1e2d9b7c10\"}},\n",
        lang_code(c.lang),
        c.id,
        c.id
    );
    characteristics(out, c);
    out.extend_from_slice(b"  \"Transcript\": [\n");
    for (i, t) in c.turns.iter().enumerate() {
        let _ = write!(
            out,
            "    {{\"BeginOffsetMillis\": {}, \"Content\": ",
            t.start_ms
        );
        json_str(out, &t.text);
        let _ = write!(
            out,
            ", \"EndOffsetMillis\": {}, \"Id\": \"{}\", \"ParticipantId\": \"{}\", \"Sentiment\": \"{}\", \"LoudnessScore\": [{}, {}]}}",
            t.end_ms,
            segment_id(c, i),
            if t.agent { "AGENT" } else { "CUSTOMER" },
            sentiment_label(t, i),
            70 + (i * 7) % 20,
            65 + (i * 11) % 25
        );
        out.extend_from_slice(if i + 1 < c.turns.len() { b",\n" } else { b"\n" });
    }
    out.extend_from_slice(b"  ]\n}\n");
}

/// Google CCAI Insights conversation (absolute microsecond start times, no ends).
pub(crate) fn ccai(out: &mut Vec<u8>, c: &GenCall) {
    out.extend_from_slice(
        b"{\n  \"name\": \"projects/acme-insights/locations/us-central1/conversations/",
    );
    out.extend_from_slice(c.id.as_bytes());
    let _ = write!(
        out,
        "\",\n  \"language_code\": \"{}\",\n  \"conversation_info\": {{\"conversation_id\": ",
        lang_code(c.lang)
    );
    json_str(out, &c.id);
    out.extend_from_slice(b", \"categories\": []},\n  \"entries\": [\n");
    let base_us = c.meta.started as u64 * 1_000_000;
    let cust_id = 500_000 + c.index % 100_000;
    for (i, t) in c.turns.iter().enumerate() {
        let _ = write!(
            out,
            "    {{\"start_timestamp_usec\": {}, \"text\": ",
            base_us + t.start_ms * 1000
        );
        json_str(out, &t.text);
        let _ = write!(
            out,
            ", \"role\": \"{}\", \"user_id\": {}}}",
            if t.agent { "AGENT" } else { "END_USER" },
            if t.agent { 1302 } else { cust_id }
        );
        out.extend_from_slice(if i + 1 < c.turns.len() { b",\n" } else { b"\n" });
    }
    out.extend_from_slice(b"  ]\n}\n");
}

/// Whisper / WhisperX JSON: `SPEAKER_00` is the agent (who speaks first).
pub(crate) fn whisper(out: &mut Vec<u8>, c: &GenCall) {
    let lead = if c.lang == Lang::Zh { "" } else { " " };
    let mut full = String::new();
    for t in &c.turns {
        full.push_str(lead);
        full.push_str(&t.text);
    }
    out.extend_from_slice(b"{\n  \"text\": ");
    json_str(out, &full);
    out.extend_from_slice(b",\n  \"segments\": [\n");
    for (i, t) in c.turns.iter().enumerate() {
        let _ = write!(
            out,
            "    {{\"id\": {i}, \"seek\": {}, \"start\": ",
            (t.start_ms / 30_000) * 3000
        );
        secs(out, t.start_ms);
        out.extend_from_slice(b", \"end\": ");
        secs(out, t.end_ms);
        out.extend_from_slice(b", \"text\": ");
        let mut s = String::with_capacity(t.text.len() + 1);
        s.push_str(lead);
        s.push_str(&t.text);
        json_str(out, &s);
        let _ = write!(
            out,
            ", \"tokens\": [], \"temperature\": 0.0, \"avg_logprob\": -0.{:02}, \"compression_ratio\": 1.{:02}, \"no_speech_prob\": 0.0{}, \"speaker\": \"{}\"}}",
            12 + i % 30,
            30 + i % 50,
            1 + i % 9,
            if t.agent { "SPEAKER_00" } else { "SPEAKER_01" }
        );
        out.extend_from_slice(if i + 1 < c.turns.len() { b",\n" } else { b"\n" });
    }
    let _ = writeln!(out, "  ],\n  \"language\": \"{}\"\n}}", c.lang.code());
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

fn csv_field(out: &mut Vec<u8>, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push(b'"');
        out.extend_from_slice(s.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

/// Header of a chat CSV export.
pub(crate) const CHAT_CSV_HEADER: &[u8] = b"conversation_id,timestamp,sender,message\n";

/// Rows of one conversation in a chat CSV export.
pub(crate) fn chat_csv_rows(out: &mut Vec<u8>, c: &GenCall) {
    for t in &c.turns {
        csv_field(out, &c.id);
        out.push(b',');
        out.extend_from_slice(iso(c.meta.started + (t.start_ms / 1000) as i64).as_bytes());
        out.extend_from_slice(if t.agent { b",agent," } else { b",customer," });
        csv_field(out, &t.text);
        out.push(b'\n');
    }
}

/// Header of the `metadata.csv` sidecar.
pub(crate) const METADATA_HEADER: &[u8] = b"call_id,agent,team,queue,channel,started_at,customer_id,csat,nps,human_qa_score,self_score,language\n";

/// One sidecar row.
pub(crate) fn metadata_row(out: &mut Vec<u8>, c: &GenCall) {
    let m = &c.meta;
    csv_field(out, &c.id);
    let _ = write!(
        out,
        ",{},{},{},{},{},{},",
        m.agent,
        m.team,
        m.queue,
        m.channel,
        iso(m.started),
        m.customer_id
    );
    if let Some(v) = m.csat {
        let _ = write!(out, "{v}");
    }
    out.push(b',');
    if let Some(v) = m.nps {
        let _ = write!(out, "{v}");
    }
    let _ = writeln!(out, ",{},{},{}", m.human_qa, m.self_score, c.lang.code());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(iso(1_793_577_600), "2026-11-02T00:00:00Z");
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn json_escaping() {
        let mut v = Vec::new();
        json_str(&mut v, "a\"b\\c\nd\u{1}é");
        assert_eq!(String::from_utf8(v).unwrap(), r#""a\"b\\c\nd\u0001é""#);
    }
}
