//! Loading one run folder inside the load's transaction.
//!
//! The records are read once: each call's rows for every per-call table are formatted
//! into spool files while its call id goes to a key table; then the rows the run
//! replaces are deleted and the spools are sent with `COPY` straight into the final
//! tables. Replaced means: the same call id scored with the same pack (name and
//! version) by any run, and every row the database holds for this run id (a state
//! folder rewritten because a later run re-scored some of its inputs holds fewer calls
//! than when it was first loaded). A call id that appears twice in one run is loaded
//! once (the first record) and counted.

use super::copy::{ChunkWriter, Spool, StepError, send, send_chunks};
use super::folder::{Rec, RunFolder, started_at_utc};
use crate::record::Outcome;
use postgres::Transaction;
use std::collections::HashSet;

/// What loading a run did.
#[derive(Debug, Clone, Default)]
pub struct RunLoaded {
    /// The run.
    pub run_id: String,
    /// Its folder.
    pub dir: std::path::PathBuf,
    /// Not loaded: unchanged since its last load.
    pub skipped: bool,
    /// Calls loaded.
    pub calls: u64,
    /// Records not loaded because their call id came earlier in the same run.
    pub duplicates: u64,
    /// Item result rows.
    pub item_rows: u64,
    /// Rows of every table.
    pub rows: u64,
    /// Error records.
    pub errors: u64,
    /// Calls already in the database that this run's rows replaced.
    pub replaced: u64,
    /// Time reading `calls.jsonl` while the item rows were sent.
    pub read: std::time::Duration,
    /// Time after that in the database (deleting replaced rows, the other tables).
    pub write: std::time::Duration,
}

const CALLS: &str = "call_key, pack_id, call_id, run_id, source, source_line, format, language, agent, team, queue, channel, started_at, started_at_text, customer_id, csat, nps, human_qa_score, self_score, metadata_extra, qa_score, raw_score, auto_fail, primary_driver, department, cost";
const SECTIONS: &str = "call_key, section, score";
const ITEMS: &str =
    "call_key, position, item_id, result, reason, evidence, closest, na_missing_meta";
const DRIVERS: &str = "call_key, position, driver_id, department_id, hits, is_primary, evidence";
const SENTIMENT: &str = "call_key, customer_overall, customer_start, customer_end, customer_turns_with_terms, agent_overall, agent_start, agent_end, agent_turns_with_terms, most_negative_score, most_negative_evidence";
const METRICS: &str = "call_key, handle_time_ms, agent_talk_ms, customer_talk_ms, silence_ms, longest_silence_ms, overtalk_ms, turns, agent_turns, customer_turns, times_estimated";

/// The spools of one run, one per per-call table.
/// Item rows, the bulk of a run, are not spooled: they stream to the server while the
/// records are read.
struct Spools {
    calls: Spool,
    sections: Spool,
    items: Spool<ChunkWriter>,
    drivers: Spool,
    sentiment: Spool,
    metrics: Spool,
    keys: Spool,
}

impl Spools {
    fn new(items: ChunkWriter) -> std::io::Result<Spools> {
        Ok(Spools {
            calls: Spool::new("calls", CALLS)?,
            sections: Spool::new("section_scores", SECTIONS)?,
            items: Spool::to("item_results", ITEMS, items),
            drivers: Spool::new("call_drivers", DRIVERS)?,
            sentiment: Spool::new("sentiment", SENTIMENT)?,
            metrics: Spool::new("metrics", METRICS)?,
            keys: Spool::new("load_keys", "call_id")?,
        })
    }

