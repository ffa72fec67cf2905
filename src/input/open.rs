//! Opening an input file safely: only regular files are opened (a FIFO would block the
//! run forever, a device would feed it endless bytes), every failure becomes a
//! [`ReadError`] that says which of the usual things happened (the file vanished
//! after the folder was listed, a broken or looping symbolic link, no permission),
//! and `.gz` files are decompressed with their decompressed size bounded.

use super::common::ReadError;
use std::fs::{File, Metadata};
use std::io::{ErrorKind, Read};
use std::path::Path;

/// What a file that is not a regular file is, in words (`None` for a regular file).
pub(crate) fn special_kind(m: &std::fs::FileType) -> Option<&'static str> {
    use std::os::unix::fs::FileTypeExt;
    if m.is_file() {
        None
    } else if m.is_dir() {
        Some("a folder")
    } else if m.is_fifo() {
        Some("a FIFO (named pipe)")
    } else if m.is_socket() {
        Some("a socket")
    } else if m.is_char_device() {
        Some("a character device")
    } else if m.is_block_device() {
        Some("a block device")
    } else {
        Some("not a regular file")
    }
}

/// The error for a special file (FIFO, socket, device), which is never opened.
pub(crate) fn special_file_error(source: &str, kind: &str) -> ReadError {
    ReadError::new(
        source,
        format!(
            "{kind}, not a regular file: not read (reading it could wait forever or never end)"
        ),
    )
    .with_hint("copy its content into a regular file, or pipe it in with `callscore run -`")
}

/// The error for a failed `stat` or `open` of `path`.
pub(crate) fn open_error(path: &Path, source: &str, e: &std::io::Error) -> ReadError {
    if e.raw_os_error() == Some(libc::ELOOP) {
        return ReadError::new(
            source,
            "symbolic link loop: the link leads back to itself, so there is no file to read",
        )
        .with_hint("fix or remove the link");
    }
    match e.kind() {
        ErrorKind::NotFound if std::fs::symlink_metadata(path).is_ok() => {
            let target = std::fs::read_link(path)
                .map(|t| t.display().to_string())
                .unwrap_or_else(|_| "?".into());
            ReadError::new(
                source,
                format!("broken symbolic link: its target {target} does not exist"),
            )
            .with_hint("fix or remove the link")
        }
        ErrorKind::NotFound => ReadError::new(
            source,
            "the file disappeared after the folder was listed (moved or deleted during the run)",
        )
        .with_hint(
            "run again once the export is complete; exporters should write elsewhere and move finished files in",
        ),
        ErrorKind::PermissionDenied => ReadError::new(source, "permission denied: cannot read the file")
            .with_hint("give the user running callscore read permission, or leave the file out"),
        _ => ReadError::new(source, format!("cannot open file: {e}"))
            .with_hint("check the path, the disk and the permissions"),
    }
}

/// Open `path` for reading if it is a regular file (links followed). The file type is
/// checked before opening and again on the open file (it may have been replaced in
/// between); the open itself never blocks (`O_NONBLOCK`, which does nothing to a
/// regular file).
pub(crate) fn open_regular(path: &Path, source: &str) -> Result<(File, Metadata), ReadError> {
    use std::os::unix::fs::OpenOptionsExt;
    let before = std::fs::metadata(path).map_err(|e| open_error(path, source, &e))?;
    if let Some(kind) = special_kind(&before.file_type()) {
        return Err(special_file_error(source, kind));
    }
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(|e| open_error(path, source, &e))?;
    let m = f.metadata().map_err(|e| open_error(path, source, &e))?;
    if let Some(kind) = special_kind(&m.file_type()) {
        return Err(special_file_error(source, kind));
    }
    Ok((f, m))
}

/// Read a whole regular file, at most `max` bytes: its bytes, or the error (over the
/// limit, or changed while read).
pub(crate) fn read_whole(path: &Path, source: &str, max: u64) -> Result<Vec<u8>, ReadError> {
    let (f, m) = open_regular(path, source)?;
    if super::ext::is_gzip(path) {
        // Gunzip itself fails past `max`, with the error that says so.
        return match read_at_most(Gunzip::new(f, source, max), max, Vec::new()) {
            Ok(Some(out)) => Ok(out),
            Ok(None) => Err(super::lines::too_large(
                source,
                "decompressed, the file",
                None,
                max,
            )),
            Err(e) => Err(io_to_read_error(source, &e)),
        };
    }
    read_sized(f, m.len(), source, max)
}

