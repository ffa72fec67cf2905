//! File envelopes: a whole transcript file carried as one JSON Lines record.
//!
//! A streaming stage (`callscore run - --out -` under Spark's `RDD.pipe`) gets its input
//! as lines of text, but many transcript formats are not one line of JSON (WebVTT, SRT,
//! plain text, chat CSVs, GBK or UTF-16 files) and a call's id and `source` come from the
//! file's name. An envelope keeps both:
//!
//! ```json
//! {"type": "file", "path": "corpus/subtitles/vtt-1102-en-delivery.vtt", "data_base64": "V0VCVlRU…"}
//! ```
//!
//! `data_base64` is the file's bytes (standard base64, padded), exactly as on disk:
//! any encoding, `.gz` when the path ends in `.gz`. The file is then read as if it were
//! at `path`: the same format detection, decoding, limits (`--max-file-size`), call ids
//! and `source`, so its records are those of `callscore run PATH`. A JSON Lines file sent
//! whole is read like a file read whole (each line one call, `source_line` its line).
//! A file whose extension is not a transcript format (a README beside the exports) is
//! skipped, as a run's walk skips it: no record, no error.
//!
//! The check is cheap for the ordinary record it is not: only a line that holds the key
//! `"data_base64"` is parsed as an envelope, and only one whose `type` is `"file"` is one.

use super::common::{ReadError, ReadOptions};
use base64::Engine;
use std::path::Path;

/// The key that marks an envelope (no transcript format uses it).
const MARK: &[u8] = b"\"data_base64\"";

#[derive(serde::Deserialize)]
struct Envelope {
    #[serde(rename = "type")]
    kind: String,
    path: String,
    data_base64: String,
}

/// A record that is an envelope: the file's path and bytes (decompressed when the path
/// ends in `.gz`), or why they cannot be had. `None` when `line` is not an envelope.
pub(crate) fn open(
    line: &[u8],
    stream: &str,
    line_no: u64,
    max_file_bytes: u64,
) -> Option<Result<(String, Vec<u8>), ReadError>> {
    memchr::memmem::find(line, MARK)?;
    let env: Envelope = serde_json::from_slice(line).ok()?;
    if env.kind != "file" {
        return None;
    }
    let bad = |what: String| {
        ReadError::new(stream, what)
            .at_line(line_no)
            .with_hint("write data_base64 with standard base64 of the file's bytes (Python: base64.b64encode(data).decode())")
    };
    if env.path.is_empty() {
        return Some(Err(bad("a file envelope with an empty path".into())));
    }
    let bytes = match base64::engine::general_purpose::STANDARD.decode(env.data_base64.as_bytes()) {
        Ok(b) => b,
        Err(e) => {
            return Some(Err(bad(format!(
                "the file envelope of {} is not valid base64: {e}",
                env.path
            ))));
        }
    };
    Some(unpack(env.path, bytes, max_file_bytes))
}

/// The bytes of the file as a reader would see them: a `.gz` decompressed (bounded by
/// `max`), anything over `max` an error, as for a file on disk.
fn unpack(path: String, bytes: Vec<u8>, max: u64) -> Result<(String, Vec<u8>), ReadError> {
    if super::ext::is_gzip(Path::new(&path)) {
        let gz = super::open::Gunzip::new(bytes.as_slice(), &path, max);
        return match super::open::read_at_most(gz, max, Vec::new()) {
            Ok(Some(out)) => Ok((path, out)),
            Ok(None) => Err(super::lines::too_large(
                &path,
                "decompressed, the file",
                None,
                max,
            )),
            Err(e) => Err(super::open::io_to_read_error(&path, &e)),
        };
    }
    if bytes.len() as u64 > max {
        return Err(super::lines::too_large(&path, "the file", None, max));
    }
    Ok((path, bytes))
}

/// Read an opened envelope's file as [`super::Inputs::read`] reads a file.
pub(crate) fn read(
    path: &str,
    bytes: &[u8],
    opts: &ReadOptions,
) -> (Vec<crate::transcript::Call>, Vec<ReadError>) {
    super::read_bytes(path, Path::new(path), bytes, false, opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(path: &str, data: &[u8]) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({
            "type": "file",
            "path": path,
            "data_base64": base64::engine::general_purpose::STANDARD.encode(data),
        }))
        .unwrap()
    }

    #[test]
    fn an_envelope_gives_the_path_and_bytes() {
        let (p, b) = open(&env("a/b.vtt", b"WEBVTT\n"), "-", 3, 1 << 20)
            .unwrap()
            .unwrap();
        assert_eq!((p.as_str(), b.as_slice()), ("a/b.vtt", &b"WEBVTT\n"[..]));
    }

    #[test]
    fn other_records_are_not_envelopes() {
        assert!(open(br#"{"call_id":"x","turns":[]}"#, "-", 1, 1 << 20).is_none());
        let other = br#"{"type":"call","path":"x","data_base64":""}"#;
        assert!(open(other, "-", 1, 1 << 20).is_none());
    }

    #[test]
    fn bad_base64_and_empty_paths_are_errors_at_the_line() {
        let bad = br#"{"type":"file","path":"x.vtt","data_base64":"***"}"#;
        let e = open(bad, "-", 7, 1 << 20).unwrap().unwrap_err();
        assert_eq!(e.line, Some(7));
        assert!(
            e.reason.contains("x.vtt") && e.reason.contains("base64"),
            "{}",
            e.reason
        );
        let e = open(&env("", b"x"), "-", 2, 1 << 20).unwrap().unwrap_err();
        assert!(e.reason.contains("empty path"), "{}", e.reason);
    }

    #[test]
    fn size_limit_and_gzip_apply_as_for_files() {
        let e = open(&env("big.txt", &[b'a'; 11]), "-", 1, 10)
            .unwrap()
            .unwrap_err();
        assert!(e.reason.contains("limit"), "{}", e.reason);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, b"Agent: hello\n").unwrap();
        let (_, b) = open(&env("c.txt.gz", &gz.finish().unwrap()), "-", 1, 100)
            .unwrap()
            .unwrap();
        assert_eq!(b, b"Agent: hello\n");
    }
}
