//! What an agent serves: scalars (static or computed when asked), tables
//! (rows by index, cells computed when asked) and whole subtrees behind a
//! [`Provider`], in one ordered tree answering get, get-next and set.
//!
//! ```
//! use std::time::Instant;
//! use netmon_snmp::agent::mib::{Mib, Table};
//! use netmon_snmp::{Oid, Value};
//! let oid = |s: &str| s.parse::<Oid>().unwrap();
//! let mut mib = Mib::new();
//! mib.scalar(oid("1.3.6.1.2.1.1.5.0"), Value::OctetString(b"edge-1".to_vec()));
//! mib.provider(oid("1.3.6.1.2.1.2.2.1"), Table::new(vec![1, 2], vec![Oid::new([1]), Oid::new([2])], |col, row, _now| {
//!     Some(match col { 1 => Value::Integer(row as i64 + 1), _ => Value::OctetString(format!("eth{row}").into_bytes()) })
//! })).unwrap();
//! let now = Instant::now();
//! let (next, value) = mib.next(&oid("1.3.6.1.2.1.2"), now).unwrap();
//! assert_eq!(next, oid("1.3.6.1.2.1.2.2.1.1.1"));
//! assert_eq!(value, Value::Integer(1));
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::time::Instant;

use crate::error::Error;
use crate::oid::Oid;
use crate::value::Value;

/// Why a Set of one varbind is refused (SNMPv2 error statuses; v1 maps
/// them as RFC 3584 §4.4 says).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetError {
    /// The object exists but cannot be written (notWritable, 17).
    NotWritable,
    /// Nothing there and nothing can be created (noCreation, 11).
    NoCreation,
    /// The value's type is not the object's (wrongType, 7).
    WrongType,
    /// The value is out of the object's range (wrongValue, 10).
    WrongValue,
    /// Outside the requester's view or not writable for it (noAccess, 6).
    NoAccess,
}

impl SetError {
    /// The SNMPv2 error-status.
    pub fn v2_status(self) -> i32 {
        match self {
            SetError::NotWritable => 17,
            SetError::NoCreation => 11,
            SetError::WrongType => 7,
            SetError::WrongValue => 10,
            SetError::NoAccess => 6,
        }
    }

    /// The SNMPv1 error-status: badValue (3) for type and value errors,
    /// noSuchName (2) for the rest.
    pub fn v1_status(self) -> i32 {
        match self {
            SetError::WrongType | SetError::WrongValue => 3,
            _ => 2,
        }
    }
}

/// A subtree served by code: a table, a device model, a proxy.
///
/// Instances are ordered by OID; `next` returns the first instance after
/// `oid` inside the subtree (`oid` may be before the subtree, inside it, or
/// a prefix of an instance).
pub trait Provider: Send + Sync {
    /// The value of exactly `oid`, if it exists.
    fn get(&self, oid: &Oid, now: Instant) -> Option<Value>;
    /// The first instance after `oid`, with its value.
    fn next(&self, oid: &Oid, now: Instant) -> Option<(Oid, Value)>;
    /// First phase of a Set: may `oid` take `value`? Nothing changes yet.
    fn check_set(&self, _oid: &Oid, _value: &Value) -> Result<(), SetError> {
        Err(SetError::NotWritable)
    }
    /// Second phase: apply a Set every varbind of which passed
    /// [`Provider::check_set`].
    fn commit_set(&mut self, _oid: &Oid, _value: Value) {}
    /// Whether `oid` names an object type here (for noSuchObject versus
    /// noSuchInstance); by default, whether it is inside the subtree.
    fn knows_object(&self, _oid: &Oid) -> bool {
        true
    }
}

type CellFn = dyn Fn(u32, usize, Instant) -> Option<Value> + Send + Sync;

/// A conceptual table: columns (their arcs under the entry OID), rows by
/// index (any OID suffix, kept sorted), cells computed when asked (a
/// `None` cell is absent, as in a sparse table).
pub struct Table {
    columns: Vec<u32>,
    indexes: Vec<Oid>,
    cell: Box<CellFn>,
}

impl fmt::Debug for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Table")
            .field("columns", &self.columns)
            .field("rows", &self.indexes.len())
            .finish()
    }
}

impl Table {
    /// A table of `columns` × `indexes`; `cell(column, row, now)` gives a
    /// value, `row` being the position in `indexes` as given.
    pub fn new(
        mut columns: Vec<u32>,
        indexes: Vec<Oid>,
        cell: impl Fn(u32, usize, Instant) -> Option<Value> + Send + Sync + 'static,
    ) -> Self {
        columns.sort_unstable();
        columns.dedup();
        // Keep the caller's row numbers while searching in index order.
        let mut order: Vec<(Oid, usize)> = indexes.into_iter().zip(0..).collect();
        order.sort();
        order.dedup_by(|a, b| a.0 == b.0);
        let rows: Vec<usize> = order.iter().map(|(_, r)| *r).collect();
        let indexes = order.into_iter().map(|(i, _)| i).collect();
        Table {
            columns,
            indexes,
            cell: Box::new(move |c, i, now| rows.get(i).and_then(|r| cell(c, *r, now))),
        }
    }

