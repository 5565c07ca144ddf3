//! The statements, shared by both drivers: `$N` placeholders work in PostgreSQL and SQLite alike,
//! and every identifier is Better Auth's quoted camelCase one.

pub(crate) const INSERT_USER: &str = r#"INSERT INTO "user" ("id", "name", "email", "emailVerified", "image", "createdAt", "updatedAt") VALUES ($1, $2, $3, $4, $5, $6, $7)"#;

pub(crate) const INSERT_CREDENTIAL: &str = r#"INSERT INTO "account" ("id", "accountId", "providerId", "userId", "password", "createdAt", "updatedAt") VALUES ($1, $2, 'credential', $2, $3, $4, $5)"#;

/// For databases that have Better Auth's later `"account"."issuer"` column (NOT NULL there).
pub(crate) const INSERT_CREDENTIAL_WITH_ISSUER: &str = r#"INSERT INTO "account" ("id", "accountId", "providerId", "userId", "password", "createdAt", "updatedAt", "issuer") VALUES ($1, $2, 'credential', $2, $3, $4, $5, 'local:credential')"#;

pub(crate) const SELECT_USER_BY_ID: &str = r#"SELECT "id", "name", "email", "emailVerified", "image", "createdAt", "updatedAt", "twoFactorEnabled" FROM "user" WHERE "id" = $1"#;

pub(crate) const SELECT_USER_BY_EMAIL: &str = r#"SELECT "id", "name", "email", "emailVerified", "image", "createdAt", "updatedAt", "twoFactorEnabled" FROM "user" WHERE "email" = $1"#;

/// The user and their credential account in one round trip (sign-in); unique index on email.
pub(crate) const SELECT_USER_WITH_CREDENTIAL: &str = r#"SELECT u."id", u."name", u."email", u."emailVerified", u."image", u."createdAt", u."updatedAt", u."twoFactorEnabled", a."id" AS "accountRowId", a."password", a."createdAt" AS "accountCreatedAt", a."updatedAt" AS "accountUpdatedAt" FROM "user" u LEFT JOIN "account" a ON a."userId" = u."id" AND a."providerId" = 'credential' WHERE u."email" = $1 ORDER BY a."createdAt" LIMIT 1"#;

/// `$3` says whether to write the image at all (`$4` may be NULL to clear it).
pub(crate) const UPDATE_USER: &str = r#"UPDATE "user" SET "name" = COALESCE($2, "name"), "image" = CASE WHEN $3 THEN $4 ELSE "image" END, "updatedAt" = $5 WHERE "id" = $1 RETURNING "id", "name", "email", "emailVerified", "image", "createdAt", "updatedAt", "twoFactorEnabled""#;

pub(crate) const SELECT_CREDENTIAL: &str = r#"SELECT "id" AS "accountRowId", "password", "createdAt" AS "accountCreatedAt", "updatedAt" AS "accountUpdatedAt" FROM "account" WHERE "userId" = $1 AND "providerId" = 'credential' ORDER BY "createdAt" LIMIT 1"#;

pub(crate) const UPDATE_PASSWORD: &str = r#"UPDATE "account" SET "password" = $2, "updatedAt" = $3 WHERE "userId" = $1 AND "providerId" = 'credential'"#;

pub(crate) const INSERT_SESSION: &str = r#"INSERT INTO "session" ("id", "expiresAt", "token", "createdAt", "updatedAt", "ipAddress", "userAgent", "userId") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"#;

/// The session and its user in one round trip (every authenticated request); unique index on token.
pub(crate) const SELECT_SESSION_WITH_USER: &str = r#"SELECT s."id", s."expiresAt", s."token", s."createdAt", s."updatedAt", s."ipAddress", s."userAgent", s."userId", u."name", u."email", u."emailVerified", u."image", u."createdAt" AS "userCreatedAt", u."updatedAt" AS "userUpdatedAt", u."twoFactorEnabled" FROM "session" s JOIN "user" u ON u."id" = s."userId" WHERE s."token" = $1"#;

pub(crate) const SELECT_SESSION_BY_ID: &str = r#"SELECT "id", "expiresAt", "token", "createdAt", "updatedAt", "ipAddress", "userAgent", "userId" FROM "session" WHERE "id" = $1"#;

pub(crate) const EXTEND_SESSION: &str =
    r#"UPDATE "session" SET "expiresAt" = $2, "updatedAt" = $3 WHERE "id" = $1"#;

pub(crate) const DELETE_SESSION: &str =
    r#"DELETE FROM "session" WHERE "token" = $1 RETURNING "id""#;

