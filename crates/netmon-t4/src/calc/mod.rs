//! The calculation language: derived columns from `NAME = expression`
//! lines, t4Monitor's calc files read as they are.
//!
//! Two evaluation modes:
//!
//! * [`Mode::Precedence`] (the default): a real expression language with
//!   the usual precedence, unary minus, `^` powers, every number notation
//!   (`1e-3`, `0x1F`, `1_000`), comparisons, functions (`min`, `max`,
//!   `abs`, `sqrt`, `if`, `delta`, `rate`), quoted column names
//!   (`"[MON.SYST]Cpu Busy"`, `'Direct I/O Rate'`) and named constants
//!   (`const RETQ_MAX = 50000`, `$interval`). Syntax errors are found at
//!   load time with line and column.
//! * [`Mode::LeftToRight`]: t4Monitor's evaluator, quirks and all —
//!   strictly left to right, spaces deleted, `X = A` a text value, formulas
//!   whose result exists skipped — so that historical results are
//!   reproduced exactly (see `compat`).
//!
//! Evaluation is vectorised: every operator works on whole columns.
//!
//! ```
//! use netmon_core::Frame;
//! use netmon_t4::calc::{CalcFile, Context, Mode};
//! let mut f = Frame::from_columns(vec![0, 300_000_000_000], [
//!     ("SM_OK", vec![90.0, 95.0]),
//!     ("SM_FAIL", vec![10.0, 5.0]),
//! ])?;
//! let calc = CalcFile::parse("ratio = 100 * SM_OK / (SM_OK + SM_FAIL)  # percent", Mode::Precedence)?;
//! let report = calc.apply(&mut f, &Context::default());
//! assert_eq!(f.column("ratio"), Some(&[90.0, 95.0][..]));
//! assert_eq!(report.added, ["ratio"]);
//! # Ok::<(), netmon_t4::Error>(())
//! ```

mod compat;
mod expr;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use netmon_core::{Frame, Position};

use crate::error::{Error, Result};

pub use expr::Expr;

/// How a calc file is evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// Usual operator precedence and the extended language.
    #[default]
    Precedence,
    /// t4Monitor's left-to-right evaluation, for identical results.
    LeftToRight,
}

/// One `NAME = expression` line.
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    /// The result column.
    pub name: String,
    /// 1-based line in the calc file.
    pub line: u64,
    /// The expression text (comments removed).
    pub text: String,
    /// The parsed expression (precedence mode only).
    pub expr: Option<Expr>,
}

/// A parsed calc file.
#[derive(Debug, Clone)]
pub struct CalcFile {
    /// Where it came from, for messages.
    pub source: String,
    /// The mode it was parsed for.
    pub mode: Mode,
    /// The formulas, in file order.
    pub formulas: Vec<Formula>,
    /// `const NAME = expression` lines, in file order (precedence mode).
    pub constants: Vec<(String, Expr)>,
}

/// What evaluation may use besides the frame.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The sample interval in seconds (`$interval`; the fallback of
    /// `rate()` where timestamps do not advance).
    pub interval: Option<f64>,
    /// Named constants (`$name` or a bare name that is no column).
    pub constants: BTreeMap<String, f64>,
    /// Replace a column that exists instead of skipping the formula
    /// (precedence mode; t4Monitor always skips).
    pub overwrite: bool,
}

impl Context {
    /// A context with a sample interval.
    pub fn with_interval(seconds: f64) -> Self {
        Context {
            interval: Some(seconds),
            ..Context::default()
        }
    }

    /// Adds a constant.
    pub fn constant(mut self, name: &str, value: f64) -> Self {
        self.constants.insert(name.to_string(), value);
        self
    }
}

/// Reads a `NAME=VALUE` constant, as given on a command line.
pub fn parse_constant(text: &str) -> std::result::Result<(String, f64), String> {
    let Some((name, value)) = text.split_once('=') else {
        return Err(format!("{text:?}: expected NAME=VALUE"));
    };
    let name = name.trim().trim_start_matches('$');
    if name.is_empty() {
        return Err(format!("{text:?}: a name before '='"));
    }
    let value = value
        .trim()
        .parse::<f64>()
        .map_err(|_| format!("{text:?}: {:?} is not a number", value.trim()))?;
    Ok((name.to_string(), value))
}

/// Something worth telling about an evaluation.
#[derive(Debug, Clone, PartialEq)]
pub enum Warning {
    /// A name is neither a column nor a constant: its series is NaN.
    MissingColumn {
        /// The formula's line.
        line: u64,
        /// The name.
        name: String,
    },
    /// The result column existed, so the formula was skipped.
    Skipped {
        /// The formula's line.
        line: u64,
        /// The result column.
        name: String,
    },
    /// Left-to-right mode: t4Monitor would have stored this text, not a
    /// number (`X = A` stores the text `A`); netmon adds no column.
    Text {
        /// The formula's line.
        line: u64,
        /// The result column.
        name: String,
        /// The text t4Monitor stores.
        text: String,
    },
    /// Left-to-right mode: a scalar division by zero (t4Monitor logs an
    /// error and stores NaN).
    ScalarDivisionByZero {
        /// The formula's line.
        line: u64,
    },
}

