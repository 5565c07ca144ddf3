// A local stand-in for GitHub's and Google's OAuth 2.0 / OpenID Connect APIs, for the social
// sign-in tests. Plain node:http on 127.0.0.1; `jose` signs Google's ID tokens (RS256).
//
// Every path is prefixed by the host it stands for, so a client configures base URLs such as
// http://127.0.0.1:PORT/github.com, http://127.0.0.1:PORT/api.github.com,
// http://127.0.0.1:PORT/accounts.google.com, http://127.0.0.1:PORT/oauth2.googleapis.com.
//
// Once it accepts requests it prints exactly one line on stdout:
//
//     listening on http://127.0.0.1:PORT
//
// Everything else goes to stderr. See README.md for the routes and the /__fake control routes.

import http from "node:http";
import crypto from "node:crypto";
import { SignJWT, exportJWK, generateKeyPair } from "jose";

const HOST = "127.0.0.1";
const PORT = Number(process.env.PORT ?? 0);

const CLIENTS = {
  github: {
    id: process.env.GITHUB_CLIENT_ID || "fake-github-client-id",
    secret: process.env.GITHUB_CLIENT_SECRET || "fake-github-client-secret",
  },
  google: {
    id: process.env.GOOGLE_CLIENT_ID || "fake-google-client-id.apps.googleusercontent.com",
    secret: process.env.GOOGLE_CLIENT_SECRET || "fake-google-client-secret",
  },
};

const GOOGLE_ISSUER = "https://accounts.google.com";
const KID = "fake-google-key-1";
const CODE_LIFETIME_MS = 10 * 60 * 1000;

// The key Google "publishes", and a second one with the same kid that it does not.
const goodKey = await generateKeyPair("RS256", { extractable: true });
const foreignKey = await generateKeyPair("RS256", { extractable: true });
const publicJwk = { ...(await exportJWK(goodKey.publicKey)), kid: KID, alg: "RS256", use: "sig" };

const PROVIDERS = ["github", "google"];
const BEHAVIOURS = {
  github: { token: ["ok", "500", "garbage", "hang"], user: ["ok", "401", "500", "garbage", "hang"], emails: ["ok", "404"] },
  google: {
    token: ["ok", "500", "garbage", "hang"],
    user: ["ok", "401", "500", "garbage", "hang"],
    certs: ["ok", "500", "hang"],
    id_token: ["ok", "foreign", "none"],
  },
};

let state;
function freshState() {
  return {
    users: { github: new Map(), google: new Map() },
    current: { github: null, google: null }, // { id, deny }
    behaviour: {
      github: { token: "ok", user: "ok", emails: "ok" },
      google: { token: "ok", user: "ok", certs: "ok", id_token: "ok" },
    },
    codes: new Map(), // code -> { provider, clientId, redirectUri, challenge, method, scope, nonce, userId, spent, expires }
    accessTokens: new Map(), // token -> { provider, userId, scope, clientId }
    refreshTokens: new Map(), // token -> { userId, scope, clientId, revoked }
    log: [],
  };
}
state = freshState();
// Answers held open by a "hang" behaviour (ended by /__fake/reset and at exit).
const hanging = new Set();

// ---------------------------------------------------------------------------------------------
// Small helpers

const random = (bytes) => crypto.randomBytes(bytes).toString("base64url");
const sha256url = (text) => crypto.createHash("sha256").update(text).digest("base64url");

function send(res, status, body, headers = {}) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const type = typeof body === "string" ? "text/plain; charset=utf-8" : "application/json; charset=utf-8";
  res.writeHead(status, { "content-type": type, "cache-control": "no-store", ...headers });
  res.end(text);
}

function redirect(res, target, params) {
  const url = new URL(target);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null) url.searchParams.append(name, value);
  }
  res.writeHead(302, { location: url.href, "cache-control": "no-store" });
  res.end();
}

