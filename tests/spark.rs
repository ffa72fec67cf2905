//! The PySpark job of `examples/spark/` run for real in `local[2]`: its records (read
//! back from Parquet, sorted by call id), its errors and its merged aggregates are those
//! of one `callscore run` on the same files; a crashing binary fails the job.
//!
//! Needs `python3` with `pyspark` and a Java runtime. Without them the test passes with
//! a loud message, unless `CI` or `CALLSCORE_REQUIRE_SPARK` is set: then it fails
//! (`.ci/run` installs both).

mod common;

use std::path::Path;
use std::process::Command;

/// `false` (and a loud message) when Spark cannot run here and is not required.
fn spark_available() -> bool {
    let java = Command::new("java").arg("-version").output();
    let pyspark = Command::new("python3")
        .args(["-c", "import pyspark"])
        .output();
    let ok =
        |o: &std::io::Result<std::process::Output>| o.as_ref().is_ok_and(|o| o.status.success());
    if ok(&java) && ok(&pyspark) {
        return true;
    }
    let msg = "the Spark job test needs java (apt-get install -y openjdk-17-jre-headless) and \
               pyspark (pip install pyspark); .ci/run installs both";
    if ["CI", "CALLSCORE_REQUIRE_SPARK"]
        .iter()
        .any(|v| std::env::var_os(v).is_some())
    {
        panic!("{msg}. CI or CALLSCORE_REQUIRE_SPARK is set, so this is a failure.");
    }
    eprintln!(
        "\n{}\n!!! SKIPPED: {msg}\n{}\n",
        "!".repeat(78),
        "!".repeat(78)
    );
    false
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        if e.path().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

fn job(dir: &Path, binary: &Path, out: &str) -> std::process::Output {
    let root = common::root();
    Command::new("python3")
        .current_dir(dir)
        .env("SPARK_LOCAL_IP", "127.0.0.1")
        .arg(root.join("examples/spark/callscore_job.py"))
        .args([
            "corpus",
            "--out",
            out,
            "--master",
            "local[2]",
            "--partitions",
            "3",
        ])
        .args(["--run-id", "R", "--metadata", "corpus/metadata.csv"])
        .arg("--callscore")
        .arg(binary)
        .arg("--rules")
        .arg(root.join("rules"))
        .output()
        .unwrap()
}

fn sorted_lines(files: impl Iterator<Item = std::path::PathBuf>) -> Vec<String> {
    let mut v: Vec<String> = files
        .flat_map(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .lines()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|l| !l.is_empty())
        .collect();
    v.sort();
    v
}

#[test]
fn the_spark_job_gives_the_results_of_one_run() {
    if !spark_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    copy_dir(&common::root().join("corpus"), &d.join("corpus"));
    std::fs::write(d.join("corpus/aws/broken.json"), "{\"Transcript\": [").unwrap();
    let bin = assert_cmd::cargo::cargo_bin("callscore");
    let single = Command::new(&bin)
        .current_dir(d)
        .args([
            "run", "corpus", "--out", "single", "--run-id", "R", "--quiet", "--rules",
        ])
        .arg(common::root().join("rules"))
        .output()
        .unwrap();
    assert_eq!(
        single.status.code(),
        Some(3),
        "the corpus has one broken file"
    );

    let o = job(d, &bin, "spark");
    let log = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "the job failed:\n{log}");
    assert!(log.contains("3 partitions"), "{log}");
    let agg = |p: &str| std::fs::read(d.join(p)).unwrap();
    assert!(
        agg("single/aggregates.json") == agg("spark/run/aggregates.json"),
        "merged aggregates differ from the single run's"
    );
    let errors = sorted_lines(
        std::fs::read_dir(d.join("spark/errors"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("part-")
            }),
    );
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors,
        sorted_lines([d.join("single/errors.jsonl")].into_iter())
    );
    let cmp = Command::new("python3")
        .current_dir(d)
        .env("SPARK_LOCAL_IP", "127.0.0.1")
        .arg(common::root().join("tests/spark/compare_records.py"))
        .args(["single/calls.jsonl", "spark/calls.parquet"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&cmp.stdout);
    assert!(
        cmp.status.success(),
        "{said}\n{}",
        String::from_utf8_lossy(&cmp.stderr)
    );
    let calls = common::read_jsonl(&d.join("single/calls.jsonl")).len();
    assert_eq!(said.trim(), format!("identical {calls}"));
}

#[test]
fn a_crashing_binary_fails_the_job() {
    if !spark_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    copy_dir(&common::root().join("corpus/aws"), &d.join("corpus/aws"));
    std::fs::write(d.join("corpus/metadata.csv"), "call_id,agent\n").unwrap();
    // Reads its input, then dies as a crashing process does (SIGABRT).
    let crash = d.join("crash.sh");
    std::fs::write(&crash, "#!/bin/sh\ncat >/dev/null\nkill -ABRT $$\n").unwrap();
    std::fs::set_permissions(&crash, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let o = job(d, &crash, "spark");
    assert!(!o.status.success(), "a crash must fail the job");
    assert!(
        !d.join("spark/run").exists(),
        "nothing is merged from a failed job"
    );
}
