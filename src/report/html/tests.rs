use super::*;
use crate::report::model::Cell;

fn s(v: &str) -> Cell {
    Cell::Text(v.to_string())
}
fn i(v: i64) -> Cell {
    Cell::Int(v)
}
fn n(v: f64) -> Cell {
    Cell::Num(Some(v))
}
fn none() -> Cell {
    Cell::Num(None)
}

fn table(id: &str, cols: &[&str], rows: Vec<Vec<Cell>>) -> Table {
    for r in &rows {
        assert_eq!(r.len(), cols.len(), "test table {id} has a short row");
    }
    Table {
        id: id.into(),
        columns: cols.iter().map(|c| c.to_string()).collect(),
        rows,
        absent: None,
    }
}

fn absent(id: &str, cols: &[&str], reason: &str) -> Table {
    Table {
        absent: Some(reason.into()),
        ..table(id, cols, vec![])
    }
}

const EVIL: &str = "<script>alert(\"x\")</script>";

/// A small report with every documented table; one agent's name is markup.
fn sample() -> Report {
    let ov = [
        "day",
        "calls_found",
        "calls_scored",
        "errors",
        "coverage",
        "mean_qa",
        "auto_fail_rate",
        "csat_mean",
        "csat_n",
        "nps",
        "nps_n",
        "fcr_rate",
        "aht_s",
    ];
    let ov_row = |d: &str, qa: f64| {
        vec![
            s(d),
            i(100),
            i(98),
            i(2),
            n(0.98),
            n(qa),
            n(0.05),
            n(4.1),
            i(40),
            n(22.0),
            i(30),
            n(0.81),
            n(312.0),
        ]
    };
    Report {
        title: "QA dashboard".into(),
        from: Some("2026-03-01".into()),
        to: Some("2026-03-03".into()),
        packs: vec!["default 1.2.0 (0123456789ab)".into()],
        notes: vec!["3 calls had no date".into()],
        tables: vec![
            table(
                "overview_daily",
                &ov,
                vec![
                    ov_row("2026-03-01", 80.0),
                    ov_row("2026-03-02", 82.5),
                    ov_row("2026-03-03", 79.0),
                ],
            ),
            table("overview_totals", &ov, vec![ov_row("all", 80.5)]),
            table(
                "agent_daily",
                &[
                    "day",
                    "team",
                    "agent",
                    "calls",
                    "mean_qa",
                    "auto_fails",
                    "section_opening",
                ],
                vec![
                    vec![
                        s("2026-03-01"),
                        s("Alpha"),
                        s(EVIL),
                        i(5),
                        n(81.0),
                        i(0),
                        n(90.0),
                    ],
                    vec![
                        s("2026-03-02"),
                        s("Beta"),
                        s("Bo"),
                        i(4),
                        n(70.0),
                        i(1),
                        none(),
                    ],
                ],
            ),
            table(
                "agent_period",
                &[
                    "team",
                    "agent",
                    "calls",
                    "mean_qa",
                    "auto_fails",
                    "prev_mean_qa",
                    "trend",
                    "rank_in_team",
                    "worst_items",
                    "example_calls",
                    "coach",
                ],
                vec![
                    vec![
                        s("Alpha"),
                        s(EVIL),
                        i(20),
                        n(84.0),
                        i(0),
                        n(80.0),
                        n(4.0),
                        i(1),
                        s("greeting:0.25;closing:0.1"),
                        s("C-1;C<2>&\"3\""),
                        s("Dana"),
                    ],
                    vec![
                        s("Beta"),
                        s("Bo"),
                        i(15),
                        n(70.0),
                        i(2),
                        none(),
                        none(),
                        i(1),
                        s(""),
                        s(""),
                        s("Eve"),
                    ],
                ],
            ),
            table(
                "item_rates",
                &[
                    "item",
                    "name",
                    "section",
                    "critical",
                    "applicable",
                    "fails",
                    "fail_rate",
                ],
                vec![
                    vec![
                        s("greeting"),
                        s("Greeting"),
                        s("opening"),
                        s("false"),
                        i(100),
                        i(25),
                        n(0.25),
                    ],
                    vec![
                        s("disclosure"),
                        s("Recording disclosure"),
                        s("opening"),
                        s("true"),
                        i(100),
                        i(5),
                        n(0.05),
                    ],
                ],
            ),
            table(
                "item_team",
                &["team", "item", "applicable", "fails", "fail_rate"],
                vec![
                    vec![s("Alpha"), s("greeting"), i(50), i(10), n(0.2)],
                    vec![s("Beta"), s("greeting"), i(50), i(15), n(0.3)],
                ],
            ),
            table(
                "item_daily",
                &["day", "item", "applicable", "fails", "fail_rate"],
                vec![
                    vec![s("2026-03-01"), s("greeting"), i(30), i(6), n(0.2)],
                    vec![s("2026-03-02"), s("greeting"), i(30), i(9), n(0.3)],
                ],
            ),
            table(
                "item_movers",
                &[
                    "item",
                    "name",
                    "prev_fail_rate",
                    "fail_rate",
                    "change",
                    "example_calls",
                ],
                vec![vec![
                    s("greeting"),
                    s("Greeting"),
                    n(0.1),
                    n(0.25),
                    n(0.15),
                    s("C-9"),
                ]],
            ),
            absent(
                "qa_csat_agents",
                &[
                    "team",
                    "agent",
                    "calls",
                    "mean_qa",
                    "mean_csat",
                    "quadrant",
                    "example_calls",
                ],
                "no CSAT in these calls",
            ),
            absent(
                "qa_csat_summary",
                &["quadrant", "agents", "agent_list", "correlation"],
                "no CSAT in these calls",
            ),
            table(
                "calibration_items",
                &["item", "pairs", "agree", "kappa", "precision", "recall"],
                vec![vec![s("greeting"), i(40), i(36), n(0.71), n(0.8), n(0.9)]],
            ),
            absent(
                "calibration_agents",
                &[
                    "team",
                    "agent",
                    "pairs",
                    "mean_auto",
                    "mean_human",
                    "mean_diff",
                    "mae",
                    "correlation",
                ],
                "reviewers were offline this week",
            ),
            table(
                "self_score_agents",
                &[
                    "team",
                    "agent",
                    "calls",
                    "mean_self",
                    "mean_auto",
                    "gap",
                    "over_rater",
                ],
                vec![vec![
                    s("Beta"),
                    s("Bo"),
                    i(10),
                    n(88.0),
                    n(70.0),
                    n(18.0),
                    s("true"),
                ]],
            ),
            table(
                "driver_daily",
                &["day", "driver", "department", "calls", "cost", "aht_s"],
                vec![vec![
                    s("2026-03-01"),
                    s("billing/dispute"),
                    s("Billing"),
                    i(12),
                    n(40.5),
                    n(300.0),
                ]],
            ),
            table(
                "driver_period",
                &[
                    "driver",
                    "department",
                    "calls",
                    "share",
                    "cost",
                    "example_calls",
                ],
                vec![vec![
                    s("billing/dispute"),
                    s("Billing"),
                    i(30),
                    n(0.3),
                    n(101.25),
                    s("C-4"),
                ]],
            ),
            table(
                "department_daily",
                &["day", "department", "calls", "cost"],
                vec![
                    vec![s("2026-03-01"), s("Billing"), i(12), n(40.5)],
                    vec![s("2026-03-02"), s("Billing"), i(18), n(60.75)],
                ],
            ),
            table(
                "driver_spikes",
                &[
                    "day",
                    "driver",
                    "calls",
                    "baseline_median",
                    "robust_z",
                    "example_calls",
                ],
                vec![vec![
                    s("2026-03-02"),
                    s("billing/dispute"),
                    i(18),
                    n(6.0),
                    n(4.2),
                    s("C-5;C-6"),
                ]],
            ),
            table(
                "repeat_drivers",
                &[
                    "driver",
                    "first_contacts",
                    "repeats",
                    "repeat_rate",
                    "example_calls",
                ],
                vec![vec![s("billing/dispute"), i(30), i(6), n(0.2), s("C-7")]],
            ),
            table(
                "repeat_agents",
                &[
                    "team",
                    "agent",
                    "first_contacts",
                    "repeats",
                    "repeat_rate",
                    "example_calls",
                ],
                vec![vec![s("Alpha"), s(EVIL), i(20), i(3), n(0.15), s("C-8")]],
            ),
            table(
                "sentiment_teams",
                &[
                    "team",
                    "calls",
                    "start_mean",
                    "end_mean",
                    "change",
                    "ended_worse_rate",
                ],
                vec![vec![s("Alpha"), i(20), n(-0.1), n(0.2), n(0.3), n(0.1)]],
            ),
            table(
                "sentiment_drivers",
                &[
                    "driver",
                    "calls",
                    "start_mean",
                    "end_mean",
                    "change",
                    "ended_worse_rate",
                ],
                vec![vec![
                    s("billing/dispute"),
                    i(30),
                    n(-0.3),
                    n(-0.4),
                    n(-0.1),
                    n(0.4),
                ]],
            ),
        ],
    }
}

