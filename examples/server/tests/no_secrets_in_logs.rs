//! With every log on (`RUST_LOG=trace`: our crates, sqlx, hyper, axum), the whole of a user's life
//! through the server — sign-up, a wrong password, sign-in, the cookie, JWTs, a password change,
//! malformed and forged input, a rate limit, sign-out — leaves no password, session token, cookie
//! value, JWT, secret or database password in the output; nor does a social sign-in (state,
//! code, verifier, provider tokens), nor two-factor (the TOTP secret and URI, backup codes, the
//! challenge and trust cookies).

mod support;

use support::{Server, command, free_port, fresh_dir};

const SECRET: &str = "log-test-secret-Zq7Kx2Wm9Vt4Lr8Pn3Hs6Jd1";
const DB_PASSWORD: &str = "db-password-Tq5Rw8Yx";
const PASSWORDS: [&str; 5] = [
    "first-password-Gh3Jk5",
    "second-password-Mn8Bv2",
    "wrong-password-Qa1Ws2",
    "limited-password-Ed4Rf5",
    "malformed-password-Tg6Yh7",
];

const JSON: [(&str, &str); 1] = [("content-type", "application/json")];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_session_logs_no_secret() {
    let database = auth_test_harness::postgres::fresh_database().await;
    // The throwaway server trusts local connections, so a password in the URL is never asked
    // for; it must still never be printed.
    let url = database.url.replacen(
        "postgres://postgres@",
        &format!("postgres://postgres:{DB_PASSWORD}@"),
        1,
    );
    assert!(url.contains(DB_PASSWORD), "{url}");
    let port = free_port();
    let mut cmd = command(&fresh_dir(), port);
    cmd.env("DATABASE_URL", &url)
        .env("AUTH_SECRET", SECRET)
        .env("AUTH_RATE_LIMIT", "on")
        .env("RUST_LOG", "trace");
    let server = Server::start(cmd, port);
    let [first, second, wrong, limited, malformed] = PASSWORDS;
    let mut secrets: Vec<String> = vec![SECRET.into(), DB_PASSWORD.into()];
    secrets.extend(PASSWORDS.iter().map(|p| (*p).to_owned()));

    let body = format!(r#"{{"name":"Ada","email":"ada@example.com","password":"{first}"}}"#);
    let up = server.request(
        "POST",
        "/api/auth/sign-up/email",
        &JSON,
        Some(body.as_bytes()),
    );
    assert_eq!(up.status, 200, "{}", up.text());
    secrets.push(up.header("set-auth-token").expect("token").to_owned());
    secrets.push(cookie_value(&up));

    let body = format!(r#"{{"email":"ada@example.com","password":"{wrong}"}}"#);
    let refused = server.request(
        "POST",
        "/api/auth/sign-in/email",
        &JSON,
        Some(body.as_bytes()),
    );
    assert_eq!(refused.status, 401);

    let body = format!(r#"{{"email":"ada@example.com","password":"{first}"}}"#);
    let signed = server.request(
        "POST",
        "/api/auth/sign-in/email",
        &JSON,
        Some(body.as_bytes()),
    );
    assert_eq!(signed.status, 200, "{}", signed.text());
    let token = signed.header("set-auth-token").expect("token").to_owned();
    let cookie = cookie_value(&signed);
    secrets.extend([token.clone(), cookie.clone()]);
    let bearer = format!("Bearer {token}");

    let session = server.request(
        "GET",
        "/api/auth/get-session",
        &[("cookie", &format!("better-auth.session_token={cookie}"))],
        None,
    );
    let jwt = session.header("set-auth-jwt").expect("jwt").to_owned();
    secrets.push(jwt.clone());
    let me = server.request(
        "GET",
        "/api/me",
        &[("authorization", &format!("Bearer {jwt}"))],
        None,
    );
    assert_eq!(me.status, 200, "{}", me.text());
    let issued = server.request(
        "GET",
        "/api/auth/token",
        &[("authorization", &bearer)],
        None,
    );
    secrets.push(issued.json()["token"].as_str().expect("jwt").to_owned());

    let body = format!(r#"{{"currentPassword":"{first}","newPassword":"{second}"}}"#);
    let headers = [
        ("content-type", "application/json"),
        ("authorization", bearer.as_str()),
    ];
    let changed = server.request(
        "POST",
        "/api/auth/change-password",
        &headers,
        Some(body.as_bytes()),
    );
    assert_eq!(changed.status, 200, "{}", changed.text());

    // Malformed JSON with a password in it, and a forged JWT.
    let body = format!(r#"{{"email":"ada@example.com","password":"{malformed}""#);
    let bad = server.request(
        "POST",
        "/api/auth/sign-in/email",
        &JSON,
        Some(body.as_bytes()),
    );
    assert_eq!(bad.status, 400);
    let forged = format!("{}x", &jwt[..jwt.len() - 1]);
    let refused = server.request(
        "GET",
        "/api/me",
        &[("authorization", &format!("Bearer {forged}"))],
        None,
    );
    assert_eq!(refused.status, 401);

    // Over the rate limit (3 sign-ins per 10 s from this address; two were made above).
    let body = format!(r#"{{"email":"eve@example.com","password":"{limited}"}}"#);
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let reply = server.request(
            "POST",
            "/api/auth/sign-in/email",
            &JSON,
            Some(body.as_bytes()),
        );
        statuses.push(reply.status);
    }
    assert!(statuses.contains(&429), "{statuses:?}");

    let out = server.request(
        "POST",
        "/api/auth/sign-out",
        &[("authorization", &bearer)],
        None,
    );
    assert_eq!(out.status, 200);

    let output = server.terminate();
    let text = output.join("\n");
    // The capture works: the flows logged, and so did sqlx at debug level.
    for expected in [
        "user signed up",
        "user signed in",
        "password changed",
        "DEBUG sqlx",
    ] {
        assert!(
            text.contains(expected),
            "no {expected:?} in the output:\n{text}"
        );
    }
    assert_no_secret(&output, &secrets);
    assert!(
        !text.contains("$argon2id$"),
        "a password hash reached the log"
    );
}

/// A social sign-in with every log on: the provider's client secret, the flow's state and PKCE
/// verifier, the authorization code, the provider's access token and the session token stay
/// out of the output.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_social_sign_in_logs_no_secret() {
    use auth_test_harness::oauth::{self, FakeSocial};
    let fake = FakeSocial::start();
    fake.add_github_user(serde_json::json!({
        "login": "logged", "id": 5150, "name": "Logged", "email": "logged@example.com",
        "emails": [{"email": "logged@example.com", "primary": true, "verified": true, "visibility": "public"}],
    }));
    let database = auth_test_harness::postgres::fresh_database().await;
    let port = free_port();
    let mut cmd = command(&fresh_dir(), port);
    cmd.env("DATABASE_URL", &database.url)
        .env("AUTH_SECRET", SECRET)
        .env("RUST_LOG", "trace")
        .env("GITHUB_CLIENT_ID", oauth::GITHUB_CLIENT_ID)
        .env("GITHUB_CLIENT_SECRET", oauth::GITHUB_CLIENT_SECRET)
        .env("GITHUB_WEB_URL", fake.github_web())
        .env("GITHUB_API_URL", fake.github_api());
    let server = Server::start(cmd, port);
    let mut secrets: Vec<String> = vec![SECRET.into(), oauth::GITHUB_CLIENT_SECRET.into()];

    let started = server.request(
        "POST",
        "/api/auth/sign-in/social",
        &JSON,
        Some(br#"{"provider":"github","callbackURL":"/home"}"#),
    );
    assert_eq!(started.status, 200, "{}", started.text());
    let state_cookie = started.cookie_pair();
    let url = started.json()["url"].as_str().expect("url").to_owned();
    secrets.push(oauth::query_param(&url, "state").expect("state"));
    secrets.push(oauth::query_param(&url, "code_challenge").expect("challenge"));
    let back = fake.authorize(&url);
    secrets.push(oauth::query_param(&back, "code").expect("code"));
    let path = back
        .strip_prefix(&format!("http://localhost:{port}"))
        .unwrap_or_else(|| panic!("{back} is not ours"));
    let done = server.request("GET", path, &[("cookie", &state_cookie)], None);
    assert_eq!(done.status, 302, "{}", done.text());
    let session = done.header("set-auth-token").expect("signed in").to_owned();
    secrets.push(session.clone());
    let token_call = fake.log_of("github", "token").pop().expect("token request");
    secrets.push(
        token_call["form"]["code_verifier"]
            .as_str()
            .expect("verifier")
            .to_owned(),
    );
    let accounts = server.request(
        "GET",
        "/api/auth/list-accounts",
        &[("authorization", &format!("Bearer {session}"))],
        None,
    );
    let id = accounts.json()[0]["id"].as_str().expect("id").to_owned();
    let body = format!(r#"{{"accountId":"{id}"}}"#);
    let access = server.request(
        "POST",
        "/api/auth/get-access-token",
        &[
            ("content-type", "application/json"),
            ("authorization", &format!("Bearer {session}")),
        ],
        Some(body.as_bytes()),
    );
    let access_token = access.json()["accessToken"]
        .as_str()
        .expect("token")
        .to_owned();
    assert!(access_token.starts_with("gho_"), "{access_token}");
    secrets.push(access_token);

    let output = server.terminate();
    let text = output.join("\n");
    assert!(
        text.contains("user signed up through a provider"),
        "the capture works:\n{text}"
    );
    assert_no_secret(&output, &secrets);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_factor_logs_no_secret() {
    use auth_core::two_factor::{Totp, TotpSecret};

    let database = auth_test_harness::postgres::fresh_database().await;
    let port = free_port();
    let mut cmd = command(&fresh_dir(), port);
    cmd.env("DATABASE_URL", &database.url)
        .env("AUTH_SECRET", SECRET)
        .env("RUST_LOG", "trace")
        .env("AUTH_TWO_FACTOR", "on");
    let server = Server::start(cmd, port);
    let password = PASSWORDS[0];
    let mut secrets: Vec<String> = vec![SECRET.into(), password.into()];
    let post = |path: &str, headers: &[(&str, &str)], body: &str| {
        let mut all = vec![("content-type", "application/json")];
        all.extend_from_slice(headers);
        server.request("POST", path, &all, Some(body.as_bytes()))
    };

    let body = format!(r#"{{"name":"Ada","email":"ada@example.com","password":"{password}"}}"#);
    let up = post("/api/auth/sign-up/email", &[], &body);
    let bearer = format!("Bearer {}", up.header("set-auth-token").expect("token"));
    secrets.push(bearer.clone());
    let auth = [("authorization", bearer.as_str())];
    let enabled = post(
        "/api/auth/two-factor/enable",
        &auth,
        &format!(r#"{{"password":"{password}"}}"#),
    );
    assert_eq!(enabled.status, 200, "{}", enabled.text());
    let uri = enabled.json()["totpURI"].as_str().expect("uri").to_owned();
    let base32 = uri
        .split("secret=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .expect("secret")
        .to_owned();
    let totp = Totp::new(&TotpSecret::new(format!("base32:{base32}"))).expect("totp");
    secrets.push(uri.clone());
    secrets.push(base32);
    // Backup codes are 11 characters: checked whole, below.
    let backup: Vec<String> = enabled.json()["backupCodes"]
        .as_array()
        .expect("codes")
        .iter()
        .filter_map(|c| c.as_str().map(str::to_owned))
        .collect();
    let now = || std::time::SystemTime::now();
    let code = |at: std::time::SystemTime| {
        let seconds = at
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_secs();
        let step = seconds / 30;
        totp.code_for_counter(step).to_string()
    };
    let confirmed = post(
        "/api/auth/two-factor/verify-totp",
        &auth,
        &format!(r#"{{"code":"{}"}}"#, code(now())),
    );
    assert_eq!(confirmed.status, 200, "{}", confirmed.text());
    let bearer = format!(
        "Bearer {}",
        confirmed.header("set-auth-token").expect("new session")
    );
    secrets.push(bearer);

    // A challenge, answered with a backup code and "trust this device".
    let body = format!(r#"{{"email":"ada@example.com","password":"{password}"}}"#);
    let challenged = post("/api/auth/sign-in/email", &[], &body);
    assert_eq!(challenged.json()["twoFactorRedirect"], true);
    let challenge = challenged
        .headers_named("set-cookie")
        .into_iter()
        .find(|c| c.starts_with("better-auth.two_factor="))
        .and_then(|c| c.split(';').next())
        .expect("two_factor cookie")
        .to_owned();
    secrets.push(challenge.clone());
    let wrong = post(
        "/api/auth/two-factor/verify-backup-code",
        &[
            ("cookie", &challenge),
            ("origin", &format!("http://localhost:{port}")),
        ],
        r#"{"code":"AAAAA-BBBBB"}"#,
    );
    assert_eq!(wrong.status, 401, "{}", wrong.text());
    let signed = post(
        "/api/auth/two-factor/verify-backup-code",
        &[
            ("cookie", &challenge),
            ("origin", &format!("http://localhost:{port}")),
        ],
        &format!(r#"{{"code":"{}","trustDevice":true}}"#, backup[0]),
    );
    assert_eq!(signed.status, 200, "{}", signed.text());
    for cookie in signed.headers_named("set-cookie") {
        if let Some((_, value)) = cookie.split(';').next().and_then(|p| p.split_once('='))
            && !value.is_empty()
        {
            secrets.push(value.to_owned());
        }
    }

    let output = server.terminate();
    let text = output.join("\n");
    assert!(
        text.contains("user signed in with the second factor")
            && text.contains("two-factor authentication turned on"),
        "the capture works:\n{text}"
    );
    assert_no_secret(&output, &secrets);
    for code in &backup {
        assert!(
            !text.contains(code.as_str()),
            "a backup code reached the log ({code})"
        );
    }
}

/// No secret in the output: the whole value, and for signed values each part long enough to
/// identify it.
fn assert_no_secret(output: &[String], secrets: &[String]) {
    let text = output.join("\n");
    for secret in secrets {
        for piece in std::iter::once(secret.as_str()).chain(secret.split(['.', '%'])) {
            if piece.len() >= 16 {
                assert!(
                    !text.contains(piece),
                    "a secret reached the log ({piece}):\n{}",
                    output
                        .iter()
                        .filter(|l| l.contains(piece))
                        .cloned()
                        .collect::<Vec<_>>()
                        .join("\n")
                );
            }
        }
    }
}

/// The value of the reply's first cookie.
fn cookie_value(reply: &support::Reply) -> String {
    let pair = reply.cookie_pair();
    pair.split_once('=').expect("name=value").1.to_owned()
}
