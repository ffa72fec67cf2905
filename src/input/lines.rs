//! JSON Lines streams (a `.jsonl` / `.ndjson` file, or stdin) cut into one unit per
//! record, and the sniffing of stdin.
//!
//! - A record is one non-blank line; a UTF-8 BOM on the first line is dropped. A line
//!   longer than the line limit (`--max-line`) is an error for that line: the rest of
//!   it is streamed through without being kept (memory stays at the limit however long
//!   the line is) and the stream goes on with the next line. A JSON Lines file has no
//!   total size limit: it is never held whole.
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
    "split it, export it as JSON Lines (streamed record by record), or raise --max-file-size MiB";

/// The error for an input over the size limit (`size` when it is known).
pub(crate) fn too_large(source: &str, what: &str, size: Option<u64>, limit: u64) -> ReadError {
    let reason = match size {
        Some(n) => format!(
            "{what} is {n} bytes, more than the limit of {limit} (--max-file-size {})",
            mib(limit)
        ),
        None => format!(
            "{what} is more than the limit of {limit} bytes (--max-file-size {})",
            mib(limit)
        ),
    };
    ReadError::new(source, reason).with_hint(HINT_LIMIT)
}

/// The error for a JSON Lines record longer than `--max-line` (`len`: its length
/// without the newline, counted while streaming through it).
pub(crate) fn line_too_long(source: &str, line: u64, len: u64, limit: u64) -> ReadError {
    ReadError::new(
        source,
        format!(
            "the record is {len} bytes, more than the line limit of {limit} (--max-line {}); it was skipped",
            mib(limit)
        ),
    )
    .at_line(line)
    .with_hint(
        "one line holds one call: check that the exporter ends each record with a newline, \
         or raise --max-line MiB",
    )
}

/// `bytes` in whole MiB, rounded up, as the flags take them.
pub(crate) fn mib(bytes: u64) -> u64 {
    bytes.div_ceil(1 << 20)
}

/// A JSON Lines stream being cut into records.
pub(crate) struct Lines {
    source: Arc<str>,
    reader: Box<dyn BufRead + Send>,
    line_no: u64,
    transcoded: bool,
    /// Longest record (`--max-line`).
    max: u64,
}

/// One line as read, capped at the line limit.
enum Capped {
    /// The whole line (with its newline, if it had one).
    Line(Vec<u8>),
    /// The first `max + 1` bytes of a longer line, in pieces (see [`Lines::read_capped`]);
    /// the rest is still unread.
    Long(Pieces),
}

/// Bytes read in pieces of at most [`PIECE`] bytes.
struct Pieces(Vec<Vec<u8>>);

impl Pieces {
    fn len(&self) -> u64 {
        self.0.iter().map(|p| p.len() as u64).sum()
    }

    /// The first byte that is not ASCII whitespace.
    fn first_non_blank(&self) -> Option<u8> {
        self.0
            .iter()
            .flatten()
            .copied()
            .find(|b| !b.is_ascii_whitespace())
    }

    /// The bytes in one buffer (see [`super::open::concat`]).
    fn concat(self) -> Vec<u8> {
        let len = self.len();
        super::open::concat(self.0, len)
    }
}

