//! Write each [`Table`] as `DIR/<id>.csv` (header row = column names; numbers as plain
//! decimals, no data = empty cell), each file written under a temporary name and renamed.

use super::model::{Cell, Report, Table};
use std::io;
use std::path::{Path, PathBuf};

/// The text of one cell.
pub fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Text(s) => s.clone(),
        Cell::Int(n) => n.to_string(),
        Cell::Num(Some(x)) => x.to_string(),
        Cell::Num(None) => String::new(),
    }
}

/// One table as CSV bytes.
pub fn table_csv(t: &Table) -> io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&t.columns)?;
    for row in &t.rows {
        w.write_record(row.iter().map(cell_text))?;
    }
    w.into_inner().map_err(|e| io::Error::other(e.to_string()))
}

/// Write `bytes` to `path` through a temporary file in the same folder.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// Write every table of the report into `dir` (created if missing); returns the files.
pub fn write_tables(report: &Report, dir: &Path) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut out = Vec::new();
    for t in &report.tables {
        let path = dir.join(format!("{}.csv", t.id));
        write_atomic(&path, &table_csv(t)?)?;
        out.push(path);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_and_quoting() {
        let t = Table {
            id: "x".into(),
            columns: vec!["a".into(), "b".into(), "c".into()],
            rows: vec![
                vec![
                    Cell::Text("x, \"y\"".into()),
                    Cell::Int(-3),
                    Cell::Num(Some(0.125)),
                ],
                vec![Cell::Text(String::new()), Cell::Int(0), Cell::Num(None)],
            ],
            absent: None,
        };
        let s = String::from_utf8(table_csv(&t).unwrap()).unwrap();
        assert_eq!(s, "a,b,c\n\"x, \"\"y\"\"\",-3,0.125\n,0,\n");
    }
}
