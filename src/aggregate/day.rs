//! Calendar days and call start times as the aggregates key them.
//!
//! A call's day is the UTC date of `metadata.started_at`. Days are kept as a day number
//! (days since 1970-01-01) so that ranges and "the previous 14 days" are integer
//! arithmetic; they are written as `YYYY-MM-DD`. Calls whose start cannot be read go to
//! [`Day::UNKNOWN`], written as `unknown`, so they are still counted.

use jiff::civil;
use jiff::tz::Offset;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Minutes in a day.
pub const MINUTES_PER_DAY: i64 = 1440;

/// A UTC calendar day (days since 1970-01-01), or [`Day::UNKNOWN`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i32);

impl Day {
    /// Calls without a usable start time. Sorts before every real day.
    pub const UNKNOWN: Day = Day(i32::MIN);

    /// False for [`Day::UNKNOWN`].
    pub fn is_known(self) -> bool {
        self != Day::UNKNOWN
    }

    /// The day a minute (minutes since the Unix epoch, UTC) falls on.
    pub fn of_minute(minute: i64) -> Day {
        let d = minute.div_euclid(MINUTES_PER_DAY);
        i32::try_from(d).map_or(Day::UNKNOWN, Day)
    }

    /// The first minute of the day (minutes since the Unix epoch).
    pub fn first_minute(self) -> i64 {
        i64::from(self.0) * MINUTES_PER_DAY
    }

    /// Parse `YYYY-MM-DD` (a `--from` / `--to` value or an aggregates key).
    pub fn parse(s: &str) -> Option<Day> {
        if s == "unknown" {
            return Some(Day::UNKNOWN);
        }
        let date: civil::Date = s.trim().parse().ok()?;
        let ts = Offset::UTC
            .to_timestamp(date.to_datetime(civil::Time::midnight()))
            .ok()?;
        Some(Day::of_minute(ts.as_second().div_euclid(60)))
    }

    /// `n` days later (earlier when negative).
    pub fn plus(self, n: i32) -> Day {
        if self.is_known() {
            Day(self.0.saturating_add(n))
        } else {
            self
        }
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.is_known() {
            return f.write_str("unknown");
        }
        let ts = jiff::Timestamp::from_second(i64::from(self.0) * 86_400);
        match ts {
            Ok(ts) => write!(f, "{}", Offset::UTC.to_datetime(ts).date()),
            Err(_) => f.write_str("unknown"),
        }
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Day, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Day;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a day as YYYY-MM-DD or \"unknown\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Day, E> {
                Day::parse(v).ok_or_else(|| E::custom(format!("bad day {v:?}")))
            }
        }
        d.deserialize_str(V)
    }
}

/// When a call started, in minutes since the Unix epoch (UTC), from `metadata.started_at`.
///
/// Accepted: RFC 3339 / ISO 8601 with a zone offset (`2026-11-02T10:15:00Z`,
/// `2026-11-02 18:15:00+08:00`), and without one (`2026-11-02T10:15:00`,
/// `2026-11-02 10:15:00`, `2026-11-02`), read as UTC. Anything else is `None`: the
/// call goes to the `unknown` day.
pub fn parse_started_at(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        return Some(ts.as_second().div_euclid(60));
    }
    let dt = match s.parse::<civil::DateTime>() {
        Ok(dt) => dt,
        Err(_) => s
            .parse::<civil::Date>()
            .ok()?
            .to_datetime(civil::Time::midnight()),
    };
    let ts = Offset::UTC.to_timestamp(dt).ok()?;
    Some(ts.as_second().div_euclid(60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_and_order() {
        let d = Day::parse("2026-11-02").unwrap();
        assert_eq!(d.to_string(), "2026-11-02");
        assert_eq!(d.plus(1).to_string(), "2026-11-03");
        assert_eq!(d.plus(-2).to_string(), "2026-10-31");
        assert_eq!(Day(0).to_string(), "1970-01-01");
        assert!(Day::UNKNOWN < Day(-10_000));
        assert_eq!(Day::UNKNOWN.to_string(), "unknown");
        assert_eq!(Day::parse("2026-13-01"), None);
    }

    #[test]
    fn started_at_forms_give_the_utc_minute() {
        let base = parse_started_at("2026-11-02T10:15:00Z").unwrap();
        assert_eq!(Day::of_minute(base).to_string(), "2026-11-02");
        assert_eq!(parse_started_at("2026-11-02 10:15:00"), Some(base));
        assert_eq!(parse_started_at("2026-11-02T10:15:00"), Some(base));
        assert_eq!(parse_started_at("2026-11-02T10:15:30.250Z"), Some(base));
        assert_eq!(parse_started_at("2026-11-02 18:15:00+08:00"), Some(base));
        assert_eq!(parse_started_at("2026-11-02T18:15:00+08:00"), Some(base));
        // Shanghai morning is the previous UTC day.
        let early = parse_started_at("2026-11-03T06:00:00+08:00").unwrap();
        assert_eq!(Day::of_minute(early).to_string(), "2026-11-02");
        assert_eq!(
            parse_started_at("2026-11-02"),
            Some(base - 10 * 60 - 15),
            "a date alone is midnight UTC"
        );
        assert_eq!(parse_started_at("yesterday"), None);
        assert_eq!(parse_started_at(""), None);
    }
}
