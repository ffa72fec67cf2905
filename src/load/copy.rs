//! Rows in PostgreSQL's `COPY … FROM STDIN` text format, and the spool files that hold
//! one table's rows until they are sent.
//!
//! Text format: one line per row, columns separated by a tab, `\N` for NULL, and a
//! backslash, newline, carriage return or tab inside a value escaped as `\\`, `\n`,
//! `\r`, `\t`. It is the server's fastest input path short of binary COPY, and needs no
//! per-value type conversions on this side.

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, Write};

/// One table's rows being formatted: a line buffer and where the lines go (by default
/// an anonymous spool file, sent when the run's other work is done).
pub struct Spool<W: Write = BufWriter<File>> {
    /// The table (for messages).
    pub table: &'static str,
    /// The `COPY` column list.
    pub columns: &'static str,
    out: W,
    line: Vec<u8>,
    first: bool,
    /// Rows written.
    pub rows: u64,
}

impl Spool {
    /// A spool for `table (columns)` in an anonymous temporary file (removed when
    /// dropped, whatever happens).
    pub fn new(table: &'static str, columns: &'static str) -> io::Result<Spool> {
        Ok(Spool::to(
            table,
            columns,
            BufWriter::with_capacity(1 << 20, tempfile::tempfile()?),
        ))
    }

    /// The spooled rows, from the start, for sending.
    pub fn into_reader(self) -> io::Result<File> {
        let mut f = self.out.into_inner().map_err(|e| e.into_error())?;
        f.rewind()?;
        Ok(f)
    }
}

impl<W: Write> Spool<W> {
    /// Rows of `table (columns)` written to `out`.
    pub fn to(table: &'static str, columns: &'static str, out: W) -> Spool<W> {
        Spool {
            table,
            columns,
            out,
            line: Vec::with_capacity(4096),
            first: true,
            rows: 0,
        }
    }

    /// Flush and give back the writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }

    fn sep(&mut self) {
        if !self.first {
            self.line.push(b'\t');
        }
        self.first = false;
    }

    /// A text value.
    pub fn text(&mut self, s: &str) -> &mut Self {
        self.sep();
        escape_into(&mut self.line, s);
        self
    }

    /// A text value or NULL.
    pub fn opt_text(&mut self, s: Option<&str>) -> &mut Self {
        match s {
            Some(s) => self.text(s),
            None => self.null(),
        }
    }

    /// NULL.
    pub fn null(&mut self) -> &mut Self {
        self.sep();
        self.line.extend_from_slice(b"\\N");
        self
    }

    /// A whole number.
    pub fn int(&mut self, n: u64) -> &mut Self {
        self.sep();
        self.line
            .extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
        self
    }

    /// A whole number or NULL.
    pub fn opt_int(&mut self, n: Option<u64>) -> &mut Self {
        match n {
            Some(n) => self.int(n),
            None => self.null(),
        }
    }

    /// A number or NULL (`NaN` and infinities, which no record holds, become NULL).
    pub fn float(&mut self, x: Option<f64>) -> &mut Self {
        match x {
            Some(x) if x.is_finite() => {
                self.sep();
                write!(self.line, "{x}").unwrap_or(());
                self
            }
            _ => self.null(),
        }
    }

    /// `t` or `f`.
    pub fn bool(&mut self, b: bool) -> &mut Self {
        self.sep();
        self.line.push(if b { b't' } else { b'f' });
        self
    }

    /// End the row.
    pub fn end(&mut self) -> io::Result<()> {
        self.line.push(b'\n');
        self.out.write_all(&self.line)?;
        self.line.clear();
        self.first = true;
        self.rows += 1;
        Ok(())
    }
}

/// A writer that hands its bytes, in chunks of about 1 MiB cut at row ends, to another
/// thread (the one sending a `COPY`) through a [`super::pipe`], so rows are sent while
/// the next records are still being read.
pub struct ChunkWriter {
    buf: Vec<u8>,
    tx: super::pipe::Sender,
}

