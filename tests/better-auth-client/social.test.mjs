// The real `better-auth` npm client's social sign-in calls against our Rust server, with real
// providers on loopback: an OpenID Connect provider (panva's oidc-provider, whose login and
// consent pages this file drives over plain HTTP, as a browser would) and the fake GitHub and
// Google of tests/oauth-providers (whose users this file sets through its control routes).
// signIn.social (code flow and ID token), the callback, getSession, listAccounts, linkSocial,
// getAccessToken, refreshToken, accountInfo, unlinkAccount, and the errors the client surfaces.
//
// Run by examples/server/tests/better_auth_client.rs, which starts the server on PostgreSQL with
// the three providers; AUTH_SERVER_URL is the server, OIDC_ISSUER the OpenID Connect provider,
// FAKE_SOCIAL_URL the fake GitHub + Google.
import { test } from "node:test";
import assert from "node:assert/strict";
import { browser as newBrowser } from "./browser.mjs";

const baseURL = process.env.AUTH_SERVER_URL;
const issuer = process.env.OIDC_ISSUER;
const fake = process.env.FAKE_SOCIAL_URL;
assert.ok(baseURL && issuer && fake, "AUTH_SERVER_URL, OIDC_ISSUER and FAKE_SOCIAL_URL must be set");

const login = `ada${process.pid}`;
const email = `${login}@oidc.test`; // what the OpenID Connect provider says of every login

/** A browser: a cookie jar per origin, redirects handed back rather than followed. */
const browser = () => newBrowser(baseURL);

/** Follows the provider's redirects and posts its forms (login, then consent) until it sends
 * the browser back to another origin; returns that URL, not requested. `cancel`: press Cancel
 * on the login page instead. */
async function atProvider(b, authorizeURL, { cancel = false } = {}) {
  let url = authorizeURL;
  let init = {};
  for (let step = 0; step < 20; step++) {
    const response = await b.fetch(url, init);
    if (response.status >= 300 && response.status < 400) {
      const next = new URL(response.headers.get("location"), url);
      if (next.origin !== new URL(authorizeURL).origin) return next.href;
      url = next.href;
      init = {};
      continue;
    }
    const page = await response.text();
    assert.equal(response.status, 200, `the provider's page at ${url}:\n${page}`);
    const actions = [...page.matchAll(/<form[^>]*action="([^"]+)"/g)].map((m) => m[1].replaceAll("&amp;", "&"));
    const action = cancel ? actions.find((a) => a.endsWith("/abort")) : actions[0];
    assert.ok(action, `a form at ${url}:\n${page}`);
    const form = page.includes('name="login"') && !cancel ? new URLSearchParams({ login, password: "any password" }) : new URLSearchParams();
    url = new URL(action, url).href;
    init = { method: "POST", body: form.toString(), headers: { "content-type": "application/x-www-form-urlencoded" } };
  }
  throw new Error(`no redirect back from the provider after 20 steps from ${authorizeURL}`);
}

