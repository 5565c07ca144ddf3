-- Two-factor authentication: Better Auth 1.7's twoFactor() plugin schema on SQLite, plus one
-- column of ours ("lastUsedCounter": the TOTP time step of the last code accepted, so a code
-- cannot be used twice; Better Auth ignores columns it does not know). Booleans are integers,
-- times text, as in 0001.
--
-- SQLite has no ADD COLUMN IF NOT EXISTS: the runner adds "user"."twoFactorEnabled" (integer
-- default 0) and "twoFactor"."lastUsedCounter" after this script, each only where it is missing
-- (see ADDED_COLUMNS in src/sqlite/mod.rs).
CREATE TABLE IF NOT EXISTS "twoFactor" (
    "id" text NOT NULL PRIMARY KEY,
    "secret" text NOT NULL,
    "backupCodes" text NOT NULL,
    "userId" text NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE,
    "verified" integer,
    "failedVerificationCount" integer,
    "lockedUntil" text,
    "lastUsedCounter" integer
);

CREATE INDEX IF NOT EXISTS "twoFactor_secret_idx" ON "twoFactor" ("secret");
CREATE INDEX IF NOT EXISTS "twoFactor_userId_idx" ON "twoFactor" ("userId");
