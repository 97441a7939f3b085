//! Several columns of a conceptual table walked together, rows
//! assembled by index: each request carries one varbind per column not
//! yet finished (GetBulk, or GetNext in SNMPv1), so a table of C columns
//! costs about rows × C / max-repetitions round trips, and a sparse
//! column leaves holes (`None`) rather than shifting cells between rows.
//!
//! ```
//! use netmon_snmp::engine::table::TableWalk;
//! use netmon_snmp::{Oid, Version};
//! let if_entry: Oid = "1.3.6.1.2.1.2.2.1".parse().unwrap();
//! let t = TableWalk::new(if_entry, &[2, 10, 16], 20, Version::V2c);
//! let (pdu_type, varbinds, max_repetitions) = t.next_request().unwrap();
//! assert_eq!(varbinds.len(), 3);
//! ```

use std::collections::BTreeMap;

use crate::engine::walk::WalkEnd;
use crate::message::Version;
use crate::oid::Oid;
use crate::pdu::{Pdu, PduType, VarBind, error_status};
use crate::value::Value;

/// A table walk's rows: index (the OID suffix after the column), then one
/// cell per requested column, in the order asked.
pub type Rows = Vec<(Oid, Vec<Option<Value>>)>;

/// The walk.
#[derive(Debug, Clone)]
pub struct TableWalk {
    entry: Oid,
    columns: Vec<u32>,
    /// Where each column goes on from; `None` once it is finished.
    cursors: Vec<Option<Oid>>,
    max_repetitions: i32,
    version: Version,
    rows: BTreeMap<Oid, Vec<Option<Value>>>,
    end: Option<WalkEnd>,
}

impl TableWalk {
    /// Walks `columns` (arcs under `entry`, e.g. ifEntry's 2, 10, 16).
    pub fn new(entry: Oid, columns: &[u32], max_repetitions: i32, version: Version) -> Self {
        let cursors = columns.iter().map(|c| Some(entry.child(*c))).collect();
        TableWalk {
            entry,
            columns: columns.to_vec(),
            cursors,
            max_repetitions: max_repetitions.max(1),
            version,
            rows: BTreeMap::new(),
            end: if columns.is_empty() {
                Some(WalkEnd::LeftSubtree)
            } else {
                None
            },
        }
    }

    /// The next request: its PDU type, varbinds and max-repetitions;
    /// `None` once the walk has ended.
    pub fn next_request(&self) -> Option<(PduType, Vec<VarBind>, i32)> {
        if self.end.is_some() {
            return None;
        }
        let varbinds: Vec<VarBind> = self
            .cursors
            .iter()
            .flatten()
            .map(|o| VarBind::null(o.clone()))
            .collect();
        Some(if self.version == Version::V1 {
            (PduType::GetNextRequest, varbinds, 0)
        } else {
            (PduType::GetBulkRequest, varbinds, self.max_repetitions)
        })
    }

    /// max-repetitions now (halved on tooBig, genErr and timeouts).
    pub fn max_repetitions(&self) -> i32 {
        self.max_repetitions
    }

    /// Why the walk ended, once it has.
    pub fn end(&self) -> Option<&WalkEnd> {
        self.end.as_ref()
    }

    fn shrink(&mut self) -> bool {
        if self.version != Version::V1 && self.max_repetitions > 1 {
            self.max_repetitions /= 2;
            true
        } else {
            false
        }
    }

    /// The request timed out after its retries.
    pub fn on_timeout(&mut self) {
        if self.end.is_none() && !self.shrink() {
            self.end = Some(WalkEnd::Timeout);
        }
    }

