use super::*;

fn sniff(bytes: &[u8]) -> Stdin {
    let opts = InputOptions::default();
    let (reader, transcoded) = prepare(Box::new(std::io::Cursor::new(bytes.to_vec())), None);
    Stdin::sniff(reader, transcoded, &opts)
}

fn records(mut first: Option<Unit>, rest: Lines) -> Vec<(u64, String)> {
    first
        .take()
        .into_iter()
        .chain(rest)
        .map(|u| match u {
            Unit::Record { line, bytes, .. } => (
                line,
                String::from_utf8(bytes).unwrap().trim_end().to_string(),
            ),
            _ => panic!("not a record"),
        })
        .collect()
}

#[test]
fn stdin_json_lines_are_streamed_by_record() {
    let Stdin::Lines(first, rest) = sniff(b"\n{\"a\":1}\r\n\n{\"b\":2}\n") else {
        panic!("not JSON Lines");
    };
    assert_eq!(
        records(first, rest),
        vec![(2, "{\"a\":1}".to_string()), (4, "{\"b\":2}".to_string())]
    );
}

#[test]
fn stdin_documents_are_read_whole() {
    for doc in [
        "{\n  \"turns\": []\n}\n",
        "WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n",
        "1\n00:00:01,000 --> 00:00:02,000\nAgent: hi\n",
        "Agent: hi\nCustomer: hello\n",
    ] {
        match sniff(doc.as_bytes()) {
            Stdin::Whole(Unit::Document { bytes, transcoded }) => {
                assert_eq!(String::from_utf8(bytes).unwrap(), doc);
                assert!(!transcoded);
            }
            _ => panic!("{doc:?} not read whole"),
        }
    }
}

#[test]
fn utf16_streams_are_transcoded() {
    let mut le = vec![0xFF, 0xFE];
    for u in "{\"a\":\"坐席\"}\n{\"b\":2}\n".encode_utf16() {
        le.extend_from_slice(&u.to_le_bytes());
    }
    let Stdin::Lines(first, rest) = sniff(&le) else {
        panic!("not JSON Lines");
    };
    assert_eq!(
        records(first, rest),
        vec![
            (1, "{\"a\":\"坐席\"}".to_string()),
            (2, "{\"b\":2}".to_string())
        ]
    );
}

#[test]
fn lines_longer_than_a_piece_are_put_together_or_skipped_whole() {
    // Lines of several pieces: one that fits the limit comes out byte for byte, one
    // over it is one error with its full length, at any position of the newline.
    let opts = InputOptions {
        max_line_bytes: 3 * PIECE,
        ..Default::default()
    };
    let fits: Vec<u8> = (0..(5 * PIECE / 2))
        .map(|i| b'a' + (i % 26) as u8)
        .collect();
    let exact = vec![b'e'; 3 * PIECE as usize];
    let long = vec![b'x'; 5 * PIECE as usize + 7];
    let mut data = b"\xEF\xBB\xBF".to_vec();
    for l in [&fits, &exact, &long, &exact] {
        data.extend_from_slice(l);
        data.push(b'\n');
    }
    data.extend_from_slice(&long); // no newline at the end
    let (reader, transcoded) = prepare(Box::new(std::io::Cursor::new(data)), None);
    let lines = Lines {
        source: "p.jsonl".into(),
        reader,
        line_no: 0,
        transcoded,
        max: opts.max_line_bytes,
    };
    let got: Vec<(u64, Result<Vec<u8>, String>)> = lines
        .map(|u| match u {
            Unit::Record { line, bytes, .. } => (line, Ok(bytes)),
            Unit::Error(e) => (e.line.unwrap(), Err(e.reason)),
            _ => panic!("other"),
        })
        .collect();
    let with_nl = |l: &[u8]| {
        let mut v = l.to_vec();
        v.push(b'\n');
        v
    };
    let too_long = format!(
        "the record is {} bytes, more than the line limit of {} (--max-line 3); it was skipped",
        long.len(),
        3 * PIECE
    );
    assert_eq!(got.len(), 5);
    assert_eq!(got[0], (1, Ok(with_nl(&fits))));
    assert_eq!(got[1], (2, Ok(with_nl(&exact))));
    assert_eq!(got[2], (3, Err(too_long.clone())));
    assert_eq!(got[3], (4, Ok(with_nl(&exact))));
    assert_eq!(got[4], (5, Err(too_long)));
}

#[test]
fn blank_lines_on_stdin_are_not_held_past_the_size_limit() {
    // Sniffing reads blank lines until the first record; those past --max-file-size
    // are counted, not kept (they were kept whole: 200 MiB of newlines on stdin
    // held 300 MB with a limit of 1 MiB), and the stream is still JSON Lines or
    // too large.
    let mut seen = Seen::new(100);
    for _ in 0..1000 {
        seen.push(&[b' '; 30]);
        assert!(seen.bytes.len() <= 100);
    }
    assert_eq!(seen.bytes(), None);
    let mut seen = Seen::new(100);
    seen.push(b"\n\n");
    seen.push(&[b'a'; 98]);
    assert_eq!(seen.bytes().map(|b| b.len()), Some(100));

    let opts = InputOptions {
        max_file_bytes: 64,
        max_line_bytes: 64,
        ..Default::default()
    };
    let sniff = |data: Vec<u8>| {
        let (reader, transcoded) = prepare(Box::new(std::io::Cursor::new(data)), None);
        Stdin::sniff(reader, transcoded, &opts)
    };
    let blank = b"   \n".repeat(100);
    for tail in [&b"Agent: hi\n"[..], b"", &[b'x'; 100]] {
        let mut data = blank.clone();
        data.extend_from_slice(tail);
        match sniff(data) {
            Stdin::Whole(Unit::Error(e)) => assert!(
                e.reason
                    .contains("stdin is more than the limit of 64 bytes"),
                "{e:?}"
            ),
            _ => panic!("{tail:?}: not too large"),
        }
    }
    let mut data = blank.clone();
    data.extend_from_slice(b"{\"a\":1}\n");
    let Stdin::Lines(first, rest) = sniff(data) else {
        panic!("not JSON Lines");
    };
    assert_eq!(records(first, rest), vec![(101, "{\"a\":1}".to_string())]);
    let mut data = b"\n".repeat(10);
    data.extend_from_slice(b"Agent: hi\n");
    match sniff(data.clone()) {
        Stdin::Whole(Unit::Document { bytes, .. }) => assert_eq!(bytes, data),
        _ => panic!("not read whole"),
    }
}

#[test]
fn over_long_lines_are_errors_and_the_stream_goes_on() {
    let opts = InputOptions {
        max_line_bytes: 8,
        ..Default::default()
    };
    let (reader, transcoded) = prepare(
        Box::new(std::io::Cursor::new(
            b"{\"a\":1}\n{\"long\":123456}\n{\"b\":2}\n".to_vec(),
        )),
        None,
    );
    let Stdin::Lines(first, rest) = Stdin::sniff(reader, transcoded, &opts) else {
        panic!("not JSON Lines");
    };
    let got: Vec<String> = first
        .into_iter()
        .chain(rest)
        .map(|u| match u {
            Unit::Record { line, .. } => format!("record {line}"),
            Unit::Error(e) => format!("{}:{:?} {}", e.source, e.line, e.reason),
            _ => "other".into(),
        })
        .collect();
    assert_eq!(
        got,
        [
            "record 1",
            "-:Some(2) the record is 15 bytes, more than the line limit of 8 (--max-line 1); it was skipped",
            "record 3"
        ]
    );
}
