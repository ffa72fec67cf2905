//! Loading run folders into a scorecard system: PostgreSQL (`callscore load`,
//! `run --load-into`) and Parquet files (`run --parquet`).
//!
//! Input is the run folder contract of `docs/outputs.md`: the `calls.jsonl` header and
//! records, `manifest.json` (item names, sections, weights, critical flags, drivers,
//! departments, which records leave out), `summary.json`, `errors.jsonl` and, in state
//! folders, `superseded.jsonl`. The loader joins them into the documented schema
//! (`docs/postgres.md`, `docs/parquet.md`).
//!
//! PostgreSQL promises:
//! - **one transaction** per `load`: every run given is loaded, or none is (a failure
//!   at any point, the server going away included, rolls back everything, schema
//!   migration too); the run folders are only read;
//! - **upserts** keyed by call id and pack (name and version): loading a run again, or
//!   a call re-scored by a later run, replaces rows and never duplicates them;
//! - loads into one schema take turns (a transaction-scoped advisory lock), so two
//!   loaders never interleave;
//! - a run folder unchanged since it was loaded is skipped (its fingerprint is stored),
//!   so loading a whole state folder every night costs only what changed.

pub mod conninfo;
pub mod copy;
pub mod folder;
pub mod parquet;
pub mod pg;
pub mod pipe;
pub mod schema;

use conninfo::{ConnInfoError, Env, Target};
use folder::{FolderError, RunFolder};
use pg::{RunErr, RunFailure, RunLoaded};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What to load, and where.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Connection string (`postgres://…` or `key=value …`); `None`: the environment.
    pub target: Option<String>,
    /// Schema to load into (created if missing).
    pub schema: String,
    /// Load runs again even when unchanged since their last load.
    pub reload: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            target: None,
            schema: "callscore".into(),
            reload: false,
        }
    }
}

/// What a load did.
#[derive(Debug, Clone)]
pub struct LoadReport {
    /// Where (never with a password).
    pub target: String,
    /// Schema version found before the load (0: created).
    pub schema_from: i32,
    /// Schema version now.
    pub schema_to: i32,
    /// Per run, oldest first.
    pub runs: Vec<RunLoaded>,
    /// Time from connecting to commit.
    pub elapsed: Duration,
}

impl LoadReport {
    /// Calls loaded in all runs.
    pub fn calls(&self) -> u64 {
        self.runs.iter().map(|r| r.calls).sum()
    }

    /// Rows written in all tables.
    pub fn rows(&self) -> u64 {
        self.runs.iter().map(|r| r.rows).sum()
    }
}

/// Why nothing was loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A path is not a run folder, or a file of one is damaged (before connecting).
    #[error("{0}")]
    Folder(#[from] FolderError),
    /// The connection string or environment is wrong (before connecting).
    #[error("{0}")]
    Target(#[from] ConnInfoError),
    /// The server could not be reached or refused the login.
    #[error("cannot connect to {target}: {reason}")]
    Connect {
        /// Where (no password).
        target: String,
        /// The server's or the system's words.
        reason: String,
        /// What to do.
        help: String,
    },
    /// The schema cannot be used.
    #[error("{target}: {reason}; nothing was loaded (the transaction was rolled back)")]
    Schema {
        /// Where.
        target: String,
        /// What.
        reason: String,
    },
    /// Loading failed; the transaction was rolled back.
    #[error(
        "{target}: loading run {run_id} failed while {during}: {reason}; nothing was loaded (the transaction was rolled back) and the run folders are unchanged"
    )]
    Load {
        /// Where.
        target: String,
        /// The run being loaded ("-" outside a run).
        run_id: String,
        /// The step.
        during: String,
        /// The server's or the system's words.
        reason: String,
        /// What to do.
        help: String,
        /// The run folder failed (a damaged file), not the database.
        in_folder: bool,
    },
}

impl LoadError {
    /// A line of advice, when there is one.
    pub fn help(&self) -> Option<&str> {
        match self {
            LoadError::Connect { help, .. } | LoadError::Load { help, .. } if !help.is_empty() => {
                Some(help)
            }
            _ => None,
        }
    }

    /// Whether the database was involved (exit 6) rather than the arguments or the
    /// folders (exit 2).
    pub fn is_database(&self) -> bool {
        !matches!(
            self,
            LoadError::Folder(_)
                | LoadError::Target(_)
                | LoadError::Load {
                    in_folder: true,
                    ..
                }
        )
    }
}

/// The words of a client error: the server's message with its SQLSTATE, or the
/// connection's failure with its cause.
pub fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        let mut s = format!("{} (SQLSTATE {})", db.message(), db.code().code());
        if let Some(d) = db.detail() {
            s.push_str(&format!("; {d}"));
        }
        return s;
    }
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(x) = src {
        let t = x.to_string();
        if !s.contains(&t) {
            s.push_str(&format!(": {t}"));
        }
        src = x.source();
    }
    if e.is_closed() && !s.contains("closed") {
        s.push_str(" (the connection was closed)");
    }
    s
}

/// The `.pgpass` line that would give `t` its password (a socket directory is written
/// `localhost` there, as libpq looks it up).
fn pgpass_line(t: &Target) -> String {
    let host = if t.host.starts_with('/') {
        "localhost"
    } else {
        &t.host
    };
    format!("{host}:{}:{}:{}:PASSWORD", t.port, t.dbname, t.user)
}

