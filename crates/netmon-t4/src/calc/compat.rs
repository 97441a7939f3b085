//! Left-to-right mode: t4Monitor's evaluator, reproduced rule by rule so
//! that historical calc files give the numbers they always gave.
//!
//! The rules (t4.md §2.2–2.3):
//!
//! 1. Comments: the line is cut at its first `#`, or else at its last `;`.
//! 2. Parentheses: the right-most group holding only word characters,
//!    spaces, `.` and `+-*/` is evaluated into a temporary column
//!    `__calculations_tmp<k>` (k = temporaries so far + 1), every copy of
//!    `(group)` in the text is replaced by that name, and evaluation starts
//!    again on the new text.
//! 3. Without parentheses: spaces (not tabs) are deleted, the text is split
//!    on `+ - * /`, and the pieces are folded strictly left to right.
//! 4. An operand Python's `float()` reads is a number; anything else is an
//!    exact column name, and a missing column makes the result NaN.
//! 5. A single piece of word characters and dots is stored as *text*
//!    (`X = A` stores "A"); any other single piece gives NaN.
//! 6. A formula whose result exists already is skipped.
//! 7. Number ⊕ number is plain float arithmetic; dividing by zero there
//!    gives NaN (t4Monitor logs an error).
//!
//! netmon's frames hold numbers only: where t4Monitor stores text, netmon
//! adds no column and reports [`Warning::Text`]; arithmetic on such a value
//! gives NaN (t4Monitor's pandas raises and returns NaN too, except for
//! string concatenation and repetition, which netmon does not imitate).

use std::collections::HashMap;

use netmon_core::Frame;

use super::{CalcFile, Report, Warning};

/// Prefix of t4Monitor's temporary columns.
pub(crate) const TTAG: &str = "__calculations_tmp";

/// Rule 1, then surrounding white space removed.
pub(crate) fn clean_comments(line: &str) -> &str {
    let cut = match line.find('#') {
        Some(p) => &line[..p],
        None => match line.rfind(';') {
            Some(p) => &line[..p],
            None => line,
        },
    };
    cut.trim()
}

/// Python's `\w` (letters, digits, underscore, in any script).
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Rule 2's pattern `.*\(+([\w .+\-*/]+)\)+.*`: the right-most `(` whose
/// content is allowed and closed by `)`; returns the content.
fn find_group(s: &str) -> Option<&str> {
    let allowed = |c: char| is_word(c) || " .+-*/".contains(c);
    let opens: Vec<usize> = s.match_indices('(').map(|(i, _)| i).collect();
    for &i in opens.iter().rev() {
        let rest = &s[i + 1..];
        let len: usize = rest
            .chars()
            .take_while(|c| allowed(*c))
            .map(char::len_utf8)
            .sum();
        if len > 0 && rest[len..].starts_with(')') {
            return Some(&rest[..len]);
        }
    }
    None
}

/// Python's `float()` on a string.
fn py_float(s: &str) -> Option<f64> {
    let t = s.trim();
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    let lower = body.to_ascii_lowercase();
    if matches!(lower.as_str(), "inf" | "infinity" | "nan") {
        return t.to_ascii_lowercase().parse::<f64>().ok();
    }
    // Underscores only between digits; then plain decimal notation.
    let bytes = body.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'_' {
            let ok = i > 0
                && i + 1 < bytes.len()
                && bytes[i - 1].is_ascii_digit()
                && bytes[i + 1].is_ascii_digit();
            if !ok {
                return None;
            }
        } else if !(b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-')) {
            return None;
        }
    }
    let clean: String = t.chars().filter(|c| *c != '_').collect();
    clean.parse::<f64>().ok()
}

/// Rule 3's split: pieces and the operators between them, in order
/// (always an odd number of items).
fn split_ops(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut piece = String::new();
    for c in s.chars() {
        if "+-*/".contains(c) {
            out.push(std::mem::take(&mut piece));
            out.push(c.to_string());
        } else {
            piece.push(c);
        }
    }
    out.push(piece);
    out
}

