//! Time parsing shared by the readers: cue/clock times (`hh:mm:ss.mmm`,
//! `mm:ss,mmm`), ISO 8601 date-times and float seconds, all to milliseconds,
//! without panicking or overflowing on hostile input.

/// `h:mm:ss[.,]fff`, `mm:ss[.,]fff`, `h:mm:ss`, `mm:ss` → milliseconds.
/// Hours may have any number of digits (up to 6); minutes and seconds after the
/// first field must be below 60; the fraction is 1–9 digits (read to the ms).
pub(crate) fn parse_clock(s: &str) -> Option<u64> {
    let s = s.trim();
    let (main, frac) = match s.find(['.', ',']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let parts: Vec<&str> = main.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let mut nums = Vec::with_capacity(3);
    for (i, p) in parts.iter().enumerate() {
        if p.is_empty() || p.len() > 6 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if i > 0 && p.len() != 2 {
            return None;
        }
        let n: u64 = p.parse().ok()?;
        if i > 0 && n >= 60 {
            return None;
        }
        nums.push(n);
    }
    let (h, m, sec) = if nums.len() == 3 {
        (nums[0], nums[1], nums[2])
    } else {
        (0, nums[0], nums[1])
    };
    let mut ms = (h * 3600 + m * 60 + sec) * 1000;
    if let Some(f) = frac {
        if f.is_empty() || f.len() > 9 || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut digits = f.to_string();
        digits.truncate(3);
        while digits.len() < 3 {
            digits.push('0');
        }
        ms += digits.parse::<u64>().ok()?;
    }
    Some(ms)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// ISO 8601 / RFC 3339 date-time (`2026-11-02T10:02:13.5Z`, `2026-11-02 10:02:13`,
/// `2026/11/02 10:02`, `…+03:30`) → milliseconds since the Unix epoch (UTC when an
/// offset is given, else as written). `None` if it is not one.
pub(crate) fn parse_datetime(s: &str) -> Option<i64> {
    let s = s.trim();
    let date = s.get(..10).filter(|d| d.is_ascii())?;
    let sep = date.as_bytes()[4];
    if !(sep == b'-' || sep == b'/') || date.as_bytes()[7] != sep {
        return None;
    }
    let num = |x: &str| -> Option<i64> {
        if x.is_empty() || !x.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        x.parse().ok()
    };
    let (y, mo, d) = (num(&date[..4])?, num(&date[5..7])?, num(&date[8..10])?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    let mut ms = days_from_civil(y, mo, d) * 86_400_000;
    let rest = &s[10..];
    if rest.is_empty() {
        return Some(ms);
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    // Split off a zone suffix.
    let (time, zone) = match rest.find(['Z', 'z', '+', '-']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest.trim_end(), ""),
    };
    let t = if time.matches(':').count() == 1 && !time.contains(['.', ',']) {
        parse_clock(&format!("{time}:00"))?
    } else {
        parse_clock(time)?
    };
    if t >= 86_400_000 + 1000 {
        return None;
    }
    ms += t as i64;
    if !zone.is_empty() && zone != "Z" && zone != "z" {
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let z = zone[1..].replace(':', "");
        if !z.is_ascii() || (z.len() != 4 && z.len() != 2) {
            return None;
        }
        let hh = num(&z[..2])?;
        let mm = if z.len() == 4 { num(&z[2..])? } else { 0 };
        ms -= sign * (hh * 3600 + mm * 60) * 1000;
    }
    Some(ms)
}

/// Seconds (from JSON) → milliseconds; `None` for negative, NaN or absurd values.
pub(crate) fn secs_to_ms(secs: f64) -> Option<u64> {
    if !secs.is_finite() || !(0.0..=1e9).contains(&secs) {
        return None;
    }
    Some((secs * 1000.0).round() as u64)
}

/// A JSON number (or numeric string) as a non-negative float.
pub(crate) fn json_f64(v: &serde_json::Value) -> Option<f64> {
    match v {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|f| f.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks() {
        assert_eq!(parse_clock("00:00:01.500"), Some(1500));
        assert_eq!(parse_clock("01:02:03,004"), Some(3_723_004));
        assert_eq!(parse_clock("02:03.4"), Some(123_400));
        assert_eq!(parse_clock("10:02:13"), Some(36_133_000));
        assert_eq!(parse_clock("1:05"), Some(65_000));
        for bad in [
            "",
            "1",
            "00:61.000",
            "aa:bb",
            "00:00:00.",
            "1:2:3:4",
            "00:0x:00",
            "٠١:٠٢",
        ] {
            assert_eq!(parse_clock(bad), None, "{bad}");
        }
    }

    #[test]
    fn datetimes() {
        assert_eq!(parse_datetime("1970-01-01T00:00:01Z"), Some(1000));
        assert_eq!(parse_datetime("1970-01-02"), Some(86_400_000));
        assert_eq!(
            parse_datetime("2026-11-02 10:02:13"),
            parse_datetime("2026-11-02T10:02:13.000")
        );
        assert_eq!(
            parse_datetime("2026-11-02T13:32:13+03:30"),
            parse_datetime("2026-11-02T10:02:13Z")
        );
        assert_eq!(
            parse_datetime("2026/11/02 10:02").map(|x| x % 86_400_000),
            Some(36_120_000)
        );
        assert_eq!(parse_datetime("2026-13-02T00:00:00Z"), None);
        assert_eq!(parse_datetime("not a date"), None);
        assert_eq!(parse_datetime("2026-11-0客"), None);
    }
}
