//! [`SmtpMailer`]: sends messages through an SMTP server, configured by one URL.

use std::time::Duration;

use async_trait::async_trait;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::{MailError, Mailer, Message};

/// How long one SMTP conversation may take: well under the outbox worker's lease, so a hung
/// server cannot make two workers send one mail.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Why an SMTP mailer could not be set up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SmtpConfigError {
    /// The URL is not `smtp://` or `smtps://` with a host.
    #[error("SMTP URL is invalid: {0}")]
    InvalidUrl(String),
    /// The sender address is not an address.
    #[error("sender address is invalid")]
    InvalidFrom(#[source] lettre::address::AddressError),
    /// TLS could not be set up for the host, or the root certificate is not PEM.
    #[error("TLS set-up failed")]
    Tls(#[source] lettre::transport::smtp::Error),
}

/// Builds an [`SmtpMailer`]: the URL and sender, and optionally a private certificate authority
/// to trust besides the public ones (a company relay, a test server).
///
/// ```
/// use auth_core::mail::smtp::SmtpMailer;
///
/// let mailer = SmtpMailer::builder("smtps://relay.corp.example", "it@corp.example").build()?;
/// assert_eq!(mailer.host(), "relay.corp.example");
/// # Ok::<(), auth_core::mail::smtp::SmtpConfigError>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `.build()`"]
pub struct SmtpMailerBuilder {
    url: String,
    from: String,
    roots: Vec<Vec<u8>>,
}

impl SmtpMailerBuilder {
    /// Also trusts the certificate authority in `pem` for the server's certificate.
    pub fn root_certificate(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.roots.push(pem.into());
        self
    }

    /// The mailer; nothing connects until the first message.
    pub fn build(self) -> Result<SmtpMailer, SmtpConfigError> {
        SmtpMailer::assemble(&self.url, &self.from, &self.roots)
    }
}

/// Sends through an SMTP server with [lettre], over TLS where the URL asks for it.
///
/// The URL names everything: `smtp://user:pass@host:587` (STARTTLS, required on port 587 and
/// opportunistic elsewhere; `?tls=required`, `?tls=opportunistic` or `?tls=none` to choose),
/// `smtps://user:pass@host:465` (TLS from the first byte). The user name and password are
/// percent-decoded; the password never appears in `Debug`.
///
/// Errors the server gives for good (5xx, a recipient it refuses) are
/// [`MailError::Permanent`]; everything else (connection refused, timeouts, 4xx) is
/// [`MailError::Transient`], which the outbox retries.
///
/// ```
/// use auth_core::mail::smtp::SmtpMailer;
///
/// let mailer = SmtpMailer::from_url("smtp://127.0.0.1:1025", "Acme <no-reply@acme.test>")?;
/// assert_eq!(mailer.host(), "127.0.0.1");
/// # Ok::<(), auth_core::mail::smtp::SmtpConfigError>(())
/// ```
///
/// [lettre]: https://docs.rs/lettre
#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    host: String,
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("host", &self.host)
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

/// The parts of an SMTP URL.
struct SmtpUrl {
    implicit_tls: bool,
    host: String,
    port: u16,
    credentials: Option<(String, String)>,
    tls: Option<String>,
}

fn decode(part: &str) -> String {
    percent_encoding::percent_decode_str(part)
        .decode_utf8_lossy()
        .into_owned()
}

fn parse(url: &str) -> Result<SmtpUrl, SmtpConfigError> {
    let invalid = |why: &str| SmtpConfigError::InvalidUrl(why.to_owned());
    let (implicit_tls, rest) = if let Some(rest) = url.strip_prefix("smtps://") {
        (true, rest)
    } else if let Some(rest) = url.strip_prefix("smtp://") {
        (false, rest)
    } else {
        return Err(invalid("it must start with smtp:// or smtps://"));
    };
    let (authority, query) = match rest.split_once('?') {
        Some((authority, query)) => (authority.trim_end_matches('/'), query),
        None => (rest.trim_end_matches('/'), ""),
    };
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((userinfo, hostport)) => (Some(userinfo), hostport),
        None => (None, authority),
    };
    let credentials = userinfo.map(|info| match info.split_once(':') {
        Some((user, pass)) => (decode(user), decode(pass)),
        None => (decode(info), String::new()),
    });
    let (host, port) = match hostport.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || hostport.starts_with('[') => (
            host,
            port.parse::<u16>()
                .map_err(|_| invalid("the port is not a number"))?,
        ),
        _ => (hostport, if implicit_tls { 465 } else { 587 }),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() {
        return Err(invalid("it has no host"));
    }
    let tls = form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == "tls")
        .map(|(_, value)| value.into_owned());
    Ok(SmtpUrl {
        implicit_tls,
        host: host.to_owned(),
        port,
        credentials,
        tls,
    })
}