#[test]
fn user_data_is_escaped_everywhere() {
    let html = render(&sample(), Lang::En);
    // The page's own script is the only script element.
    assert_eq!(html.matches("<script").count(), 1, "a name became markup");
    assert!(!html.contains("alert(\"x\")"));
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
    // A call id with markup in the explain tooltip and as the code text.
    assert!(html.contains(
        "<code class=\"call\" title=\"To see why: callscore explain FILE --call C&lt;2&gt;&amp;&quot;3&quot;\">C&lt;2&gt;&amp;&quot;3&quot;</code>"
    ));
    assert!(html.contains(
        "<code class=\"call\" title=\"To see why: callscore explain FILE --call C-1\">C-1</code>"
    ));
    // Titles, notes and packs are user data too.
    let mut r = sample();
    r.title = "Ops & <b>QA</b>".into();
    r.notes = vec!["</li><img src=x onerror=alert(1)>".into()];
    let html = render(&r, Lang::En);
    assert!(html.contains("<title>Ops &amp; &lt;b&gt;QA&lt;/b&gt;</title>"));
    assert!(!html.contains("<img"));
    assert!(!html.contains("<b>QA</b>"));
}

#[test]
fn every_section_and_table_has_its_anchor_in_order() {
    let r = sample();
    let html = render(&r, Lang::En);
    let anchors = [
        "overview",
        "agents",
        "items",
        "qa-csat",
        "calibration",
        "self-score",
        "drivers",
        "repeats",
        "sentiment",
    ];
    let mut last = 0;
    for a in anchors {
        let pos = html
            .find(&format!("<section class=\"sec\" id=\"{a}\""))
            .unwrap_or_else(|| panic!("no section {a}"));
        assert!(pos > last, "section {a} out of order");
        last = pos;
        assert!(html.contains(&format!("href=\"#{a}\"")), "no link to {a}");
    }
    for t in &r.tables {
        // qa_csat_summary has no block of its own: its cards sit beside the scatter, which is
        // absent here, so only its reason shows. Every other table has its block.
        if t.id != "qa_csat_summary" {
            assert!(
                html.contains(&format!("id=\"{}\"", t.id)),
                "no anchor for {}",
                t.id
            );
        }
    }
    // No extra tables: no "More tables" section.
    assert!(!html.contains("id=\"more\""));
}