fn connect_help(e: &postgres::Error, t: &Target) -> String {
    let code = e.as_db_error().map(|d| d.code().code().to_string());
    let text = describe(e);
    match code.as_deref() {
        Some("28P01") | Some("28000") => match &t.password_source {
            conninfo::PasswordSource::None => format!(
                "no password was found for {}: set PGPASSWORD, or add a line to ~/.pgpass ({}, mode 0600)",
                t.user,
                pgpass_line(t)
            ),
            src => format!(
                "the server refused {src} for role {}: check it, and that the role may log in to {} (pg_hba.conf)",
                t.user, t.dbname
            ),
        },
        Some("3D000") => format!(
            "database {} does not exist: create it (createdb {}) or name another (dbname, PGDATABASE)",
            t.dbname, t.dbname
        ),
        _ if text.contains("password missing") => format!(
            "the server asks for a password and none was found: set PGPASSWORD, or add a line to ~/.pgpass ({}, mode 0600)",
            pgpass_line(t)
        ),
        _ => format!(
            "is a PostgreSQL server running and accepting connections there? (pg_isready -h {} -p {})",
            t.host, t.port
        ),
    }
}

/// What a load tells as it goes.
pub trait LoadObserver {
    /// Something worth a warning (a password file ignored for its mode).
    fn warning(&mut self, text: &str);
    /// A run was loaded or skipped (not committed yet).
    fn run(&mut self, run: &RunLoaded);
}

/// Load the run folders `paths` name (run folders, or state folders: all their runs)
/// into the database `opts` names, in one transaction.
pub fn load(
    paths: &[PathBuf],
    opts: &LoadOptions,
    env: Env<'_>,
    observer: &mut dyn LoadObserver,
) -> Result<LoadReport, LoadError> {
    let folders = folder::find(paths)?;
    load_folders(&folders, opts, env, observer)
}

/// [`load`] of folders already read.
pub fn load_folders(
    folders: &[RunFolder],
    opts: &LoadOptions,
    env: Env<'_>,
    observer: &mut dyn LoadObserver,
) -> Result<LoadReport, LoadError> {
    let t = conninfo::resolve(opts.target.as_deref(), env)?;
    for w in &t.warnings {
        observer.warning(w);
    }
    let target = t.to_string();
    let started = Instant::now();
    let mut client = t
        .config()
        .connect(postgres::NoTls)
        .map_err(|e| LoadError::Connect {
            target: target.clone(),
            reason: describe(&e),
            help: connect_help(&e, &t),
        })?;
    let failed = |run_id: &str, f: RunFailure| {
        let (reason, help) = match &f.error {
            RunErr::Step(copy::StepError::Db(e)) => (
                describe(e),
                // No server message (the connection closed or was reset), or the
                // server ending the session (57P01-57P03: shutdown, crash, restart).
                if e.as_db_error()
                    .is_none_or(|d| d.code().code().starts_with("57P"))
                {
                    "the server went away or ended the session; run the same load again when it is back (nothing was half-loaded)".to_string()
                } else {
                    String::new()
                },
            ),
            RunErr::Step(copy::StepError::Io(e)) => (
                e.to_string(),
                "check the space in the temporary folder (TMPDIR)".to_string(),
            ),
            RunErr::Folder(e) => (e.to_string(), String::new()),
        };
        LoadError::Load {
            target: target.clone(),
            run_id: run_id.to_string(),
            in_folder: matches!(f.error, RunErr::Folder(_)),
            during: f.during,
            reason,
            help,
        }
    };
    let mut tx = client.transaction().map_err(|e| LoadError::Connect {
        target: target.clone(),
        reason: describe(&e),
        help: String::new(),
    })?;
    tx.query_one(
        "SELECT pg_advisory_xact_lock(hashtext('callscore load ' || $1))",
        &[&opts.schema],
    )
    .map_err(|e| {
        failed(
            "-",
            RunFailure {
                during: "waiting for other loads into the schema".into(),
                error: RunErr::Step(e.into()),
            },
        )
    })?;
    let schema_from =
        schema::migrate_to(&mut tx, &opts.schema, schema::LATEST).map_err(|e| match e {
            schema::SchemaError::Db(e) => LoadError::Schema {
                target: target.clone(),
                reason: format!(
                    "creating or migrating schema {}: {}",
                    opts.schema,
                    describe(&e)
                ),
            },
            other => LoadError::Schema {
                target: target.clone(),
                reason: other.to_string(),
            },
        })?;
    pg::work_tables(&mut tx).map_err(|f| failed("-", f))?;
    let mut runs = Vec::new();
    for f in folders {
        let run_id = f.header.run_id.as_str();
        if !opts.reload && pg::unchanged(&mut tx, f).map_err(|x| failed(run_id, x))? {
            let r = RunLoaded {
                run_id: run_id.into(),
                dir: f.dir.clone(),
                skipped: true,
                ..RunLoaded::default()
            };
            observer.run(&r);
            runs.push(r);
            continue;
        }
        let pack_id = pg::upsert_pack(&mut tx, f).map_err(|x| failed(run_id, x))?;
        let r = pg::load_run(&mut tx, f, pack_id).map_err(|x| failed(run_id, x))?;
        observer.run(&r);
        runs.push(r);
    }
    tx.commit().map_err(|e| {
        failed(
            "-",
            RunFailure {
                during: "committing".into(),
                error: RunErr::Step(e.into()),
            },
        )
    })?;
    Ok(LoadReport {
        target,
        schema_from,
        schema_to: schema::LATEST,
        runs,
        elapsed: started.elapsed(),
    })
}