    /// Takes the response to [`TableWalk::next_request`]'s request.
    pub fn on_response(&mut self, pdu: &Pdu) {
        if self.end.is_some() {
            return;
        }
        if pdu.pdu_type != PduType::Response {
            self.end = Some(WalkEnd::BadResponse("not a Response PDU"));
            return;
        }
        match pdu.error_status {
            error_status::NO_ERROR => {}
            error_status::NO_SUCH_NAME if self.version == Version::V1 => {
                // v1 has no per-varbind end: walk the columns one by one
                // from here would be needed to tell which ended; the
                // varbinds are not usable, so every column ends.
                self.cursors.iter_mut().for_each(|c| *c = None);
                self.end = Some(WalkEnd::EndOfMibView);
                return;
            }
            error_status::TOO_BIG | error_status::GEN_ERR if self.shrink() => return,
            status => {
                self.end = Some(WalkEnd::ErrorStatus {
                    status,
                    index: pdu.error_index,
                });
                return;
            }
        }
        let active: Vec<usize> = (0..self.cursors.len())
            .filter(|i| self.cursors[*i].is_some())
            .collect();
        if pdu.varbinds.is_empty() || active.is_empty() {
            self.end = Some(WalkEnd::BadResponse("a response without varbinds"));
            return;
        }
        let width = self.columns.len();
        for (i, vb) in pdu.varbinds.iter().enumerate() {
            let c = active[i % active.len()];
            let Some(cursor) = self.cursors[c].clone() else {
                continue;
            };
            let column = self.entry.child(self.columns[c]);
            if vb.value == Value::EndOfMibView || !vb.name.starts_with(&column) {
                self.cursors[c] = None;
                continue;
            }
            if vb.name <= cursor {
                self.end = Some(WalkEnd::NonIncreasing {
                    previous: cursor,
                    received: vb.name.clone(),
                });
                return;
            }
            let index = Oid::new(&vb.name.arcs()[column.len()..]);
            self.rows.entry(index).or_insert_with(|| vec![None; width])[c] = Some(vb.value.clone());
            self.cursors[c] = Some(vb.name.clone());
        }
        if self.cursors.iter().all(Option::is_none) {
            self.end = Some(WalkEnd::LeftSubtree);
        }
    }

    /// The rows assembled so far (all of them once the walk has ended).
    pub fn into_rows(self) -> Rows {
        self.rows.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oid(s: &str) -> Oid {
        s.parse().unwrap()
    }

    fn response(vbs: &[(&str, Value)]) -> Pdu {
        Pdu::new(
            PduType::Response,
            1,
            vbs.iter()
                .map(|(n, v)| VarBind::new(oid(n), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn sparse_columns_keep_rows_aligned() {
        let mut t = TableWalk::new(oid("1.3.6.1.2.1.2.2.1"), &[2, 10], 2, Version::V2c);
        // Column 10 has no row 2; repetitions interleave the columns.
        t.on_response(&response(&[
            ("1.3.6.1.2.1.2.2.1.2.1", Value::OctetString(b"a".to_vec())),
            ("1.3.6.1.2.1.2.2.1.10.1", Value::Counter32(5)),
            ("1.3.6.1.2.1.2.2.1.2.2", Value::OctetString(b"b".to_vec())),
            ("1.3.6.1.2.1.2.2.1.10.3", Value::Counter32(7)),
        ]));
        assert!(t.end().is_none());
        let (_, vbs, _) = t.next_request().unwrap();
        assert_eq!(vbs.len(), 2);
        t.on_response(&response(&[
            ("1.3.6.1.2.1.2.2.1.2.3", Value::OctetString(b"c".to_vec())),
            ("1.3.6.1.2.1.2.2.1.11.1", Value::Counter32(0)),
            ("1.3.6.1.2.1.2.2.1.3.1", Value::Integer(6)),
            ("1.3.6.1.2.1.2.2.1.11.2", Value::Counter32(0)),
        ]));
        assert_eq!(t.end(), Some(&WalkEnd::LeftSubtree));
        let rows = t.into_rows();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].0, Oid::new([2]));
        assert_eq!(rows[1].1[1], None);
        assert_eq!(rows[2].1[1], Some(Value::Counter32(7)));
    }

    #[test]
    fn too_big_halves_then_errors_end() {
        let mut t = TableWalk::new(oid("1.3.6.1.2.1.2.2.1"), &[2], 8, Version::V2c);
        let mut big = response(&[]);
        big.error_status = error_status::TOO_BIG;
        t.on_response(&big);
        assert_eq!(t.max_repetitions(), 4);
        let mut bad = response(&[]);
        bad.error_status = 5;
        for _ in 0..2 {
            t.on_response(&bad);
        }
        assert_eq!(t.max_repetitions(), 1);
        t.on_response(&bad);
        assert!(matches!(
            t.end(),
            Some(WalkEnd::ErrorStatus { status: 5, .. })
        ));
    }
}
