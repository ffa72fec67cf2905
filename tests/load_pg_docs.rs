//! The PostgreSQL commands the docs show, run against a real server (tests/pg), and
//! `run --load-into` when the connection string is wrong or the server is down.
//!
//! tests/docs.rs skips the docs' PostgreSQL blocks (a test machine has no `db1`); here
//! each of those blocks runs line by line as tests/docs.rs would run it, with the
//! documented `postgres://qa_loader@db1:5432/qa` pointed at a throwaway server and the
//! service `qa` of `PGSERVICE=qa` in the user's `~/.pg_service.conf`.

mod docsrun;
mod pg;

use pg::{Server, count, root};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The connection string the docs show.
const DOC_URL: &str = "postgres://qa_loader@db1:5432/qa";

/// `callscore ARGS` in `cwd` with no PG* variables and an empty HOME.
fn callscore_in(cwd: &Path, args: &[&str]) -> std::process::Output {
    let mut c = Command::new(pg::BIN);
    c.args(args).current_dir(cwd).env("HOME", cwd);
    for (k, _) in std::env::vars() {
        if k.starts_with("PG") {
            c.env_remove(&k);
        }
    }
    c.output().expect("run callscore")
}

#[test]
fn the_docs_postgres_blocks_run_against_a_server() {
    let Some(s) = Server::start() else { return };
    let db = s.create_db("qa");
    let url = s.url(&db);
    let mut ran = 0;
    for doc in ["README.md", "docs/postgres.md"] {
        let text = std::fs::read_to_string(root().join(doc)).unwrap();
        let blocks: Vec<docsrun::Block> = docsrun::blocks(&text)
            .into_iter()
            .filter(|b| {
                b.skip
                    .as_deref()
                    .is_some_and(|r| r.contains("PostgreSQL server"))
            })
            .collect();
        assert!(!blocks.is_empty(), "{doc} shows no PostgreSQL block");
        for b in blocks {
            // What the docs assume is there: a run folder `out` and a state folder
            // `state` made from the sample corpus, a password, and the service `qa`.
            let work = tempfile::tempdir().unwrap();
            let w = work.path();
            docsrun::copy_dir(&root().join("corpus"), &w.join("corpus"));
            docsrun::copy_dir(&root().join("rules"), &w.join("rules"));
            for args in [
                &[
                    "run", "corpus", "--rules", "rules", "--out", "out", "--quiet",
                ][..],
                &["run", "corpus", "--state", "state", "--quiet"][..],
            ] {
                let o = callscore_in(w, args);
                assert!(
                    o.status.success(),
                    "{args:?}: {}",
                    String::from_utf8_lossy(&o.stderr)
                );
            }
            std::fs::write(
                w.join(".pg_service.conf"),
                format!(
                    "[qa]\nhost=127.0.0.1\nport={}\ndbname={db}\nuser={}\n",
                    s.port,
                    pg::LOADER
                ),
            )
            .unwrap();
            let bins = tempfile::tempdir().unwrap();
            std::os::unix::fs::symlink(pg::BIN, bins.path().join("callscore")).unwrap();
            for c in docsrun::commands(&b) {
                let Some(line) = &c.run else { continue };
                let line = line.replace(DOC_URL, &url);
                assert!(
                    !line.split(" #").next().unwrap_or("").contains("db1"),
                    "{doc}:{}: a connection string other than {DOC_URL}: {line}",
                    c.line
                );
                let env = format!(
                    "for v in $(compgen -e); do case $v in PG*) unset $v;; esac; done; export HOME={} PGPASSWORD={}; ",
                    w.display(),
                    pg::LOADER_PASSWORD
                );
                let r = docsrun::run_line(
                    &format!("{env}{line}"),
                    w,
                    bins.path(),
                    Duration::from_secs(300),
                );
                ran += 1;
                assert_eq!(
                    r.code,
                    Some(c.expect),
                    "{doc}:{}: `{}`\n{}",
                    c.line,
                    c.written,
                    docsrun::tail(&r.stderr, 20)
                );
                assert!(
                    !r.stderr.contains(pg::LOADER_PASSWORD),
                    "{doc}:{}: the password was printed",
                    c.line
                );
            }
        }
    }
    assert!(ran >= 7, "only {ran} commands ran");
    // The runs of the blocks are in the database: the sample corpus's calls, once each.
    let mut c = s.admin(&db);
    let calls = count(&mut c, "calls");
    assert!(calls > 50, "{calls} calls loaded");
    let twice: i64 = c
        .query_one(
            "SELECT count(*) FROM (SELECT 1 FROM callscore.calls
               GROUP BY pack_id, call_id HAVING count(*) > 1) d",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(twice, 0, "no call twice under one pack");
}

#[test]
fn run_load_into_a_connection_string_with_a_password_is_refused_before_scoring() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let root = root();
    for url in [
        "postgres://loader:Run-pw-4471@127.0.0.1:1/qa",
        "host=127.0.0.1 password=Run-pw-4471",
        "postgres://loader@127.0.0.1:1/qa?sslmode=require",
    ] {
        let o = callscore_in(
            t.path(),
            &[
                "run",
                root.join("corpus").to_str().unwrap(),
                "--rules",
                root.join("rules").to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--quiet",
                "--load-into",
                url,
            ],
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{url}: {err}");
        assert!(err.contains("--load-into"), "{err}");
        assert!(err.contains("nothing was scored"), "{err}");
        assert!(!err.contains("Run-pw-4471"), "{err}");
        assert!(!out.exists(), "{url}: nothing scored, nothing written");
    }
}

#[test]
fn run_load_into_a_server_that_is_down_publishes_the_run_exits_6_and_a_later_load_succeeds() {
    let Some(s) = Server::start() else { return };
    let db = s.create_db("qa");
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dead_url = format!("postgres://{}@127.0.0.1:{dead}/{db}", pg::LOADER);
    let r = s.callscore(
        &[
            "run",
            root().join("corpus").to_str().unwrap(),
            "--rules",
            root().join("rules").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
            "--run-id",
            "night-1",
            "--load-into",
            &dead_url,
        ],
        &[],
    );
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert!(r.stderr.contains("cannot connect to"), "{}", r.stderr);
    assert!(r.stderr.contains("pg_isready"), "{}", r.stderr);
    assert!(!r.stderr.contains(pg::LOADER_PASSWORD));
    // The run itself is published whole.
    let recs = pg::records(&out);
    assert!(recs.len() > 50);
    assert!(out.join("summary.json").exists() && out.join("manifest.json").exists());

    let r = s.callscore(&["load", out.to_str().unwrap(), "--into", &s.url(&db)], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut c = s.admin(&db);
    assert_eq!(count(&mut c, "calls"), recs.len() as i64);
    assert_eq!(count(&mut c, "runs WHERE run_id = 'night-1'"), 1);
}
