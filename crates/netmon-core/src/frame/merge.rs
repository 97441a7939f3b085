//! Merging frames: the outer union t4Monitor does (first frame wins), and a
//! tolerance-aligned merge that puts samples taken a little apart on one
//! row.

use std::time::Duration;

use super::Frame;
use crate::error::Result;
use crate::time::duration_nanos;

use super::check_cells;

/// Column names of all frames, in order of first appearance.
pub(super) fn union_names<'a>(frames: &[&'a Frame]) -> Vec<&'a str> {
    let mut seen = std::collections::HashSet::new();
    let mut names = Vec::new();
    for f in frames {
        for n in f.names() {
            if seen.insert(n.as_str()) {
                names.push(n.as_str());
            }
        }
    }
    names
}

impl Frame {
    /// Outer union of frames, the way t4Monitor folds the files of one
    /// system with pandas' `combine_first`.
    ///
    /// * Rows: the sorted union of all timestamps, one row per distinct
    ///   timestamp.
    /// * Columns: the union of names, in order of first appearance.
    /// * Values: for each cell, the first frame (in slice order, then row
    ///   order) with a non-NaN value there wins; cells nobody has are NaN.
    /// * Tags: the first frame's, completed from the others'.
    ///
    /// Files of one node sampled on slightly different clocks share few
    /// timestamps, which leaves many cells empty;
    /// [`merge_nearest`](Frame::merge_nearest) aligns them instead.
    ///
    /// Fails only with [`Error::TooLarge`](crate::Error::TooLarge) when the result would exceed
    /// [`MAX_CELLS`](super::MAX_CELLS).
    pub fn merge_union(frames: &[&Frame]) -> Result<Frame> {
        let mut index: Vec<i64> = frames
            .iter()
            .flat_map(|f| f.index_ns().iter().copied())
            .collect();
        index.sort_unstable();
        index.dedup();
        let names = union_names(frames);
        check_cells(
            "merged frame cells",
            index.len() as u128 * names.len() as u128,
        )?;

        // Where each input row lands.
        let targets: Vec<Vec<usize>> = frames
            .iter()
            .map(|f| {
                f.index_ns()
                    .iter()
                    .map(|t| index.partition_point(|x| x < t))
                    .collect()
            })
            .collect();

        let mut out = Frame {
            index,
            ..Frame::default()
        };
        for name in names {
            let mut col = vec![f64::NAN; out.len()];
            for (f, target) in frames.iter().zip(&targets) {
                if let Some(values) = f.column(name) {
                    fill_missing(&mut col, target, values);
                }
            }
            out.insert_unchecked(name.to_string(), col);
        }
        out.tags = merged_tags(frames);
        Ok(out)
    }

    /// Tolerance-aligned outer merge: samples of different frames no more
    /// than `tolerance` apart share one row.
    ///
    /// Frames are folded left to right. The first frame's rows (sorted by
    /// time) are the reference. Each row of the next frame goes to the
    /// nearest reference row within `tolerance` (ties to the earlier one);
    /// a reference row takes at most one row from each frame — the nearest,
    /// the earliest on ties — and a row that finds no place becomes a row of
    /// its own, so no sample is dropped. Matched rows keep the reference
    /// timestamp. Cells both sides have keep the earlier frame's value
    /// (first wins, as in [`merge_union`](Frame::merge_union)); the grown
    /// result is the reference for the frame after.
    ///
    /// With a tolerance of zero, rows match only on equal timestamps.
    pub fn merge_nearest(frames: &[&Frame], tolerance: Duration) -> Result<Frame> {
        let tol = duration_nanos(tolerance, "merge tolerance")?;
        let Some((first, rest)) = frames.split_first() else {
            return Ok(Frame::new());
        };
        let rows: usize = frames.iter().map(|f| f.len()).sum();
        check_cells(
            "merged frame cells",
            rows as u128 * union_names(frames).len() as u128,
        )?;
        let mut acc = (*first).clone();
        acc.sort_by_time();
        for f in rest {
            acc = nearest_step(acc, f, tol);
        }
        acc.tags = merged_tags(frames);
        Ok(acc)
    }
}