    /// The first cell at or after (column position `c`, row position `r`).
    fn scan(&self, mut c: usize, mut r: usize, now: Instant) -> Option<(u32, usize, Value)> {
        while let Some(&col) = self.columns.get(c) {
            while r < self.indexes.len() {
                if let Some(v) = (self.cell)(col, r, now) {
                    return Some((col, r, v));
                }
                r += 1;
            }
            c += 1;
            r = 0;
        }
        None
    }

    /// `rel` is the OID relative to the entry.
    fn next_rel(&self, rel: &[u32], now: Instant) -> Option<(u32, &Oid, Value)> {
        let found = match rel.split_first() {
            None => self.scan(0, 0, now),
            Some((&col, index)) => {
                let c = self.columns.partition_point(|&x| x < col);
                if self.columns.get(c) != Some(&col) {
                    self.scan(c, 0, now)
                } else {
                    let index = Oid::new(index);
                    let r = self.indexes.partition_point(|i| *i <= index);
                    self.scan(c, r, now)
                }
            }
        }?;
        let (col, r, v) = found;
        Some((col, &self.indexes[r], v))
    }
}

/// A [`Table`] mounted at its entry OID.
#[derive(Debug)]
struct Mounted<T> {
    entry: Oid,
    table: T,
}

impl Provider for Mounted<Table> {
    fn get(&self, oid: &Oid, now: Instant) -> Option<Value> {
        let rel = oid.arcs().get(self.entry.len()..)?;
        let (&col, index) = rel.split_first()?;
        self.table.columns.binary_search(&col).ok()?;
        let index = Oid::new(index);
        let r = self.table.indexes.binary_search(&index).ok()?;
        (self.table.cell)(col, r, now)
    }

    fn next(&self, oid: &Oid, now: Instant) -> Option<(Oid, Value)> {
        let rel: &[u32] = if oid.starts_with(&self.entry) {
            &oid.arcs()[self.entry.len()..]
        } else if *oid < self.entry {
            &[]
        } else {
            return None;
        };
        let (col, index, v) = self.table.next_rel(rel, now)?;
        let mut name = self.entry.child(col);
        for &a in index.arcs() {
            name.push(a);
        }
        Some((name, v))
    }

    fn knows_object(&self, oid: &Oid) -> bool {
        oid.arcs()
            .get(self.entry.len())
            .is_some_and(|c| self.table.columns.binary_search(c).is_ok())
    }
}

type ScalarFn = dyn Fn(Instant) -> Value + Send + Sync;

enum Scalar {
    Static { value: Value, writable: bool },
    Computed(Box<ScalarFn>),
}

impl fmt::Debug for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Static { value, writable } => f
                .debug_struct("Static")
                .field("value", value)
                .field("writable", writable)
                .finish(),
            Scalar::Computed(_) => f.write_str("Computed"),
        }
    }
}

impl Scalar {
    fn value(&self, now: Instant) -> Value {
        match self {
            Scalar::Static { value, .. } => value.clone(),
            Scalar::Computed(f) => f(now),
        }
    }
}

struct Subtree {
    root: Oid,
    provider: Box<dyn Provider>,
}

impl fmt::Debug for Subtree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subtree").field("root", &self.root).finish()
    }
}

/// The tree an agent serves.
#[derive(Debug, Default)]
pub struct Mib {
    scalars: BTreeMap<Oid, Scalar>,
    /// Sorted by root; roots never nest.
    subtrees: Vec<Subtree>,
}

impl Mib {
    /// An empty tree.
    pub fn new() -> Self {
        Mib::default()
    }

    /// A read-only instance with a fixed value (replacing any before).
    pub fn scalar(&mut self, oid: Oid, value: Value) -> &mut Self {
        self.scalars.insert(
            oid,
            Scalar::Static {
                value,
                writable: false,
            },
        );
        self
    }

    /// A writable instance (Set may change it, keeping its type).
    pub fn writable(&mut self, oid: Oid, value: Value) -> &mut Self {
        self.scalars.insert(
            oid,
            Scalar::Static {
                value,
                writable: true,
            },
        );
        self
    }

