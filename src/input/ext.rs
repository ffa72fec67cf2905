//! The one table of file extensions: which files are transcripts, and what each
//! extension claims to be. The walk of a folder, a file named on the command line,
//! the metadata discovery and format detection all ask [`kind_of`], so a file is read
//! (or skipped) the same way however it was found. Content may still overrule the
//! claim (see `detect`): a `.txt` holding WebVTT is read as WebVTT.

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

/// The kind of `path` by its extension; `None` for a file that is not a transcript
/// (it is skipped and counted).
pub fn kind_of(path: &Path) -> Option<FileKind> {
    let ext = path.extension()?.to_str()?;
    TABLE
        .iter()
        .find(|(e, _)| e.eq_ignore_ascii_case(ext))
        .map(|(_, k)| *k)
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
    }
}
