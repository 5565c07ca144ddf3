-- Better Auth's "rateLimit" table (its `rateLimit.storage: "database"`): request counters.
-- auth-sqlx keeps the start of the key's current window in "lastRequest" (milliseconds since
-- the epoch).
CREATE TABLE IF NOT EXISTS "rateLimit" (
    "id" text NOT NULL PRIMARY KEY,
    "key" text NOT NULL,
    "count" integer NOT NULL,
    "lastRequest" bigint NOT NULL
);

DELETE FROM "rateLimit" WHERE rowid NOT IN (SELECT MAX(rowid) FROM "rateLimit" GROUP BY "key");
CREATE UNIQUE INDEX IF NOT EXISTS "rateLimit_key_uidx" ON "rateLimit" ("key");
