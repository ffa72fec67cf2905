//! libpq's rules for connection strings, services, the environment and the password
//! file, without a server.

use super::*;
use std::collections::HashMap;

fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let m: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k: &str| m.get(k).cloned()
}

fn resolve_with(conn: Option<&str>, pairs: &[(&str, &str)]) -> Result<Target, ConnInfoError> {
    let e = env_of(pairs);
    resolve(conn, &e)
}

#[test]
fn urls_and_keyword_strings_parse_alike() {
    let u = parse("postgres://qa%20user@db1:6543/qa_db?application_name=nightly").unwrap();
    assert_eq!(u["user"], "qa user");
    assert_eq!(u["host"], "db1");
    assert_eq!(u["port"], "6543");
    assert_eq!(u["dbname"], "qa_db");
    assert_eq!(u["application_name"], "nightly");
    let k = parse("host=db1 port = 6543  dbname='qa db' user=qa\\ user").unwrap();
    assert_eq!(k["host"], "db1");
    assert_eq!(k["port"], "6543");
    assert_eq!(k["dbname"], "qa db");
    assert_eq!(k["user"], "qa user");
    let v6 = parse("postgresql://[::1]:5433/x").unwrap();
    assert_eq!(v6["host"], "::1");
    assert_eq!(v6["port"], "5433");
    let sock = parse("postgres:///qa?host=/var/run/postgresql").unwrap();
    assert_eq!(sock["host"], "/var/run/postgresql");
    assert_eq!(sock["dbname"], "qa");
    assert!(parse("").unwrap().is_empty());
}

#[test]
fn bad_strings_say_what_is_wrong() {
    let e = |s: &str| parse(s).unwrap_err().to_string();
    assert!(e("mysql://x").contains("not a PostgreSQL URL"));
    assert!(e("host=db1 dbnme=qa").contains("unknown connection parameter \"dbnme\""));
    assert!(e("host").contains("has no '=value'"));
    assert!(e("dbname='qa").contains("no closing quote"));
    assert!(e("postgres://db1/%zz").contains("percent-escape"));
    assert!(e("postgres://db1/x?sslmode").contains("has no '=value'"));
}

#[test]
fn a_password_on_the_command_line_is_refused_and_never_printed() {
    for s in ["postgres://qa:s3cret@db1/qa", "host=db1 password=s3cret"] {
        let err = resolve_with(Some(s), &[]).unwrap_err();
        assert!(matches!(err, ConnInfoError::PasswordOnCommandLine));
        assert!(!err.to_string().contains("s3cret"));
    }
}

#[test]
fn a_password_that_would_not_parse_is_refused_as_a_password_and_never_quoted() {
    // Each of these used to fail as a syntax error quoting part of the password (a bad
    // percent-escape, the word after a space taken for a key, a bad port after it).
    for s in [
        "postgres://qa:s3%zzcret@db1/qa",
        "postgres://qa:s3cret@db1:notaport/qa",
        "postgres://db1/qa?password=s3%zzcret",
        "postgres://db1/qa?password=s3cret&sslmode=require",
        "host=db1 password=s3 cret",
        "host=db1 password='s3cret",
        "password=s3cret port=x",
    ] {
        let err = resolve_with(Some(s), &[]).unwrap_err();
        assert!(
            matches!(err, ConnInfoError::PasswordOnCommandLine),
            "{s}: {err}"
        );
        let text = err.to_string();
        for part in ["s3", "cret", "zz"] {
            assert!(!text.contains(part), "{s}: {text}");
        }
    }
}

#[test]
fn the_connection_string_wins_then_the_service_then_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let svc = dir.path().join("svc.conf");
    std::fs::write(
        &svc,
        "# services\n[other]\nhost=nope\n[qa]\nhost=svc-host\nport=7000\ndbname=svc_db\npassword=svc-pw\n",
    )
    .unwrap();
    let f = svc.to_str().unwrap();
    let env = [
        ("PGSERVICEFILE", f),
        ("PGSERVICE", "qa"),
        ("PGHOST", "env-host"),
        ("PGUSER", "env-user"),
        ("PGPASSWORD", "env-pw"),
        ("PGDATABASE", "env-db"),
    ];
    let t = resolve_with(Some("postgres://url-user@url-host/url_db"), &env).unwrap();
    assert_eq!(
        (t.host.as_str(), t.port, t.user.as_str(), t.dbname.as_str()),
        ("url-host", 7000, "url-user", "url_db")
    );
    assert_eq!(t.password_source, PasswordSource::Service(svc.clone()));
    assert_eq!(t.password.as_deref(), Some("svc-pw"));
    let t = resolve_with(None, &env).unwrap();
    assert_eq!((t.host.as_str(), t.user.as_str()), ("svc-host", "env-user"));
    assert_eq!(t.dbname, "svc_db");
    // Without a service: the environment.
    let t = resolve_with(None, &env[2..]).unwrap();
    assert_eq!(
        (t.host.as_str(), t.user.as_str(), t.dbname.as_str()),
        ("env-host", "env-user", "env-db")
    );
    assert_eq!(t.password_source, PasswordSource::Env);
    // A missing service names the files looked in.
    let e = resolve_with(Some("service=nosuch"), &[("PGSERVICEFILE", f)])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("service \"nosuch\"") && e.contains("svc.conf"),
        "{e}"
    );
}

