//! [`Frame`]: a columnar, time-indexed table of `f64` series.
//!
//! Every workflow ends up with the same shape of data: samples at instants,
//! one series per counter (T4 columns, SNMP objects, capture statistics).
//! A frame stores that column by column — one `Vec<f64>` per series, or
//! ranges of one [`Slab`] that a reader filled, the index as `i64`
//! nanoseconds — so that a column can be borrowed as a plain
//! `&[f64]` (Python wraps it without copying) and whole-column operations
//! run over contiguous memory. NaN means "no sample".
//!
//! | operation | where |
//! | --- | --- |
//! | build, append rows and columns, borrow | [`Frame`] |
//! | select columns by regex with exclusions | [`ColumnSelector`], [`Frame::select`] |
//! | outer-union merge, first wins (t4Monitor's rule) | [`Frame::merge_union`] |
//! | tolerance-aligned merge (nearest sample) | [`Frame::merge_nearest`] |
//! | fixed-period mean, max, … | [`Resample`], [`Frame::resample`] |

mod merge;
mod resample;
mod select;
mod slab;

pub use resample::{Aggregation, Resample};
pub use select::ColumnSelector;
pub use slab::Slab;

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crate::error::{Error, Result};
use crate::time::Timestamp;
use slab::Column;

/// The most cells (rows × columns, over all frames returned) one merge or
/// resampling may produce: 2³¹ cells are 16 GiB of `f64`. Past it the
/// operation fails with [`Error::TooLarge`] instead of exhausting memory.
pub const MAX_CELLS: u128 = 1 << 31;

/// Fails with [`Error::TooLarge`] when `cells` exceeds [`MAX_CELLS`].
fn check_cells(what: &'static str, cells: u128) -> Result<()> {
    if cells > MAX_CELLS {
        return Err(Error::TooLarge {
            what,
            requested: cells,
            limit: MAX_CELLS,
        });
    }
    Ok(())
}

/// Labels that say whose data a frame holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tags {
    /// The monitored system (an SMSC, a router): t4Monitor's settings
    /// section name, a poller's target.
    pub system: Option<String>,
    /// The node within the system (an OpenVMS cluster member).
    pub node: Option<String>,
    /// Anything else worth keeping (hardware, sample interval …).
    pub extra: BTreeMap<String, String>,
}

impl Tags {
    /// Tags for a system.
    pub fn system(name: impl Into<String>) -> Self {
        Tags {
            system: Some(name.into()),
            ..Tags::default()
        }
    }

    /// Fills the fields this one lacks from `other` (this one wins).
    pub fn fill_from(&mut self, other: &Tags) {
        if self.system.is_none() {
            self.system.clone_from(&other.system);
        }
        if self.node.is_none() {
            self.node.clone_from(&other.node);
        }
        for (k, v) in &other.extra {
            self.extra.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
}

/// Summary of one column, NaNs left out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColumnStats {
    /// Values that are not NaN.
    pub count: usize,
    /// Smallest value (NaN when `count` is 0).
    pub min: f64,
    /// Largest value (NaN when `count` is 0).
    pub max: f64,
    /// Arithmetic mean (NaN when `count` is 0).
    pub mean: f64,
}

impl ColumnStats {
    /// Statistics of a slice of values.
    pub fn of(values: &[f64]) -> Self {
        let mut count = 0usize;
        let mut sum = 0.0;
        let mut min = f64::INFINITY;
        let mut max = f64::NEG_INFINITY;
        for &v in values.iter().filter(|v| !v.is_nan()) {
            count += 1;
            sum += v;
            min = min.min(v);
            max = max.max(v);
        }
        if count == 0 {
            return ColumnStats {
                count,
                min: f64::NAN,
                max: f64::NAN,
                mean: f64::NAN,
            };
        }
        ColumnStats {
            count,
            min,
            max,
            mean: sum / count as f64,
        }
    }
}

/// A frame taken apart by [`Frame::into_parts`]: the index (ns), the
/// named columns in order, the tags.
pub type FrameParts = (Vec<i64>, Vec<(String, Vec<f64>)>, Tags);

/// A columnar, time-indexed table of `f64` series with named columns.
///
/// * Rows are samples; the index holds one [`Timestamp`] per row (stored as
///   `i64` nanoseconds). Rows keep the order they were added in; merges and
///   resampling give sorted frames, and [`Frame::sort_by_time`] sorts.
///   Duplicate timestamps are allowed.
/// * Columns have unique, case-sensitive names and hold exactly one value
///   per row; NaN means missing.
/// * [`Tags`] say which system and node the data belong to.
///
/// Every operation checks its input and returns an error rather than
/// panicking; there is no way to build a frame whose columns disagree in
/// length.
///
/// ```
/// use netmon_core::{Frame, Timestamp};
/// let mut f = Frame::with_columns(["Cpu Busy", "Direct I/O Rate"])?;
/// f.push_row("2015-11-19 00:02:00".parse()?, &[12.5, 300.0])?;
/// f.push_row("2015-11-19 00:03:00".parse()?, &[f64::NAN, 310.0])?;
/// assert_eq!(f.column("Direct I/O Rate"), Some(&[300.0, 310.0][..]));
/// assert_eq!(f.len(), 2);
/// # Ok::<(), netmon_core::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct Frame {
    index: Vec<i64>,
    names: Vec<String>,
    columns: Vec<Column>,
    lookup: HashMap<String, usize>,
    tags: Tags,
}

