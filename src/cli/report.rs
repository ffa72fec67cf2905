//! `callscore report`: merge the aggregates of runs, write one CSV per dashboard table
//! and `dashboard.html`.

use super::Exit;
use crate::aggregate::Day;
use crate::report::{self, PackChoice, ReportOptions};
use clap::Args;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// Run output folders (each with aggregates.json), aggregates.json files, or state
    /// folders of `run --state` (all their runs).
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Folder for the CSV tables and dashboard.html (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// First day of the period, YYYY-MM-DD (UTC; default: the first day with calls).
    #[arg(long)]
    from: Option<String>,
    /// Last day of the period, YYYY-MM-DD (default: the last day with calls).
    #[arg(long)]
    to: Option<String>,
    /// Title of the dashboard.
    #[arg(long, default_value = "QA dashboard")]
    title: String,
    /// Language of the dashboard's labels: en or zh.
    #[arg(long, default_value = "en")]
    lang: String,
    /// A customer contacting again within this many days of a first contact is a repeat.
    #[arg(long, default_value_t = 7)]
    repeat_days: u32,
    /// Rule pack to show when runs used several: a hash prefix, or `all` to combine
    /// them by item id (default: the newest version).
    #[arg(long)]
    pack: Option<String>,
}

fn day_arg(flag: &str, v: &Option<String>) -> Result<Option<Day>, String> {
    match v {
        None => Ok(None),
        Some(s) => match Day::parse(s).filter(|d| d.is_known()) {
            Some(d) => Ok(Some(d)),
            None => Err(format!(
                "bad {flag} value {s:?}: expected a date as YYYY-MM-DD, e.g. 2026-11-02"
            )),
        },
    }
}

pub(crate) fn report(args: ReportArgs) -> Exit {
    let started = Instant::now();
    let fail = |msg: String| {
        eprintln!("callscore: {msg}");
        Exit::Fatal
    };
    let (from, to) = match (day_arg("--from", &args.from), day_arg("--to", &args.to)) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => return fail(e),
    };
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        return fail(format!("--from {f} is after --to {t}: swap them"));
    }
    // The language type is the dashboard renderer's; parse into whatever it takes.
    let lang = match args.lang.parse() {
        Ok(l) => l,
        Err(e) => return fail(format!("--lang: {e}")),
    };
    let opts = ReportOptions {
        title: args.title,
        from,
        to,
        repeat_days: args.repeat_days,
        pack: args
            .pack
            .as_deref()
            .map(PackChoice::parse)
            .unwrap_or_default(),
    };
    let loaded = match report::load(&args.inputs, from, to) {
        Ok(l) => l,
        Err(e) => return fail(e.to_string()),
    };
    let selected = match report::select(loaded.aggs, &opts.pack) {
        Ok(s) => s,
        Err(e) => return fail(e.to_string()),
    };
    let rep = report::compute(selected, &opts, loaded.errors_left_out);
    let written = match report::csv::write_tables(&rep, &args.out) {
        Ok(w) => w,
        Err(e) => {
            return fail(format!(
                "cannot write the tables in {}: {e}; check the folder and its permissions",
                args.out.display()
            ));
        }
    };
    let html = report::html::render(&rep, lang);
    let page = args.out.join("dashboard.html");
    if let Err(e) = report::csv::write_atomic(&page, html.as_bytes()) {
        return fail(format!("cannot write {}: {e}", page.display()));
    }
    for n in &rep.notes {
        eprintln!("callscore: note: {n}");
    }
    let period = match (&rep.from, &rep.to) {
        (Some(a), Some(b)) => format!("{a} … {b}"),
        _ => "no dated calls".into(),
    };
    eprintln!(
        "callscore: report over {period} from {} run(s), rules {}: {} tables in {} and dashboard.html ({:.2} s)",
        loaded.files,
        rep.packs.first().map_or("?", String::as_str),
        written.len(),
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    Exit::Ok
}