#[test]
fn defaults_follow_libpq() {
    let t = resolve_with(Some("host=db1"), &[("USER", "alice")]).unwrap();
    assert_eq!(
        (t.port, t.user.as_str(), t.dbname.as_str()),
        (5432, "alice", "alice")
    );
    assert_eq!(t.application_name, "callscore load");
    assert_eq!(t.connect_timeout, 30);
    assert!(!t.has_password());
    assert_eq!(t.password_source, PasswordSource::None);
    assert_eq!(t.to_string(), "postgres://alice@db1:5432/alice");
    let t = resolve_with(Some("host=/run/pg port=5433 user=u dbname=d"), &[]).unwrap();
    assert_eq!(t.to_string(), "postgres://u@/d?host=/run/pg&port=5433");
}

#[test]
fn tls_is_refused_before_connecting_and_bad_values_are_named() {
    for m in ["require", "verify-ca", "verify-full"] {
        let e = resolve_with(Some(&format!("host=db1 sslmode={m}")), &[]).unwrap_err();
        assert!(matches!(e, ConnInfoError::Tls(_)), "{m}");
    }
    assert!(resolve_with(Some("host=db1 sslmode=prefer"), &[]).is_ok());
    let e = resolve_with(Some("host=db1"), &[("PGSSLMODE", "maybe")]).unwrap_err();
    assert!(e.to_string().contains("sslmode=\"maybe\""), "{e}");
    let e = resolve_with(Some("host=db1 port=99999"), &[]).unwrap_err();
    assert!(e.to_string().contains("port"), "{e}");
    let e = resolve_with(Some("host=db1 connect_timeout=soon"), &[]).unwrap_err();
    assert!(e.to_string().contains("connect_timeout"), "{e}");
}

#[test]
fn password_file_lines_match_like_libpq() {
    let text = "# a comment\n\
                db1:5432:qa:loader:first\n\
                db1:*:*:loader:second\n\
                localhost:5432:*:*:socket\\:pw\n\
                *:*:*:*:any\\\\thing\n\
                broken line\n";
    let f = |h: &str, p: u16, d: &str, u: &str| pgpass::find(text, h, p, d, u);
    assert_eq!(f("db1", 5432, "qa", "loader").as_deref(), Some("first"));
    assert_eq!(f("db1", 6000, "other", "loader").as_deref(), Some("second"));
    assert_eq!(
        f("/var/run/postgresql", 5432, "qa", "x").as_deref(),
        Some("socket:pw")
    );
    assert_eq!(f("", 5432, "qa", "x").as_deref(), Some("socket:pw"));
    assert_eq!(f("db2", 1, "a", "b").as_deref(), Some("any\\thing"));
    assert_eq!(
        pgpass::find(
            "db1:5432:qa:loader:pw:with:colons",
            "db1",
            5432,
            "qa",
            "loader"
        )
        .as_deref(),
        Some("pw:with:colons")
    );
    assert_eq!(
        pgpass::find("db1:5432:qa:loader:x", "db9", 5432, "qa", "loader"),
        None
    );
    // A line commented out is not used, even when it would match.
    let two = "#db1:5432:qa:loader:old\ndb1:5432:qa:loader:new";
    assert_eq!(pgpass::find(two, "#db1", 5432, "qa", "loader"), None);
    assert_eq!(
        pgpass::find(two, "db1", 5432, "qa", "loader").as_deref(),
        Some("new")
    );
}

#[test]
fn a_password_file_others_can_read_is_ignored_with_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("pgpass");
    std::fs::write(&p, "db1:5432:*:loader:from-file\n").unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    let env = [("PGPASSFILE", p.to_str().unwrap())];
    let t = resolve_with(Some("host=db1 user=loader"), &env).unwrap();
    assert_eq!(t.password.as_deref(), Some("from-file"));
    assert_eq!(t.password_source, PasswordSource::Passfile(p.clone()));
    assert!(t.warnings.is_empty());
    // PGPASSWORD comes first.
    let t = resolve_with(
        Some("host=db1 user=loader"),
        &[env[0], ("PGPASSWORD", "env")],
    )
    .unwrap();
    assert_eq!(t.password.as_deref(), Some("env"));
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
    let t = resolve_with(Some("host=db1 user=loader"), &env).unwrap();
    assert!(!t.has_password());
    assert!(
        t.warnings[0].contains("group or world access"),
        "{:?}",
        t.warnings
    );
    // ~/.pgpass when PGPASSFILE is unset; a missing file is no warning.
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::rename(&p, dir.path().join(".pgpass")).unwrap();
    let home = [("HOME", dir.path().to_str().unwrap())];
    let t = resolve_with(Some("host=db1 user=loader"), &home).unwrap();
    assert_eq!(t.password.as_deref(), Some("from-file"));
    let t = resolve_with(Some("host=db1 user=loader"), &[("HOME", "/nonexistent")]).unwrap();
    assert!(t.warnings.is_empty() && !t.has_password());
}

#[test]
fn debug_and_display_never_show_the_password() {
    let t = resolve_with(Some("host=db1 user=u"), &[("PGPASSWORD", "hunter2-xyz")]).unwrap();
    assert!(t.has_password());
    for s in [format!("{t}"), format!("{t:?}")] {
        assert!(!s.contains("hunter2-xyz"), "{s}");
    }
}

#[test]
fn service_sections_end_at_the_next_header() {
    let text = "[a]\nhost=h1\n[b]\nhost=h2\nport = 1\n";
    let b = service::section(text, "b").unwrap();
    assert_eq!(b["host"], "h2");
    assert_eq!(b["port"], "1");
    assert_eq!(service::section(text, "a").unwrap().len(), 1);
    assert!(service::section(text, "c").is_none());
}
