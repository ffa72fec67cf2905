//! Reports from merged aggregates: the shared table model and the HTML dashboard.

pub mod html;
pub mod i18n;
pub mod model;
pub mod svg;
