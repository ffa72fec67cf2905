//! A throwaway PostgreSQL server per test: `initdb` into a temporary folder, `pg_ctl
//! start` on a free port (TCP on 127.0.0.1 with password logins, and a Unix socket in
//! the same folder for the test's own admin connection), stopped and removed when the
//! [`Server`] is dropped.
//!
//! PostgreSQL refuses to run as root: as root (CI), the server runs as the `postgres`
//! user that Debian's package creates, through `runuser`. The binaries are found in
//! `CALLSCORE_PG_BIN`, else the newest `/usr/lib/postgresql/*/bin`, else the PATH.
//!
//! Without PostgreSQL the tests pass with a loud message, unless `CI` or
//! `CALLSCORE_REQUIRE_POSTGRES` is set: then they fail (`.ci/run` installs it).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_callscore");

/// The admin role (trusted on the Unix socket only).
pub const ADMIN: &str = "admin";
/// The role loads run as, logging in over TCP with a password.
pub const LOADER: &str = "loader";
/// Its password.
pub const LOADER_PASSWORD: &str = "Lo4der-pw-7f3c";

pub struct Server {
    dir: tempfile::TempDir,
    bin: PathBuf,
    run_as: Option<&'static str>,
    /// TCP port on 127.0.0.1 (the socket has the same number).
    pub port: u16,
}

fn find_bin() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("CALLSCORE_PG_BIN") {
        return Some(PathBuf::from(d));
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let b = e.path().join("bin");
            b.join("initdb").exists().then_some((v, b))
        })
        .collect();
    found.sort();
    if let Some((_, b)) = found.pop() {
        return Some(b);
    }
    let out = Command::new("sh")
        .args(["-c", "command -v initdb"])
        .output()
        .ok()?;
    let p = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    p.parent()
        .filter(|_| out.status.success())
        .map(Path::to_path_buf)
}

fn required() -> bool {
    ["CI", "CALLSCORE_REQUIRE_POSTGRES"]
        .iter()
        .any(|v| std::env::var_os(v).is_some())
}