/// `$2` is the id to keep, or `''` (no id is empty) to delete them all.
pub(crate) const DELETE_USER_SESSIONS: &str =
    r#"DELETE FROM "session" WHERE "userId" = $1 AND "id" <> $2 RETURNING "id""#;

pub(crate) const LIST_SESSIONS: &str = r#"SELECT "id", "expiresAt", "token", "createdAt", "updatedAt", "ipAddress", "userAgent", "userId" FROM "session" WHERE "userId" = $1 AND "expiresAt" > $2 ORDER BY "createdAt", "id""#;

pub(crate) const DELETE_EXPIRED_SESSIONS: &str = r#"DELETE FROM "session" WHERE "expiresAt" <= $1"#;

pub(crate) const SELECT_KEYS: &str = r#"SELECT "id", "publicKey", "privateKey", "createdAt", "expiresAt", "alg", "crv" FROM "jwks" ORDER BY "createdAt" DESC, "id""#;

pub(crate) const INSERT_KEY: &str = r#"INSERT INTO "jwks" ("id", "publicKey", "privateKey", "createdAt", "expiresAt", "alg", "crv") VALUES ($1, $2, $3, $4, NULL, $5, $6)"#;

/// One request counted for a key, atomically: a window that began `$4` ms or longer before `$3`
/// (now, ms) starts again at 1. Returns the count and the window's start.
pub(crate) const HIT_RATE_LIMIT: &str = r#"INSERT INTO "rateLimit" ("id", "key", "count", "lastRequest") VALUES ($1, $2, 1, $3) ON CONFLICT ("key") DO UPDATE SET "count" = CASE WHEN "rateLimit"."lastRequest" <= $3 - $4 THEN 1 WHEN "rateLimit"."count" >= 2147483647 THEN 2147483647 ELSE "rateLimit"."count" + 1 END, "lastRequest" = CASE WHEN "rateLimit"."lastRequest" <= $3 - $4 THEN $3 ELSE "rateLimit"."lastRequest" END RETURNING "count", "lastRequest""#;

/// Counters whose window began before `$1` (ms).
pub(crate) const DELETE_OLD_RATE_LIMITS: &str =
    r#"DELETE FROM "rateLimit" WHERE "lastRequest" < $1"#;

pub(crate) const MARK_EMAIL_VERIFIED: &str = r#"UPDATE "user" SET "emailVerified" = $2, "updatedAt" = $3 WHERE "id" = $1 RETURNING "id", "name", "email", "emailVerified", "image", "createdAt", "updatedAt", "twoFactorEnabled""#;

/// A unique violation on `"email"` is the address being taken.
pub(crate) const CHANGE_EMAIL: &str = r#"UPDATE "user" SET "email" = $2, "emailVerified" = $3, "updatedAt" = $4 WHERE "id" = $1 RETURNING "id", "name", "email", "emailVerified", "image", "createdAt", "updatedAt", "twoFactorEnabled""#;

/// The user row, locked until the transaction ends: a session inserted meanwhile (its foreign
/// key check locks the row too) waits, so a deletion ends every session it reports, and a
/// concurrent deletion cannot pull the user from under a password reset.
#[cfg(feature = "postgres")]
pub(crate) const LOCK_USER_POSTGRES: &str = r#"SELECT "id" FROM "user" WHERE "id" = $1 FOR UPDATE"#;

/// [`LOCK_USER_POSTGRES`] for SQLite: the transaction holds the database's write lock
/// already (`BEGIN IMMEDIATE`), so finding the row is enough.
#[cfg(feature = "sqlite")]
pub(crate) const LOCK_USER_SQLITE: &str = r#"SELECT "id" FROM "user" WHERE "id" = $1"#;

pub(crate) const DELETE_USER: &str = r#"DELETE FROM "user" WHERE "id" = $1"#;

pub(crate) const DELETE_USER_ACCOUNTS: &str = r#"DELETE FROM "account" WHERE "userId" = $1"#;

/// An account row of any provider, the password never among its columns.
pub(crate) const SELECT_ACCOUNT_BY_PROVIDER: &str = r#"SELECT "id", "accountId", "providerId", "userId", "accessToken", "refreshToken", "idToken", "accessTokenExpiresAt", "refreshTokenExpiresAt", "scope", "createdAt", "updatedAt" FROM "account" WHERE "providerId" = $1 AND "accountId" = $2 ORDER BY "createdAt", "id" LIMIT 1"#;

/// All the user's account rows, the credential one included (its password left out).
pub(crate) const LIST_ACCOUNTS: &str = r#"SELECT "id", "accountId", "providerId", "userId", "accessToken", "refreshToken", "idToken", "accessTokenExpiresAt", "refreshTokenExpiresAt", "scope", "createdAt", "updatedAt" FROM "account" WHERE "userId" = $1 ORDER BY "createdAt", "id""#;

