//! Labelled input for `suggest`: CSV / TSV or JSON Lines rows with a text and a label,
//! or a call id joined to a corpus of transcripts.
//!
//! A row that cannot be used (bad JSON, no label, an unknown call id) is a [`RowError`]
//! naming its file and line; it is left out and the rest is read. A file that cannot be
//! opened, or whose header lacks a named column, is fatal for that file only.

use crate::input::read::chat_csv::sniff_delimiter;
use crate::input::{InputOptions, Inputs};
use crate::transcript::Speaker;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read as _};
use std::path::{Path, PathBuf};

/// Which columns hold what, and where transcripts come from.
#[derive(Debug, Clone)]
pub struct Columns {
    /// Column of the text (default `text`).
    pub text: String,
    /// Column of the label (default `label`).
    pub label: String,
    /// Column of the call id, used with [`Columns::corpus`] (default `call_id`).
    pub id: String,
    /// Transcripts whose customer turns are the text of the row with their call id.
    /// Empty: the text comes from the text column.
    pub corpus: Vec<PathBuf>,
}

impl Default for Columns {
    fn default() -> Self {
        Columns {
            text: "text".into(),
            label: "label".into(),
            id: "call_id".into(),
            corpus: Vec::new(),
        }
    }
}

/// One labelled text.
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled {
    /// The text (for a joined call: its customer turns, one per line).
    pub text: String,
    /// The label as written (trimmed).
    pub label: String,
}

/// A row that was left out, or a file that could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct RowError {
    /// The file.
    pub file: String,
    /// 1-based line, when the problem is on one row.
    pub line: Option<u64>,
    /// What was wrong.
    pub reason: String,
    /// What to do.
    pub hint: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}: {}", self.file, self.reason)?,
            None => write!(f, "{}: {}", self.file, self.reason)?,
        }
        write!(f, " (hint: {})", self.hint)
    }
}

/// Everything read from the labelled files, in file and row order.
#[derive(Debug, Default)]
pub struct Read {
    /// The usable rows.
    pub rows: Vec<Labelled>,
    /// What was left out, and why.
    pub errors: Vec<RowError>,
}

/// Read every labelled file. Rows of a file that cannot be read at all are missing and
/// the file is one error; the other files are still read.
pub fn read_labelled(files: &[PathBuf], cols: &Columns) -> Read {
    let corpus = if cols.corpus.is_empty() {
        None
    } else {
        Some(customer_texts(&cols.corpus))
    };
    let mut out = Read::default();
    if let Some(Err(e)) = &corpus {
        out.errors.push(e.clone());
        return out;
    }
    let corpus = corpus.and_then(Result::ok);
    for f in files {
        let name = f.display().to_string();
        let raw = match read_rows(f) {
            Ok(r) => r,
            Err(e) => {
                out.errors.push(e);
                continue;
            }
        };
        let (header, rows) = raw;
        let key = match &corpus {
            Some(_) => &cols.id,
            None => &cols.text,
        };
        for want in [key, &cols.label] {
            if let Some(h) = &header
                && !h.iter().any(|c| c == want)
            {
                out.errors.push(RowError {
                    file: name.clone(),
                    line: Some(1),
                    reason: format!("no column `{want}` (the columns are: {})", h.join(", ")),
                    hint: "name the columns with --text-column / --label-column (--id-column with --corpus)".into(),
                });
            }
        }
        if header
            .as_ref()
            .is_some_and(|h| !h.iter().any(|c| c == key) || !h.iter().any(|c| c == &cols.label))
        {
            continue;
        }
        for row in rows {
            let row = match row {
                Ok(r) => r,
                Err(e) => {
                    out.errors.push(e);
                    continue;
                }
            };
            let line = Some(row.line);
            let label = row.get(&cols.label).map(str::trim);
            let Some(label) = label else {
                out.errors.push(RowError {
                    file: name.clone(),
                    line,
                    reason: format!("the row has no `{}`", cols.label),
                    hint: "give every row a label (an empty label means: no driver)".into(),
                });
                continue;
            };
            let text = match &corpus {
                None => row.get(&cols.text).map(str::to_string),
                Some(c) => {
                    let id = row.get(&cols.id).unwrap_or("").trim();
                    match c.get(id) {
                        Some(t) => Some(t.clone()),
                        None => {
                            out.errors.push(RowError {
                                file: name.clone(),
                                line,
                                reason: format!("call id `{id}` is not in the corpus"),
                                hint: "check the --corpus paths and the --id-column".into(),
                            });
                            continue;
                        }
                    }
                }
            };
            match text {
                Some(t) if !t.trim().is_empty() => out.rows.push(Labelled {
                    text: t,
                    label: label.to_string(),
                }),
                _ => out.errors.push(RowError {
                    file: name.clone(),
                    line,
                    reason: format!("the row has no text in `{}`", cols.text),
                    hint: "leave the row out, or fill in its text".into(),
                }),
            }
        }
    }
    out
}

