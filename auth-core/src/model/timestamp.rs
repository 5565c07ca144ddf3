//! UTC instants with millisecond precision, written the way JavaScript's `Date.toJSON()` does.

use std::fmt;
use std::ops::{Add, Sub};
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// An instant in UTC, truncated to whole milliseconds.
///
/// Better Auth stores and sends JavaScript `Date`s, which carry milliseconds; truncating at
/// construction means a value read back from any store compares equal to the one written.
/// It serialises as `2026-01-02T03:04:05.678Z`, the only shape the Better Auth client's date
/// parser recognises.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    /// The current time from the system clock.
    pub fn now() -> Self {
        Self::from_offset(OffsetDateTime::now_utc())
    }

    /// Converts any `OffsetDateTime` to UTC and truncates it to milliseconds.
    pub fn from_offset(value: OffsetDateTime) -> Self {
        let utc = value.to_offset(time::UtcOffset::UTC);
        let millis = utc.millisecond();
        // `replace_millisecond` cannot fail for a value taken from a valid date.
        Self(utc.replace_millisecond(millis).unwrap_or(utc))
    }

    /// The instant `millis` milliseconds after the Unix epoch, if representable.
    pub fn from_unix_millis(millis: i64) -> Option<Self> {
        let nanos = i128::from(millis) * 1_000_000;
        OffsetDateTime::from_unix_timestamp_nanos(nanos)
            .ok()
            .map(Self)
    }

    /// Milliseconds since the Unix epoch.
    pub fn unix_millis(self) -> i64 {
        // Truncated to milliseconds on construction, so the division is exact and fits.
        (self.0.unix_timestamp_nanos() / 1_000_000) as i64
    }

    /// Whole seconds since the Unix epoch (the unit of JWT `iat` / `exp`).
    pub fn unix_seconds(self) -> i64 {
        self.0.unix_timestamp()
    }

    /// The underlying `time` value (always UTC).
    pub fn as_offset(self) -> OffsetDateTime {
        self.0
    }

    /// The latest representable instant (9999-12-31T23:59:59.999Z).
    pub fn max() -> Self {
        Self::from_offset(time::PrimitiveDateTime::MAX.assume_utc())
    }

    /// The earliest representable instant (-9999-01-01T00:00:00.000Z).
    pub fn min() -> Self {
        Self::from_offset(time::PrimitiveDateTime::MIN.assume_utc())
    }

    /// `self + duration`, saturating at [`Timestamp::max`]: a lifetime too long to represent
    /// ends at the end of time, never before it began.
    pub fn saturating_add(self, duration: Duration) -> Self {
        time::Duration::try_from(duration)
            .ok()
            .and_then(|d| self.0.checked_add(d))
            .map_or_else(Self::max, Self::from_offset)
    }

    /// `self - duration`, saturating at [`Timestamp::min`].
    pub fn saturating_sub(self, duration: Duration) -> Self {
        time::Duration::try_from(duration)
            .ok()
            .and_then(|d| self.0.checked_sub(d))
            .map_or_else(Self::min, Self::from_offset)
    }

    /// Parses an RFC 3339 string such as `2026-11-25T12:54:22.901Z`.
    pub fn parse(input: &str) -> Result<Self, time::error::Parse> {
        OffsetDateTime::parse(input, &Rfc3339).map(Self::from_offset)
    }
}

impl From<OffsetDateTime> for Timestamp {
    fn from(value: OffsetDateTime) -> Self {
        Self::from_offset(value)
    }
}

impl From<Timestamp> for OffsetDateTime {
    fn from(value: Timestamp) -> Self {
        value.0
    }
}

impl Add<Duration> for Timestamp {
    type Output = Timestamp;
    fn add(self, rhs: Duration) -> Timestamp {
        self.saturating_add(rhs)
    }
}

impl Sub<Duration> for Timestamp {
    type Output = Timestamp;
    fn sub(self, rhs: Duration) -> Timestamp {
        self.saturating_sub(rhs)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.millisecond()
        )
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Timestamp::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_javascript_date_to_json() {
        let t = Timestamp::from_unix_millis(1_795_611_262_901).expect("in range");
        assert_eq!(t.to_string(), "2026-11-25T12:54:22.901Z");
        let whole = Timestamp::from_unix_millis(1_795_611_262_000).expect("in range");
        assert_eq!(whole.to_string(), "2026-11-25T12:54:22.000Z");
    }

    #[test]
    fn truncates_to_milliseconds_and_round_trips() {
        let nanos = 1_795_611_262_901_999_999_i128;
        let t =
            Timestamp::from_offset(OffsetDateTime::from_unix_timestamp_nanos(nanos).expect("ok"));
        assert_eq!(t.unix_millis(), 1_795_611_262_901);
        let json = serde_json::to_string(&t).expect("serialise");
        assert_eq!(json, "\"2026-11-25T12:54:22.901Z\"");
        let back: Timestamp = serde_json::from_str(&json).expect("parse");
        assert_eq!(back, t);
    }

    #[test]
    fn arithmetic_saturates_at_the_ends_of_time() {
        // A lifetime too long to represent must end after the instant it started from: an
        // overflow that returned the start made every such session expired at creation.
        let now = Timestamp::parse("2026-11-29T12:00:00.000Z").expect("parse");
        let huge = Duration::from_secs(99_999_999 * 86_400);
        assert_eq!(now + huge, Timestamp::max());
        assert!(now.saturating_add(Duration::MAX) > now);
        assert_eq!(now - huge, Timestamp::min());
        assert!(now.saturating_sub(Duration::MAX) < now);
        assert_eq!(Timestamp::max().to_string(), "9999-12-31T23:59:59.999Z");
        let hour = Duration::from_secs(3600);
        assert_eq!((now + hour).unix_millis() - now.unix_millis(), 3_600_000);
    }

    #[test]
    fn offsets_are_normalised_to_utc() {
        let t = Timestamp::parse("2026-11-25T14:54:22.901+02:00").expect("parse");
        assert_eq!(t.to_string(), "2026-11-25T12:54:22.901Z");
    }
}