/// A line longer than this is read in pieces of this size: memory then holds the line
/// and at most one piece more, never a buffer grown by doubling (which would hold up to
/// twice the line limit and leave the allocator with the smaller buffers it grew from).
const PIECE: u64 = 1 << 20;

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
    ///
    /// The file is opened only if it is a regular file (a FIFO would block the run). A
    /// `.gz` file is decompressed while read, its decompressed size bounded by
    /// `--max-file-size` (a gzip bomb ends in an error, never in memory use: the
    /// stream is cut record by record either way).
    pub fn open_file(path: &Path, opts: &InputOptions) -> Result<Lines, ReadError> {
        let source = path.display().to_string();
        let (f, _) = super::open::open_regular(path, &source)?;
        let raw: Box<dyn Read + Send> = if super::ext::is_gzip(path) {
            Box::new(super::open::Gunzip::new(f, &source, opts.max_file_bytes))
        } else {
            Box::new(f)
        };
        let (reader, transcoded) = prepare(raw, opts.read.encoding);
        Ok(Lines {
            source: source.into(),
            reader,
            line_no: 0,
            transcoded,
            max: opts.max_line_bytes,
        })
    }

    /// The next line, read up to the limit (`None` at the end). Memory: at most
    /// `max + 1` bytes (and one piece more while a long line is put together), however
    /// long the line is.
    fn read_capped(&mut self) -> Option<std::io::Result<Capped>> {
        self.line_no += 1;
        let limit = self.max.saturating_add(1);
        // Most lines end within the first piece: read them as they are.
        let mut pieces = Vec::new();
        let mut total = 0u64;
        loop {
            let room = (limit - total).min(PIECE);
            if room == 0 {
                break;
            }
            let mut piece = Vec::new();
            match self
                .reader
                .by_ref()
                .take(room)
                .read_until(b'\n', &mut piece)
            {
                Err(e) => return Some(Err(e)),
                Ok(0) => break,
                Ok(n) => {
                    total += n as u64;
                    let ended = piece.ends_with(b"\n") || (n as u64) < room;
                    pieces.push(piece);
                    if ended {
                        break;
                    }
                }
            }
        }
        if total == 0 {
            return None;
        }
        let ended = pieces.last().is_some_and(|p| p.ends_with(b"\n"));
        if total > self.max && !ended {
            return Some(Ok(Capped::Long(Pieces(pieces))));
        }
        let mut buf = Pieces(pieces).concat();
        if self.line_no == 1 && buf.starts_with(b"\xEF\xBB\xBF") {
            buf.drain(..3);
        }
        Some(Ok(Capped::Line(buf)))
    }

    /// Stream through the rest of the current line without keeping it; the bytes
    /// passed over (the newline not counted).
    fn skip_rest_of_line(&mut self) -> std::io::Result<u64> {
        let mut n = 0u64;
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                return Ok(n);
            }
            match memchr::memchr(b'\n', buf) {
                Some(i) => {
                    self.reader.consume(i + 1);
                    return Ok(n + i as u64);
                }
                None => {
                    let len = buf.len();
                    self.reader.consume(len);
                    n += len as u64;
                }
            }
        }
    }

    /// The error for a read error, which ends the stream.
    fn read_failed(&mut self, e: &std::io::Error) -> ReadError {
        self.reader = Box::new(std::io::empty());
        // Errors of the gzip layer already say what went wrong and what to do.
        if let Some(inner) = e.get_ref().and_then(|i| i.downcast_ref::<ReadError>()) {
            return inner.clone().at_line(self.line_no);
        }
        ReadError::new(
            &self.source,
            format!("read error: {e}; the rest of the file was not read"),
        )
        .at_line(self.line_no)
        .with_hint(
            "check the file (a disk or network error, or a file cut short while it was copied)",
        )
    }

    /// The next line (with its newline), `None` at the end. `Err` for a line over the
    /// limit (streamed through, not kept) or a read error (which ends the stream).
    fn next_line(&mut self) -> Option<Result<Vec<u8>, ReadError>> {
        match self.read_capped()? {
            Ok(Capped::Line(b)) => Some(Ok(b)),
            Ok(Capped::Long(head)) => Some(self.skip_long(head.len())),
            Err(e) => Some(Err(self.read_failed(&e))),
        }
    }

    /// Skip an over-long line of which `read` bytes were read: the error naming it.
    fn skip_long(&mut self, read: u64) -> Result<Vec<u8>, ReadError> {
        let line = self.line_no;
        match self.skip_rest_of_line() {
            Ok(rest) => Err(line_too_long(&self.source, line, read + rest, self.max)),
            Err(e) => Err(self.read_failed(&e)),
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
            max: opts.max_line_bytes,
        };
        // Everything read so far, newlines put back, for a whole read (at most `max`
        // bytes of it: past that, stdin is JSON Lines or too large).
        let mut seen = Seen::new(max);
        let first = loop {
            match lines.read_capped() {
                None => break None,
                // An over-long first line: a JSON Lines record (skipped, and the stream
                // goes on), or the start of a document read whole.
                Some(Ok(Capped::Long(head))) => {
                    if head.first_non_blank() == Some(b'{') {
                        let e = lines.skip_long(head.len()).err();
                        return Stdin::Lines(e.map(Unit::Error), lines);
                    }
                    seen.push(&head.concat());
                    break None;
                }
                Some(Ok(Capped::Line(b))) if b.iter().all(u8::is_ascii_whitespace) => seen.push(&b),
                Some(Ok(Capped::Line(b))) => break Some(b),
                Some(Err(e)) => return Stdin::Whole(Unit::Error(lines.read_failed(&e))),
            }
        };
        if first.is_none() && seen.is_empty() {
            // Not one byte: an empty stream (an empty Spark partition), not an empty
            // document. Nothing to read, nothing wrong.
            return Stdin::Lines(None, lines);
        }
        if let Some(first) = first {
            if is_json_object(&first, transcoded, opts) {
                let unit = lines.record(first);
                return Stdin::Lines(Some(unit), lines);
            }
            seen.push(&first);
        }
        let Some(seen) = seen.bytes() else {
            return Stdin::Whole(Unit::Error(too_large("-", "stdin", None, max)));
        };
        match super::open::read_at_most(&mut lines.reader, max, seen) {
            Err(e) => Stdin::Whole(Unit::Error(
                ReadError::new("-", format!("read error: {e}")).with_hint("check the pipe"),
            )),
            Ok(None) => Stdin::Whole(Unit::Error(too_large("-", "stdin", None, max))),
            Ok(Some(bytes)) => Stdin::Whole(Unit::Document { bytes, transcoded }),
        }
    }
}

/// The bytes of stdin read while sniffing it (blank lines, then the first line), kept
/// for a whole read up to the size limit and no further: a stream of blank lines longer
/// than the limit is counted, not held, however long it is.
struct Seen {
    bytes: Vec<u8>,
    max: u64,
    over: bool,
}

impl Seen {
    /// Nothing was read at all.
    fn is_empty(&self) -> bool {
        self.bytes.is_empty() && !self.over
    }

    fn new(max: u64) -> Seen {
        Seen {
            bytes: Vec::new(),
            max,
            over: false,
        }
    }

    fn push(&mut self, b: &[u8]) {
        if self.over {
            return;
        }
        if (self.bytes.len() + b.len()) as u64 > self.max {
            self.over = true;
            self.bytes = Vec::new();
        } else {
            self.bytes.extend_from_slice(b);
        }
    }

    /// The bytes, or `None` once they went past the limit.
    fn bytes(self) -> Option<Vec<u8>> {
        (!self.over).then_some(self.bytes)
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
        max: opts.max_line_bytes,
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
mod tests;
