//! Column selection by case-insensitive regular expressions, with
//! exclusions — the way t4Monitor's graph lists and reports pick columns.

use regex::{Regex, RegexBuilder};

use super::Frame;
use crate::error::{Error, Result};

/// Compiled-size limit for one pattern: selection patterns come from
/// settings files, and a pathological one must fail, not eat memory.
const PATTERN_SIZE_LIMIT: usize = 1 << 20;

/// Picks columns by name.
///
/// A name is selected when it matches any `include` pattern (every name,
/// if there is none) and no `exclude` pattern nor `exclude_text`
/// substring. Patterns are case-insensitive and unanchored (they match
/// anywhere in the name, like Python's `re.search`); use `^…$` to anchor.
///
/// ```
/// use netmon_core::{ColumnSelector, Frame};
/// let f = Frame::with_columns(["[MON.SYST]Cpu Busy", "[MON.DISK]OpRt DKA100", "SMH_busy"])?;
/// let sel = ColumnSelector::new().include("cpu|smh")?.exclude_text("[mon.");
/// assert_eq!(f.select(&sel).names(), ["SMH_busy"]);
/// # Ok::<(), netmon_core::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ColumnSelector {
    include: Vec<Regex>,
    exclude: Vec<Regex>,
    exclude_text: Vec<String>,
}

fn compile(pattern: &str) -> Result<Regex> {
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .size_limit(PATTERN_SIZE_LIMIT)
        .dfa_size_limit(PATTERN_SIZE_LIMIT)
        .build()
        .map_err(|e| Error::Pattern {
            pattern: pattern.to_string(),
            message: e.to_string(),
        })
}

impl ColumnSelector {
    /// A selector that selects every column.
    pub fn new() -> Self {
        ColumnSelector::default()
    }

    /// Also selects names matching `pattern`.
    pub fn include(mut self, pattern: &str) -> Result<Self> {
        self.include.push(compile(pattern)?);
        Ok(self)
    }

    /// Leaves out names matching `pattern`.
    pub fn exclude(mut self, pattern: &str) -> Result<Self> {
        self.exclude.push(compile(pattern)?);
        Ok(self)
    }

    /// Leaves out names containing `text` (a literal, any case): for names
    /// full of regex metacharacters such as `[MON.SYST]`.
    pub fn exclude_text(mut self, text: &str) -> Self {
        self.exclude_text.push(text.to_lowercase());
        self
    }

    /// Whether a name is selected.
    pub fn matches(&self, name: &str) -> bool {
        let included = self.include.is_empty() || self.include.iter().any(|r| r.is_match(name));
        if !included || self.exclude.iter().any(|r| r.is_match(name)) {
            return false;
        }
        if self.exclude_text.is_empty() {
            return true;
        }
        let lower = name.to_lowercase();
        !self.exclude_text.iter().any(|t| lower.contains(t.as_str()))
    }
}

impl Frame {
    /// Names of the selected columns, in column order.
    pub fn selected_names(&self, selector: &ColumnSelector) -> Vec<&str> {
        self.names
            .iter()
            .filter(|n| selector.matches(n))
            .map(String::as_str)
            .collect()
    }

    /// A frame with the same index and tags and only the selected columns.
    pub fn select(&self, selector: &ColumnSelector) -> Frame {
        let mut out = Frame {
            index: self.index.clone(),
            tags: self.tags.clone(),
            ..Frame::default()
        };
        for (name, values) in self.columns().filter(|(n, _)| selector.matches(n)) {
            out.insert_unchecked(name.to_string(), values.to_vec());
        }
        out
    }
}
