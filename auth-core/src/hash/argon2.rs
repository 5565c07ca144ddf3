//! `Argon2Hasher`: argon2id with OWASP's parameters, on a [`HashPool`].

use std::sync::Arc;

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use async_trait::async_trait;

use super::{Admission, HashError, HashPool, PasswordHasher, Verification, memory, scrypt};
use crate::model::Password;

/// argon2id cost parameters.
///
/// ```
/// use auth_core::hash::Argon2Params;
///
/// // OWASP's second recommendation: less memory, more passes.
/// let params = Argon2Params::new(12_288, 3, 1);
/// assert_eq!(params.memory_kib, 12_288);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Argon2Params {
    /// Memory in KiB (`m`).
    pub memory_kib: u32,
    /// Passes over memory (`t`).
    pub iterations: u32,
    /// Lanes (`p`).
    pub parallelism: u32,
}

impl Default for Argon2Params {
    /// OWASP's recommendation: m = 19456 KiB (19 MiB), t = 2, p = 1.
    fn default() -> Self {
        Self {
            memory_kib: 19_456,
            iterations: 2,
            parallelism: 1,
        }
    }
}

impl Argon2Params {
    /// `memory_kib` KiB of memory, `iterations` passes, `parallelism` lanes.
    pub fn new(memory_kib: u32, iterations: u32, parallelism: u32) -> Self {
        Self {
            memory_kib,
            iterations,
            parallelism,
        }
    }

    fn build(self) -> Result<Params, HashError> {
        Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .map_err(HashError::algorithm)
    }
}

/// The default [`PasswordHasher`]: new hashes are argon2id PHC strings
/// (`$argon2id$v=19$m=19456,t=2,p=1$…`); Better Auth's scrypt hashes still verify and are
/// reported as needing a rehash, as are argon2 hashes weaker than the configured parameters.
///
/// All work runs on a [`HashPool`]; cloning shares it. `Argon2Hasher::default()` has OWASP's
/// parameters and runs on the process's shared pool ([`HashPool::shared`]), so making several
/// starts no threads beyond the first.
///
/// ```
/// use auth_core::hash::{Argon2Hasher, Argon2Params, HashPool};
///
/// // Two threads, room for 64 waiting jobs.
/// let hasher = Argon2Hasher::new(Argon2Params::default(), HashPool::new(2, 64))?;
/// assert_eq!(hasher.pool().threads(), 2);
/// # Ok::<(), auth_core::hash::HashError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Argon2Hasher {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    params: Argon2Params,
    argon2: Argon2<'static>,
    pool: HashPool,
}

impl Argon2Hasher {
    /// A hasher with `params`, running on `pool`.
    pub fn new(params: Argon2Params, pool: HashPool) -> Result<Self, HashError> {
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.build()?);
        Ok(Self {
            inner: Arc::new(Inner {
                params,
                argon2,
                pool,
            }),
        })
    }

    /// The parameters new hashes get.
    pub fn params(&self) -> Argon2Params {
        self.inner.params
    }

    /// The pool the work runs on.
    pub fn pool(&self) -> &HashPool {
        &self.inner.pool
    }
}

impl Default for Argon2Hasher {
    fn default() -> Self {
        // argon2's own defaults are OWASP's parameters, the same as `Argon2Params::default()`.
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default());
        let inner = Inner {
            params: Argon2Params::default(),
            argon2,
            pool: HashPool::shared(),
        };
        Self {
            inner: Arc::new(inner),
        }
    }
}

