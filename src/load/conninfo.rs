//! Where to connect and as whom, the way PostgreSQL users expect (libpq's rules), so a
//! loader slots into a site's existing setup: a `postgres://` URL or `key=value`
//! string, then a service from `pg_service.conf` (`service=` or `PGSERVICE`), then the
//! `PG*` environment variables, then libpq's defaults; the password from the service
//! file, `PGPASSWORD`, or the password file (`PGPASSFILE`, else `~/.pgpass`).
//!
//! The PostgreSQL client crate parses a connection string but reads no environment,
//! service file or password file, and the crates that add them differ from libpq in
//! precedence and matching (an environment variable overriding the URL, no default
//! port in `.pgpass` matching), so the rules live here, with tests.
//!
//! A password is never accepted from the command line (it would sit in `ps` output
//! and shell history), and [`Target`] has no way to print one: its `Display` is
//! `postgres://user@host:port/dbname`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod pgpass;
mod service;
#[cfg(test)]
mod tests;

pub use pgpass::lookup as pgpass_lookup;

/// What was resolved: everything needed to connect. The password is private and
/// never printed.
#[derive(Clone)]
pub struct Target {
    /// Host name, address, or a Unix-socket folder (starts with `/`).
    pub host: String,
    /// Port.
    pub port: u16,
    /// Role.
    pub user: String,
    /// Database.
    pub dbname: String,
    /// `application_name` (shows in `pg_stat_activity`).
    pub application_name: String,
    /// Connect timeout in seconds (0: none).
    pub connect_timeout: u64,
    /// Server options (`-c key=value`), from `options` or `PGOPTIONS`.
    pub options: Option<String>,
    password: Option<String>,
    /// Where the password came from, to say so when the server refuses it.
    pub password_source: PasswordSource,
    /// Things worth a warning (an ignored password file), already worded.
    pub warnings: Vec<String>,
}

/// Where a password came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordSource {
    /// None was found.
    None,
    /// `PGPASSWORD`.
    Env,
    /// A password file line.
    Passfile(PathBuf),
    /// The service file.
    Service(PathBuf),
}

impl std::fmt::Display for PasswordSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PasswordSource::None => write!(f, "no password"),
            PasswordSource::Env => write!(f, "the password from PGPASSWORD"),
            PasswordSource::Passfile(p) => write!(f, "the password from {}", p.display()),
            PasswordSource::Service(p) => write!(f, "the password from {}", p.display()),
        }
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.host.starts_with('/') {
            write!(
                f,
                "postgres://{}@/{}?host={}&port={}",
                self.user, self.dbname, self.host, self.port
            )
        } else {
            write!(
                f,
                "postgres://{}@{}:{}/{}",
                self.user, self.host, self.port, self.dbname
            )
        }
    }
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Target({self}, {})", self.password_source)
    }
}

/// Why no target could be resolved.
#[derive(Debug, thiserror::Error)]
pub enum ConnInfoError {
    /// The string is not a connection string.
    #[error("{0}")]
    Syntax(String),
    /// A password was given on the command line.
    #[error(
        "the connection string holds a password; passwords are never taken from the command line (ps and shell history show it): set PGPASSWORD, or add a line to ~/.pgpass (host:port:database:user:password, mode 0600) or to a pg_service.conf service"
    )]
    PasswordOnCommandLine,
    /// The service is not in any service file.
    #[error("service {name:?} is in no service file (looked in: {looked})")]
    NoService {
        /// The service.
        name: String,
        /// The files looked at.
        looked: String,
    },
    /// TLS was asked for.
    #[error(
        "sslmode={0}: callscore connects without TLS; connect over a Unix socket or to a server on this machine, or through a tunnel (docs/postgres.md, \"Security\")"
    )]
    Tls(String),
    /// A value does not parse.
    #[error("{key}={value:?} is not valid: {why}")]
    Value {
        /// Keyword.
        key: String,
        /// Value.
        value: String,
        /// Why.
        why: String,
    },
}

/// The environment, as a function (tests pass a map).
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The process environment.
pub fn process_env(key: &str) -> Option<String> {
    std::env::var(key).ok().filter(|v| !v.is_empty())
}

/// Keywords callscore uses; others (libpq has many) are refused so a typo does not
/// pass silently.
const KEYS: &[&str] = &[
    "host",
    "hostaddr",
    "port",
    "user",
    "dbname",
    "password",
    "passfile",
    "service",
    "application_name",
    "connect_timeout",
    "options",
    "sslmode",
];

