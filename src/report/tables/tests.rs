//! Tables computed from hand-made aggregates.
