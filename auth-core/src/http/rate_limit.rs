//! Applying the rate limits to a request: the client's IP, the keys, the 429.

use std::net::IpAddr;

use http::HeaderMap;
use http::request::Parts;

use super::error::ProtocolError;
use crate::Auth;
use crate::error::AuthError;
use crate::rate_limit::{Decision, decide};

/// The address of the client's socket, which an adapter puts in the request's extensions so
/// that the protocol can rate-limit by it (unless `AuthConfigBuilder::client_ip_header` names a
/// proxy's header instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// The client's IP: from the configured proxy header (its last address, the one the proxy
/// saw), else from the socket the adapter recorded. `None` when neither is known.
pub(crate) fn client_ip(parts: &Parts, auth: &Auth) -> Option<IpAddr> {
    match auth.config().client_ip_header() {
        Some(header) => last_address(&parts.headers, header),
        None => parts.extensions.get::<ClientAddr>().map(|addr| addr.0),
    }
}

fn last_address(headers: &HeaderMap, name: &http::HeaderName) -> Option<IpAddr> {
    let value = headers.get_all(name).iter().next_back()?.to_str().ok()?;
    value.rsplit(',').next()?.trim().parse().ok()
}

impl Auth {
    /// Counts this request under the client's IP for the route at `path` (below the base path).
    /// Without a known IP the per-IP limit is skipped, with a warning once: one bucket shared by
    /// every client (as Better Auth falls back to) would let one client lock everyone out.
    pub(crate) async fn limit_by_ip(
        &self,
        path: &str,
        ip: Option<IpAddr>,
    ) -> Result<(), ProtocolError> {
        match ip {
            Some(ip) => self.limit(path, &format!("{ip}|{path}")).await,
            None => {
                if self.config().rate_limit().rule_for(path).is_some() {
                    warn_once_no_ip();
                }
                Ok(())
            }
        }
    }

    /// Counts this request under the account it names (`email:` or `user:` and the value) for
    /// the route at `path`.
    pub(crate) async fn limit_by_account(
        &self,
        path: &str,
        account: &str,
    ) -> Result<(), ProtocolError> {
        self.limit(path, &format!("{account}|{path}")).await
    }

    async fn limit(&self, path: &str, key: &str) -> Result<(), ProtocolError> {
        let Some(rule) = self.config().rate_limit().rule_for(path) else {
            return Ok(());
        };
        let now = self.now();
        let hit = self
            .rate_limit_store()
            .hit(key, rule.window, now)
            .await
            .map_err(AuthError::from)?;
        match decide(hit, rule.max, rule.window, now) {
            Decision::Allowed => Ok(()),
            Decision::Limited(retry_after) => Err(ProtocolError::TooManyRequests { retry_after }),
        }
    }
}

fn warn_once_no_ip() {
    static WARNED: std::sync::Once = std::sync::Once::new();
    WARNED.call_once(|| {
        tracing::warn!(
            "rate limiting: no client IP for this request (the adapter recorded no socket \
             address and no client IP header is configured); only per-account limits apply"
        );
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_address_in_a_proxy_header_is_the_client() {
        let mut headers = HeaderMap::new();
        let name = http::HeaderName::from_static("x-forwarded-for");
        headers.insert(&name, "203.0.113.9, 198.51.100.7".parse().expect("value"));
        assert_eq!(
            last_address(&headers, &name),
            Some("198.51.100.7".parse().expect("ip"))
        );
        headers.insert(&name, "not an address".parse().expect("value"));
        assert_eq!(last_address(&headers, &name), None);
    }
}