    /// An instance computed each time it is read.
    pub fn computed(
        &mut self,
        oid: Oid,
        f: impl Fn(Instant) -> Value + Send + Sync + 'static,
    ) -> &mut Self {
        self.scalars.insert(oid, Scalar::Computed(Box::new(f)));
        self
    }

    /// Mounts a table at its entry OID (`…​.ifEntry`), or any provider at
    /// its subtree. Subtrees may not nest.
    pub fn provider(&mut self, root: Oid, p: impl IntoProvider) -> Result<&mut Self, Error> {
        let provider = p.into_provider(root.clone());
        let at = self.subtrees.partition_point(|s| s.root < root);
        let clash = |s: &Subtree| s.root.starts_with(&root) || root.starts_with(&s.root);
        if at
            .checked_sub(1)
            .and_then(|i| self.subtrees.get(i))
            .is_some_and(clash)
            || self.subtrees.get(at).is_some_and(clash)
        {
            return Err(Error::Config("MIB subtrees may not nest"));
        }
        self.subtrees.insert(at, Subtree { root, provider });
        Ok(self)
    }

    /// Number of scalars and subtrees.
    pub fn len(&self) -> usize {
        self.scalars.len() + self.subtrees.len()
    }

    /// True when nothing is served.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn subtree_of(&self, oid: &Oid) -> Option<&Subtree> {
        let at = self.subtrees.partition_point(|s| s.root <= *oid);
        let s = self.subtrees.get(at.checked_sub(1)?)?;
        oid.starts_with(&s.root).then_some(s)
    }

    /// The value of exactly `oid`.
    pub fn get(&self, oid: &Oid, now: Instant) -> Option<Value> {
        if let Some(s) = self.subtree_of(oid) {
            return s.provider.get(oid, now);
        }
        self.scalars.get(oid).map(|s| s.value(now))
    }

    /// Whether `oid` names an object type that is served (so a missing
    /// instance is noSuchInstance rather than noSuchObject).
    pub fn knows_object(&self, oid: &Oid) -> bool {
        if let Some(s) = self.subtree_of(oid) {
            return s.provider.knows_object(oid);
        }
        // A scalar's object is its OID without the instance arc.
        let arcs = oid.arcs();
        let object = Oid::new(&arcs[..arcs.len().saturating_sub(1)]);
        self.scalars
            .range(object.clone()..)
            .next()
            .is_some_and(|(k, _)| k.starts_with(&object) && k.len() == object.len() + 1)
    }

    /// The first instance after `oid`, in OID order.
    pub fn next(&self, oid: &Oid, now: Instant) -> Option<(Oid, Value)> {
        use std::ops::Bound;
        let scalar = self
            .scalars
            .range((Bound::Excluded(oid.clone()), Bound::Unbounded))
            .next();
        // The subtree holding `oid`, then those after it.
        let start = self.subtrees.partition_point(|s| s.root <= *oid);
        let first = start.saturating_sub(1);
        for s in self.subtrees.get(first..).unwrap_or_default() {
            if let Some((k, _)) = scalar
                && *k < s.root
                && !oid.starts_with(&s.root)
            {
                break;
            }
            if let Some((name, v)) = s.provider.next(oid, now) {
                return match scalar {
                    Some((k, sc)) if *k < name => Some((k.clone(), sc.value(now))),
                    _ => Some((name, v)),
                };
            }
        }
        scalar.map(|(k, s)| (k.clone(), s.value(now)))
    }

    /// First phase of a Set.
    pub fn check_set(&self, oid: &Oid, value: &Value) -> Result<(), SetError> {
        if let Some(s) = self.subtree_of(oid) {
            return s.provider.check_set(oid, value);
        }
        match self.scalars.get(oid) {
            None => Err(SetError::NoCreation),
            Some(Scalar::Computed(_))
            | Some(Scalar::Static {
                writable: false, ..
            }) => Err(SetError::NotWritable),
            Some(Scalar::Static { value: old, .. }) => {
                if std::mem::discriminant(old) == std::mem::discriminant(value) {
                    Ok(())
                } else {
                    Err(SetError::WrongType)
                }
            }
        }
    }

    /// Second phase of a Set (after every varbind passed
    /// [`Mib::check_set`]).
    pub fn commit_set(&mut self, oid: &Oid, value: Value) {
        let at = self.subtrees.partition_point(|s| s.root <= *oid);
        if let Some(s) = at.checked_sub(1).and_then(|i| self.subtrees.get_mut(i))
            && oid.starts_with(&s.root)
        {
            return s.provider.commit_set(oid, value);
        }
        if let Some(Scalar::Static { value: v, .. }) = self.scalars.get_mut(oid) {
            *v = value;
        }
    }
}

