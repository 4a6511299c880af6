//! Date functions where the answer is fixed by their arguments: `dateTimeAdd()` on a known
//! UTC time, `dateTimeToEpoch()`, `dateTimeFromEpoch()`. `utcNow()` is known only at
//! deployment (see `strings`). Only the forms Microsoft documents are computed: a UTC time
//! `yyyy-MM-ddTHH:mm:ssZ` (or with a space), durations of whole units, no output format.

use super::{Body, Ctx, Function};
use crate::model::{Node, Value};

pub static FUNCTIONS: &[Function] = &[
    Function { name: "dateTimeAdd", min: 2, max: 3, body: Body::Strict(date_time_add) },
    Function { name: "dateTimeToEpoch", min: 1, max: 1, body: Body::Strict(date_time_to_epoch) },
    Function { name: "dateTimeFromEpoch", min: 1, max: 1, body: Body::Strict(date_time_from_epoch) },
];

/// Days from 1970-01-01 to a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Seconds since the epoch of `yyyy-MM-ddTHH:mm:ssZ` (`T` or a space), or `None`.
fn parse_utc(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b' ') || b[13] != b':' || b[16] != b':'
    {
        return None;
    }
    if b[19] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = text.get(r)?;
        s.bytes().all(|c| c.is_ascii_digit()).then(|| s.parse().ok())?
    };
    let (y, mo, d, h, mi, s) = (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `yyyy-MM-ddTHH:mm:ssZ`, for years 1 to 9999 as .NET's `DateTime` holds them.
fn format_utc(seconds: i64) -> Option<String> {
    let (days, rest) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    if !(1..=9999).contains(&y) {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60))
}

/// An ISO 8601 duration in seconds, `P1Y` as 365 days and `P1M` as 30 (as Microsoft says
/// `dateTimeAdd()` reads them); a leading `-` subtracts.
fn parse_duration(text: &str) -> Option<i64> {
    let (sign, rest) = match text.strip_prefix('-') {
        Some(r) => (-1, r),
        None => (1, text),
    };
    let rest = rest.strip_prefix('P')?;
    let mut total: i64 = 0;
    let mut in_time = false;
    let mut number = String::new();
    let mut any = false;
    for c in rest.chars() {
        match c {
            'T' if !in_time && number.is_empty() => in_time = true,
            '0'..='9' => number.push(c),
            unit => {
                let n: i64 = number.parse().ok()?;
                number.clear();
                let seconds = match (in_time, unit) {
                    (false, 'Y') => 365 * 86_400,
                    (false, 'M') => 30 * 86_400,
                    (false, 'W') => 7 * 86_400,
                    (false, 'D') => 86_400,
                    (true, 'H') => 3600,
                    (true, 'M') => 60,
                    (true, 'S') => 1,
                    _ => return None,
                };
                total = total.checked_add(n.checked_mul(seconds)?)?;
                any = true;
            }
        }
    }
    (any && number.is_empty()).then_some(sign * total)
}

fn date_time_add(args: &[Node], ctx: &Ctx) -> Option<Value> {
    // An output format is .NET's formatting: not computed.
    if args.len() == 3 {
        let plain: Vec<Value> = args.iter().map(|n| n.value.clone()).collect();
        return Some(super::symbolic("dateTimeAdd", &plain, ctx));
    }
    let base = args[0].value.as_str()?;
    let duration = args[1].value.as_str()?;
    let (Some(start), Some(delta)) = (parse_utc(base), parse_duration(duration)) else {
        let reason = format!("`dateTimeAdd('{base}', '{duration}')` is not in a form pgguard computes");
        return Some(Value::unknown(reason, ctx.origin));
    };
    Some(
        start.checked_add(delta).and_then(format_utc).map_or_else(
            || Value::unknown("`dateTimeAdd()` leaves the years .NET can hold", ctx.origin),
            Value::String,
        ),
    )
}

fn date_time_to_epoch(args: &[Node], ctx: &Ctx) -> Option<Value> {
    let text = args[0].value.as_str()?;
    Some(parse_utc(text).map_or_else(
        || Value::unknown(format!("`dateTimeToEpoch('{text}')` is not in a form pgguard computes"), ctx.origin),
        Value::Int,
    ))
}

fn date_time_from_epoch(args: &[Node], ctx: &Ctx) -> Option<Value> {
    let Value::Int(seconds) = args[0].value else { return None };
    Some(format_utc(seconds).map_or_else(
        || Value::unknown(format!("`dateTimeFromEpoch({seconds})` is out of range"), ctx.origin),
        Value::String,
    ))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{call, int, s, unknown_param};
    use crate::model::Value;

    #[test]
    fn date_time_add_matches_the_docs() {
        assert_eq!(call("dateTimeAdd", vec![s("2023-01-01 00:00:00Z"), s("P1Y")]), s("2024-01-01T00:00:00Z"));
        assert_eq!(call("dateTimeAdd", vec![s("2024-01-01 00:00:00Z"), s("P1Y")]), s("2024-12-31T00:00:00Z"));
        assert_eq!(call("dateTimeAdd", vec![s("2023-02-01 00:00:00Z"), s("P1M")]), s("2023-03-03T00:00:00Z"));
        assert_eq!(call("dateTimeAdd", vec![s("2024-02-01 00:00:00Z"), s("P1M")]), s("2024-03-02T00:00:00Z"));
        assert_eq!(call("dateTimeAdd", vec![s("2020-04-07T14:53:14Z"), s("-PT1H30M")]), s("2020-04-07T13:23:14Z"));
        assert!(matches!(call("dateTimeAdd", vec![s("2020-04-07"), s("P1D")]), Value::Unknown(u) if u.sym.is_none()));
        assert!(matches!(call("dateTimeAdd", vec![s("2020-04-07T00:00:00Z"), s("P1.5D")]), Value::Unknown(_)));
        assert!(
            matches!(call("dateTimeAdd", vec![s("2020-04-07T00:00:00Z"), s("P1D"), s("d")]), Value::Unknown(u) if u.sym.is_some())
        );
        assert!(
            matches!(call("dateTimeAdd", vec![unknown_param("now"), s("P1D")]), Value::Unknown(u) if u.sym.is_some())
        );
    }

    #[test]
    fn epochs_both_ways() {
        assert_eq!(call("dateTimeToEpoch", vec![s("2023-02-01T00:00:00Z")]), int(1_675_209_600));
        assert_eq!(call("dateTimeFromEpoch", vec![int(1_683_040_573)]), s("2023-05-02T15:16:13Z"));
        assert_eq!(call("dateTimeFromEpoch", vec![int(0)]), s("1970-01-01T00:00:00Z"));
        assert_eq!(call("dateTimeToEpoch", vec![s("1969-12-31T23:59:59Z")]), int(-1));
        assert!(matches!(call("dateTimeToEpoch", vec![s("2023-02-30T00:00:00Z")]), Value::Unknown(_)));
        assert!(matches!(call("dateTimeFromEpoch", vec![int(i64::MAX)]), Value::Unknown(_)));
    }
}
