-- Better Auth's "rateLimit" table (its `rateLimit.storage: "database"`): request counters that
-- every server instance on this database shares. auth-sqlx keeps the start of the key's current
-- window in "lastRequest" (milliseconds since the epoch).
CREATE TABLE IF NOT EXISTS "rateLimit" (
    "id" text NOT NULL PRIMARY KEY,
    "key" text NOT NULL,
    "count" integer NOT NULL,
    "lastRequest" bigint NOT NULL
);

-- A table Better Auth made may hold a key twice (its counters are read, then written); counters
-- are short-lived, so the duplicates go before the key becomes unique.
DELETE FROM "rateLimit" a USING "rateLimit" b WHERE a."key" = b."key" AND a."id" < b."id";
CREATE UNIQUE INDEX IF NOT EXISTS "rateLimit_key_uidx" ON "rateLimit" ("key");