/// Read `r`, a file that was `len` bytes when opened, whole: at most `max` bytes. A
/// file over the limit is an error before anything is read; one whose size changed
/// while it was read (still being written, or cut short) is an error too, as its
/// bytes may end in the middle of a call.
pub(crate) fn read_sized(
    r: impl Read,
    len: u64,
    source: &str,
    max: u64,
) -> Result<Vec<u8>, ReadError> {
    if len > max {
        return Err(super::lines::too_large(source, "the file", Some(len), max));
    }
    let mut out = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    r.take(max.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| io_to_read_error(source, &e))?;
    let n = out.len() as u64;
    if n > max {
        return Err(super::lines::too_large(source, "the file", None, max));
    }
    if n != len {
        return Err(ReadError::new(
            source,
            format!(
                "the file changed while it was read ({len} bytes when opened, {n} bytes read): it is still being written or was cut short"
            ),
        )
        .with_hint("run again once the export is complete; exporters should write elsewhere and move finished files in"));
    }
    Ok(out)
}

/// Size of the pieces [`read_at_most`] reads in.
const PIECE: usize = 4 << 20;

/// Read `r` to its end after `head` (bytes already read from it), keeping at most `max`
/// bytes in all: `Some(bytes)`, or `None` when there is more. For inputs whose size is
/// not known in advance (stdin, a decompressed `.gz`): read in pieces, then put together
/// in one buffer of the exact size, so memory holds the input and one piece more, never
/// a buffer grown by doubling (up to twice the limit for an input just over it).
pub(crate) fn read_at_most(
    r: impl Read,
    max: u64,
    head: Vec<u8>,
) -> std::io::Result<Option<Vec<u8>>> {
    let mut total = head.len() as u64;
    if total > max {
        return Ok(None);
    }
    let mut r = r.take(max - total + 1);
    let mut pieces = vec![head];
    loop {
        let mut piece = Vec::with_capacity(PIECE);
        let n = (&mut r).take(PIECE as u64).read_to_end(&mut piece)?;
        if n == 0 {
            break;
        }
        total += n as u64;
        if total > max {
            return Ok(None);
        }
        pieces.push(piece);
    }
    Ok(Some(concat(pieces, total)))
}

/// `pieces` in one buffer of `len` bytes (their total), each piece freed once copied: at
/// most one piece more than `len` is held at any time (the buffer's pages are only
/// resident once written).
pub(crate) fn concat(mut pieces: Vec<Vec<u8>>, len: u64) -> Vec<u8> {
    if pieces.len() == 1 {
        return pieces.pop().unwrap_or_default();
    }
    let mut out = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    for p in pieces {
        out.extend_from_slice(&p);
    }
    out
}

/// A read error as a [`ReadError`] (the gzip layer's own errors kept as they are).
pub(crate) fn io_to_read_error(source: &str, e: &std::io::Error) -> ReadError {
    if let Some(inner) = e.get_ref().and_then(|i| i.downcast_ref::<ReadError>()) {
        return inner.clone();
    }
    ReadError::new(source, format!("read error: {e}")).with_hint(
        "check the file (a disk or network error, or a file cut short while it was copied)",
    )
}

/// A `.gz` file decompressed as it is read (all members of a multi-member file), with
/// the decompressed size bounded: past `max` bytes, or on a damaged stream, the read
/// fails with a [`ReadError`] inside the `io::Error` that says what happened.
pub(crate) struct Gunzip<R: Read = File> {
    inner: flate2::read::MultiGzDecoder<std::io::BufReader<R>>,
    source: String,
    max: u64,
    read: u64,
}

impl<R: Read> Gunzip<R> {
    /// Decompress `f` (named `source` in errors), at most `max` bytes.
    pub(crate) fn new(f: R, source: &str, max: u64) -> Self {
        Gunzip {
            inner: flate2::read::MultiGzDecoder::new(std::io::BufReader::with_capacity(1 << 16, f)),
            source: source.to_string(),
            max,
            read: 0,
        }
    }
}