    /// Format every row of call `r` with key `key`.
    fn add(&mut self, key: u64, pack_id: i32, run_id: &str, r: &Rec) -> std::io::Result<()> {
        let m = &r.metadata;
        let started = m.started_at.as_deref().and_then(started_at_utc);
        let extra = if m.extra.is_empty() {
            None
        } else {
            serde_json::to_string(&m.extra).ok()
        };
        self.calls
            .int(key)
            .int(pack_id as u64)
            .text(&r.call_id)
            .text(run_id)
            .text(&r.source)
            .opt_int(r.source_line)
            .text(&r.format)
            .text(&r.language)
            .opt_text(m.agent.as_deref())
            .opt_text(m.team.as_deref())
            .opt_text(m.queue.as_deref())
            .opt_text(m.channel.as_deref())
            .opt_text(started.map(|t| t.to_string()).as_deref())
            .opt_text(m.started_at.as_deref())
            .opt_text(m.customer_id.as_deref())
            .float(m.csat)
            .float(m.nps)
            .float(m.human_qa_score)
            .float(m.self_score)
            .opt_text(extra.as_deref())
            .float(r.qa.score)
            .float(r.qa.raw_score)
            .bool(r.qa.auto_fail)
            .opt_text(r.drivers.primary.as_deref())
            .opt_text(r.drivers.department.as_deref())
            .float(r.drivers.cost)
            .end()?;
        for (section, score) in &r.qa.sections {
            self.sections.int(key).text(section).float(*score).end()?;
        }
        for (i, it) in r.qa.items.iter().enumerate() {
            self.items
                .int(key)
                .int(i as u64)
                .text(&it.id)
                .text(outcome(it.result))
                .opt_text(it.reason.as_deref())
                .opt_text(it.evidence.as_deref().map(|v| v.get()))
                .opt_text(it.closest.as_deref().map(|v| v.get()));
            if it.na_missing_meta.is_empty() {
                self.items.null();
            } else {
                let j = serde_json::to_string(&it.na_missing_meta).unwrap_or_default();
                self.items.text(&j);
            }
            self.items.end()?;
        }
        for (i, d) in r.drivers.matched.iter().enumerate() {
            self.drivers
                .int(key)
                .int(i as u64)
                .text(&d.id)
                .text(&d.department)
                .int(u64::from(d.hits))
                .bool(r.drivers.primary.as_deref() == Some(d.id.as_str()))
                .opt_text(d.evidence.as_deref().map(|v| v.get()))
                .end()?;
        }
        let (c, a) = (&r.sentiment.customer, &r.sentiment.agent);
        let worst = r.sentiment.most_negative.as_ref();
        self.sentiment
            .int(key)
            .float(Some(c.overall))
            .float(Some(c.start))
            .float(Some(c.end))
            .int(u64::from(c.turns_with_terms))
            .float(Some(a.overall))
            .float(Some(a.start))
            .float(Some(a.end))
            .int(u64::from(a.turns_with_terms))
            .float(worst.map(|w| w.score))
            .opt_text(worst.and_then(|w| w.evidence.as_deref()).map(|v| v.get()))
            .end()?;
        let x = &r.metrics;
        self.metrics
            .int(key)
            .opt_int(x.handle_time_ms)
            .opt_int(x.agent_talk_ms)
            .opt_int(x.customer_talk_ms)
            .opt_int(x.silence_ms)
            .opt_int(x.longest_silence_ms)
            .opt_int(x.overtalk_ms)
            .int(u64::from(x.turns))
            .int(u64::from(x.agent_turns))
            .int(u64::from(x.customer_turns))
            .bool(x.times_estimated)
            .end()
    }
}

/// `pass`, `fail`, `n/a`.
pub fn outcome(o: Outcome) -> &'static str {
    o.as_str()
}

/// Why a run could not be loaded: where it failed, and the failure.
#[derive(Debug)]
pub struct RunFailure {
    /// What was being done ("copying item_results").
    pub during: String,
    /// The failure.
    pub error: RunErr,
}

/// A run's failure.
#[derive(Debug)]
pub enum RunErr {
    /// The database or a spool.
    Step(StepError),
    /// A record could not be read.
    Folder(super::folder::FolderError),
}

fn at<E: Into<StepError>>(during: &str) -> impl FnOnce(E) -> RunFailure + '_ {
    move |e| RunFailure {
        during: during.to_string(),
        error: RunErr::Step(e.into()),
    }
}