/// A value during evaluation.
#[derive(Debug, Clone)]
enum Val {
    Scalar(f64),
    Column(Vec<f64>),
    Text(String),
}

struct Compat<'a> {
    frame: &'a mut Frame,
    /// Temporary columns and text values (never added to the frame).
    side: HashMap<String, Val>,
    report: Report,
    line: u64,
}

impl Compat<'_> {
    fn exists(&self, name: &str) -> bool {
        self.frame.has_column(name) || self.side.contains_key(name)
    }

    fn temporaries(&self) -> usize {
        self.frame
            .names()
            .iter()
            .filter(|n| n.contains(TTAG))
            .count()
            + self.side.keys().filter(|n| n.contains(TTAG)).count()
    }

    /// `self[name]`: a column, a stored text, or a missing name.
    fn lookup(&mut self, name: &str) -> Option<Val> {
        if let Some(c) = self.frame.column(name) {
            return Some(Val::Column(c.to_vec()));
        }
        if let Some(v) = self.side.get(name) {
            return Some(v.clone());
        }
        self.report.warnings.push(Warning::MissingColumn {
            line: self.line,
            name: name.to_string(),
        });
        None
    }

    /// t4Monitor's `oper_wrapper`: numbers stay numbers, other operands
    /// are column names.
    fn oper(&mut self, a: Option<&str>, op: &str, b: &str) -> Val {
        let nan = Val::Scalar(f64::NAN);
        let Some(a) = a else { return nan };
        let fa = py_float(a);
        let fb = py_float(b);
        let (x, y) = match (fa, fb) {
            (Some(x), Some(y)) => {
                if op == "/" && y == 0.0 {
                    self.report
                        .warnings
                        .push(Warning::ScalarDivisionByZero { line: self.line });
                    return nan;
                }
                return Val::Scalar(arith(op, x, y));
            }
            (Some(x), None) => match self.lookup(b) {
                Some(v) => (Val::Scalar(x), v),
                None => return nan,
            },
            (None, Some(y)) => match self.lookup(a) {
                Some(v) => (v, Val::Scalar(y)),
                None => return nan,
            },
            (None, None) => {
                let Some(va) = self.lookup(a) else { return nan };
                let Some(vb) = self.lookup(b) else { return nan };
                (va, vb)
            }
        };
        let rows = self.frame.len();
        let column = |v: Val| match v {
            Val::Column(c) => Some(c),
            Val::Scalar(s) => Some(vec![s; rows]),
            Val::Text(_) => None,
        };
        let (Some(x), Some(y)) = (column(x), column(y)) else {
            return nan;
        };
        if op == "/" {
            self.report.divisions_by_zero += y.iter().filter(|v| **v == 0.0).count() as u64;
        }
        Val::Column(x.iter().zip(&y).map(|(p, q)| arith(op, *p, *q)).collect())
    }

    fn assign(&mut self, name: &str, v: Val) {
        if name.contains(TTAG) {
            self.side.insert(name.to_string(), v);
            return;
        }
        let rows = self.frame.len();
        let values = match v {
            Val::Column(c) => c,
            Val::Scalar(s) => vec![s; rows],
            Val::Text(text) => {
                self.report.warnings.push(Warning::Text {
                    line: self.line,
                    name: name.to_string(),
                    text: text.clone(),
                });
                self.side.insert(name.to_string(), Val::Text(text));
                return;
            }
        };
        if self.frame.add_column(name.to_string(), values).is_ok() {
            self.report.added.push(name.to_string());
        }
    }

    /// t4Monitor's `recursive_lis` on text.
    fn solve(&mut self, res: &str, expr: &str, depth: usize) -> Option<String> {
        let res = res.trim();
        if depth > 500 {
            return None;
        }
        if let Some(inner) = find_group(expr) {
            let tmp = format!("{TTAG}{}", self.temporaries() + 1);
            self.solve(&tmp, inner, depth + 1);
            let replaced = expr.trim().replace(&format!("({inner})"), &tmp);
            self.solve(res, &replaced, depth + 1);
            return None;
        }
        let pieces = split_ops(&expr.replace(' ', ""));
        self.solve_list(res, &pieces)
    }

    /// t4Monitor's `recursive_lis` on split pieces: a left fold that keeps
    /// its running value in the result column.
    fn solve_list(&mut self, res: &str, pieces: &[String]) -> Option<String> {
        if self.exists(res) {
            return None;
        }
        let v = match pieces {
            [single] => {
                if !single.is_empty() && single.chars().all(|c| is_word(c) || c == '.') {
                    Val::Text(single.clone())
                } else {
                    Val::Scalar(f64::NAN)
                }
            }
            [a, op, b] => self.oper(Some(a), op, b),
            [prefix @ .., op, last] => {
                // The running value lives in the result column itself: read
                // it, then clear it for the new value.
                let running = self.solve_list(res, prefix);
                let v = self.oper(running.as_deref(), op, last.trim());
                self.side.remove(res);
                if self.frame.remove_column(res).is_some() {
                    self.report.added.retain(|n| n != res);
                }
                v
            }
            [] => Val::Scalar(f64::NAN),
        };
        self.assign(res, v);
        Some(res.to_string())
    }
}

