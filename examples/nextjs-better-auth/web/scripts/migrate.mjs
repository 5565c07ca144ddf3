// npm run migrate: creates (or completes) Better Auth's tables in DATABASE_URL — user, session,
// account, verification, and the jwt() plugin's jwks — with Better Auth's own migrations.
// Run it once before the first start, and again after adding a plugin. Idempotent.
//
// The options must list the same plugins as lib/auth.ts (the tables come from them).
import { getMigrations } from "better-auth/db/migration";
import { jwt } from "better-auth/plugins";
import pg from "pg";

// The same .env.local as `next dev` reads; variables already set win.
try {
  process.loadEnvFile(".env.local");
} catch {
  // No .env.local: the environment only.
}

if (!process.env.DATABASE_URL) {
  console.error("migrate: DATABASE_URL is not set (see .env.example)");
  process.exit(2);
}

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
try {
  const { toBeCreated, toBeAdded, runMigrations } = await getMigrations({
    baseURL: process.env.BETTER_AUTH_URL ?? "http://localhost:3000",
    secret: process.env.BETTER_AUTH_SECRET ?? "only-the-schema-is-needed-here-000000",
    database: pool,
    emailAndPassword: { enabled: true },
    telemetry: { enabled: false },
    plugins: [jwt()],
  });
  if (toBeCreated.length === 0 && toBeAdded.length === 0) {
    console.log("migrate: the schema is up to date");
  } else {
    await runMigrations();
    const tables = [...toBeCreated, ...toBeAdded].map((t) => t.table);
    console.log(`migrate: done (${[...new Set(tables)].join(", ")})`);
  }
} finally {
  await pool.end();
}
