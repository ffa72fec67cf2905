//! Support for the dashboard browser test: the DevTools client and the sample report.

pub mod cdp;
pub mod sample;
