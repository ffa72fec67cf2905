//! Re-loading runs into a real PostgreSQL server (tests/pg): a run's own rows are
//! deleted while its records are read, other runs' rows it replaces after; neither
//! touches a row of another call, and a session ended while deleting rolls back.

mod pg;

use pg::{Server, count, records, root, run_folder};
use std::path::{Path, PathBuf};

fn sample_run(dir: &Path, id: &str) -> PathBuf {
    let out = dir.join(id);
    run_folder(&root().join("corpus"), &root().join("rules"), &out, id, &[]);
    out
}

/// Item rows, calls and the per-call rows of `run`.
fn run_counts(c: &mut postgres::Client, run: &str) -> (i64, i64) {
    let calls = count(c, &format!("calls WHERE run_id = '{run}'"));
    let items = count(
        c,
        &format!(
            "item_results WHERE call_key IN (SELECT call_key FROM callscore.calls WHERE run_id = '{run}')"
        ),
    );
    (calls, items)
}

/// No row of a per-call table without its call.
fn assert_no_orphans(c: &mut postgres::Client) {
    for t in [
        "item_results",
        "section_scores",
        "call_drivers",
        "sentiment",
        "metrics",
    ] {
        assert_eq!(
            count(
                c,
                &format!("{t} WHERE call_key NOT IN (SELECT call_key FROM callscore.calls)")
            ),
            0,
            "{t} has rows of no call"
        );
    }
}

#[test]
fn reloading_replaces_a_runs_own_rows_and_other_runs_calls_and_nothing_else() {
    let Some(s) = Server::start() else { return };
    let db = s.create_db("qa");
    let t = tempfile::tempdir().unwrap();
    let a = sample_run(t.path(), "run-a");
    let b = sample_run(t.path(), "run-b");
    let url = s.url(&db);
    let n = records(&a).len() as i64;
    let items: i64 = records(&a)
        .iter()
        .map(|r| r["qa"]["items"].as_array().unwrap().len() as i64)
        .sum();
    let load = |dir: &Path, reload: bool| {
        let mut args = vec!["load", dir.to_str().unwrap(), "--into", &url];
        if reload {
            args.push("--reload");
        }
        let r = s.callscore(&args, &[]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stderr
    };
    load(&a, false);
    let mut c = s.admin(&db);
    assert_eq!(run_counts(&mut c, "run-a"), (n, items));

    // A call of another pack whose key sits inside run-a's range (one of run-a's
    // calls made room for it): the re-load must leave it and its rows alone.
    let stranger: i64 = c
        .query_one(
            "SELECT min(call_key) + 3 FROM callscore.calls WHERE run_id = 'run-a'",
            &[],
        )
        .unwrap()
        .get(0);
    let mut tx = c.transaction().unwrap();
    for table in [
        "item_results",
        "section_scores",
        "call_drivers",
        "sentiment",
        "metrics",
        "calls",
    ] {
        tx.execute(
            &format!("DELETE FROM callscore.{table} WHERE call_key = $1"),
            &[&stranger],
        )
        .unwrap();
    }
    tx.batch_execute(&format!(
        "INSERT INTO callscore.packs (name, version, hash) VALUES ('other-pack', '1.0', 'x');
         INSERT INTO callscore.runs (run_id, pack_id, callscore, evidence, summary, folder, calls_loaded)
           SELECT 'old-run', pack_id, '0.0.9', 'failed', '{{}}', '/old', 1
           FROM callscore.packs WHERE name = 'other-pack';
         INSERT INTO callscore.calls (call_key, pack_id, call_id, run_id, source, format, language, auto_fail)
           SELECT {stranger}, pack_id, 'stranger', 'old-run', 'x.json', 'native', 'en', false
           FROM callscore.packs WHERE name = 'other-pack';
         INSERT INTO callscore.item_results (call_key, position, item_id, result)
           VALUES ({stranger}, 0, 'greeting', 'pass');"
    ))
    .unwrap();
    tx.commit().unwrap();
    let stderr = load(&a, true);
    assert!(
        stderr.contains(&format!("{} calls replaced", n - 1)),
        "{stderr}"
    );
    assert_eq!(run_counts(&mut c, "run-a"), (n, items), "run-a whole again");
    assert_eq!(
        count(&mut c, &format!("item_results WHERE call_key = {stranger}")),
        1
    );
    assert_eq!(count(&mut c, "calls WHERE call_id = 'stranger'"), 1);
    assert_no_orphans(&mut c);

    // run-b holds the same calls under the same pack: they move to run-b; loading
    // run-a again brings them back. The stranger stays through both.
    let stderr = load(&b, false);
    assert!(stderr.contains(&format!("{n} calls replaced")), "{stderr}");
    assert_eq!(run_counts(&mut c, "run-a"), (0, 0));
    assert_eq!(run_counts(&mut c, "run-b"), (n, items));
    let stderr = load(&a, true);
    assert!(stderr.contains(&format!("{n} calls replaced")), "{stderr}");
    assert_eq!(run_counts(&mut c, "run-a"), (n, items));
    assert_eq!(run_counts(&mut c, "run-b"), (0, 0));
    assert_eq!(count(&mut c, "calls"), n + 1);
    assert_eq!(count(&mut c, "item_results"), items + 1);
    assert_no_orphans(&mut c);
}

/// A trigger that ends the loading session at the 200th item row it deletes.
const KILL_MID_DELETE: &str = "
CREATE SEQUENCE public.kill_counter;
CREATE FUNCTION public.kill_mid_delete() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
  IF nextval('public.kill_counter') = 200 THEN
    PERFORM pg_terminate_backend(pg_backend_pid());
  END IF;
  RETURN OLD;
END $$;
CREATE TRIGGER kill_mid_delete BEFORE DELETE ON callscore.item_results
  FOR EACH ROW EXECUTE FUNCTION public.kill_mid_delete();";

#[test]
fn a_session_ended_while_deleting_a_runs_old_rows_rolls_back_and_the_rerun_succeeds() {
    let Some(s) = Server::start() else { return };
    let db = s.create_db("qa");
    let t = tempfile::tempdir().unwrap();
    let a = sample_run(t.path(), "run-a");
    let url = s.url(&db);
    let r = s.callscore(&["load", a.to_str().unwrap(), "--into", &url], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut c = s.admin(&db);
    let keys_before: Vec<i64> = c
        .query("SELECT call_key FROM callscore.calls ORDER BY 1", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let items = count(&mut c, "item_results");
    c.batch_execute(KILL_MID_DELETE).unwrap();

    let r = s.callscore(
        &["load", a.to_str().unwrap(), "--into", &url, "--reload"],
        &[],
    );
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert!(
        r.stderr.contains("deleting the rows this run replaces"),
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
    let keys_after: Vec<i64> = c
        .query("SELECT call_key FROM callscore.calls ORDER BY 1", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(keys_after, keys_before, "the first load is untouched");
    assert_eq!(count(&mut c, "item_results"), items);

    c.batch_execute("DROP TRIGGER kill_mid_delete ON callscore.item_results")
        .unwrap();
    let r = s.callscore(
        &["load", a.to_str().unwrap(), "--into", &url, "--reload"],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(count(&mut c, "calls"), keys_before.len() as i64);
    assert_eq!(count(&mut c, "item_results"), items);
    assert_no_orphans(&mut c);
}
