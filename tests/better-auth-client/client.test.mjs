// The real `better-auth` npm client (pinned in package.json) against our Rust server, as a
// Next.js app would use it. AUTH_SERVER_URL is the server's base URL (it is also the JWT issuer
// and audience). Run by examples/server/tests/better_auth_client.rs, which starts the server on
// PostgreSQL; runnable by hand too: AUTH_SERVER_URL=http://127.0.0.1:4000 node --test.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createAuthClient } from "better-auth/client";
import { jwtClient } from "better-auth/client/plugins";
import { createRemoteJWKSet, jwtVerify } from "jose";

const baseURL = process.env.AUTH_SERVER_URL;
assert.ok(baseURL, "AUTH_SERVER_URL must be set");

// Node's fetch sends `sec-fetch-mode: cors`, so, as Better Auth requires, it must say where it
// comes from; a browser does this on its own.
const client = createAuthClient({
  baseURL,
  plugins: [jwtClient()],
  fetchOptions: { headers: { origin: baseURL } },
});

const password = "correct horse battery";
const unique = `${process.pid}-${Date.now()}`;
const email = `ada.${unique}@example.com`;

/** Runs a client call and returns its result plus the response headers. */
async function call(fn, options = {}) {
  let headers;
  const result = await fn({
    ...options,
    fetchOptions: {
      ...(options.fetchOptions ?? {}),
      onResponse: (ctx) => {
        headers = ctx.response.headers;
      },
    },
  });
  return { ...result, headers };
}

const bearer = (token) => ({ fetchOptions: { auth: { type: "Bearer", token } } });

let signedToken; // the set-auth-token value: token.signature
let sessionCookie; // name=value of the session cookie

test("sign-up creates the user and a session", async () => {
  const { data, error, headers } = await call((o) =>
    client.signUp.email({ name: "Ada Lovelace", email: email.toUpperCase(), password }, o.fetchOptions),
  );
  assert.equal(error, null);
  assert.equal(data.user.email, email, "emails are stored lower-case");
  assert.equal(data.user.name, "Ada Lovelace");
  assert.equal(data.user.emailVerified, false);
  assert.ok(data.user.createdAt instanceof Date, "the client parses our dates");
  assert.match(data.token, /^[A-Za-z0-9]{32}$/);
  assert.ok(headers.get("set-auth-token").startsWith(`${data.token}.`));
});

test("sign-in returns a session token, a bearer token and a cookie", async () => {
  const { data, error, headers } = await call((o) => client.signIn.email({ email, password }, o.fetchOptions));
  assert.equal(error, null);
  assert.equal(data.redirect, false);
  assert.equal(data.user.email, email);
  signedToken = headers.get("set-auth-token");
  assert.ok(signedToken.startsWith(`${data.token}.`));
  const setCookie = headers.get("set-cookie");
  assert.match(setCookie, /^better-auth\.session_token=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/);
  sessionCookie = setCookie.split(";")[0];
});

test("get-session by bearer token and by cookie", async () => {
  const byBearer = await call((o) => client.getSession(o), bearer(signedToken));
  assert.equal(byBearer.error, null);
  assert.equal(byBearer.data.user.email, email);
  assert.equal(byBearer.data.session.token, signedToken.split(".")[0]);
  assert.ok(byBearer.data.session.expiresAt instanceof Date);
  assert.ok(byBearer.headers.get("set-auth-jwt"), "get-session hands out a JWT");

  const byCookie = await call((o) => client.getSession(o), { fetchOptions: { headers: { cookie: sessionCookie } } });
  assert.equal(byCookie.error, null);
  assert.equal(byCookie.data.user.email, email);

  const anonymous = await client.getSession();
  assert.equal(anonymous.data, null);
  assert.equal(anonymous.error, null);
});

test("token() gives a JWT that jose verifies against our /jwks", async () => {
  const { data, error } = await client.token(bearer(signedToken));
  assert.equal(error, null);
  const jwks = createRemoteJWKSet(new URL("/api/auth/jwks", baseURL));
  const { payload, protectedHeader } = await jwtVerify(data.token, jwks, { issuer: baseURL, audience: baseURL });
  assert.equal(protectedHeader.alg, "EdDSA");
  assert.equal(payload.email, email);
  assert.equal(payload.sub, payload.id);
  assert.ok(payload.exp - payload.iat >= 29 * 86400, "long-lived by default");

  const keys = await client.jwks();
  assert.equal(keys.error, null);
  assert.equal(keys.data.keys[0].kid, protectedHeader.kid);
});

test("the errors a user meets come back with Better Auth's codes", async () => {
  const duplicate = await client.signUp.email({ name: "Again", email, password });
  assert.equal(duplicate.data, null);
  assert.equal(duplicate.error.status, 422);
  assert.equal(duplicate.error.code, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL");
  assert.equal(duplicate.error.message, "User already exists. Use another email.");

  const short = await client.signUp.email({ name: "Short", email: `short.${unique}@example.com`, password: "abc" });
  assert.equal(short.error.status, 400);
  assert.equal(short.error.code, "PASSWORD_TOO_SHORT");

  const wrong = await client.signIn.email({ email, password: "not the password" });
  assert.equal(wrong.error.status, 401);
  assert.equal(wrong.error.code, "INVALID_EMAIL_OR_PASSWORD");
  assert.equal(wrong.error.message, "Invalid email or password");
});

test("sign-out ends the session", async () => {
  const { data, error } = await client.signOut(bearer(signedToken));
  assert.equal(error, null);
  assert.equal(data.success, true);
  const after = await client.getSession(bearer(signedToken));
  assert.equal(after.data, null);
  const token = await client.token(bearer(signedToken));
  assert.equal(token.error.status, 401);
  assert.equal(token.error.code, "UNAUTHORIZED");
});
