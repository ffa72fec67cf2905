//! The harness shared by the integration test binaries: paths, the `callscore` command
//! builder and JSON Lines reading. (Each test binary uses a different subset.)
#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The repository root (tests run the binary from there).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file under `tests/fixtures/`.
pub fn fixture(p: &str) -> PathBuf {
    root().join("tests/fixtures").join(p)
}

/// The `callscore` binary, run from the repository root, with the user's colour settings
/// removed so output is the same on every machine.
pub fn callscore() -> Command {
    let mut c = Command::cargo_bin("callscore").expect("binary builds");
    c.current_dir(root());
    c.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    c
}

/// Every record of a JSON Lines file (an empty list when the file is missing), without
/// the `{"type": "run"}` header line that starts `calls.jsonl`.
pub fn read_jsonl(p: &Path) -> Vec<Value> {
    std::fs::read_to_string(p)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("valid JSON line"))
        .filter(|v| v["type"] != "run")
        .collect()
}

/// The `calls.jsonl` header line of an output folder (`{"type": "run", "run_id", …}`).
pub fn run_header(out: &Path) -> Value {
    let text = std::fs::read_to_string(out.join("calls.jsonl")).unwrap_or_default();
    serde_json::from_str(text.lines().next().unwrap_or("null")).expect("valid JSON line")
}