#[test]
fn absent_tables_show_their_reason_translated_when_known() {
    let en = render(&sample(), Lang::En);
    assert!(en.contains("<p class=\"absent\">no CSAT in these calls</p>"));
    // Unknown reasons are shown as given.
    assert!(en.contains("<p class=\"absent\">reviewers were offline this week</p>"));
    // No scatter is drawn for the absent table.
    assert!(!en.contains("id=\"ch-qa-csat\""));
    let zh = render(&sample(), Lang::Zh);
    assert!(zh.contains("<p class=\"absent\">这些通话没有满意度 (CSAT) 数据</p>"));
    assert!(zh.contains("<p class=\"absent\">reviewers were offline this week</p>"));
}

#[test]
fn chinese_labels_with_lang_zh() {
    let zh = render(&sample(), Lang::Zh);
    assert!(zh.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
    for label in [
        "覆盖率与概览",
        "坐席结果",
        "评分项",
        "与人工质检校准",
        "来电原因、部门与成本",
        "重复来电",
        "情绪",
        "平均质检分",
        "全部团队",
    ] {
        assert!(zh.contains(label), "missing {label}");
    }
    for english in [
        "Coverage and overview",
        "Per-agent results",
        "All teams",
        "Mean QA score",
    ] {
        assert!(
            !zh.contains(english),
            "English label {english} in the Chinese page"
        );
    }
    assert!(zh.contains("查看原因：callscore explain FILE --call C-1"));
    let en = render(&sample(), Lang::En);
    assert!(en.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(!en.contains("覆盖率"));
}

#[test]
fn no_web_address_except_in_user_text() {
    let html = render(&sample(), Lang::En);
    for scheme in ["http://", "https://", "//cdn", "src=\"", "@import", "url("] {
        assert!(!html.contains(scheme), "{scheme} in the page");
    }
    let mut r = sample();
    let note = "see https://intranet.example/qa?a=1&b=2";
    r.notes.push(note.into());
    r.tables[2].rows[1][2] = s("http://agent.example");
    let html = render(&r, Lang::En);
    let stripped = html
        .replace(&escape(note), "")
        .replace(&escape("http://agent.example"), "");
    assert!(html.contains("https://intranet.example"));
    assert!(!stripped.contains("http://") && !stripped.contains("https://"));
}

/// Every inline chart is well-formed XML on its own, also for empty and one-day data.
#[test]
fn charts_in_the_page_are_well_formed_for_empty_and_one_point_data() {
    let mut one = sample();
    for t in one.tables.iter_mut() {
        t.rows.truncate(1);
    }
    let mut empty = sample();
    for t in empty.tables.iter_mut() {
        t.rows.clear();
    }
    for r in [sample(), one, empty] {
        let html = render(&r, Lang::En);
        let mut rest = html.as_str();
        let mut count = 0;
        while let Some(start) = rest.find("<svg") {
            let end = rest[start..].find("</svg>").expect("unclosed svg") + start + "</svg>".len();
            let frag = &rest[start..end];
            roxmltree::Document::parse(frag).unwrap_or_else(|e| panic!("{e}: {frag}"));
            assert!(!frag.contains("NaN") && !frag.contains("inf"), "{frag}");
            count += 1;
            rest = &rest[end..];
        }
        let has_rows = r.tables.iter().any(|t| !t.rows.is_empty());
        assert!(!has_rows || count >= 8, "only {count} charts");
    }
}

#[test]
fn filters_know_days_and_teams() {
    let html = render(&sample(), Lang::En);
    assert!(html.contains("<input type=\"date\" id=\"f-from\" value=\"2026-03-01\" min=\"2026-03-01\" max=\"2026-03-03\">"));
    assert!(
        html.contains("<option value=\"Alpha\">Alpha</option><option value=\"Beta\">Beta</option>")
    );
    assert!(html.contains("<tr data-day=\"2026-03-02\" class=\"f\">"));
    assert!(html.contains("<tr data-day=\"2026-03-02\" data-team=\"Beta\" class=\"f\">"));
    assert!(html.contains("<details class=\"team f\" data-team=\"Beta\">"));
    // The note beside the control says period tables cover the whole range.
    assert!(html.contains("cover the whole range 2026-03-01 – 2026-03-03"));
    assert!(html.contains("data-days=\"2026-03-01 2026-03-02 2026-03-03\""));
}

#[test]
fn columns_are_found_by_name_and_extra_tables_and_columns_are_shown() {
    let base = render(&sample(), Lang::En);
    let mut r = sample();
    let t = r.tables.iter_mut().find(|t| t.id == "item_rates").unwrap();
    t.columns.reverse();
    for row in t.rows.iter_mut() {
        row.reverse();
    }
    r.tables.push(table(
        "hourly_load",
        &["hour", "calls"],
        vec![vec![s("09"), i(1234)]],
    ));
    let html = render(&r, Lang::En);
    let chart = |h: &str| {
        let a = h.find("id=\"ch-item-fail\"").unwrap();
        h[a..a + h[a..].find("</svg>").unwrap()].to_string()
    };
    assert_eq!(chart(&base), chart(&html));
    assert!(html.contains("<section class=\"sec\" id=\"more\""));
    assert!(html.contains("id=\"hourly_load\""));
    assert!(html.contains("<td class=\"num\">1,234</td>"));
    // The extra leaderboard column ("coach") is shown too.
    assert!(html.contains("Dana"));
}

#[test]
fn cells_are_written_for_readers() {
    let html = render(&sample(), Lang::En);
    // Trend up is good, a rising fail rate is bad, a missing trend says why.
    assert!(html.contains("<span class=\"delta up good\" title=\"up 4.0 points against the previous period\">▲ +4.0</span>"));
    assert!(html.contains("<span class=\"delta up bad\">▲ +15.0 pp</span>"));
    assert!(html.contains("title=\"no previous period\">–</span>"));
    assert!(html.contains("<span class=\"chip\">greeting <b>25%</b></span>"));
    assert!(html.contains("<span class=\"badge bad\">over-rater</span>"));
    // Cards: coverage as a percentage, handle time as m:ss.
    assert!(html.contains("<div class=\"card-value\">98.0%</div>"));
    assert!(html.contains("<div class=\"card-value\">5:12</div>"));
}

#[test]
fn an_empty_report_still_has_every_section_and_says_there_is_no_data() {
    let r = Report {
        title: "Empty".into(),
        from: None,
        to: None,
        packs: vec![],
        notes: vec![],
        tables: vec![],
    };
    for lang in [Lang::En, Lang::Zh] {
        let html = render(&r, lang);
        for a in [
            "overview",
            "agents",
            "items",
            "qa-csat",
            "calibration",
            "self-score",
            "drivers",
            "repeats",
            "sentiment",
        ] {
            assert!(
                html.contains(&format!("<section class=\"sec\" id=\"{a}\"")),
                "no section {a}"
            );
        }
        assert_eq!(
            html.matches(&format!("<p class=\"absent\">{}</p>", lang.t("sec.none")))
                .count(),
            9
        );
        // No dates to filter by: the date inputs are disabled, and there is no team filter.
        assert!(html.contains("id=\"f-from\" value=\"\" min=\"\" max=\"\" disabled>"));
        assert!(!html.contains("id=\"f-team\""));
        assert!(html.contains(lang.t("page.no_range")));
    }
}

#[test]
fn measures_that_are_not_numbers_show_as_no_data() {
    let mut r = sample();
    let t = r.tables.iter_mut().find(|t| t.id == "item_movers").unwrap();
    t.rows[0][2] = Cell::Num(Some(f64::NAN));
    t.rows[0][4] = Cell::Num(Some(f64::INFINITY));
    let html = render(&r, Lang::En);
    assert!(!html.contains("NaN") && !html.contains("inf"));
    let movers = &html[html.find("id=\"item_movers\"").unwrap()..];
    let body = &movers[movers.find("<tbody>").unwrap()..];
    let row = &body[..body.find("</tr>").unwrap()];
    assert_eq!(row.matches("<span class=\"na\"").count(), 2, "{row}");
}
