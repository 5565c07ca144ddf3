//! What the browser tests share: Debian's Chromium, commands that must succeed, a server in a
//! process group of its own (stopped whole when dropped), and waiting for a port.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Debian's Chromium (never a downloaded browser).
///
/// # Panics
///
/// When it is not installed, saying how to install it.
pub fn chromium() -> PathBuf {
    let candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];
    candidates.iter().map(PathBuf::from).find(|p| p.is_file()).unwrap_or_else(|| {
        panic!("Chromium is not installed: `apt-get install chromium` (Debian) — ./scripts/test.sh does it when it can")
    })
}

/// Runs `program` in `dir` and asserts that it succeeded, showing its output when it did not.
pub fn run(dir: &Path, program: &str, args: &[&str], envs: &[(&str, &str)]) {
    let output = Command::new(program)
        .args(args)
        .current_dir(dir)
        .envs(envs.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        output.status.success(),
        "{program} {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A command started in a process group of its own, the whole group stopped when dropped:
/// `npx next start` is only the parent of the `next-server` that listens, and stopping `npx`
/// alone leaves that server running after the test.
pub struct ProcessGroup(Child);

impl ProcessGroup {
    /// Starts `command` as the leader of a new process group.
    pub fn start(mut command: Command) -> Self {
        use std::os::unix::process::CommandExt;
        Self(
            command
                .process_group(0)
                .spawn()
                .expect("start the process group"),
        )
    }

    /// Sends `signal` to every process of the group (`kill -SIG -PGID`).
    fn signal_group(&self, signal: &str) {
        // The shell's own `kill`, which every system has.
        let _ = Command::new("sh")
            .args(["-c", &format!("kill {signal} -{}", self.0.id())])
            .stderr(Stdio::null())
            .status();
    }
}

impl Drop for ProcessGroup {
    fn drop(&mut self) {
        // TERM to the group, then (whoever is still there after 5 s) KILL; the group's other
        // members may outlive the leader, so KILL goes out in any case (to an empty group it is
        // a no-op). The end of the test command checks that nothing was left.
        for signal in ["-TERM", "-KILL"] {
            self.signal_group(signal);
            for _ in 0..50 {
                if matches!(self.0.try_wait(), Ok(Some(_))) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

/// Waits (up to a minute) until something listens on `port` at 127.0.0.1.
pub fn wait_for_port(port: u16) {
    for _ in 0..600 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("nothing listens on {port}");
}

/// Runs `node --test <file>` in `dir` with `envs`: whether it passed (exit 0, no failed test)
/// and everything it printed.
pub fn node_test(dir: &Path, file: &str, envs: &[(&str, &std::ffi::OsStr)]) -> (bool, String) {
    let output = Command::new("node")
        .args(["--test", file])
        .current_dir(dir)
        .envs(envs.iter().copied())
        .output()
        .expect("node");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success() && text.contains("# fail 0"), text)
}
