//! The statements, shared by both drivers: `$N` placeholders work in PostgreSQL and SQLite alike,
//! and every identifier is Better Auth's quoted camelCase one.

pub(crate) const INSERT_USER: &str = r#"INSERT INTO "user" ("id", "name", "email", "emailVerified", "image", "createdAt", "updatedAt") VALUES ($1, $2, $3, $4, $5, $6, $7)"#;

pub(crate) const INSERT_CREDENTIAL: &str = r#"INSERT INTO "account" ("id", "accountId", "providerId", "userId", "password", "createdAt", "updatedAt") VALUES ($1, $2, 'credential', $2, $3, $4, $5)"#;

/// For databases that have Better Auth's later `"account"."issuer"` column (NOT NULL there).
pub(crate) const INSERT_CREDENTIAL_WITH_ISSUER: &str = r#"INSERT INTO "account" ("id", "accountId", "providerId", "userId", "password", "createdAt", "updatedAt", "issuer") VALUES ($1, $2, 'credential', $2, $3, $4, $5, 'local:credential')"#;

pub(crate) const SELECT_USER_BY_ID: &str = r#"SELECT "id", "name", "email", "emailVerified", "image", "createdAt", "updatedAt" FROM "user" WHERE "id" = $1"#;

pub(crate) const SELECT_USER_BY_EMAIL: &str = r#"SELECT "id", "name", "email", "emailVerified", "image", "createdAt", "updatedAt" FROM "user" WHERE "email" = $1"#;

/// The user and their credential account in one round trip (sign-in); unique index on email.
pub(crate) const SELECT_USER_WITH_CREDENTIAL: &str = r#"SELECT u."id", u."name", u."email", u."emailVerified", u."image", u."createdAt", u."updatedAt", a."id" AS "accountRowId", a."password", a."createdAt" AS "accountCreatedAt", a."updatedAt" AS "accountUpdatedAt" FROM "user" u LEFT JOIN "account" a ON a."userId" = u."id" AND a."providerId" = 'credential' WHERE u."email" = $1 ORDER BY a."createdAt" LIMIT 1"#;

/// `$3` says whether to write the image at all (`$4` may be NULL to clear it).
pub(crate) const UPDATE_USER: &str = r#"UPDATE "user" SET "name" = COALESCE($2, "name"), "image" = CASE WHEN $3 THEN $4 ELSE "image" END, "updatedAt" = $5 WHERE "id" = $1 RETURNING "id", "name", "email", "emailVerified", "image", "createdAt", "updatedAt""#;

pub(crate) const SELECT_CREDENTIAL: &str = r#"SELECT "id" AS "accountRowId", "password", "createdAt" AS "accountCreatedAt", "updatedAt" AS "accountUpdatedAt" FROM "account" WHERE "userId" = $1 AND "providerId" = 'credential' ORDER BY "createdAt" LIMIT 1"#;

pub(crate) const UPDATE_PASSWORD: &str = r#"UPDATE "account" SET "password" = $2, "updatedAt" = $3 WHERE "userId" = $1 AND "providerId" = 'credential'"#;

pub(crate) const INSERT_SESSION: &str = r#"INSERT INTO "session" ("id", "expiresAt", "token", "createdAt", "updatedAt", "ipAddress", "userAgent", "userId") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"#;

/// The session and its user in one round trip (every authenticated request); unique index on token.
pub(crate) const SELECT_SESSION_WITH_USER: &str = r#"SELECT s."id", s."expiresAt", s."token", s."createdAt", s."updatedAt", s."ipAddress", s."userAgent", s."userId", u."name", u."email", u."emailVerified", u."image", u."createdAt" AS "userCreatedAt", u."updatedAt" AS "userUpdatedAt" FROM "session" s JOIN "user" u ON u."id" = s."userId" WHERE s."token" = $1"#;

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
