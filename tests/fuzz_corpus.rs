//! Replays the fuzz corpus kept in `fuzz/corpus/<target>/` through the same functions
//! the fuzz targets call (`callscore::fuzzing`), on the stable toolchain: every input a
//! fuzzer once found interesting, including the reproducers of fixed bugs, must go
//! through without a panic. A target without a corpus folder, or with an empty one, is
//! a failure, so the corpus cannot silently go missing.

use std::path::Path;

#[test]
fn every_fuzz_target_replays_its_corpus_without_panicking() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut problems = Vec::new();
    let mut total = 0usize;
    for (name, target) in callscore::fuzzing::TARGETS {
        let dir = root.join(name);
        let mut files: Vec<_> = match std::fs::read_dir(&dir) {
            Ok(rd) => rd
                .map(|e| e.expect("readable corpus folder").path())
                .filter(|p| p.is_file())
                .collect(),
            Err(e) => {
                problems.push(format!("{}: {e}", dir.display()));
                continue;
            }
        };
        if files.is_empty() {
            problems.push(format!("{}: no corpus files", dir.display()));
            continue;
        }
        files.sort();
        for f in files {
            let bytes = std::fs::read(&f).expect("readable corpus file");
            if std::panic::catch_unwind(|| target(&bytes)).is_err() {
                problems.push(format!("{name}: panicked on {}", f.display()));
            }
            total += 1;
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(total > 0);
}

#[test]
fn every_fuzz_target_has_a_binary() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/fuzz_targets");
    for (name, _) in callscore::fuzzing::TARGETS {
        let src = dir.join(format!("{name}.rs"));
        let text =
            std::fs::read_to_string(&src).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
        assert!(
            text.contains("callscore::fuzzing::"),
            "{} calls no shared entry",
            src.display()
        );
    }
}
