use super::*;

/// Parse as XML: every chart must be well-formed on its own (it is inlined in HTML, but
/// a stray `<` or an unclosed element would break the rest of the page).
fn parse(svg: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("not well-formed: {e}\n{svg}"))
}

fn numbers_are_finite(svg: &str) {
    for bad in ["NaN", "inf"] {
        assert!(!svg.contains(bad), "{bad} in {svg}");
    }
}

fn day_chart(days: &[&str], series: Vec<DaySeries>) -> DayChart {
    DayChart {
        id: "c1".into(),
        title: "Mean QA <per day>".into(),
        desc: "desc & more".into(),
        days: days.iter().map(|d| d.to_string()).collect(),
        series,
        y_min: None,
        y_max: None,
        y_fmt: Fmt::Number(0),
        y_label: "Score".into(),
        empty: "No data".into(),
        wide: false,
    }
}

#[test]
fn day_charts_are_well_formed_for_empty_one_point_and_gaps() {
    let cases = vec![
        day_chart(&[], vec![]),
        day_chart(
            &[],
            vec![DaySeries {
                name: "a".into(),
                values: vec![],
            }],
        ),
        day_chart(
            &["2026-01-01"],
            vec![DaySeries {
                name: "a".into(),
                values: vec![Some(80.0)],
            }],
        ),
        day_chart(
            &["2026-01-01"],
            vec![DaySeries {
                name: "a".into(),
                values: vec![None],
            }],
        ),
        day_chart(
            &["2026-01-01", "2026-01-02", "2026-01-03"],
            vec![DaySeries {
                name: "x<y".into(),
                values: vec![Some(1.0), None, Some(f64::NAN)],
            }],
        ),
    ];
    for chart in &cases {
        for svg in [day_lines(chart), day_bars(chart)] {
            let doc = parse(&svg);
            numbers_are_finite(&svg);
            let root = doc.root_element();
            assert_eq!(root.tag_name().name(), "svg");
            assert_eq!(root.attribute("role"), Some("img"));
            let title = root.children().find(|n| n.has_tag_name("title")).unwrap();
            assert_eq!(title.text(), Some("Mean QA <per day>"));
        }
    }
    // Empty: the "no data" note is drawn instead of nothing.
    assert!(day_lines(&cases[0]).contains("middle\">No data</text>"));
    assert!(day_bars(&cases[3]).contains("middle\">No data</text>"));
    // One point: one dot in the middle of the plot, no note.
    let one = day_lines(&cases[2]);
    assert_eq!(one.matches("<circle").count(), 1);
    assert!(one.contains("style=\"display:none\">No data</text>"));
    let (x0, x1) = plot_x(false, DW_HALF);
    assert!(one.contains(&format!("cx=\"{}\"", c((x0 + x1) / 2.0))));
}

#[test]
fn a_missing_day_breaks_the_line() {
    let chart = day_chart(
        &["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"],
        vec![DaySeries {
            name: "a".into(),
            values: vec![Some(1.0), Some(2.0), None, Some(3.0)],
        }],
    );
    let svg = day_lines(&chart);
    let doc = parse(&svg);
    let path = doc.descendants().find(|n| n.has_tag_name("path")).unwrap();
    let d = path.attribute("d").unwrap();
    assert_eq!(d.matches('M').count(), 2, "{d}");
    assert_eq!(d.matches('L').count(), 1, "{d}");
    assert_eq!(svg.matches("<circle").count(), 3);
}

#[test]
fn day_labels_are_thinned_but_every_day_keeps_a_label_element() {
    let days: Vec<String> = (1..=31).map(|d| format!("2026-01-{d:02}")).collect();
    let refs: Vec<&str> = days.iter().map(String::as_str).collect();
    let chart = day_chart(
        &refs,
        vec![DaySeries {
            name: "a".into(),
            values: vec![Some(5.0); 31],
        }],
    );
    let svg = day_lines(&chart);
    let doc = parse(&svg);
    let labels: Vec<_> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("tick xl"))
        .collect();
    assert_eq!(labels.len(), 31);
    let shown = labels
        .iter()
        .filter(|n| n.attribute("style").is_none())
        .count();
    assert!((5..=MAX_DAY_LABELS).contains(&shown), "{shown}");
    assert_eq!(labels[0].text(), Some("01-01"));
}

