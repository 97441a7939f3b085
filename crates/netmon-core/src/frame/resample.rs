//! Resampling into fixed periods: period averages and maxima (SNMPSTAT's
//! 5-minute, hourly and daily views), or any other [`Aggregation`].

use std::time::Duration;

use super::Frame;
use crate::error::{Error, Result};
use crate::time::{Timestamp, duration_nanos};

/// How the samples of one period become one value. NaN samples are left
/// out; a period without any valid sample gives NaN (0 for `Count`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Aggregation {
    /// Arithmetic mean.
    Mean,
    /// Largest value.
    Max,
    /// Smallest value.
    Min,
    /// Sum (NaN, not 0, for a period without samples, so that a gap does
    /// not read as zero traffic).
    Sum,
    /// Number of valid samples.
    Count,
    /// First valid sample in time order.
    First,
    /// Last valid sample in time order.
    Last,
}

impl Aggregation {
    /// Every aggregation, for building summary tables.
    pub const ALL: [Aggregation; 7] = [
        Aggregation::Mean,
        Aggregation::Max,
        Aggregation::Min,
        Aggregation::Sum,
        Aggregation::Count,
        Aggregation::First,
        Aggregation::Last,
    ];

    /// Lower-case name (`mean`, `max` …).
    pub fn name(self) -> &'static str {
        match self {
            Aggregation::Mean => "mean",
            Aggregation::Max => "max",
            Aggregation::Min => "min",
            Aggregation::Sum => "sum",
            Aggregation::Count => "count",
            Aggregation::First => "first",
            Aggregation::Last => "last",
        }
    }
}

/// Settings for [`Frame::resample`]: periods of fixed length, labelled by
/// their start.
///
/// | setting | default |
/// | --- | --- |
/// | origin (periods start at `origin + k·period`) | 1970-01-01T00:00:00Z |
/// | fill_gaps (a row for every period between the first and the last, NaN where empty) | true |
/// | max_periods | 10 000 000 |
///
/// ```
/// use std::time::Duration;
/// use netmon_core::{Aggregation, Frame, Resample};
/// let f = Frame::from_columns(
///     vec![0, 60_000_000_000, 120_000_000_000, 600_000_000_000],
///     [("ifInOctets rate", vec![1.0, 3.0, f64::NAN, 8.0])],
/// )?;
/// let five_min = Resample::new(Duration::from_secs(300))?;
/// let mean = five_min.apply(&f, Aggregation::Mean)?;
/// assert_eq!(mean.len(), 3); // 00:00, 00:05 (empty), 00:10
/// assert_eq!(mean.column("ifInOctets rate").unwrap()[0], 2.0);
/// assert!(mean.column("ifInOctets rate").unwrap()[1].is_nan());
/// # Ok::<(), netmon_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resample {
    period: i64,
    origin: i64,
    fill_gaps: bool,
    max_periods: usize,
}

impl Resample {
    /// Periods of this length. Fails on zero or on more than 292 years.
    pub fn new(period: Duration) -> Result<Self> {
        let period = duration_nanos(period, "resampling period")?;
        if period <= 0 {
            return Err(Error::InvalidDuration {
                what: "resampling period",
                reason: "must be longer than zero",
            });
        }
        Ok(Resample {
            period,
            origin: 0,
            fill_gaps: true,
            max_periods: 10_000_000,
        })
    }

    /// Periods start at `origin + k·period` for whole `k` (default: the
    /// epoch, so hourly periods start on the hour in UTC).
    pub fn origin(mut self, origin: Timestamp) -> Self {
        self.origin = origin.as_nanos();
        self
    }

    /// Whether empty periods between the first and the last get a row
    /// (default true: a regular grid, gaps visible as NaN).
    pub fn fill_gaps(mut self, fill: bool) -> Self {
        self.fill_gaps = fill;
        self
    }

    /// The most periods a result may have (default 10 000 000); past it
    /// [`Error::TooLarge`] is returned instead of allocating.
    pub fn max_periods(mut self, limit: usize) -> Self {
        self.max_periods = limit;
        self
    }

    /// Period number of an instant (floor division, exact in i128).
    fn period_of(&self, t: i64) -> i128 {
        (i128::from(t) - i128::from(self.origin)).div_euclid(i128::from(self.period))
    }

    /// Start of period `k`, if it is a representable instant.
    fn start_of(&self, k: i128) -> Option<i64> {
        i64::try_from(i128::from(self.origin) + k * i128::from(self.period)).ok()
    }

