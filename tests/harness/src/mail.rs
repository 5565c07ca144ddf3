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
    secure: Option<Secure>,
}

/// TLS from the first byte with a certificate from a throwaway CA, and a required login.
struct Secure {
    user: String,
    password: String,
    dir: PathBuf,
}

/// A throwaway CA and a certificate for 127.0.0.1 signed by it, in `dir` (ca.crt, server.crt,
/// server.key).
fn make_certificates(dir: &Path) {
    std::fs::create_dir_all(dir).expect("certificate folder");
    let script = r#"
        set -e
        openssl req -new -x509 -days 2 -nodes -subj "/CN=auth-test-mail-ca" -keyout ca.key -out ca.crt
        openssl req -new -nodes -subj "/CN=127.0.0.1" -keyout server.key -out server.csr
        printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' >san.ext
        openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out server.crt
    "#;
    let output = Command::new("sh")
        .args(["-c", script])
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("openssl is needed for the SMTP TLS test: {e}"));
    assert!(
        output.status.success(),
        "making certificates failed (is openssl installed?):\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn package_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../mail-catcher")
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
        crate::node::installed("tests/mail-catcher", "node_modules/.bin/maildev");
        let catcher = Self {
            smtp_port: crate::postgres::free_port(),
            web_port: crate::postgres::free_port(),
            child: Mutex::new(None),
            secure: None,
        };
        catcher.spawn();
        catcher
    }

    /// Starts maildev speaking TLS from the first byte (`smtps://`), with a certificate from a
    /// throwaway CA ([`ca_file`](Self::ca_file)), and accepting only `user` / `password`.
    pub fn start_secure(user: &str, password: &str) -> Self {
        crate::node::installed("tests/mail-catcher", "node_modules/.bin/maildev");
        let smtp_port = crate::postgres::free_port();
        let dir =
            std::env::temp_dir().join(format!("auth-mail-tls-{}-{smtp_port}", std::process::id()));
        make_certificates(&dir);
        let catcher = Self {
            smtp_port,
            web_port: crate::postgres::free_port(),
            child: Mutex::new(None),
            secure: Some(Secure {
                user: user.to_owned(),
                password: password.to_owned(),
                dir,
            }),
        };
        catcher.spawn();
        catcher
    }

    /// The CA that signed a secure catcher's certificate (PEM), for `SMTP_CA_FILE`.
    pub fn ca_file(&self) -> PathBuf {
        self.secure
            .as_ref()
            .expect("a catcher started with start_secure")
            .dir
            .join("ca.crt")
    }

    fn spawn(&self) {
        use std::os::unix::process::CommandExt;
        let dir = package_dir();
        let mut command = Command::new(dir.join("node_modules/.bin/maildev"));
        command
            .args(["--ip", "127.0.0.1"])
            .args(["--smtp", &self.smtp_port.to_string()])
            .args(["--web", &self.web_port.to_string()]);
        if let Some(secure) = &self.secure {
            command
                .arg("--incoming-secure")
                .arg("--incoming-cert")
                .arg(secure.dir.join("server.crt"))
                .arg("--incoming-key")
                .arg(secure.dir.join("server.key"))
                .args(["--incoming-user", &secure.user])
                .args(["--incoming-pass", &secure.password]);
        }
        let log = std::fs::File::create(self.log_path()).expect("maildev log");
        let child = command
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start maildev: {e}"));
        *self.child.lock().unwrap_or_else(|p| p.into_inner()) = Some(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        // Its own words, not a probe connection: maildev (smtp-server) dies when a TLS client
        // hangs up before the handshake, which is all a port probe does.
        let started = || {
            std::fs::read_to_string(self.log_path()).is_ok_and(|log| {
                log.contains("SMTP Server running") && log.contains("webapp running")
            })
        };
        while !started() {
            assert!(
                Instant::now() < deadline,
                "maildev did not start: {}",
                std::fs::read_to_string(self.log_path()).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Where maildev's output goes (shown when a wait fails).
    fn log_path(&self) -> PathBuf {
        std::env::temp_dir().join(format!(
            "auth-maildev-{}-{}.log",
            std::process::id(),
            self.smtp_port
        ))
    }

    /// `smtp://127.0.0.1:<port>?tls=none` (or, for a secure catcher,
    /// `smtps://user:password@127.0.0.1:<port>`), for `SMTP_URL`.
    pub fn smtp_url(&self) -> String {
        match &self.secure {
            Some(secure) => format!(
                "smtps://{}:{}@127.0.0.1:{}",
                secure.user, secure.password, self.smtp_port
            ),
            None => format!("smtp://127.0.0.1:{}?tls=none", self.smtp_port),
        }
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
        if !listening(self.web_port) {
            let log = std::fs::read_to_string(self.log_path()).unwrap_or_default();
            panic!("maildev is not running; its output:\n{log}");
        }
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
        let _ = std::fs::remove_file(self.log_path());
        if let Some(secure) = &self.secure {
            let _ = std::fs::remove_dir_all(&secure.dir);
        }
    }
}