fn unavailable(msg: &str) -> Option<Server> {
    if required() {
        panic!("{msg} CI or CALLSCORE_REQUIRE_POSTGRES is set, so this is a failure.");
    }
    eprintln!(
        "\n{}\n!!! SKIPPED: {msg} Install it with `apt-get install -y postgresql` (.ci/run does).\n{}\n",
        "!".repeat(78),
        "!".repeat(78)
    );
    None
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

impl Server {
    /// Start a server, or `None` (with a loud message) when PostgreSQL is not installed
    /// and not required.
    pub fn start() -> Option<Server> {
        let Some(bin) = find_bin() else {
            return unavailable(
                "PostgreSQL (initdb, pg_ctl) not found: the database tests cannot run.",
            );
        };
        let run_as = is_root().then_some("postgres");
        let dir = tempfile::Builder::new()
            .prefix("callscore-pg-")
            .tempdir_in("/tmp")
            .expect("tempdir");
        if let Some(user) = run_as {
            let ok = Command::new("chown")
                .args(["-R", user, &dir.path().display().to_string()])
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                return unavailable(
                    "running as root, and the `postgres` user to run the server as is missing.",
                );
            }
        }
        let pwfile = dir.path().join("pw");
        std::fs::write(&pwfile, "admin-pw\n").unwrap();
        let mut s = Server {
            bin,
            run_as,
            port: 0,
            dir,
        };
        if let Some(user) = run_as {
            Command::new("chown")
                .args([user, &pwfile.display().to_string()])
                .status()
                .unwrap();
        }
        let data = s.data().display().to_string();
        let out = s
            .cmd("initdb")
            .args(["-D", &data, "-U", ADMIN, "-N", "-E", "UTF8", "--locale=C"])
            .arg(format!("--pwfile={}", pwfile.display()))
            .args(["--auth-local=trust", "--auth-host=scram-sha-256"])
            .output()
            .expect("run initdb");
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        s.port = free_port();
        s.start_again();
        let mut c = s.admin("postgres");
        c.batch_execute(&format!(
            "CREATE ROLE {LOADER} LOGIN PASSWORD '{LOADER_PASSWORD}'"
        ))
        .unwrap();
        Some(s)
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The socket folder.
    pub fn socket_dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    fn cmd(&self, tool: &str) -> Command {
        let exe = self.bin.join(tool);
        match self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(exe);
                c
            }
            None => Command::new(exe),
        }
    }

    /// (Re)start the server on its port. `fsync=off` makes it fast and still keeps every
    /// commit across a killed server (the WAL is in the operating system's cache); commits
    /// stay synchronous, because with `synchronous_commit=off` a commit returns before its
    /// WAL leaves the server's memory, and the crash tests (`stop_immediate`) then lost
    /// what they had just set up (a trigger created a moment before the stop was gone).
    pub fn start_again(&self) {
        let log = self.dir.path().join("log");
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off",
            self.port,
            self.dir.path().display()
        );
        let out = self
            .cmd("pg_ctl")
            .args(["-D", &self.data().display().to_string()])
            .args([
                "-l",
                &log.display().to_string(),
                "-o",
                &opts,
                "-w",
                "-t",
                "60",
                "start",
            ])
            .output()
            .expect("run pg_ctl");
        assert!(
            out.status.success(),
            "pg_ctl start failed: {}{}",
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    /// Stop at once, as a crash would (`-m immediate`).
    pub fn stop_immediate(&self) {
        let _ = self
            .cmd("pg_ctl")
            .args([
                "-D",
                &self.data().display().to_string(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ])
            .output();
    }

    /// A client as the admin over the Unix socket.
    pub fn admin(&self, db: &str) -> postgres::Client {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let r = postgres::Config::new()
                .host_path(self.dir.path())
                .port(self.port)
                .user(ADMIN)
                .dbname(db)
                .connect(postgres::NoTls);
            match r {
                Ok(c) => return c,
                Err(e) if Instant::now() > deadline => panic!("admin connection: {e}"),
                Err(_) => std::thread::sleep(Duration::from_millis(200)),
            }
        }
    }

    /// A new database owned by the loader role.
    pub fn create_db(&self, name: &str) -> String {
        self.admin("postgres")
            .batch_execute(&format!("CREATE DATABASE {name} OWNER {LOADER}"))
            .unwrap();
        name.to_string()
    }

    /// The URL of `db` for the loader (no password: it comes from the environment).
    pub fn url(&self, db: &str) -> String {
        format!("postgres://{LOADER}@127.0.0.1:{}/{db}", self.port)
    }

    /// `callscore ARGS` with a clean environment: no PG* variables from the machine, a
    /// HOME without a password file, PGPASSWORD set to the loader's unless `env`
    /// overrides it (a value of "" removes the variable).
    pub fn callscore(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let home = self.dir.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        let mut c = Command::new(BIN);
        c.args(args);
        for (k, _) in std::env::vars() {
            if k.starts_with("PG") {
                c.env_remove(&k);
            }
        }
        c.env("HOME", &home).env("PGPASSWORD", LOADER_PASSWORD);
        for (k, v) in env {
            if v.is_empty() {
                c.env_remove(k);
            } else {
                c.env(k, v);
            }
        }
        let out = c.output().expect("run callscore");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop_immediate();
    }
}

/// A finished `callscore` process.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Count rows: `SELECT count(*) FROM callscore.<table> [WHERE …]`.
pub fn count(c: &mut postgres::Client, table_and_where: &str) -> i64 {
    c.query_one(
        &format!("SELECT count(*) FROM callscore.{table_and_where}"),
        &[],
    )
    .unwrap_or_else(|e| panic!("count {table_and_where}: {e}"))
    .get(0)
}

/// Score `corpus` with `rules` into `out` (a plain run folder) with run id `id`.
pub fn run_folder(corpus: &Path, rules: &Path, out: &Path, id: &str, extra: &[&str]) {
    let o = Command::new(BIN)
        .arg("run")
        .arg(corpus)
        .arg("--rules")
        .arg(rules)
        .arg("--out")
        .arg(out)
        .args(["--quiet", "--run-id", id])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "run failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Call records of a run folder's calls.jsonl (header skipped).
pub fn records(dir: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join("calls.jsonl"))
        .unwrap()
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Copy a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        let t = to.join(e.file_name());
        if p.is_dir() {
            copy_dir(&p, &t);
        } else {
            std::fs::copy(&p, &t).unwrap();
        }
    }
}

/// Bytes of every file of a folder, to show nothing changed.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<(PathBuf, Vec<u8>)> = walk(dir)
        .into_iter()
        .map(|p| {
            let b = std::fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            v.extend(walk(&p));
        } else {
            v.push(p);
        }
    }
    v
}
