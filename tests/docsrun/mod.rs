//! Reading the docs for `tests/docs.rs`: fenced shell blocks and the commands in them,
//! Markdown table rows, and running one command line the way a reader would type it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The documentation files whose shell blocks are run, relative to the root.
pub fn doc_files() -> Vec<String> {
    let mut files: Vec<String> = ["README.md", "rules/README.md", "rules/README.zh.md"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut docs: Vec<String> = std::fs::read_dir(root().join("docs"))
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".md"))
                .map(|n| format!("docs/{n}"))
                .collect()
        })
        .unwrap_or_default();
    docs.sort();
    files.extend(docs);
    files.push("corpus/README.md".into());
    files
}

/// A fenced code block.
#[derive(Debug, Clone)]
pub struct Block {
    /// 1-based line of the opening fence.
    pub line: usize,
    /// First word of the info string (`sh`, `toml`, …; empty when none).
    pub lang: String,
    /// `(1-based line, text)` of every line inside the fences.
    pub lines: Vec<(usize, String)>,
    /// The reason of a `<!-- docs-test: skip (reason) -->` comment just before the
    /// block (`Some("")` when the comment gives no reason).
    pub skip: Option<String>,
}

/// Every fenced block of a Markdown text. A fence closes only with a fence of the same
/// character at least as long, so a ```` block may show ``` blocks inside it.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<(char, usize, Block)> = None;
    let mut last_text_line = "";
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let t = raw.trim_start();
        let fence = |t: &str| -> Option<(char, usize)> {
            let c = t.chars().next()?;
            if c != '`' && c != '~' {
                return None;
            }
            let n = t.chars().take_while(|&x| x == c).count();
            (n >= 3).then_some((c, n))
        };
        match open.take() {
            Some((c, n, mut b)) => match fence(t) {
                Some((c2, n2)) if c2 == c && n2 >= n && t[n2..].trim().is_empty() => {
                    out.push(b);
                }
                _ => {
                    b.lines.push((line_no, raw.to_string()));
                    open = Some((c, n, b));
                }
            },
            None => {
                if let Some((c, n)) = fence(t) {
                    let info = t[n..].trim();
                    let skip = last_text_line
                        .trim()
                        .strip_prefix("<!-- docs-test: skip")
                        .and_then(|r| r.strip_suffix("-->"))
                        .map(|r| {
                            r.trim()
                                .trim_start_matches('(')
                                .trim_end_matches(')')
                                .trim()
                                .to_string()
                        });
                    open = Some((
                        c,
                        n,
                        Block {
                            line: line_no,
                            lang: info.split_whitespace().next().unwrap_or("").to_string(),
                            lines: Vec::new(),
                            skip,
                        },
                    ));
                } else if !t.is_empty() {
                    last_text_line = raw;
                }
            }
        }
    }
    out
}

/// Info strings of the blocks whose commands are run.
pub const SHELL_LANGS: [&str; 4] = ["sh", "bash", "shell", "console"];

/// One command line of a shell block.
#[derive(Debug, Clone)]
pub struct Cmd {
    /// 1-based line where the command starts.
    pub line: usize,
    /// The command as written (continuations joined).
    pub written: String,
    /// What is run (`cargo run … --` rewritten to `callscore`).
    pub run: Option<String>,
    /// The exit code the doc states (`# exits N`), else 0.
    pub expect: i32,
}

/// The commands of a shell block: continuation lines joined, comment lines dropped, in a
/// `console` block only the `$ ` lines. `cargo` lines other than `cargo run` get
/// `run = None` (they would build the project inside the test).
pub fn commands(b: &Block) -> Vec<Cmd> {
    let mut out = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (line, raw) in &b.lines {
        let mut text = raw.trim().to_string();
        if pending.is_none() {
            if b.lang == "console" {
                match text.strip_prefix("$ ") {
                    Some(rest) => text = rest.to_string(),
                    None => continue,
                }
            }
            if text.is_empty() || text.starts_with('#') {
                continue;
            }
        }
        let (start, mut joined) = pending.take().unwrap_or((*line, String::new()));
        if let Some(head) = text.strip_suffix('\\') {
            joined.push_str(head.trim_end());
            joined.push(' ');
            pending = Some((start, joined));
            continue;
        }
        joined.push_str(&text);
        out.push(command(start, joined));
    }
    if let Some((start, joined)) = pending {
        out.push(command(start, joined));
    }
    out
}

fn command(line: usize, written: String) -> Cmd {
    let expect = written
        .rsplit_once('#')
        .and_then(|(_, c)| c.trim().strip_prefix("exits "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    let run = if let Some(rest) = written.strip_prefix("cargo run") {
        // `cargo run [--release] [-q] -- ARGS` → `callscore ARGS`.
        let args = match rest.split_once(" -- ") {
            Some((_, args)) => args.to_string(),
            None => String::new(),
        };
        Some(format!("callscore {args}").trim_end().to_string())
    } else if written.starts_with("cargo ") {
        None
    } else {
        Some(written.clone())
    };
    Cmd {
        line,
        written,
        run,
        expect,
    }
}

/// What one command did.
pub struct Ran {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub timed_out: bool,
}

/// Run `line` with `bash -o pipefail -c` in `cwd`, with `callscore` on the PATH first
/// (`bin_dir`), no standard input, and a time limit.
pub fn run_line(line: &str, cwd: &Path, bin_dir: &Path, limit: Duration) -> Ran {
    let logs = tempfile::tempdir().expect("tempdir");
    let out_path = logs.path().join("stdout");
    let err_path = logs.path().join("stderr");
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut child = Command::new("bash")
        .args(["-o", "pipefail", "-c", line])
        .current_dir(cwd)
        .env("PATH", path)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).expect("stdout file"))
        .stderr(std::fs::File::create(&err_path).expect("stderr file"))
        .spawn()
        .expect("bash runs");
    let started = Instant::now();
    let (code, timed_out) = loop {
        match child.try_wait().expect("wait") {
            Some(status) => break (status.code(), false),
            None if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                break (None, true);
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    let read =
        |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
    Ran {
        code,
        stdout: read(&out_path),
        stderr: read(&err_path),
        timed_out,
    }
}

/// Copy a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let e = e.expect("dir entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("file type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy file");
        }
    }
}

/// The last `n` lines of a text, indented, for a failure message.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let from = lines.len().saturating_sub(n);
    lines[from..]
        .iter()
        .map(|l| format!("    | {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The cells of a Markdown table row (`| a | b |` → `["a", "b"]`), or `None`.
pub fn row_cells(line: &str) -> Option<Vec<String>> {
    let t = line.trim();
    let inner = t.strip_prefix('|')?.strip_suffix('|')?;
    // `\|` inside a cell is a literal bar.
    let marked = inner.replace("\\|", "\u{0}");
    Some(
        marked
            .split('|')
            .map(|c| c.replace('\u{0}', "|").trim().to_string())
            .collect(),
    )
}

/// The text between backticks in every inline code span of `line`.
pub fn code_spans(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find('`') {
        let ticks = rest[start..].chars().take_while(|&c| c == '`').count();
        let after = &rest[start + ticks..];
        let close = "`".repeat(ticks);
        match after.find(&close) {
            Some(end) => {
                out.push(after[..end].trim().to_string());
                rest = &after[end + ticks..];
            }
            None => break,
        }
    }
    out
}