/// Create the transaction's work tables (dropped at commit or rollback), and keep the
/// planner off nested loops for the transaction: every join the loader makes matches
/// up to a whole run's calls, and a nested loop over them (which stale statistics
/// after an autovacuum can make look cheapest) turned the delete of a re-load from
/// seconds into many minutes.
pub fn work_tables(tx: &mut Transaction<'_>) -> Result<(), RunFailure> {
    tx.batch_execute(
        "CREATE TEMP TABLE load_keys (call_id text) ON COMMIT DROP;
         CREATE TEMP TABLE load_doomed (call_key bigint) ON COMMIT DROP;
         SET LOCAL enable_nestloop = off;",
    )
    .map_err(at("creating work tables"))
}

/// The pack of run `f`, created or updated from its manifest; returns its id.
pub fn upsert_pack(tx: &mut Transaction<'_>, f: &RunFolder) -> Result<i32, RunFailure> {
    let m = &f.manifest;
    let during = "writing the pack manifest";
    let id: i32 = tx
        .query_one(
            "INSERT INTO packs (name, version, hash, description, auto_fail_score, sections)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (name, version) DO UPDATE SET hash = EXCLUDED.hash,
               description = EXCLUDED.description, auto_fail_score = EXCLUDED.auto_fail_score,
               sections = EXCLUDED.sections
             RETURNING pack_id",
            &[
                &m.name,
                &m.version,
                &m.hash,
                &m.description,
                &m.auto_fail_score,
                &m.sections,
            ],
        )
        .map_err(at(during))?
        .get(0);
    tx.execute("DELETE FROM pack_items WHERE pack_id = $1", &[&id])
        .map_err(at(during))?;
    tx.execute("DELETE FROM pack_drivers WHERE pack_id = $1", &[&id])
        .map_err(at(during))?;
    tx.execute("DELETE FROM pack_departments WHERE pack_id = $1", &[&id])
        .map_err(at(during))?;
    let item = tx
        .prepare(
            "INSERT INTO pack_items (pack_id, item_id, position, name, description, section, weight, critical)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .map_err(at(during))?;
    for (i, it) in m.items.iter().enumerate() {
        tx.execute(
            &item,
            &[
                &id,
                &it.id,
                &(i as i32),
                &it.name,
                &it.description,
                &it.section,
                &it.weight,
                &it.critical,
            ],
        )
        .map_err(at(during))?;
    }
    let driver = tx
        .prepare(
            "INSERT INTO pack_drivers (pack_id, driver_id, position, name, description, department_id, cost_per_hour)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .map_err(at(during))?;
    for (i, d) in m.drivers.iter().enumerate() {
        tx.execute(
            &driver,
            &[
                &id,
                &d.id,
                &(i as i32),
                &d.name,
                &d.description,
                &d.department,
                &d.cost_per_hour,
            ],
        )
        .map_err(at(during))?;
    }
    for d in &m.departments {
        tx.execute(
            "INSERT INTO pack_departments (pack_id, department_id, name, cost_per_hour) VALUES ($1, $2, $3, $4)",
            &[&id, &d.id, &d.name, &d.cost_per_hour],
        )
        .map_err(at(during))?;
    }
    Ok(id)
}

/// Whether run `f` is in the database with the same fingerprint (nothing to do).
pub fn unchanged(tx: &mut Transaction<'_>, f: &RunFolder) -> Result<bool, RunFailure> {
    let row = tx
        .query_opt(
            "SELECT fingerprint FROM runs WHERE run_id = $1",
            &[&f.header.run_id],
        )
        .map_err(at("reading the runs loaded before"))?;
    Ok(row.is_some_and(|r| r.get::<_, Option<String>>(0).as_deref() == Some(&f.fingerprint)))
}

/// What reading a run's records gave.
struct Read {
    spools: Spools,
    calls: u64,
    duplicates: u64,
    item_rows: u64,
}

/// Read the records of `f`, numbering calls from `base`: item rows go to `items` as
/// they are made, the other tables' rows to spool files.
fn read_records(
    f: &RunFolder,
    base: u64,
    pack_id: i32,
    items: ChunkWriter,
) -> Result<Read, RunFailure> {
    let folder = |e| RunFailure {
        during: "reading calls.jsonl".into(),
        error: RunErr::Folder(e),
    };
    let run_id = f.header.run_id.as_str();
    let mut sp = Spools::new(items).map_err(at("creating temporary files"))?;
    let mut seen: HashSet<String> = HashSet::new();
    let (mut calls, mut duplicates) = (0u64, 0u64);
    for rec in f.records().map_err(folder)? {
        let (_, r) = rec.map_err(folder)?;
        if !seen.insert(r.call_id.clone()) {
            duplicates += 1;
            continue;
        }
        sp.add(base + calls, pack_id, run_id, &r)
            .map_err(at("writing rows"))?;
        sp.keys
            .text(&r.call_id)
            .end()
            .map_err(at("writing temporary files"))?;
        calls += 1;
    }
    let item_rows = sp.items.rows;
    // Flushing sends the last chunk; dropping the writer ends the COPY's input.
    let items = std::mem::replace(
        &mut sp.items,
        Spool::to("item_results", ITEMS, ChunkWriter::closed()),
    );
    drop(items.finish().map_err(at("writing rows"))?);
    Ok(Read {
        spools: sp,
        calls,
        duplicates,
        item_rows,
    })
}

/// The per-call tables, `calls` last (the others' rows are found through it).
const PER_CALL: [&str; 6] = [
    "item_results",
    "section_scores",
    "call_drivers",
    "sentiment",
    "metrics",
    "calls",
];

/// How much of the item rows may wait in memory while the database is busy; the rest
/// waits in a temporary file (see [`super::pipe`]).
const PIPE_MEMORY: usize = 32 << 20;

/// Delete every row the database holds for run `run_id` (all loaded before: keys below
/// `base`); returns the calls deleted.
///
/// A run's calls were numbered together when it was loaded, so their keys are usually
/// one range that holds no other run's call: then each table is cleared by that range
/// alone, which the BRIN indexes narrow to the run's blocks, with no join (calls the
/// run lost to later runs leave gaps, never another run's call: keys only grow).
/// Otherwise (rows written by other means) the run's calls are matched by key.
fn delete_run_rows(
    tx: &mut Transaction<'_>,
    run_id: &str,
    base: i64,
) -> Result<u64, postgres::Error> {
    let row = tx.query_one(
        "SELECT count(*), min(call_key), max(call_key) FROM calls
         WHERE run_id = $1 AND call_key < $2",
        &[&run_id, &base],
    )?;
    let n: i64 = row.get(0);
    if n == 0 {
        return Ok(0);
    }
    let (lo, hi): (i64, i64) = (row.get(1), row.get(2));
    let others: i64 = tx
        .query_one(
            "SELECT count(*) FROM calls WHERE call_key BETWEEN $1 AND $2 AND run_id <> $3",
            &[&lo, &hi, &run_id],
        )?
        .get(0);
    for table in PER_CALL {
        if others == 0 {
            tx.execute(
                &format!("DELETE FROM {table} WHERE call_key BETWEEN $1 AND $2"),
                &[&lo, &hi],
            )?;
        } else {
            tx.execute(
                &format!(
                    "DELETE FROM {table} WHERE call_key BETWEEN $1 AND $2
                       AND call_key IN (SELECT call_key FROM calls
                                        WHERE run_id = $3 AND call_key BETWEEN $1 AND $2)"
                ),
                &[&lo, &hi, &run_id],
            )?;
        }
    }
    Ok(n as u64)
}

/// Load run `f` (its pack is `pack_id`).
///
/// Order: the records are read on a second thread while the database deletes the rows
/// the run held before (a re-load) and then takes the item rows read meanwhile into
/// `item_results` (new call keys are all above `base`); then the call ids go to a key
/// table, the rows of other runs this run replaces (same call id and pack; all below
/// `base`) are deleted, and the other tables are sent from their spools. So the server
/// works while the file is read.
pub fn load_run(
    tx: &mut Transaction<'_>,
    f: &RunFolder,
    pack_id: i32,
) -> Result<RunLoaded, RunFailure> {
    let run_id = f.header.run_id.as_str();
    let mut out = RunLoaded {
        run_id: run_id.into(),
        dir: f.dir.clone(),
        ..RunLoaded::default()
    };
    let base: i64 = tx
        .query_one("SELECT nextval('call_key_seq')", &[])
        .map_err(at("numbering calls"))?
        .get(0);
    let clock = std::time::Instant::now();
    let (chunk_tx, chunk_rx) = super::pipe::pipe(PIPE_MEMORY);
    let (copied, read) = std::thread::scope(|scope| {
        let reader =
            scope.spawn(move || read_records(f, base as u64, pack_id, ChunkWriter::new(chunk_tx)));
        let copied = match delete_run_rows(tx, run_id, base) {
            Ok(n) => {
                out.replaced = n;
                send_chunks(tx, "item_results", ITEMS, chunk_rx).map_err(at("copying item_results"))
            }
            Err(e) => {
                // Without a receiver the reader stops at its next chunk.
                drop(chunk_rx);
                Err(at("deleting the rows this run replaces")(e))
            }
        };
        let read = reader.join().unwrap_or_else(|_| {
            Err(RunFailure {
                during: "reading calls.jsonl".into(),
                error: RunErr::Step(StepError::Io(std::io::Error::other(
                    "the reading thread failed",
                ))),
            })
        });
        (copied, read)
    });
    // A failed COPY or delete stops the reader (its chunks have nowhere to go): the
    // database's error is the one to report. A failed read ends the COPY early: the
    // read's.
    copied?;
    let read = read?;
    out.read = clock.elapsed();
    let clock = std::time::Instant::now();
    out.calls = read.calls;
    out.duplicates = read.duplicates;
    out.item_rows = read.item_rows;
    out.rows += read.item_rows;
    if out.calls > 0 {
        tx.execute(
            "SELECT setval('call_key_seq', $1)",
            &[&(base + out.calls as i64 - 1)],
        )
        .map_err(at("numbering calls"))?;
    }
    let Spools {
        calls,
        sections,
        drivers,
        sentiment,
        metrics,
        keys,
        ..
    } = read.spools;

    // What else this run replaces: the same calls under the same pack in other runs,
    // all loaded before (keys below `base`; this run's own are gone already). When the
    // pack has no such calls at all (a first load, or a re-load of the pack's only
    // run), there is nothing to look up.
    let pack_has_others: bool = tx
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM calls WHERE pack_id = $1 AND call_key < $2)",
            &[&pack_id, &base],
        )
        .map_err(at("finding the rows this run replaces"))?
        .get(0);
    let doomed = if pack_has_others {
        tx.batch_execute("TRUNCATE load_keys, load_doomed")
            .map_err(at("clearing work tables"))?;
        send(tx, keys).map_err(at("sending call ids"))?;
        tx.batch_execute("ANALYZE load_keys")
            .map_err(at("sending call ids"))?;
        tx.execute(
            "INSERT INTO load_doomed SELECT call_key FROM calls
             WHERE call_key < $2 AND pack_id = $1
               AND call_id IN (SELECT call_id FROM load_keys)",
            &[&pack_id, &base],
        )
        .map_err(at("finding the rows this run replaces"))?
    } else {
        0
    };
    out.replaced += doomed;
    if doomed > 0 {
        let row = tx
            .query_one("SELECT min(call_key), max(call_key) FROM load_doomed", &[])
            .map_err(at("finding the rows this run replaces"))?;
        let (lo, hi): (i64, i64) = (row.get(0), row.get(1));
        tx.batch_execute("ANALYZE load_doomed")
            .map_err(at("deleting the rows this run replaces"))?;
        // The key range lets the BRIN indexes skip every block outside it.
        for table in PER_CALL {
            tx.execute(
                &format!(
                    "DELETE FROM {table} WHERE call_key BETWEEN $1 AND $2
                       AND call_key IN (SELECT call_key FROM load_doomed)"
                ),
                &[&lo, &hi],
            )
            .map_err(at("deleting the rows this run replaces"))?;
        }
    }
    tx.execute("DELETE FROM errors WHERE run_id = $1", &[&run_id])
        .map_err(at("deleting the rows this run replaces"))?;
    tx.execute("DELETE FROM superseded WHERE run_id = $1", &[&run_id])
        .map_err(at("deleting the rows this run replaces"))?;

    for s in [calls, sections, drivers, sentiment, metrics] {
        let during = format!("copying {}", s.table);
        out.rows += send(tx, s).map_err(|e| RunFailure {
            during,
            error: RunErr::Step(e),
        })?;
    }
    out.errors = load_side_files(tx, f)?;
    out.rows += out.errors;
    upsert_run(tx, f, pack_id, out.calls)?;
    out.write = clock.elapsed();
    Ok(out)
}