/// One row: its fields by column name and its line.
struct Row {
    line: u64,
    fields: Vec<(String, String)>,
}

impl Row {
    fn get(&self, col: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == col)
            .map(|(_, v)| v.as_str())
    }
}

type Rows = (Option<Vec<String>>, Vec<Result<Row, RowError>>);

/// The rows of a CSV / TSV (header line first) or JSON Lines file, decided by extension
/// (`.csv`, `.tsv`, `.tab`; everything else is JSON Lines). A `.csv` file's delimiter is
/// sniffed from its header line as for chat exports (`,`, `;` or tab): spreadsheets set
/// to a European locale write `text;label`.
fn read_rows(path: &Path) -> Result<Rows, RowError> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| RowError {
        file: name.clone(),
        line: None,
        reason: format!("cannot open: {e}"),
        hint: "check the path".into(),
    })?;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "csv" => {
            let mut reader = BufReader::new(file);
            let mut header = String::new();
            // An unreadable header line is reported by the CSV reader below.
            let _ = reader.read_line(&mut header);
            let delim = sniff_delimiter(&header);
            read_csv(
                std::io::Cursor::new(header).chain(reader),
                delim,
                false,
                &name,
            )
        }
        "tsv" | "tab" => read_csv(BufReader::new(file), b'\t', true, &name),
        _ => Ok((None, read_jsonl(file, &name))),
    }
}

/// `tsv`: a `.tsv` / `.tab` file, which quotes nothing (a `"` inside a text is a
/// character); a `.csv` file quotes, whatever its delimiter.
fn read_csv(input: impl std::io::Read, delim: u8, tsv: bool, name: &str) -> Result<Rows, RowError> {
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .quoting(!tsv)
        .from_reader(input);
    let header: Vec<String> = r
        .headers()
        .map_err(|e| RowError {
            file: name.to_string(),
            line: Some(1),
            reason: format!("cannot read the header line: {e}"),
            hint: "the first line names the columns, e.g. `text,label`".into(),
        })?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    let mut rows = Vec::new();
    for rec in r.records() {
        match rec {
            Ok(rec) => {
                let line = rec.position().map_or(0, |p| p.line());
                rows.push(Ok(Row {
                    line,
                    fields: header
                        .iter()
                        .cloned()
                        .zip(rec.iter().map(str::to_string))
                        .collect(),
                }));
            }
            Err(e) => rows.push(Err(RowError {
                file: name.to_string(),
                line: e.position().map(|p| p.line()),
                reason: format!("not a CSV row: {e}"),
                hint: "fix the quoting of this row".into(),
            })),
        }
    }
    Ok((Some(header), rows))
}

fn read_jsonl(file: std::fs::File, name: &str) -> Vec<Result<Row, RowError>> {
    let mut rows = Vec::new();
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let n = i as u64 + 1;
        let bad = |reason: String| RowError {
            file: name.to_string(),
            line: Some(n),
            reason,
            hint: "each line is one JSON object, e.g. {\"text\": \"…\", \"label\": \"…\"}".into(),
        };
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                rows.push(Err(bad(format!("cannot read the line: {e}"))));
                continue;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&line) {
            Ok(obj) => rows.push(Ok(Row {
                line: n,
                fields: obj
                    .into_iter()
                    .filter_map(|(k, v)| {
                        let s = match v {
                            serde_json::Value::String(s) => s,
                            serde_json::Value::Null => return None,
                            other => other.to_string(),
                        };
                        Some((k, s))
                    })
                    .collect(),
            })),
            Err(e) => rows.push(Err(bad(format!("not a JSON object: {e}")))),
        }
    }
    rows
}

