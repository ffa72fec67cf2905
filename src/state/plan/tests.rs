//! Tests of planning a `run --state`: what is new, changed, unchanged or forgotten.

use super::*;

#[test]
fn rescore_values_parse() {
    assert_eq!("all".parse::<Rescore>(), Ok(Rescore::All));
    assert_eq!("keep".parse::<Rescore>(), Ok(Rescore::Keep));
    assert_eq!(
        "since=2026-11-01".parse::<Rescore>(),
        Ok(Rescore::Since(jiff::civil::date(2026, 11, 1)))
    );
    let e = "since=yesterday".parse::<Rescore>().unwrap_err();
    assert!(e.contains("since=YYYY-MM-DD"), "{e}");
    assert!("everything".parse::<Rescore>().is_err());
}

#[test]
fn parts_cover_the_plan_in_order() {
    let p = Planned {
        path: "a".into(),
        size: 0,
        mtime_ns: 0,
        hash: String::new(),
        why: Why::New,
        replaces: None,
    };
    let mut plan = Plan {
        kind: "plan".into(),
        run_id: "r".into(),
        started_at: String::new(),
        seq: 1,
        rules: crate::record::RulesStamp {
            name: "p".into(),
            version: "1".into(),
            hash: "h".into(),
        },
        roots: vec![],
        inputs: vec![p; 5],
        forget: vec![],
        csv_previous: vec![],
        counts: PlanCounts::default(),
        files_skipped: 0,
        skipped_examples: vec![],
        checkpoint_every: 2,
        walk_errors: vec![],
        replaced: Default::default(),
        resumed: 0,
        plan_ms: 0,
        metadata_csvs: vec![],
        refresh: vec![],
        evidence: Default::default(),
    };
    assert_eq!(plan.parts(), vec![0..2, 2..4, 4..5]);
    plan.checkpoint_every = 0;
    assert_eq!(plan.parts().len(), 5);
    assert!(!plan.is_empty());
}

#[test]
fn hash_depends_on_content_only() {
    let d = tempfile::tempdir().unwrap();
    let (a, b) = (d.path().join("a"), d.path().join("b"));
    std::fs::write(&a, "same").unwrap();
    std::fs::write(&b, "same").unwrap();
    assert_eq!(content_hash(&a).unwrap(), content_hash(&b).unwrap());
    std::fs::write(&b, "other").unwrap();
    assert_ne!(content_hash(&a).unwrap(), content_hash(&b).unwrap());
    assert!(content_hash(&a).unwrap().starts_with("xxh3-128:"));
    assert_eq!(content_hash(&a).unwrap().len(), 9 + 32);
}

mod decide {
    use super::super::*;
    use crate::state::index::{Folder, FolderHeader, Index, InputEntry};

    fn folder(seq: u64, pack: &str, entries: Vec<InputEntry>) -> Folder {
        let entries = entries
            .iter()
            .map(|e| {
                (
                    Box::from(e.path.as_str()),
                    crate::state::index::Known::of(e),
                )
            })
            .collect();
        Folder {
            path: PathBuf::from(format!("runs/r{seq}")),
            header: FolderHeader {
                kind: "state".into(),
                run_id: format!("r{seq}"),
                seq,
                rules: crate::record::RulesStamp {
                    name: "p".into(),
                    version: pack.into(),
                    hash: pack.into(),
                },
            },
            entries,
            refreshes: Vec::new(),
        }
    }

    /// The entry a run would have written for `path` as it is now.
    fn entry_of(path: &Path, last_day: &str) -> InputEntry {
        let m = std::fs::metadata(path).unwrap();
        InputEntry {
            kind: "input".into(),
            path: path.to_str().unwrap().into(),
            size: m.len(),
            mtime_ns: mtime_ns(&m),
            hash: content_hash(path).unwrap(),
            calls: vec!["c".into()],
            errors: 0,
            last_day: Some(last_day.into()),
            forgotten: false,
        }
    }