/// What [`CalcFile::apply`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// Columns added (or replaced), in order.
    pub added: Vec<String>,
    /// Warnings, in order (each missing name once per formula).
    pub warnings: Vec<Warning>,
    /// Cells divided by zero (IEEE results: ±inf, or NaN for 0/0).
    pub divisions_by_zero: u64,
}

/// Cuts a comment: at the first `#` or `;` outside quotes.
fn strip_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '#' | ';') => return &line[..i],
            _ => {}
        }
    }
    line
}

impl CalcFile {
    /// Reads a calc file.
    pub fn from_path(path: impl AsRef<Path>, mode: Mode) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse_named(&path.display().to_string(), &text, mode)
    }

    /// Parses calc text.
    pub fn parse(text: &str, mode: Mode) -> Result<Self> {
        Self::parse_named("<text>", text, mode)
    }

    /// Parses calc text, naming its source in errors.
    pub fn parse_named(source: &str, text: &str, mode: Mode) -> Result<Self> {
        let mut file = CalcFile {
            source: source.to_string(),
            mode,
            formulas: Vec::new(),
            constants: Vec::new(),
        };
        for (i, raw) in text.lines().enumerate() {
            let line_no = i as u64 + 1;
            let err = |column: usize, reason: String| Error::Calc {
                file: source.to_string(),
                position: Position::line_column(line_no, column as u64 + 1),
                reason,
            };
            match mode {
                Mode::LeftToRight => {
                    let line = compat::clean_comments(raw);
                    if line.is_empty() {
                        continue;
                    }
                    let parts: Vec<&str> = line.split('=').collect();
                    if parts.len() != 2 {
                        // t4Monitor raises a TypeError here and stops.
                        let at = raw.find('=').map_or(raw.len(), |p| {
                            if parts.len() > 2 {
                                p + 1 + raw[p + 1..].find('=').unwrap_or(0)
                            } else {
                                p
                            }
                        });
                        return Err(err(
                            at,
                            "a formula is `NAME = expression`, with exactly one '='".into(),
                        ));
                    }
                    file.formulas.push(Formula {
                        name: parts[0].trim().to_string(),
                        line: line_no,
                        text: parts[1].to_string(),
                        expr: None,
                    });
                }
                Mode::Precedence => {
                    let line = strip_comment(raw);
                    if line.trim().is_empty() {
                        continue;
                    }
                    let Some(eq) = line.find('=') else {
                        return Err(err(line.len(), "expected `NAME = expression`".into()));
                    };
                    let lhs = line[..eq].trim();
                    let (is_const, name) = match lhs.strip_prefix("const ") {
                        Some(n) => (true, n.trim().trim_start_matches('$')),
                        None => (false, lhs),
                    };
                    if name.is_empty() {
                        return Err(err(eq, "a name before '='".into()));
                    }
                    let expr = expr::parse(&line[eq + 1..])
                        .map_err(|(col, reason)| err(eq + 1 + col, reason))?;
                    if is_const {
                        file.constants.push((name.to_string(), expr));
                    } else {
                        file.formulas.push(Formula {
                            name: name.to_string(),
                            line: line_no,
                            text: line[eq + 1..].trim().to_string(),
                            expr: Some(expr),
                        });
                    }
                }
            }
        }
        Ok(file)
    }

    /// The result names, for removing them again (t4Monitor's
    /// `clean_calcs`).
    pub fn result_names(&self) -> Vec<&str> {
        self.formulas.iter().map(|f| f.name.as_str()).collect()
    }

    /// Evaluates the formulas in order, adding their columns to `frame`;
    /// later formulas see earlier results. Never fails: problems become
    /// NaN series and [`Warning`]s.
    pub fn apply(&self, frame: &mut Frame, ctx: &Context) -> Report {
        match self.mode {
            Mode::LeftToRight => compat::apply(self, frame),
            Mode::Precedence => self.apply_precedence(frame, ctx),
        }
    }

    fn apply_precedence(&self, frame: &mut Frame, ctx: &Context) -> Report {
        let mut report = Report::default();
        let mut constants: HashMap<String, f64> =
            ctx.constants.iter().map(|(k, v)| (k.clone(), *v)).collect();
        if let Some(i) = ctx.interval {
            constants.entry("interval".into()).or_insert(i);
        }
        for (name, e) in &self.constants {
            let mut eval = expr::Eval::new(frame, &constants, ctx.interval, 0);
            let v = eval.scalar(e);
            constants.insert(name.clone(), v);
        }
        for f in &self.formulas {
            let Some(e) = &f.expr else { continue };
            if frame.has_column(&f.name) && !ctx.overwrite {
                report.warnings.push(Warning::Skipped {
                    line: f.line,
                    name: f.name.clone(),
                });
                continue;
            }
            let mut eval = expr::Eval::new(frame, &constants, ctx.interval, f.line);
            let values = eval.column(e);
            report.divisions_by_zero += eval.divisions_by_zero;
            report.warnings.append(&mut eval.warnings);
            // Lengths always match the frame, and the name is free or
            // overwrite was asked for.
            if frame.set_column(f.name.clone(), values).is_ok() {
                report.added.push(f.name.clone());
            }
        }
        report
    }
}

#[cfg(test)]
mod tests;