/// Whether a provider account is linked (to anyone).
pub(crate) const ACCOUNT_LINKED: &str =
    r#"SELECT "id" FROM "account" WHERE "providerId" = $1 AND "accountId" = $2 LIMIT 1"#;

/// An account of a provider, with its tokens; no password.
pub(crate) const INSERT_ACCOUNT: &str = r#"INSERT INTO "account" ("id", "accountId", "providerId", "userId", "accessToken", "refreshToken", "idToken", "accessTokenExpiresAt", "refreshTokenExpiresAt", "scope", "password", "createdAt", "updatedAt") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, $11, $12)"#;

/// [`INSERT_ACCOUNT`] for databases that have Better Auth's later `"account"."issuer"` column
/// (NOT NULL there, unique with `"accountId"`): the issuer Better Auth writes for the provider,
/// the one an OpenID provider declares, `local:oauth:<providerId>` for those that declare none
/// (GitHub).
#[cfg(feature = "postgres")]
pub(crate) const INSERT_ACCOUNT_WITH_ISSUER: &str = r#"INSERT INTO "account" ("id", "accountId", "providerId", "userId", "accessToken", "refreshToken", "idToken", "accessTokenExpiresAt", "refreshTokenExpiresAt", "scope", "password", "createdAt", "updatedAt", "issuer") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, $11, $12, CASE $3 WHEN 'credential' THEN 'local:credential' WHEN 'google' THEN 'https://accounts.google.com' WHEN 'apple' THEN 'https://appleid.apple.com' WHEN 'facebook' THEN 'https://www.facebook.com' ELSE 'local:oauth:' || $3 END)"#;

/// Serialises links of one provider account (`$1` provider, `$2` its account id) until the
/// transaction ends: "account" may hold anything a Better Auth database held, so there is no
/// unique index to lean on. Two different accounts whose hashes collide merely wait for each
/// other.
#[cfg(feature = "postgres")]
pub(crate) const LOCK_PROVIDER_ACCOUNT_POSTGRES: &str =
    r#"SELECT pg_advisory_xact_lock(hashtextextended($1::text || ':' || $2::text, 7305532112))"#;

/// Stores the tokens the provider issued; the row's other columns stay.
pub(crate) const UPDATE_ACCOUNT: &str = r#"UPDATE "account" SET "accessToken" = $2, "refreshToken" = $3, "idToken" = $4, "accessTokenExpiresAt" = $5, "refreshTokenExpiresAt" = $6, "scope" = $7, "updatedAt" = $8 WHERE "id" = $1"#;

/// The ids of all the user's account rows (an unlink counts them with the user row locked).
pub(crate) const USER_ACCOUNT_IDS: &str = r#"SELECT "id" FROM "account" WHERE "userId" = $1"#;

pub(crate) const DELETE_ACCOUNT: &str =
    r#"DELETE FROM "account" WHERE "id" = $1 AND "userId" = $2"#;

pub(crate) const INSERT_VERIFICATION: &str = r#"INSERT INTO "verification" ("id", "identifier", "value", "expiresAt", "createdAt", "updatedAt") VALUES ($1, $2, $3, $4, $5, $6)"#;

/// The newest live row with this identifier.
pub(crate) const SELECT_VERIFICATION: &str = r#"SELECT "id", "identifier", "value", "expiresAt", "createdAt", "updatedAt" FROM "verification" WHERE "identifier" = $1 AND "expiresAt" > $2 ORDER BY "createdAt" DESC, "id" DESC LIMIT 1"#;

/// Takes (deletes) the live row with this identifier if it is the user's (`$2`); a row of
/// another user, or an expired one, stays.
pub(crate) const TAKE_VERIFICATION: &str = r#"DELETE FROM "verification" WHERE "identifier" = $1 AND "value" = $2 AND "expiresAt" > $3 RETURNING "id""#;

/// The user's password-reset rows (`substr`, not `LIKE`: SQLite's `LIKE` ignores case).
pub(crate) const DELETE_USER_RESET_VERIFICATIONS: &str = r#"DELETE FROM "verification" WHERE "value" = $1 AND substr("identifier", 1, 15) = 'reset-password:'"#;

pub(crate) const DELETE_USER_VERIFICATIONS: &str =
    r#"DELETE FROM "verification" WHERE "value" = $1"#;

/// A single-use row taken by its id (a social sign-in's state).
pub(crate) const DELETE_VERIFICATION: &str = r#"DELETE FROM "verification" WHERE "id" = $1"#;

