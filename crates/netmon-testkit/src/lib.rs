//! Test support shared by netmon's crates (a dev-dependency only).
//!
//! # The corpus
//!
//! Real-world files nobody on the team wrote (T4 statistics, SNMP captures,
//! USM test vectors) live beside the project, not in it. Tests find the
//! folder through the `NETMON_CORPUS` environment variable, else
//! `../shared/corpus` from the workspace root.
//!
//! A test built on the corpus asks for its file with [`corpus_file`]:
//!
//! ```
//! # fn main() {
//! let Some(path) = netmon_testkit::corpus_file("t4/test_data.csv") else {
//!     return; // skipped, and the reason was printed
//! };
//! assert!(path.is_file());
//! # }
//! ```
//!
//! Where the corpus is absent the call prints why the test is skipped and
//! returns `None`; under CI (`CI=true`) it panics instead, so that a test
//! cannot pass by silently skipping there.

#![forbid(unsafe_code)]
#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]

use std::io::Write;
use std::path::{Path, PathBuf};

/// The environment variable that points at the corpus folder.
pub const CORPUS_ENV: &str = "NETMON_CORPUS";

/// The workspace root (the folder of the root `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    // This crate lives at <root>/crates/netmon-testkit.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Where the corpus should be: `$NETMON_CORPUS`, else
/// `<workspace root>/../shared/corpus`. It may not exist.
pub fn corpus_dir() -> PathBuf {
    match std::env::var_os(CORPUS_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => workspace_root().join("..").join("shared").join("corpus"),
    }
}

/// True when running under CI (`CI` set to `true` or `1`).
pub fn in_ci() -> bool {
    matches!(
        std::env::var("CI")
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Ok("true" | "1")
    )
}

/// What to do about a missing corpus file, decided apart from the
/// environment so that it can be tested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// The file is there.
    Found(PathBuf),
    /// Not there; the test should skip with this reason.
    Skip(String),
    /// Not there under CI; the test must fail with this reason.
    Fail(String),
}

/// Looks for `relative` under `dir`.
pub fn lookup(dir: &Path, relative: &str, ci: bool) -> Lookup {
    let path = dir.join(relative);
    if path.exists() {
        return Lookup::Found(path);
    }
    let reason = if dir.is_dir() {
        format!(
            "corpus file {relative} is missing from {} (set {CORPUS_ENV} to another corpus?)",
            dir.display()
        )
    } else {
        format!(
            "the corpus folder {} is absent (set {CORPUS_ENV} to where it is)",
            dir.display()
        )
    };
    if ci {
        Lookup::Fail(format!("{reason}; CI=true requires the corpus"))
    } else {
        Lookup::Skip(reason)
    }
}

/// Prints a skip notice straight to the process's stderr, past the test
/// harness's output capture, so that it shows even for passing tests.
pub fn print_skip(reason: &str) {
    let test = std::thread::current()
        .name()
        .unwrap_or("a test")
        .to_string();
    let _ = writeln!(std::io::stderr().lock(), "SKIPPED {test}: {reason}");
}

/// The path of a corpus file or folder (`t4/test_data.csv`, `snmp/pcap`).
///
/// Absent: prints the skip reason and returns `None`, or panics under CI.
#[track_caller]
pub fn corpus_file(relative: &str) -> Option<PathBuf> {
    match lookup(&corpus_dir(), relative, in_ci()) {
        Lookup::Found(path) => Some(path),
        Lookup::Skip(reason) => {
            print_skip(&reason);
            None
        }
        Lookup::Fail(reason) => panic!("{reason}"),
    }
}

/// An external program the test needs (`chromium`, `snmpd`, `sshd` …),
/// found on `PATH` or in `/usr/sbin`.
///
/// Absent: prints the skip reason and returns `None`, or panics under CI,
/// where `.ci/run` installs every such program.
#[track_caller]
pub fn tool(name: &str) -> Option<PathBuf> {
    let dirs = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    let found = dirs
        .into_iter()
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/usr/bin")])
        .map(|d| d.join(name))
        .find(|p| p.is_file());
    if found.is_none() {
        let reason = format!("{name} is not installed (./scripts/test.sh installs it as root)");
        if in_ci() {
            panic!("{reason}; CI=true requires it");
        }
        print_skip(&reason);
    }
    found
}

pub mod snmpd;
pub mod sshd;

/// A binary of the workspace's `examples/` (`target/<profile>/examples/<name>`),
/// as `cargo build --examples` builds it; called from an integration test.
#[track_caller]
pub fn example_binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let profile = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps/<test>");
    let path = profile.join("examples").join(name);
    assert!(
        path.is_file(),
        "{} is not built: run `cargo build --examples` first (./scripts/test.sh does)",
        path.display()
    );
    path
}

