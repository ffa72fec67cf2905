//! The flat CSV: one row per call, for spreadsheets and BI tools that do not read JSON.
//!
//! Columns, in order: `call_id, source, format, language, agent, team, queue, channel,
//! started_at, customer_id, csat, nps, human_qa_score, self_score, qa_score, raw_score,
//! auto_fail, section:<name>… (pack order), item:<id>… (pack order; pass/fail/n/a),
//! customer_sentiment, customer_sentiment_start, customer_sentiment_end, agent_sentiment,
//! primary_driver, department, drivers (`;`-separated), cost, handle_time_ms,
//! agent_talk_ms, customer_talk_ms, silence_ms, longest_silence_ms, overtalk_ms, turns,
//! times_estimated, rules_version, rules_hash`. Empty cell = no value.

use crate::record::CallRecord;
use crate::rules::Pack;

const LEAD: &[&str] = &[
    "call_id",
    "source",
    "format",
    "language",
    "agent",
    "team",
    "queue",
    "channel",
    "started_at",
    "customer_id",
    "csat",
    "nps",
    "human_qa_score",
    "self_score",
    "qa_score",
    "raw_score",
    "auto_fail",
];
const TAIL: &[&str] = &[
    "customer_sentiment",
    "customer_sentiment_start",
    "customer_sentiment_end",
    "agent_sentiment",
    "primary_driver",
    "department",
    "drivers",
    "cost",
    "handle_time_ms",
    "agent_talk_ms",
    "customer_talk_ms",
    "silence_ms",
    "longest_silence_ms",
    "overtalk_ms",
    "turns",
    "times_estimated",
    "rules_version",
    "rules_hash",
];

/// The header row for `pack`.
pub fn header(pack: &Pack) -> Vec<u8> {
    let mut cols: Vec<String> = LEAD.iter().map(|s| s.to_string()).collect();
    cols.extend(pack.sections.iter().map(|s| format!("section:{s}")));
    cols.extend(pack.items.iter().map(|i| format!("item:{}", i.id)));
    cols.extend(TAIL.iter().map(|s| s.to_string()));
    write_row(&cols)
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map_or_else(String::new, T::to_string)
}

/// One call's row.
pub fn row(pack: &Pack, r: &CallRecord) -> Vec<u8> {
    let m = &r.metadata;
    let mut cols = vec![
        r.call_id.clone(),
        r.source.clone(),
        r.format.to_string(),
        r.language.clone(),
        opt(&m.agent),
        opt(&m.team),
        opt(&m.queue),
        opt(&m.channel),
        opt(&m.started_at),
        opt(&m.customer_id),
        opt(&m.csat),
        opt(&m.nps),
        opt(&m.human_qa_score),
        opt(&m.self_score),
        opt(&r.qa.score),
        opt(&r.qa.raw_score),
        r.qa.auto_fail.to_string(),
    ];
    for s in &pack.sections {
        cols.push(
            r.qa.sections
                .get(s)
                .and_then(|v| *v)
                .map_or_else(String::new, |v| v.to_string()),
        );
    }
    for it in &r.qa.items {
        cols.push(it.result.as_str().to_string());
    }
    let met = &r.metrics;
    cols.extend([
        r.sentiment.customer.overall.to_string(),
        r.sentiment.customer.start.to_string(),
        r.sentiment.customer.end.to_string(),
        r.sentiment.agent.overall.to_string(),
        opt(&r.drivers.primary),
        opt(&r.drivers.department),
        r.drivers
            .matched
            .iter()
            .map(|d| d.id.as_str())
            .collect::<Vec<_>>()
            .join(";"),
        opt(&r.drivers.cost),
        opt(&met.handle_time_ms),
        opt(&met.agent_talk_ms),
        opt(&met.customer_talk_ms),
        opt(&met.silence_ms),
        opt(&met.longest_silence_ms),
        opt(&met.overtalk_ms),
        met.turns.to_string(),
        met.times_estimated.to_string(),
        r.rules.version.clone(),
        r.rules.hash.clone(),
    ]);
    write_row(&cols)
}

/// The bytes a reused CSV writer writes into (shared with the code that takes them).
#[derive(Clone, Default)]
struct RowBuf(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl std::io::Write for RowBuf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn write_row(cols: &[String]) -> Vec<u8> {
    thread_local! {
        // One CSV writer per worker thread, reused: building one per row costs an 8 KiB
        // buffer allocation each time.
        static WRITER: std::cell::RefCell<(::csv::Writer<RowBuf>, RowBuf)> = {
            let buf = RowBuf::default();
            std::cell::RefCell::new((::csv::WriterBuilder::new().from_writer(buf.clone()), buf))
        };
    }
    WRITER.with(|cell| {
        let mut cell = cell.borrow_mut();
        // Writing to memory cannot fail; flush moves the row into the buffer.
        let _ = cell.0.write_record(cols);
        let _ = cell.0.flush();
        std::mem::take(&mut *cell.1.0.borrow_mut())
    })
}
