//! [`Secret<T>`]: passwords, community strings and keys that never show up
//! in logs, errors, `Debug` output or state dumps.

use std::fmt;

/// What every masked secret prints as.
pub const MASK: &str = "*****";

/// A value that must not leak: `Debug`, `Display` and `Serialize` all give
/// `*****`. The value is reached only by asking for it by name,
/// [`expose`](Secret::expose), so every use is easy to find in review.
///
/// Deserialising reads the clear value (settings files hold passwords in
/// clear). To write one in clear — a state file that must be read back —
/// say so explicitly: serialise [`Secret::exposed`], or mark the field with
/// `#[serde(with = "netmon_core::secret::clear")]`.
///
/// Equality is deliberately not derived; compare exposed values where that
/// is really meant, or use [`Secret::ct_eq`] for byte-like secrets.
///
/// ```
/// use netmon_core::Secret;
/// let password = Secret::new(String::from("authpass123"));
/// assert_eq!(format!("{password:?} {password}"), "***** *****");
/// assert_eq!(password.expose(), "authpass123");
/// ```
#[derive(Clone, Default)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    /// Wraps a value.
    pub const fn new(value: T) -> Self {
        Secret(value)
    }

    /// The clear value. Keep what it returns out of logs.
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// Unwraps the clear value.
    pub fn into_exposed(self) -> T {
        self.0
    }

    /// A new secret from a function of the clear value (a derived key).
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Secret<U> {
        Secret(f(self.0))
    }

    /// A view that serialises the clear value: the explicit way to write a
    /// secret out.
    pub fn exposed(&self) -> Exposed<'_, T> {
        Exposed(&self.0)
    }
}

impl<T: AsRef<[u8]>> Secret<T> {
    /// Compares with other bytes in time that depends only on the lengths,
    /// not on where the first difference is.
    pub fn ct_eq(&self, other: impl AsRef<[u8]>) -> bool {
        let a = self.0.as_ref();
        let b = other.as_ref();
        if a.len() != b.len() {
            return false;
        }
        let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
        std::hint::black_box(diff) == 0
    }

    /// True when the secret has no bytes (an empty password).
    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_empty()
    }
}

impl<T> From<T> for Secret<T> {
    fn from(value: T) -> Self {
        Secret(value)
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl<T> serde::Serialize for Secret<T> {
    /// Masked: writes `*****`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(MASK)
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Secret<T> {
    /// Reads the clear value.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(Secret)
    }
}

/// A borrowed secret that serialises in clear, from [`Secret::exposed`].
pub struct Exposed<'a, T>(&'a T);

impl<T> fmt::Debug for Exposed<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl<T: serde::Serialize> serde::Serialize for Exposed<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// `#[serde(with = "netmon_core::secret::clear")]`: a field that is
/// serialised in clear, for files that must be read back with the secret.
pub mod clear {
    use super::Secret;

    /// Serialises the clear value.
    pub fn serialize<T: serde::Serialize, S: serde::Serializer>(
        secret: &Secret<T>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        secret.expose().serialize(s)
    }

    /// Deserialises the clear value.
    pub fn deserialize<'de, T: serde::Deserialize<'de>, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<Secret<T>, D::Error> {
        T::deserialize(d).map(Secret::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, Debug)]
    struct Login {
        user: String,
        password: Secret<String>,
        #[serde(with = "clear")]
        key: Secret<Vec<u8>>,
    }

    #[test]
    fn masked_everywhere_by_default() {
        let l = Login {
            user: "ops".into(),
            password: Secret::new("hunter2".into()),
            key: Secret::new(vec![1, 2, 3]),
        };
        let dbg = format!("{l:?}");
        assert!(
            !dbg.contains("hunter2") && !dbg.contains("[1, 2, 3]"),
            "{dbg}"
        );
        assert_eq!(l.password.to_string(), "*****");
        let json = serde_json::to_string(&l).unwrap();
        assert_eq!(json, r#"{"user":"ops","password":"*****","key":[1,2,3]}"#);
    }

    #[test]
    fn clear_only_when_asked() {
        let p: Secret<String> = Secret::new("hunter2".into());
        assert_eq!(serde_json::to_string(&p.exposed()).unwrap(), "\"hunter2\"");
        assert_eq!(format!("{:?}", p.exposed()), "*****");
        let back: Login =
            serde_json::from_str(r#"{"user":"u","password":"pw","key":[9]}"#).unwrap();
        assert_eq!(back.password.expose(), "pw");
        assert_eq!(back.key.expose(), &vec![9]);
    }

    #[test]
    fn constant_time_compare() {
        let s = Secret::new(b"authpass123".to_vec());
        assert!(s.ct_eq(b"authpass123"));
        assert!(!s.ct_eq(b"authpass124"));
        assert!(!s.ct_eq(b"authpass12"));
        assert!(!s.is_empty());
        assert!(Secret::new("").is_empty());
        let k = Secret::new(String::from("abc")).map(|s| s.len());
        assert_eq!(*k.expose(), 3);
    }
}
