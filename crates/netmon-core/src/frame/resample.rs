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
    /// [`Error::TooLarge`] is returned instead of allocating. Independently,
    /// periods × columns × aggregations may not exceed
    /// [`MAX_CELLS`](super::MAX_CELLS).
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
    ///
    /// `cells_per_period` (columns × aggregations) bounds the result before
    /// anything is allocated.
    fn layout(&self, frame: &Frame, cells_per_period: u128) -> Result<(Vec<i64>, Vec<usize>)> {
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
            super::check_cells("resampled cells", count * cells_per_period.max(1))?;
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
        let cells_per_period = frame.width() as u128 * aggregations.len() as u128;
        let (starts, slot) = self.layout(frame, cells_per_period)?;
        super::check_cells("resampled cells", starts.len() as u128 * cells_per_period)?;
        // First and Last need rows in time order; the other aggregations
        // do not care, and sorted frames (the usual case) need no reorder.
        let order = (!frame.is_sorted()).then(|| frame.sorted_order());
        let mut outs: Vec<Frame> = aggregations
            .iter()
            .map(|_| Frame {
                index: starts.clone(),
                tags: frame.tags.clone(),
                ..Frame::default()
            })
            .collect();
        let n = starts.len();
        // Sorted rows fall into runs of one period each: reduce each run in
        // registers rather than through the period array.
        let runs = order.is_none().then(|| period_runs(&slot));
        for (name, values) in frame.columns() {
            for (out, &agg) in outs.iter_mut().zip(aggregations) {
                let col = match &runs {
                    Some(runs) => aggregate_runs(values, runs, n, agg),
                    None => aggregate(values, &slot, order.as_deref(), n, agg),
                };
                out.insert_unchecked(name.to_string(), col);
            }
        }
        Ok(outs)
    }
}

/// Consecutive rows with the same period: `(period, rows)`.
fn period_runs(slot: &[usize]) -> Vec<(usize, std::ops::Range<usize>)> {
    let mut runs = Vec::new();
    let mut start = 0;
    for i in 1..=slot.len() {
        if i == slot.len() || slot[i] != slot[start] {
            runs.push((slot[start], start..i));
            start = i;
        }
    }
    runs
}

/// Sum and count of the non-NaN values, four independent lanes so that the
/// additions do not wait on each other.
fn sum_count(values: &[f64]) -> (f64, u32) {
    let mut sum = [0.0f64; 4];
    let mut count = [0u32; 4];
    let mut chunks = values.chunks_exact(4);
    for chunk in &mut chunks {
        for lane in 0..4 {
            let v = chunk[lane];
            let ok = !v.is_nan();
            sum[lane] += if ok { v } else { 0.0 };
            count[lane] += u32::from(ok);
        }
    }
    for &v in chunks.remainder() {
        if !v.is_nan() {
            sum[0] += v;
            count[0] += 1;
        }
    }
    ((sum[0] + sum[1]) + (sum[2] + sum[3]), count.iter().sum())
}

/// Largest (or smallest) non-NaN value, NaN if none; four lanes.
fn extreme(values: &[f64], max: bool) -> f64 {
    let pick = |a: f64, b: f64| if max { a.max(b) } else { a.min(b) };
    let mut lanes = [f64::NAN; 4];
    let mut chunks = values.chunks_exact(4);
    for chunk in &mut chunks {
        for lane in 0..4 {
            lanes[lane] = pick(lanes[lane], chunk[lane]);
        }
    }
    let mut out = pick(pick(lanes[0], lanes[1]), pick(lanes[2], lanes[3]));
    for &v in chunks.remainder() {
        out = pick(out, v);
    }
    out
}

/// [`aggregate`] for sorted rows, given their period runs.
fn aggregate_runs(
    values: &[f64],
    runs: &[(usize, std::ops::Range<usize>)],
    n: usize,
    agg: Aggregation,
) -> Vec<f64> {
    let mut out = vec![
        if agg == Aggregation::Count {
            0.0
        } else {
            f64::NAN
        };
        n
    ];
    for (s, rows) in runs {
        let (Some(cell), Some(run)) = (out.get_mut(*s), values.get(rows.clone())) else {
            continue;
        };
        *cell = match agg {
            Aggregation::Mean | Aggregation::Sum | Aggregation::Count => {
                let (sum, count) = sum_count(run);
                match agg {
                    Aggregation::Count => f64::from(count),
                    _ if count == 0 => f64::NAN,
                    Aggregation::Mean => sum / f64::from(count),
                    _ => sum,
                }
            }
            Aggregation::Max => extreme(run, true),
            Aggregation::Min => extreme(run, false),
            Aggregation::First => run
                .iter()
                .copied()
                .find(|v| !v.is_nan())
                .unwrap_or(f64::NAN),
            Aggregation::Last => run
                .iter()
                .copied()
                .rfind(|v| !v.is_nan())
                .unwrap_or(f64::NAN),
        };
    }
    out
}

/// One aggregation of one column into `n` periods; `slot[row]` is the
/// row's period, `order` the rows in time order when they are not sorted.
fn aggregate(
    values: &[f64],
    slot: &[usize],
    order: Option<&[usize]>,
    n: usize,
    agg: Aggregation,
) -> Vec<f64> {
    let valid = || values.iter().zip(slot).filter(|(v, _)| !v.is_nan());
    match agg {
        Aggregation::Mean | Aggregation::Sum | Aggregation::Count => {
            let mut sum = vec![0.0f64; n];
            let mut count = vec![0u32; n];
            for (&v, &s) in valid() {
                if let (Some(total), Some(c)) = (sum.get_mut(s), count.get_mut(s)) {
                    *total += v;
                    *c += 1;
                }
            }
            sum.iter()
                .zip(&count)
                .map(|(&total, &c)| match agg {
                    Aggregation::Count => f64::from(c),
                    _ if c == 0 => f64::NAN,
                    Aggregation::Mean => total / f64::from(c),
                    _ => total,
                })
                .collect()
        }
        Aggregation::Max | Aggregation::Min => {
            // f64::max/min ignore a NaN operand, so the NaN start works.
            let mut out = vec![f64::NAN; n];
            for (&v, &s) in valid() {
                if let Some(cell) = out.get_mut(s) {
                    *cell = if agg == Aggregation::Max {
                        cell.max(v)
                    } else {
                        cell.min(v)
                    };
                }
            }
            out
        }
        Aggregation::First | Aggregation::Last => {
            let mut out = vec![f64::NAN; n];
            let mut put = |row: usize| {
                let (Some(&v), Some(&s)) = (values.get(row), slot.get(row)) else {
                    return;
                };
                if let Some(cell) = out.get_mut(s)
                    && !v.is_nan()
                    && (agg == Aggregation::Last || cell.is_nan())
                {
                    *cell = v;
                }
            };
            match order {
                Some(order) => order.iter().for_each(|&row| put(row)),
                None => (0..values.len()).for_each(put),
            }
            out
        }
    }
}

impl Frame {
    /// Resamples into periods of `period` aligned to the epoch, with empty
    /// periods filled with NaN; see [`Resample`] for the other settings.
    pub fn resample(&self, period: Duration, aggregation: Aggregation) -> Result<Frame> {
        Resample::new(period)?.apply(self, aggregation)
    }
}