/** A control route of the fake GitHub + Google. */
async function control(path, body) {
  const response = await fetch(`${fake}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  assert.equal(response.status, 200, `${path}: ${JSON.stringify(answer)}`);
  return answer;
}

/** The callback request the provider sent the browser to: a 302 to `location` expected. */
async function callback(b, url) {
  assert.ok(url.startsWith(`${baseURL}/api/auth/callback/`), `back at the server's callback: ${url}`);
  const response = await b.fetch(url);
  assert.equal(response.status, 302, await response.clone().text());
  return response;
}

const ada = browser();
let user; // the session user after the OIDC sign-in
const accounts = {}; // providerId -> listAccounts row

test("the server reports its providers", async () => {
  const response = await fetch(`${baseURL}/api/providers`);
  assert.deepEqual(await response.json(), { providers: ["github", "google", "oidc"] });
});

test("signIn.social starts the OpenID Connect code flow; the callback signs a new user in", async () => {
  const { data, error } = await ada.client.signIn.social({ provider: "oidc", callbackURL: "/done" });
  assert.equal(error, null);
  assert.equal(data.redirect, true);
  const authorize = new URL(data.url);
  assert.equal(`${authorize.origin}${authorize.pathname}`, `${issuer}/auth`);
  const q = authorize.searchParams;
  assert.equal(q.get("response_type"), "code");
  assert.equal(q.get("client_id"), "auth-rs-test");
  assert.equal(q.get("redirect_uri"), `${baseURL}/api/auth/callback/oidc`);
  assert.deepEqual(q.get("scope").split(" ").sort(), ["email", "openid", "profile"]);
  assert.match(q.get("state"), /^[A-Za-z0-9_-]{32}$/);
  assert.equal(q.get("code_challenge_method"), "S256");
  assert.ok(q.get("code_challenge") && q.get("nonce"));
  assert.ok(ada.jar(baseURL).has("better-auth.state"), "the state cookie binds the flow to this browser");

  const back = await atProvider(ada, data.url);
  assert.equal(new URL(back).searchParams.get("state"), q.get("state"));
  assert.equal(new URL(back).searchParams.get("iss"), issuer);
  const response = await callback(ada, back);
  assert.equal(response.headers.get("location"), "/done");
  assert.ok(ada.jar(baseURL).has("better-auth.session_token"));
  assert.ok(!ada.jar(baseURL).has("better-auth.state"), "the state cookie is cleared");
  assert.ok(response.headers.get("set-auth-token"), "the bearer plugin's header, as Better Auth sends it");

  // The same callback again: the state is single-use.
  const replay = await callback(ada, back);
  assert.equal(new URL(replay.headers.get("location")).searchParams.get("error"), "state_mismatch");
});

test("getSession shows the provider's user, listAccounts its account", async () => {
  const session = await ada.client.getSession();
  assert.equal(session.error, null);
  user = session.data.user;
  assert.equal(user.email, email);
  assert.equal(user.name, login.charAt(0).toUpperCase() + login.slice(1));
  assert.equal(user.emailVerified, true);

  const { data, error } = await ada.client.listAccounts();
  assert.equal(error, null);
  assert.equal(data.length, 1);
  const [oidc] = data;
  assert.equal(oidc.providerId, "oidc");
  assert.equal(oidc.accountId, login, "the provider's subject");
  assert.equal(oidc.userId, user.id);
  assert.ok(oidc.createdAt instanceof Date);
  assert.ok(oidc.scopes.includes("openid"), JSON.stringify(oidc.scopes));
  assert.equal(oidc.accessToken, undefined, "no tokens in the list");
  accounts.oidc = oidc;
});

test("linkSocial links GitHub (code flow, same verified address)", async () => {
  await control("/__fake/users", {
    provider: "github",
    user: { login, id: 7001, name: "Ada on GitHub", email, emails: [{ email, primary: true, verified: true, visibility: "public" }] },
  });
  const { data, error } = await ada.client.linkSocial({ provider: "github", callbackURL: "/linked" });
  assert.equal(error, null);
  assert.equal(data.redirect, true);
  assert.ok(data.url.startsWith(`${fake}/github.com/login/oauth/authorize?`), data.url);
  // The fake consents at once for its current user.
  const consent = await fetch(data.url, { redirect: "manual" });
  assert.equal(consent.status, 302);
  const response = await callback(ada, consent.headers.get("location"));
  assert.equal(response.headers.get("location"), "/linked");

  const list = await ada.client.listAccounts();
  assert.deepEqual(list.data.map((a) => a.providerId).sort(), ["github", "oidc"]);
  accounts.github = list.data.find((a) => a.providerId === "github");
  assert.equal(accounts.github.accountId, "7001");
  assert.equal(accounts.github.userId, user.id);
});

test("linkSocial links Google (code flow), with a refresh token", async () => {
  await control("/__fake/users", {
    provider: "google",
    user: { sub: `google-${login}`, email, email_verified: true, name: "Ada on Google", given_name: "Ada", family_name: "Google" },
  });
  const { data, error } = await ada.client.linkSocial({ provider: "google", callbackURL: "/linked" });
  assert.equal(error, null);
  const consent = await fetch(data.url, { redirect: "manual" });
  assert.equal(consent.status, 302);
  const response = await callback(ada, consent.headers.get("location"));
  assert.equal(response.headers.get("location"), "/linked");
  const list = await ada.client.listAccounts();
  assert.deepEqual(list.data.map((a) => a.providerId).sort(), ["github", "google", "oidc"]);
  accounts.google = list.data.find((a) => a.providerId === "google");
  assert.ok(accounts.google.scopes.includes("openid"), JSON.stringify(accounts.google.scopes));
});

test("signIn.social with a Google ID token signs the same user in elsewhere", async () => {
  const { id_token: token } = await control("/__fake/id-token", { claims: {} });
  const phone = browser();
  let header;
  const { data, error } = await phone.client.signIn.social(
    { provider: "google", idToken: { token } },
    { onResponse: (ctx) => { header = ctx.response.headers.get("set-auth-token"); } },
  );
  assert.equal(error, null);
  assert.equal(data.redirect, false);
  assert.match(data.token, /^[A-Za-z0-9]{32}$/);
  assert.equal(data.user.id, user.id);
  assert.ok(header.startsWith(`${data.token}.`));
  const session = await phone.client.getSession();
  assert.equal(session.data.user.id, user.id);
  const list = await phone.client.listAccounts();
  assert.equal(list.data.length, 3, "the Google account already linked: no new one");
});

test("getAccessToken gives each provider's access token", async () => {
  const google = await ada.client.getAccessToken({ accountId: accounts.google.id });
  assert.equal(google.error, null);
  assert.match(google.data.accessToken, /^ya29\./);
  assert.ok(google.data.accessTokenExpiresAt instanceof Date);
  assert.ok(google.data.accessTokenExpiresAt > new Date());
  assert.ok(google.data.scopes.includes("openid"));
  assert.ok(google.data.idToken);

  const github = await ada.client.getAccessToken({ accountId: accounts.github.id });
  assert.equal(github.error, null);
  assert.match(github.data.accessToken, /^gho_/);
  assert.equal(github.data.accessTokenExpiresAt, undefined, "GitHub's tokens do not expire");

  const oidc = await ada.client.getAccessToken({ accountId: accounts.oidc.id });
  assert.equal(oidc.error, null);
  assert.ok(oidc.data.accessToken);
});

test("refreshToken refreshes Google's tokens at the provider", async () => {
  const before = await ada.client.getAccessToken({ accountId: accounts.google.id });
  const { data, error } = await ada.client.refreshToken({ accountId: accounts.google.id });
  assert.equal(error, null);
  assert.match(data.accessToken, /^ya29\./);
  assert.notEqual(data.accessToken, before.data.accessToken);
  assert.ok(data.refreshToken, "the stored refresh token stays");
  assert.equal(data.providerId, "google");
  assert.equal(data.accountId, accounts.google.id, "the account row's id");
  const after = await ada.client.getAccessToken({ accountId: accounts.google.id });
  assert.equal(after.data.accessToken, data.accessToken);

  const log = await (await fetch(`${fake}/__fake/log`)).json();
  const refresh = log.filter((e) => e.provider === "google" && e.endpoint === "token" && e.form?.grant_type === "refresh_token");
  assert.equal(refresh.length, 1);
  assert.deepEqual(refresh[0].checks, { client_auth: "ok", refresh_token: "ok" });
});

test("accountInfo reads the provider's profile", async () => {
  const github = await ada.client.accountInfo({ query: { accountId: accounts.github.id } });
  assert.equal(github.error, null);
  assert.equal(github.data.user.email, email);
  assert.equal(github.data.user.name, "Ada on GitHub");
  assert.equal(github.data.user.emailVerified, true);
  assert.equal(github.data.data.login, login);
  assert.deepEqual(github.data.account, { id: accounts.github.id, providerId: "github", accountId: "7001" });

  const oidc = await ada.client.accountInfo({ query: { accountId: accounts.oidc.id } });
  assert.equal(oidc.error, null);
  assert.equal(oidc.data.user.email, email);
  assert.equal(oidc.data.data.sub, login);
  assert.equal(oidc.data.account.providerId, "oidc");
});

test("unlinkAccount, down to the last account, which stays", async () => {
  const github = await ada.client.unlinkAccount({ accountId: accounts.github.id });
  assert.equal(github.error, null);
  assert.deepEqual(github.data, { status: true });
  const google = await ada.client.unlinkAccount({ accountId: accounts.google.id });
  assert.equal(google.error, null);

  const last = await ada.client.unlinkAccount({ accountId: accounts.oidc.id });
  assert.equal(last.data, null);
  assert.equal(last.error.status, 400);
  assert.equal(last.error.code, "FAILED_TO_UNLINK_LAST_ACCOUNT");
  assert.equal(last.error.message, "You can't unlink your last account");
  const list = await ada.client.listAccounts();
  assert.deepEqual(list.data.map((a) => a.id), [accounts.oidc.id]);
});

test("the errors the client surfaces carry Better Auth's codes", async () => {
  const unknown = await ada.client.signIn.social({ provider: "gitlab", callbackURL: "/done" });
  assert.equal(unknown.error.status, 404);
  assert.equal(unknown.error.code, "PROVIDER_NOT_FOUND");
  const unknownLink = await ada.client.linkSocial({ provider: "nope" });
  assert.equal(unknownLink.error.status, 404);
  assert.equal(unknownLink.error.code, "PROVIDER_NOT_FOUND");

  const { id_token: foreign } = await control("/__fake/id-token", { claims: {}, key: "foreign" });
  const forged = await browser().client.signIn.social({ provider: "google", idToken: { token: foreign } });
  assert.equal(forged.error.status, 401);
  assert.equal(forged.error.code, "INVALID_TOKEN");
  const { id_token: stranger } = await control("/__fake/id-token", { claims: { aud: "someone-else" } });
  const wrongAudience = await browser().client.signIn.social({ provider: "google", idToken: { token: stranger } });
  assert.equal(wrongAudience.error.code, "INVALID_TOKEN");

  const github = await browser().client.signIn.social({ provider: "github", idToken: { token: foreign } });
  assert.equal(github.error.status, 404);
  assert.equal(github.error.code, "ID_TOKEN_NOT_SUPPORTED");

  const untrusted = await ada.client.signIn.social({ provider: "oidc", callbackURL: "https://evil.example/" });
  assert.equal(untrusted.error.status, 403);
  assert.equal(untrusted.error.code, "INVALID_CALLBACK_URL");

  const notMine = await ada.client.refreshToken({ accountId: "not-an-account-of-mine" });
  assert.equal(notMine.error.status, 400);
  assert.equal(notMine.error.code, "ACCOUNT_NOT_FOUND");

  const anonymous = browser();
  const list = await anonymous.client.listAccounts();
  assert.equal(list.error.status, 401);
  assert.equal(list.error.code, "UNAUTHORIZED");
  const link = await anonymous.client.linkSocial({ provider: "github" });
  assert.equal(link.error.status, 401);
  const token = await anonymous.client.getAccessToken({ accountId: accounts.oidc.id });
  assert.equal(token.error.status, 401);
});

test("a returning user signs in to the same account; cancelling at the provider is access_denied", async () => {
  // Another browser: the provider asks for login and consent again.
  const laptop = browser();
  const { data } = await laptop.client.signIn.social({ provider: "oidc", callbackURL: "/done", newUserCallbackURL: "/welcome", errorCallbackURL: "/oops" });
  const response = await callback(laptop, await atProvider(laptop, data.url));
  assert.equal(response.headers.get("location"), "/done", "not a new user");
  const session = await laptop.client.getSession();
  assert.equal(session.data.user.id, user.id);

  const quitter = browser();
  const again = await quitter.client.signIn.social({ provider: "oidc", callbackURL: "/done", errorCallbackURL: "/oops" });
  const denied = await callback(quitter, await atProvider(quitter, again.data.url, { cancel: true }));
  const location = new URL(denied.headers.get("location"), baseURL);
  assert.equal(location.pathname, "/oops");
  assert.equal(location.searchParams.get("error"), "access_denied");
  assert.equal((await quitter.client.getSession()).data, null);
});
