//! Precedence mode: lexer, parser and vectorised evaluator.

use std::collections::HashMap;

use netmon_core::Frame;

use super::Warning;

/// A function of the calc language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Func {
    /// Smallest argument (NaN if any is NaN).
    Min,
    /// Largest argument (NaN if any is NaN).
    Max,
    /// Absolute value.
    Abs,
    /// Square root.
    Sqrt,
    /// `if(condition, then, else)`: NaN condition gives NaN.
    If,
    /// Increase of a cumulative counter since the previous sample; a
    /// decrease is a reset and counts from zero.
    Delta,
    /// `delta` per second of the time between samples (the sample
    /// interval where timestamps do not advance).
    Rate,
}

impl Func {
    fn by_name(name: &str) -> Option<(Func, usize, usize)> {
        Some(match name.to_ascii_lowercase().as_str() {
            "min" => (Func::Min, 1, usize::MAX),
            "max" => (Func::Max, 1, usize::MAX),
            "abs" => (Func::Abs, 1, 1),
            "sqrt" => (Func::Sqrt, 1, 1),
            "if" => (Func::If, 3, 3),
            "delta" => (Func::Delta, 1, 1),
            "rate" => (Func::Rate, 1, 1),
            _ => return None,
        })
    }
}

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `^` or `**`
    Pow,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl BinOp {
    /// Binding powers (left, right).
    fn power(self) -> (u8, u8) {
        match self {
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne => (1, 2),
            BinOp::Add | BinOp::Sub => (3, 4),
            BinOp::Mul | BinOp::Div => (5, 6),
            BinOp::Pow => (9, 8),
        }
    }

    fn apply(self, a: f64, b: f64) -> f64 {
        let truth = |c: bool| if c { 1.0 } else { 0.0 };
        if a.is_nan() || b.is_nan() {
            return f64::NAN;
        }
        match self {
            BinOp::Add => a + b,
            BinOp::Sub => a - b,
            BinOp::Mul => a * b,
            BinOp::Div => a / b,
            BinOp::Pow => a.powf(b),
            BinOp::Lt => truth(a < b),
            BinOp::Le => truth(a <= b),
            BinOp::Gt => truth(a > b),
            BinOp::Ge => truth(a >= b),
            BinOp::Eq => truth(a == b),
            BinOp::Ne => truth(a != b),
        }
    }
}

/// Binding power of unary minus: tighter than `*`, looser than `^`
/// (`-2^2` is -4, `-a*b` is `(-a)*b`).
const UNARY: u8 = 7;

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A number.
    Num(f64),
    /// A column (bare or quoted name); a bare name that is no column may
    /// be a constant.
    Name {
        /// The name.
        name: String,
        /// Written in quotes: always a column.
        quoted: bool,
    },
    /// `$name`: a constant.
    Const(String),
    /// `-x`
    Neg(Box<Expr>),
    /// `a op b`
    Bin(BinOp, Box<Expr>, Box<Expr>),
    /// `f(args)`
    Call(Func, Vec<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Name(String, bool),
    Const(String),
    Op(BinOp),
    Minus,
    Plus,
    Open,
    Close,
    Comma,
}

fn is_name_char(c: char) -> bool {
    !c.is_whitespace() && !"+-*/^(),\"'<>=!$".contains(c)
}

/// A number in any notation: decimal, exponent, `_` between digits,
/// hexadecimal `0x…`.
fn parse_number(word: &str) -> Option<f64> {
    let clean: String = word.chars().filter(|c| *c != '_').collect();
    if word.starts_with('_') || word.ends_with('_') || word.contains("__") {
        return None;
    }
    if let Some(hex) = clean
        .strip_prefix("0x")
        .or_else(|| clean.strip_prefix("0X"))
    {
        return u64::from_str_radix(hex, 16).ok().map(|v| v as f64);
    }
    if !clean.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    // Rust's parser also takes "inf"/"nan" spellings; those cannot start
    // with a digit, so what remains is plain decimal notation.
    clean.parse::<f64>().ok()
}