/// What [`Mib::provider`] accepts: a [`Table`] (mounted at its entry) or
/// any boxed [`Provider`].
pub trait IntoProvider {
    /// The provider for the subtree at `root`.
    fn into_provider(self, root: Oid) -> Box<dyn Provider>;
}

impl IntoProvider for Table {
    fn into_provider(self, root: Oid) -> Box<dyn Provider> {
        Box::new(Mounted {
            entry: root,
            table: self,
        })
    }
}

impl IntoProvider for Box<dyn Provider> {
    fn into_provider(self, _root: Oid) -> Box<dyn Provider> {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oid(s: &str) -> Oid {
        s.parse().unwrap()
    }

    fn walk(mib: &Mib) -> Vec<String> {
        let now = Instant::now();
        let mut at = oid("0");
        let mut out = Vec::new();
        while let Some((name, _)) = mib.next(&at, now) {
            assert!(name > at, "{name} after {at}");
            out.push(name.to_string());
            at = name;
        }
        out
    }

    #[test]
    fn scalars_and_tables_interleave_in_oid_order() {
        let mut mib = Mib::new();
        mib.scalar(oid("1.3.6.1.2.1.1.1.0"), Value::Integer(1));
        mib.scalar(oid("1.3.6.1.2.1.2.1.0"), Value::Integer(2));
        mib.scalar(oid("1.3.6.1.2.1.3.0"), Value::Integer(3));
        let t = Table::new(
            vec![3, 1],
            vec![Oid::new([10]), Oid::new([2]), Oid::new([1, 5])],
            |c, r, _| (c != 3 || r != 1).then_some(Value::Integer(i64::from(c) * 100 + r as i64)),
        );
        mib.provider(oid("1.3.6.1.2.1.2.2.1"), t).unwrap();
        assert_eq!(
            walk(&mib),
            [
                "1.3.6.1.2.1.1.1.0",
                "1.3.6.1.2.1.2.1.0",
                "1.3.6.1.2.1.2.2.1.1.1.5",
                "1.3.6.1.2.1.2.2.1.1.2",
                "1.3.6.1.2.1.2.2.1.1.10",
                "1.3.6.1.2.1.2.2.1.3.1.5",
                // row "2" (given second) has no column 3
                "1.3.6.1.2.1.2.2.1.3.10",
                "1.3.6.1.2.1.3.0",
            ]
        );
        let now = Instant::now();
        assert_eq!(
            mib.get(&oid("1.3.6.1.2.1.2.2.1.1.10"), now),
            Some(Value::Integer(100))
        );
        assert_eq!(mib.get(&oid("1.3.6.1.2.1.2.2.1.3.2"), now), None);
        assert!(mib.knows_object(&oid("1.3.6.1.2.1.2.2.1.3.99")));
        assert!(!mib.knows_object(&oid("1.3.6.1.2.1.2.2.1.2.1")));
        assert!(mib.knows_object(&oid("1.3.6.1.2.1.1.1.5")));
        assert!(!mib.knows_object(&oid("1.3.6.1.2.1.1.2.0")));
        // get-next from inside a row index, and from a column prefix
        assert_eq!(
            mib.next(&oid("1.3.6.1.2.1.2.2.1.1.1"), now).unwrap().0,
            oid("1.3.6.1.2.1.2.2.1.1.1.5")
        );
        assert_eq!(
            mib.next(&oid("1.3.6.1.2.1.2.2.1.2"), now).unwrap().0,
            oid("1.3.6.1.2.1.2.2.1.3.1.5")
        );
        assert!(
            mib.provider(
                oid("1.3.6.1.2.1.2.2"),
                Table::new(vec![], vec![], |_, _, _| None)
            )
            .is_err()
        );
    }

    #[test]
    fn set_checks_then_commits() {
        let mut mib = Mib::new();
        let name = oid("1.3.6.1.2.1.1.5.0");
        mib.writable(name.clone(), Value::OctetString(b"a".to_vec()));
        mib.scalar(oid("1.3.6.1.2.1.1.1.0"), Value::OctetString(b"d".to_vec()));
        assert_eq!(
            mib.check_set(&name, &Value::Integer(1)),
            Err(SetError::WrongType)
        );
        assert_eq!(
            mib.check_set(&oid("1.3.6.1.2.1.1.1.0"), &Value::OctetString(vec![])),
            Err(SetError::NotWritable)
        );
        assert_eq!(
            mib.check_set(&oid("1.3.6.1.2.1.1.9.0"), &Value::Integer(1)),
            Err(SetError::NoCreation)
        );
        let v = Value::OctetString(b"b".to_vec());
        assert_eq!(mib.check_set(&name, &v), Ok(()));
        mib.commit_set(&name, v.clone());
        assert_eq!(mib.get(&name, Instant::now()), Some(v));
    }
}
