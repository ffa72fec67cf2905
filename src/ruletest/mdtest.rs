//! Whole-call rule tests: Markdown files in `rules/tests/` (like ruff's mdtest).
//!
//! A file is prose for people, plus fenced blocks for callscore:
//!
//! ````markdown
//! ```toml
//! only = ["greeting_company", "billing/refund"]   # optional: ids to check
//! channel = "voice"                                # optional metadata (default voice)
//! ```
//!
//! ```transcript
//! agent 00:02 | Thank you for calling Acme.   # hit: [greeting_company]
//! customer 00:09 | I want a refund.            # hit: [billing/refund]
//! ```
//!
//! ```expect
//! greeting_company = pass
//! drivers = [billing/refund]
//! primary = billing/refund
//! auto_fail = false
//! ```
//! ````
//!
//! The call is scored with the whole pack, exactly as `callscore run` would. Then, for
//! every *checked* id (the `only` list plus every id the file mentions), the turns where
//! the item or driver has evidence must be exactly the turns annotated `# hit: [id]`:
//! an annotation without evidence is **missing**, evidence without an annotation is
//! **noisy**. Every line of the `expect` block must match the outcome.

mod parse;
mod run;
mod update;

pub use parse::{ExpectLine, ExpectValue, MdTest, ParseError, TestTurn, parse};
pub use run::{Failure, MdResult, describe_failure, failure_line, run_file, run_text, test_call};
pub use update::{test_files, updated_text};

#[cfg(test)]
mod tests;
