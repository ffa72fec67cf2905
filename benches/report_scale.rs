//! How long `report` takes over a year of daily runs: writes DAYS `aggregates.json` files
//! of CALLS synthetic calls each (default 365 × 100 000, with the default pack's items and
//! drivers, 400 agents in 20 teams, 2 M customers), then times reading + merging, the
//! tables, and writing the CSVs — the same library calls `callscore report` makes.
//!
//! ```sh
//! CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
//!   cargo bench --bench report_scale            # DAYS=30 CALLS=10000 for a quick look
//! ```
//! Files go to `$REPORT_SCALE_DIR` (default `/tmp/callscore-report-scale`), and are reused
//! when already there for the same DAYS and CALLS. Time the CLI on them too:
//! `callscore report /tmp/callscore-report-scale/day-* --out /tmp/dash`.

use callscore::aggregate::{Aggregates, CallFacts, Day, PackMeta};
use callscore::record::Outcome;
use callscore::report::{self, ReportOptions};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn env_num(k: &str, default: u64) -> u64 {
    std::env::var(k)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// splitmix64: a small, fixed random stream (no extra crate).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }
}

fn day_file(meta: &PackMeta, day: Day, calls: u64, path: &Path) -> u64 {
    let mut rng = Rng(u64::from(day.0 as u32) << 20);
    let mut a = Aggregates::for_meta(meta.clone());
    let (n_items, n_sections, n_drivers) = (
        meta.items.len(),
        meta.sections.len(),
        meta.drivers.len() as u64,
    );
    for i in 0..calls {
        let agent = rng.below(400);
        let qa = 40_000 + rng.below(60_001) as i64;
        let items = (0..n_items)
            .map(|_| match rng.below(10) {
                0 | 1 => Outcome::Na,
                2 => Outcome::Fail,
                _ => Outcome::Pass,
            })
            .collect();
        let f = CallFacts {
            call_id: format!("{day}-{i:06}"),
            minute: Some(day.first_minute() + rng.below(1440) as i64),
            team: Some(format!("team{:02}", agent / 20)),
            agent: Some(format!("agent{agent:03}")),
            queue: Some(format!("queue{}", rng.below(5))),
            customer: Some(Rng(rng.below(2_000_000)).next()),
            qa: Some(qa),
            auto_fail: rng.chance(10),
            sections: (0..n_sections)
                .map(|_| Some(rng.below(100_001) as i64))
                .collect(),
            items,
            human_items: if rng.chance(1) {
                vec![
                    (meta.items[0].id.clone(), Outcome::Pass),
                    (meta.items[2].id.clone(), Outcome::Fail),
                ]
            } else {
                Vec::new()
            },
            human_unreadable: 0,
            csat: rng.chance(30).then(|| 1_000 + 1_000 * rng.below(5) as i64),
            nps: rng.chance(20).then(|| 1_000 * rng.below(11) as i64),
            human_qa: rng.chance(2).then(|| qa - 5_000 + rng.below(10_000) as i64),
            self_score: rng.chance(10).then(|| 70_000 + rng.below(30_000) as i64),
            handle_ms: Some(60_000 + rng.below(600_000)),
            cost: Some(rng.below(5_000_000) as i64),
            driver: (!rng.chance(5))
                .then(|| meta.drivers[rng.below(n_drivers) as usize].id.clone()),
            sentiment: rng.chance(80).then(|| {
                (
                    rng.below(2_000_000) as i64 - 1_000_000,
                    rng.below(2_000_000) as i64 - 1_000_000,
                )
            }),
        };
        a.add(&f);
    }
    std::fs::create_dir_all(path.parent().expect("day folder")).expect("create folder");
    a.write_file(path).expect("write aggregates");
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

fn peak_rss_mb() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string())
        })
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or("?".into(), |kb| format!("{} MB", kb / 1024))
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list`
    }
    let days = env_num("DAYS", 365);
    let calls = env_num("CALLS", 100_000);
    let dir = PathBuf::from(
        std::env::var("REPORT_SCALE_DIR").unwrap_or_else(|_| "/tmp/callscore-report-scale".into()),
    );
    let pack =
        callscore::rules::load_pack(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/rules")))
            .expect("rules folder")
            .pack
            .expect("default pack compiles");
    let meta = PackMeta::of(&pack);
    let first = Day::parse("2025-11-01").expect("date");
    let marker = dir.join(format!("generated-{days}x{calls}"));
    let paths: Vec<PathBuf> = (0..days)
        .map(|d| dir.join(format!("day-{d:03}")).join("aggregates.json"))
        .collect();
    if !marker.exists() {
        let _ = std::fs::remove_dir_all(&dir);
        let t = Instant::now();
        let bytes: u64 = paths
            .par_iter()
            .enumerate()
            .map(|(d, p)| day_file(&meta, first.plus(d as i32), calls, p))
            .sum();
        std::fs::write(&marker, "").expect("marker");
        println!(
            "generated {days} aggregates files of {calls} calls: {:.1} MB in {:.1} s",
            bytes as f64 / 1e6,
            t.elapsed().as_secs_f64()
        );
    }
    let dirs: Vec<PathBuf> = paths
        .iter()
        .map(|p| p.parent().expect("dir").to_path_buf())
        .collect();
    let opts = ReportOptions::default();
    let t0 = Instant::now();
    let loaded = report::load(&dirs, None, None).expect("load");
    let t1 = Instant::now();
    let sel = report::select(loaded.aggs, &opts.pack).expect("pack");
    let rep = report::compute(sel, &opts, loaded.errors_left_out);
    let t2 = Instant::now();
    let out = dir.with_extension("dash");
    report::csv::write_tables(&rep, &out).expect("write tables");
    let t3 = Instant::now();
    let rows: usize = rep.tables.iter().map(|t| t.rows.len()).sum();
    println!(
        "report over {days} runs × {calls} calls: read+merge {:.2} s, tables {:.2} s, write {:.2} s, total {:.2} s; {} tables, {rows} rows; peak RSS {}",
        (t1 - t0).as_secs_f64(),
        (t2 - t1).as_secs_f64(),
        (t3 - t2).as_secs_f64(),
        (t3 - t0).as_secs_f64(),
        rep.tables.len(),
        peak_rss_mb()
    );
}
