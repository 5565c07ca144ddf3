-- Two-factor authentication: Better Auth 1.7's twoFactor() plugin schema, as its migrations
-- create it on a database that has the core tables ("user"."twoFactorEnabled" boolean default
-- false, the "twoFactor" table and its two indexes), plus one column of ours. Every statement is
-- idempotent, so on a database Better Auth created or migrated with the plugin it changes nothing
-- but that column (a fresh Better Auth database has "twoFactorEnabled" without a default: left as
-- it is, Better Auth and we both write it explicitly).
ALTER TABLE "user" ADD COLUMN IF NOT EXISTS "twoFactorEnabled" boolean DEFAULT false;

-- No unique constraint on "userId" (Better Auth has none; it takes a user's first row).
CREATE TABLE IF NOT EXISTS "twoFactor" (
    "id" text NOT NULL PRIMARY KEY,
    "secret" text NOT NULL,
    "backupCodes" text NOT NULL,
    "userId" text NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE,
    "verified" boolean,
    "failedVerificationCount" integer,
    "lockedUntil" timestamptz,
    "lastUsedCounter" bigint
);

-- Ours: the TOTP time step (unix seconds / 30) of the last code accepted, so a code cannot be
-- used twice. Better Auth selects and writes only the columns its schema knows, so it neither
-- sees nor clears it; NULL means no code accepted yet.
ALTER TABLE "twoFactor" ADD COLUMN IF NOT EXISTS "lastUsedCounter" bigint;

CREATE INDEX IF NOT EXISTS "twoFactor_secret_idx" ON "twoFactor" ("secret");
CREATE INDEX IF NOT EXISTS "twoFactor_userId_idx" ON "twoFactor" ("userId");
