//! Parsing the recorded exchanges.

use serde_json::Value;

/// The recording, as committed.
pub const TRANSCRIPTS: &str = include_str!("../fixtures/better-auth-1.7.25-transcripts.md");

/// The recording of the email flows (verification, password reset, change of email, deletion),
/// as committed.
pub const EMAIL_TRANSCRIPTS: &str =
    include_str!("../fixtures/better-auth-1.7.25-email-transcripts.md");

/// The recording of social sign-in (GitHub, Google, account linking, provider tokens), with the
/// requests Better Auth made to the (fake) providers and the rows it wrote, as committed.
pub const SOCIAL_TRANSCRIPTS: &str =
    include_str!("../fixtures/better-auth-1.7.25-social-transcripts.md");

/// The recording of the `twoFactor` plugin (TOTP, backup codes, trusted devices, codes by
/// email), with the codes the server's `sendOTP` hook received, as committed.
pub const TWO_FACTOR_TRANSCRIPTS: &str =
    include_str!("../fixtures/better-auth-1.7.25-2fa-transcripts.md");

/// A request or a response as recorded: first line, headers in order, body.
#[derive(Debug, Clone)]
pub struct Message {
    /// The request line or status line.
    pub first_line: String,
    /// Headers in recorded order.
    pub headers: Vec<(String, String)>,
    /// The body (de-chunked), without the trailing newline.
    pub body: String,
}

impl Message {
    /// Parses a message written as the recording writes one: the first line, header lines,
    /// a blank line, the body.
    pub fn parse(block: &str) -> Message {
        parse_message(block)
    }

    /// A response's status code (0 when the status line has none).
    pub fn status(&self) -> u16 {
        self.first_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_default()
    }

    /// Header values named `name` (case-insensitive), in order.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// One recorded exchange.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// Its number in the recording.
    pub number: u32,
    /// Its title.
    pub title: String,
    /// What was sent.
    pub request: Message,
    /// What came back.
    pub response: Message,
    /// The mails the server's hooks captured while handling it (email recording only; empty
    /// otherwise).
    pub mails: Vec<CapturedMail>,
    /// The requests the server made to providers meanwhile (social recording only; empty
    /// otherwise), in order.
    pub provider_calls: Vec<ProviderCall>,
    /// The one-time codes the server's `sendOTP` hook received meanwhile (two-factor recording
    /// only; empty otherwise), in order.
    pub otps: Vec<CapturedOtp>,
    /// The rows listed after it ("Rows afterwards", a block of rows), or `None` when the
    /// recording lists none ("unchanged since step N", or no such line).
    pub rows: Option<Vec<Row>>,
}

/// A request the server made to a provider during an exchange, as the social recording lists
/// it: `` `POST https://github.com/login/oauth/access_token` → 200 ``.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderCall {
    /// The method.
    pub method: String,
    /// The URL as the server addressed it (the real provider's).
    pub url: String,
    /// The status the provider answered.
    pub status: u16,
}

/// A database row as the recording lists one: `user {…}`, `account {…}`, `session {…}`,
/// `verification {…}` (the verification row's `value` shown parsed, under the key
/// `value (JSON string, parsed here)`; long tokens shortened).
#[derive(Debug, Clone)]
pub struct Row {
    /// `user`, `account`, `session` or `verification`.
    pub table: String,
    /// The row.
    pub value: Value,
}

/// Every row line in `text` (the lines of the rows blocks that hold a JSON object), in order.
pub fn rows_in(text: &str) -> Vec<Row> {
    text.lines()
        .filter_map(|line| {
            let (table, rest) = line.split_once(' ')?;
            if !["user", "account", "session", "verification"].contains(&table) {
                return None;
            }
            let value: Value = serde_json::from_str(rest.trim_start()).ok()?;
            value.is_object().then(|| Row {
                table: table.to_owned(),
                value,
            })
        })
        .collect()
}

