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
        let mut out = Vec::new();
        return match Gunzip::new(f, source, max).read_to_end(&mut out) {
            Ok(_) => Ok(out),
            Err(e) => Err(io_to_read_error(source, &e)),
        };
    }
    if m.len() > max {
        return Err(super::lines::too_large(
            source,
            "the file",
            Some(m.len()),
            max,
        ));
    }
    let mut out = Vec::with_capacity(usize::try_from(m.len()).unwrap_or(0));
    f.take(max.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| io_to_read_error(source, &e))?;
    let n = out.len() as u64;
    if n > max {
        return Err(super::lines::too_large(source, "the file", None, max));
    }
    if n != m.len() {
        return Err(ReadError::new(
            source,
            format!(
                "the file changed while it was read ({} bytes when opened, {n} bytes read): it is still being written",
                m.len()
            ),
        )
        .with_hint("run again once the export is complete; exporters should write elsewhere and move finished files in"));
    }
    Ok(out)
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
pub(crate) struct Gunzip {
    inner: flate2::read::MultiGzDecoder<std::io::BufReader<File>>,
    source: String,
    max: u64,
    read: u64,
}

impl Gunzip {
    /// Decompress `f` (named `source` in errors), at most `max` bytes.
    pub(crate) fn new(f: File, source: &str, max: u64) -> Self {
        Gunzip {
            inner: flate2::read::MultiGzDecoder::new(std::io::BufReader::with_capacity(1 << 16, f)),
            source: source.to_string(),
            max,
            read: 0,
        }
    }
}

impl Read for Gunzip {
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
