//! Views (a simplified VACM, RFC 3415): which OIDs a community or user
//! may see. The longest matching subtree rule decides; an OID no rule
//! covers is outside the view.

use crate::oid::Oid;

/// Included and excluded subtrees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    rules: Vec<(Oid, bool)>,
}

impl Default for View {
    fn default() -> Self {
        View::all()
    }
}

impl View {
    /// Everything.
    pub fn all() -> Self {
        View {
            rules: vec![(Oid::new([]), true)],
        }
    }

    /// Nothing until subtrees are included.
    pub fn none() -> Self {
        View { rules: Vec::new() }
    }

    /// Includes a subtree.
    pub fn include(mut self, subtree: Oid) -> Self {
        self.rules.push((subtree, true));
        self
    }

    /// Excludes a subtree (of an included one).
    pub fn exclude(mut self, subtree: Oid) -> Self {
        self.rules.push((subtree, false));
        self
    }

    /// Whether `oid` is in the view.
    pub fn allows(&self, oid: &Oid) -> bool {
        self.rules
            .iter()
            .filter(|(s, _)| oid.starts_with(s))
            .max_by_key(|(s, _)| s.len())
            .is_some_and(|(_, inc)| *inc)
    }

    /// For an `oid` outside the view: the first OID after it where the
    /// view may include something again (the sibling after the excluding
    /// subtree, or the next included subtree); `None` when nothing after
    /// it is included.
    pub fn resume_after(&self, oid: &Oid) -> Option<Oid> {
        let deciding = self
            .rules
            .iter()
            .filter(|(s, _)| oid.starts_with(s))
            .max_by_key(|(s, _)| s.len());
        match deciding {
            Some((excluded, false)) => {
                let arcs = excluded.arcs();
                let (&last, parent) = arcs.split_last()?;
                let mut next = Oid::new(parent);
                next.push(last.checked_add(1)?);
                Some(next)
            }
            _ => self
                .rules
                .iter()
                .filter(|(s, inc)| *inc && s > oid)
                .map(|(s, _)| s.clone())
                .min(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_rule_wins() {
        let o = |s: &str| s.parse::<Oid>().unwrap();
        let v = View::none()
            .include(o("1.3.6.1.2.1"))
            .exclude(o("1.3.6.1.2.1.2"))
            .include(o("1.3.6.1.2.1.2.1"));
        assert!(v.allows(&o("1.3.6.1.2.1.1.1.0")));
        assert!(!v.allows(&o("1.3.6.1.2.1.2.2.1.1.1")));
        assert!(v.allows(&o("1.3.6.1.2.1.2.1.0")));
        assert!(!v.allows(&o("1.3.6.1.4.1")));
        assert!(View::all().allows(&o("1.3")));
        assert_eq!(
            v.resume_after(&o("1.3.6.1.2.1.2.0")),
            Some(o("1.3.6.1.2.1.3"))
        );
        assert_eq!(v.resume_after(&o("1.3.6.1.1")), Some(o("1.3.6.1.2.1")));
        assert_eq!(v.resume_after(&o("1.3.6.1.4")), None);
        let all_but = View::all().exclude(o("1.3.6.1.6.3.15"));
        assert_eq!(
            all_but.resume_after(&o("1.3.6.1.6.3.15.1.1.4.0")),
            Some(o("1.3.6.1.6.3.16"))
        );
    }
}