fn lex(text: &str) -> Result<Vec<(usize, Tok)>, (usize, String)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    // Columns are counted in characters.
    while i < chars.len() {
        let (_, c) = chars[i];
        let at = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let two: String = chars[i..chars.len().min(i + 2)]
            .iter()
            .map(|(_, c)| *c)
            .collect();
        let (tok, len) = match (c, two.as_str()) {
            (_, "**") => (Tok::Op(BinOp::Pow), 2),
            (_, "<=") => (Tok::Op(BinOp::Le), 2),
            (_, ">=") => (Tok::Op(BinOp::Ge), 2),
            (_, "==") => (Tok::Op(BinOp::Eq), 2),
            (_, "!=") => (Tok::Op(BinOp::Ne), 2),
            ('+', _) => (Tok::Plus, 1),
            ('-', _) => (Tok::Minus, 1),
            ('*', _) => (Tok::Op(BinOp::Mul), 1),
            ('/', _) => (Tok::Op(BinOp::Div), 1),
            ('^', _) => (Tok::Op(BinOp::Pow), 1),
            ('<', _) => (Tok::Op(BinOp::Lt), 1),
            ('>', _) => (Tok::Op(BinOp::Gt), 1),
            ('(', _) => (Tok::Open, 1),
            (')', _) => (Tok::Close, 1),
            (',', _) => (Tok::Comma, 1),
            ('"' | '\'', _) => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|(_, q)| *q == c)
                    .ok_or((at, format!("no closing {c} for this quoted name")))?;
                let name: String = chars[i + 1..i + 1 + end].iter().map(|(_, c)| *c).collect();
                if name.is_empty() {
                    return Err((at, "an empty quoted name".into()));
                }
                (Tok::Name(name, true), end + 2)
            }
            ('$', _) => {
                let n = chars[i + 1..]
                    .iter()
                    .take_while(|(_, c)| is_name_char(*c))
                    .count();
                if n == 0 {
                    return Err((at, "a constant name after '$'".into()));
                }
                let name: String = chars[i + 1..i + 1 + n].iter().map(|(_, c)| *c).collect();
                (Tok::Const(name), n + 1)
            }
            ('=', _) => {
                return Err((
                    at,
                    "'=' here (a formula has one '='; compare with '==')".into(),
                ));
            }
            ('!', _) => return Err((at, "'!' here (not equal is '!=')".into())),
            _ => {
                let mut n = chars[i..]
                    .iter()
                    .take_while(|(_, c)| is_name_char(*c))
                    .count();
                // An exponent's sign belongs to the number: 1e-3, 2.5E+4.
                let word: String = chars[i..i + n].iter().map(|(_, c)| *c).collect();
                let mantissa_e = word.len() > 1
                    && (word.ends_with('e') || word.ends_with('E'))
                    && parse_number(&word[..word.len() - 1]).is_some();
                if mantissa_e
                    && let (Some((_, s)), Some((_, d))) = (chars.get(i + n), chars.get(i + n + 1))
                    && (*s == '+' || *s == '-')
                    && d.is_ascii_digit()
                {
                    n += 1 + chars[i + n + 1..]
                        .iter()
                        .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == '_')
                        .count();
                }
                let word: String = chars[i..i + n].iter().map(|(_, c)| *c).collect();
                match parse_number(&word) {
                    Some(v) => (Tok::Num(v), n),
                    None => (Tok::Name(word, false), n),
                }
            }
        };
        out.push((at, tok));
        i += len;
    }
    Ok(out)
}

