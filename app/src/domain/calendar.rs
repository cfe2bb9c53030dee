//! The product's calendar: China Standard Time (UTC+8, no daylight saving). Every date or
//! time a person reads — pages, e-mails, CSV, feeds, embeds — and every "today" compared
//! with a date somebody typed is taken here, never from the UTC date of a timestamp.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc};

/// China Standard Time's offset from UTC, in seconds.
pub const OFFSET_SECONDS: i32 = 8 * 3600;

/// China Standard Time as a chrono offset.
pub fn china() -> FixedOffset {
    FixedOffset::east_opt(OFFSET_SECONDS).expect("UTC+8 is a valid offset")
}

/// A moment as China time.
pub fn local(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.with_timezone(&china())
}

/// The China date of a moment.
pub fn date_of(t: DateTime<Utc>) -> NaiveDate {
    local(t).date_naive()
}

/// Today's date in China at `now`.
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    date_of(now)
}

/// A date as `YYYY-MM-DD`.
pub fn day_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A moment's China date as `YYYY-MM-DD`.
pub fn date_text(t: DateTime<Utc>) -> String {
    day_text(date_of(t))
}

/// A moment as `YYYY-MM-DD HH:MM` China time.
pub fn minute_text(t: DateTime<Utc>) -> String {
    local(t).format("%Y-%m-%d %H:%M").to_string()
}

/// 00:00 China time on a date, as UTC.
pub fn start_of(d: NaiveDate) -> DateTime<Utc> {
    at(d, NaiveTime::MIN)
}

/// A wall-clock time in China on a date, as UTC.
pub fn at(d: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    d.and_time(time)
        .and_local_timezone(china())
        .single()
        .expect("a fixed offset has no gaps")
        .with_timezone(&Utc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn just_after_16_utc_is_the_next_china_day() {
        let t = utc("2026-10-20T16:05:00Z");
        assert_eq!(date_of(t), ymd(2026, 10, 21));
        assert_eq!(today(t), ymd(2026, 10, 21));
        assert_eq!(date_text(t), "2026-10-21");
        assert_eq!(minute_text(t), "2026-10-21 00:05");
    }

    #[test]
    fn just_before_16_utc_is_the_same_day() {
        let t = utc("2026-10-20T15:59:59Z");
        assert_eq!(date_of(t), ymd(2026, 10, 20));
        assert_eq!(minute_text(t), "2026-10-20 23:59");
    }

    #[test]
    fn the_year_turns_at_16_utc_on_new_years_eve() {
        assert_eq!(date_of(utc("2026-12-31T16:00:00Z")), ymd(2027, 1, 1));
    }

    #[test]
    fn a_china_day_starts_at_16_utc_the_day_before() {
        let start = start_of(ymd(2026, 10, 21));
        assert_eq!(start, utc("2026-10-20T16:00:00Z"));
        assert_eq!(date_of(start), ymd(2026, 10, 21));
        assert_eq!(
            date_of(start - chrono::Duration::seconds(1)),
            ymd(2026, 10, 20)
        );
        let eight = at(ymd(2026, 10, 21), NaiveTime::from_hms_opt(8, 0, 0).unwrap());
        assert_eq!(eight, utc("2026-10-21T00:00:00Z"));
    }

    #[test]
    fn day_text_is_iso() {
        assert_eq!(day_text(ymd(2026, 3, 7)), "2026-03-07");
    }
}
