//! Connection services (`pg_service.conf`), as libpq reads them: the user's file
//! (`PGSERVICEFILE`, else `~/.pg_service.conf`) first, then the system's
//! (`PGSYSCONFDIR/pg_service.conf`, else Debian's `/etc/postgresql-common/pg_service.conf`).
//! A file is INI-like: `[name]` then `key=value` lines; `#` starts a comment line. The
//! first file holding the service gives all its values.

use super::{ConnInfoError, Env};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The `[name]` section of `text`, if present.
pub fn section(text: &str, name: &str) -> Option<BTreeMap<String, String>> {
    let mut found: Option<BTreeMap<String, String>> = None;
    let mut inside = false;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(h) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            if found.is_some() && inside {
                break;
            }
            inside = h.trim() == name;
            if inside {
                found = Some(BTreeMap::new());
            }
            continue;
        }
        if inside && let (Some(map), Some((k, v))) = (found.as_mut(), line.split_once('=')) {
            map.insert(k.trim().to_string(), v.trim().to_string());
        }
    }
    found
}

/// The files to look in, in order.
fn files(env: Env<'_>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    match env("PGSERVICEFILE") {
        Some(f) => out.push(PathBuf::from(f)),
        None => {
            if let Some(h) = env("HOME") {
                out.push(Path::new(&h).join(".pg_service.conf"));
            }
        }
    }
    let sys = env("PGSYSCONFDIR").unwrap_or_else(|| "/etc/postgresql-common".into());
    out.push(Path::new(&sys).join("pg_service.conf"));
    out
}

/// The file holding service `name` and its values.
pub fn find(
    name: &str,
    env: Env<'_>,
) -> Result<(PathBuf, BTreeMap<String, String>), ConnInfoError> {
    let files = files(env);
    for f in &files {
        if let Ok(text) = std::fs::read_to_string(f)
            && let Some(values) = section(&text, name)
        {
            return Ok((f.clone(), values));
        }
    }
    Err(ConnInfoError::NoService {
        name: name.into(),
        looked: files
            .iter()
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
    })
}
