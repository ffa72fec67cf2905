//! JSON Lines streams (a `.jsonl` / `.ndjson` file, or stdin) cut into one unit per
//! record, and the sniffing of stdin.
//!
//! - A record is one non-blank line; a UTF-8 BOM on the first line is dropped. A line
//!   longer than the size limit (`--max-file-size`, the limit for anything read whole)
//!   is an error for that line and the rest of the stream is still read.
//! - Encoding: a stream starting with a UTF-16 byte-order mark, or with `--encoding
//!   utf-16le/be`, is transcoded to UTF-8 while it is read (malformed UTF-16 becomes
//!   U+FFFD); any other stream is cut on `\n` bytes and each record is decoded like a
//!   file (`decode`: `--encoding`, else UTF-8, else GB18030) by the worker.
//! - Stdin is sniffed like a file: if its first non-blank line is a complete JSON object
//!   it is JSON Lines and is streamed record by record (each record's layout detected
//!   like a `.json` document); otherwise it is read whole (up to the size limit) and
//!   detected like a file without extension (WebVTT, SRT, plain text, chat CSV, one
//!   pretty-printed JSON document …).

use super::InputOptions;
use super::common::ReadError;
use super::walk::Unit;
use encoding_rs::{Decoder, Encoding, UTF_16BE, UTF_16LE};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::Arc;

const HINT_LIMIT: &str =
    "split it, export it as JSON Lines (streamed record by record), or raise --max-file-size";

/// The error for an input over the size limit (`size` when it is known).
pub(crate) fn too_large(source: &str, what: &str, size: Option<u64>, limit: u64) -> ReadError {
    let reason = match size {
        Some(n) => format!("{what} is {n} bytes, more than the limit of {limit}"),
        None => format!("{what} is more than the limit of {limit} bytes"),
    };
    ReadError::new(source, reason).with_hint(HINT_LIMIT)
}

/// A JSON Lines stream being cut into records.
pub(crate) struct Lines {
    source: Arc<str>,
    reader: Box<dyn BufRead + Send>,
    line_no: u64,
    transcoded: bool,
    max: u64,
    /// First non-blank byte of the last line that was over the limit.
    long_head: Option<u8>,
}