struct Parser {
    toks: Vec<(usize, Tok)>,
    pos: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(_, t)| t)
    }

    fn at(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end, |(a, _)| *a)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).map(|(_, t)| t.clone());
        self.pos += 1;
        t
    }

    fn expr(&mut self, min: u8, depth: usize) -> Result<Expr, (usize, String)> {
        if depth > 200 {
            return Err((self.at(), "expression nested too deeply".into()));
        }
        let at = self.at();
        let mut lhs = match self.next() {
            Some(Tok::Num(v)) => Expr::Num(v),
            Some(Tok::Const(n)) => Expr::Const(n),
            Some(Tok::Name(n, quoted)) => {
                if !quoted && self.peek() == Some(&Tok::Open) {
                    let Some((f, lo, hi)) = Func::by_name(&n) else {
                        return Err((
                            at,
                            format!(
                                "unknown function {n:?} (min, max, abs, sqrt, if, delta, rate)"
                            ),
                        ));
                    };
                    self.pos += 1;
                    let mut args = Vec::new();
                    if self.peek() != Some(&Tok::Close) {
                        loop {
                            args.push(self.expr(0, depth + 1)?);
                            match self.next() {
                                Some(Tok::Comma) => continue,
                                Some(Tok::Close) => break,
                                _ => {
                                    return Err((
                                        self.toks.get(self.pos - 1).map_or(self.end, |(a, _)| *a),
                                        "',' or ')' in the argument list".into(),
                                    ));
                                }
                            }
                        }
                    } else {
                        self.pos += 1;
                    }
                    if args.len() < lo || args.len() > hi {
                        return Err((
                            at,
                            format!(
                                "{n}() takes {} argument(s), got {}",
                                if lo == hi {
                                    lo.to_string()
                                } else {
                                    format!("at least {lo}")
                                },
                                args.len()
                            ),
                        ));
                    }
                    Expr::Call(f, args)
                } else {
                    Expr::Name { name: n, quoted }
                }
            }
            Some(Tok::Minus) => Expr::Neg(Box::new(self.expr(UNARY, depth + 1)?)),
            Some(Tok::Plus) => self.expr(UNARY, depth + 1)?,
            Some(Tok::Open) => {
                let inner = self.expr(0, depth + 1)?;
                match self.next() {
                    Some(Tok::Close) => inner,
                    _ => return Err((at, "no ')' closes this '('".into())),
                }
            }
            Some(Tok::Close) => return Err((at, "')' without an operand before it".into())),
            Some(_) => return Err((at, "an operand (a number, a name or '(')".into())),
            None => return Err((at, "an operand, found the end of the line".into())),
        };
        loop {
            let op = match self.peek() {
                Some(Tok::Op(op)) => *op,
                Some(Tok::Plus) => BinOp::Add,
                Some(Tok::Minus) => BinOp::Sub,
                Some(Tok::Close | Tok::Comma) | None => break,
                Some(_) => {
                    return Err((
                        self.at(),
                        "an operator (+ - * / ^ < > == …) between operands".into(),
                    ));
                }
            };
            let (l, r) = op.power();
            if l < min {
                break;
            }
            self.pos += 1;
            let rhs = self.expr(r, depth + 1)?;
            lhs = Expr::Bin(op, Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }
}

/// Parses an expression; errors are (character column, what was expected).
pub(crate) fn parse(text: &str) -> Result<Expr, (usize, String)> {
    let toks = lex(text)?;
    let end = text.chars().count();
    let mut p = Parser { toks, pos: 0, end };
    let e = p.expr(0, 0)?;
    if p.pos < p.toks.len() {
        return Err((p.at(), "end of the expression (unbalanced ')'?)".into()));
    }
    Ok(e)
}

/// A scalar or a whole column.
enum Value {
    Scalar(f64),
    Column(Vec<f64>),
}

/// Evaluates expressions over a frame.
pub(crate) struct Eval<'a> {
    frame: &'a Frame,
    constants: &'a HashMap<String, f64>,
    interval: Option<f64>,
    line: u64,
    pub(crate) warnings: Vec<Warning>,
    pub(crate) divisions_by_zero: u64,
}

impl<'a> Eval<'a> {
    pub(crate) fn new(
        frame: &'a Frame,
        constants: &'a HashMap<String, f64>,
        interval: Option<f64>,
        line: u64,
    ) -> Self {
        Eval {
            frame,
            constants,
            interval,
            line,
            warnings: Vec::new(),
            divisions_by_zero: 0,
        }
    }

    /// The expression as a column of the frame's length.
    pub(crate) fn column(&mut self, e: &Expr) -> Vec<f64> {
        match self.eval(e) {
            Value::Column(c) => c,
            Value::Scalar(v) => vec![v; self.frame.len()],
        }
    }

    /// The expression as one number (columns give NaN).
    pub(crate) fn scalar(&mut self, e: &Expr) -> f64 {
        match self.eval(e) {
            Value::Scalar(v) => v,
            Value::Column(_) => f64::NAN,
        }
    }

    fn missing(&mut self, name: &str) -> Value {
        let w = Warning::MissingColumn {
            line: self.line,
            name: name.to_string(),
        };
        if !self.warnings.contains(&w) {
            self.warnings.push(w);
        }
        Value::Scalar(f64::NAN)
    }

    fn eval(&mut self, e: &Expr) -> Value {
        match e {
            Expr::Num(v) => Value::Scalar(*v),
            Expr::Name { name, quoted } => match self.frame.column(name) {
                Some(c) => Value::Column(c.to_vec()),
                None if !quoted => match self.constants.get(name) {
                    Some(v) => Value::Scalar(*v),
                    None => self.missing(name),
                },
                None => self.missing(name),
            },
            Expr::Const(name) => match self.constants.get(name) {
                Some(v) => Value::Scalar(*v),
                None if name == "interval" => Value::Scalar(self.interval.unwrap_or(f64::NAN)),
                None => self.missing(&format!("${name}")),
            },
            Expr::Neg(x) => map(self.eval(x), |v| -v),
            Expr::Bin(op, a, b) => {
                let a = self.eval(a);
                let b = self.eval(b);
                if *op == BinOp::Div {
                    self.divisions_by_zero += match &b {
                        Value::Scalar(v) if *v == 0.0 => match &a {
                            Value::Column(c) => c.len() as u64,
                            Value::Scalar(_) => 1,
                        },
                        Value::Scalar(_) => 0,
                        Value::Column(c) => c.iter().filter(|v| **v == 0.0).count() as u64,
                    };
                }
                zip(a, b, |x, y| op.apply(x, y))
            }
            Expr::Call(f, args) => self.call(*f, args),
        }
    }

