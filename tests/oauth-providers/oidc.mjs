// A certified OpenID Connect provider for the tests: panva's `oidc-provider` (pinned in
// package.json) on 127.0.0.1, issuer http://127.0.0.1:PORT, one confidential client, and a small
// login + consent page of its own that a browser or a plain HTTP client can drive.
//
// Once it accepts requests it prints exactly one line on stdout:
//
//     listening on http://127.0.0.1:PORT
//
// Everything else goes to stderr. See README.md for the environment, the routes and the page's
// selectors.

import http from "node:http";
import crypto from "node:crypto";

// oidc-provider's notices go through console.info (stdout): keep stdout for the ready line.
console.info = console.error;
console.log = console.error;

const { default: Provider } = await import("oidc-provider");
const { exportJWK, generateKeyPair } = await import("jose");

const HOST = "127.0.0.1";
const PORT = Number(process.env.PORT ?? 0);
const CLIENT_ID = process.env.CLIENT_ID || "auth-rs-test";
const CLIENT_SECRET = process.env.CLIENT_SECRET || "auth-rs-test-secret";

function fail(message) {
  console.error(`oidc: ${message}`);
  process.exit(1);
}

// oidc-provider takes client_secret_basic and client_secret_post alike for a client registered
// with either.
function clientMetadata({ redirect_uris }) {
  if (!Array.isArray(redirect_uris) || redirect_uris.length === 0 || !redirect_uris.every((u) => typeof u === "string" && u)) {
    throw new Error("redirect_uris must be a non-empty array of URIs");
  }
  return {
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    client_name: "auth-rs tests",
    redirect_uris,
    response_types: ["code"],
    grant_types: ["authorization_code", "refresh_token"],
    token_endpoint_auth_method: "client_secret_basic",
    id_token_signed_response_alg: "RS256",
  };
}

let client;
try {
  client = clientMetadata({
    redirect_uris: (process.env.REDIRECT_URIS ?? "").split(",").map((u) => u.trim()).filter(Boolean),
  });
} catch (error) {
  fail(`${error.message} (set REDIRECT_URIS to the client's redirect URIs, comma-separated)`);
}

// ---------------------------------------------------------------------------------------------
// Storage: everything in memory. The client is read from `client` on every lookup, so that
// POST /__oidc/clients can change its redirect URIs (oidc-provider rebuilds a client whose
// metadata changed).

const store = new Map(); // key -> { payload, expires }
const grantMembers = new Map(); // grantId -> Set of keys
const GRANTABLE = new Set(["AccessToken", "AuthorizationCode", "RefreshToken", "DeviceCode", "BackchannelAuthenticationRequest"]);

function live(key) {
  const entry = store.get(key);
  if (!entry) return undefined;
  if (entry.expires !== undefined && entry.expires < Date.now()) {
    store.delete(key);
    return undefined;
  }
  return entry.payload;
}

class MemoryAdapter {
  constructor(model) {
    this.model = model;
  }

  key(id) {
    return `${this.model}:${id}`;
  }

  async upsert(id, payload, expiresIn) {
    const key = this.key(id);
    const expires = typeof expiresIn === "number" ? Date.now() + expiresIn * 1000 : undefined;
    store.set(key, { payload, expires });
    if (this.model === "Session" && payload.uid) store.set(`sessionUid:${payload.uid}`, { payload: id, expires });
    if (payload.userCode) store.set(`userCode:${payload.userCode}`, { payload: id, expires });
    if (GRANTABLE.has(this.model) && payload.grantId) {
      if (!grantMembers.has(payload.grantId)) grantMembers.set(payload.grantId, new Set());
      grantMembers.get(payload.grantId).add(key);
    }
  }

  async find(id) {
    if (this.model === "Client") return id === client.client_id ? structuredClone(client) : undefined;
    return live(this.key(id));
  }

  async findByUid(uid) {
    const id = live(`sessionUid:${uid}`);
    return id === undefined ? undefined : this.find(id);
  }