/// `errors.jsonl` and `superseded.jsonl`; returns the error records.
fn load_side_files(tx: &mut Transaction<'_>, f: &RunFolder) -> Result<u64, RunFailure> {
    let folder = |e| RunFailure {
        during: "reading the run folder".into(),
        error: RunErr::Folder(e),
    };
    let run_id = f.header.run_id.as_str();
    let mut errors = Spool::new(
        "errors",
        "run_id, position, source, line, call_id, reason, hint",
    )
    .map_err(at("creating temporary files"))?;
    for (i, e) in f.errors().map_err(folder)?.iter().enumerate() {
        errors
            .text(run_id)
            .int(i as u64)
            .opt_text(e.source.as_deref())
            .opt_int(e.line)
            .opt_text(e.call_id.as_deref())
            .text(&e.reason)
            .opt_text(e.hint.as_deref())
            .end()
            .map_err(at("writing temporary files"))?;
    }
    let n = send(tx, errors).map_err(at("copying errors"))?;
    let mut sup = Spool::new(
        "superseded",
        "run_id, position, path, by_run, calls, errors",
    )
    .map_err(at("creating temporary files"))?;
    for (i, s) in f.superseded().map_err(folder)?.iter().enumerate() {
        sup.text(run_id)
            .int(i as u64)
            .text(&s.path)
            .text(&s.by_run)
            .int(s.calls)
            .int(s.errors)
            .end()
            .map_err(at("writing temporary files"))?;
    }
    send(tx, sup).map_err(at("copying superseded"))?;
    Ok(n)
}