pub(crate) const DELETE_EXPIRED_VERIFICATIONS: &str =
    r#"DELETE FROM "verification" WHERE "expiresAt" <= $1"#;

/// A new outbox row, due at once (`$8` is both its creation and its first due time).
pub(crate) const INSERT_MAIL: &str = r#"INSERT INTO "mailOutbox" ("id", "kind", "recipient", "subject", "textBody", "htmlBody", "link", "createdAt", "nextAttemptAt", "attempts") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, 0)"#;

/// Claims up to `$3` due rows at `$2` (now) until `$1` (the lease's end), oldest first, each
/// with a fresh claim token of its own. Several workers may claim at once: the rows are locked
/// with `SKIP LOCKED`, so a row another worker is claiming is skipped rather than waited for,
/// and a row locked after another claim committed is checked again and left out: no row is
/// claimed twice. `= ANY(ARRAY(...))` runs the locking subquery once, as an init plan (an
/// `IN (...)` may be planned as a join that runs it again, claiming more than `$3` rows). The
/// token mixes the row id into the random part, so it differs per row even within one statement.
#[cfg(feature = "postgres")]
pub(crate) const CLAIM_MAIL_POSTGRES: &str = r#"UPDATE "mailOutbox" SET "attempts" = "attempts" + 1, "lockedUntil" = $1, "claim" = md5(random()::text || clock_timestamp()::text || "id") WHERE "id" = ANY(ARRAY(SELECT "id" FROM "mailOutbox" WHERE "failedAt" IS NULL AND "nextAttemptAt" <= $2 AND ("lockedUntil" IS NULL OR "lockedUntil" <= $2) ORDER BY "createdAt", "id" LIMIT $3 FOR UPDATE SKIP LOCKED)) RETURNING "id", "kind", "recipient", "subject", "textBody", "htmlBody", "link", "createdAt", "attempts", "claim""#;

/// [`CLAIM_MAIL_POSTGRES`] for SQLite, which has one writer at a time: the statement holds the
/// write lock from its start, so it is atomic without row locks. The token is 16 bytes from
/// SQLite's own CSPRNG.
#[cfg(feature = "sqlite")]
pub(crate) const CLAIM_MAIL_SQLITE: &str = r#"UPDATE "mailOutbox" SET "attempts" = "attempts" + 1, "lockedUntil" = $1, "claim" = lower(hex(randomblob(16))) WHERE "id" IN (SELECT "id" FROM "mailOutbox" WHERE "failedAt" IS NULL AND "nextAttemptAt" <= $2 AND ("lockedUntil" IS NULL OR "lockedUntil" <= $2) ORDER BY "createdAt", "id" LIMIT $3) RETURNING "id", "kind", "recipient", "subject", "textBody", "htmlBody", "link", "createdAt", "attempts", "claim""#;

/// Sent: the row leaves the outbox, if `$2` is still its claim.
pub(crate) const DELETE_SENT_MAIL: &str =
    r#"DELETE FROM "mailOutbox" WHERE "id" = $1 AND "claim" = $2"#;

/// To be retried at `$3`, after the error `$4`.
pub(crate) const RETRY_MAIL: &str = r#"UPDATE "mailOutbox" SET "nextAttemptAt" = $3, "lastError" = $4, "lockedUntil" = NULL, "claim" = NULL WHERE "id" = $1 AND "claim" = $2"#;

/// Failed for good at `$3`, with the error `$4`: the row stays, out of every claim.
pub(crate) const FAIL_MAIL: &str = r#"UPDATE "mailOutbox" SET "failedAt" = $3, "lastError" = $4, "lockedUntil" = NULL, "claim" = NULL WHERE "id" = $1 AND "claim" = $2"#;

/// All rows, and the failed ones.
pub(crate) const COUNT_MAIL: &str =
    r#"SELECT count(*) AS "total", count("failedAt") AS "failed" FROM "mailOutbox""#;

/// The user's `"twoFactorEnabled"` and their first `"twoFactor"` row (its columns NULL when the
/// user has none; no answer when there is no such user). There is no creation time to order
/// by, so, like Better Auth's `findOne`, `LIMIT 1` without `ORDER BY` takes the row the database
/// meets first: in SQLite the oldest (the `"userId"` index lists a key's rows by rowid, that is
/// in insertion order), in PostgreSQL usually the oldest (heap order, not guaranteed). The store
/// writes at most one row per user; several only come from elsewhere.
pub(crate) const SELECT_TWO_FACTOR_STATE: &str = r#"SELECT u."twoFactorEnabled", t."id", t."secret", t."backupCodes", t."userId", t."verified", t."failedVerificationCount", t."lockedUntil", t."lastUsedCounter" FROM "user" u LEFT JOIN "twoFactor" t ON t."userId" = u."id" WHERE u."id" = $1 LIMIT 1"#;