/// Call id → the customer's turns (one per line) of every call under `paths`.
fn customer_texts(paths: &[PathBuf]) -> Result<HashMap<String, String>, RowError> {
    let opts = InputOptions {
        paths: paths.to_vec(),
        ..Default::default()
    };
    let inputs = Inputs::open(opts).map_err(|e| RowError {
        file: paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        line: None,
        reason: format!("cannot read the corpus: {e}"),
        hint: "check the --corpus paths".into(),
    })?;
    let read = inputs.read_all();
    let mut out = HashMap::with_capacity(read.calls.len());
    for c in read.calls {
        let text: Vec<&str> = c
            .turns
            .iter()
            .filter(|t| t.speaker == Speaker::Customer)
            .map(|t| t.text.as_str())
            .collect();
        out.insert(c.call_id.clone(), text.join("\n"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, body: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, body).unwrap();
        p
    }

    #[test]
    fn csv_tsv_and_jsonl_rows_with_named_columns() {
        let d = tempfile::tempdir().unwrap();
        let csv = write(
            d.path(),
            "a.csv",
            "label,text\nrefund,\"I want my money, back\"\n",
        );
        let tsv = write(d.path(), "b.tsv", "msg\ty\nsay \"hi\"\tgreet\n");
        let jl = write(
            d.path(),
            "c.jsonl",
            "{\"text\": \"where is it\", \"label\": \"late\"}\n\n{\"text\": \"x\", \"label\": 3}\n",
        );
        let r = read_labelled(&[csv, jl], &Columns::default());
        assert_eq!(r.errors, vec![]);
        let got: Vec<(&str, &str)> = r
            .rows
            .iter()
            .map(|l| (l.text.as_str(), l.label.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("I want my money, back", "refund"),
                ("where is it", "late"),
                ("x", "3")
            ]
        );
        let cols = Columns {
            text: "msg".into(),
            label: "y".into(),
            ..Default::default()
        };
        let r = read_labelled(&[tsv], &cols);
        assert_eq!(r.rows[0].text, "say \"hi\"");
        assert_eq!(r.rows[0].label, "greet");
    }

    #[test]
    fn bad_rows_are_errors_with_file_and_line_and_the_rest_is_read() {
        let d = tempfile::tempdir().unwrap();
        let jl = write(
            d.path(),
            "c.jsonl",
            "{\"text\": \"ok\", \"label\": \"a\"}\nnot json\n{\"text\": \"no label\"}\n{\"text\": \"  \", \"label\": \"a\"}\n{\"text\": \"ok2\", \"label\": \"b\"}\n",
        );
        let missing = d.path().join("missing.csv");
        let r = read_labelled(&[missing, jl], &Columns::default());
        assert_eq!(r.rows.len(), 2);
        let lines: Vec<Option<u64>> = r.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [None, Some(2), Some(3), Some(4)]);
        assert!(r.errors[0].reason.starts_with("cannot open"));
        assert!(
            r.errors[1]
                .to_string()
                .contains("c.jsonl:2: not a JSON object")
        );
    }

    #[test]
    fn a_missing_column_names_the_columns_there_are() {
        let d = tempfile::tempdir().unwrap();
        let csv = write(d.path(), "a.csv", "utterance,intent\nhello,greet\n");
        let r = read_labelled(&[csv], &Columns::default());
        assert!(r.rows.is_empty());
        assert_eq!(r.errors.len(), 2);
        assert!(r.errors[0].reason.contains("no column `text`"));
        assert!(r.errors[0].reason.contains("utterance, intent"));
    }

    #[test]
    fn call_ids_join_the_customer_turns_of_a_corpus() {
        let d = tempfile::tempdir().unwrap();
        let corpus = d.path().join("calls");
        std::fs::create_dir(&corpus).unwrap();
        write(
            &corpus,
            "c1.txt",
            "Agent: Hello, how can I help?\nCustomer: I was charged twice.\n",
        );
        let labels = write(d.path(), "l.csv", "call_id,label\nc1,billing\nc9,other\n");
        let cols = Columns {
            corpus: vec![corpus],
            ..Default::default()
        };
        let r = read_labelled(&[labels], &cols);
        assert_eq!(r.rows.len(), 1);
        assert_eq!(r.rows[0].text, "I was charged twice.");
        assert_eq!(r.errors.len(), 1);
        assert!(r.errors[0].reason.contains("`c9` is not in the corpus"));
    }
}
