//! The report model: what `report` computes from merged aggregates and what the CSV tables
//! and the HTML dashboard are rendered from. Every view is a set of named tables, so the
//! CSV a BI tool loads and the chart a supervisor reads are the same numbers.

use serde::Serialize;

/// One cell of a table.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    /// Text (ids, names, dates as `YYYY-MM-DD`, comma-free lists joined with `;`).
    Text(String),
    /// Integer count.
    Int(i64),
    /// A measured number (means, rates 0–1, kappa …); `None` = no data (empty CSV cell).
    Num(Option<f64>),
}

/// One table: a CSV file `<id>.csv` and the data behind one chart or list.
#[derive(Debug, Clone, Serialize)]
pub struct Table {
    /// File stem and anchor, e.g. `agent_daily`.
    pub id: String,
    /// Column names (snake_case, documented in docs/dashboard.md).
    pub columns: Vec<String>,
    /// Rows; every row has `columns.len()` cells.
    pub rows: Vec<Vec<Cell>>,
    /// Why the table is empty when it is (e.g. "no CSAT in these calls"); `None` when it has data.
    pub absent: Option<String>,
}

/// Everything a dashboard shows.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Title (from `--title`, default "QA dashboard").
    pub title: String,
    /// First and last day covered (`YYYY-MM-DD`), after `--from/--to`.
    pub from: Option<String>,
    /// Last day.
    pub to: Option<String>,
    /// Rule packs the numbers come from (`name version (hash12)`), and notes such as
    /// "2 runs made with another pack version were left out".
    pub packs: Vec<String>,
    /// Notes shown at the top (coverage gaps, calls without a date …).
    pub notes: Vec<String>,
    /// Tables by id, in display order.
    pub tables: Vec<Table>,
}

impl Report {
    /// The table with this id.
    pub fn table(&self, id: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.id == id)
    }
}
