//! The one error type of netmon-t4, and [`Issue`]s: damage the reader
//! worked around (a row skipped, a cell unreadable) without failing the file.

use std::fmt;
use std::path::PathBuf;

use netmon_core::Position;

/// Errors of netmon-t4. Those about a file say which file and where.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be opened or read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// A file has no T4 data at all: it is empty, or its header is damaged
    /// beyond use (cut short, no END tag, no time column).
    #[error("{file}: {position}: {reason}")]
    Format {
        /// The file (its name as given to the reader).
        file: String,
        /// Where the problem was found.
        position: Position,
        /// What is wrong.
        reason: String,
    },

    /// A zip archive could not be read.
    #[error("{file}: zip archive: {message}")]
    Zip {
        /// The archive.
        file: String,
        /// What the zip reader said.
        message: String,
    },

    /// A calculation file has a syntax error.
    #[error("{file}: {position}: {reason}")]
    Calc {
        /// The calculation file (or `<text>`).
        file: String,
        /// Line and column of the error.
        position: Position,
        /// What was expected.
        reason: String,
    },

    /// An error from netmon-core (frames, merges).
    #[error(transparent)]
    Core(#[from] netmon_core::Error),
}

impl Error {
    /// Where the error is in its input, when known.
    pub fn position(&self) -> Option<Position> {
        match self {
            Error::Format { position, .. } | Error::Calc { position, .. } => Some(*position),
            Error::Core(e) => e.position(),
            _ => None,
        }
    }

    pub(crate) fn format(file: &str, line: u64, column: u64, reason: impl Into<String>) -> Self {
        Error::Format {
            file: file.to_string(),
            position: Position::line_column(line, column),
            reason: reason.into(),
        }
    }
}

/// `Result` with netmon-t4's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What kind of damage an [`Issue`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IssueKind {
    /// The time cell is not a timestamp: the row was skipped.
    BadTimestamp,
    /// The row has more non-empty fields than the header has names: the
    /// row was skipped (t4Monitor drops the whole file).
    ExtraFields,
    /// A value cell is neither a number nor empty nor an NA token: the cell
    /// is NaN (t4Monitor turns the whole column into text).
    InvalidValue,
    /// The file ends in the middle of a row: the complete cells were kept,
    /// the last (possibly cut) cell and the missing ones are NaN.
    CutShort,
}

impl IssueKind {
    fn describe(self) -> &'static str {
        match self {
            IssueKind::BadTimestamp => "not a timestamp; row skipped",
            IssueKind::ExtraFields => "more fields than column names; row skipped",
            IssueKind::InvalidValue => "not a number; cell read as NaN",
            IssueKind::CutShort => "file ends inside this row; cut cell and the rest read as NaN",
        }
    }
}

/// Damage the reader met and worked around, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// What happened.
    pub kind: IssueKind,
    /// 1-based physical line in the file.
    pub line: u64,
    /// 1-based byte column where the offending cell starts.
    pub column: u64,
    /// The offending text (at most 40 characters).
    pub text: String,
}

impl Issue {
    pub(crate) fn new(kind: IssueKind, line: u64, column: u64, text: &[u8]) -> Self {
        let text: String = String::from_utf8_lossy(text)
            .chars()
            .take(40)
            .map(|c| if c.is_control() { '\u{fffd}' } else { c })
            .collect();
        Issue {
            kind,
            line,
            column,
            text,
        }
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {:?}: {}",
            self.line,
            self.column,
            self.text,
            self.kind.describe()
        )
    }
}