impl SmtpMailer {
    /// A mailer for the server at `url`, sending as `from` (`"Name <address>"` or an address).
    pub fn from_url(url: &str, from: &str) -> Result<Self, SmtpConfigError> {
        Self::builder(url, from).build()
    }

    /// A builder, for options beyond the URL.
    pub fn builder(url: impl Into<String>, from: impl Into<String>) -> SmtpMailerBuilder {
        SmtpMailerBuilder {
            url: url.into(),
            from: from.into(),
            roots: Vec::new(),
        }
    }

    fn assemble(url: &str, from: &str, roots: &[Vec<u8>]) -> Result<Self, SmtpConfigError> {
        let from: Mailbox = from.parse().map_err(SmtpConfigError::InvalidFrom)?;
        let url = parse(url)?;
        let parameters = || {
            let mut builder = TlsParameters::builder(url.host.clone());
            for pem in roots {
                builder = builder.add_root_certificate(
                    Certificate::from_pem(pem).map_err(SmtpConfigError::Tls)?,
                );
            }
            builder.build().map_err(SmtpConfigError::Tls)
        };
        let tls = if url.implicit_tls {
            Tls::Wrapper(parameters()?)
        } else {
            match url.tls.as_deref() {
                Some("none") => Tls::None,
                Some("required") => Tls::Required(parameters()?),
                Some("opportunistic") => Tls::Opportunistic(parameters()?),
                Some(other) => {
                    return Err(SmtpConfigError::InvalidUrl(format!(
                        "tls={other}: use required, opportunistic or none"
                    )));
                }
                None if url.port == 587 => Tls::Required(parameters()?),
                None => Tls::Opportunistic(parameters()?),
            }
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(url.host.clone())
            .port(url.port)
            .tls(tls)
            .timeout(Some(TIMEOUT));
        if let Some((user, pass)) = url.credentials {
            builder = builder.credentials(Credentials::new(user, pass));
        }
        Ok(Self {
            transport: builder.build(),
            from,
            host: url.host,
        })
    }

    /// The server's host name.
    pub fn host(&self) -> &str {
        &self.host
    }

    fn email(&self, message: &Message) -> Result<lettre::Message, MailError> {
        let to: Mailbox = message
            .to
            .parse()
            .map_err(|error| MailError::Permanent(Box::new(error)))?;
        let mut builder = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&message.subject);
        if let Some(id) = &message.id {
            let domain = self.from.email.domain();
            builder = builder.message_id(Some(format!("<{id}@{domain}>")));
        }
        builder
            .multipart(MultiPart::alternative_plain_html(
                message.text.clone(),
                message.html.clone(),
            ))
            .map_err(|error| MailError::Permanent(Box::new(error)))
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, message: &Message) -> Result<(), MailError> {
        let email = self.email(message)?;
        match self.transport.send(email).await {
            Ok(_) => Ok(()),
            Err(error) if error.is_permanent() => Err(MailError::Permanent(Box::new(error))),
            Err(error) => Err(MailError::Transient(Box::new(error))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_host_port_credentials_and_tls() {
        let url = parse("smtp://user%40x:p%3Ass@mail.example.com:2525?tls=required").expect("url");
        assert_eq!((url.host.as_str(), url.port), ("mail.example.com", 2525));
        assert_eq!(url.credentials, Some(("user@x".into(), "p:ss".into())));
        assert_eq!(url.tls.as_deref(), Some("required"));
        let url = parse("smtps://smtp.example.com").expect("url");
        assert!(url.implicit_tls);
        assert_eq!(url.port, 465);
        assert_eq!(parse("smtp://host").expect("url").port, 587);
        for bad in [
            "http://host",
            "smtp://",
            "smtp://host:port",
            "smtp://user@:25",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn debug_hides_the_password() {
        let mailer =
            SmtpMailer::from_url("smtp://ada:hunter2@127.0.0.1:1025", "a@b.test").expect("mailer");
        assert!(!format!("{mailer:?}").contains("hunter2"));
    }
}