/// The id and `"verified"` of the user's first row (as [`SELECT_TWO_FACTOR_STATE`] takes it).
pub(crate) const SELECT_TWO_FACTOR_OF_USER: &str =
    r#"SELECT "id", "verified" FROM "twoFactor" WHERE "userId" = $1 LIMIT 1"#;

/// A new row (`enable`).
pub(crate) const INSERT_TWO_FACTOR: &str = r#"INSERT INTO "twoFactor" ("id", "secret", "backupCodes", "userId", "verified", "failedVerificationCount", "lockedUntil", "lastUsedCounter") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"#;

/// A new secret and backup codes in the unverified row `$1`: no failures, no lock, no counter.
pub(crate) const REPLACE_TWO_FACTOR: &str = r#"UPDATE "twoFactor" SET "secret" = $2, "backupCodes" = $3, "verified" = false, "failedVerificationCount" = 0, "lockedUntil" = NULL, "lastUsedCounter" = NULL WHERE "id" = $1"#;

/// The user's (`$2`) row `$1` verified with the TOTP step `$3`, unless that step or a later one
/// was used already.
pub(crate) const VERIFY_TWO_FACTOR: &str = r#"UPDATE "twoFactor" SET "verified" = true, "lastUsedCounter" = $3 WHERE "id" = $1 AND "userId" = $2 AND ("lastUsedCounter" IS NULL OR "lastUsedCounter" < $3)"#;

/// `"user"."twoFactorEnabled"` set to `$2`, `"updatedAt"` to `$3`.
pub(crate) const SET_TWO_FACTOR_ENABLED: &str =
    r#"UPDATE "user" SET "twoFactorEnabled" = $2, "updatedAt" = $3 WHERE "id" = $1"#;

pub(crate) const DELETE_USER_TWO_FACTORS: &str = r#"DELETE FROM "twoFactor" WHERE "userId" = $1"#;

/// The user's (`$1`) trusted-device records: `$2` is the identifier prefix followed by `%`.
pub(crate) const DELETE_USER_TRUSTED_DEVICES: &str =
    r#"DELETE FROM "verification" WHERE "value" = $1 AND "identifier" LIKE $2"#;

/// The backup codes replaced only while they are still `$2`.
pub(crate) const SWAP_BACKUP_CODES: &str =
    r#"UPDATE "twoFactor" SET "backupCodes" = $3 WHERE "id" = $1 AND "backupCodes" = $2"#;

/// The TOTP step `$2` recorded unless it or a later one was.
pub(crate) const USE_TOTP_COUNTER: &str = r#"UPDATE "twoFactor" SET "lastUsedCounter" = $2 WHERE "id" = $1 AND ("lastUsedCounter" IS NULL OR "lastUsedCounter" < $2)"#;

/// One failed verification counted, atomically, at `$2` (now): a lock that has elapsed
/// (`"lockedUntil" <= $2`) restarts the count from 0 (NULL counts as 0, the count saturates); at
/// `$3` failures the row is locked until `$4`; an elapsed lock below the threshold is cleared.
/// Every SET expression reads the row as it was before the update.
pub(crate) const RECORD_TWO_FACTOR_FAILURE: &str = r#"UPDATE "twoFactor" SET "failedVerificationCount" = CASE WHEN "lockedUntil" IS NOT NULL AND "lockedUntil" <= $2 THEN 1 WHEN COALESCE("failedVerificationCount", 0) >= 2147483647 THEN 2147483647 ELSE COALESCE("failedVerificationCount", 0) + 1 END, "lockedUntil" = CASE WHEN (CASE WHEN "lockedUntil" IS NOT NULL AND "lockedUntil" <= $2 THEN 1 WHEN COALESCE("failedVerificationCount", 0) >= 2147483647 THEN 2147483647 ELSE COALESCE("failedVerificationCount", 0) + 1 END) >= $3 THEN $4 WHEN "lockedUntil" IS NOT NULL AND "lockedUntil" <= $2 THEN NULL ELSE "lockedUntil" END WHERE "id" = $1 RETURNING "id", "secret", "backupCodes", "userId", "verified", "failedVerificationCount", "lockedUntil", "lastUsedCounter""#;

/// No failures, no lock.
pub(crate) const CLEAR_TWO_FACTOR_FAILURES: &str =
    r#"UPDATE "twoFactor" SET "failedVerificationCount" = 0, "lockedUntil" = NULL WHERE "id" = $1"#;