fn upsert_run(
    tx: &mut Transaction<'_>,
    f: &RunFolder,
    pack_id: i32,
    calls: u64,
) -> Result<(), RunFailure> {
    let s = &f.summary;
    let c = &s.counts;
    let n = |x: u64| x as i64;
    let seq = f.state_seq().map(|x| x as i64);
    let folder = std::path::absolute(&f.dir)
        .unwrap_or_else(|_| f.dir.clone())
        .display()
        .to_string();
    tx.execute(
        "INSERT INTO runs (run_id, pack_id, callscore, evidence, started_at, finished_at,
            elapsed_ms, inputs_found, inputs_scored, inputs_errored, calls_scored, error_records,
            state_seq, summary, folder, calls_loaded, fingerprint, loaded_at)
         VALUES ($1, $2, $3, $4, ($5::text)::timestamptz, ($6::text)::timestamptz, $7, $8, $9,
            $10, $11, $12, $13, ($14::text)::jsonb, $15, $16, $17, now())
         ON CONFLICT (run_id) DO UPDATE SET pack_id = EXCLUDED.pack_id,
            callscore = EXCLUDED.callscore, evidence = EXCLUDED.evidence,
            started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at,
            elapsed_ms = EXCLUDED.elapsed_ms, inputs_found = EXCLUDED.inputs_found,
            inputs_scored = EXCLUDED.inputs_scored, inputs_errored = EXCLUDED.inputs_errored,
            calls_scored = EXCLUDED.calls_scored, error_records = EXCLUDED.error_records,
            state_seq = EXCLUDED.state_seq, summary = EXCLUDED.summary,
            folder = EXCLUDED.folder, calls_loaded = EXCLUDED.calls_loaded,
            fingerprint = EXCLUDED.fingerprint, loaded_at = now()",
        &[
            &f.header.run_id,
            &pack_id,
            &f.header.callscore,
            &f.header.evidence.as_str(),
            &s.started_at,
            &s.finished_at,
            &n(s.elapsed_ms),
            &n(c.inputs_found),
            &n(c.inputs_scored),
            &n(c.inputs_errored),
            &n(c.calls_scored),
            &n(c.errors),
            &seq,
            &f.summary_text,
            &folder,
            &(calls as i64),
            &f.fingerprint,
        ],
    )
    .map_err(at("writing the run"))?;
    Ok(())
}
