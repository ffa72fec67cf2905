//! What `run` shows on stderr while it works: a progress bar on a terminal (inputs done,
//! MB/s, elapsed; total and ETA when the total is known) and the first errors, each one
//! line; the rest are in errors.jsonl.

use crate::run::{RunObserver, Summary};
use crate::sink::RunStamp;
use crate::transcript::read::ReadError;
use indicatif::{ProgressBar, ProgressStyle};
use std::time::Duration;

/// The CLI's [`RunObserver`].
pub(crate) struct Console {
    bar: ProgressBar,
    errors_shown: usize,
    max_errors: usize,
}

impl Console {
    /// A console for a run; `progress` asks for a bar (shown only when stderr is a
    /// terminal), `total_bytes` sets the bar's length when the inputs were counted.
    pub(crate) fn new(progress: bool, total_bytes: Option<u64>, max_errors: usize) -> Console {
        use std::io::IsTerminal;
        let bar = if !progress || !std::io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            match total_bytes {
                Some(total) => {
                    let bar = ProgressBar::new(total);
                    if let Ok(style) = ProgressStyle::with_template(
                        "{bar:30} {percent:>3}% {msg} {binary_bytes_per_sec} eta {eta}",
                    ) {
                        bar.set_style(style);
                    }
                    bar
                }
                None => {
                    let bar = ProgressBar::new_spinner();
                    if let Ok(style) = ProgressStyle::with_template(
                        "{spinner} {msg} {binary_bytes_per_sec} {elapsed}",
                    ) {
                        bar.set_style(style);
                    }
                    bar
                }
            }
        };
        bar.enable_steady_tick(Duration::from_millis(200));
        Console {
            bar,
            errors_shown: 0,
            max_errors,
        }
    }

    /// Remove the bar before the final lines are printed.
    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl RunObserver for Console {
    fn started(&mut self, stamp: &RunStamp) {
        self.bar.set_message(format!("run {}", stamp.run_id));
    }

    fn progress(&mut self, counts: &Summary) {
        self.bar.set_position(counts.bytes_read);
        self.bar.set_message(format!(
            "{} inputs, {} calls",
            counts.inputs_found, counts.calls_scored
        ));
    }

    fn input_error(&mut self, e: &ReadError) {
        if self.errors_shown < self.max_errors {
            self.bar.suspend(|| eprintln!("callscore: {e}"));
        } else if self.errors_shown == self.max_errors {
            self.bar.suspend(|| {
                eprintln!("callscore: more errors follow; all are listed in errors.jsonl")
            });
        }
        self.errors_shown += 1;
    }

    fn warning(&mut self, message: &str) {
        self.bar
            .suspend(|| eprintln!("callscore: warning: {message}"));
    }
}