    /// The periods of the result and each row's period position.
    fn layout(&self, frame: &Frame) -> Result<(Vec<i64>, Vec<usize>)> {
        let keys: Vec<i128> = frame
            .index_ns()
            .iter()
            .map(|&t| self.period_of(t))
            .collect();
        let (Some(&lo), Some(&hi)) = (keys.iter().min(), keys.iter().max()) else {
            return Ok((Vec::new(), Vec::new()));
        };
        let periods: Vec<i128> = if self.fill_gaps {
            let count = (hi - lo + 1) as u128;
            if count > self.max_periods as u128 {
                return Err(Error::TooLarge {
                    what: "resampled periods",
                    requested: count,
                    limit: self.max_periods as u128,
                });
            }
            (lo..=hi).collect()
        } else {
            let mut distinct = keys.clone();
            distinct.sort_unstable();
            distinct.dedup();
            if distinct.len() > self.max_periods {
                return Err(Error::TooLarge {
                    what: "resampled periods",
                    requested: distinct.len() as u128,
                    limit: self.max_periods as u128,
                });
            }
            distinct
        };
        let mut starts = Vec::with_capacity(periods.len());
        for &k in &periods {
            // A period of a representable instant starts at most one period
            // before it; only the very first can fall off the range.
            starts.push(self.start_of(k).ok_or(Error::TimeRange {
                what: "period start before 1677-09-21",
            })?);
        }
        let slot = keys
            .iter()
            .map(|k| {
                if self.fill_gaps {
                    (k - lo) as usize
                } else {
                    periods.partition_point(|p| p < k)
                }
            })
            .collect();
        Ok((starts, slot))
    }

    /// One frame: each column aggregated over each period. Tags are kept.
    pub fn apply(&self, frame: &Frame, aggregation: Aggregation) -> Result<Frame> {
        let mut v = self.apply_many(frame, &[aggregation])?;
        Ok(v.pop().unwrap_or_default())
    }

    /// One frame per aggregation, sharing the period layout (cheaper than
    /// calling [`apply`](Self::apply) for each).
    pub fn apply_many(&self, frame: &Frame, aggregations: &[Aggregation]) -> Result<Vec<Frame>> {
        let (starts, slot) = self.layout(frame)?;
        // Rows in time order, so that First and Last mean what they say.
        let order = frame.sorted_order();
        let n = starts.len();
        let mut outs: Vec<Frame> = aggregations
            .iter()
            .map(|_| Frame {
                index: starts.clone(),
                tags: frame.tags.clone(),
                ..Frame::default()
            })
            .collect();
        let mut sum = vec![0.0f64; n];
        let mut count = vec![0usize; n];
        let mut min = vec![f64::NAN; n];
        let mut max = vec![f64::NAN; n];
        let mut first = vec![f64::NAN; n];
        let mut last = vec![f64::NAN; n];
        for (name, values) in frame.columns() {
            sum.fill(0.0);
            count.fill(0);
            min.fill(f64::NAN);
            max.fill(f64::NAN);
            first.fill(f64::NAN);
            last.fill(f64::NAN);
            for &row in &order {
                let v = values[row];
                if v.is_nan() {
                    continue;
                }
                let s = slot[row];
                sum[s] += v;
                count[s] += 1;
                // f64::min/max ignore a NaN operand, so the NaN start works.
                min[s] = min[s].min(v);
                max[s] = max[s].max(v);
                if first[s].is_nan() {
                    first[s] = v;
                }
                last[s] = v;
            }
            for (out, agg) in outs.iter_mut().zip(aggregations) {
                let col: Vec<f64> = match agg {
                    Aggregation::Mean => (0..n)
                        .map(|s| {
                            if count[s] == 0 {
                                f64::NAN
                            } else {
                                sum[s] / count[s] as f64
                            }
                        })
                        .collect(),
                    Aggregation::Sum => (0..n)
                        .map(|s| if count[s] == 0 { f64::NAN } else { sum[s] })
                        .collect(),
                    Aggregation::Count => count.iter().map(|&c| c as f64).collect(),
                    Aggregation::Max => max.clone(),
                    Aggregation::Min => min.clone(),
                    Aggregation::First => first.clone(),
                    Aggregation::Last => last.clone(),
                };
                out.insert_unchecked(name.to_string(), col);
            }
        }
        Ok(outs)
    }
}

impl Frame {
    /// Resamples into periods of `period` aligned to the epoch, with empty
    /// periods filled with NaN; see [`Resample`] for the other settings.
    pub fn resample(&self, period: Duration, aggregation: Aggregation) -> Result<Frame> {
        Resample::new(period)?.apply(self, aggregation)
    }
}