    fn seen(path: &Path) -> Seen<'_> {
        let m = std::fs::metadata(path).unwrap();
        Seen {
            path: path.to_str().unwrap(),
            size: m.len(),
            mtime_ns: mtime_ns(&m),
        }
    }

    fn why(o: &(Option<Planned>, Outcome)) -> &'static str {
        match o.1 {
            Outcome::Scored(Why::New) => "new",
            Outcome::Scored(Why::Changed) => "changed",
            Outcome::Scored(Why::Retried) => "retried",
            Outcome::Scored(Why::Rescored) => "rescored",
            Outcome::Unchanged { .. } => "unchanged",
            Outcome::KeptOtherPack { .. } => "kept",
        }
    }

    #[test]
    fn each_input_gets_the_right_decision() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("a.txt");
        std::fs::write(&f, "Agent: hello").unwrap();
        let idx = |e: InputEntry, pack: &str| Index::from_folders(vec![folder(1, pack, vec![e])]);
        let keep = Rescore::Keep;

        // Unknown → new; known and untouched → unchanged, not even hashed.
        assert_eq!(
            why(&decide(&Index::default(), "v1", &seen(&f), keep)),
            "new"
        );
        let e = entry_of(&f, "2026-11-05");
        let mut unhashable = e.clone();
        unhashable.hash = "xxh3-128:00000000000000000000000000000001".into();
        assert_eq!(
            why(&decide(&idx(unhashable, "v1"), "v1", &seen(&f), keep)),
            "unchanged"
        );

        // Touched (time differs) but the same bytes → unchanged; other bytes → changed,
        // replacing the run that held it.
        let mut touched = e.clone();
        touched.mtime_ns -= 1;
        assert_eq!(
            why(&decide(&idx(touched.clone(), "v1"), "v1", &seen(&f), keep)),
            "unchanged"
        );
        touched.hash = "xxh3-128:00000000000000000000000000000002".into();
        let o = decide(&idx(touched, "v1"), "v1", &seen(&f), keep);
        assert_eq!(why(&o), "changed");
        assert_eq!(o.0.unwrap().replaces.as_deref(), Some("r1"));
        let mut resized = e.clone();
        resized.size += 1;
        resized.hash = "xxh3-128:00000000000000000000000000000002".into();
        assert_eq!(
            why(&decide(&idx(resized, "v1"), "v1", &seen(&f), keep)),
            "changed"
        );

        // Only errors last time → tried again; some calls and some errors → not.
        let mut failed = e.clone();
        failed.calls.clear();
        failed.errors = 2;
        assert_eq!(
            why(&decide(&idx(failed, "v1"), "v1", &seen(&f), keep)),
            "retried"
        );
        let mut partly = e.clone();
        partly.errors = 1;
        assert_eq!(
            why(&decide(&idx(partly, "v1"), "v1", &seen(&f), keep)),
            "unchanged"
        );

        // A tombstone is as good as unknown.
        let mut tomb = e.clone();
        tomb.forgotten = true;
        assert_eq!(why(&decide(&idx(tomb, "v1"), "v1", &seen(&f), keep)), "new");

        // Another pack: kept by default, re-scored by `all`, and by `since` when its
        // last call is on or after the day.
        let other = idx(e.clone(), "v0");
        assert_eq!(why(&decide(&other, "v1", &seen(&f), keep)), "kept");
        assert_eq!(
            why(&decide(&other, "v1", &seen(&f), Rescore::All)),
            "rescored"
        );
        let since = |y, m, d| Rescore::Since(jiff::civil::date(y, m, d));
        assert_eq!(
            why(&decide(&other, "v1", &seen(&f), since(2026, 11, 5))),
            "rescored"
        );
        assert_eq!(
            why(&decide(&other, "v1", &seen(&f), since(2026, 11, 4))),
            "rescored"
        );
        assert_eq!(
            why(&decide(&other, "v1", &seen(&f), since(2026, 11, 6))),
            "kept"
        );
        let mut undated = e.clone();
        undated.last_day = None;
        assert_eq!(
            why(&decide(
                &idx(undated, "v0"),
                "v1",
                &seen(&f),
                since(2030, 1, 1)
            )),
            "rescored",
            "an input of unknown day is in every scope"
        );
        // The same pack is never re-scored, whatever --rescore says.
        assert_eq!(
            why(&decide(&idx(e, "v1"), "v1", &seen(&f), Rescore::All)),
            "unchanged"
        );
    }

    #[test]
    fn missing_inputs_are_counted_and_forgotten_only_when_asked() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().canonicalize().unwrap();
        let here = root.join("here.txt");
        let gone = root.join("gone.txt");
        std::fs::write(&here, "Agent: hi").unwrap();
        std::fs::write(&gone, "Agent: bye").unwrap();
        let entries = vec![entry_of(&here, "2026-11-05"), entry_of(&gone, "2026-11-05")];
        let mut elsewhere = entries[0].clone();
        elsewhere.path = "/somewhere/else.txt".into();
        let idx = Index::from_folders(vec![folder(1, "v1", [entries, vec![elsewhere]].concat())]);
        std::fs::remove_file(&gone).unwrap();
        let roots = [root.clone()];
        let w = walk_and_decide(&idx, "v1", &roots, &[], Rescore::Keep, false);
        assert_eq!(w.counts.unchanged, 1);
        assert_eq!(
            w.counts.missing, 1,
            "only inputs under the roots can be missing"
        );
        assert!(w.forget.is_empty());
        assert_eq!(w.found, 1);
        let w = walk_and_decide(&idx, "v1", &roots, &[], Rescore::Keep, true);
        assert_eq!(w.forget, vec![gone.to_str().unwrap().to_string()]);
        assert_eq!(w.counts.forgotten, 1);
    }
}