    fn call(&mut self, f: Func, args: &[Expr]) -> Value {
        let mut vals: Vec<Value> = args.iter().map(|a| self.eval(a)).collect();
        match f {
            Func::Abs => map(first(&mut vals), f64::abs),
            Func::Sqrt => map(first(&mut vals), f64::sqrt),
            Func::Min | Func::Max => {
                let pick = move |a: f64, b: f64| {
                    if a.is_nan() || b.is_nan() {
                        f64::NAN
                    } else if (f == Func::Min) == (a < b) {
                        a
                    } else {
                        b
                    }
                };
                let mut it = vals.into_iter();
                let first = it.next().unwrap_or(Value::Scalar(f64::NAN));
                it.fold(first, |acc, v| zip(acc, v, pick))
            }
            Func::If => {
                let pick = |c: f64, t: f64, e: f64| {
                    if c.is_nan() {
                        f64::NAN
                    } else if c != 0.0 {
                        t
                    } else {
                        e
                    }
                };
                let e = vals.pop().unwrap_or(Value::Scalar(f64::NAN));
                let t = vals.pop().unwrap_or(Value::Scalar(f64::NAN));
                let c = vals.pop().unwrap_or(Value::Scalar(f64::NAN));
                if let (Value::Scalar(c), Value::Scalar(t), Value::Scalar(e)) = (&c, &t, &e) {
                    return Value::Scalar(pick(*c, *t, *e));
                }
                let (c, t, e) = (
                    self.materialise(c),
                    self.materialise(t),
                    self.materialise(e),
                );
                Value::Column(
                    c.iter()
                        .zip(&t)
                        .zip(&e)
                        .map(|((c, t), e)| pick(*c, *t, *e))
                        .collect(),
                )
            }
            Func::Delta => {
                let v = first(&mut vals);
                Value::Column(delta(&self.materialise(v)))
            }
            Func::Rate => {
                let v = first(&mut vals);
                let d = delta(&self.materialise(v));
                let idx = self.frame.index_ns();
                let fallback = self.interval.unwrap_or(f64::NAN);
                let out = d
                    .iter()
                    .enumerate()
                    .map(|(i, dv)| {
                        let dt = i
                            .checked_sub(1)
                            .and_then(|p| idx.get(i)?.checked_sub(*idx.get(p)?))
                            .map_or(f64::NAN, |ns| ns as f64 / 1e9);
                        let dt = if dt > 0.0 { dt } else { fallback };
                        dv / dt
                    })
                    .collect();
                Value::Column(out)
            }
        }
    }

    fn materialise(&self, v: Value) -> Vec<f64> {
        match v {
            Value::Column(c) => c,
            Value::Scalar(s) => vec![s; self.frame.len()],
        }
    }
}

/// The first argument (NaN if a hand-built call has none).
fn first(vals: &mut Vec<Value>) -> Value {
    if vals.is_empty() {
        Value::Scalar(f64::NAN)
    } else {
        vals.remove(0)
    }
}

/// Increase between consecutive samples; a decrease is a counter reset
/// and the new value is the increase since the reset.
fn delta(x: &[f64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(x.len());
    let mut prev = f64::NAN;
    for &v in x {
        out.push(if v.is_nan() || prev.is_nan() {
            f64::NAN
        } else if v >= prev {
            v - prev
        } else {
            v
        });
        prev = v;
    }
    out
}

fn map(v: Value, f: impl Fn(f64) -> f64) -> Value {
    match v {
        Value::Scalar(s) => Value::Scalar(f(s)),
        Value::Column(mut c) => {
            c.iter_mut().for_each(|x| *x = f(*x));
            Value::Column(c)
        }
    }
}

fn zip(a: Value, b: Value, f: impl Fn(f64, f64) -> f64) -> Value {
    match (a, b) {
        (Value::Scalar(x), Value::Scalar(y)) => Value::Scalar(f(x, y)),
        (Value::Column(mut c), Value::Scalar(y)) => {
            c.iter_mut().for_each(|x| *x = f(*x, y));
            Value::Column(c)
        }
        (Value::Scalar(x), Value::Column(mut c)) => {
            c.iter_mut().for_each(|y| *y = f(x, *y));
            Value::Column(c)
        }
        (Value::Column(mut c), Value::Column(d)) => {
            c.iter_mut().zip(&d).for_each(|(x, y)| *x = f(*x, *y));
            Value::Column(c)
        }
    }
}
