//! INI settings files as Python's `configparser` reads them (the format of
//! t4Monitor's `settings.cfg`), with the line of every value kept for
//! error messages.
//!
//! * `[section]` headers; section names are case-sensitive.
//! * `key = value` or `key: value`; keys are case-insensitive (kept lower
//!   case); values are trimmed; an indented line continues the value above.
//! * Whole-line comments start with `#` or `;`; there are no inline
//!   comments (a password may contain `#`), as in Python 3.
//! * `[DEFAULT]` values are inherited by every section that lacks the key.
//! * A duplicate section, or a duplicate key in one section, is an error.
//!
//! ```
//! use netmon_core::ini::Ini;
//! let ini = Ini::parse("settings.cfg", "[DEFAULT]\nssh_port = 22\n\n[SMSC-1]\nip_or_hostname = 10.0.0.1\n")?;
//! let port = ini.get("SMSC-1", "SSH_PORT").unwrap();
//! assert_eq!((port.value.as_str(), port.line, port.inherited), ("22", 2, true));
//! # Ok::<(), netmon_core::Error>(())
//! ```

use crate::error::{Error, Position, Result};

/// The name of the section every other inherits from.
pub const DEFAULT_SECTION: &str = "DEFAULT";

/// One `key = value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The key, lower case.
    pub key: String,
    /// The value, trimmed; continuation lines joined with `\n`.
    pub value: String,
    /// 1-based line of the key.
    pub line: u64,
    /// Whether it came from `[DEFAULT]` rather than the section itself.
    pub inherited: bool,
}

/// One `[section]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The name, as written.
    pub name: String,
    /// 1-based line of the header.
    pub line: u64,
    /// Its own entries, in file order.
    pub entries: Vec<Entry>,
}

impl Section {
    fn own(&self, key: &str) -> Option<&Entry> {
        let key = key.to_lowercase();
        self.entries.iter().find(|e| e.key == key)
    }
}

/// A parsed INI file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ini {
    /// The file name used in messages.
    pub file: String,
    defaults: Section,
    sections: Vec<Section>,
}

