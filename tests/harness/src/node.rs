//! The npm packages the tests run (Better Auth's client and server, maildev), each pinned by
//! its lockfile in a folder of the repository and installed with `npm ci` on first use.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository folder `relative` (such as `tests/mail-catcher`), with its packages installed:
/// `npm ci` runs when `marker` (a path inside it, such as `node_modules/maildev`) is missing.
///
/// # Panics
///
/// When Node.js or npm is missing, or `npm ci` fails, saying which.
pub fn installed(relative: &str, marker: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(relative);
    if dir.join(marker).exists() {
        return dir;
    }
    let output = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&dir)
        .output()
        .unwrap_or_else(|e| {
            panic!("npm is needed for this test: install Node.js 20.19 or newer with npm ({e})")
        });
    assert!(
        output.status.success(),
        "npm ci in {} failed:\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    dir
}
