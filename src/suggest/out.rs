//! Writing a suggested pack to its folder, and checking it the way `callscore check` and
//! `callscore test` will: the pack must load without a diagnostic and pass its own
//! examples and tests before `suggest` says it is done.

use super::SuggestError;
use std::path::{Path, PathBuf};

/// Folder for the output: created, and refused when it holds anything.
pub(super) fn prepare_out(out: &Path) -> Result<(), SuggestError> {
    if out.exists() {
        let mut it = std::fs::read_dir(out).map_err(|e| SuggestError::Write {
            path: out.to_path_buf(),
            source: e,
        })?;
        if it.next().is_some() {
            return Err(SuggestError::OutNotEmpty(out.to_path_buf()));
        }
    }
    std::fs::create_dir_all(out).map_err(|e| SuggestError::Write {
        path: out.to_path_buf(),
        source: e,
    })
}

pub(super) struct Writer<'a> {
    pub(super) out: &'a Path,
    pub(super) files: Vec<PathBuf>,
}

impl Writer<'_> {
    pub(super) fn put(&mut self, rel: &str, text: &str) -> Result<(), SuggestError> {
        let path = self.out.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| SuggestError::Write {
                path: dir.to_path_buf(),
                source: e,
            })?;
        }
        std::fs::write(&path, text).map_err(|e| SuggestError::Write {
            path: path.clone(),
            source: e,
        })?;
        if !self.files.iter().any(|f| f == Path::new(rel)) {
            self.files.push(PathBuf::from(rel));
        }
        Ok(())
    }
}

/// Load the pack written at `out`, or say why not.
pub(super) fn load_written(out: &Path) -> Result<crate::rules::Pack, SuggestError> {
    let checked =
        crate::rules::load_pack(out).map_err(|e| SuggestError::SelfCheck(e.to_string()))?;
    if let Some(d) = checked.diagnostics.first() {
        return Err(SuggestError::SelfCheck(d.render_concise(&checked.sources)));
    }
    checked
        .pack
        .ok_or_else(|| SuggestError::SelfCheck("the pack has errors".into()))
}

/// Load the written pack and run its examples and tests: all must pass.
pub(super) fn self_test(out: &Path) -> Result<(), SuggestError> {
    let pack = load_written(out)?;
    if let Some(r) = crate::ruletest::run_examples(&pack)
        .into_iter()
        .find(|r| !r.passed())
    {
        return Err(SuggestError::SelfCheck(format!(
            "example {} of driver {} fails",
            r.index + 1,
            r.id
        )));
    }
    let tests = out.join("tests");
    if tests.is_dir() {
        for f in crate::ruletest::mdtest::test_files(&tests) {
            let r = crate::ruletest::mdtest::run_file(&pack, &f);
            if !r.passed() {
                return Err(SuggestError::SelfCheck(format!("{} fails", f.display())));
            }
        }
    }
    Ok(())
}
