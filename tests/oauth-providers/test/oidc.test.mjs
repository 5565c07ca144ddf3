// oidc.mjs: the whole code + PKCE flow through its login and consent pages with plain HTTP (a
// cookie jar, redirects followed by hand, the forms posted), then token, userinfo, ID token and
// refresh; and what it refuses.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createRemoteJWKSet, jwtVerify } from "jose";

import { browserish, params, pkce, postJson, start } from "./helpers.mjs";

const REDIRECT = "http://127.0.0.1:9/api/auth/oauth2/callback/oidc";
const CLIENT_ID = "auth-rs-test";
const CLIENT_SECRET = "auth-rs-test-secret";
const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64")}`;

let op;
before(async () => {
  op = await start("oidc.mjs", { REDIRECT_URIS: `${REDIRECT},http://localhost:9/cb` });
});
after(() => op.stop());

function authorizeUrl({ challenge, state = "st-1", nonce = "n-1", redirect = REDIRECT, scope = "openid email profile" }) {
  const query = new URLSearchParams({ client_id: CLIENT_ID, redirect_uri: redirect, response_type: "code", scope, state, nonce });
  if (challenge) {
    query.set("code_challenge", challenge);
    query.set("code_challenge_method", "S256");
  }
  return `${op.url}/auth?${query}`;
}

/** Follows redirects and submits the first form of each page (with `fields`) until a redirect leaves the provider. */
async function drive(start, fields, { cancel = false } = {}) {
  const request = browserish();
  let next = { url: start, init: {} };
  for (let step = 0; step < 20; step++) {
    const res = await request(next.url, next.init);
    if (res.status >= 300 && res.status < 400) {
      const location = new URL(res.headers.get("location"), next.url).href;
      if (!location.startsWith(op.url)) return location;
      next = { url: location, init: {} };
      continue;
    }
    const html = await res.text();
    assert.equal(res.status, 200, html);
    const forms = [...html.matchAll(/<form[^>]*action="([^"]+)"[^>]*>/g)].map((m) => m[1].replace(/&amp;/g, "&"));
    assert.ok(forms.length, `a page without a form: ${html}`);
    const action = cancel ? forms.find((f) => f.endsWith("/abort")) : forms[0];
    const body = new URLSearchParams(html.includes('name="login"') ? fields : {});
    next = {
      url: new URL(action, next.url).href,
      init: { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: body.toString() },
    };
  }
  throw new Error("more than 20 steps");
}

async function token(fields, headers = { authorization: basic }) {
  const res = await fetch(`${op.url}/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, body: await res.json() };
}

describe("oidc-provider", () => {
  test("ready line and discovery", async () => {
    assert.match(op.readyOutput(), /^listening on http:\/\/127\.0\.0\.1:\d+\n$/);
    const discovery = await (await fetch(`${op.url}/.well-known/openid-configuration`)).json();
    assert.equal(discovery.issuer, op.url);
    assert.deepEqual(discovery.code_challenge_methods_supported, ["S256"]);
  });

  test("login + consent pages → code → tokens → userinfo, ID token, refresh", async () => {
    const { verifier, challenge } = pkce();
    const location = await drive(authorizeUrl({ challenge }), { login: "alice", password: "anything" });
    assert.ok(location.startsWith(`${REDIRECT}?`), location);
    const back = params(location);
    assert.equal(back.state, "st-1");
    assert.equal(back.iss, op.url);

    const { status, body } = await token({ grant_type: "authorization_code", code: back.code, redirect_uri: REDIRECT, code_verifier: verifier });
    assert.equal(status, 200, JSON.stringify(body));
    assert.ok(body.refresh_token);
    assert.equal(body.token_type, "Bearer");

    const jwks = createRemoteJWKSet(new URL(`${op.url}/jwks`));
    const { payload } = await jwtVerify(body.id_token, jwks, { issuer: op.url, audience: CLIENT_ID });
    assert.equal(payload.sub, "alice");
    assert.equal(payload.email, "alice@oidc.test");
    assert.equal(payload.email_verified, true);
    assert.equal(payload.name, "Alice");
    assert.equal(payload.nonce, "n-1");

    const info = await (await fetch(`${op.url}/me`, { headers: { authorization: `Bearer ${body.access_token}` } })).json();
    assert.deepEqual(info, { sub: "alice", email: "alice@oidc.test", email_verified: true, name: "Alice" });

    const refreshed = await token({ grant_type: "refresh_token", refresh_token: body.refresh_token });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.ok(refreshed.body.access_token);
  });

  test("a wrong code_verifier is invalid_grant (the code stays good for the right one)", async () => {
    const { verifier, challenge } = pkce();
    const { code } = params(await drive(authorizeUrl({ challenge }), { login: "bob", password: "x" }));
    const wrong = await token({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: pkce().verifier });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error, "invalid_grant");
    const right = await token({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier });
    assert.equal(right.status, 200, JSON.stringify(right.body));
    const again = await token({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier });
    assert.equal(again.body.error, "invalid_grant");
  });

  test("client_secret_post works too, a wrong secret is invalid_client; PKCE is required", async () => {
    const { verifier, challenge } = pkce();
    const { code } = params(await drive(authorizeUrl({ challenge }), { login: "carol", password: "x" }));
    const wrong = await token({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier, client_id: CLIENT_ID, client_secret: "nope" }, {});
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error, "invalid_client");
    const post = await token({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }, {});
    assert.equal(post.status, 200, JSON.stringify(post.body));

    const res = await fetch(authorizeUrl({}), { redirect: "manual" });
    const back = params(new URL(res.headers.get("location"), op.url).href);
    assert.equal(back.error, "invalid_request");
    assert.match(back.error_description, /PKCE/);
  });

  test("cancel is access_denied; POST /__oidc/clients replaces the redirect URIs", async () => {
    const { challenge } = pkce();
    const denied = params(await drive(authorizeUrl({ challenge }), { login: "dan", password: "x" }, { cancel: true }));
    assert.equal(denied.error, "access_denied");

    const later = "http://127.0.0.1:10/later";
    const refused = await fetch(authorizeUrl({ challenge, redirect: later }), { redirect: "manual" });
    assert.equal(refused.status, 400);
    await postJson(`${op.url}/__oidc/clients`, { redirect_uris: [REDIRECT, later] });
    const { verifier, challenge: c2 } = pkce();
    const { code } = params(await drive(authorizeUrl({ challenge: c2, redirect: later }), { login: "dan", password: "x" }));
    const answer = await token({ grant_type: "authorization_code", code, redirect_uri: later, code_verifier: verifier, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }, {});
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    await postJson(`${op.url}/__oidc/clients`, { redirect_uris: [REDIRECT, "http://localhost:9/cb"] });
  });
});
