//! The one error type of netmon-core, and [`Position`], the "where" that
//! errors across netmon carry.

use std::fmt;
use std::path::PathBuf;

/// Where in an input something went wrong.
///
/// Text inputs (T4 files, settings, timestamps) give a 1-based line and
/// column; binary inputs (BER, pcap) give a 0-based byte offset. Any part
/// may be absent when it is not known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Position {
    /// 1-based line number.
    pub line: Option<u64>,
    /// 1-based column (character) number within the line or field.
    pub column: Option<u64>,
    /// 0-based byte offset from the start of the input.
    pub byte: Option<u64>,
}

impl Position {
    /// A position given by line and column (both 1-based).
    pub fn line_column(line: u64, column: u64) -> Self {
        Position {
            line: Some(line),
            column: Some(column),
            byte: None,
        }
    }

    /// A position given by column alone (1-based), for single-line inputs.
    pub fn column(column: u64) -> Self {
        Position {
            line: None,
            column: Some(column),
            byte: None,
        }
    }

    /// A position given by byte offset (0-based).
    pub fn byte(offset: u64) -> Self {
        Position {
            line: None,
            column: None,
            byte: Some(offset),
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::with_capacity(3);
        if let Some(l) = self.line {
            parts.push(format!("line {l}"));
        }
        if let Some(c) = self.column {
            parts.push(format!("column {c}"));
        }
        if let Some(b) = self.byte {
            parts.push(format!("byte {b}"));
        }
        if parts.is_empty() {
            f.write_str("unknown position")
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}

/// Errors of netmon-core.
///
/// Match on the variants you handle and keep a catch-all arm: the enum is
/// `#[non_exhaustive]` and grows. [`Error::position`] gives the "where" for
/// the variants that have one.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A column with this name is already in the frame. Column names are
    /// case-sensitive; readers that meet duplicates rename them (`.1`, `.2`).
    #[error("column {name:?} is already in the frame")]
    DuplicateColumn {
        /// The clashing name.
        name: String,
    },

    /// A row given to [`Frame::push_row`](crate::Frame::push_row) does not
    /// have one value per column.
    #[error("row {row} has {found} values but the frame has {expected} columns")]
    RowLength {
        /// 0-based index the row would have had.
        row: usize,
        /// Number of columns of the frame.
        expected: usize,
        /// Number of values given.
        found: usize,
    },

    /// A column does not have one value per row of the frame.
    #[error("column {name:?} has {found} values but the frame has {expected} rows")]
    ColumnLength {
        /// The column's name.
        name: String,
        /// Number of rows of the frame.
        expected: usize,
        /// Number of values given.
        found: usize,
    },

    /// A column selection pattern is not a valid regular expression (or is
    /// too large to compile within the size limit).
    #[error("invalid column pattern {pattern:?}: {message}")]
    Pattern {
        /// The pattern as given.
        pattern: String,
        /// What the regex engine said.
        message: String,
    },

    /// A timestamp could not be parsed.
    #[error("invalid timestamp {text:?} at {position}: {reason}")]
    Timestamp {
        /// The text (cut to 64 characters).
        text: String,
        /// Where in the text parsing stopped.
        position: Position,
        /// What was expected there.
        reason: &'static str,
    },

    /// A date or time is outside what a [`Timestamp`](crate::Timestamp)
    /// holds (years 1678 to 2261, i64 nanoseconds since 1970).
    #[error("time out of range: {what}")]
    TimeRange {
        /// What overflowed.
        what: &'static str,
    },

    /// A resampling period or merge tolerance is not usable (zero, or too
    /// large for i64 nanoseconds).
    #[error("invalid {what}: {reason}")]
    InvalidDuration {
        /// Which parameter.
        what: &'static str,
        /// Why.
        reason: &'static str,
    },

    /// An operation would allocate more than its limit: resampling into
    /// more periods than [`Resample::max_periods`](crate::Resample::max_periods),
    /// or a merge or resampling whose result has more cells than
    /// [`MAX_CELLS`](crate::frame::MAX_CELLS).
    #[error("{what}: {requested} would exceed the limit of {limit}")]
    TooLarge {
        /// What was being built.
        what: &'static str,
        /// How many items it needed.
        requested: u128,
        /// The limit in force.
        limit: u128,
    },

    /// A file name given to a source is not a plain file name (it is empty,
    /// or has a path separator, `..` or a NUL byte).
    #[error("{source_name}: {name:?} is not a plain file name: {reason}")]
    InvalidFileName {
        /// The source, as [`FileSource::describe`](crate::FileSource::describe) says.
        source_name: String,
        /// The rejected name.
        name: String,
        /// Why it was rejected.
        reason: &'static str,
    },

    /// A source has no file of that name.
    #[error("{source_name}: no file named {name:?}")]
    FileNotFound {
        /// The source.
        source_name: String,
        /// The missing name.
        name: String,
    },

    /// An I/O error on a local path.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path being read or listed.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// A settings (INI) file is malformed or has a bad value.
    #[error("{file}: {position}: {reason}")]
    Config {
        /// The file, as given.
        file: String,
        /// Line (and column where known) of the problem.
        position: Position,
        /// What is wrong.
        reason: String,
    },

    /// A source failed for a reason of its own (a transport error from an
    /// SFTP session, a poller's failure …), said in text.
    #[error("{source_name}: {message}")]
    Source {
        /// The source.
        source_name: String,
        /// What went wrong.
        message: String,
    },
}

impl Error {
    /// Where the error is in its input, for the variants that know.
    pub fn position(&self) -> Option<Position> {
        match self {
            Error::Timestamp { position, .. } | Error::Config { position, .. } => Some(*position),
            _ => None,
        }
    }

    /// True when the error says that something asked for does not exist.
    pub fn is_not_found(&self) -> bool {
        match self {
            Error::FileNotFound { .. } => true,
            Error::Io { source, .. } => source.kind() == std::io::ErrorKind::NotFound,
            _ => false,
        }
    }
}

/// `Result` with netmon-core's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_display() {
        assert_eq!(Position::line_column(3, 7).to_string(), "line 3, column 7");
        assert_eq!(Position::byte(12).to_string(), "byte 12");
        assert_eq!(Position::default().to_string(), "unknown position");
    }

    #[test]
    fn timestamp_error_carries_position() {
        let e = Error::Timestamp {
            text: "2014-13-01".into(),
            position: Position::column(6),
            reason: "month 1 to 12",
        };
        assert_eq!(e.position(), Some(Position::column(6)));
        assert_eq!(
            e.to_string(),
            "invalid timestamp \"2014-13-01\" at column 6: month 1 to 12"
        );
    }
}