fn arith(op: &str, x: f64, y: f64) -> f64 {
    match op {
        "+" => x + y,
        "-" => x - y,
        "*" => x * y,
        _ => x / y,
    }
}

/// Evaluates a left-to-right calc file.
pub(crate) fn apply(file: &CalcFile, frame: &mut Frame) -> Report {
    let mut c = Compat {
        frame,
        side: HashMap::new(),
        report: Report::default(),
        line: 0,
    };
    for f in &file.formulas {
        c.line = f.line;
        if c.exists(f.name.trim()) {
            c.report.warnings.push(Warning::Skipped {
                line: f.line,
                name: f.name.trim().to_string(),
            });
        }
        // Evaluated even when skipped: t4Monitor computes the groups (and
        // numbers its temporaries) before it checks the result.
        c.solve(&f.name, &f.text, 0);
    }
    c.report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_like_t4monitor() {
        assert_eq!(clean_comments("X = A + B # c # c2"), "X = A + B");
        assert_eq!(clean_comments("X = A + B ; c"), "X = A + B");
        assert_eq!(clean_comments("X = A + B ; c1 ; c2"), "X = A + B ; c1");
        assert_eq!(clean_comments("X = A + B ; c1 # c2"), "X = A + B ; c1");
        assert_eq!(clean_comments("# whole line"), "");
    }

    #[test]
    fn groups_like_the_regex() {
        assert_eq!(find_group("1.0 + (A + B) / C"), Some("A + B"));
        assert_eq!(find_group("(A + B) / (C + D)"), Some("C + D"));
        assert_eq!(find_group("((A + B)) * C"), Some("A + B"));
        assert_eq!(find_group("(%P + 1) * 2"), None);
        assert_eq!(find_group("sqrt(A)"), Some("A"));
        assert_eq!(find_group("()"), None);
    }

    #[test]
    fn python_float() {
        for (s, v) in [
            ("1", 1.0),
            ("100.", 100.0),
            ("1e3", 1000.0),
            ("1_000", 1000.0),
            ("\t2", 2.0),
            ("-inf", f64::NEG_INFINITY),
        ] {
            assert_eq!(py_float(s), Some(v), "{s}");
        }
        assert!(py_float("nan").unwrap().is_nan());
        for s in ["", "1e", "A", "_1", "1__0", "0x10", "1,5"] {
            assert_eq!(py_float(s), None, "{s}");
        }
    }
}