/// Writes `values[i]` into `col[target[i]]` where that cell is still NaN.
fn fill_missing(col: &mut [f64], target: &[usize], values: &[f64]) {
    for (&t, &v) in target.iter().zip(values) {
        if let Some(cell) = col.get_mut(t)
            && cell.is_nan()
        {
            *cell = v;
        }
    }
}

fn merged_tags(frames: &[&Frame]) -> super::Tags {
    let mut tags = super::Tags::default();
    for f in frames {
        tags.fill_from(f.tags());
    }
    tags
}

/// Index of the nearest element of sorted `index` to `t` within `tol`, ties
/// to the earlier, with the distance.
fn nearest(index: &[i64], t: i64, tol: i64) -> Option<(usize, u64)> {
    let k = index.partition_point(|&x| x < t);
    let mut best: Option<(usize, u64)> = None;
    for i in [k.checked_sub(1), Some(k)].into_iter().flatten() {
        if let Some(&x) = index.get(i) {
            let d = x.abs_diff(t);
            if d <= tol.unsigned_abs() && best.is_none_or(|(_, bd)| d < bd) {
                best = Some((i, d));
            }
        }
    }
    best
}

/// One fold of [`Frame::merge_nearest`]: `acc` is sorted, `b` need not be.
fn nearest_step(acc: Frame, b: &Frame, tol: i64) -> Frame {
    let a_index = acc.index_ns();
    let order = b.sorted_order();

    // Nearest reference row of each row of b (in time order), and the row
    // of b each reference row keeps.
    let mut candidate: Vec<Option<(usize, u64)>> = Vec::with_capacity(order.len());
    let mut keeps: Vec<Option<(usize, u64)>> = vec![None; a_index.len()];
    for (pos, &j) in order.iter().enumerate() {
        let c = nearest(a_index, b.index[j], tol);
        if let Some((i, d)) = c
            && keeps[i].is_none_or(|(_, kd)| d < kd)
        {
            keeps[i] = Some((pos, d));
        }
        candidate.push(c);
    }

    // The new index: reference rows and unmatched rows of b, merged in time
    // order (reference first on equal times); where every old row lands.
    let mut index = Vec::with_capacity(a_index.len() + order.len());
    let mut a_target = Vec::with_capacity(a_index.len());
    let mut b_target = vec![usize::MAX; b.len()];
    let mut ai = 0;
    let mut unmatched = order
        .iter()
        .enumerate()
        .filter(|(pos, _)| match candidate[*pos] {
            Some((i, _)) => keeps[i].map(|(p, _)| p) != Some(*pos),
            None => true,
        })
        .map(|(_, &j)| j)
        .peekable();
    loop {
        let next_a = a_index.get(ai).copied();
        let next_b = unmatched.peek().map(|&j| b.index[j]);
        match (next_a, next_b) {
            (Some(ta), Some(tb)) if tb < ta => {
                b_target[unmatched.next().unwrap_or_default()] = index.len();
                index.push(tb);
            }
            (Some(ta), _) => {
                a_target.push(index.len());
                index.push(ta);
                ai += 1;
            }
            (None, Some(tb)) => {
                b_target[unmatched.next().unwrap_or_default()] = index.len();
                index.push(tb);
            }
            (None, None) => break,
        }
    }
    for (pos, &j) in order.iter().enumerate() {
        if let Some((i, _)) = candidate[pos]
            && keeps[i].map(|(p, _)| p) == Some(pos)
        {
            b_target[j] = a_target[i];
        }
    }

    let rows = index.len();
    let mut out = if rows == acc.len() {
        // Every row of b found a reference row: the reference layout stays,
        // so its columns move over without a copy.
        acc
    } else {
        let mut out = Frame {
            index,
            tags: acc.tags.clone(),
            ..Frame::default()
        };
        for (name, values) in acc.columns() {
            let mut col = vec![f64::NAN; rows];
            for (&t, &v) in a_target.iter().zip(values) {
                col[t] = v;
            }
            out.insert_unchecked(name.to_string(), col);
        }
        out
    };
    for (name, values) in b.columns() {
        let i = match out.position(name) {
            Some(i) => i,
            None => out.insert_unchecked(name.to_string(), vec![f64::NAN; rows]),
        };
        fill_missing(out.columns[i].make_mut(), &b_target, values);
    }
    out
}
