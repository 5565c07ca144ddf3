//! The invalidation channel on PostgreSQL: `NOTIFY auth_invalidation, '<events>'` after each
//! write, `LISTEN auth_invalidation` on a connection of its own.
//!
//! `LISTEN` needs a session that stays on one server connection: through a transaction-mode
//! pooler (Neon's `-pooler` host, PgBouncer in transaction mode) it is accepted but nothing
//! arrives. So the listener proves itself when it connects (a notification it sends must come
//! back), listens on Neon's direct host when the URL names the pooler, and can be given a URL
//! of its own ([`PgStore::listen_on`]).

use std::time::Duration;

use async_trait::async_trait;
use auth_core::invalidation::{Invalidation, InvalidationChannel, Subscription};
use auth_core::store::StoreError;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPool, PgPoolOptions};

use super::PgStore;
use crate::error::classify;

/// The channel's name.
pub(crate) const CHANNEL: &str = "auth_invalidation";
/// `NOTIFY` payloads must be shorter than 8000 bytes.
const PAYLOAD_LIMIT: usize = 7900;
/// How long the listener waits for its own test notification.
const PROOF_TIMEOUT: Duration = Duration::from_secs(5);
/// Names the listener's connection in `pg_stat_activity`.
pub(crate) const APPLICATION_NAME: &str = "auth-invalidation-listener";

/// Where the listener connects: the store's own server, or the URL it was given.
#[derive(Debug, Clone)]
pub(crate) struct ListenTarget {
    options: PgConnectOptions,
}

impl ListenTarget {
    /// The store's connection options, with Neon's pooler host swapped for its direct host
    /// (`ep-x-pooler.region.aws.neon.tech` → `ep-x.region.aws.neon.tech`).
    pub(crate) fn for_store(options: &PgConnectOptions) -> Self {
        let host = options.get_host().to_owned();
        let options = match neon_direct_host(&host) {
            Some(direct) => {
                tracing::info!(
                    pooler = %host,
                    direct = %direct,
                    "the invalidation listener uses Neon's direct host: LISTEN does not work through its pooler"
                );
                options.clone().host(&direct)
            }
            None => options.clone(),
        };
        Self {
            options: options.application_name(APPLICATION_NAME),
        }
    }

    /// A URL given for the listener.
    pub(crate) fn from_url(url: &str) -> Result<Self, StoreError> {
        let options: PgConnectOptions = url
            .parse()
            .map_err(|e: sqlx::Error| StoreError::Other(Box::new(super::NotAPostgresUrl(e))))?;
        Ok(Self {
            options: options.application_name(APPLICATION_NAME),
        })
    }
}

/// Neon's direct host for a pooler host, if it is one.
fn neon_direct_host(host: &str) -> Option<String> {
    let (endpoint, rest) = host.split_once('.')?;
    let direct = endpoint.strip_suffix("-pooler")?;
    rest.ends_with("neon.tech")
        .then(|| format!("{direct}.{rest}"))
}

#[async_trait]
impl InvalidationChannel for PgStore {
    async fn publish(&self, events: &[Invalidation]) -> Result<(), StoreError> {
        for payload in Invalidation::encode_all(events, PAYLOAD_LIMIT) {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(payload)
                .execute(&self.pool)
                .await
                .map_err(classify)?;
        }
        Ok(())
    }

    async fn subscribe(&self) -> Result<Box<dyn Subscription>, StoreError> {
        // A pool of one, so the listener never takes a connection the store's calls need.
        let pool: PgPool = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(5))
            .connect_lazy_with(self.listen.options.clone());
        let mut listener = PgListener::connect_with(&pool).await.map_err(classify)?;
        // A lost connection is reported (`Ok(None)`), not silently replaced: the caller must
        // learn of the gap.
        listener.eager_reconnect(false);
        listener.listen(CHANNEL).await.map_err(classify)?;
        let mut pending = Vec::new();
        self.prove(&mut listener, &mut pending).await?;
        Ok(Box::new(PgSubscription { listener, pending }))
    }
}

impl PgStore {
    /// Sends a notification through the store's pool and waits for it on `listener`, keeping
    /// any events that arrive meanwhile.
    async fn prove(
        &self,
        listener: &mut PgListener,
        pending: &mut Vec<Invalidation>,
    ) -> Result<(), StoreError> {
        let nonce = auth_core::model::SessionId::generate();
        let ping = format!("ping:{}", nonce.as_str());
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(&ping)
            .execute(&self.pool)
            .await
            .map_err(classify)?;
        let wait = async {
            loop {
                match listener.try_recv().await {
                    Ok(Some(note)) if note.payload() == ping => return Ok(()),
                    Ok(Some(note)) => pending.extend(Invalidation::decode_all(note.payload())),
                    Ok(None) => {
                        return Err(StoreError::Unavailable(
                            "the listener's connection was lost".into(),
                        ));
                    }
                    Err(error) => return Err(classify(error)),
                }
            }
        };
        match tokio::time::timeout(PROOF_TIMEOUT, wait).await {
            Ok(result) => result,
            Err(_) => Err(StoreError::Other(
                "notifications do not arrive on the listening connection: is it going through a \
                 transaction-mode pooler (PgBouncer, Neon's -pooler host)? Give the listener a \
                 direct connection (PgStore::listen_on, DATABASE_LISTEN_URL in the example server)"
                    .into(),
            )),
        }
    }

    /// Listens for other instances' invalidations on `url` rather than on the store's own
    /// server: a direct connection, when the store's URL goes through a transaction-mode
    /// pooler, where `LISTEN` cannot work. (Neon's `-pooler` host needs nothing: its direct
    /// host is used on its own.)
    pub fn listen_on(mut self, url: &str) -> Result<Self, StoreError> {
        self.listen = ListenTarget::from_url(url)?;
        Ok(self)
    }
}

struct PgSubscription {
    listener: PgListener,
    pending: Vec<Invalidation>,
}

#[async_trait]
impl Subscription for PgSubscription {
    async fn next(&mut self) -> Result<Vec<Invalidation>, StoreError> {
        if !self.pending.is_empty() {
            return Ok(std::mem::take(&mut self.pending));
        }
        loop {
            match self.listener.try_recv().await {
                Ok(Some(note)) => {
                    let events = Invalidation::decode_all(note.payload());
                    if !events.is_empty() {
                        return Ok(events);
                    }
                }
                Ok(None) => {
                    return Err(StoreError::Unavailable(
                        "the listener's connection was lost".into(),
                    ));
                }
                Err(error) => return Err(classify(error)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neons_pooler_host_becomes_its_direct_host() {
        assert_eq!(
            neon_direct_host("ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech").as_deref(),
            Some("ep-cool-darkness-123456.us-east-2.aws.neon.tech")
        );
        assert_eq!(
            neon_direct_host("ep-cool-darkness-123456.us-east-2.aws.neon.tech"),
            None
        );
        assert_eq!(neon_direct_host("db-pooler.example.com"), None);
        assert_eq!(neon_direct_host("127.0.0.1"), None);
    }
}