/// A mail Better Auth handed to its hook during an exchange (the "Mail captured" lines).
#[derive(Debug, Clone)]
pub struct CapturedMail {
    /// `verification-email`, `reset-password`, `delete-account-verification` or
    /// `change-email-confirmation`.
    pub kind: String,
    /// The recipient (`user.email` as handed to the hook).
    pub to: String,
    /// The link.
    pub url: String,
    /// The token in the link.
    pub token: String,
    /// The new address (change-email confirmation only).
    pub new_email: Option<String>,
}

impl CapturedMail {
    fn parse(line: &str) -> Option<CapturedMail> {
        let value: Value = serde_json::from_str(line).ok()?;
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
        Some(CapturedMail {
            kind: text("kind")?,
            to: text("to")?,
            url: text("url")?,
            token: text("token")?,
            new_email: text("newEmail"),
        })
    }
}

/// A one-time code Better Auth handed to the two-factor plugin's `sendOTP` hook during an
/// exchange (the "OTP captured by the server's sendOTP hook" lines).
#[derive(Debug, Clone)]
pub struct CapturedOtp {
    /// `two-factor-otp`.
    pub kind: String,
    /// The recipient (`user.email` as handed to the hook).
    pub to: String,
    /// The code.
    pub otp: String,
}

impl CapturedOtp {
    fn parse(line: &str) -> Option<CapturedOtp> {
        let value: Value = serde_json::from_str(line).ok()?;
        let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
        Some(CapturedOtp {
            kind: text("kind")?,
            to: text("to")?,
            otp: text("otp")?,
        })
    }
}

impl Exchange {
    /// The request method.
    pub fn method(&self) -> &str {
        self.request
            .first_line
            .split(' ')
            .next()
            .unwrap_or_default()
    }
    /// The request path (with any query).
    pub fn path(&self) -> &str {
        self.request
            .first_line
            .split(' ')
            .nth(1)
            .unwrap_or_default()
    }
    /// The recorded status code.
    pub fn status(&self) -> u16 {
        self.response.status()
    }
}

fn parse_message(block: &str) -> Message {
    let (head, body) = block.split_once("\n\n").unwrap_or((block, ""));
    let mut lines = head.lines();
    let first_line = lines.next().unwrap_or_default().to_owned();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Message {
        first_line,
        headers,
        body: body.trim_end_matches('\n').to_owned(),
    }
}

/// The fenced ```http block after `marker`.
fn block_after<'a>(section: &'a str, marker: &str) -> Option<&'a str> {
    let start = section.find(marker)?;
    let rest = &section[start..];
    let open = rest.find("```http\n")? + "```http\n".len();
    let close = rest[open..].find("\n```")?;
    Some(&rest[open..open + close + 1])
}

/// The mails listed after "Mail captured by the server during this request", one JSON object a
/// line.
fn captured_mails(section: &str) -> Vec<CapturedMail> {
    let Some(start) = section.find("Mail captured by the server during this request") else {
        return Vec::new();
    };
    let rest = &section[start..];
    let Some(open) = rest.find("```json\n").map(|at| at + "```json\n".len()) else {
        return Vec::new();
    };
    let close = rest[open..].find("\n```").unwrap_or(rest.len() - open);
    rest[open..open + close]
        .lines()
        .filter_map(CapturedMail::parse)
        .collect()
}

/// The codes listed after "OTP captured by the server's sendOTP hook during this request", one
/// JSON object a line.
fn captured_otps(section: &str) -> Vec<CapturedOtp> {
    let Some(start) = section.find("OTP captured by the server's sendOTP hook during this request")
    else {
        return Vec::new();
    };
    let rest = &section[start..];
    let Some(open) = rest.find("```json\n").map(|at| at + "```json\n".len()) else {
        return Vec::new();
    };
    let close = rest[open..].find("\n```").unwrap_or(rest.len() - open);
    rest[open..open + close]
        .lines()
        .filter_map(CapturedOtp::parse)
        .collect()
}