impl<R: Read> Read for Gunzip<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf).map_err(|e| {
            std::io::Error::other(
                ReadError::new(&self.source, format!("not a valid gzip file: {e}"))
                    .with_hint("the .gz file is damaged or cut short: copy or export it again (check it with `gzip -t`)"),
            )
        })?;
        self.read += n as u64;
        if self.read > self.max {
            return Err(std::io::Error::other(
                ReadError::new(
                    &self.source,
                    format!(
                        "decompressed, the file is more than the limit of {} bytes (--max-file-size {}): a gzip bomb, or an export too large to read whole",
                        self.max,
                        super::lines::mib(self.max)
                    ),
                )
                .with_hint("decompress it and check it; raise --max-file-size MiB if it is a real export"),
            ));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    #[test]
    fn a_file_that_grows_or_shrinks_while_read_is_an_error() {
        // What `read_whole` sees when a file is written to while it is read: the size
        // when it was opened differs from the bytes read.
        let grew = read_sized(Cursor::new(vec![b'a'; 150]), 100, "grow.json", 1000).unwrap_err();
        assert_eq!(grew.source, "grow.json");
        assert!(
            grew.reason.contains(
                "the file changed while it was read (100 bytes when opened, 150 bytes read)"
            ),
            "{}",
            grew.reason
        );
        assert!(
            grew.hint
                .unwrap()
                .contains("run again once the export is complete")
        );
        let shrank = read_sized(Cursor::new(vec![b'a'; 40]), 100, "cut.json", 1000).unwrap_err();
        assert!(
            shrank
                .reason
                .contains("(100 bytes when opened, 40 bytes read)"),
            "{}",
            shrank.reason
        );
        // Grown past the limit while read: the limit is what is reported.
        let over = read_sized(Cursor::new(vec![b'a'; 2000]), 100, "big.json", 1000).unwrap_err();
        assert!(
            over.reason.contains("more than the limit of 1000"),
            "{}",
            over.reason
        );
        // Unchanged: the bytes.
        assert_eq!(
            read_sized(Cursor::new(b"abc".to_vec()), 3, "ok.json", 1000).unwrap(),
            b"abc"
        );
    }

    #[test]
    fn reads_of_unknown_size_stop_past_the_limit() {
        let data: Vec<u8> = (0..10_000_000u32).map(|i| i as u8).collect();
        let head = data[..5].to_vec();
        let all = read_at_most(Cursor::new(data[5..].to_vec()), 10_000_000, head.clone());
        assert_eq!(all.unwrap().unwrap(), data);
        let over = read_at_most(Cursor::new(data[5..].to_vec()), 9_999_999, head);
        assert!(over.unwrap().is_none());
        assert_eq!(
            read_at_most(Cursor::new(vec![]), 0, vec![])
                .unwrap()
                .unwrap(),
            b""
        );
        assert!(
            read_at_most(Cursor::new(vec![]), 2, b"abc".to_vec())
                .unwrap()
                .is_none()
        );
        assert_eq!(
            concat(vec![b"ab".to_vec(), vec![], b"c".to_vec()], 3),
            b"abc"
        );
    }

    #[test]
    fn open_errors_say_what_happened() {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("gone.json");
        let e = open_error(
            &gone,
            "gone.json",
            &std::io::Error::from(ErrorKind::NotFound),
        );
        assert!(
            e.reason
                .contains("the file disappeared after the folder was listed")
        );
        // Root is never denied by file modes, so the error is made here: what a user
        // without read permission gets.
        let e = open_error(
            &gone,
            "locked.json",
            &std::io::Error::from(ErrorKind::PermissionDenied),
        );
        assert_eq!(e.reason, "permission denied: cannot read the file");
        assert!(e.hint.unwrap().contains("read permission"));
        let e = open_error(
            &gone,
            "loop.json",
            &std::io::Error::from_raw_os_error(libc::ELOOP),
        );
        assert!(e.reason.starts_with("symbolic link loop"));
        let e = open_error(&gone, "x.json", &std::io::Error::other("disk on fire"));
        assert_eq!(e.reason, "cannot open file: disk on fire");
    }
}
