//! A real PostgreSQL server for tests.

use std::io::Write;
use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection};

const INSTALL_HINT: &str = "install the PostgreSQL server binaries (Debian/Ubuntu: `apt-get install postgresql`; \
macOS: `brew install postgresql`), or set DATABASE_URL to a server the tests may create databases on";

/// A database created for one test.
#[derive(Debug, Clone)]
pub struct TestDatabase {
    /// Its connection URL.
    pub url: String,
    /// Its name.
    pub name: String,
}

impl TestDatabase {
    /// How many rows each of Better Auth's `"user"`, `"account"` and `"session"` tables holds,
    /// in that order: what a test checks to see that a refused request wrote nothing.
    pub async fn row_counts(&self) -> [i64; 3] {
        let mut conn = self.connect().await;
        let mut counts = [0; 3];
        for (count, table) in counts.iter_mut().zip(["user", "account", "session"]) {
            *count =
                sqlx::query_scalar(AssertSqlSafe(format!(r#"SELECT count(*) FROM "{table}""#)))
                    .fetch_one(&mut conn)
                    .await
                    .unwrap_or_else(|e| panic!("count {table}: {e}"));
        }
        let _ = conn.close().await;
        counts
    }

    /// How many rows `table` (one of the schema's own, quoted as Better Auth names them) holds.
    pub async fn count(&self, table: &str) -> i64 {
        assert!(
            table.chars().all(|c| c.is_ascii_alphanumeric()),
            "a table name: {table}"
        );
        let mut conn = self.connect().await;
        let count = sqlx::query_scalar(AssertSqlSafe(format!(r#"SELECT count(*) FROM "{table}""#)))
            .fetch_one(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("count {table}: {e}"));
        let _ = conn.close().await;
        count
    }

    /// The emails of users that have a credential account and at least one session.
    pub async fn emails_with_account_and_session(&self) -> Vec<String> {
        let mut conn = self.connect().await;
        let emails = sqlx::query_scalar(
            r#"SELECT u."email" FROM "user" u
                WHERE EXISTS (SELECT 1 FROM "account" a WHERE a."userId" = u."id")
                  AND EXISTS (SELECT 1 FROM "session" s WHERE s."userId" = u."id")"#,
        )
        .fetch_all(&mut conn)
        .await
        .expect("emails");
        let _ = conn.close().await;
        emails
    }

    /// Every user's email.
    pub async fn user_emails(&self) -> Vec<String> {
        let mut conn = self.connect().await;
        let emails = sqlx::query_scalar(r#"SELECT "email" FROM "user""#)
            .fetch_all(&mut conn)
            .await
            .expect("emails");
        let _ = conn.close().await;
        emails
    }

    async fn connect(&self) -> PgConnection {
        let options: PgConnectOptions = self.url.parse().expect("a PostgreSQL URL");
        options
            .connect()
            .await
            .expect("connect to the test database")
    }
}

/// A running server: either `DATABASE_URL` or a throwaway cluster owned by this process.
#[derive(Debug)]
pub struct PgServer {
    admin_url: String,
    cluster: Mutex<Option<Cluster>>,
}

#[derive(Debug)]
struct Cluster {
    // Dropping `stdin` (explicitly, or because this process ended) tells the keeper script to stop
    // the server and remove its folder; that is what makes the cleanup survive a panic.
    stdin: Option<ChildStdin>,
    /// The keeper's answers ("started", "stopped").
    stdout: Option<BufReader<ChildStdout>>,
    keeper: Child,
    dir: PathBuf,
}

static SHARED: OnceLock<PgServer> = OnceLock::new();
static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// The server this test process uses: `DATABASE_URL` when set, otherwise one throwaway cluster
/// started on first use.
pub fn shared() -> &'static PgServer {
    SHARED.get_or_init(|| match std::env::var("DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => PgServer {
            admin_url: url,
            cluster: Mutex::new(None),
        },
        _ => PgServer::start(),
    })
}

/// A fresh, empty database on the [`shared`] server.
pub async fn fresh_database() -> TestDatabase {
    shared().create_database().await
}

impl PgServer {
    /// Starts a new throwaway cluster owned by the caller (tests that must stop a server use this;
    /// the others use [`shared`]).
    ///
    /// # Panics
    ///
    /// When the binaries are missing or the server does not start, with a message saying why.
    pub fn start() -> Self {
        let bin = find_binaries().unwrap_or_else(|| {
            panic!("PostgreSQL binaries (initdb, postgres) not found: {INSTALL_HINT}")
        });
        let as_root = is_root();
        let dir = make_dir(as_root);
        let port = free_port();
        let script = r#"
            dir="$1"; port="$2"; bin="$3"
            "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
              || { echo "initdb failed"; exit 1; }
            # TLS as on Neon, with a throwaway certificate for 127.0.0.1 (clients may also connect
            # without TLS: the tests cover both).
            ssl=off
            if command -v openssl >/dev/null 2>&1 && {
                 openssl req -new -x509 -days 2 -nodes -subj "/CN=auth-test-ca" -keyout "$dir/ca.key" -out "$dir/ca.crt" \
                 && openssl req -new -nodes -subj "/CN=127.0.0.1" -keyout "$dir/data/server.key" -out "$dir/server.csr" \
                 && printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$dir/san.ext" \
                 && openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
                      -days 2 -extfile "$dir/san.ext" -out "$dir/data/server.crt"
               } >"$dir/openssl.log" 2>&1; then
              chmod 600 "$dir/data/server.key"; chmod 644 "$dir/ca.crt"; ssl=on
            fi
            run() {
              "$bin/postgres" -D "$dir/data" -p "$port" -k "$dir" -c listen_addresses=127.0.0.1 \
                -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c ssl=$ssl \
                >>"$dir/postgres.log" 2>&1 &
              pid=$!
            }
            run
            echo "started"
            # "stop" and "start" lines stop and start the server over the same data (fault tests);
            # the end of input stops it for good and removes everything.
            while read -r command; do
              case "$command" in
                stop) kill -INT "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; echo "stopped" ;;
                start) run; echo "started" ;;
              esac
            done
            kill -INT "$pid" 2>/dev/null
            wait "$pid" 2>/dev/null
            rm -rf "$dir"
        "#;
        let mut command = if as_root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--", "sh", "-c", script, "sh"]);
            c
        } else {
            let mut c = Command::new("sh");
            c.args(["-c", script, "sh"]);
            c
        };
        command.arg(&dir).arg(port.to_string()).arg(&bin);
        let mut keeper = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot run the PostgreSQL keeper script ({e}): {INSTALL_HINT}")
            });
        let stdin = keeper.stdin.take();
        let mut stdout = keeper.stdout.take().map(BufReader::new);
        let mut first_line = String::new();
        if let Some(stdout) = stdout.as_mut() {
            let _ = stdout.read_line(&mut first_line);
        }
        if first_line.trim() != "started" {
            let log = read_log(&dir.join("initdb.log"));
            panic!(
                "PostgreSQL did not start (initdb in {}):\n{log}\n{INSTALL_HINT}",
                dir.display()
            );
        }
        let admin_url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
        let server = PgServer {
            admin_url,
            cluster: Mutex::new(Some(Cluster {
                stdin,
                stdout,
                keeper,
                dir: dir.clone(),
            })),
        };
        server.wait_until_ready(&dir);
        server
    }