/// The calls listed after "Provider requests made by Better Auth during this exchange:".
fn provider_calls(section: &str) -> Vec<ProviderCall> {
    let marker = "Provider requests made by Better Auth during this exchange:";
    let Some(start) = section.find(marker) else {
        return Vec::new();
    };
    let line = section[start + marker.len()..]
        .lines()
        .next()
        .unwrap_or_default();
    line.split(';')
        .filter_map(|item| {
            let mut quoted = item.split('`');
            let call = quoted.nth(1)?;
            let (method, url) = call.split_once(' ')?;
            let status = quoted.next()?.trim().trim_start_matches('→').trim();
            Some(ProviderCall {
                method: method.to_owned(),
                url: url.to_owned(),
                status: status.trim_end_matches('.').parse().ok()?,
            })
        })
        .collect()
}

/// The block of rows after "Rows afterwards:", if the recording lists one there.
fn rows_afterwards(section: &str) -> Option<Vec<Row>> {
    let start = section.find("Rows afterwards:")?;
    let rest = section[start..].split_once('\n')?.1;
    let open = rest.strip_prefix("```text\n")?;
    let close = open.find("\n```")?;
    Some(rows_in(&open[..close]))
}

/// Every numbered exchange, in recorded order.
pub fn exchanges() -> Vec<Exchange> {
    parse_exchanges(TRANSCRIPTS)
}

/// Every numbered exchange of the social recording's sections A–G (GitHub sign-in, callback
/// failures, Google by redirect and by ID token, implicit and explicit linking, provider
/// tokens), in recorded order, with the provider requests and rows listed after each. Section
/// H (a server variant with `storeStateStrategy: "cookie"`) and what follows (the client's
/// calls, the provider requests in full) are left out.
pub fn social_exchanges() -> Vec<Exchange> {
    let body = SOCIAL_TRANSCRIPTS
        .split("\n## Transcripts")
        .nth(1)
        .unwrap_or_default();
    let body = body.split("\n## H. ").next().unwrap_or_default();
    sections(body)
}

/// Every numbered exchange of the email recording (sections A–E), in recorded order, with the
/// mails each one sent. Section F (the client's calls, a table) is not an exchange.
pub fn email_exchanges() -> Vec<Exchange> {
    parse_exchanges(EMAIL_TRANSCRIPTS)
}

/// Every numbered exchange of the two-factor recording's sections A–I (enabling TOTP, the
/// sign-in challenge, the lockout, trusted devices, backup codes, codes by email, 2FA by email
/// only, disabling, the rate limit), in recorded order, with the codes `sendOTP` received.
/// Section J (the client's calls, a table) is not an exchange.
pub fn two_factor_exchanges() -> Vec<Exchange> {
    let body = TWO_FACTOR_TRANSCRIPTS
        .split("\n## Transcripts")
        .nth(1)
        .unwrap_or_default();
    let body = body.split("\n## J. ").next().unwrap_or_default();
    sections(body)
}

fn parse_exchanges(transcripts: &str) -> Vec<Exchange> {
    let body = transcripts
        .split("\n## Transcripts")
        .nth(1)
        .unwrap_or_default();
    let body = body.split("\n## Decoded JWTs").next().unwrap_or_default();
    let body = body.split("\n## F. ").next().unwrap_or_default();
    sections(body)
}

fn sections(body: &str) -> Vec<Exchange> {
    body.split("\n### ")
        .skip(1)
        .filter_map(|section| {
            let (heading, rest) = section.split_once('\n')?;
            let (number, title) = heading.split_once(". ")?;
            Some(Exchange {
                number: number.trim().parse().ok()?,
                title: title.trim().to_owned(),
                request: parse_message(block_after(rest, "Request:")?),
                response: parse_message(block_after(rest, "Response")?),
                mails: captured_mails(rest),
                provider_calls: provider_calls(rest),
                otps: captured_otps(rest),
                rows: rows_afterwards(rest),
            })
        })
        .collect()
}
