//! The password file (`~/.pgpass`, or `PGPASSFILE`), as libpq reads it.
//!
//! One `hostname:port:database:username:password` per line; `*` matches anything in
//! the first four fields; `\:` and `\\` escape a colon and a backslash; lines starting
//! with `#` are comments. The first matching line wins. A connection over a Unix
//! socket matches the host name `localhost`. A file that the group or others can read
//! or write is ignored with a warning (libpq does the same).

use std::path::Path;

/// Split a line into its fields at unescaped colons, removing the escapes. The fifth
/// field (the password) takes the rest of the line.
fn fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(n), Some(f)) = (chars.next(), out.last_mut()) {
                    f.push(n);
                }
            }
            ':' if out.len() < 5 => out.push(String::new()),
            c => {
                if let Some(f) = out.last_mut() {
                    f.push(c);
                }
            }
        }
    }
    out
}

/// The password of the first line of `text` that matches.
pub fn find(text: &str, host: &str, port: u16, dbname: &str, user: &str) -> Option<String> {
    let host = if host.is_empty() || host.starts_with('/') {
        "localhost"
    } else {
        host
    };
    let port = port.to_string();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(fields)
        .filter(|f| f.len() == 5)
        .find(|f| {
            let m = |field: &str, want: &str| field == "*" || field == want;
            m(&f[0], host) && m(&f[1], &port) && m(&f[2], dbname) && m(&f[3], user)
        })
        .map(|f| f[4].clone())
}

/// Look the password up in `file`. `Ok(None)` when the file does not exist or has no
/// matching line; `Err(warning)` when the file is ignored (its mode, or unreadable).
pub fn lookup(
    file: &Path,
    host: &str,
    port: u16,
    dbname: &str,
    user: &str,
) -> Result<Option<String>, String> {
    use std::os::unix::fs::PermissionsExt;
    let meta = match std::fs::metadata(file) {
        Ok(m) => m,
        Err(_) => return Ok(None),
    };
    if !meta.is_file() {
        return Err(format!(
            "password file {} is not a plain file; it was ignored",
            file.display()
        ));
    }
    if meta.permissions().mode() & 0o077 != 0 {
        return Err(format!(
            "password file {} has group or world access; it was ignored (chmod 600 {})",
            file.display(),
            file.display()
        ));
    }
    let text = std::fs::read_to_string(file).map_err(|e| {
        format!(
            "password file {} cannot be read ({e}); it was ignored",
            file.display()
        )
    })?;
    Ok(find(&text, host, port, dbname, user))
}
