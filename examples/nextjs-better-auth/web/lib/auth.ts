import { betterAuth } from "better-auth";
import { jwt } from "better-auth/plugins";
import { nextCookies } from "better-auth/next-js";
import { Pool } from "pg";

// Better Auth itself, running inside this Next.js app (Node.js runtime). It owns users,
// passwords and sessions in PostgreSQL (any server: a local one, or Neon's pooled connection
// string), and its jwt() plugin issues short-lived JWTs (GET /api/auth/token, 15 min) signed
// with keys it publishes at GET /api/auth/jwks. The Rust API (examples/resource-server) trusts
// those JWTs and nothing else: it never sees a password or a session cookie.
//
// Keep the options in step with scripts/migrate.mjs, which creates the tables they need.
export const auth = betterAuth({
  // BETTER_AUTH_URL: this app's public origin, e.g. http://localhost:3000. It is also the `iss`
  // and `aud` of the JWTs (the Rust API's AUTH_ISSUER).
  baseURL: process.env.BETTER_AUTH_URL,
  secret: process.env.BETTER_AUTH_SECRET,
  database: new Pool({ connectionString: process.env.DATABASE_URL }),
  emailAndPassword: { enabled: true },
  telemetry: { enabled: false },
  // nextCookies() last: server actions that sign in set their cookies too.
  plugins: [jwt(), nextCookies()],
});