const CHUNK: usize = 1 << 20;

impl ChunkWriter {
    /// Chunks go to `tx`.
    pub fn new(tx: super::pipe::Sender) -> ChunkWriter {
        ChunkWriter {
            buf: Vec::with_capacity(CHUNK + 4096),
            tx,
        }
    }

    /// A writer whose reader is gone (a placeholder).
    pub fn closed() -> ChunkWriter {
        ChunkWriter::new(super::pipe::pipe(0).0)
    }

    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK + 4096));
        self.tx.send(chunk)
    }
}

impl Write for ChunkWriter {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(b);
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(b.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

/// Append `s` escaped for the text format.
pub fn escape_into(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        let esc: &[u8] = match c {
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            _ => continue,
        };
        out.extend_from_slice(&b[start..i]);
        out.extend_from_slice(esc);
        start = i + 1;
    }
    out.extend_from_slice(&b[start..]);
}

/// A failure while loading: the database's, or a local file's (a spool).
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    /// The server refused, or the connection failed.
    #[error(transparent)]
    Db(#[from] postgres::Error),
    /// A local file could not be written or read.
    #[error("a temporary file: {0}")]
    Io(#[from] io::Error),
}

/// Send a spool's rows with `COPY table (columns) FROM STDIN` on `tx`.
pub fn send(tx: &mut postgres::Transaction<'_>, spool: Spool) -> Result<u64, StepError> {
    let rows = spool.rows;
    let (table, columns) = (spool.table, spool.columns);
    let mut reader = spool.into_reader()?;
    let mut buf = vec![0u8; CHUNK];
    let chunks = std::iter::from_fn(move || match reader.read(&mut buf) {
        Ok(0) => None,
        Ok(n) => Some(Ok(buf[..n].to_vec())),
        Err(e) => Some(Err(e)),
    });
    send_chunks(tx, table, columns, chunks)?;
    Ok(rows)
}

/// `COPY table (columns) FROM STDIN` on `tx` with the bytes of `chunks`.
pub fn send_chunks(
    tx: &mut postgres::Transaction<'_>,
    table: &str,
    columns: &str,
    chunks: impl Iterator<Item = io::Result<Vec<u8>>>,
) -> Result<(), StepError> {
    let stmt = format!("COPY {table} ({columns}) FROM STDIN");
    let mut w = tx.copy_in(&stmt)?;
    for chunk in chunks {
        let chunk = chunk?;
        if let Err(e) = w.write_all(&chunk) {
            // The connection failed mid-COPY: the writer's error is an io::Error that
            // wraps the client error; finishing gives the client error itself.
            return Err(match w.finish() {
                Err(db) => StepError::Db(db),
                Ok(_) => StepError::Io(e),
            });
        }
    }
    w.finish()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_four_special_bytes_and_nothing_else() {
        let mut v = Vec::new();
        escape_into(&mut v, "a\\b\nc\rd\te \"f\" 漢字");
        assert_eq!(
            String::from_utf8(v).unwrap(),
            "a\\\\b\\nc\\rd\\te \"f\" 漢字"
        );
    }

    #[test]
    fn a_row_has_tabs_between_values_and_null_markers() -> io::Result<()> {
        let mut s = Spool::new("t", "a, b")?;
        s.text("x")
            .null()
            .int(42)
            .opt_int(None)
            .float(Some(73.7))
            .float(Some(f64::NAN))
            .bool(true)
            .opt_text(Some("y\tz"));
        s.end()?;
        s.bool(false).end()?;
        assert_eq!(s.rows, 2);
        let mut text = String::new();
        s.into_reader()?.read_to_string(&mut text)?;
        assert_eq!(text, "x\t\\N\t42\t\\N\t73.7\t\\N\tt\ty\\tz\nf\n");
        Ok(())
    }
}
