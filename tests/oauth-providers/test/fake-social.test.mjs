// fake-social.mjs: whole code + PKCE flows against its GitHub and Google, and its checks.

import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";

import { params, pkce, postJson, start } from "./helpers.mjs";

const REDIRECT = "http://127.0.0.1:9/api/auth/callback/x";
const GITHUB = { id: "fake-github-client-id", secret: "fake-github-client-secret" };
const GOOGLE = { id: "fake-google-client-id.apps.googleusercontent.com", secret: "fake-google-client-secret" };

const octocat = {
  login: "octocat",
  id: 583231,
  name: "The Octocat",
  email: null,
  avatar_url: "https://avatars.githubusercontent.com/u/583231?v=4",
  emails: [
    { email: "octocat@example.com", primary: true, verified: true, visibility: "private" },
    { email: "old@example.com", primary: false, verified: false, visibility: null },
  ],
};
const ada = {
  sub: "110169484474386276334",
  email: "ada@example.com",
  email_verified: true,
  name: "Ada Lovelace",
  picture: "https://lh3.googleusercontent.com/a/ada",
  given_name: "Ada",
  family_name: "Lovelace",
};

let fake;
const url = (path) => `${fake.url}${path}`;
const form = (fields) => new URLSearchParams(fields).toString();
const basic = (id, secret) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;

before(async () => {
  fake = await start("fake-social.mjs");
});
after(() => fake.stop());
beforeEach(async () => {
  await postJson(url("/__fake/reset"), {});
  await postJson(url("/__fake/users"), { provider: "github", user: octocat });
  await postJson(url("/__fake/users"), { provider: "google", user: ada });
});

async function githubCode({ challenge, state = "st-gh", scope = "read:user user:email" } = {}) {
  const query = new URLSearchParams({ client_id: GITHUB.id, redirect_uri: REDIRECT, scope, state });
  if (challenge) {
    query.set("code_challenge", challenge);
    query.set("code_challenge_method", "S256");
  }
  const res = await fetch(url(`/github.com/login/oauth/authorize?${query}`), { redirect: "manual" });
  assert.equal(res.status, 302);
  return res.headers.get("location");
}

async function githubToken(fields, headers = {}) {
  const res = await fetch(url("/github.com/login/oauth/access_token"), {
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/x-www-form-urlencoded", ...headers },
    body: form(fields),
  });
  assert.equal(res.status, 200);
  return res.json();
}

async function googleCode({ challenge, nonce, scope = "openid email profile", state = "st-g" } = {}) {
  const query = new URLSearchParams({ client_id: GOOGLE.id, redirect_uri: REDIRECT, response_type: "code", scope, state });
  if (nonce) query.set("nonce", nonce);
  if (challenge) {
    query.set("code_challenge", challenge);
    query.set("code_challenge_method", "S256");
  }
  const res = await fetch(url(`/accounts.google.com/o/oauth2/v2/auth?${query}`), { redirect: "manual" });
  assert.equal(res.status, 302);
  return res.headers.get("location");
}

async function googleToken(fields, headers = {}) {
  const res = await fetch(url("/oauth2.googleapis.com/token"), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: form(fields),
  });
  return { status: res.status, body: await res.json() };
}

const lastToken = async () => (await (await fetch(url("/__fake/log"))).json()).filter((e) => e.endpoint === "token").at(-1);

