-- The mail outbox (auth-sqlx's own table, not Better Auth's): a durable queue of the messages
-- the flows send. A request commits its mail in the same transaction as its own write (the
-- sign-up, the reset token), so an acknowledged request never loses its mail and a failed one
-- sends none; a worker claims due rows, sends them and deletes them, or records a retry or a
-- failure. "claim" and "lockedUntil" hold the current worker's lease; "failedAt" marks a message
-- refused for good, kept with "lastError" for inspection. Times are text, as in 0001.
CREATE TABLE IF NOT EXISTS "mailOutbox" (
    "id" text NOT NULL PRIMARY KEY,
    "kind" text NOT NULL,
    "recipient" text NOT NULL,
    "subject" text NOT NULL,
    "textBody" text NOT NULL,
    "htmlBody" text NOT NULL,
    "link" text NOT NULL,
    "createdAt" text NOT NULL,
    "nextAttemptAt" text NOT NULL,
    "attempts" integer NOT NULL DEFAULT 0,
    "lockedUntil" text,
    "claim" text,
    "lastError" text,
    "failedAt" text
);

-- Claiming looks for the rows that have not failed and are due.
CREATE INDEX IF NOT EXISTS "mailOutbox_due_idx" ON "mailOutbox" ("nextAttemptAt") WHERE "failedAt" IS NULL;
