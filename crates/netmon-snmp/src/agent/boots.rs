//! snmpEngineBoots kept in a file across restarts (RFC 3414 §2.2.2: it
//! must grow on every start, or managers' time windows break).

use std::io;
use std::path::Path;

/// Reads the boots count from `path` (0 when the file does not exist),
/// adds one, writes it back (through a temporary file and a rename, so a
/// crash never leaves it empty) and returns the new count. A file that
/// does not hold a number is an error, not a silent restart at 1.
pub fn next_boots(path: &Path) -> io::Result<i32> {
    let previous = match std::fs::read_to_string(path) {
        Ok(text) => text.trim().parse::<i32>().map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: engine boots {:?}: {e}", path.display(), text.trim()),
            )
        })?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => 0,
        Err(e) => return Err(e),
    };
    // At the ceiling (MAX_BOOTS, i32::MAX) the engine stays latched (RFC
    // 3414 §2.2.2): saturating.
    let boots = previous.saturating_add(1);
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, format!("{boots}\n"))?;
    std::fs::rename(&tmp, path)?;
    Ok(boots)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usm::time::MAX_BOOTS;

    #[test]
    fn grows_on_every_start() {
        let dir = std::env::temp_dir().join(format!("netmon-boots-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("boots");
        let _ = std::fs::remove_file(&f);
        assert_eq!(next_boots(&f).unwrap(), 1);
        assert_eq!(next_boots(&f).unwrap(), 2);
        std::fs::write(&f, "garbage").unwrap();
        assert!(next_boots(&f).is_err());
        std::fs::write(&f, format!("{MAX_BOOTS}")).unwrap();
        assert_eq!(next_boots(&f).unwrap(), MAX_BOOTS);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