impl Inner {
    fn hash_now(&self, password: &Password) -> Result<String, HashError> {
        // The span marks where the CPU-heavy work runs (tests check it is a pool thread).
        let _span = tracing::trace_span!("password_hash", op = "hash").entered();
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        let mut salt_bytes = [0u8; 64];
        let salt_bytes = salt
            .as_salt()
            .decode_b64(&mut salt_bytes)
            .map_err(HashError::algorithm)?;
        let normalized = password.normalized();
        let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
        memory::hash_into(
            &self.argon2,
            normalized.as_bytes(),
            salt_bytes,
            &mut out,
            self.blocks(),
        )
        .map_err(HashError::algorithm)?;
        let phc = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(self.argon2.params()).map_err(HashError::algorithm)?,
            salt: Some(salt.as_salt()),
            hash: Some(Output::new(&out).map_err(HashError::algorithm)?),
        };
        Ok(phc.to_string())
    }

    /// The blocks a hash with the configured parameters uses.
    fn blocks(&self) -> usize {
        self.argon2.params().block_count()
    }

    fn verify_now(&self, password: &Password, stored: &str) -> Result<Verification, HashError> {
        let _span = tracing::trace_span!("password_hash", op = "verify").entered();
        if let Some(valid) = scrypt::verify(password, stored)? {
            return Ok(if valid {
                Verification::ValidNeedsRehash
            } else {
                Verification::Invalid
            });
        }
        let Some((argon2, salt, expected, parsed)) = Self::parse(stored) else {
            tracing::warn!("stored password hash is in an unknown format; treating it as no match");
            return Ok(Verification::Invalid);
        };
        let mut salt_bytes = [0u8; 64];
        let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
            return Ok(Verification::Invalid);
        };
        let normalized = password.normalized();
        let mut out = vec![0u8; expected.len()];
        // The parameters come from the PHC string itself, so older hashes still verify.
        let computed = memory::hash_into(
            &argon2,
            normalized.as_bytes(),
            salt,
            &mut out,
            self.blocks(),
        );
        // `Output`'s equality is constant-time.
        if computed.is_err() || Output::new(&out).ok() != Some(expected) {
            return Ok(Verification::Invalid);
        }
        Ok(if self.is_weaker(&parsed) {
            Verification::ValidNeedsRehash
        } else {
            Verification::Valid
        })
    }

    /// An argon2 PHC string's hasher (its own algorithm, version and parameters), salt and
    /// hash; `None` if it is not one.
    fn parse(
        stored: &str,
    ) -> Option<(
        Argon2<'static>,
        argon2::password_hash::Salt<'_>,
        Output,
        PasswordHash<'_>,
    )> {
        let parsed = PasswordHash::new(stored).ok()?;
        let algorithm = Algorithm::try_from(parsed.algorithm).ok()?;
        let version = parsed
            .version
            .map_or(Ok(Version::default()), Version::try_from)
            .ok()?;
        let params = Params::try_from(&parsed).ok()?;
        let salt = parsed.salt?;
        let expected = parsed.hash?;
        Some((
            Argon2::new(algorithm, version, params),
            salt,
            expected,
            parsed,
        ))
    }

    fn is_weaker(&self, parsed: &PasswordHash<'_>) -> bool {
        let Ok(params) = Params::try_from(parsed) else {
            return true;
        };
        parsed.algorithm != Algorithm::Argon2id.ident()
            || parsed.version != Some(Version::V0x13.into())
            || params.m_cost() < self.params.memory_kib
            || params.t_cost() < self.params.iterations
            || params.p_cost() < self.params.parallelism
    }
}

#[async_trait]
impl PasswordHasher for Argon2Hasher {
    async fn hash(&self, password: &Password) -> Result<String, HashError> {
        let inner = Arc::clone(&self.inner);
        let password = password.clone();
        self.inner
            .pool
            .run(move || inner.hash_now(&password))
            .await?
    }

    async fn verify(&self, password: &Password, hash: &str) -> Result<Verification, HashError> {
        let inner = Arc::clone(&self.inner);
        let password = password.clone();
        let hash = hash.to_owned();
        self.inner
            .pool
            .run(move || inner.verify_now(&password, &hash))
            .await?
    }