impl Ini {
    /// Parses INI text; `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Ini> {
        let err = |line: u64, column: u64, reason: String| Error::Config {
            file: file.to_string(),
            position: Position::line_column(line, column),
            reason,
        };
        let mut ini = Ini {
            file: file.to_string(),
            defaults: Section {
                name: DEFAULT_SECTION.into(),
                line: 0,
                entries: Vec::new(),
            },
            sections: Vec::new(),
        };
        // Index of the current section (None: DEFAULT; before any header:
        // no section yet).
        let mut current: Option<Option<usize>> = None;
        let mut last_entry: Option<(Option<usize>, usize)> = None;
        for (i, raw) in text.lines().enumerate() {
            let line_no = i as u64 + 1;
            let raw = if i == 0 {
                raw.trim_start_matches('\u{feff}')
            } else {
                raw
            };
            let trimmed = raw.trim();
            if trimmed.is_empty() {
                last_entry = None;
                continue;
            }
            if trimmed.starts_with('#') || trimmed.starts_with(';') {
                continue;
            }
            // Continuation of the previous value.
            if raw.starts_with([' ', '\t'])
                && let Some((sec, idx)) = last_entry
            {
                let section = match sec {
                    None => &mut ini.defaults,
                    Some(s) => &mut ini.sections[s],
                };
                let entry = &mut section.entries[idx];
                entry.value.push('\n');
                entry.value.push_str(trimmed);
                continue;
            }
            if let Some(rest) = trimmed.strip_prefix('[') {
                let Some(name) = rest.strip_suffix(']') else {
                    return Err(err(line_no, 1, "a section header is `[name]`".into()));
                };
                let name = name.trim();
                if name.is_empty() {
                    return Err(err(line_no, 1, "an empty section name".into()));
                }
                if name == DEFAULT_SECTION {
                    if ini.defaults.line != 0 {
                        return Err(err(
                            line_no,
                            1,
                            format!("[DEFAULT] again (first at line {})", ini.defaults.line),
                        ));
                    }
                    ini.defaults.line = line_no;
                    current = Some(None);
                } else {
                    if let Some(first) = ini.sections.iter().find(|s| s.name == name) {
                        return Err(err(
                            line_no,
                            1,
                            format!("section [{name}] again (first at line {})", first.line),
                        ));
                    }
                    ini.sections.push(Section {
                        name: name.to_string(),
                        line: line_no,
                        entries: Vec::new(),
                    });
                    current = Some(Some(ini.sections.len() - 1));
                }
                last_entry = None;
                continue;
            }
            let Some(sep) = raw.find(['=', ':']) else {
                return Err(err(
                    line_no,
                    1,
                    "expected `key = value`, a `[section]` or a comment".into(),
                ));
            };
            let key = raw[..sep].trim().to_lowercase();
            if key.is_empty() {
                return Err(err(line_no, 1, "a key before '='".into()));
            }
            let Some(sec) = current else {
                return Err(err(line_no, 1, format!("{key:?} before any [section]")));
            };
            let section = match sec {
                None => &mut ini.defaults,
                Some(s) => &mut ini.sections[s],
            };
            if let Some(first) = section.entries.iter().find(|e| e.key == key) {
                return Err(err(
                    line_no,
                    1,
                    format!(
                        "{key:?} again in [{}] (first at line {})",
                        section.name, first.line
                    ),
                ));
            }
            section.entries.push(Entry {
                key,
                value: raw[sep + 1..].trim().to_string(),
                line: line_no,
                inherited: false,
            });
            last_entry = Some((sec, section.entries.len() - 1));
        }
        Ok(ini)
    }

    /// The sections besides `[DEFAULT]`, in file order.
    pub fn sections(&self) -> &[Section] {
        &self.sections
    }

    /// A section by exact name (not `[DEFAULT]`).
    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }

    /// The `[DEFAULT]` section (empty with line 0 when absent).
    pub fn defaults(&self) -> &Section {
        &self.defaults
    }

    /// A value of a section, or inherited from `[DEFAULT]`; any case of key.
    pub fn get(&self, section: &str, key: &str) -> Option<Entry> {
        if let Some(e) = self.section(section).and_then(|s| s.own(key)) {
            return Some(e.clone());
        }
        self.defaults.own(key).map(|e| Entry {
            inherited: true,
            ..e.clone()
        })
    }

    /// Every key a section has, its own and inherited, in file order.
    pub fn merged(&self, section: &str) -> Vec<Entry> {
        let mut out: Vec<Entry> = self
            .section(section)
            .map(|s| s.entries.clone())
            .unwrap_or_default();
        for d in &self.defaults.entries {
            if !out.iter().any(|e| e.key == d.key) {
                out.push(Entry {
                    inherited: true,
                    ..d.clone()
                });
            }
        }
        out
    }

    /// An error about a value, positioned at its line.
    pub fn error(&self, line: u64, reason: impl Into<String>) -> Error {
        Error::Config {
            file: self.file.clone(),
            position: Position {
                line: Some(line),
                column: None,
                byte: None,
            },
            reason: reason.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configparser_rules() {
        let text = "; comment\n[DEFAULT]\nSSH_Port = 22\nfolder: smsc$root:[monitor.out]\npassword = p#ss;word\n\n\
                    [SMSC-1]\nip_or_hostname = 10.0.0.1\nssh_port = 2222\nmulti = first\n  second\n\n[smsc-1]\n";
        let ini = Ini::parse("s.cfg", text).unwrap();
        assert_eq!(ini.sections().len(), 2, "names are case-sensitive");
        let port = ini.get("SMSC-1", "ssh_port").unwrap();
        assert_eq!(
            (port.value.as_str(), port.line, port.inherited),
            ("2222", 9, false)
        );
        let folder = ini.get("SMSC-1", "FOLDER").unwrap();
        assert_eq!(
            (folder.value.as_str(), folder.inherited),
            ("smsc$root:[monitor.out]", true)
        );
        assert_eq!(
            ini.get("SMSC-1", "password").unwrap().value,
            "p#ss;word",
            "no inline comments"
        );
        assert_eq!(ini.get("SMSC-1", "multi").unwrap().value, "first\nsecond");
        assert_eq!(ini.get("smsc-1", "ssh_port").unwrap().value, "22");
        assert!(ini.get("SMSC-1", "nothing").is_none());
        let merged: Vec<String> = ini.merged("SMSC-1").into_iter().map(|e| e.key).collect();
        assert_eq!(
            merged,
            ["ip_or_hostname", "ssh_port", "multi", "folder", "password"]
        );
    }

    #[test]
    fn errors_say_where() {
        let cases: &[(&str, u64, &str)] = &[
            ("key = 1\n", 1, "before any [section]"),
            ("[A]\nnot a pair\n", 2, "expected `key = value`"),
            ("[A\n", 1, "[name]"),
            ("[]\n", 1, "empty section"),
            (
                "[A]\nx = 1\n[A]\n",
                3,
                "section [A] again (first at line 1)",
            ),
            (
                "[A]\nx = 1\nX = 2\n",
                3,
                "\"x\" again in [A] (first at line 2)",
            ),
            ("[DEFAULT]\n[DEFAULT]\n", 2, "[DEFAULT] again"),
            ("[A]\n = 1\n", 2, "a key"),
        ];
        for (text, line, needle) in cases {
            let e = Ini::parse("bad.cfg", text).unwrap_err();
            assert_eq!(
                e.position().and_then(|p| p.line),
                Some(*line),
                "{text:?}: {e}"
            );
            assert!(
                e.to_string().contains(needle) && e.to_string().starts_with("bad.cfg: line"),
                "{text:?}: {e}"
            );
        }
    }
}
