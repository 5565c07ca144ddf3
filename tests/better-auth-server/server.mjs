// A real Better Auth server (better-auth 1.7.25 on PostgreSQL) for our Rust tests.
//
// Configured only from the environment (see README.md). It runs Better Auth's own
// migrations, listens on 127.0.0.1 only, and prints exactly one line on stdout once it
// is ready:
//
//     listening on http://127.0.0.1:PORT
//
// Everything else (Better Auth's logger included) goes to stderr.

import http from "node:http";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { toNodeHandler } from "better-auth/node";
import { bearer } from "better-auth/plugins/bearer";
import { createJwk, jwt } from "better-auth/plugins/jwt";
import pg from "pg";

const HOST = "127.0.0.1";

function fail(message) {
  console.error(`better-auth-server: ${message}`);
  process.exit(2);
}

function required(name) {
  const value = process.env[name];
  if (!value) fail(`${name} is required`);
  return value;
}

function seconds(name) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d+$/.test(raw)) fail(`${name} must be a whole number of seconds, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

// jwt plugin `jwks.keyPairConfig` (JWKOptions in dist/plugins/jwt/types.d.mts).
const KEY_PAIR_CONFIGS = {
  EdDSA: { alg: "EdDSA", crv: "Ed25519" },
  ES256: { alg: "ES256" },
  ES512: { alg: "ES512" },
  RS256: { alg: "RS256" },
  PS256: { alg: "PS256" },
};

const databaseUrl = required("DATABASE_URL");
const secret = required("BETTER_AUTH_SECRET");
const portRaw = process.env.PORT ?? "0";
if (!/^\d+$/.test(portRaw) || Number(portRaw) > 65535) fail(`PORT must be 0..65535, got ${JSON.stringify(portRaw)}`);

const alg = process.env.JWT_ALG || "EdDSA";
const keyPairConfig = KEY_PAIR_CONFIGS[alg];
if (!keyPairConfig) fail(`JWT_ALG must be one of ${Object.keys(KEY_PAIR_CONFIGS).join(", ")}, got ${JSON.stringify(alg)}`);

const rotationInterval = seconds("JWKS_ROTATION_INTERVAL");
if (rotationInterval === 0) fail("JWKS_ROTATION_INTERVAL must be at least 1 (unset it to disable rotation)");
const gracePeriod = seconds("JWKS_GRACE_PERIOD");

// `jwt.expirationTime`: a time span string such as "15m", "30s", "1 hour". A bare number
// would be taken by Better Auth as an absolute `exp`, so bare digits are read as seconds.
let expirationTime = process.env.JWT_EXPIRATION || undefined;
if (expirationTime !== undefined) {
  if (/^\d+$/.test(expirationTime)) expirationTime = `${expirationTime}s`;
  if (!/^\d+(\.\d+)? ?(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|years?|yrs?|y)$/i.test(expirationTime)) {
    fail(`JWT_EXPIRATION must be a time span such as "15m" or "30s", got ${JSON.stringify(process.env.JWT_EXPIRATION)}`);
  }
}

const issuer = process.env.JWT_ISSUER || undefined;
const audience = process.env.JWT_AUDIENCE
  ? process.env.JWT_AUDIENCE.split(",").map((s) => s.trim()).filter(Boolean)
  : undefined;

// The jwt plugin's options, exactly as named by better-auth 1.7.25 (JwtOptions).
const jwtOptions = {
  jwks: {
    keyPairConfig,
    ...(rotationInterval !== undefined ? { rotationInterval } : {}),
    ...(gracePeriod !== undefined ? { gracePeriod } : {}),
  },
  jwt: {
    ...(expirationTime !== undefined ? { expirationTime } : {}),
    ...(issuer !== undefined ? { issuer } : {}),
    ...(audience !== undefined ? { audience: audience.length === 1 ? audience[0] : audience } : {}),
  },
};

const pool = new pg.Pool({ connectionString: databaseUrl });

let server;
let auth;
let handler;

let stopping = false;
async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  // Never hang on the way out.
  setTimeout(() => process.exit(code), 2000).unref();
  const closed = new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server?.closeAllConnections();
  await closed;
  await pool.end().catch(() => {});
  process.exit(code);
}

// Test-only: force a new signing key now. Better Auth 1.7.25 has no rotate endpoint, but
// the jwt plugin exports `createJwk(ctx, options)` (the same function it calls when the
// current key has expired), and it signs with the newest live key of the configured alg.
// `?retire=1` also sets `expiresAt = now` on every key that was live before, as a
// natural rotation does, so they leave the JWKS after JWKS_GRACE_PERIOD.
async function rotate(req, res, url) {
  const context = await auth.$context;
  const retire = url.searchParams.get("retire");
  const now = new Date();
  const before = await context.adapter.findMany({ model: "jwks" });
  const created = await createJwk({ context }, jwtOptions);
  const retired = [];
  if (retire === "1" || retire === "true") {
    for (const key of before) {
      if (key.expiresAt && key.expiresAt <= now) continue;
      await context.adapter.update({
        model: "jwks",
        where: [{ field: "id", value: key.id }],
        update: { expiresAt: now },
      });
      retired.push(key.id);
    }
  }
  const body = JSON.stringify({
    kid: created.id,
    alg: created.alg,
    createdAt: created.createdAt,
    expiresAt: created.expiresAt ?? null,
    retired,
  });
  res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(body);
}

function onRequest(req, res) {
  if (!handler) {
    res.writeHead(503, { "content-type": "text/plain" });
    res.end("starting\n");
    return;
  }
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  if (url.pathname === "/api/auth" || url.pathname.startsWith("/api/auth/")) {
    handler(req, res).catch((error) => {
      console.error("better-auth-server: handler error", error);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
    return;
  }
  if (url.pathname === "/__rotate") {
    if (req.method !== "POST") {
      res.writeHead(405, { allow: "POST" });
      res.end();
      return;
    }
    req.resume();
    rotate(req, res, url).catch((error) => {
      console.error("better-auth-server: rotate failed", error);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(`${error?.message ?? error}\n`);
    });
    return;
  }
  res.writeHead(404, { "content-type": "text/plain" });
  res.end("not found\n");
}

async function main() {
  server = http.createServer(onRequest);
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(Number(portRaw), HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address();
  const baseURL = process.env.BETTER_AUTH_URL || `http://${HOST}:${port}`;

  const options = {
    baseURL,
    basePath: "/api/auth",
    secret,
    database: pool,
    emailAndPassword: { enabled: true, requireEmailVerification: false },
    plugins: [jwt(jwtOptions), bearer()],
    // A test server: many sign-ins from one address, and no network beyond loopback.
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    // Keep stdout for the single "listening on" line.
    logger: {
      level: process.env.BETTER_AUTH_LOG_LEVEL || "warn",
      log: (level, message, ...args) => console.error(`[better-auth ${level}] ${message}`, ...args),
    },
  };

  const { runMigrations } = await getMigrations(options);
  await runMigrations();

  auth = betterAuth(options);
  await auth.$context;
  handler = toNodeHandler(auth);

  process.stdout.write(`listening on http://${HOST}:${port}\n`);
}

process.on("SIGTERM", () => void shutdown(0));
process.on("SIGINT", () => void shutdown(0));
if (process.env.EXIT_ON_STDIN_CLOSE === "1") {
  // The parent (a Rust test) holds our stdin; when it goes away, so do we.
  process.stdin.on("end", () => void shutdown(0));
  process.stdin.on("close", () => void shutdown(0));
  process.stdin.resume();
}

main().catch((error) => {
  console.error("better-auth-server: failed to start", error);
  shutdown(1);
});