/// A UTF-16 encoding the stream is in, by its BOM or the forced encoding.
fn utf16_of(
    reader: &mut dyn BufRead,
    forced: Option<&'static Encoding>,
) -> Option<&'static Encoding> {
    if let Some(e) = forced {
        return (e == UTF_16LE || e == UTF_16BE).then_some(e);
    }
    let head = reader.fill_buf().ok()?;
    if head.starts_with(b"\xFF\xFE") {
        Some(UTF_16LE)
    } else if head.starts_with(b"\xFE\xFF") {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// `reader`, transcoded to UTF-8 if the stream is UTF-16; and whether it was.
fn prepare(
    reader: Box<dyn Read + Send>,
    forced: Option<&'static Encoding>,
) -> (Box<dyn BufRead + Send>, bool) {
    let mut buffered = BufReader::with_capacity(1 << 20, reader);
    match utf16_of(&mut buffered, forced) {
        Some(enc) => (
            Box::new(BufReader::with_capacity(
                1 << 20,
                Transcode {
                    inner: buffered,
                    decoder: enc.new_decoder_with_bom_removal(),
                    done: false,
                },
            )),
            true,
        ),
        None => (Box::new(buffered), false),
    }
}

impl Lines {
    /// Start streaming a JSON Lines file.
    pub fn open_file(path: &Path, opts: &InputOptions) -> Result<Lines, ReadError> {
        let source = path.display().to_string();
        let f = std::fs::File::open(path).map_err(|e| {
            ReadError::new(&source, format!("cannot open file: {e}"))
                .with_hint("check the path and permissions")
        })?;
        let (reader, transcoded) = prepare(Box::new(f), opts.read.encoding);
        Ok(Lines {
            source: source.into(),
            reader,
            line_no: 0,
            transcoded,
            max: opts.max_file_bytes,
            long_head: None,
        })
    }

    /// The next line (with its newline, counted as read), `None` at the end. `Err` for a line over
    /// the limit (skipped) or a read error (which ends the stream).
    fn next_line(&mut self) -> Option<Result<Vec<u8>, ReadError>> {
        let mut buf = Vec::new();
        self.line_no += 1;
        let res = self
            .reader
            .by_ref()
            .take(self.max.saturating_add(1))
            .read_until(b'\n', &mut buf);
        match res {
            Ok(0) => None,
            Ok(_) => {
                if buf.len() as u64 > self.max && !buf.ends_with(b"\n") {
                    self.long_head = buf.iter().copied().find(|b| !b.is_ascii_whitespace());
                    // Skip the rest of the over-long line, counting it.
                    let mut n = buf.len() as u64;
                    loop {
                        let mut sink = Vec::new();
                        match (&mut self.reader)
                            .take(1 << 20)
                            .read_until(b'\n', &mut sink)
                        {
                            Ok(0) | Err(_) => break,
                            Ok(k) => {
                                n += k as u64;
                                if sink.ends_with(b"\n") {
                                    n -= 1;
                                    break;
                                }
                            }
                        }
                    }
                    return Some(Err(too_large(
                        &self.source,
                        "the record",
                        Some(n),
                        self.max,
                    )
                    .at_line(self.line_no)));
                }
                if self.line_no == 1 && buf.starts_with(b"\xEF\xBB\xBF") {
                    buf.drain(..3);
                }
                Some(Ok(buf))
            }
            Err(e) => {
                let e =
                    ReadError::new(&self.source, format!("read error: {e}")).at_line(self.line_no);
                self.reader = Box::new(std::io::empty());
                Some(Err(e))
            }
        }
    }

    fn record(&self, bytes: Vec<u8>) -> Unit {
        Unit::Record {
            source: self.source.clone(),
            line: self.line_no,
            bytes,
            transcoded: self.transcoded,
        }
    }
}

impl Iterator for Lines {
    type Item = Unit;

    /// The next non-blank record (or error).
    fn next(&mut self) -> Option<Unit> {
        loop {
            match self.next_line()? {
                Ok(b) if b.iter().all(u8::is_ascii_whitespace) => continue,
                Ok(b) => return Some(self.record(b)),
                Err(e) => return Some(Unit::Error(e)),
            }
        }
    }
}

/// Stdin after sniffing.
pub(crate) enum Stdin {
    /// JSON Lines: the first record (or its error), then the rest of the stream.
    Lines(Option<Unit>, Lines),
    /// Read whole: the document (or the error).
    Whole(Unit),
}

/// True when `line` (one line, not yet decoded) is a complete JSON object.
fn is_json_object(line: &[u8], transcoded: bool, opts: &InputOptions) -> bool {
    let text = match super::decode_record(line, "-", 1, transcoded, &opts.read) {
        Ok(t) => t,
        Err(_) => return false,
    };
    let t = text.trim_start_matches('\u{feff}').trim();
    t.starts_with('{') && serde_json::from_str::<serde::de::IgnoredAny>(t).is_ok()
}

impl Stdin {
    /// Sniff stdin (rules in the module docs).
    pub fn open(opts: &InputOptions) -> Stdin {
        let (reader, transcoded) = prepare(Box::new(std::io::stdin()), opts.read.encoding);
        Self::sniff(reader, transcoded, opts)
    }

    fn sniff(reader: Box<dyn BufRead + Send>, transcoded: bool, opts: &InputOptions) -> Stdin {
        let max = opts.max_file_bytes;
        let mut lines = Lines {
            source: "-".into(),
            reader,
            line_no: 0,
            transcoded,
            max,
            long_head: None,
        };
        // Everything read so far, newlines put back, for a whole read.
        let mut seen: Vec<u8> = Vec::new();
        let first = loop {
            match lines.next_line() {
                None => break None,
                // An over-long first line: a JSON Lines record (the stream goes on), or
                // a document over the limit.
                Some(Err(e)) if lines.long_head == Some(b'{') => {
                    return Stdin::Lines(Some(Unit::Error(e)), lines);
                }
                Some(Err(_)) if lines.long_head.is_some() => {
                    return Stdin::Whole(Unit::Error(too_large("-", "stdin", None, max)));
                }
                Some(Err(e)) => return Stdin::Whole(Unit::Error(e)),
                Some(Ok(b)) if b.iter().all(u8::is_ascii_whitespace) => seen.extend_from_slice(&b),
                Some(Ok(b)) => break Some(b),
            }
        };
        let Some(first) = first else {
            return Stdin::Whole(Unit::Document {
                bytes: seen,
                transcoded,
            });
        };
        if is_json_object(&first, transcoded, opts) {
            let unit = lines.record(first);
            return Stdin::Lines(Some(unit), lines);
        }
        seen.extend_from_slice(&first);
        let room = max.saturating_add(1).saturating_sub(seen.len() as u64);
        let mut rest = Vec::new();
        if let Err(e) = (&mut lines.reader).take(room).read_to_end(&mut rest) {
            return Stdin::Whole(Unit::Error(
                ReadError::new("-", format!("read error: {e}")).with_hint("check the pipe"),
            ));
        }
        seen.extend_from_slice(&rest);
        if seen.len() as u64 > max {
            return Stdin::Whole(Unit::Error(too_large("-", "stdin", None, max)));
        }
        Stdin::Whole(Unit::Document {
            bytes: seen,
            transcoded,
        })
    }
}

/// The units of `data` read in memory two ways: as stdin (sniffed: JSON Lines streamed
/// record by record, else one document) and as a JSON Lines file. For the fuzz targets
/// (`crate::fuzzing`), which cannot give a process stdin or files of their own.
pub(crate) fn units_in_memory(data: &[u8], opts: &InputOptions) -> Vec<Unit> {
    let cursor = || Box::new(std::io::Cursor::new(data.to_vec()));
    let mut units = Vec::new();
    let (reader, transcoded) = prepare(cursor(), opts.read.encoding);
    match Stdin::sniff(reader, transcoded, opts) {
        Stdin::Lines(first, rest) => units.extend(first.into_iter().chain(rest)),
        Stdin::Whole(u) => units.push(u),
    }
    let (reader, transcoded) = prepare(cursor(), opts.read.encoding);
    units.extend(Lines {
        source: "fuzz.jsonl".into(),
        reader,
        line_no: 0,
        transcoded,
        max: opts.max_file_bytes,
        long_head: None,
    });
    units
}

/// A UTF-16 stream transcoded to UTF-8 as it is read.
struct Transcode<R> {
    inner: R,
    decoder: Decoder,
    done: bool,
}

impl<R: BufRead> Read for Transcode<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        // The decoder needs room for the worst case of a few input bytes.
        if out.len() < 16 {
            let mut tmp = [0u8; 16];
            let n = self.read(&mut tmp)?;
            let n = n.min(out.len());
            out[..n].copy_from_slice(&tmp[..n]);
            return Ok(n);
        }
        loop {
            if self.done {
                return Ok(0);
            }
            let input = self.inner.fill_buf()?;
            let last = input.is_empty();
            let (_, read, written, _) = self.decoder.decode_to_utf8(input, out, last);
            self.inner.consume(read);
            if last {
                self.done = true;
            }
            if written > 0 || last {
                return Ok(written);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sniff(bytes: &[u8]) -> Stdin {
        let opts = InputOptions::default();
        let (reader, transcoded) = prepare(Box::new(std::io::Cursor::new(bytes.to_vec())), None);
        Stdin::sniff(reader, transcoded, &opts)
    }

    fn records(mut first: Option<Unit>, rest: Lines) -> Vec<(u64, String)> {
        first
            .take()
            .into_iter()
            .chain(rest)
            .map(|u| match u {
                Unit::Record { line, bytes, .. } => (
                    line,
                    String::from_utf8(bytes).unwrap().trim_end().to_string(),
                ),
                _ => panic!("not a record"),
            })
            .collect()
    }

    #[test]
    fn stdin_json_lines_are_streamed_by_record() {
        let Stdin::Lines(first, rest) = sniff(b"\n{\"a\":1}\r\n\n{\"b\":2}\n") else {
            panic!("not JSON Lines");
        };
        assert_eq!(
            records(first, rest),
            vec![(2, "{\"a\":1}".to_string()), (4, "{\"b\":2}".to_string())]
        );
    }

    #[test]
    fn stdin_documents_are_read_whole() {
        for doc in [
            "{\n  \"turns\": []\n}\n",
            "WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n",
            "1\n00:00:01,000 --> 00:00:02,000\nAgent: hi\n",
            "Agent: hi\nCustomer: hello\n",
        ] {
            match sniff(doc.as_bytes()) {
                Stdin::Whole(Unit::Document { bytes, transcoded }) => {
                    assert_eq!(String::from_utf8(bytes).unwrap(), doc);
                    assert!(!transcoded);
                }
                _ => panic!("{doc:?} not read whole"),
            }
        }
    }

    #[test]
    fn utf16_streams_are_transcoded() {
        let mut le = vec![0xFF, 0xFE];
        for u in "{\"a\":\"坐席\"}\n{\"b\":2}\n".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        let Stdin::Lines(first, rest) = sniff(&le) else {
            panic!("not JSON Lines");
        };
        assert_eq!(
            records(first, rest),
            vec![
                (1, "{\"a\":\"坐席\"}".to_string()),
                (2, "{\"b\":2}".to_string())
            ]
        );
    }

    #[test]
    fn over_long_lines_are_errors_and_the_stream_goes_on() {
        let opts = InputOptions {
            max_file_bytes: 8,
            ..Default::default()
        };
        let (reader, transcoded) = prepare(
            Box::new(std::io::Cursor::new(
                b"{\"a\":1}\n{\"long\":123456}\n{\"b\":2}\n".to_vec(),
            )),
            None,
        );
        let Stdin::Lines(first, rest) = Stdin::sniff(reader, transcoded, &opts) else {
            panic!("not JSON Lines");
        };
        let got: Vec<String> = first
            .into_iter()
            .chain(rest)
            .map(|u| match u {
                Unit::Record { line, .. } => format!("record {line}"),
                Unit::Error(e) => format!("{}:{:?} {}", e.source, e.line, e.reason),
                _ => "other".into(),
            })
            .collect();
        assert_eq!(
            got,
            [
                "record 1",
                "-:Some(2) the record is 15 bytes, more than the limit of 8",
                "record 3"
            ]
        );
    }
}
