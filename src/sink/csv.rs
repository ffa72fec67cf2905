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

/// One call's row.
///
/// Fields go straight into the reused CSV writer: numbers are formatted into
/// one scratch string, text fields are passed by reference. (Building a
/// `Vec<String>` of every cell first cost two allocations per cell.)
pub fn row(pack: &Pack, r: &CallRecord) -> Vec<u8> {
    with_writer(|w| {
        let m = &r.metadata;
        w.text(&r.call_id);
        w.text(&r.source);
        w.text(r.format);
        w.text(&r.language);
        for v in [
            &m.agent,
            &m.team,
            &m.queue,
            &m.channel,
            &m.started_at,
            &m.customer_id,
        ] {
            w.text(v.as_deref().unwrap_or(""));
        }
        for v in [m.csat, m.nps, m.human_qa_score, m.self_score] {
            w.opt(v);
        }
        w.opt(r.qa.score);
        w.opt(r.qa.raw_score);
        w.num(r.qa.auto_fail);
        for s in &pack.sections {
            w.opt(r.qa.sections.get(s).and_then(|v| *v));
        }
        for it in &r.qa.items {
            w.text(it.result.as_str());
        }
        let met = &r.metrics;
        w.num(r.sentiment.customer.overall);
        w.num(r.sentiment.customer.start);
        w.num(r.sentiment.customer.end);
        w.num(r.sentiment.agent.overall);
        w.text(r.drivers.primary.as_deref().unwrap_or(""));
        w.text(r.drivers.department.as_deref().unwrap_or(""));
        w.scratch.clear();
        for (i, d) in r.drivers.matched.iter().enumerate() {
            if i > 0 {
                w.scratch.push(';');
            }
            w.scratch.push_str(&d.id);
        }
        w.field_from_scratch();
        w.opt(r.drivers.cost);
        for v in [
            met.handle_time_ms,
            met.agent_talk_ms,
            met.customer_talk_ms,
            met.silence_ms,
            met.longest_silence_ms,
            met.overtalk_ms,
        ] {
            w.opt(v);
        }
        w.num(met.turns);
        w.num(met.times_estimated);
        w.text(&r.rules.version);
        w.text(&r.rules.hash);
    })
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

/// A worker thread's reusable CSV writer, its output buffer and a scratch
/// string for formatting numbers.
struct RowWriter {
    csv: ::csv::Writer<RowBuf>,
    buf: RowBuf,
    scratch: String,
}

impl RowWriter {
    /// A text cell. Writing to memory cannot fail.
    fn text(&mut self, s: &str) {
        let _ = self.csv.write_field(s);
    }

    /// A cell holding `v` as `Display` writes it (`to_string`).
    fn num(&mut self, v: impl std::fmt::Display) {
        use std::fmt::Write;
        self.scratch.clear();
        let _ = write!(self.scratch, "{v}");
        self.field_from_scratch();
    }

    /// A cell holding `v`, or empty for `None`.
    fn opt(&mut self, v: Option<impl std::fmt::Display>) {
        match v {
            Some(v) => self.num(v),
            None => self.text(""),
        }
    }

    fn field_from_scratch(&mut self) {
        let _ = self.csv.write_field(&self.scratch);
    }
}

/// Run `f` on this thread's [`RowWriter`], end the record and return its bytes.
fn with_writer(f: impl FnOnce(&mut RowWriter)) -> Vec<u8> {
    thread_local! {
        // One CSV writer per worker thread, reused: building one per row costs an 8 KiB
        // buffer allocation each time.
        static WRITER: std::cell::RefCell<RowWriter> = {
            let buf = RowBuf::default();
            std::cell::RefCell::new(RowWriter {
                csv: ::csv::WriterBuilder::new().from_writer(buf.clone()),
                buf,
                scratch: String::new(),
            })
        };
    }
    WRITER.with(|cell| {
        let mut w = cell.borrow_mut();
        f(&mut w);
        // Writing to memory cannot fail; an empty record ends the row, flush
        // moves it into the buffer.
        let _ = w.csv.write_record(None::<&[u8]>);
        let _ = w.csv.flush();
        std::mem::take(&mut *w.buf.0.borrow_mut())
    })
}

fn write_row(cols: &[String]) -> Vec<u8> {
    with_writer(|w| {
        for c in cols {
            w.text(c);
        }
    })
}
