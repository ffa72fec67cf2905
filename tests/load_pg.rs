//! `callscore load` and `run --load-into` against a real PostgreSQL server started per
//! test (tests/pg): load, re-load, upserts after re-scoring, a server that goes away
//! mid-COPY, migration from schema version 1, a schema from a newer callscore, bad
//! connections and credentials, and the README's example queries.

mod pg;

use pg::{Server, count, records, root, run_folder, snapshot};
use std::path::Path;

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// The sample corpus scored into `dir/out` with run id `id`.
fn sample_run(dir: &Path, id: &str) -> std::path::PathBuf {
    let out = dir.join(id);
    run_folder(&root().join("corpus"), &root().join("rules"), &out, id, &[]);
    out
}

#[test]
fn load_reload_and_every_row_matches_the_run_folder() {
    let Some(s) = Server::start() else { return };
    let db = s.create_db("qa");
    let t = tmp();
    let out = sample_run(t.path(), "night-1");
    let before = snapshot(&out);
    let recs = records(&out);
    let n = recs.len() as i64;
    let items: i64 = recs
        .iter()
        .map(|r| r["qa"]["items"].as_array().unwrap().len() as i64)
        .sum();

    let r = s.callscore(&["load", out.to_str().unwrap(), "--into", &s.url(&db)], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("schema callscore created (version 2)"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains(pg::LOADER_PASSWORD));
    let mut c = s.admin(&db);
    assert_eq!(count(&mut c, "calls"), n);
    assert_eq!(count(&mut c, "item_results"), items);
    assert_eq!(count(&mut c, "sentiment"), n);
    assert_eq!(count(&mut c, "metrics"), n);
    assert_eq!(count(&mut c, "runs"), 1);
    assert_eq!(
        count(&mut c, "pack_items"),
        recs[0]["qa"]["items"].as_array().unwrap().len() as i64
    );

    // Every call's numbers and every item's outcome, reason and evidence, as written.
    for rec in &recs {
        let id = rec["call_id"].as_str().unwrap();
        let row = c
            .query_one(
                "SELECT qa_score, auto_fail, primary_driver, m.turns, s.customer_overall, c.call_key
                 FROM callscore.calls c JOIN callscore.metrics m USING (call_key)
                 JOIN callscore.sentiment s USING (call_key) WHERE call_id = $1",
                &[&id],
            )
            .unwrap();
        assert_eq!(
            row.get::<_, Option<f64>>(0),
            rec["qa"]["score"].as_f64(),
            "{id}"
        );
        assert_eq!(
            row.get::<_, bool>(1),
            rec["qa"]["auto_fail"].as_bool().unwrap()
        );
        assert_eq!(
            row.get::<_, Option<String>>(2).as_deref(),
            rec["drivers"]["primary"].as_str()
        );
        assert_eq!(
            i64::from(row.get::<_, i32>(3)),
            rec["metrics"]["turns"].as_i64().unwrap()
        );
        assert_eq!(
            row.get::<_, f64>(4),
            rec["sentiment"]["customer"]["overall"].as_f64().unwrap()
        );
        let key: i64 = row.get(5);
        let rows = c
            .query(
                "SELECT item_id, result, reason, evidence::text FROM callscore.item_results
                 WHERE call_key = $1 ORDER BY position",
                &[&key],
            )
            .unwrap();
        let want = rec["qa"]["items"].as_array().unwrap();
        assert_eq!(rows.len(), want.len());
        for (row, w) in rows.iter().zip(want) {
            assert_eq!(row.get::<_, String>(0), w["id"].as_str().unwrap());
            assert_eq!(row.get::<_, String>(1), w["result"].as_str().unwrap());
            assert_eq!(
                row.get::<_, Option<String>>(2).as_deref(),
                w["reason"].as_str()
            );
            let ev: Option<serde_json::Value> = row
                .get::<_, Option<String>>(3)
                .map(|t| serde_json::from_str(&t).unwrap());
            assert_eq!(ev.as_ref(), w.get("evidence"), "{id} {}", w["id"]);
        }
    }

    // Loading again: unchanged, skipped; --reload replaces every row, duplicates none.
    let r = s.callscore(&["load", out.to_str().unwrap(), "--into", &s.url(&db)], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("unchanged since its last load; skipped"),
        "{}",
        r.stderr
    );
    let r = s.callscore(
        &[
            "load",
            out.to_str().unwrap(),
            "--into",
            &s.url(&db),
            "--reload",
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("{n} calls replaced")),
        "{}",
        r.stderr
    );
    assert_eq!(count(&mut c, "calls"), n);
    assert_eq!(count(&mut c, "item_results"), items);
    assert_eq!(
        count(
            &mut c,
            "section_scores WHERE call_key NOT IN (SELECT call_key FROM callscore.calls)"
        ),
        0
    );
    assert_eq!(snapshot(&out), before, "the run folder is only read");

    // The README's example query for each view runs and answers.
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = readme
        .split("## Feeding a scorecard system")
        .nth(1)
        .expect("README has \"Feeding a scorecard system\"")
        .split("\n## ")
        .next()
        .unwrap();
    let queries: Vec<&str> = section
        .split("```sql\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .collect();
    for view in ["agent_daily_scores", "item_fail_rates", "driver_cost"] {
        let q = queries
            .iter()
            .find(|q| q.contains(view))
            .unwrap_or_else(|| panic!("README shows no query of {view}"));
        let rows = c.query(*q, &[]).unwrap_or_else(|e| panic!("{q}: {e}"));
        assert!(!rows.is_empty(), "{q} gave no row");
    }
}

#[test]
fn state_folder_re_scored_calls_are_replaced_and_a_new_pack_takes_over() {
    let Some(s) = Server::start() else { return };
    let db = s.create_db("qa");
    let t = tmp();
    let corpus = t.path().join("corpus");
    pg::copy_dir(&root().join("corpus"), &corpus);
    let rules = t.path().join("rules");
    pg::copy_dir(&root().join("rules"), &rules);
    let state = t.path().join("state");
    let url = s.url(&db);
    let night = |id: &str, extra: &[&str]| {
        let mut args = vec![
            "run",
            corpus.to_str().unwrap(),
            "--rules",
            rules.to_str().unwrap(),
            "--state",
            state.to_str().unwrap(),
            "--quiet",
            "--run-id",
            id,
            "--load-into",
            &url,
        ];
        args.extend_from_slice(extra);
        let r = s.callscore(&args, &[]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        r
    };
    night("n1", &[]);
    let mut c = s.admin(&db);
    let n = count(&mut c, "calls");
    assert!(n > 50);

    // Night 2: one transcript corrected; its call leaves n1's folder for n2's.
    let f = corpus.join("native/batch.jsonl");
    let text = std::fs::read_to_string(&f).unwrap();
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let changed_ids: Vec<String> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["call_id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    std::fs::write(&f, text.replacen("Thank you", "Thanks a lot", 1)).unwrap();
    let r = night("n2", &[]);
    assert!(r.stderr.contains("run n2:"), "{}", r.stderr);
    assert_eq!(
        count(&mut c, "calls"),
        n,
        "re-scored calls are replaced, not added"
    );
    for id in &changed_ids {
        let run: String = c
            .query_one(
                "SELECT run_id FROM callscore.calls WHERE call_id = $1",
                &[id],
            )
            .unwrap()
            .get(0);
        assert_eq!(run, "n2", "{id} moved to the run that re-scored it");
    }
    assert!(first["call_id"].is_string());
    let n1_loaded: i64 = c
        .query_one(
            "SELECT calls_loaded FROM callscore.runs WHERE run_id = 'n1'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(n1_loaded, n - changed_ids.len() as i64);
    assert!(count(&mut c, "superseded WHERE run_id = 'n1'") >= 1);

    // Night 3: a new pack version re-scores everything; the old pack's rows leave with
    // the results that left the older folders.
    let pack_toml = rules.join("pack.toml");
    let p = std::fs::read_to_string(&pack_toml).unwrap();
    let bumped = regex_lite_version(&p);
    std::fs::write(&pack_toml, bumped).unwrap();
    night("n3", &["--rescore", "all"]);
    let versions = c
        .query(
            "SELECT p.version, count(*) FROM callscore.calls JOIN callscore.packs p USING (pack_id) GROUP BY 1",
            &[],
        )
        .unwrap();
    assert_eq!(versions.len(), 1, "only the new pack's results remain");
    assert_eq!(versions[0].get::<_, String>(0), "9.9.9");
    assert_eq!(versions[0].get::<_, i64>(1), n);
    assert_eq!(count(&mut c, "calls WHERE run_id <> 'n3'"), 0);
}

/// `version = "…"` of pack.toml set to 9.9.9.
fn regex_lite_version(p: &str) -> String {
    p.lines()
        .map(|l| {
            if l.trim_start().starts_with("version") {
                "version = \"9.9.9\"".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A trigger that ends the loading session (`pg_terminate_backend` of itself) at the
/// 300th item row: the server going away in the middle of COPY.
const KILL_MID_COPY: &str = "
CREATE SEQUENCE public.kill_counter;
CREATE FUNCTION public.kill_mid_copy() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
  IF nextval('public.kill_counter') = 300 THEN
    PERFORM pg_terminate_backend(pg_backend_pid());
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER kill_mid_copy BEFORE INSERT ON callscore.item_results
  FOR EACH ROW EXECUTE FUNCTION public.kill_mid_copy();";

#[test]
fn a_session_ended_mid_copy_rolls_back_everything_and_the_rerun_succeeds() {
    let Some(s) = Server::start() else { return };
    let db = s.create_db("qa");
    let t = tmp();
    let a = sample_run(t.path(), "run-a");
    let b = sample_run(t.path(), "run-b");
    let r = s.callscore(&["load", a.to_str().unwrap(), "--into", &s.url(&db)], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut c = s.admin(&db);
    let (calls, items) = (count(&mut c, "calls"), count(&mut c, "item_results"));
    c.batch_execute(KILL_MID_COPY).unwrap();
    let before = snapshot(&b);

    let r = s.callscore(&["load", b.to_str().unwrap(), "--into", &s.url(&db)], &[]);
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert!(r.stderr.contains("copying item_results"), "{}", r.stderr);
    // The server's FATAL message, or only the closed socket when the client was
    // writing as the session ended: either way, the advice.
    assert!(
        r.stderr.contains("terminating connection") || r.stderr.contains("connection closed"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("the server went away or ended the session"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("rolled back"), "{}", r.stderr);
    assert_eq!(count(&mut c, "calls"), calls);
    assert_eq!(count(&mut c, "item_results"), items);
    assert_eq!(count(&mut c, "runs WHERE run_id = 'run-b'"), 0);
    assert_eq!(snapshot(&b), before);

    c.batch_execute("DROP TRIGGER kill_mid_copy ON callscore.item_results")
        .unwrap();
    let r = s.callscore(&["load", b.to_str().unwrap(), "--into", &s.url(&db)], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Both runs hold the same call ids under the same pack: run-b's replace run-a's.
    assert_eq!(count(&mut c, "calls"), calls);
    assert_eq!(count(&mut c, "calls WHERE run_id = 'run-b'"), calls);
    assert_eq!(count(&mut c, "item_results"), items);
}

#[test]
fn a_server_stopped_mid_load_leaves_nothing_and_the_rerun_succeeds() {
    let Some(s) = Server::start() else { return };
    let db = s.create_db("qa");
    let t = tmp();
    let a = sample_run(t.path(), "run-a");
    let url = s.url(&db);
    // The first load stalls inside COPY (a trigger sleeps); the server is then stopped
    // as a crash would stop it.
    let r = s.callscore(&["load", a.to_str().unwrap(), "--into", &url], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut c = s.admin(&db);
    c.batch_execute(
        "CREATE FUNCTION public.stall() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN PERFORM pg_sleep(120); RETURN NEW; END $$;
         CREATE TRIGGER stall BEFORE INSERT ON callscore.metrics
           FOR EACH ROW EXECUTE FUNCTION public.stall();",
    )
    .unwrap();
    let started = std::time::Instant::now();
    let r = std::thread::scope(|sc| {
        let h = sc.spawn(|| {
            s.callscore(
                &["load", a.to_str().unwrap(), "--into", &url, "--reload"],
                &[],
            )
        });
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let n: i64 = c
                .query_one(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'",
                    &[],
                )
                .unwrap()
                .get(0);
            if n > 0 {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the load never reached COPY"
            );
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        s.stop_immediate();
        h.join().unwrap()
    });
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert!(
        started.elapsed().as_secs() < 100,
        "the loader noticed at once"
    );
    assert!(r.stderr.contains("rolled back"), "{}", r.stderr);
    assert!(r.stderr.contains("run the same load again"), "{}", r.stderr);

    s.start_again();
    let mut c = s.admin(&db);
    c.batch_execute("DROP TRIGGER stall ON callscore.metrics")
        .unwrap();
    let n = records(&a).len() as i64;
    assert_eq!(count(&mut c, "calls"), n, "the first load is intact");
    let r = s.callscore(
        &["load", a.to_str().unwrap(), "--into", &url, "--reload"],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(count(&mut c, "calls"), n);
    assert_eq!(count(&mut c, "metrics"), n);
}

#[test]
fn a_version_1_schema_is_migrated_and_a_newer_one_refused() {
    let Some(s) = Server::start() else { return };
    let db = s.create_db("qa");
    let t = tmp();
    let a = sample_run(t.path(), "run-a");
    // A database loaded by a callscore that wrote schema version 1, with one call.
    {
        let mut c = postgres::Config::new()
            .host("127.0.0.1")
            .port(s.port)
            .user(pg::LOADER)
            .password(pg::LOADER_PASSWORD)
            .dbname(&db)
            .connect(postgres::NoTls)
            .unwrap();
        let mut tx = c.transaction().unwrap();
        callscore::load::schema::migrate_to(&mut tx, "callscore", 1).unwrap();
        tx.batch_execute(
            "INSERT INTO packs (name, version, hash) VALUES ('old-pack', '0.9', 'abc');
             INSERT INTO runs (run_id, pack_id, callscore, evidence, summary, folder, calls_loaded)
               VALUES ('old-run', 1, '0.0.9', 'failed', '{}', '/old', 1);
             INSERT INTO calls (call_key, pack_id, call_id, run_id, source, format, language, auto_fail, qa_score, started_at)
               VALUES (nextval('call_key_seq'), 1, 'old-call', 'old-run', 'x.json', 'native', 'en', false, 80, '2026-10-01T10:00:00Z');
             INSERT INTO item_results (call_key, position, item_id, result)
               SELECT call_key, 0, 'greeting', 'fail' FROM calls;",
        )
        .unwrap();
        tx.commit().unwrap();
    }
    let r = s.callscore(&["load", a.to_str().unwrap(), "--into", &s.url(&db)], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("migrated from version 1 to 2"),
        "{}",
        r.stderr
    );
    let mut c = s.admin(&db);
    let versions: Vec<i32> = c
        .query(
            "SELECT version FROM callscore.schema_migrations ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(versions, [1, 2]);
    assert_eq!(
        count(&mut c, "calls WHERE call_id = 'old-call'"),
        1,
        "old rows stay"
    );
    assert_eq!(count(&mut c, "calls"), 1 + records(&a).len() as i64);
    // Version 2's views work on old and new rows alike.
    let failed: i64 = c
        .query_one(
            "SELECT failed FROM callscore.item_fail_rates WHERE pack = 'old-pack' AND item_id = 'greeting'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(failed, 1);
    assert!(count(&mut c, "runs WHERE fingerprint IS NOT NULL") == 1);

    // A newer callscore's schema is refused, and nothing changes.
    c.batch_execute(
        "INSERT INTO callscore.schema_migrations (version, callscore) VALUES (3, '9.0.0')",
    )
    .unwrap();
    let r = s.callscore(
        &[
            "load",
            a.to_str().unwrap(),
            "--into",
            &s.url(&db),
            "--reload",
        ],
        &[],
    );
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("is at version 3, newer than this callscore writes (2)"),
        "{}",
        r.stderr
    );
    assert_eq!(count(&mut c, "calls"), 1 + records(&a).len() as i64);
}

#[test]
fn bad_connections_and_credentials_are_clear_and_never_print_a_password() {
    let Some(s) = Server::start() else { return };
    let db = s.create_db("qa");
    let t = tmp();
    let a = sample_run(t.path(), "run-a");
    let dir = a.to_str().unwrap();
    let url = s.url(&db);

    // Nothing listening.
    let dead = format!(
        "postgres://{}@127.0.0.1:{}/{db}",
        pg::LOADER,
        free_port_nearby()
    );
    let r = s.callscore(&["load", dir, "--into", &dead], &[]);
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert!(r.stderr.contains("cannot connect to"), "{}", r.stderr);
    assert!(r.stderr.contains("pg_isready"), "{}", r.stderr);

    // A wrong password from PGPASSWORD.
    let wrong = "Wr0ng-secret-91";
    let r = s.callscore(&["load", dir, "--into", &url], &[("PGPASSWORD", wrong)]);
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert!(
        r.stderr.contains("password authentication failed"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("the password from PGPASSWORD"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains(wrong) && !r.stdout.contains(wrong));

    // A password on the command line is refused before connecting, and not echoed.
    let with_pw = format!(
        "postgres://{}:{}@127.0.0.1:{}/{db}",
        pg::LOADER,
        pg::LOADER_PASSWORD,
        s.port
    );
    let r = s.callscore(&["load", dir, "--into", &with_pw], &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("never taken from the command line"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains(pg::LOADER_PASSWORD));

    // No password anywhere.
    let r = s.callscore(&["load", dir, "--into", &url], &[("PGPASSWORD", "")]);
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert!(
        r.stderr.contains("PGPASSWORD") && r.stderr.contains(".pgpass"),
        "{}",
        r.stderr
    );

    // A password file: used when private, ignored (with a warning) when not.
    let pass = t.path().join("pgpass");
    std::fs::write(
        &pass,
        format!(
            "# comment\notherhost:*:*:*:nope\n127.0.0.1:{}:*:{}:{}\n",
            s.port,
            pg::LOADER,
            pg::LOADER_PASSWORD
        ),
    )
    .unwrap();
    set_mode(&pass, 0o600);
    let env = [("PGPASSWORD", ""), ("PGPASSFILE", pass.to_str().unwrap())];
    let r = s.callscore(&["load", dir, "--into", &url], &env);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains(pg::LOADER_PASSWORD));
    set_mode(&pass, 0o644);
    let r = s.callscore(&["load", dir, "--into", &url, "--reload"], &env);
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert!(r.stderr.contains("group or world access"), "{}", r.stderr);

    // A service from pg_service.conf, with no --into at all.
    let svc = t.path().join("pg_service.conf");
    std::fs::write(
        &svc,
        format!(
            "[qa]\nhost=127.0.0.1\nport={}\ndbname={db}\nuser={}\n",
            s.port,
            pg::LOADER
        ),
    )
    .unwrap();
    let r = s.callscore(
        &["load", dir, "--reload"],
        &[
            ("PGSERVICEFILE", svc.to_str().unwrap()),
            ("PGSERVICE", "qa"),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);

    // A database that does not exist.
    let r = s.callscore(&["load", dir, "--into", &s.url("nosuchdb")], &[]);
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert!(r.stderr.contains("createdb nosuchdb"), "{}", r.stderr);

    // A damaged line in the middle of calls.jsonl: exit 2, the line named, nothing
    // loaded (the calls before it were already sent: they are rolled back).
    let mut c = s.admin(&db);
    let before = count(&mut c, "item_results");
    let damaged = t.path().join("damaged");
    pg::copy_dir(&a, &damaged);
    let text = std::fs::read_to_string(damaged.join("calls.jsonl")).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    lines[30].truncate(40);
    std::fs::write(damaged.join("calls.jsonl"), lines.join("\n") + "\n").unwrap();
    let r = s.callscore(
        &[
            "load",
            damaged.to_str().unwrap(),
            "--into",
            &url,
            "--reload",
        ],
        &[],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("calls.jsonl:31: not a call record"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("rolled back"), "{}", r.stderr);
    assert_eq!(count(&mut c, "item_results"), before);

    // Not a run folder: exit 2, before connecting.
    let r = s.callscore(&["load", t.path().to_str().unwrap(), "--into", &url], &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("is not a run folder"), "{}", r.stderr);
}

fn set_mode(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A port with nothing listening (bound and released).
fn free_port_nearby() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
