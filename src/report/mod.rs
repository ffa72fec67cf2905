//! `callscore report`: from the `aggregates.json` of one or more runs to the dashboard's
//! tables (one CSV per table) and `dashboard.html`.
//!
//! [`load`] reads and merges the runs, [`select`] picks the rule pack, [`tables`]
//! computes the [`model::Report`], [`csv`] and [`html`] write it.

pub mod csv;
pub mod html;
pub mod i18n;
pub mod load;
pub mod model;
pub mod repeat;
pub mod select;
pub mod stats;
pub mod svg;
pub mod tables;

pub use load::{LoadError, Loaded, load};
pub use model::{Cell, Report, Table};
pub use select::{PackChoice, SelectError, Selected, select};
pub use tables::{ReportOptions, compute};
