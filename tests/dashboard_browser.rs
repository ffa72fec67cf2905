//! The dashboard in a real browser: a realistic report is rendered to `dashboard.html` and
//! opened from disk in headless Chromium (`/usr/bin/chromium`), driven over the DevTools
//! protocol. The page must load with no console error and no request other than the file
//! itself, show every section, filter rows and charts by date and by team, fit a
//! 1366×768 screen, and leave screenshots in `target/dashboard-test/` for a person to look at.
//!
//! Without Chromium the test passes with a loud message, unless `CI` or
//! `CALLSCORE_REQUIRE_BROWSER` is set: then it fails (`.ci/run` installs Chromium).

mod browser;

use browser::cdp::Browser;
use browser::sample;
use callscore::report::html::render;
use callscore::report::i18n::Lang;
use serde_json::Value;
use std::path::{Path, PathBuf};

const CHROMIUM: &str = "/usr/bin/chromium";

/// `None` (and a loud message) when the browser is missing and not required.
fn chromium() -> Option<PathBuf> {
    let exe = Path::new(CHROMIUM);
    if exe.exists() {
        return Some(exe.to_path_buf());
    }
    let required = ["CI", "CALLSCORE_REQUIRE_BROWSER"]
        .iter()
        .any(|v| std::env::var_os(v).is_some());
    let msg = format!(
        "{CHROMIUM} not found: the dashboard browser test cannot run. Install it with \
         `apt-get install -y chromium` (.ci/run does)."
    );
    if required {
        panic!("{msg} CI or CALLSCORE_REQUIRE_BROWSER is set, so this is a failure.");
    }
    eprintln!(
        "\n{}\n!!! SKIPPED: {msg}\n{}\n",
        "!".repeat(78),
        "!".repeat(78)
    );
    None
}

/// `target/dashboard-test/` (beside cargo's own test temp dir).
fn artefacts() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.parent().unwrap_or(tmp).join("dashboard-test");
    std::fs::create_dir_all(&dir).expect("create target/dashboard-test");
    dir
}

fn file_url(p: &Path) -> String {
    let abs = p.canonicalize().expect("canonical path");
    let mut url = String::from("file://");
    for b in abs.to_string_lossy().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                url.push(b as char)
            }
            _ => url.push_str(&format!("%{b:02X}")),
        }
    }
    url
}

fn launch(dir: &Path) -> Browser {
    let exe = chromium().expect("checked before");
    let mut b = Browser::launch(&exe, &dir.join("profile"), &dir.join("chromium.log"))
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", exe.display()));
    b.open_page(1366, 768).unwrap_or_else(|e| {
        let log = std::fs::read_to_string(dir.join("chromium.log")).unwrap_or_default();
        panic!("cannot open a page in Chromium: {e}\n{log}")
    });
    b
}

fn eval(b: &mut Browser, js: &str) -> Value {
    b.eval(js).unwrap_or_else(|e| panic!("{e}\nin: {js}"))
}

/// Requests other than the page itself (`about:blank` is the starting page), each with
/// what made it (parser line, script) so a failure says where to look.
fn foreign_requests(b: &Browser, page: &str) -> Vec<String> {
    b.request_events()
        .into_iter()
        .filter_map(|e| {
            let url = e["params"]["request"]["url"].as_str()?;
            (url != page && url != "about:blank")
                .then(|| format!("{url} <- {}", e["params"]["initiator"]))
        })
        .collect()
}

/// The harness itself must see what it is meant to catch: a page with a console error, an
/// uncaught exception, an image and a stylesheet from elsewhere must report all of them.
/// Without this, a quiet browser would make the dashboard test pass for the wrong reason.
#[test]
fn harness_catches_console_errors_and_requests() {
    if chromium().is_none() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let page = dir.path().join("canary.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><head><link rel=\"stylesheet\" href=\"https://cdn.example.com/x.css\"></head>\
         <body><img src=\"missing.png\"><script>console.error('canary'); undefinedFunction();</script></body></html>",
    )
    .expect("write canary");
    let mut b = launch(dir.path());
    let url = file_url(&page);
    b.navigate(&url).expect("load canary");
    let errors = b.errors();
    assert!(
        errors.iter().any(|e| e.contains("canary")),
        "console.error not seen: {errors:#?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("undefinedFunction")),
        "exception not seen: {errors:#?}"
    );
    let reqs = foreign_requests(&b, &url);
    assert!(
        reqs.iter()
            .any(|u| u.starts_with("https://cdn.example.com/")),
        "remote request not seen: {reqs:?}"
    );
    assert!(
        reqs.iter().any(|u| u.contains("/missing.png <-")),
        "file request not seen: {reqs:?}"
    );
}