    /// The URL of the server's maintenance database.
    pub fn admin_url(&self) -> &str {
        &self.admin_url
    }

    /// For a cluster started here: the certificate it serves TLS with (its own CA), when
    /// `openssl` was there to make one.
    pub fn tls_certificate(&self) -> Option<PathBuf> {
        let guard = self.cluster.lock().unwrap_or_else(|p| p.into_inner());
        let path = guard.as_ref()?.dir.join("ca.crt");
        path.is_file().then_some(path)
    }

    /// Creates a fresh, empty database and returns its URL.
    pub async fn create_database(&self) -> TestDatabase {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "auth_test_{}_{}_{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        let mut admin = self.admin_connection().await;
        sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
            .execute(&mut admin)
            .await
            .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
        let _ = admin.close().await;
        TestDatabase {
            url: with_database(&self.admin_url, &name),
            name,
        }
    }

    /// Terminates the connections named `application_name` to `database`
    /// (`pg_terminate_backend`), and returns how many there were.
    pub async fn terminate_backends(&self, application_name: &str, database: &str) -> i64 {
        let mut admin = self.admin_connection().await;
        let killed: i64 = sqlx::query_scalar(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1 AND datname = $2",
        )
        .bind(application_name)
        .bind(database)
        .fetch_one(&mut admin)
        .await
        .unwrap_or_else(|e| panic!("cannot terminate backends: {e}"));
        let _ = admin.close().await;
        killed
    }

    /// Stops the server of a cluster started by [`PgServer::start`], keeping its data, and
    /// returns once it has exited (a fault test's outage).
    pub fn pause(&self) {
        self.keeper_command("stop", "stopped");
    }

