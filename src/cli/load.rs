//! `callscore load`: run folders into PostgreSQL (the work is in [`crate::load`]).

use super::Exit;
use crate::load::{LoadError, LoadOptions, LoadReport};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub(crate) struct LoadArgs {
    /// Run folders (`run --out DIR`) or state folders (`run --state DIR`: every run in
    /// it; runs unchanged since their last load are skipped).
    #[arg(required = true, value_name = "RUN_DIR")]
    folders: Vec<PathBuf>,
    #[command(flatten)]
    db: DbArgs,
}

/// Where to load: shared by `load` and `run --load-into`.
#[derive(Debug, Args, Clone)]
pub(crate) struct DbArgs {
    /// The database: a `postgres://user@host:port/dbname` URL or `key=value` pairs
    /// (`service=NAME` for pg_service.conf). Never a password: PGPASSWORD, ~/.pgpass
    /// (PGPASSFILE) or the service file give it. Unset parts come from PGHOST, PGPORT,
    /// PGUSER, PGDATABASE, PGSERVICE as for psql.
    #[arg(long = "into", value_name = "URL")]
    pub into: Option<String>,
    /// Schema to load into (created and migrated as needed).
    #[arg(long, default_value = "callscore", value_name = "NAME")]
    pub schema: String,
    /// Load runs again even when unchanged since their last load.
    #[arg(long)]
    pub reload: bool,
}

impl DbArgs {
    pub(crate) fn options(&self) -> LoadOptions {
        LoadOptions {
            target: self.into.clone(),
            schema: self.schema.clone(),
            reload: self.reload,
        }
    }
}

pub(crate) fn load(args: LoadArgs) -> Exit {
    into(&args.folders, &args.db)
}

/// Load `folders` as `db` says, printing progress and the outcome on stderr; the exit
/// code of a load.
pub(crate) fn into(folders: &[PathBuf], db: &DbArgs) -> Exit {
    let mut progress = Progress;
    match crate::load::load(
        folders,
        &db.options(),
        &crate::load::conninfo::process_env,
        &mut progress,
    ) {
        Ok(report) => {
            summary(&report, &db.schema);
            Exit::Ok
        }
        Err(e) => {
            report_error(&e);
            if e.is_database() {
                Exit::LoadFailed
            } else {
                Exit::Fatal
            }
        }
    }
}

/// Progress lines on stderr.
struct Progress;

impl crate::load::LoadObserver for Progress {
    fn warning(&mut self, text: &str) {
        eprintln!("callscore: warning: {text}");
    }

    fn run(&mut self, r: &crate::load::pg::RunLoaded) {
        if r.skipped {
            eprintln!(
                "callscore: run {} unchanged since its last load; skipped (--reload loads it again)",
                r.run_id
            );
            return;
        }
        let dups = if r.duplicates > 0 {
            format!(
                "; {} records with a call id seen earlier in the run were not loaded",
                r.duplicates
            )
        } else {
            String::new()
        };
        eprintln!(
            "callscore: run {}: {} calls ({} item results, {} rows in all, {} error records), {} calls replaced{dups} (read {:.2} s, database {:.2} s)",
            r.run_id,
            r.calls,
            r.item_rows,
            r.rows,
            r.errors,
            r.replaced,
            r.read.as_secs_f64(),
            r.write.as_secs_f64()
        );
    }
}

fn summary(r: &LoadReport, schema: &str) {
    let secs = r.elapsed.as_secs_f64().max(1e-6);
    let migrated = if r.schema_from == 0 {
        format!("schema {schema} created (version {})", r.schema_to)
    } else if r.schema_from < r.schema_to {
        format!(
            "schema {schema} migrated from version {} to {}",
            r.schema_from, r.schema_to
        )
    } else {
        format!("schema {schema} version {}", r.schema_to)
    };
    eprintln!(
        "callscore: loaded {} runs ({} skipped) into {}: {} calls, {} rows in {:.2} s ({:.0} calls/s, {:.0} rows/s); {migrated}; committed",
        r.runs.iter().filter(|x| !x.skipped).count(),
        r.runs.iter().filter(|x| x.skipped).count(),
        r.target,
        r.calls(),
        r.rows(),
        secs,
        r.calls() as f64 / secs,
        r.rows() as f64 / secs,
    );
}

pub(crate) fn report_error(e: &LoadError) {
    eprintln!("callscore: {e}");
    if let Some(h) = e.help() {
        eprintln!("  help: {h}");
    }
}
