//! Side metadata CSV (`--metadata`): agent, team, survey scores, human QA scores
//! and anything else a WFM/CRM export carries, joined onto calls by `call_id`.
//! Kept apart from the transcripts because most platforms export them apart.
//!
//! The header is required and must have a `call_id` column (aliases: `callid`,
//! `contact_id`, `conversation_id`, `id`). Known columns fill the typed fields;
//! numeric ones (csat, nps, human_qa_score, self_score) must parse, else the error
//! names the line and column. Other columns go to `extra` under their header name.
//! Empty cells are ignored; a repeated call id fills what its first row lacked.
//!
//! Where tables come from: `--metadata FILE` (an error there is fatal), and every
//! `.csv`/`.tsv` among the inputs whose header has no message column
//! ([`csv_file_is_metadata`]; the walk then does not read it as a transcript).
//! `explain` on one file also loads the tables next to it ([`metadata_near`]).

use super::common::ReadError;
use super::common::meta::{self, Key};
use super::decode::decode;
use super::ext::{FileKind, kind_of};
use super::read::chat_csv::{self, sniff_delimiter};
use crate::transcript::{Call, Metadata};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Metadata from side CSV files, keyed by call id.
#[derive(Debug, Clone, Default)]
pub struct MetadataTable {
    rows: BTreeMap<String, Metadata>,
}

impl MetadataTable {
    /// Load a CSV with a header row that has a `call_id` column (other known columns:
    /// agent, team, queue, channel, started_at, customer_id, csat, nps, human_qa_score,
    /// self_score, language; anything else goes to `extra`).
    pub fn load(path: &Path) -> Result<Self, ReadError> {
        let source = path.display().to_string();
        let bytes = super::open::read_whole(path, &source, super::DEFAULT_MAX_FILE_BYTES).map_err(
            |mut e| {
                e.reason = format!("cannot read metadata file: {}", e.reason);
                e
            },
        )?;
        let text = decode(&bytes, &source, &Default::default())?;
        Self::from_csv_text(&source, &text)
    }

    /// Parse metadata CSV text already in memory; `source` names it in errors. Same
    /// rules as [`MetadataTable::load`].
    pub fn from_csv_text(source: &str, text: &str) -> Result<Self, ReadError> {
        parse(source, text).map(|rows| MetadataTable { rows })
    }

    /// The row for `call_id`, if any.
    pub fn get(&self, call_id: &str) -> Option<&Metadata> {
        self.rows.get(call_id)
    }