describe("GitHub", () => {
  test("code + PKCE → token → user and emails", async () => {
    const { verifier, challenge } = pkce();
    const location = await githubCode({ challenge });
    assert.ok(location.startsWith(`${REDIRECT}?`));
    const { code, state } = params(location);
    assert.equal(state, "st-gh");
    const token = await githubToken({ client_id: GITHUB.id, client_secret: GITHUB.secret, code, redirect_uri: REDIRECT, code_verifier: verifier });
    assert.match(token.access_token, /^gho_/);
    assert.equal(token.token_type, "bearer");
    assert.equal(token.scope, "read:user,user:email");
    assert.deepEqual((await lastToken()).checks, { client_auth: "ok", code: "ok", redirect_uri: "ok", pkce: "ok" });

    const headers = { authorization: `Bearer ${token.access_token}`, "user-agent": "test" };
    const user = await (await fetch(url("/api.github.com/user"), { headers })).json();
    assert.equal(user.login, "octocat");
    assert.equal(user.id, 583231);
    assert.equal(user.email, null);
    const emails = await (await fetch(url("/api.github.com/user/emails"), { headers })).json();
    assert.deepEqual(emails[0], { email: "octocat@example.com", primary: true, verified: true, visibility: "private" });

    const unknown = await fetch(url("/api.github.com/user"), { headers: { authorization: "Bearer gho_nope", "user-agent": "t" } });
    assert.equal(unknown.status, 401);
    assert.equal((await unknown.json()).message, "Bad credentials");
  });

  test("a wrong code_verifier, a reused code, wrong credentials, another redirect_uri", async () => {
    const { challenge } = pkce();
    let { code } = params(await githubCode({ challenge }));
    let answer = await githubToken({ client_id: GITHUB.id, client_secret: GITHUB.secret, code, redirect_uri: REDIRECT, code_verifier: pkce().verifier });
    assert.equal(answer.error, "bad_verification_code");
    assert.equal((await lastToken()).checks.pkce, "BASE64URL(SHA-256(code_verifier)) != code_challenge");
    answer = await githubToken({ client_id: GITHUB.id, client_secret: GITHUB.secret, code, redirect_uri: REDIRECT });
    assert.equal((await lastToken()).checks.code, "code already used");

    ({ code } = params(await githubCode()));
    answer = await githubToken({ client_id: GITHUB.id, client_secret: "wrong", code, redirect_uri: REDIRECT });
    assert.equal(answer.error, "incorrect_client_credentials");
    ({ code } = params(await githubCode()));
    answer = await githubToken({ code, redirect_uri: `${REDIRECT}/` }, { authorization: basic(GITHUB.id, GITHUB.secret) });
    assert.equal(answer.error, "redirect_uri_mismatch");
    assert.equal((await lastToken()).checks.client_auth, "ok");
  });

  test("deny, and the form-encoded answer without Accept: application/json", async () => {
    await postJson(url("/__fake/current"), { provider: "github", id: 583231, deny: true });
    const denied = params(await githubCode());
    assert.equal(denied.error, "access_denied");
    assert.equal(denied.state, "st-gh");
    await postJson(url("/__fake/current"), { provider: "github", id: 583231 });
    const { code } = params(await githubCode());
    const res = await fetch(url("/github.com/login/oauth/access_token"), {
      method: "POST",
      body: new URLSearchParams({ client_id: GITHUB.id, client_secret: GITHUB.secret, code, redirect_uri: REDIRECT }),
    });
    const answer = Object.fromEntries(new URLSearchParams(await res.text()));
    assert.match(answer.access_token, /^gho_/);
    assert.equal((await lastToken()).checks.pkce, "not used");
  });

  test("behaviours", async () => {
    await postJson(url("/__fake/behaviour"), { provider: "github", token: "500" });
    const { code } = params(await githubCode());
    const res = await fetch(url("/github.com/login/oauth/access_token"), { method: "POST", body: new URLSearchParams({ code }) });
    assert.equal(res.status, 500);
    await postJson(url("/__fake/behaviour"), { provider: "github", token: "hang" });
    await assert.rejects(fetch(url("/github.com/login/oauth/access_token"), { method: "POST", signal: AbortSignal.timeout(300) }));
  });
});