  async findByUserCode(userCode) {
    const id = live(`userCode:${userCode}`);
    return id === undefined ? undefined : this.find(id);
  }

  async consume(id) {
    const payload = live(this.key(id));
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id) {
    store.delete(this.key(id));
  }

  async revokeByGrantId(grantId) {
    for (const key of grantMembers.get(grantId) ?? []) store.delete(key);
    grantMembers.delete(grantId);
  }
}

// ---------------------------------------------------------------------------------------------
// Accounts: any login name is an account of that name.

function account(name) {
  return {
    sub: name,
    email: `${name}@oidc.test`,
    email_verified: true,
    name: name.charAt(0).toUpperCase() + name.slice(1),
  };
}

async function findAccount(_ctx, id) {
  if (typeof id !== "string" || !id) return undefined;
  return {
    accountId: id,
    async claims() {
      return account(id);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Pages

const escape = (value) =>
  String(value).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>body{font-family:sans-serif;max-width:22em;margin:3em auto}input,button{display:block;width:100%;margin:.5em 0;padding:.5em;box-sizing:border-box}</style>
</head>
<body>
<h1>${escape(title)}</h1>
${body}
</body>
</html>
`;
}

function loginPage(uid, params) {
  const hint = params.login_hint ? ` value="${escape(params.login_hint)}"` : "";
  return page(
    "Sign-in",
    `<form id="login-form" method="post" action="/interaction/${escape(uid)}/login">
<input id="login" type="text" name="login" placeholder="Any login" required autofocus${hint}>
<input id="password" type="password" name="password" placeholder="Any password">
<button id="submit" type="submit">Sign in</button>
</form>
<form id="cancel-form" method="post" action="/interaction/${escape(uid)}/abort">
<button id="cancel" type="submit">Cancel</button>
</form>`,
  );
}

function consentPage(uid, details, accountId) {
  const scopes = (details.missingOIDCScope ?? []).map((s) => `<li>${escape(s)}</li>`).join("");
  return page(
    "Authorize",
    `<p>Signed in as <strong id="account">${escape(accountId ?? "")}</strong>. ${escape(client.client_name)} asks for:</p>
<ul id="scopes">${scopes}</ul>
<form id="consent-form" method="post" action="/interaction/${escape(uid)}/confirm">
<button id="submit" type="submit">Continue</button>
</form>
<form id="cancel-form" method="post" action="/interaction/${escape(uid)}/abort">
<button id="cancel" type="submit">Cancel</button>
</form>`,
  );
}

function sendHtml(res, status, html) {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  res.end(html);
}

function sendJson(res, status, body) {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

async function interaction(provider, req, res, uid, action) {
  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch (error) {
    return sendHtml(res, 400, page("Sign-in failed", `<p id="error">${escape(error.message)} (the interaction cookie is missing or expired: start again at the client)</p>`));
  }
  if (details.uid !== uid) return sendHtml(res, 400, page("Sign-in failed", `<p id="error">this interaction is not the one of the cookie</p>`));
  const { prompt, params, session, grantId } = details;

  if (action === undefined && req.method === "GET") {
    if (prompt.name === "login") return sendHtml(res, 200, loginPage(uid, params));
    if (prompt.name === "consent") return sendHtml(res, 200, consentPage(uid, prompt.details, session?.accountId));
    return sendHtml(res, 501, page("Not implemented", `<p id="error">prompt ${escape(prompt.name)}</p>`));
  }
  if (req.method !== "POST") return sendHtml(res, 405, page("Method not allowed", "<p>POST the form</p>"));
  const form = Object.fromEntries(new URLSearchParams(await readBody(req)));

  if (action === "abort") {
    return provider.interactionFinished(req, res, { error: "access_denied", error_description: "End-User aborted interaction" }, { mergeWithLastSubmission: false });
  }
  if (action === "login") {
    if (prompt.name !== "login") return sendHtml(res, 400, page("Sign-in failed", `<p id="error">this step is ${escape(prompt.name)}, not login</p>`));
    const login = (form.login ?? "").trim();
    if (!login) return sendHtml(res, 200, loginPage(uid, params).replace("</h1>", '</h1>\n<p id="error">Enter a login.</p>'));
    return provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
  }
  if (action === "confirm") {
    if (prompt.name !== "consent") return sendHtml(res, 400, page("Sign-in failed", `<p id="error">this step is ${escape(prompt.name)}, not consent</p>`));
    const grant = grantId
      ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = prompt.details;
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(" "));
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
    if (missingResourceScopes) {
      for (const [indicator, scopes] of Object.entries(missingResourceScopes)) grant.addResourceScope(indicator, scopes.join(" "));
    }
    const result = { consent: { grantId: await grant.save() } };
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
  }
  sendHtml(res, 404, page("Not found", "<p>no such step</p>"));
}

// ---------------------------------------------------------------------------------------------
// The provider

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);
let handler = (_req, res) => {
  res.writeHead(503);
  res.end();
};
const server = http.createServer((req, res) => {
  Promise.resolve(handler(req, res)).catch((error) => {
    console.error("oidc:", error);
    if (!res.headersSent) sendJson(res, 500, { error: "server_error", error_description: String(error?.message ?? error) });
    else res.destroy();
  });
});
server.on("error", (error) => fail(`cannot listen: ${error.message}`));
await new Promise((resolve) => server.listen(PORT, HOST, resolve));
const issuer = `http://${HOST}:${server.address().port}`;

const signingKey = await generateKeyPair("RS256", { extractable: true });
const jwk = { ...(await exportJWK(signingKey.privateKey)), kid: "oidc-test-key-1", alg: "RS256", use: "sig" };

const provider = new Provider(issuer, {
  adapter: MemoryAdapter,
  findAccount,
  jwks: { keys: [jwk] },
  cookies: { keys: [crypto.randomBytes(32).toString("base64url")] },
  scopes: ["openid", "offline_access", "email", "profile"],
  responseTypes: ["code"],
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 60,
    IdToken: 3600,
    RefreshToken: 14 * 24 * 3600,
    Interaction: 3600,
    Session: 14 * 24 * 3600,
    Grant: 14 * 24 * 3600,
  },
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name"],
  },
  // The ID token carries the scopes' claims too (as Google's do), not only sub.
  conformIdTokenClaims: false,
  features: {
    devInteractions: { enabled: false },
    revocation: { enabled: true },
    introspection: { enabled: true },
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  pkce: { required: () => true },
  // A refresh token with every code exchange, offline_access or not.
  issueRefreshToken: async (_ctx, c) => c.grantTypeAllowed("refresh_token"),
  async renderError(ctx, out) {
    ctx.type = "html";
    ctx.body = page(
      "Error",
      Object.entries(out)
        .map(([key, value]) => `<p class="error" id="${escape(key)}">${escape(key)}: ${escape(value)}</p>`)
        .join("\n"),
    );
  },
});
provider.on("server_error", (_ctx, error) => console.error("oidc: server_error", error));

const callback = provider.callback();
const INTERACTION = /^\/interaction\/([^/]+)(?:\/(login|confirm|abort))?$/;

handler = async (req, res) => {
  const url = new URL(req.url, issuer);
  if (url.pathname === "/__oidc/clients") {
    if (!LOOPBACK.has(req.socket.remoteAddress)) return sendJson(res, 403, { error: "loopback only" });
    if (req.method === "GET") return sendJson(res, 200, client);
    if (req.method !== "POST") return sendJson(res, 405, { error: "use GET or POST" });
    try {
      client = clientMetadata(JSON.parse(await readBody(req)));
    } catch (error) {
      return sendJson(res, 400, { error: error.message });
    }
    return sendJson(res, 200, client);
  }
  const match = INTERACTION.exec(url.pathname);
  if (match) return interaction(provider, req, res, match[1], match[2]);
  return callback(req, res);
};

function shutdown(code) {
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

process.stdout.write(`listening on ${issuer}\n`);