    /// Add the rows of another table (rows already present are kept).
    pub fn extend(&mut self, other: MetadataTable) {
        for (k, v) in other.rows {
            self.rows.entry(k).or_insert(v);
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True if there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Fill the metadata fields the call itself does not carry from the row with its id.
    pub fn apply(&self, call: &mut Call) {
        if let Some(row) = self.rows.get(&call.call_id) {
            meta::fill_missing(&mut call.metadata, row);
        }
    }
}

/// True when `text` is a CSV whose header has no message/text column, i.e. a
/// metadata table rather than a chat export. Whether the table has the required
/// `call_id` column is checked by [`MetadataTable::load`], which says so.
pub fn is_metadata_csv(text: &str) -> bool {
    chat_csv::is_metadata_csv(text)
}

/// True for a `.csv`/`.tsv` file whose header (first 64 KiB) has no message column.
pub(crate) fn csv_file_is_metadata(p: &Path) -> bool {
    if kind_of(p) != Some(FileKind::Csv) {
        return false;
    }
    let mut head = Vec::with_capacity(4096);
    // Never open a FIFO or device: it could block the walk.
    let Ok((f, _)) = super::open::open_regular(p, &p.display().to_string()) else {
        return false;
    };
    let ok = f.take(64 * 1024).read_to_end(&mut head);
    ok.is_ok() && is_metadata_csv(&String::from_utf8_lossy(&head))
}

/// Side metadata CSVs that `explain` uses for a single file: those in the file's own
/// folder and in up to two folders above it (a corpus keeps `metadata.csv` at its top,
/// e.g. `corpus/metadata.csv` for `corpus/whisper/x.json`).
pub fn metadata_near(file: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in file.parent().into_iter().flat_map(Path::ancestors).take(3) {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut csvs: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && csv_file_is_metadata(p))
            .collect();
        csvs.sort();
        out.extend(csvs);
    }
    out
}

const CSV_HINT: &str = "save the table again as CSV (UTF-8, one header row, quotes around cells \
     that hold the delimiter, quotes or line breaks)";

fn parse(source: &str, text: &str) -> Result<BTreeMap<String, Metadata>, ReadError> {
    let body = text.trim_start_matches('\u{feff}');
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(body))
        .flexible(true)
        .from_reader(body.as_bytes());
    let raw_headers: Vec<String> = rdr
        .headers()
        .map_err(|e| {
            ReadError::new(source, format!("invalid CSV header: {e}"))
                .at_line(1)
                .with_hint(CSV_HINT)
        })?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    let keys: Vec<Option<Key>> = raw_headers
        .iter()
        .map(|h| {
            if meta::norm_key(h) == "id" {
                Some(Key::CallId)
            } else {
                meta::key_of(h)
            }
        })
        .collect();
    let Some(id_col) = keys.iter().position(|k| *k == Some(Key::CallId)) else {
        return Err(ReadError::new(
            source,
            format!(
                "metadata CSV has no call_id column (columns: {})",
                raw_headers.join(", ")
            ),
        )
        .at_line(1)
        .with_hint(
            "add a call_id column holding each call's id as it appears in the transcripts",
        ));
    };
    let mut rows: BTreeMap<String, Metadata> = BTreeMap::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let mut err = ReadError::new(source, format!("invalid CSV: {e}")).with_hint(CSV_HINT);
            if let Some(p) = e.position() {
                err = err.at_line(p.line());
            }
            err
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let id = rec.get(id_col).unwrap_or("").trim();
        if id.is_empty() {
            return Err(ReadError::new(source, "empty call_id")
                .at_line(line)
                .with_hint("every row needs the id of the call it describes"));
        }
        let mut m = Metadata::default();
        for (i, value) in rec.iter().enumerate() {
            if i == id_col || value.trim().is_empty() {
                continue;
            }
            let Some(header) = raw_headers.get(i) else {
                continue;
            };
            match keys.get(i).copied().flatten() {
                Some(Key::CallId) => {}
                Some(k) => meta::set(&mut m, k, value).map_err(|e| {
                    ReadError::new(source, format!("column {header}: {e}"))
                        .at_line(line)
                        .with_call(id)
                        .with_hint("fix the value or leave the cell empty")
                })?,
                None if !header.is_empty() => {
                    m.extra.insert(header.clone(), value.trim().to_string());
                }
                None => {}
            }
        }
        match rows.get_mut(id) {
            Some(existing) => meta::fill_missing(existing, &m),
            None => {
                rows.insert(id.to_string(), m);
            }
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::MetadataTable;
    use crate::input::ReadOptions;
    use crate::input::read::read_document;
    use crate::input::tests::fixture;
    use std::path::Path;

    #[test]
    fn load_and_apply() {
        let t = MetadataTable::load(Path::new(&fixture("metadata/calls_meta.csv"))).unwrap();
        assert_eq!(t.len(), 3);
        let m = t.get("TXT-501").unwrap();
        assert_eq!(m.agent.as_deref(), Some("sarah.lee"));
        assert_eq!(m.team.as_deref(), Some("retention-east"));
        assert_eq!(m.human_qa_score, Some(71.0));
        assert_eq!(m.extra.get("Region").map(String::as_str), Some("US"));
        assert_eq!(t.get("ZH-88").unwrap().agent.as_deref(), Some("王芳"));

        let text = std::fs::read_to_string(fixture("plain/call_en.txt")).unwrap();
        let (mut calls, _) = read_document(
            "call_en.txt",
            Path::new("call_en.txt"),
            &text,
            &ReadOptions::default(),
        );
        t.apply(&mut calls[0]);
        let md = &calls[0].metadata;
        assert_eq!(
            md.agent.as_deref(),
            Some("Sarah Lee"),
            "the call's own value wins"
        );
        assert_eq!(
            md.team.as_deref(),
            Some("retention-east"),
            "missing field filled"
        );
        assert_eq!(md.csat, Some(2.0));
        assert_eq!(md.human_qa_score, Some(71.0));
        assert_eq!(md.extra.get("Region").map(String::as_str), Some("US"));
    }

    #[test]
    fn errors() {
        let e = MetadataTable::from_csv_text("m.csv", "agent,csat\nbob,5\n").unwrap_err();
        assert_eq!(
            e.reason,
            "metadata CSV has no call_id column (columns: agent, csat)"
        );
        assert!(e.hint.is_some());
        let e = MetadataTable::from_csv_text("m.csv", "call_id,csat\nA,5\nB,five\n").unwrap_err();
        assert_eq!(e.line, Some(3));
        assert_eq!(e.reason, "column csat: expected a number, got \"five\"");
        assert_eq!(e.call_id.as_deref(), Some("B"));
        let e = MetadataTable::load(Path::new("/nonexistent/meta.csv")).unwrap_err();
        assert!(e.reason.starts_with("cannot read metadata file"));
        let t = MetadataTable::from_csv_text("m.csv", "ID;Agent\nA;x\nA;y\n").unwrap();
        assert_eq!(t.get("A").unwrap().agent.as_deref(), Some("x"));
    }
}