describe("Google", () => {
  test("code + PKCE + nonce → tokens, a verified ID token, userinfo, refresh, revoke", async () => {
    const { verifier, challenge } = pkce();
    const location = await googleCode({ challenge, nonce: "nonce-1" });
    const back = params(location);
    assert.equal(back.state, "st-g");
    assert.equal(back.iss, "https://accounts.google.com");
    assert.equal(back.scope, "openid email profile");
    assert.equal(back.authuser, "0");
    assert.equal(back.prompt, "consent");

    const { status, body } = await googleToken(
      { grant_type: "authorization_code", code: back.code, redirect_uri: REDIRECT, code_verifier: verifier },
      { authorization: basic(GOOGLE.id, GOOGLE.secret) },
    );
    assert.equal(status, 200, JSON.stringify(body));
    assert.match(body.access_token, /^ya29\./);
    assert.match(body.refresh_token, /^1\/\/0/);
    assert.equal(body.expires_in, 3599);
    assert.equal(body.token_type, "Bearer");
    assert.equal(body.scope, "openid email profile");
    assert.deepEqual((await lastToken()).checks, { client_auth: "ok", code: "ok", redirect_uri: "ok", pkce: "ok" });

    const certs = await fetch(url("/www.googleapis.com/oauth2/v3/certs"));
    assert.equal(certs.headers.get("cache-control").includes("max-age=20000"), true);
    const jwks = createRemoteJWKSet(new URL(url("/www.googleapis.com/oauth2/v3/certs")));
    const { payload, protectedHeader } = await jwtVerify(body.id_token, jwks, { issuer: "https://accounts.google.com", audience: GOOGLE.id });
    assert.equal(protectedHeader.kid, "fake-google-key-1");
    assert.equal(payload.sub, ada.sub);
    assert.equal(payload.email, ada.email);
    assert.equal(payload.email_verified, true);
    assert.equal(payload.nonce, "nonce-1");
    assert.equal(payload.azp, GOOGLE.id);
    assert.equal(payload.exp - payload.iat, 3600);
    const digest = crypto.createHash("sha256").update(body.access_token).digest();
    assert.equal(payload.at_hash, digest.subarray(0, 16).toString("base64url"));

    const info = await (await fetch(url("/openidconnect.googleapis.com/v1/userinfo"), { headers: { authorization: `Bearer ${body.access_token}` } })).json();
    assert.equal(info.email, ada.email);

    const refreshed = await googleToken({ grant_type: "refresh_token", refresh_token: body.refresh_token, client_id: GOOGLE.id, client_secret: GOOGLE.secret });
    assert.equal(refreshed.status, 200);
    assert.equal(refreshed.body.refresh_token, undefined);
    assert.ok(refreshed.body.id_token);
    await postJson(url("/__fake/revoke"), { refresh_token: body.refresh_token });
    const revoked = await googleToken({ grant_type: "refresh_token", refresh_token: body.refresh_token, client_id: GOOGLE.id, client_secret: GOOGLE.secret });
    assert.deepEqual(revoked, { status: 400, body: { error: "invalid_grant", error_description: "Bad Request" } });
  });

  test("a wrong code_verifier or a missing one is invalid_grant", async () => {
    const { challenge } = pkce();
    let { code } = params(await googleCode({ challenge }));
    let answer = await googleToken({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: pkce().verifier, client_id: GOOGLE.id, client_secret: GOOGLE.secret });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error, "invalid_grant");
    assert.equal((await lastToken()).checks.pkce, "BASE64URL(SHA-256(code_verifier)) != code_challenge");
    ({ code } = params(await googleCode({ challenge })));
    answer = await googleToken({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, client_id: GOOGLE.id, client_secret: GOOGLE.secret });
    assert.equal(answer.body.error, "invalid_grant");
    assert.match((await lastToken()).checks.pkce, /code_verifier missing/);
  });

  test("deny, a foreign ID token, failing certs, minted ID tokens", async () => {
    await postJson(url("/__fake/current"), { provider: "google", sub: ada.sub, deny: true });
    assert.equal(params(await googleCode()).error, "access_denied");
    await postJson(url("/__fake/current"), { provider: "google", sub: ada.sub });

    await postJson(url("/__fake/behaviour"), { provider: "google", id_token: "foreign" });
    const { code } = params(await googleCode());
    const { body } = await googleToken({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, client_id: GOOGLE.id, client_secret: GOOGLE.secret });
    const jwks = createRemoteJWKSet(new URL(url("/www.googleapis.com/oauth2/v3/certs")));
    assert.equal(decodeProtectedHeader(body.id_token).kid, "fake-google-key-1");
    await assert.rejects(jwtVerify(body.id_token, jwks));

    const minted = await postJson(url("/__fake/id-token"), { claims: { aud: "someone-else" } });
    const { payload } = await jwtVerify(minted.id_token, jwks);
    assert.equal(payload.aud, "someone-else");
    assert.equal(payload.sub, ada.sub);
    const none = await postJson(url("/__fake/id-token"), { alg: "none" });
    assert.equal(decodeProtectedHeader(none.id_token).alg, "none");
    assert.ok(none.id_token.endsWith("."));

    await postJson(url("/__fake/behaviour"), { provider: "google", certs: "500" });
    assert.equal((await fetch(url("/www.googleapis.com/oauth2/v3/certs"))).status, 500);
  });
});