    /// Starts a server [`PgServer::pause`] stopped, over the same data, and returns once it
    /// accepts connections.
    pub fn resume(&self) {
        self.keeper_command("start", "started");
        let dir = self
            .cluster
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .map(|c| c.dir.clone())
            .expect("a cluster started by this process");
        self.wait_until_ready(&dir);
    }

    fn keeper_command(&self, command: &str, answer: &str) {
        let mut guard = self.cluster.lock().unwrap_or_else(|p| p.into_inner());
        let cluster = guard
            .as_mut()
            .expect("only a cluster started by this process can be paused");
        let stdin = cluster.stdin.as_mut().expect("the keeper is running");
        writeln!(stdin, "{command}").expect("tell the keeper");
        stdin.flush().expect("tell the keeper");
        let mut line = String::new();
        if let Some(stdout) = cluster.stdout.as_mut() {
            let _ = stdout.read_line(&mut line);
        }
        assert_eq!(
            line.trim(),
            answer,
            "the PostgreSQL keeper did not answer {command}"
        );
    }

    /// Stops a cluster started by [`PgServer::start`] and waits until it is gone.
    ///
    /// # Panics
    ///
    /// For the `DATABASE_URL` server, which this process does not own.
    pub fn stop(&self) {
        let mut guard = self.cluster.lock().unwrap_or_else(|p| p.into_inner());
        let cluster = guard
            .as_mut()
            .expect("only a cluster started by this process can be stopped");
        drop(cluster.stdin.take());
        let _ = cluster.keeper.wait();
    }

    async fn admin_connection(&self) -> PgConnection {
        let options: PgConnectOptions = self
            .admin_url
            .parse()
            .unwrap_or_else(|e| panic!("DATABASE_URL is not a PostgreSQL URL: {e}"));
        options.connect().await.unwrap_or_else(|e| {
            panic!("cannot connect to the test PostgreSQL server: {e}\n{INSTALL_HINT}")
        })
    }

    fn wait_until_ready(&self, dir: &Path) {
        // On a thread of its own: the caller may be inside a Tokio runtime, which cannot block on
        // another one.
        let options: PgConnectOptions = self.admin_url.parse().expect("own URL parses");
        let dir = dir.to_path_buf();
        let waiter = std::thread::spawn(move || Self::poll_ready(&options, &dir));
        if let Err(panic) = waiter.join() {
            std::panic::resume_unwind(panic);
        }
    }

    fn poll_ready(options: &PgConnectOptions, dir: &Path) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let deadline = Instant::now() + Duration::from_secs(60);
        runtime.block_on(async {
            loop {
                match options.connect().await {
                    Ok(conn) => {
                        let _ = conn.close().await;
                        return;
                    }
                    Err(e) if Instant::now() > deadline => {
                        let log = read_log(&dir.join("postgres.log"));
                        panic!("PostgreSQL did not accept connections within 60 s ({e}):\n{log}");
                    }
                    Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
                }
            }
        });
    }
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{name}", &base[..path_start]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

fn find_binaries() -> Option<PathBuf> {
    let has_both = |dir: &Path| dir.join("initdb").is_file() && dir.join("postgres").is_file();
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if has_both(&dir) {
                // Resolve links (Debian links /usr/local/bin/initdb into /usr/lib/postgresql).
                let initdb = std::fs::canonicalize(dir.join("initdb")).ok()?;
                return initdb.parent().map(Path::to_path_buf);
            }
        }
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| has_both(bin))
        .collect();
    versions.sort();
    versions.pop()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn make_dir(as_root: bool) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "auth-pg-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    if as_root {
        // initdb refuses to run as root: the server runs as `postgres`, which must own the folder.
        let status = Command::new("chown")
            .arg("postgres:postgres")
            .arg(&dir)
            .status();
        if !status.is_ok_and(|s| s.success()) {
            panic!(
                "running as root, but cannot hand {} to the `postgres` user (is there one?)",
                dir.display()
            );
        }
    }
    dir
}

/// A free TCP port on 127.0.0.1 (free when asked; bind it soon).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free loopback port: {e}"))
}

fn read_log(path: &Path) -> String {
    let mut text = String::new();
    if let Ok(mut file) = std::fs::File::open(path) {
        let _ = file.read_to_string(&mut text);
    }
    text
}

impl Drop for Cluster {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.keeper.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_the_database_name() {
        assert_eq!(
            with_database("postgres://u:p@h:5/postgres", "t1"),
            "postgres://u:p@h:5/t1"
        );
        assert_eq!(
            with_database("postgres://u@h/db?sslmode=require", "t1"),
            "postgres://u@h/t1?sslmode=require"
        );
        assert_eq!(with_database("postgres://h", "t1"), "postgres://h/t1");
    }
}
