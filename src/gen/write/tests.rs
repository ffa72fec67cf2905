use super::*;

#[test]
fn dates() {
    assert_eq!(iso(1_793_577_600), "2026-11-02T00:00:00Z");
    assert_eq!(iso(0), "1970-01-01T00:00:00Z");
    assert_eq!(iso(951_782_400), "2000-02-29T00:00:00Z");
}

/// A call whose first turn holds every character CSV and JSON must escape.
fn awkward_call(format: Format) -> GenCall {
    let mut c = crate::r#gen::script::generate_call(7, 3, format, Lang::En, 1, 10);
    c.turns[0].text = "He said \"no\", then left,\nangry\t\\ \u{1}".into();
    c.meta.csat = None;
    c
}

#[test]
fn chat_csv_and_sidecar_rows_read_back_field_for_field() {
    let c = awkward_call(Format::ChatCsv);
    let mut out = Vec::new();
    chat_csv_header(&mut out).unwrap();
    chat_csv_rows(&mut out, &c).unwrap();
    let mut r = csv::Reader::from_reader(out.as_slice());
    assert_eq!(r.headers().unwrap(), CHAT_CSV_COLUMNS.as_slice());
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), c.turns.len());
    assert_eq!(&rows[0][3], c.turns[0].text);
    assert_eq!(&rows[0][0], c.id);

    let mut meta = Vec::new();
    metadata_header(&mut meta).unwrap();
    metadata_row(&mut meta, &c).unwrap();
    let mut r = csv::Reader::from_reader(meta.as_slice());
    assert_eq!(r.headers().unwrap(), METADATA_COLUMNS.as_slice());
    let row = r.records().next().unwrap().unwrap();
    assert_eq!(&row[0], c.id);
    assert_eq!(&row[7], "", "no CSAT: empty field");
}

#[test]
fn json_writers_escape_text_and_keep_times() {
    let c = awkward_call(Format::NativeJson);
    let mut line = Vec::new();
    native_line(&mut line, &c).unwrap();
    assert!(!line.contains(&b'\n'), "one line");
    let mut doc = Vec::new();
    native_json(&mut doc, &c).unwrap();
    for bytes in [&line, &doc] {
        let v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        assert_eq!(v["turns"][0]["text"], c.turns[0].text.as_str());
        let end = v["turns"][1]["end"].as_f64().unwrap();
        assert_eq!((end * 1000.0).round() as u64, c.turns[1].end_ms);
        assert!(v["metadata"].get("csat").is_none());
    }
    let mut w = Vec::new();
    whisper(&mut w, &c).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&w).unwrap();
    assert_eq!(v["segments"][0]["text"], format!(" {}", c.turns[0].text));
}