#[test]
fn row_and_scatter_charts_are_well_formed_for_empty_and_one_row() {
    let row = Row {
        label: "<script>alert(1)</script>".into(),
        value: -3.5,
        end: Some(0.2),
        text: "−3.5".into(),
        tone: Tone::Bad,
        team: Some("T&1".into()),
        hover: "a \"quoted\" name".into(),
    };
    for rows in [vec![], vec![row.clone()]] {
        let chart = RowChart {
            id: "r".into(),
            title: "t".into(),
            desc: "d".into(),
            rows,
            x_min: None,
            x_max: None,
            x_fmt: Fmt::Signed(1),
            x_label: "gap".into(),
            empty: "nothing".into(),
        };
        for svg in [bar_rows(&chart), range_rows(&chart)] {
            parse(&svg);
            numbers_are_finite(&svg);
            assert!(!svg.contains("<script>"));
        }
    }
    let point = Point {
        label: "a".into(),
        x: 80.0,
        y: 4.2,
        tone: Tone::Good,
        team: Some("t".into()),
        hover: "a <b>".into(),
    };
    for points in [vec![], vec![point.clone()], vec![point.clone(), point]] {
        let chart = Scatter {
            id: "s".into(),
            title: "t".into(),
            desc: "d".into(),
            points,
            x_label: "QA".into(),
            y_label: "CSAT".into(),
            x_fmt: Fmt::Number(0),
            y_fmt: Fmt::Number(1),
            x_split: Some((80.0, "median".into())),
            y_split: Some((4.2, "median".into())),
            quadrants: ["a".into(), "b".into(), "c".into(), "d".into()],
            empty: "none".into(),
        };
        let svg = scatter(&chart);
        parse(&svg);
        numbers_are_finite(&svg);
    }
}

#[test]
fn negative_bars_start_at_the_zero_line() {
    let mk = |v: f64| Row {
        label: "a".into(),
        value: v,
        end: None,
        text: String::new(),
        tone: Tone::Neutral,
        team: None,
        hover: String::new(),
    };
    let chart = RowChart {
        id: "r".into(),
        title: "t".into(),
        desc: "d".into(),
        rows: vec![mk(-10.0), mk(10.0)],
        x_min: None,
        x_max: None,
        x_fmt: Fmt::Signed(0),
        x_label: String::new(),
        empty: String::new(),
    };
    let svg = bar_rows(&chart);
    let doc = parse(&svg);
    let rects: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect"))
        .collect();
    let x = |n: &roxmltree::Node, a: &str| n.attribute(a).unwrap().parse::<f64>().unwrap();
    // Both bars are equally long and meet at zero.
    assert!((x(&rects[0], "width") - x(&rects[1], "width")).abs() < 0.2);
    assert!((x(&rects[0], "x") + x(&rects[0], "width") - x(&rects[1], "x")).abs() < 0.2);
    assert!(svg.contains("class=\"axis zero\""));
}

#[test]
fn ticks_are_round_and_cover_the_range() {
    assert_eq!(
        nice_ticks(0.0, 100.0, 5),
        vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    );
    assert_eq!(nice_ticks(0.0, 0.3, 3), vec![0.0, 0.1, 0.2, 0.3]);
    let t = nice_ticks(3.7, 4.6, 5);
    assert!(t[0] <= 3.7 && *t.last().unwrap() >= 4.6, "{t:?}");
    let same = nice_ticks(5.0, 5.0, 5);
    assert!(same.len() >= 2);
    let bad = nice_ticks(f64::NAN, f64::INFINITY, 5);
    assert!(bad.iter().all(|v| v.is_finite()));
}

#[test]
fn numbers_are_written_for_readers() {
    assert_eq!(Fmt::Number(0).format(1234567.0), "1,234,567");
    assert_eq!(Fmt::Number(2).format(-1234.5), "−1,234.50");
    assert_eq!(Fmt::Percent(1).format(0.12345), "12.3%");
    assert_eq!(Fmt::Duration.format(65.4), "1:05");
    assert_eq!(Fmt::Duration.format(3725.0), "1:02:05");
    assert_eq!(Fmt::Signed(1).format(2.26), "+2.3");
    assert_eq!(Fmt::Signed(1).format(-0.04), "0.0");
    assert_eq!(Fmt::Signed(1).format(-1.5), "−1.5");
    assert_eq!(Fmt::Number(1).format(f64::NAN), "–");
}