/// Parse a connection string: `postgres://` / `postgresql://` URL, or libpq
/// `key=value` pairs (values may be single-quoted). Empty: no parameters.
pub fn parse(s: &str) -> Result<BTreeMap<String, String>, ConnInfoError> {
    let s = s.trim();
    let params = if let Some(rest) = s
        .strip_prefix("postgres://")
        .or_else(|| s.strip_prefix("postgresql://"))
    {
        parse_url(rest)?
    } else if s.contains("://") {
        return Err(ConnInfoError::Syntax(format!(
            "{:?} is not a PostgreSQL URL: it must start with postgres:// or postgresql://",
            s.split("://").next().unwrap_or("")
        )));
    } else {
        parse_keywords(s)?
    };
    for k in params.keys() {
        if !KEYS.contains(&k.as_str()) {
            return Err(ConnInfoError::Syntax(format!(
                "unknown connection parameter {k:?} (callscore knows: {})",
                KEYS.join(", ")
            )));
        }
    }
    Ok(params)
}

fn decode(s: &str) -> Result<String, ConnInfoError> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3).unwrap_or("");
            let v = u8::from_str_radix(hex, 16).map_err(|_| {
                ConnInfoError::Syntax(format!("bad percent-escape \"%{hex}\" in the URL"))
            })?;
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| ConnInfoError::Syntax("the URL is not UTF-8".into()))
}

fn parse_url(rest: &str) -> Result<BTreeMap<String, String>, ConnInfoError> {
    let mut p = BTreeMap::new();
    let (main, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, path) = main.split_once('/').unwrap_or((main, ""));
    let hostport = match authority.rsplit_once('@') {
        Some((cred, hp)) => {
            // Refused before anything of it is decoded: a bad escape in the password
            // would otherwise be quoted back in the error.
            if cred.contains(':') {
                return Err(ConnInfoError::PasswordOnCommandLine);
            }
            p.insert("user".into(), decode(cred)?);
            hp
        }
        None => authority,
    };
    if !hostport.is_empty() {
        let (h, port) = if let Some(v6) = hostport.strip_prefix('[') {
            let (h, after) = v6.split_once(']').ok_or_else(|| {
                ConnInfoError::Syntax("an IPv6 host must end with ']'".to_string())
            })?;
            (h, after.strip_prefix(':'))
        } else {
            match hostport.rsplit_once(':') {
                Some((h, port)) => (h, Some(port)),
                None => (hostport, None),
            }
        };
        if !h.is_empty() {
            p.insert("host".into(), decode(h)?);
        }
        if let Some(port) = port.filter(|x| !x.is_empty()) {
            p.insert("port".into(), port.to_string());
        }
    }
    if !path.is_empty() {
        p.insert("dbname".into(), decode(path)?);
    }
    for pair in query.split('&').filter(|x| !x.is_empty()) {
        let (k, v) = pair.split_once('=').ok_or_else(|| {
            ConnInfoError::Syntax(format!("URL parameter {pair:?} has no '=value'"))
        })?;
        let k = decode(k)?;
        if k == "password" {
            return Err(ConnInfoError::PasswordOnCommandLine);
        }
        p.insert(k, decode(v)?);
    }
    Ok(p)
}