impl Frame {
    /// An empty frame: no rows, no columns.
    pub fn new() -> Self {
        Frame::default()
    }

    /// A frame with these columns and no rows. Names must be unique.
    pub fn with_columns<I, S>(names: I) -> Result<Self>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut f = Frame::new();
        for name in names {
            f.add_column(name, Vec::new())?;
        }
        Ok(f)
    }

    /// A frame from an index and named columns, each of the index's length.
    pub fn from_columns<S: Into<String>>(
        index: Vec<i64>,
        columns: impl IntoIterator<Item = (S, Vec<f64>)>,
    ) -> Result<Self> {
        let mut f = Frame {
            index,
            ..Frame::default()
        };
        for (name, values) in columns {
            f.add_column(name, values)?;
        }
        Ok(f)
    }

    /// A frame whose columns share one [`Slab`]: column `i` is the
    /// index's length of values from `i * stride`. Names must be unique,
    /// `stride` at least the number of rows, and the slab long enough.
    /// Reading the columns borrows the slab; changing one copies it out.
    ///
    /// ```
    /// use netmon_core::{Frame, Slab};
    /// let mut slab = Slab::zeroed(2 * 3);
    /// slab.as_mut_slice()[..2].copy_from_slice(&[1.0, 2.0]);
    /// slab.as_mut_slice()[3..5].copy_from_slice(&[3.0, 4.0]);
    /// let f = Frame::from_slab(vec![10, 20], ["a", "b"], slab, 3)?;
    /// assert_eq!(f.column("b"), Some(&[3.0, 4.0][..]));
    /// # Ok::<(), netmon_core::Error>(())
    /// ```
    pub fn from_slab<S: Into<String>>(
        index: Vec<i64>,
        names: impl IntoIterator<Item = S>,
        slab: Slab,
        stride: usize,
    ) -> Result<Self> {
        let rows = index.len();
        let names: Vec<String> = names.into_iter().map(Into::into).collect();
        let needed = names.len().checked_mul(stride);
        if stride < rows || needed.is_none_or(|n| n > slab.len()) {
            return Err(Error::ColumnLength {
                name: names.first().cloned().unwrap_or_default(),
                expected: rows,
                found: if stride < rows {
                    stride
                } else {
                    slab.len() / names.len().max(1)
                },
            });
        }
        let slab = std::sync::Arc::new(slab);
        let mut f = Frame {
            index,
            ..Frame::default()
        };
        for (i, name) in names.into_iter().enumerate() {
            if f.lookup.contains_key(&name) {
                return Err(Error::DuplicateColumn { name });
            }
            f.lookup.insert(name.clone(), i);
            f.names.push(name);
            f.columns
                .push(Column::shared(slab.clone(), i * stride, rows));
        }
        Ok(f)
    }

    /// How many columns still read from a shared [`Slab`] (see
    /// [`Frame::from_slab`]); the others own their values.
    pub fn slab_columns(&self) -> usize {
        self.columns.iter().filter(|c| c.is_shared()).count()
    }

    /// Sets the tags, builder style.
    pub fn with_tags(mut self, tags: Tags) -> Self {
        self.tags = tags;
        self
    }

    /// The tags.
    pub fn tags(&self) -> &Tags {
        &self.tags
    }

    /// The tags, to change them.
    pub fn tags_mut(&mut self) -> &mut Tags {
        &mut self.tags
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// True when the frame has no rows.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Number of columns.
    pub fn width(&self) -> usize {
        self.names.len()
    }

    /// Column names, in column order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The index as nanoseconds since the epoch: one per row, borrowed.
    pub fn index_ns(&self) -> &[i64] {
        &self.index
    }

    /// The timestamp of a row.
    pub fn timestamp(&self, row: usize) -> Option<Timestamp> {
        self.index.get(row).copied().map(Timestamp::from_nanos)
    }

    /// The index as timestamps.
    pub fn timestamps(&self) -> impl ExactSizeIterator<Item = Timestamp> + '_ {
        self.index.iter().copied().map(Timestamp::from_nanos)
    }

    /// The earliest and latest timestamps, if there are rows.
    pub fn time_range(&self) -> Option<(Timestamp, Timestamp)> {
        let min = self.index.iter().min()?;
        let max = self.index.iter().max()?;
        Some((Timestamp::from_nanos(*min), Timestamp::from_nanos(*max)))
    }

    /// The column names of several frames, each once, in order of first
    /// appearance (the columns a merge or a common file of them has).
    pub fn union_names<'a>(frames: &[&'a Frame]) -> Vec<&'a str> {
        merge::union_names(frames)
    }

    /// Position of a column by exact name.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.lookup.get(name).copied()
    }

    /// True when the frame has a column of that exact name.
    pub fn has_column(&self, name: &str) -> bool {
        self.lookup.contains_key(name)
    }

    /// A column by exact name, borrowed: one value per row.
    pub fn column(&self, name: &str) -> Option<&[f64]> {
        self.position(name).and_then(|i| self.column_at(i))
    }

    /// A column by position, borrowed.
    pub fn column_at(&self, i: usize) -> Option<&[f64]> {
        self.columns.get(i).map(Column::as_slice)
    }

    /// A column by exact name, to change its values in place (a column
    /// that shares a [`Slab`] is first copied out of it).
    pub fn column_mut(&mut self, name: &str) -> Option<&mut [f64]> {
        let i = self.position(name)?;
        self.columns.get_mut(i).map(|c| c.make_mut().as_mut_slice())
    }

    /// Every column with its name, in order.
    pub fn columns(&self) -> impl ExactSizeIterator<Item = (&str, &[f64])> + '_ {
        self.names
            .iter()
            .map(String::as_str)
            .zip(self.columns.iter().map(Column::as_slice))
    }

    /// One value.
    pub fn value(&self, row: usize, name: &str) -> Option<f64> {
        self.column(name)?.get(row).copied()
    }

    /// One row's values, in column order.
    pub fn row(&self, row: usize) -> Option<Vec<f64>> {
        if row >= self.len() {
            return None;
        }
        Some(self.columns.iter().map(|c| c.as_slice()[row]).collect())
    }

    /// Statistics of a column (NaNs left out).
    pub fn stats(&self, name: &str) -> Option<ColumnStats> {
        self.column(name).map(ColumnStats::of)
    }

    /// Room for `rows` more rows without reallocating.
    pub fn reserve(&mut self, rows: usize) {
        self.index.reserve(rows);
        for c in &mut self.columns {
            c.make_mut().reserve(rows);
        }
    }

    /// Appends a row: one value per column, in column order.
    pub fn push_row(&mut self, time: Timestamp, values: &[f64]) -> Result<()> {
        if values.len() != self.columns.len() {
            return Err(Error::RowLength {
                row: self.len(),
                expected: self.columns.len(),
                found: values.len(),
            });
        }
        self.index.push(time.as_nanos());
        for (c, v) in self.columns.iter_mut().zip(values) {
            c.make_mut().push(*v);
        }
        Ok(())
    }

    /// Appends a row given as `(column, value)` pairs: columns not named get
    /// NaN, names not yet in the frame become new columns (NaN in earlier
    /// rows). A name given twice keeps its first value.
    pub fn push_record<'a>(
        &mut self,
        time: Timestamp,
        values: impl IntoIterator<Item = (&'a str, f64)>,
    ) {
        let row = self.len();
        self.index.push(time.as_nanos());
        for c in &mut self.columns {
            c.make_mut().push(f64::NAN);
        }
        for (name, v) in values {
            let i = match self.position(name) {
                Some(i) => i,
                None => self.insert_unchecked(name.to_string(), vec![f64::NAN; row + 1]),
            };
            let cell = &mut self.columns[i].make_mut()[row];
            if cell.is_nan() {
                *cell = v;
            }
        }
    }

    /// Adds a column at the end. It must hold one value per row.
    pub fn add_column(&mut self, name: impl Into<String>, values: Vec<f64>) -> Result<()> {
        let name = name.into();
        if self.lookup.contains_key(&name) {
            return Err(Error::DuplicateColumn { name });
        }
        if values.len() != self.len() {
            return Err(Error::ColumnLength {
                name,
                expected: self.len(),
                found: values.len(),
            });
        }
        self.insert_unchecked(name, values);
        Ok(())
    }

    /// Adds a column, or replaces the values of an existing one.
    pub fn set_column(&mut self, name: impl Into<String>, values: Vec<f64>) -> Result<()> {
        let name = name.into();
        match self.position(&name) {
            Some(i) if values.len() == self.len() => {
                self.columns[i] = values.into();
                Ok(())
            }
            Some(_) => Err(Error::ColumnLength {
                name,
                expected: self.len(),
                found: values.len(),
            }),
            None => self.add_column(name, values),
        }
    }

    fn insert_unchecked(&mut self, name: String, values: Vec<f64>) -> usize {
        let i = self.names.len();
        self.lookup.insert(name.clone(), i);
        self.names.push(name);
        self.columns.push(values.into());
        i
    }

    /// Removes a column and gives its values back.
    pub fn remove_column(&mut self, name: &str) -> Option<Vec<f64>> {
        let i = self.lookup.remove(name)?;
        self.names.remove(i);
        let values = self.columns.remove(i).into_vec();
        for pos in self.lookup.values_mut() {
            if *pos > i {
                *pos -= 1;
            }
        }
        Some(values)
    }

    /// Renames a column. Fails when `to` is taken; `false` when `from` is
    /// not there.
    pub fn rename_column(&mut self, from: &str, to: impl Into<String>) -> Result<bool> {
        let to = to.into();
        let Some(i) = self.position(from) else {
            return Ok(false);
        };
        if from == to {
            return Ok(true);
        }
        if self.lookup.contains_key(&to) {
            return Err(Error::DuplicateColumn { name: to });
        }
        self.lookup.remove(from);
        self.lookup.insert(to.clone(), i);
        self.names[i] = to;
        Ok(true)
    }

    /// True when the index never goes backwards.
    pub fn is_sorted(&self) -> bool {
        self.index.windows(2).all(|w| w[0] <= w[1])
    }

    /// Sorts rows by time, keeping the order of rows with equal timestamps.
    pub fn sort_by_time(&mut self) {
        if self.is_sorted() {
            return;
        }
        let order = self.sorted_order();
        self.index = order.iter().map(|&i| self.index[i]).collect();
        for c in &mut self.columns {
            let values = c.as_slice();
            *c = order
                .iter()
                .map(|&i| values[i])
                .collect::<Vec<f64>>()
                .into();
        }
    }

    /// Row positions in time order (stable).
    pub(crate) fn sorted_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.len()).collect();
        if !self.is_sorted() {
            order.sort_by_key(|&i| self.index[i]);
        }
        order
    }

    /// A frame of the rows whose time is in `[start, end)`, in their order.
    pub fn slice_time(&self, start: Timestamp, end: Timestamp) -> Frame {
        let keep: Vec<usize> = (0..self.len())
            .filter(|&i| (start.as_nanos()..end.as_nanos()).contains(&self.index[i]))
            .collect();
        self.take_rows(&keep)
    }

    /// A frame of the given rows (positions must be in range), same columns.
    pub(crate) fn take_rows(&self, rows: &[usize]) -> Frame {
        Frame {
            index: rows.iter().map(|&i| self.index[i]).collect(),
            names: self.names.clone(),
            columns: self
                .columns
                .iter()
                .map(|c| {
                    let values = c.as_slice();
                    rows.iter().map(|&i| values[i]).collect::<Vec<f64>>().into()
                })
                .collect(),
            lookup: self.lookup.clone(),
            tags: self.tags.clone(),
        }
    }

    /// Appends the rows of `other` below this frame's (a vertical concat,
    /// as for the blocks of a glued T4 file). Columns are matched by name;
    /// columns only one side has are NaN in the other side's rows.
    pub fn append(&mut self, other: &Frame) {
        let before = self.len();
        let added = other.len();
        self.index.extend_from_slice(&other.index);
        for c in &mut self.columns {
            c.make_mut().resize(before + added, f64::NAN);
        }
        for (name, values) in other.columns() {
            let i = match self.position(name) {
                Some(i) => i,
                None => self.insert_unchecked(name.to_string(), vec![f64::NAN; before + added]),
            };
            self.columns[i].make_mut()[before..].copy_from_slice(values);
        }
        self.tags.fill_from(&other.tags);
    }

    /// Takes the frame apart: the index, the named columns in column
    /// order, and the tags. Consumers that hand the values on (to NumPy,
    /// to Arrow) move them out instead of copying; only columns that share
    /// a [`Slab`] are copied out of it.
    ///
    /// ```
    /// use netmon_core::Frame;
    /// let f = Frame::from_columns(vec![0, 1], [("a", vec![1.0, 2.0])])?;
    /// let (index, columns, _tags) = f.into_parts();
    /// assert_eq!(index, [0, 1]);
    /// assert_eq!(columns, [("a".to_string(), vec![1.0, 2.0])]);
    /// # Ok::<(), netmon_core::Error>(())
    /// ```
    pub fn into_parts(self) -> FrameParts {
        let columns = self
            .names
            .into_iter()
            .zip(self.columns.into_iter().map(Column::into_vec))
            .collect();
        (self.index, columns, self.tags)
    }

    /// Bytes held by the index and the values (names and tags not counted).
    pub fn data_bytes(&self) -> usize {
        8 * (self.index.len() + self.columns.iter().map(Column::len).sum::<usize>())
    }

    /// Writes the frame as CSV: a `time` column in RFC 3339, then one
    /// column per series, NaN as an empty cell, floats in their shortest
    /// round-trip form. Names with a comma, quote or line break are quoted.
    pub fn write_csv<W: std::io::Write>(&self, mut out: W) -> std::io::Result<()> {
        let mut line = String::from("time");
        for name in &self.names {
            line.push(',');
            push_csv_field(&mut line, name);
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
        for row in 0..self.len() {
            line.clear();
            use fmt::Write;
            let _ = write!(line, "{}", Timestamp::from_nanos(self.index[row]));
            for c in &self.columns {
                line.push(',');
                let v = c.as_slice()[row];
                if !v.is_nan() {
                    let _ = write!(line, "{v}");
                }
            }
            line.push('\n');
            out.write_all(line.as_bytes())?;
        }
        Ok(())
    }
}