/// The `smsc_monitor` example, writing its store to `dir/store` and its
/// reports to `dir/reports`; the caller adds the rest of the command line.
#[track_caller]
pub fn smsc_monitor_in(dir: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(example_binary("smsc_monitor"));
    cmd.arg("--store")
        .arg(dir.join("store"))
        .arg("--reports")
        .arg(dir.join("reports"));
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn found_skip_or_fail() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("t4")).unwrap();
        std::fs::write(dir.path().join("t4/a.csv"), b"x").unwrap();
        assert_eq!(
            lookup(dir.path(), "t4/a.csv", true),
            Lookup::Found(dir.path().join("t4/a.csv"))
        );
        match lookup(dir.path(), "t4/b.csv", false) {
            Lookup::Skip(r) => assert!(r.contains("t4/b.csv is missing"), "{r}"),
            other => panic!("{other:?}"),
        }
        let absent = dir.path().join("nowhere");
        match lookup(&absent, "t4/a.csv", false) {
            Lookup::Skip(r) => assert!(r.contains("is absent"), "{r}"),
            other => panic!("{other:?}"),
        }
        match lookup(&absent, "t4/a.csv", true) {
            Lookup::Fail(r) => assert!(r.contains("CI=true"), "{r}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn tools_on_the_path() {
        // `sh` is on every machine this runs on.
        assert!(tool("sh").is_some_and(|p| p.is_file()));
    }

    #[test]
    fn default_corpus_is_beside_the_workspace() {
        let root = workspace_root();
        assert!(root.join("Cargo.toml").is_file(), "{}", root.display());
        assert!(root.join("crates/netmon-testkit").is_dir());
        if std::env::var_os(CORPUS_ENV).is_none() {
            assert_eq!(corpus_dir(), root.join("../shared/corpus"));
        }
    }
}

/// The two SNMP messages the corpus README publishes as hex: the 288-octet
/// GetResponse of the decode benchmarks and the Counter64 response. Read
/// from the README in place (nothing of the corpus is committed).
#[track_caller]
pub fn snmp_readme_messages() -> Option<SnmpReadmeMessages> {
    let path = corpus_file("README.md")?;
    let text = std::fs::read_to_string(&path).expect("corpus README readable");
    Some(
        parse_snmp_readme(&text)
            .expect("corpus README: the SNMP reference messages are where they were"),
    )
}

/// See [`snmp_readme_messages`].
#[derive(Debug, Clone)]
pub struct SnmpReadmeMessages {
    /// snmpd 5.9.3's reply to a v2c GET of ten objects (288 octets).
    pub getresponse10: Vec<u8>,
    /// A v2c Response with Counter64 2^63, Counter64 2^64−1 and INTEGER 7.
    pub counter64: Vec<u8>,
}

/// Hex text (whitespace ignored) to octets; `None` when it is not hex.
pub fn unhex(s: &str) -> Option<Vec<u8>> {
    let s: String = s.split_whitespace().collect();
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

fn parse_snmp_readme(text: &str) -> Option<SnmpReadmeMessages> {
    let after = &text[text.find("### A reference message for decode benchmarks")?..];
    let fence = after.find("```")? + 3;
    let body = &after[fence..];
    let body = &body[body.find('\n')? + 1..];
    let getresponse10 = unhex(&body[..body.find("```")?])?;
    let c = &after[after.find("A v2c Response with Counter64")?..];
    let start = c.find("\n`")? + 2;
    let counter64 = unhex(&c[start..start + c[start..].find('`')?])?;
    Some(SnmpReadmeMessages {
        getresponse10,
        counter64,
    })
}

/// Hex text to octets, for literals in tests (panics on bad hex).
#[track_caller]
pub fn hex(s: &str) -> Vec<u8> {
    unhex(s).unwrap_or_else(|| panic!("not hex: {s}"))
}

/// Octets as lowercase hex text.
pub fn to_hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// One line per frame of `tshark -T fields` over `file`, as the pcap
/// differential tests compare them: IPv4/TCP/UDP checksum checks on,
/// defragmentation off, the first occurrence of each field, tab-separated
/// and padded to one column per field (tshark drops trailing empty ones).
/// A damaged file gives the frames tshark read before the damage.
pub fn tshark_fields(tshark: &Path, file: &Path, fields: &[&str]) -> Vec<String> {
    let out = std::process::Command::new(tshark)
        .args(["-n", "-r"])
        .arg(file)
        .args([
            "-o",
            "tcp.check_checksum:TRUE",
            "-o",
            "udp.check_checksum:TRUE",
            "-o",
            "ip.check_checksum:TRUE",
            "-o",
            "ip.defragment:FALSE",
            "-o",
            "ipv6.defragment:FALSE",
            "-T",
            "fields",
            "-E",
            "header=n",
            "-E",
            "separator=/t",
            "-E",
            "occurrence=f",
        ])
        .args(fields.iter().flat_map(|f| ["-e", f]))
        .output()
        .expect("run tshark");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let mut cols: Vec<&str> = l.split('\t').collect();
            cols.resize(fields.len(), "");
            cols.join("\t")
        })
        .collect()
}