fn parse_keywords(s: &str) -> Result<BTreeMap<String, String>, ConnInfoError> {
    let mut p = BTreeMap::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            return Ok(p);
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.next() != Some('=') {
            return Err(ConnInfoError::Syntax(format!(
                "{key:?} has no '=value': write key=value pairs (host=db1 dbname=qa) or a postgres:// URL"
            )));
        }
        // Refused before the value is read: an unquoted password with a space in it
        // would otherwise come back as the name of a "key" in a syntax error.
        if key == "password" {
            return Err(ConnInfoError::PasswordOnCommandLine);
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek() == Some(&'\'') {
            chars.next();
            loop {
                match chars.next() {
                    None => {
                        return Err(ConnInfoError::Syntax(format!(
                            "the quoted value of {key:?} has no closing quote"
                        )));
                    }
                    Some('\\') => value.extend(chars.next()),
                    Some('\'') => break,
                    Some(c) => value.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() {
                    break;
                }
                chars.next();
                if c == '\\' {
                    value.extend(chars.next());
                } else {
                    value.push(c);
                }
            }
        }
        p.insert(key, value);
    }
}

/// The Unix-socket folders libpq builds look in, in order (Debian's, then upstream's).
const SOCKET_DIRS: &[&str] = &["/var/run/postgresql", "/tmp"];

/// Resolve `conn` (a connection string, or `None` for the environment alone) with the
/// environment `env`: libpq's order, connection string > service > environment >
/// defaults; the password from the service, `PGPASSWORD`, or the password file.
pub fn resolve(conn: Option<&str>, env: Env<'_>) -> Result<Target, ConnInfoError> {
    let mut p = parse(conn.unwrap_or(""))?;
    if p.contains_key("password") {
        return Err(ConnInfoError::PasswordOnCommandLine);
    }
    let mut password_source = PasswordSource::None;
    let mut warnings = Vec::new();
    if let Some(name) = p.get("service").cloned().or_else(|| env("PGSERVICE")) {
        let (file, values) = service::find(&name, env)?;
        for (k, v) in values {
            if k == "password" && !p.contains_key("password") {
                password_source = PasswordSource::Service(file.clone());
            }
            if KEYS.contains(&k.as_str()) {
                p.entry(k).or_insert(v);
            }
        }
    }
    for (var, key) in [
        ("PGHOST", "host"),
        ("PGHOSTADDR", "hostaddr"),
        ("PGPORT", "port"),
        ("PGUSER", "user"),
        ("PGDATABASE", "dbname"),
        ("PGAPPNAME", "application_name"),
        ("PGCONNECT_TIMEOUT", "connect_timeout"),
        ("PGOPTIONS", "options"),
        ("PGSSLMODE", "sslmode"),
        ("PGPASSFILE", "passfile"),
    ] {
        if !p.contains_key(key)
            && let Some(v) = env(var)
        {
            p.insert(key.into(), v);
        }
    }
    if !p.contains_key("password")
        && let Some(v) = env("PGPASSWORD")
    {
        p.insert("password".into(), v);
        password_source = PasswordSource::Env;
    }
    match p.get("sslmode").map(String::as_str) {
        None | Some("disable" | "allow" | "prefer") => {}
        Some(m @ ("require" | "verify-ca" | "verify-full")) => {
            return Err(ConnInfoError::Tls(m.to_string()));
        }
        Some(other) => {
            return Err(ConnInfoError::Value {
                key: "sslmode".into(),
                value: other.into(),
                why: "use disable, allow, prefer, require, verify-ca or verify-full".into(),
            });
        }
    }
    let port: u16 = match p.get("port") {
        Some(v) => v.parse().map_err(|_| ConnInfoError::Value {
            key: "port".into(),
            value: v.clone(),
            why: "a port is a number from 1 to 65535".into(),
        })?,
        None => 5432,
    };
    let connect_timeout: u64 = match p.get("connect_timeout") {
        Some(v) => v.parse().map_err(|_| ConnInfoError::Value {
            key: "connect_timeout".into(),
            value: v.clone(),
            why: "seconds, a whole number".into(),
        })?,
        None => 30,
    };
    // `hostaddr` skips name lookup; callscore connects to it and matches `.pgpass` on
    // `host` (libpq does the same).
    let host = p
        .get("hostaddr")
        .or_else(|| p.get("host"))
        .cloned()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| default_host(port));
    let user = p
        .get("user")
        .cloned()
        .filter(|u| !u.is_empty())
        .or_else(|| env("USER"))
        .or_else(|| env("LOGNAME"))
        .unwrap_or_else(|| "postgres".into());
    let dbname = p
        .get("dbname")
        .cloned()
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| user.clone());
    let mut password = p.get("password").cloned();
    if password.is_none() {
        let file = p
            .get("passfile")
            .map(PathBuf::from)
            .or_else(|| env("HOME").map(|h| Path::new(&h).join(".pgpass")));
        if let Some(file) = file {
            let match_host = p.get("host").cloned().unwrap_or_else(|| host.clone());
            match pgpass::lookup(&file, &match_host, port, &dbname, &user) {
                Ok(Some(pw)) => {
                    password = Some(pw);
                    password_source = PasswordSource::Passfile(file);
                }
                Ok(None) => {}
                Err(w) => warnings.push(w),
            }
        }
    }
    Ok(Target {
        host,
        port,
        user,
        dbname,
        application_name: p
            .get("application_name")
            .cloned()
            .unwrap_or_else(|| "callscore load".into()),
        connect_timeout,
        options: p.get("options").cloned(),
        password,
        password_source,
        warnings,
    })
}

/// libpq's default host: the first socket folder with a socket for `port`, else
/// `localhost`.
fn default_host(port: u16) -> String {
    SOCKET_DIRS
        .iter()
        .find(|d| Path::new(d).join(format!(".s.PGSQL.{port}")).exists())
        .map(|d| d.to_string())
        .unwrap_or_else(|| "localhost".into())
}

impl Target {
    /// The client configuration (plain TCP or Unix socket; see the module doc on TLS).
    pub fn config(&self) -> postgres::Config {
        let mut c = postgres::Config::new();
        c.host(&self.host)
            .port(self.port)
            .user(&self.user)
            .dbname(&self.dbname)
            .application_name(&self.application_name)
            .ssl_mode(postgres::config::SslMode::Disable);
        if self.connect_timeout > 0 {
            c.connect_timeout(std::time::Duration::from_secs(self.connect_timeout));
        }
        if let Some(o) = &self.options {
            c.options(o);
        }
        if let Some(pw) = &self.password {
            c.password(pw.as_bytes());
        }
        c
    }

    /// Whether a password was found.
    pub fn has_password(&self) -> bool {
        self.password.is_some()
    }
}
