//! A real SMTP server for tests: maildev (tests/mail-catcher, installed with `npm ci` on first
//! use), on free loopback ports, in a process group of its own that is stopped when dropped.
//! Its REST API shows what it caught; [`MailCatcher::stop`] and [`MailCatcher::restart`] make
//! the mail server go away and come back on the same port.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::http;

/// One mail as the catcher received it.
#[derive(Debug, Clone)]
pub struct CaughtMail {
    /// The envelope's recipients.
    pub to: Vec<String>,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body.
    pub html: String,
    /// The `Message-ID` (without angle brackets).
    pub message_id: String,
}

impl CaughtMail {
    /// The first `http://` or `https://` link in the text body.
    pub fn link(&self) -> String {
        let start = self
            .text
            .find("http://")
            .or_else(|| self.text.find("https://"))
            .unwrap_or_else(|| panic!("no link in the mail: {}", self.text));
        self.text[start..]
            .split(char::is_whitespace)
            .next()
            .unwrap_or_default()
            .to_owned()
    }
}

/// A running maildev.
pub struct MailCatcher {
    smtp_port: u16,
    web_port: u16,
    child: Mutex<Option<Child>>,
}

fn package_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../mail-catcher")
}

fn ensure_installed(dir: &Path) {
    if dir.join("node_modules/.bin/maildev").exists() {
        return;
    }
    let output = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("npm (Node.js 20.19+) is needed for the mail tests: {e}"));
    assert!(
        output.status.success(),
        "npm ci in {} failed:\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn listening(port: u16) -> bool {
    std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
}

impl MailCatcher {
    /// Starts maildev and waits until its SMTP and web ports listen.
    ///
    /// # Panics
    ///
    /// When Node.js/npm are missing or maildev does not start, saying why.
    pub fn start() -> Self {
        ensure_installed(&package_dir());
        let catcher = Self {
            smtp_port: crate::postgres::free_port(),
            web_port: crate::postgres::free_port(),
            child: Mutex::new(None),
        };
        catcher.spawn();
        catcher
    }

    fn spawn(&self) {
        use std::os::unix::process::CommandExt;
        let dir = package_dir();
        let child = Command::new(dir.join("node_modules/.bin/maildev"))
            .args(["--ip", "127.0.0.1", "--silent"])
            .args(["--smtp", &self.smtp_port.to_string()])
            .args(["--web", &self.web_port.to_string()])
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start maildev: {e}"));
        *self.child.lock().unwrap_or_else(|p| p.into_inner()) = Some(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        while !(listening(self.smtp_port) && listening(self.web_port)) {
            assert!(Instant::now() < deadline, "maildev did not start listening");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `smtp://127.0.0.1:<port>?tls=none`, for `SMTP_URL`.
    pub fn smtp_url(&self) -> String {
        format!("smtp://127.0.0.1:{}?tls=none", self.smtp_port)
    }

    /// The web inbox, where a person can read what was caught.
    pub fn web_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.web_port)
    }

    /// Stops the mail server (SMTP refuses connections until [`restart`](Self::restart)).
    pub fn stop(&self) {
        if let Some(mut child) = self.child.lock().unwrap_or_else(|p| p.into_inner()).take() {
            // The whole group: `maildev` may be a wrapper around the node process that listens.
            let _ = Command::new("sh")
                .args(["-c", &format!("kill -TERM -{} 2>/dev/null", child.id())])
                .status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while matches!(child.try_wait(), Ok(None)) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = Command::new("sh")
                .args(["-c", &format!("kill -KILL -{} 2>/dev/null", child.id())])
                .status();
            let _ = child.wait();
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while listening(self.smtp_port) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Starts the mail server again on the same ports (what it caught before is gone).
    pub fn restart(&self) {
        self.stop();
        self.spawn();
    }

    /// Everything caught so far, oldest first.
    pub fn messages(&self) -> Vec<CaughtMail> {
        let reply = http::request(self.web_port, "GET", "/email", &[], None);
        assert_eq!(reply.status, 200, "maildev's REST API: {}", reply.text());
        let list = reply.json();
        list.as_array()
            .map(|mails| {
                mails
                    .iter()
                    .map(|mail| CaughtMail {
                        to: mail["envelope"]["to"]
                            .as_array()
                            .map(|to| {
                                to.iter()
                                    .filter_map(|t| t["address"].as_str())
                                    .map(str::to_owned)
                                    .collect()
                            })
                            .unwrap_or_default(),
                        subject: mail["subject"].as_str().unwrap_or_default().to_owned(),
                        text: mail["text"].as_str().unwrap_or_default().to_owned(),
                        html: mail["html"].as_str().unwrap_or_default().to_owned(),
                        message_id: mail["messageId"].as_str().unwrap_or_default().to_owned(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The mails to `address`, once there are at least `count` (panics after `within`).
    pub fn wait_for(&self, address: &str, count: usize, within: Duration) -> Vec<CaughtMail> {
        let deadline = Instant::now() + within;
        loop {
            let mails: Vec<CaughtMail> = self
                .messages()
                .into_iter()
                .filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(address)))
                .collect();
            if mails.len() >= count {
                return mails;
            }
            assert!(
                Instant::now() < deadline,
                "{count} mail(s) to {address} did not arrive within {within:?} (have {})",
                mails.len()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for MailCatcher {
    fn drop(&mut self) {
        self.stop();
    }
}
