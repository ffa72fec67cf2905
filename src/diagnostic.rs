//! One diagnostic type for everything a user must fix in their files (rule packs now,
//! rule tests later), and one renderer.
//!
//! Positions are byte spans into a file held by a [`SourceMap`]; line and column are
//! computed only when rendering (1-based line, 1-based column counted in characters),
//! so the loader never has to track them.

mod code;

pub use code::DiagCode;

use serde::Serialize;
use std::ops::Range;
use std::path::{Path, PathBuf};
use unicode_width::UnicodeWidthStr;

/// How bad a diagnostic is. Any `Error` stops a run before transcripts are read;
/// `Warning`s and `Note`s are printed and the run goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The pack cannot be used.
    Error,
    /// Probably a mistake, but the pack still works.
    Warning,
    /// Not a problem in itself: says what was not checked, or why.
    Note,
}

impl Severity {
    /// `error`, `warning` or `note`, as printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// Index of a file in a [`SourceMap`].
pub type FileId = u32;

/// A place in a source file: file and byte range.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Loc {
    /// Which file.
    pub file: FileId,
    /// Byte range in that file (end exclusive).
    pub span: Range<usize>,
}

/// The files diagnostics point into, kept so they can quote the offending line.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<(PathBuf, String)>,
}

impl SourceMap {
    /// Add a file and its text; returns its id.
    pub fn add(&mut self, path: PathBuf, text: String) -> FileId {
        self.files.push((path, text));
        (self.files.len() - 1) as FileId
    }

    /// The path of a file.
    pub fn path(&self, file: FileId) -> &Path {
        &self.files[file as usize].0
    }

    /// The text of a file.
    pub fn text(&self, file: FileId) -> &str {
        &self.files[file as usize].1
    }

    /// All files, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (&Path, &str)> {
        self.files.iter().map(|(p, t)| (p.as_path(), t.as_str()))
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, file: FileId, offset: usize) -> (usize, usize) {
        let text = self.text(file);
        let offset = text.floor_char_boundary(offset);
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line = text[..offset].matches('\n').count() + 1;
        let col = text[line_start..offset].chars().count() + 1;
        (line, col)
    }
}

/// Something wrong (or suspicious) in a user's file.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// Error, warning or note (always `code.severity()`).
    pub severity: Severity,
    /// What kind of problem: a stable code such as `unknown-key` (see [`DiagCode`]).
    pub code: DiagCode,
    /// Where.
    pub loc: Loc,
    /// What is wrong, in one sentence.
    pub message: String,
    /// What to do about it, if we can say.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A new diagnostic; its severity is the code's.
    pub fn new(code: DiagCode, loc: Loc, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: code.severity(),
            code,
            loc,
            message: message.into(),
            help: None,
        }
    }

    /// Attach a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// `path:line:col: error[code]: message` — one line, for logs, CI and editors.
    pub fn render_concise(&self, sources: &SourceMap) -> String {
        let (line, col) = sources.line_col(self.loc.file, self.loc.span.start);
        format!(
            "{}:{}:{}: {}[{}]: {}",
            sources.path(self.loc.file).display(),
            line,
            col,
            self.severity.as_str(),
            self.code,
            self.message
        )
    }

    /// The concise line, then the offending source line with a caret under the span,
    /// then the help, as rustc and ruff show them.
    pub fn render_full(&self, sources: &SourceMap) -> String {
        let mut out = self.render_concise(sources);
        if self.severity == Severity::Note {
            // A note follows the error it explains and points at the same place: the
            // line and caret would only repeat it.
            if let Some(help) = &self.help {
                out.push_str(&format!("\n  = help: {help}"));
            }
            return out;
        }
        let text = sources.text(self.loc.file);
        let start = text.floor_char_boundary(self.loc.span.start);
        let (line, _) = sources.line_col(self.loc.file, start);
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let src_line = text[line_start..line_end].trim_end_matches('\r');
        let end = text.floor_char_boundary(self.loc.span.end.clamp(start, line_end));
        // Pad and underline by display width, so the caret stays under the span when the
        // line has wide (CJK) characters before or inside it.
        let width = text[start..end].width().max(1);
        let pad = text[line_start..start].width();
        let gutter = line.to_string().len();
        out.push('\n');
        out.push_str(&format!("{:gutter$} |\n", ""));
        out.push_str(&format!("{line} | {src_line}\n"));
        out.push_str(&format!(
            "{:gutter$} | {}{}",
            "",
            " ".repeat(pad),
            "^".repeat(width)
        ));
        if let Some(help) = &self.help {
            out.push_str(&format!("\n{:gutter$} = help: {help}", ""));
        }
        out
    }

    /// A JSON object for editors and CI (`check --format json`).
    pub fn to_json(&self, sources: &SourceMap) -> serde_json::Value {
        let (line, col) = sources.line_col(self.loc.file, self.loc.span.start);
        let (end_line, end_col) = sources.line_col(self.loc.file, self.loc.span.end);
        serde_json::json!({
            "severity": self.severity,
            "code": self.code.as_str(),
            "file": sources.path(self.loc.file).display().to_string(),
            "line": line,
            "column": col,
            "end_line": end_line,
            "end_column": end_col,
            "message": self.message,
            "help": self.help,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let mut sm = SourceMap::default();
        let f = sm.add("a.toml".into(), "x = 1\nname = \"坐席\" oops\n".into());
        let off = sm.text(f).find("oops").unwrap();
        assert_eq!(sm.line_col(f, off), (2, 13));
    }

    #[test]
    fn full_render_puts_caret_under_span() {
        let mut sm = SourceMap::default();
        let f = sm.add("r.toml".into(), "[[item]]\nwindw = 3\n".into());
        let d = Diagnostic::new(
            DiagCode::UnknownKey,
            Loc {
                file: f,
                span: 9..14,
            },
            "unknown key 'windw'",
        )
        .with_help("did you mean 'window'?");
        let text = d.render_full(&sm);
        assert_eq!(
            text,
            "r.toml:2:1: error[unknown-key]: unknown key 'windw'\n  |\n2 | windw = 3\n  | ^^^^^\n  = help: did you mean 'window'?"
        );
    }

    #[test]
    fn caret_is_aligned_by_display_width_after_wide_characters() {
        let mut sm = SourceMap::default();
        let f = sm.add("r.toml".into(), "a = [\"感谢\"], windw = 1\n".into());
        let off = sm.text(f).find("windw").unwrap();
        let d = Diagnostic::new(
            DiagCode::UnknownKey,
            Loc {
                file: f,
                span: off..off + 5,
            },
            "x",
        );
        let text = d.render_full(&sm);
        // "感谢" is 2 characters but 4 columns wide: the caret moves 2 further right.
        assert!(text.starts_with("r.toml:1:13:"), "{text}");
        assert!(text.ends_with("\n  |               ^^^^^"), "{text:?}");
    }
}
