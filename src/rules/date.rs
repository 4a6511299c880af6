//! Calendar dates for date-dependent rules (PG603's end-of-life table): the scan's date is
//! today's, or `--today YYYY-MM-DD` for runs that must give the same result next year.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u32,
    day: u32,
}

impl Date {
    /// `YYYY-MM-DD`, a real day of the Gregorian calendar.
    pub fn parse(text: &str) -> Result<Date, String> {
        let bad = || format!("`{text}` is not a date such as 2026-11-12 (YYYY-MM-DD)");
        let mut parts = text.trim().splitn(3, '-');
        let mut next = |len: usize| {
            parts.next().filter(|p| p.len() == len && p.bytes().all(|b| b.is_ascii_digit())).ok_or_else(bad)
        };
        let year: i32 = next(4)?.parse().map_err(|_| bad())?;
        let month: u32 = next(2)?.parse().map_err(|_| bad())?;
        let day: u32 = next(2)?.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(bad());
        }
        Ok(Date { year, month, day })
    }

    /// Today in UTC, from the system clock.
    pub fn today() -> Date {
        let seconds =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
        Date::from_days((seconds / 86_400) as i64)
    }

    /// The civil date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::Date;

    #[test]
    fn parses_and_orders_dates() {
        let a = Date::parse("2026-11-12").unwrap();
        assert!(Date::parse("2026-12-03").unwrap() > a);
        assert_eq!(a.to_string(), "2026-11-12");
        assert!(Date::parse("2026-02-29").is_err());
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("26-1-1").is_err());
    }

    #[test]
    fn counts_days_from_the_epoch() {
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days(20_790).to_string(), "2026-12-03");
        assert_eq!(Date::from_days(11_016).to_string(), "2000-02-29");
    }
}
