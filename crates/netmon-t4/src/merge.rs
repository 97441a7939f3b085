//! Per-system merges of several T4 files, and the choice of files.

use std::time::Duration;

use netmon_core::{Civil, Frame};

use crate::error::Result;
use crate::reader::{T4File, ValueKind};
use crate::writer::Kinds;

/// A system's files merged into one frame, with the value kinds the
/// writers need.
#[derive(Debug, Clone)]
pub struct Merged {
    /// The merged samples, tagged with the system.
    pub frame: Frame,
    /// Integer columns stay integer only where every file had them as
    /// integers and the merge left no cell empty (pandas' rule).
    pub kinds: Kinds,
}

fn merged(files: &[&T4File], mut frame: Frame, system: Option<&str>) -> Merged {
    let mut kinds = Kinds::new();
    for f in files {
        for (name, kind) in f.frame.names().iter().zip(&f.kinds) {
            let k = kinds.entry(name.clone()).or_insert(*kind);
            if *kind == ValueKind::Float {
                *k = ValueKind::Float;
            }
        }
    }
    for (name, values) in frame.columns() {
        if values.iter().any(|v| v.is_nan()) {
            kinds.insert(name.to_string(), ValueKind::Float);
        }
    }
    if let Some(system) = system {
        frame.tags_mut().system = Some(system.to_string());
    }
    if files
        .iter()
        .filter_map(|f| f.frame.tags().node.as_ref())
        .collect::<std::collections::HashSet<_>>()
        .len()
        > 1
    {
        // Nodes of a cluster merged: the result belongs to no single node.
        frame.tags_mut().node = None;
    }
    Merged { frame, kinds }
}

/// Outer union of the files of one system, first file wins on clashes:
/// t4Monitor's `combine_first` fold (sorted union of timestamps and
/// columns).
pub fn merge_union(files: &[&T4File], system: Option<&str>) -> Result<Merged> {
    let frames: Vec<&Frame> = files.iter().map(|f| &f.frame).collect();
    Ok(merged(files, Frame::merge_union(&frames)?, system))
}

/// Tolerance-aligned merge: samples of different files within
/// `tolerance` of each other share one row (see
/// [`Frame::merge_nearest`]); nothing is dropped.
pub fn merge_nearest(
    files: &[&T4File],
    tolerance: Duration,
    system: Option<&str>,
) -> Result<Merged> {
    let frames: Vec<&Frame> = files.iter().map(|f| &f.frame).collect();
    Ok(merged(
        files,
        Frame::merge_nearest(&frames, tolerance)?,
        system,
    ))
}

/// Which remote files belong to a system, as t4Monitor chooses them: a
/// name must contain `.csv`, the system's `cluster_id` and — unless all
/// files are wanted — the day's tag `ddmonyyyy` (`19nov2015`), all
/// compared without regard to case.
#[derive(Debug, Clone, Default)]
pub struct FileSelector {
    cluster_id: Option<String>,
    day_tag: Option<String>,
}

impl FileSelector {
    /// Every `.csv` file.
    pub fn all() -> Self {
        FileSelector::default()
    }

    /// Only the files of this day.
    pub fn day(date: Civil) -> Self {
        const MONTHS: [&str; 12] = [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ];
        let month = MONTHS[usize::from(date.month.clamp(1, 12)) - 1];
        FileSelector {
            cluster_id: None,
            day_tag: Some(format!("{:02}{month}{:04}", date.day, date.year)),
        }
    }

    /// Also requires the cluster id (empty: no requirement).
    pub fn cluster(mut self, cluster_id: &str) -> Self {
        let id = cluster_id.trim().to_lowercase();
        self.cluster_id = (!id.is_empty()).then_some(id);
        self
    }

    /// Whether a file name is selected.
    pub fn matches(&self, name: &str) -> bool {
        let name = name.to_lowercase();
        name.contains(".csv")
            && self
                .cluster_id
                .as_ref()
                .is_none_or(|c| name.contains(c.as_str()))
            && self
                .day_tag
                .as_ref()
                .is_none_or(|d| name.contains(d.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selection_like_t4monitor() {
        let sel = FileSelector::day(Civil::date(2015, 11, 19)).cluster("SMTFB");
        for yes in [
            "t4_smtfb1_19nov2015_0001_2359_comp.csv",
            "t4_smtfb2_19nov2015_0001_2359_comp.csv",
            "T4_SMTFB1_19NOV2015_0001_2359_DISK.CSV;1",
        ] {
            assert!(sel.matches(yes), "{yes}");
        }
        for no in [
            "t4_smtfc1_19nov2015_0001_2359_comp.csv",
            "t4_smtfb1_20nov2015_0001_2359_comp.csv",
            "t4_smtfb1_19nov2015_0001_2359_comp.zip",
        ] {
            assert!(!sel.matches(no), "{no}");
        }
        assert!(FileSelector::all().matches("x_20nov2015.csv"));
        assert!(FileSelector::all().cluster("").matches("anything.csv"));
        assert_eq!(
            FileSelector::day(Civil::date(2015, 1, 5))
                .day_tag
                .as_deref(),
            Some("05jan2015")
        );
    }
}