/// Appends a CSV field, quoted only when it holds a comma, a quote or a
/// line break (as Python's `csv` module and pandas write them).
pub fn push_csv_field(line: &mut String, field: &str) {
    if field.contains([',', '"', '\n', '\r']) {
        line.push('"');
        line.push_str(&field.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(field);
    }
}

/// Frames are equal when they have the same tags, index, names in the same
/// order, and values — NaN equal to NaN (a missing sample equals a missing
/// sample), as pandas' `DataFrame.equals` does.
impl PartialEq for Frame {
    fn eq(&self, other: &Self) -> bool {
        self.tags == other.tags
            && self.index == other.index
            && self.names == other.names
            && self.columns.iter().zip(&other.columns).all(|(a, b)| {
                let (a, b) = (a.as_slice(), b.as_slice());
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|(x, y)| x == y || (x.is_nan() && y.is_nan()))
            })
    }
}

impl fmt::Debug for Frame {
    /// The shape, tags, time range and first column names: a frame can be
    /// millions of cells, so the values are not printed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: Vec<&str> = self.names.iter().take(8).map(String::as_str).collect();
        f.debug_struct("Frame")
            .field("rows", &self.len())
            .field("columns", &self.width())
            .field("tags", &self.tags)
            .field("time_range", &self.time_range())
            .field("names", &shown)
            .finish()
    }
}

impl fmt::Display for Frame {
    /// A text table of the first 10 rows and 6 columns.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const ROWS: usize = 10;
        const COLS: usize = 6;
        write!(f, "{:<24}", "time")?;
        for name in self.names.iter().take(COLS) {
            let short: String = name.chars().take(16).collect();
            write!(f, " {short:>16}")?;
        }
        if self.width() > COLS {
            write!(f, " … (+{} columns)", self.width() - COLS)?;
        }
        writeln!(f)?;
        for row in 0..self.len().min(ROWS) {
            write!(
                f,
                "{:<24}",
                Timestamp::from_nanos(self.index[row]).to_string()
            )?;
            for c in self.columns.iter().take(COLS) {
                write!(f, " {:>16.4}", c.as_slice()[row])?;
            }
            writeln!(f)?;
        }
        if self.len() > ROWS {
            writeln!(f, "… (+{} rows)", self.len() - ROWS)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