    fn admit(&self) -> Result<Admission, HashError> {
        self.inner.pool.admit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cheap(params: Argon2Params) -> Argon2Hasher {
        Argon2Hasher::new(params, HashPool::new(1, 8)).expect("hasher")
    }

    #[tokio::test]
    async fn hashes_are_argon2id_phc_strings_that_verify() {
        let hasher =
            Argon2Hasher::new(Argon2Params::default(), HashPool::new(1, 8)).expect("hasher");
        let password = Password::new("correct horse battery");
        let stored = hasher.hash(&password).await.expect("hash");
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert_eq!(
            hasher.verify(&password, &stored).await.expect("verify"),
            Verification::Valid
        );
        assert_eq!(
            hasher
                .verify(&Password::new("wrong"), &stored)
                .await
                .expect("verify"),
            Verification::Invalid
        );
    }

    #[tokio::test]
    async fn hashes_match_the_argon2_crates_own() {
        // Our hashing reuses each thread's memory; the result must be exactly what the argon2
        // crate's own `hash_password` gives for the same salt, both ways round.
        use argon2::password_hash::PasswordHasher as _;
        let hasher = cheap(Argon2Params::new(256, 2, 1));
        let password = Password::new("correct horse battery");
        let ours = hasher.hash(&password).await.expect("hash");
        let parsed = PasswordHash::new(&ours).expect("phc");
        let params = Params::try_from(&parsed).expect("params");
        let theirs = Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(password.normalized().as_bytes(), parsed.salt.expect("salt"))
            .expect("argon2")
            .to_string();
        assert_eq!(ours, theirs);
        // A hash the argon2 crate made, with other parameters, verifies (twice, so the second
        // run uses the memory the first left behind).
        let other = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(512, 3, 1, None).expect("params"),
        )
        .hash_password(
            password.normalized().as_bytes(),
            &SaltString::from_b64("c29tZXNhbHRzb21lc2FsdA").expect("salt"),
        )
        .expect("argon2")
        .to_string();
        for _ in 0..2 {
            assert_eq!(
                hasher.verify(&password, &other).await.expect("verify"),
                Verification::Valid
            );
            assert_eq!(
                hasher
                    .verify(&Password::new("wrong"), &other)
                    .await
                    .expect("verify"),
                Verification::Invalid
            );
        }
    }

    #[tokio::test]
    async fn weaker_hashes_need_a_rehash_stronger_ones_do_not() {
        let weak = cheap(Argon2Params::new(64, 1, 1));
        let strong = cheap(Argon2Params::new(128, 2, 1));
        let password = Password::new("correct horse battery");
        let weak_hash = weak.hash(&password).await.expect("hash");
        let strong_hash = strong.hash(&password).await.expect("hash");
        assert_eq!(
            strong.verify(&password, &weak_hash).await.expect("verify"),
            Verification::ValidNeedsRehash
        );
        assert_eq!(
            weak.verify(&password, &strong_hash).await.expect("verify"),
            Verification::Valid
        );
        let argon2i =
            "$argon2i$v=19$m=128,t=2,p=1$c29tZXNhbHQ$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        assert_eq!(
            strong.verify(&password, argon2i).await.expect("verify"),
            Verification::Invalid
        );
    }

    #[tokio::test]
    async fn better_auth_scrypt_hashes_verify_and_need_a_rehash() {
        let hasher = cheap(Argon2Params::new(64, 1, 1));
        let password = Password::new("correct horse battery");
        let legacy = scrypt::hash(&password).expect("scrypt");
        assert_eq!(
            hasher.verify(&password, &legacy).await.expect("verify"),
            Verification::ValidNeedsRehash
        );
        assert_eq!(
            hasher
                .verify(&Password::new("nope"), &legacy)
                .await
                .expect("verify"),
            Verification::Invalid
        );
        assert_eq!(
            hasher
                .verify(&password, "not a hash")
                .await
                .expect("verify"),
            Verification::Invalid
        );
    }
}
