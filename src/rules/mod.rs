//! Rule packs: load the TOML files of a pack folder ([`load`]), check and compile them
//! ([`compile`]) into a [`Pack`] the matcher and scorer run. The format is documented
//! for QA leads in `rules/README.md`.

pub mod compile;
pub mod describe;
mod lint;
pub mod load;
pub mod model;
pub mod pack;

pub use pack::Pack;

#[cfg(test)]
mod schema_tests;
#[cfg(test)]
mod tests;

use crate::diagnostic::{Diagnostic, Severity, SourceMap};
use std::path::Path;

/// A loaded pack with its diagnostics: `pack` is `Some` only when there is no error.
pub struct Checked {
    /// The compiled pack, if the files have no errors.
    pub pack: Option<Pack>,
    /// Errors and warnings, in file and position order.
    pub diagnostics: Vec<Diagnostic>,
    /// The files, for rendering diagnostics.
    pub sources: SourceMap,
}

impl Checked {
    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
}

/// Load, check and compile the pack at `dir` (a folder, or a single `.toml` file).
pub fn load_pack(dir: &Path) -> std::io::Result<Checked> {
    let mut loaded = load::load_dir(dir)?;
    let pack = compile::compile(&mut loaded);
    Ok(Checked {
        pack,
        diagnostics: loaded.diagnostics,
        sources: loaded.sources,
    })
}

/// Load, check and compile a pack given as one TOML text.
pub fn load_pack_str(name: &str, text: &str) -> Checked {
    let mut loaded = load::load_str(name, text);
    let pack = compile::compile(&mut loaded);
    Checked {
        pack,
        diagnostics: loaded.diagnostics,
        sources: loaded.sources,
    }
}
