//! `manifest.json`: the rule pack's constants, written once per run beside the records.
//!
//! Item names, descriptions, sections, weights, critical flags, drivers with their
//! departments and cost rates, and the CSV columns with their meaning: what a scorecard
//! system or a BI model needs to label the per-call results, without repeating it in
//! every record. The `run_id` ties it to the run's other files.

use crate::rules::Pack;
use serde::{Deserialize, Serialize};

/// The pack manifest of one run.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Manifest {
    /// Always `"manifest"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The run these outputs belong to.
    pub run_id: String,
    /// Rule pack name.
    pub name: String,
    /// Rule pack version.
    pub version: String,
    /// SHA-256 of the pack's files (also in the `calls.jsonl` header line and every CSV
    /// row).
    pub hash: String,
    /// How much evidence the run's records carry (`--evidence`: `all`, `failed`,
    /// `none`).
    #[serde(default)]
    pub evidence: crate::record::EvidenceLevel,
    /// Pack description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Score given to an auto-failed call.
    pub auto_fail_score: f64,
    /// Section ids, in pack order.
    pub sections: Vec<String>,
    /// Scorecard items, in pack order.
    pub items: Vec<ManifestItem>,
    /// Departments.
    pub departments: Vec<ManifestDepartment>,
    /// Contact drivers, in pack order.
    pub drivers: Vec<ManifestDriver>,
    /// `calls.csv` columns, in file order.
    pub csv_columns: Vec<CsvColumn>,
}

/// One scorecard item.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ManifestItem {
    /// Item id (the `item:<id>` CSV column).
    pub id: String,
    /// Human name.
    pub name: String,
    /// What the item checks, for QA leads and agents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Section.
    pub section: String,
    /// Weight in its section.
    pub weight: f64,
    /// Failing it auto-fails the call.
    pub critical: bool,
}

/// One department.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ManifestDepartment {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Cost of one handled hour.
    pub cost_per_hour: f64,
}

/// One contact driver.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ManifestDriver {
    /// Id (taxonomy path such as `billing/dispute`).
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Department id.
    pub department: String,
    /// Cost of one handled hour of this driver.
    pub cost_per_hour: f64,
}

/// One CSV column.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CsvColumn {
    /// Header name.
    pub name: String,
    /// What the cells hold.
    pub description: String,
}

impl Manifest {
    /// The manifest of `pack` for run `run_id`, with the CSV columns as written.
    pub fn new(
        pack: &Pack,
        run_id: &str,
        csv_columns: Vec<CsvColumn>,
        evidence: crate::record::EvidenceLevel,
    ) -> Manifest {
        Manifest {
            kind: "manifest".into(),
            run_id: run_id.into(),
            name: pack.info.name.clone(),
            version: pack.info.version.clone(),
            hash: pack.hash.clone(),
            evidence,
            description: pack.info.description.clone(),
            auto_fail_score: pack.info.auto_fail_score,
            sections: pack.sections.clone(),
            items: pack
                .items
                .iter()
                .map(|i| ManifestItem {
                    id: i.id.clone(),
                    name: i.name.clone(),
                    description: i.description.clone(),
                    section: i.section.clone(),
                    weight: i.weight,
                    critical: i.critical,
                })
                .collect(),
            departments: pack
                .departments
                .iter()
                .map(|d| ManifestDepartment {
                    id: d.id.clone(),
                    name: d.name.clone(),
                    cost_per_hour: d.cost_per_hour,
                })
                .collect(),
            drivers: pack
                .drivers
                .iter()
                .map(|d| ManifestDriver {
                    id: d.id.clone(),
                    name: d.name.clone(),
                    description: d.description.clone(),
                    department: pack
                        .departments
                        .get(d.department as usize)
                        .map(|x| x.id.clone())
                        .unwrap_or_default(),
                    cost_per_hour: d.cost_per_hour,
                })
                .collect(),
            csv_columns,
        }
    }

    /// Read the manifest a previous run left in `dir`, if any (unreadable or foreign
    /// files count as none: the manifest only carries the CSV column order forward).
    pub fn read(dir: &std::path::Path) -> Option<Manifest> {
        let text = std::fs::read_to_string(dir.join("manifest.json")).ok()?;
        serde_json::from_str(&text).ok()
    }
}

/// The JSON Schema of `manifest.json`, as committed in `schemas/manifest.schema.json`.
pub fn manifest_schema() -> String {
    let schema = schemars::schema_for!(Manifest);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
