//! Side metadata CSV (`--metadata`): agent, team, survey scores, human QA scores
//! and anything else a WFM/CRM export carries, joined onto calls by `call_id`.
//! Kept apart from the transcripts because most platforms export them apart.
//!
//! The header is required and must have a `call_id` column (aliases: `callid`,
//! `contact_id`, `conversation_id`, `id`). Known columns fill the typed fields;
//! numeric ones (csat, nps, human_qa_score, self_score) must parse, else the error
//! names the line and column. Other columns go to `extra` under their header name.
//! Empty cells are ignored; a repeated call id fills what its first row lacked.

use super::ReadError;
use super::chat_csv::sniff_delimiter;
use super::meta::{self, Key};
use crate::transcript::Metadata;
use std::collections::BTreeMap;

pub(super) fn parse(source: &str, text: &str) -> Result<BTreeMap<String, Metadata>, ReadError> {
    let body = text.trim_start_matches('\u{feff}');
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(body))
        .flexible(true)
        .from_reader(body.as_bytes());
    let raw_headers: Vec<String> = rdr
        .headers()
        .map_err(|e| ReadError::new(source, format!("invalid CSV header: {e}")).at_line(1))?
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
            let mut err = ReadError::new(source, format!("invalid CSV: {e}"));
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
    use crate::transcript::read::tests::fixture;
    use crate::transcript::read::{MetadataTable, ReadOptions, read_document};
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