#[test]
fn dashboard_loads_offline_filters_and_fits_the_screen() {
    if chromium().is_none() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let report = sample::report();
    let html = render(&report, Lang::En);
    let page = dir.path().join("dashboard.html");
    std::fs::write(&page, &html).expect("write dashboard.html");
    let out = artefacts();
    std::fs::write(out.join("dashboard.html"), &html).expect("keep a copy of the page");

    let mut b = launch(dir.path());
    let url = file_url(&page);
    b.navigate(&url).expect("load the dashboard");

    // Offline and clean: no console error, nothing requested but the file itself (the agent
    // named `<img src=x …>` would request `x` if a name were not escaped).
    assert_eq!(b.errors(), Vec::<String>::new(), "console errors");
    assert_eq!(
        foreign_requests(&b, &url),
        Vec::<String>::new(),
        "requests other than the page"
    );
    assert!(
        b.requests().contains(&url),
        "the document request itself was not recorded: {:?}",
        b.requests()
    );
    let resources = eval(
        &mut b,
        "performance.getEntriesByType('resource').map(e => e.name)",
    );
    assert_eq!(
        resources,
        serde_json::json!([]),
        "resources fetched by the page"
    );

    // Every section, in order, with a visible heading; the absent table says why.
    let sections = eval(
        &mut b,
        "Array.from(document.querySelectorAll('section.sec')).map(s => [s.id, s.querySelector('h2').innerText.trim()])",
    );
    let ids: Vec<&str> = sections
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s[0].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "overview",
            "agents",
            "items",
            "qa-csat",
            "calibration",
            "self-score",
            "drivers",
            "repeats",
            "sentiment",
            "more"
        ]
    );
    for s in sections.as_array().unwrap() {
        assert!(s[1].as_str().unwrap().len() > 3, "empty heading: {s}");
    }
    let absent = eval(
        &mut b,
        "document.querySelector('#self_score_agents .absent').innerText",
    );
    assert_eq!(absent, "no self-scores in these calls");
    let agent_text = eval(
        &mut b,
        "document.querySelector('#repeat_agents').innerText.includes('<img src=x onerror=alert(1)>')",
    );
    assert_eq!(agent_text, true, "the markup name is shown as text");
    let charts = eval(&mut b, "document.querySelectorAll('svg.chart').length")
        .as_u64()
        .unwrap();
    assert!(charts >= 10, "only {charts} charts");
    let tooltip = eval(
        &mut b,
        "document.querySelector('#agent_period code.call').title",
    );
    assert!(
        tooltip
            .as_str()
            .unwrap()
            .starts_with("To see why: callscore explain FILE --call C-"),
        "{tooltip}"
    );

    // Fits 1366 px: nothing wider than the window.
    let width = eval(&mut b, "document.documentElement.scrollWidth")
        .as_u64()
        .unwrap();
    assert!(width <= 1366, "page is {width}px wide at 1366");

    // Screenshots of the page as it opens (top of page, and the whole page).
    std::fs::write(
        out.join("screenshot.png"),
        b.screenshot(false).expect("screenshot"),
    )
    .unwrap();
    std::fs::write(
        out.join("screenshot-full.png"),
        b.screenshot(true).expect("full screenshot"),
    )
    .unwrap();

    // Date filter: five days in the middle.
    let (d1, d2) = (sample::day(3), sample::day(7));
    let expected_agent_rows = report
        .table("agent_daily")
        .unwrap()
        .rows
        .iter()
        .filter(
            |r| matches!(&r[0], callscore::report::model::Cell::Text(d) if *d >= d1 && *d <= d2),
        )
        .count();
    let visible_rows = "(sel => Array.from(document.querySelectorAll(sel)).filter(e => getComputedStyle(e).display !== 'none'))";
    let before = eval(
        &mut b,
        &format!("{visible_rows}('#overview_daily tbody tr.f').length"),
    );
    assert_eq!(before, sample::DAYS);
    let result = eval(
        &mut b,
        &format!(
            "(() => {{
              const vis = {visible_rows};
              const set = (id, v) => {{ const el = document.getElementById(id); el.value = v; el.dispatchEvent(new Event('change', {{bubbles: true}})); }};
              set('f-from', '{d1}'); set('f-to', '{d2}');
              const svg = document.getElementById('ch-qa-cov');
              const dots = vis('#ch-qa-cov g.series:first-of-type circle');
              const xs = dots.map(c => +c.getAttribute('cx'));
              return {{
                days: vis('#overview_daily tbody tr.f').map(r => r.dataset.day),
                agentRows: vis('#agent_daily tbody tr.f').length,
                agentDays: [...new Set(vis('#agent_daily tbody tr.f').map(r => r.dataset.day))],
                dots: dots.map(c => c.dataset.day),
                minX: Math.min(...xs), maxX: Math.max(...xs),
                x0: +svg.dataset.x0, x1: +svg.dataset.x1,
                path: svg.querySelector('g.series path').getAttribute('d'),
                bars: vis('#ch-calls rect').length,
                status: document.getElementById('f-status').innerText,
                periodRows: vis('#repeat_agents tbody tr').length,
              }};
            }})()"
        ),
    );
    let want: Vec<String> = (3..=7).map(sample::day).collect();
    assert_eq!(result["days"], serde_json::json!(want), "{result}");
    assert_eq!(result["agentRows"], expected_agent_rows, "{result}");
    assert_eq!(result["agentDays"], serde_json::json!(want), "{result}");
    assert_eq!(
        result["dots"],
        serde_json::json!(want),
        "chart points: {result}"
    );
    assert_eq!(result["bars"], 5, "{result}");
    // The five days are spread over the whole plot, not left where they were.
    assert_eq!(result["minX"], result["x0"], "{result}");
    assert_eq!(result["maxX"], result["x1"], "{result}");
    assert_eq!(
        result["path"].as_str().unwrap().matches(['M', 'L']).count(),
        5,
        "{result}"
    );
    assert_eq!(
        result["status"],
        format!("Showing 5 of {} days", sample::DAYS)
    );
    // Period tables are not filtered by date.
    assert_eq!(result["periodRows"], 12, "{result}");
    std::fs::write(
        out.join("screenshot-filtered.png"),
        b.screenshot(false).expect("screenshot"),
    )
    .unwrap();

    // An empty range: the chart says so.
    let empty = eval(
        &mut b,
        "(() => { const el = document.getElementById('f-from'); el.value = '2027-01-01'; el.dispatchEvent(new Event('change'));
                  const to = document.getElementById('f-to'); to.value = '2027-01-31'; to.dispatchEvent(new Event('change'));
                  return [getComputedStyle(document.querySelector('#ch-qa-cov text.empty')).display !== 'none',
                          document.querySelector('#overview_daily tr.nomatch').hidden]; })()",
    );
    assert_eq!(
        empty,
        serde_json::json!([true, false]),
        "empty range: the chart and the table say so"
    );

    // Team filter: only that team's leaderboard group, rows, points and bars remain.
    let team = sample::TEAMS[1].0;
    let result = eval(
        &mut b,
        &format!(
            "(() => {{
              const vis = {visible_rows};
              document.getElementById('f-reset').click();
              const sel = document.getElementById('f-team'); sel.value = '{team}'; sel.dispatchEvent(new Event('change'));
              const teamsOf = q => [...new Set(vis(q).map(e => e.getAttribute('data-team')))];
              return {{
                groups: teamsOf('details.team'),
                open: document.querySelector('details.team[data-team=\"{team}\"]').open,
                repeatRows: teamsOf('#repeat_agents tbody tr.f'),
                points: teamsOf('#ch-qa-csat circle.pt'),
                sentimentRows: vis('#ch-sentiment_teams g.row').length,
                matrixCols: teamsOf('#item_team th[data-team]'),
                days: vis('#overview_daily tbody tr.f').length,
              }};
            }})()"
        ),
    );
    assert_eq!(result["groups"], serde_json::json!([team]), "{result}");
    assert_eq!(result["open"], true, "{result}");
    assert_eq!(result["repeatRows"], serde_json::json!([team]), "{result}");
    assert_eq!(result["points"], serde_json::json!([team]), "{result}");
    assert_eq!(result["sentimentRows"], 1, "{result}");
    assert_eq!(result["matrixCols"], serde_json::json!([team]), "{result}");
    assert_eq!(
        result["days"],
        sample::DAYS,
        "reset restored the date range: {result}"
    );

    // Reset shows everything again.
    let all = eval(
        &mut b,
        &format!(
            "(() => {{ document.getElementById('f-reset').click(); return {visible_rows}('details.team').length; }})()"
        ),
    );
    assert_eq!(all, sample::TEAMS.len());

    // Still clean after all the interaction.
    assert_eq!(
        b.errors(),
        Vec::<String>::new(),
        "console errors after filtering"
    );
    assert_eq!(
        foreign_requests(&b, &url),
        Vec::<String>::new(),
        "requests after filtering"
    );

    // The Chinese page loads as cleanly (screenshot for a reader of Chinese).
    let zh = dir.path().join("dashboard-zh.html");
    std::fs::write(&zh, render(&report, Lang::Zh)).unwrap();
    b.clear_events();
    let zh_url = file_url(&zh);
    b.navigate(&zh_url).expect("load the Chinese dashboard");
    assert_eq!(b.errors(), Vec::<String>::new(), "console errors (zh)");
    assert_eq!(
        foreign_requests(&b, &zh_url),
        Vec::<String>::new(),
        "requests (zh)"
    );
    let h2 = eval(&mut b, "document.querySelector('#overview h2').innerText");
    assert!(h2.as_str().unwrap().contains("覆盖率与概览"), "{h2}");
    std::fs::write(
        out.join("screenshot-zh.png"),
        b.screenshot(false).expect("screenshot"),
    )
    .unwrap();
    eprintln!("dashboard screenshots in {}", out.display());
}
