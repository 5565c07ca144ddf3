//! Where the example's settings come from: flags, the environment, and development defaults.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The example's settings.
pub struct Settings {
    /// The address to listen on: `HOST`, default 127.0.0.1 (set 0.0.0.0 in a container).
    pub host: IpAddr,
    pub port: u16,
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    /// `DATABASE_LISTEN_URL`: a direct connection for the invalidation listener, when
    /// `DATABASE_URL` goes through a transaction-mode pooler (PgBouncer). Neon's `-pooler` host
    /// needs none: its direct host is used on its own.
    pub database_listen_url: Option<String>,
    /// `SMTP_URL`: where mail goes (`smtp://user:pass@host:587`); unset, links are printed.
    pub smtp_url: Option<String>,
    /// `SMTP_CA_FILE`: a PEM certificate authority to trust for the SMTP server (a private
    /// relay), besides the public ones.
    pub smtp_ca_file: Option<PathBuf>,
    /// `MAIL_FROM`: the sender of every mail.
    pub mail_from: String,
    /// `APP_NAME`: how the mails name the application.
    pub app_name: String,
    /// `MAIL_RETRY_MAX`: the longest wait between two attempts at a mail (default 5 minutes).
    pub mail_retry_max: Duration,
    /// `APP_ENV` or `NODE_ENV` is `production`.
    pub production: bool,
    /// Values filled in for variables the environment leaves unset (secret, base URL).
    defaults: HashMap<&'static str, String>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn production() -> bool {
    [env("APP_ENV"), env("NODE_ENV")]
        .iter()
        .flatten()
        .any(|v| v == "production")
}

impl Settings {
    pub fn load() -> Result<Self, String> {
        let port = port()?;
        let host = match env("HOST") {
            Some(raw) => raw.trim().parse().map_err(|_| {
                format!("HOST={raw:?} is not an IP address (e.g. 127.0.0.1 or 0.0.0.0)")
            })?,
            None => IpAddr::from([127, 0, 0, 1]),
        };
        let data_dir = PathBuf::from(env("AUTH_DATA_DIR").unwrap_or_else(|| "data".into()));
        let app_name = env("APP_NAME").unwrap_or_else(|| "Auth example".into());
        let mut defaults = HashMap::new();
        if env("AUTH_SECRET").is_none() && env("BETTER_AUTH_SECRET").is_none() {
            if production() {
                return Err("AUTH_SECRET is not set, and this is production (APP_ENV/NODE_ENV=production): \
                     set AUTH_SECRET to at least 32 random bytes, e.g. `openssl rand -base64 32`"
                    .into());
            }
            defaults.insert("AUTH_SECRET", dev_secret(&data_dir)?);
        }
        if env("AUTH_BASE_URL").is_none() && env("BETTER_AUTH_URL").is_none() {
            defaults.insert("AUTH_BASE_URL", format!("http://localhost:{port}"));
        }
        Ok(Self {
            host,
            port,
            data_dir,
            database_url: env("DATABASE_URL"),
            database_listen_url: env("DATABASE_LISTEN_URL"),
            smtp_url: env("SMTP_URL"),
            smtp_ca_file: env("SMTP_CA_FILE").map(PathBuf::from),
            mail_from: env("MAIL_FROM")
                .unwrap_or_else(|| format!("{app_name} <no-reply@localhost>")),
            app_name,
            mail_retry_max: match env("MAIL_RETRY_MAX") {
                Some(raw) => seconds(&raw).ok_or_else(|| {
                    format!("MAIL_RETRY_MAX={raw:?} is not a duration such as 300s, 5m or 1h")
                })?,
                None => Duration::from_secs(300),
            },
            production: production(),
            defaults,
        })
    }

    /// The environment, then the development defaults: what `AuthConfig::from_lookup` reads.
    pub fn lookup(&self, name: &str) -> Option<String> {
        env(name).or_else(|| self.defaults.get(name).cloned())
    }
}

/// `300s`, `5m`, `1h` or a bare number of seconds; at least a second.
fn seconds(raw: &str) -> Option<Duration> {
    let raw = raw.trim();
    let (number, unit) = raw.split_at(raw.find(|c: char| !c.is_ascii_digit()).unwrap_or(raw.len()));
    let n: u64 = number.parse().ok()?;
    let scale = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => return None,
    };
    (n > 0).then(|| Duration::from_secs(n.saturating_mul(scale)))
}

/// `--port N` or `PORT`, default 4000.
fn port() -> Result<u16, String> {
    let mut args = std::env::args().skip(1);
    let mut from_flag = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" | "-p" => from_flag = args.next(),
            other if other.starts_with("--port=") => {
                from_flag = Some(other["--port=".len()..].to_owned())
            }
            "--help" | "-h" => {
                println!(
                    "usage: auth-example-server [--port N]\n\nenvironment: HOST, PORT, DATABASE_URL, AUTH_SECRET, AUTH_BASE_URL, AUTH_TRUSTED_ORIGINS, AUTH_DATA_DIR, SMTP_URL, MAIL_FROM, APP_NAME, AUTH_REQUIRE_EMAIL_VERIFICATION, ... (see .env.example)"
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?} (try --help)")),
        }
    }
    let raw = from_flag
        .or_else(|| env("PORT"))
        .unwrap_or_else(|| "4000".into());
    raw.trim()
        .parse()
        .map_err(|_| format!("the port {raw:?} is not a number between 1 and 65535"))
}

/// A development secret, generated once and kept in `<data>/dev-secret` so sessions survive
/// restarts.
fn dev_secret(data_dir: &Path) -> Result<String, String> {
    let path = data_dir.join("dev-secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim().to_owned();
        if existing.len() >= 32 {
            println!(
                "AUTH_SECRET is not set: using the development secret in {}",
                path.display()
            );
            return Ok(existing);
        }
    }
    std::fs::create_dir_all(data_dir)
        .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
    let secret = STANDARD.encode(rand::random::<[u8; 32]>());
    write_private(&path, &secret).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!(
        "AUTH_SECRET is not set: generated a development secret in {} (set AUTH_SECRET in production)",
        path.display()
    );
    Ok(secret)
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}
