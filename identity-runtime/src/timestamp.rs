//! The user's timestamps, read without chrono's general parser when they have the form GoTrue
//! writes (`2026-11-27T12:00:00.123456Z`); any other form goes to chrono, so what is accepted
//! and every error message are chrono's.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::de::{self, Deserialize, Deserializer, Visitor};

/// An RFC 3339 timestamp in UTC.
pub(crate) struct Timestamp(pub(crate) DateTime<Utc>);

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(TimestampVisitor)
    }
}

struct TimestampVisitor;

impl Visitor<'_> for TimestampVisitor {
    type Value = Timestamp;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // chrono's own wording, as its deserializer would say it.
        f.write_str("a formatted date and time string or a unix timestamp")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Timestamp, E> {
        parse(text).map(Timestamp).map_err(E::custom)
    }
}

/// Parses `text` as chrono's `DateTime<Utc>: FromStr` does.
pub(crate) fn parse(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    match utc_form(text.as_bytes()) {
        Some(time) => Ok(time),
        None => text.parse(),
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.F…]Z` with 1 to 9 fraction digits and no leap second; `None` for
/// anything else, valid or not.
fn utc_form(b: &[u8]) -> Option<DateTime<Utc>> {
    let fraction = b.get(19..b.len().checked_sub(1)?)?;
    if b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    if b[b.len() - 1] != b'Z' {
        return None;
    }
    let number = |digits: &[u8]| -> Option<u32> {
        digits.iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let nanos = match fraction {
        [] => 0,
        [b'.', digits @ ..] if (1..=9).contains(&digits.len()) => {
            number(digits)? * 10u32.pow(9 - digits.len() as u32)
        }
        _ => return None,
    };
    let second = number(&b[17..19])?;
    if second >= 60 {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(number(&b[0..4])?).ok()?,
        number(&b[5..7])?,
        number(&b[8..10])?,
    )?;
    let time = date.and_hms_nano_opt(number(&b[11..13])?, number(&b[14..16])?, second, nanos)?;
    Some(time.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every string the short path takes, chrono reads the same; every one it leaves, chrono
    /// gets. Checked over a spread of well- and ill-formed timestamps.
    #[test]
    fn agrees_with_chrono() {
        let mut texts = vec![
            "2026-11-27T12:00:00Z".to_owned(),
            "2026-11-27T12:00:00.123456Z".to_owned(),
            "2026-11-27T12:00:00.1Z".to_owned(),
            "2026-11-27T12:00:00.123456789Z".to_owned(),
            "2026-11-27T12:00:00.1234567891Z".to_owned(),
            "2026-11-27T12:00:00.Z".to_owned(),
            "2026-11-27T23:59:60Z".to_owned(),
            "2026-02-29T12:00:00Z".to_owned(),
            "2024-02-29T12:00:00Z".to_owned(),
            "2026-13-01T12:00:00Z".to_owned(),
            "2026-11-27T24:00:00Z".to_owned(),
            "2026-11-27t12:00:00z".to_owned(),
            "2026-11-27 12:00:00Z".to_owned(),
            "2026-11-27T12:00:00+01:00".to_owned(),
            "2026-11-27T12:00:00.5+00:00".to_owned(),
            "+2026-11-27T12:00:00Z".to_owned(),
            "2026-1-27T12:00:00Z".to_owned(),
            "2026-11-27T12:00:0Z".to_owned(),
            "0000-01-01T00:00:00Z".to_owned(),
            "9999-12-31T23:59:59.999999999Z".to_owned(),
            "2026-11-27T12:00:00".to_owned(),
            "Z".to_owned(),
            String::new(),
            "2026-11-27T12:0a:00Z".to_owned(),
            "2026-11-27T12:00:00.12a4Z".to_owned(),
            "2026-11-27T12:00:00.\u{e9}Z".to_owned(),
        ];
        // A deterministic spread of field values, in and out of range.
        let mut next = crate::picker::picker(0x2545_f491);
        for _ in 0..20_000 {
            let fraction = match next(12) {
                0 => String::new(),
                n => format!(".{:0n$}", next(1_000_000_000)),
            };
            texts.push(format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{fraction}Z",
                next(10_000),
                next(14),
                next(33),
                next(26),
                next(62),
                next(62),
            ));
        }
        for text in &texts {
            let chrono = text.parse::<DateTime<Utc>>();
            match utc_form(text.as_bytes()) {
                Some(time) => assert_eq!(Ok(time), chrono, "{text}"),
                None => assert_eq!(parse(text), chrono, "{text}"),
            }
        }
        let short = texts
            .iter()
            .filter(|t| utc_form(t.as_bytes()).is_some())
            .count();
        assert!(
            short > 1_000,
            "the short path took only {short} of {}",
            texts.len()
        );
    }
}
