//! The one table of file extensions: which files are transcripts, and what each
//! extension claims to be. The walk of a folder, a file named on the command line,
//! the metadata discovery and format detection all ask [`kind_of`], so a file is read
//! (or skipped) the same way however it was found. Content may still overrule the
//! claim (see `detect`): a `.txt` holding WebVTT is read as WebVTT.
//!
//! A `.gz` file is a transcript when the name under `.gz` is (`x.json.gz` is read as a
//! `.json`, `x.jsonl.gz` streamed as JSON Lines): exporters and archives compress single
//! files. Archives of several files (`.zip`, `.tar`, `.7z` …) are not read: the walk
//! reports each one as an error saying to unpack it, rather than skipping it, so no call
//! is left out unnoticed.

use std::path::Path;

/// What a file's extension says it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// `.json`: one JSON document (native, Amazon, Google, Whisper …), or JSON Lines
    /// when it holds one object per line.
    Json,
    /// `.jsonl`, `.ndjson`: JSON Lines, streamed record by record.
    JsonLines,
    /// `.vtt`, `.webvtt`.
    Vtt,
    /// `.srt`.
    Srt,
    /// `.txt`, `.text`, `.log`, `.chat`: plain text or chat export (or any of the
    /// above, recognised by content).
    Text,
    /// `.csv`, `.tsv`: a chat export, or a side metadata table when it has no message
    /// column.
    Csv,
}

/// Every transcript extension with its kind (lower case; matched case-insensitively).
const TABLE: &[(&str, FileKind)] = &[
    ("json", FileKind::Json),
    ("jsonl", FileKind::JsonLines),
    ("ndjson", FileKind::JsonLines),
    ("vtt", FileKind::Vtt),
    ("webvtt", FileKind::Vtt),
    ("srt", FileKind::Srt),
    ("txt", FileKind::Text),
    ("text", FileKind::Text),
    ("log", FileKind::Text),
    ("chat", FileKind::Text),
    ("csv", FileKind::Csv),
    ("tsv", FileKind::Csv),
];

/// The transcript extensions, for messages ("supported extensions: …").
pub const TRANSCRIPT_EXTENSIONS: &[&str] = &[
    "json", "jsonl", "ndjson", "vtt", "webvtt", "srt", "txt", "text", "log", "chat", "csv", "tsv",
];

/// The kind of `path` by its extension (for `.gz`, the extension under it); `None` for a
/// file that is not a transcript (it is skipped and counted).
pub fn kind_of(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_str()?;
    let name = strip_suffix_ignore_case(name, ".gz").unwrap_or(name);
    let (stem, ext) = name.rsplit_once('.')?;
    if stem.is_empty() {
        return None;
    }
    TABLE
        .iter()
        .find(|(e, _)| e.eq_ignore_ascii_case(ext))
        .map(|(_, k)| *k)
}

/// True for a gzip-compressed file (`.gz`), read through a decompressor.
pub fn is_gzip(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| strip_suffix_ignore_case(n, ".gz").is_some())
}

/// Archives of several files, which are not read, with what each one is.
const ARCHIVES: &[(&str, &str)] = &[
    (".zip", "a ZIP archive"),
    (".tar.gz", "a tar archive"),
    (".tgz", "a tar archive"),
    (".tar", "a tar archive"),
    (".tar.bz2", "a tar archive"),
    (".tar.xz", "a tar archive"),
    (".tar.zst", "a tar archive"),
    (".7z", "a 7-Zip archive"),
    (".rar", "a RAR archive"),
];

/// What archive `path` is (`None` if it is not one of [`ARCHIVES`]): such files are
/// reported as errors, never skipped.
pub fn archive_of(path: &Path) -> Option<&'static str> {
    let name = path.file_name()?.to_str()?;
    ARCHIVES
        .iter()
        .find(|(suffix, _)| strip_suffix_ignore_case(name, suffix).is_some_and(|s| !s.is_empty()))
        .map(|(_, what)| *what)
}

fn strip_suffix_ignore_case<'a>(name: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = name.len().checked_sub(suffix.len())?;
    (name.is_char_boundary(cut) && name[cut..].eq_ignore_ascii_case(suffix)).then(|| &name[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_table_for_messages_and_lookups() {
        let from_table: Vec<&str> = TABLE.iter().map(|(e, _)| *e).collect();
        assert_eq!(from_table, TRANSCRIPT_EXTENSIONS);
        assert_eq!(kind_of(Path::new("a/B.WEBVTT")), Some(FileKind::Vtt));
        assert_eq!(kind_of(Path::new("x.tsv")), Some(FileKind::Csv));
        assert_eq!(kind_of(Path::new("x.md")), None);
        assert_eq!(kind_of(Path::new("noext")), None);
        assert_eq!(kind_of(Path::new(".json")), None);
    }

    #[test]
    fn gzip_files_are_what_is_under_the_gz() {
        assert_eq!(kind_of(Path::new("a/x.json.gz")), Some(FileKind::Json));
        assert_eq!(kind_of(Path::new("x.JSONL.GZ")), Some(FileKind::JsonLines));
        assert_eq!(kind_of(Path::new("x.md.gz")), None);
        assert_eq!(kind_of(Path::new("x.gz")), None);
        assert!(is_gzip(Path::new("x.vtt.Gz")));
        assert!(!is_gzip(Path::new("x.vtt")));
    }

    #[test]
    fn archives_are_named() {
        assert_eq!(archive_of(Path::new("calls.ZIP")), Some("a ZIP archive"));
        assert_eq!(archive_of(Path::new("calls.tar.gz")), Some("a tar archive"));
        assert_eq!(kind_of(Path::new("calls.tar.gz")), None);
        assert_eq!(archive_of(Path::new("calls.json.gz")), None);
        assert_eq!(archive_of(Path::new(".zip")), None);
        assert_eq!(archive_of(Path::new("x.json")), None);
    }
}