function hang(req, res) {
  hanging.add(res);
  req.socket.setTimeout(0);
  res.on("close", () => hanging.delete(res));
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseForm(req, body) {
  const type = String(req.headers["content-type"] || "");
  if (type.includes("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(body));
  }
  if (type.includes("application/json")) {
    try {
      const value = JSON.parse(body);
      return value && typeof value === "object" && !Array.isArray(value) ? value : null;
    } catch {
      return null;
    }
  }
  return body ? Object.fromEntries(new URLSearchParams(body)) : null;
}

function bearer(req) {
  const header = String(req.headers.authorization || "");
  const match = /^(?:bearer|token)\s+(\S+)$/i.exec(header);
  return match ? match[1] : null;
}

function record(entry) {
  state.log.push({ ...entry, at: new Date().toISOString() });
}

// ---------------------------------------------------------------------------------------------
// Token endpoint checks (shared by GitHub and Google)

// Client authentication: client_secret_basic (RFC 6749 §2.3.1: the id and secret are
// form-urlencoded, then base64) or client_secret_post. Returns { clientId, check }.
function checkClientAuth(provider, req, form) {
  const expected = CLIENTS[provider];
  const header = String(req.headers.authorization || "");
  const basic = /^basic\s+(\S+)$/i.exec(header);
  const bodySecret = form.client_secret;
  let id;
  let secret;
  if (basic) {
    if (bodySecret !== undefined) {
      return { clientId: form.client_id, check: "client_secret in the body and an Authorization: Basic header: more than one client authentication method" };
    }
    const decoded = Buffer.from(basic[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return { clientId: undefined, check: "Authorization: Basic without a colon" };
    const unform = (s) => {
      try {
        return decodeURIComponent(s.replace(/\+/g, " "));
      } catch {
        return s;
      }
    };
    id = unform(decoded.slice(0, colon));
    secret = unform(decoded.slice(colon + 1));
    if (form.client_id !== undefined && form.client_id !== id) {
      return { clientId: id, check: `client_id in the body (${form.client_id}) differs from the Basic one (${id})` };
    }
  } else if (bodySecret !== undefined || form.client_id !== undefined) {
    id = form.client_id;
    secret = bodySecret;
    if (id === undefined) return { clientId: undefined, check: "client_secret without client_id" };
    if (secret === undefined) return { clientId: id, check: "client_id without client_secret (and no Authorization: Basic)" };
  } else {
    return { clientId: undefined, check: "no client authentication (neither Authorization: Basic nor client_id/client_secret in the body)" };
  }
  if (id !== expected.id) return { clientId: id, check: `unknown client_id ${JSON.stringify(id)}` };
  if (secret !== expected.secret) return { clientId: id, check: "wrong client_secret" };
  return { clientId: id, check: "ok" };
}

// The code, redirect_uri and PKCE checks of an authorization_code grant.
function checkCode(provider, form, clientId) {
  const checks = { code: "ok", redirect_uri: "ok", pkce: "ok" };
  const entry = form.code === undefined ? undefined : state.codes.get(form.code);
  if (form.code === undefined) checks.code = "no code";
  else if (!entry || entry.provider !== provider) checks.code = "unknown code";
  else if (entry.spent) checks.code = "code already used";
  else if (Date.now() > entry.expires) checks.code = "code expired";
  else if (entry.clientId !== clientId) checks.code = `code issued to client ${JSON.stringify(entry.clientId)}, not ${JSON.stringify(clientId)}`;
  if (!entry) {
    checks.redirect_uri = "no code to compare with";
    checks.pkce = "no code to compare with";
    return { entry, checks };
  }
  if (form.redirect_uri !== entry.redirectUri) {
    checks.redirect_uri = `redirect_uri ${JSON.stringify(form.redirect_uri ?? null)} is not the authorize request's ${JSON.stringify(entry.redirectUri ?? null)}`;
  }
  if (entry.challenge === undefined) {
    checks.pkce = form.code_verifier === undefined ? "not used" : "code_verifier sent but the authorize request had no code_challenge";
  } else if (entry.method !== "S256") {
    checks.pkce = `code_challenge_method ${JSON.stringify(entry.method ?? null)} is not S256`;
  } else if (form.code_verifier === undefined) {
    checks.pkce = "code_verifier missing (the code was issued with a code_challenge)";
  } else if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(form.code_verifier)) {
    checks.pkce = "code_verifier is not 43-128 characters of [A-Za-z0-9-._~] (RFC 7636 §4.1)";
  } else if (sha256url(form.code_verifier) !== entry.challenge) {
    checks.pkce = "BASE64URL(SHA-256(code_verifier)) != code_challenge";
  }
  return { entry, checks };
}

const passed = (check) => check === "ok" || check === "not used";

// ---------------------------------------------------------------------------------------------
// GitHub

const GITHUB_DOCS = "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors";

function githubUser(user) {
  const { emails: _emails, ...rest } = user;
  const login = rest.login;
  return {
    login,
    id: rest.id,
    node_id: `U_fake${rest.id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${rest.id}?v=4`,
    gravatar_id: "",
    url: `https://api.github.com/users/${login}`,
    html_url: `https://github.com/${login}`,
    type: "User",
    site_admin: false,
    name: null,
    company: null,
    blog: "",
    location: null,
    email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: "2020-01-01T00:00:00Z",
    updated_at: "2020-01-01T00:00:00Z",
    ...rest,
  };
}

function githubAuthorize(req, res, query, logEntry) {
  const clientCheck = query.client_id === CLIENTS.github.id ? "ok" : `unknown client_id ${JSON.stringify(query.client_id ?? null)}`;
  record({ ...logEntry, checks: { client_id: clientCheck } });
  if (clientCheck !== "ok") {
    return send(res, 404, "fake GitHub: the client_id of this authorize request is not the configured GITHUB_CLIENT_ID\n");
  }
  if (!query.redirect_uri) {
    return send(res, 400, "fake GitHub: this fake needs redirect_uri on the authorize request (it has no registered callback URL)\n");
  }
  const current = state.current.github;
  if (!current) {
    return send(res, 400, "fake GitHub: nobody is signed in; POST /__fake/users (and /__fake/current) first\n");
  }
  if (current.deny) {
    return redirect(res, query.redirect_uri, {
      error: "access_denied",
      error_description: "The user has denied your application access.",
      error_uri: `${GITHUB_DOCS}/#access-denied`,
      state: query.state,
    });
  }
  const code = crypto.randomBytes(10).toString("hex");
  state.codes.set(code, {
    provider: "github",
    clientId: query.client_id,
    redirectUri: query.redirect_uri,
    challenge: query.code_challenge,
    method: query.code_challenge === undefined ? undefined : query.code_challenge_method ?? "plain",
    scope: (query.scope ?? "").split(/[\s,]+/).filter(Boolean),
    userId: current.id,
    spent: false,
    expires: Date.now() + CODE_LIFETIME_MS,
  });
  redirect(res, query.redirect_uri, { code, state: query.state });
}

function githubTokenAnswer(req, res, body) {
  const accept = String(req.headers.accept || "");
  if (accept.includes("application/json")) return send(res, 200, body);
  if (accept.includes("application/xml")) {
    const xml = Object.entries(body).map(([k, v]) => `<${k}>${v}</${k}>`).join("");
    res.writeHead(200, { "content-type": "application/xml; charset=utf-8" });
    return res.end(`<OAuth>${xml}</OAuth>`);
  }
  res.writeHead(200, { "content-type": "application/x-www-form-urlencoded; charset=utf-8" });
  res.end(new URLSearchParams(body).toString());
}

function githubToken(req, res, form, logEntry) {
  const behaviour = state.behaviour.github.token;
  const { clientId, check: clientAuth } = checkClientAuth("github", req, form);
  const { entry, checks } = checkCode("github", form, clientId);
  const allChecks = { client_auth: clientAuth, ...checks };
  record({ ...logEntry, checks: allChecks });
  if (behaviour === "hang") return hang(req, res);
  if (behaviour === "500") return send(res, 500, "fake GitHub: internal server error (behaviour token=500)\n");
  if (behaviour === "garbage") return send(res, 200, "<html><body>Whoa there!</body></html>", { "content-type": "text/html" });

  let error;
  if (clientAuth !== "ok") {
    error = { error: "incorrect_client_credentials", error_description: "The client_id and/or client_secret passed are incorrect.", error_uri: `${GITHUB_DOCS}/#incorrect-client-credentials` };
  } else if (checks.code !== "ok") {
    error = { error: "bad_verification_code", error_description: "The code passed is incorrect or expired.", error_uri: `${GITHUB_DOCS}/#bad-verification-code` };
  } else if (checks.redirect_uri !== "ok") {
    error = { error: "redirect_uri_mismatch", error_description: "The redirect_uri MUST match the registered callback URL for this application.", error_uri: `${GITHUB_DOCS}/#redirect-uri-mismatch2` };
  } else if (!passed(checks.pkce)) {
    error = { error: "bad_verification_code", error_description: "The code passed is incorrect or expired.", error_uri: `${GITHUB_DOCS}/#bad-verification-code` };
  }
  // A code is spent by any exchange attempt that names it (single use, even when another check
  // fails).
  if (entry && checks.code === "ok") entry.spent = true;
  if (error) return githubTokenAnswer(req, res, error);
  const token = `gho_${crypto.randomBytes(18).toString("base64url").replace(/[-_]/g, "x")}`;
  state.accessTokens.set(token, { provider: "github", userId: entry.userId, scope: entry.scope, clientId });
  githubTokenAnswer(req, res, { access_token: token, token_type: "bearer", scope: entry.scope.join(",") });
}

function githubApi(req, res, endpoint, logEntry) {
  record({ ...logEntry, checks: null });
  if (!req.headers["user-agent"]) {
    // GitHub's API refuses requests without a User-Agent.
    return send(res, 403, "Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). Check https://developer.github.com for other possible causes.\n");
  }
  const behaviour = state.behaviour.github;
  if (endpoint === "user") {
    if (behaviour.user === "hang") return hang(req, res);
    if (behaviour.user === "500") return send(res, 500, { message: "Server Error" });
    if (behaviour.user === "garbage") return send(res, 200, "<html>unicorn</html>", { "content-type": "text/html" });
  }
  const token = bearer(req);
  const grant = token ? state.accessTokens.get(token) : undefined;
  if (!grant || grant.provider !== "github" || (endpoint === "user" && behaviour.user === "401")) {
    return send(res, 401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest", status: "401" });
  }
  const user = state.users.github.get(grant.userId);
  if (!user) return send(res, 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" });
  if (endpoint === "user") return send(res, 200, githubUser(user));
  // /user/emails needs the user:email (or user) scope.
  const allowed = grant.scope.includes("user:email") || grant.scope.includes("user");
  if (behaviour.emails === "404" || !allowed) {
    return send(res, 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest/users/emails#list-email-addresses-for-the-authenticated-user", status: "404" });
  }
  const emails = user.emails ?? (user.email ? [{ email: user.email, primary: true, verified: true, visibility: "public" }] : []);
  send(res, 200, emails.map((e) => ({ email: e.email, primary: Boolean(e.primary), verified: Boolean(e.verified), visibility: e.visibility ?? null })));
}

// ---------------------------------------------------------------------------------------------
// Google

async function signIdToken(claims, { key = "good", alg = "RS256", kid = KID, secret } = {}) {
  const header = { alg, typ: "JWT" };
  if (kid !== null) header.kid = kid;
  if (alg === "none") {
    const part = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
    return `${part(header)}.${part(claims)}.`;
  }
  if (alg === "HS256") {
    return new SignJWT(claims).setProtectedHeader(header).sign(new TextEncoder().encode(secret ?? CLIENTS.google.secret));
  }
  if (alg !== "RS256") throw new Error(`alg must be RS256, HS256 or none, not ${alg}`);
  const privateKey = key === "foreign" ? foreignKey.privateKey : goodKey.privateKey;
  return new SignJWT(claims).setProtectedHeader(header).sign(privateKey);
}

function googleClaims(user, extra = {}) {
  const iat = Math.floor(Date.now() / 1000);
  const claims = {
    iss: GOOGLE_ISSUER,
    azp: CLIENTS.google.id,
    aud: CLIENTS.google.id,
    sub: user?.sub,
    email: user?.email,
    email_verified: user?.email_verified,
    ...extra,
    name: user?.name,
    picture: user?.picture,
    given_name: user?.given_name,
    family_name: user?.family_name,
    iat,
    exp: iat + 3600,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return claims;
}

function googleError(res, status, error, description = "Bad Request") {
  send(res, status, { error, error_description: description });
}

function googleAuthorize(req, res, query, logEntry) {
  const clientCheck = query.client_id === CLIENTS.google.id ? "ok" : `unknown client_id ${JSON.stringify(query.client_id ?? null)}`;
  record({ ...logEntry, checks: { client_id: clientCheck } });
  if (clientCheck !== "ok") {
    return send(res, 401, "Access blocked: Authorization Error. Error 401: invalid_client (The OAuth client was not found.)\n");
  }
  if (!query.redirect_uri) return send(res, 400, "Error 400: invalid_request. Missing required parameter: redirect_uri\n");
  if (query.response_type !== "code") return send(res, 400, `Error 400: invalid_request. Invalid response_type: ${query.response_type ?? "(missing)"} (this fake only does code)\n`);
  if (!query.scope) return send(res, 400, "Error 400: invalid_request. Missing required parameter: scope\n");
  const current = state.current.google;
  if (!current) return send(res, 400, "fake Google: nobody is signed in; POST /__fake/users (and /__fake/current) first\n");
  if (current.deny) return redirect(res, query.redirect_uri, { error: "access_denied", state: query.state });
  const code = `4/0${random(40)}`;
  const scope = query.scope.split(/\s+/).filter(Boolean);
  state.codes.set(code, {
    provider: "google",
    clientId: query.client_id,
    redirectUri: query.redirect_uri,
    challenge: query.code_challenge,
    method: query.code_challenge === undefined ? undefined : query.code_challenge_method ?? "plain",
    scope,
    nonce: query.nonce,
    userId: current.id,
    spent: false,
    expires: Date.now() + CODE_LIFETIME_MS,
  });
  redirect(res, query.redirect_uri, {
    state: query.state,
    iss: GOOGLE_ISSUER,
    code,
    scope: scope.join(" "),
    authuser: "0",
    prompt: "consent",
  });
}

async function googleTokens(user, scope, nonce, withRefresh, clientId) {
  const accessToken = `ya29.${random(48)}`;
  state.accessTokens.set(accessToken, { provider: "google", userId: user.sub, scope, clientId });
  const body = { access_token: accessToken, expires_in: 3599 };
  if (withRefresh) {
    const refreshToken = `1//0${random(40)}`;
    state.refreshTokens.set(refreshToken, { userId: user.sub, scope, clientId, revoked: false });
    body.refresh_token = refreshToken;
  }
  body.scope = scope.join(" ");
  body.token_type = "Bearer";
  const mode = state.behaviour.google.id_token;
  if (scope.includes("openid") && mode !== "none") {
    const digest = crypto.createHash("sha256").update(accessToken).digest();
    const atHash = digest.subarray(0, digest.length / 2).toString("base64url");
    const extra = { at_hash: atHash };
    if (nonce !== undefined) extra.nonce = nonce;
    body.id_token = await signIdToken(googleClaims(user, extra), { key: mode === "foreign" ? "foreign" : "good" });
  }
  return body;
}

async function googleToken(req, res, form, logEntry) {
  const behaviour = state.behaviour.google.token;
  const { clientId, check: clientAuth } = checkClientAuth("google", req, form);
  const grantType = form.grant_type;
  let checks;
  let entry;
  let refresh;
  if (grantType === "refresh_token") {
    refresh = form.refresh_token === undefined ? undefined : state.refreshTokens.get(form.refresh_token);
    let refreshCheck = "ok";
    if (form.refresh_token === undefined) refreshCheck = "no refresh_token";
    else if (!refresh) refreshCheck = "unknown refresh_token";
    else if (refresh.revoked) refreshCheck = "refresh_token revoked";
    else if (refresh.clientId !== clientId) refreshCheck = "refresh_token issued to another client";
    checks = { client_auth: clientAuth, refresh_token: refreshCheck };
  } else {
    ({ entry, checks } = checkCode("google", form, clientId));
    checks = { client_auth: clientAuth, ...checks };
  }
  record({ ...logEntry, checks });
  if (behaviour === "hang") return hang(req, res);
  if (behaviour === "500") return googleError(res, 500, "internal_failure", "Internal Server Error");
  if (behaviour === "garbage") return send(res, 200, "<html><body>Google 502</body></html>", { "content-type": "text/html" });

  if (grantType !== "authorization_code" && grantType !== "refresh_token") {
    return googleError(res, 400, "unsupported_grant_type", `Invalid grant_type: ${grantType ?? ""}`);
  }
  // A code is spent by any exchange attempt that names it (single use, even when another check
  // fails).
  if (entry && checks.code === "ok") entry.spent = true;
  if (clientAuth !== "ok") return googleError(res, 401, "invalid_client", "Unauthorized");
  if (grantType === "refresh_token") {
    if (checks.refresh_token !== "ok") return googleError(res, 400, "invalid_grant", "Bad Request");
    const user = state.users.google.get(refresh.userId);
    if (!user) return googleError(res, 400, "invalid_grant", "Bad Request");
    return send(res, 200, await googleTokens(user, refresh.scope, undefined, false, clientId));
  }
  if (checks.code !== "ok") return googleError(res, 400, "invalid_grant", checks.code === "code expired" ? "Token has been expired or revoked." : "Malformed auth code.");
  if (checks.redirect_uri !== "ok") return googleError(res, 400, "redirect_uri_mismatch", "Bad Request");
  if (!passed(checks.pkce)) return googleError(res, 400, "invalid_grant", checks.pkce.startsWith("code_verifier missing") ? "Missing code verifier." : "Bad Request");
  const user = state.users.google.get(entry.userId);
  if (!user) return googleError(res, 400, "invalid_grant", "Bad Request");
  send(res, 200, await googleTokens(user, entry.scope, entry.nonce, true, clientId));
}

function googleCerts(req, res, logEntry) {
  record({ ...logEntry, checks: null });
  const behaviour = state.behaviour.google.certs;
  if (behaviour === "hang") return hang(req, res);
  if (behaviour === "500") return send(res, 500, "fake Google: internal server error (behaviour certs=500)\n");
  send(res, 200, { keys: [publicJwk] }, { "cache-control": "public, max-age=20000, must-revalidate, no-transform" });
}

function googleUserinfo(req, res, logEntry) {
  record({ ...logEntry, checks: null });
  const behaviour = state.behaviour.google.user;
  if (behaviour === "hang") return hang(req, res);
  if (behaviour === "500") return googleError(res, 500, "internal_failure", "Internal Server Error");
  if (behaviour === "garbage") return send(res, 200, "<html>oops</html>", { "content-type": "text/html" });
  const token = bearer(req);
  const grant = token ? state.accessTokens.get(token) : undefined;
  if (!grant || grant.provider !== "google" || behaviour === "401") {
    return send(res, 401, { error: "invalid_request", error_description: "Invalid Credentials" }, { "www-authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"' });
  }
  const user = state.users.google.get(grant.userId);
  if (!user) return googleError(res, 401, "invalid_request", "Invalid Credentials");
  const claims = { sub: user.sub };
  if (grant.scope.includes("profile") || grant.scope.includes("https://www.googleapis.com/auth/userinfo.profile")) {
    Object.assign(claims, { name: user.name, picture: user.picture, given_name: user.given_name, family_name: user.family_name });
  }
  if (grant.scope.includes("email") || grant.scope.includes("https://www.googleapis.com/auth/userinfo.email")) {
    Object.assign(claims, { email: user.email, email_verified: user.email_verified });
  }
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  send(res, 200, claims);
}

// ---------------------------------------------------------------------------------------------
// /__fake control routes

function providerOf(body) {
  if (!PROVIDERS.includes(body?.provider)) throw new Error(`provider must be "github" or "google", not ${JSON.stringify(body?.provider)}`);
  return body.provider;
}

async function control(req, res, path, body) {
  const json = () => {
    if (!body) return {};
    try {
      return JSON.parse(body);
    } catch {
      throw new Error("the body is not JSON");
    }
  };
  if (req.method === "GET" && path === "/__fake/log") return send(res, 200, state.log);
  if (req.method !== "POST") return send(res, 405, { error: "use POST" });
  const input = json();
  switch (path) {
    case "/__fake/users": {
      const provider = providerOf(input);
      const user = input.user;
      if (!user || typeof user !== "object") throw new Error("user must be an object");
      let id;
      if (provider === "github") {
        if (typeof user.id !== "number" || typeof user.login !== "string") throw new Error("a GitHub user needs login (string) and id (number)");
        id = String(user.id);
      } else {
        if (typeof user.sub !== "string") throw new Error("a Google user needs sub (string)");
        id = user.sub;
      }
      state.users[provider].set(id, structuredClone(user));
      // The first user of a provider is the one who consents until /__fake/current says otherwise.
      if (!state.current[provider]) state.current[provider] = { id, deny: false };
      return send(res, 200, { ok: true, current: state.current[provider] });
    }
    case "/__fake/current": {
      const provider = providerOf(input);
      const given = input.id ?? input.sub;
      const id = given === undefined ? state.current[provider]?.id : String(given);
      if (id === undefined) throw new Error("id (GitHub) or sub (Google) is needed: nobody is current yet");
      if (!state.users[provider].has(id)) throw new Error(`no ${provider} user ${id}: POST /__fake/users first`);
      state.current[provider] = { id, deny: Boolean(input.deny) };
      return send(res, 200, { ok: true, current: state.current[provider] });
    }
    case "/__fake/behaviour": {
      const provider = providerOf(input);
      const allowed = BEHAVIOURS[provider];
      for (const [name, value] of Object.entries(input)) {
        if (name === "provider") continue;
        if (!allowed[name]) throw new Error(`${provider} has no behaviour ${name} (it has ${Object.keys(allowed).join(", ")})`);
        if (!allowed[name].includes(value)) throw new Error(`${provider} ${name} must be one of ${allowed[name].join(", ")}`);
      }
      for (const [name, value] of Object.entries(input)) if (name !== "provider") state.behaviour[provider][name] = value;
      return send(res, 200, { ok: true, behaviour: state.behaviour[provider] });
    }
    case "/__fake/id-token": {
      const current = state.current.google ? state.users.google.get(state.current.google.id) : undefined;
      const claims = { ...googleClaims(current), ...(input.claims ?? {}) };
      for (const [name, value] of Object.entries(claims)) if (value === null) delete claims[name];
      const kid = input.kid === undefined ? KID : input.kid;
      const idToken = await signIdToken(claims, { key: input.key ?? "good", alg: input.alg ?? "RS256", kid, secret: input.secret });
      return send(res, 200, { id_token: idToken });
    }
    case "/__fake/revoke": {
      const entry = state.refreshTokens.get(input.refresh_token);
      if (!entry) throw new Error("unknown refresh_token");
      entry.revoked = true;
      return send(res, 200, { ok: true });
    }
    case "/__fake/log/clear":
      state.log = [];
      return send(res, 200, { ok: true });
    case "/__fake/reset":
      for (const held of hanging) held.destroy();
      hanging.clear();
      state = freshState();
      return send(res, 200, { ok: true });
    default:
      return send(res, 404, { error: `no control route ${path}` });
  }
}

// ---------------------------------------------------------------------------------------------
// Routing

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

async function handle(req, res) {
  const url = new URL(req.url, `http://${HOST}`);
  const path = url.pathname;
  const body = await readBody(req);

  if (path.startsWith("/__fake/")) {
    if (!LOOPBACK.has(req.socket.remoteAddress)) return send(res, 403, { error: "control routes answer loopback only" });
    try {
      return await control(req, res, path, body);
    } catch (error) {
      return send(res, 400, { error: error.message });
    }
  }

  const query = Object.fromEntries(url.searchParams);
  const form = req.method === "POST" ? parseForm(req, body) : null;
  const route = (provider, endpoint) => ({
    provider,
    endpoint,
    method: req.method,
    path,
    query,
    headers: req.headers,
    body,
    form,
  });
  const key = `${req.method} ${path}`;
  switch (key) {
    case "GET /github.com/login/oauth/authorize":
      return githubAuthorize(req, res, query, route("github", "authorize"));
    case "POST /github.com/login/oauth/access_token":
      // GitHub also reads the parameters from the query string.
      return githubToken(req, res, { ...query, ...(form ?? {}) }, route("github", "token"));
    case "GET /api.github.com/user":
      return githubApi(req, res, "user", route("github", "user"));
    case "GET /api.github.com/user/emails":
      return githubApi(req, res, "emails", route("github", "emails"));
    case "GET /accounts.google.com/o/oauth2/v2/auth":
      return googleAuthorize(req, res, query, route("google", "authorize"));
    case "POST /oauth2.googleapis.com/token":
      return googleToken(req, res, form ?? {}, route("google", "token"));
    case "GET /www.googleapis.com/oauth2/v3/certs":
      return googleCerts(req, res, route("google", "certs"));
    case "GET /openidconnect.googleapis.com/v1/userinfo":
    case "GET /www.googleapis.com/oauth2/v3/userinfo":
      return googleUserinfo(req, res, route("google", "userinfo"));
    default:
      record({ ...route(null, "unknown"), checks: null });
      return send(res, 404, { error: `fake-social has no route ${key}` });
  }
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((error) => {
    console.error("fake-social:", error);
    if (!res.headersSent) send(res, 500, { error: String(error?.message ?? error) });
    else res.destroy();
  });
});

function shutdown(code) {
  for (const held of hanging) held.destroy();
  server.close(() => process.exit(code));
  server.closeAllConnections?.();
  setTimeout(() => process.exit(code), 2000).unref();
}

process.on("SIGTERM", () => shutdown(0));
process.on("SIGINT", () => shutdown(0));
if (process.env.EXIT_ON_STDIN_CLOSE === "1") {
  // The parent (a Rust test) holds our stdin; when it goes away, so do we.
  process.stdin.on("end", () => shutdown(0));
  process.stdin.on("close", () => shutdown(0));
  process.stdin.resume();
}

server.on("error", (error) => {
  console.error("fake-social: cannot listen:", error.message);
  process.exit(1);
});
server.listen(PORT, HOST, () => {
  process.stdout.write(`listening on http://${HOST}:${server.address().port}\n`);
});
