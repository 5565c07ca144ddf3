// Better Auth in Next.js, a Rust API that only verifies its JWTs, and a person in a real
// headless Chromium (Debian's, driven by playwright-core; no browser download):
// register → the dashboard shows the Rust API's answer for the new email (a Better Auth JWT,
// verified in Rust with the keys of Better Auth's JWKS) → sign out → "Call the Rust API" again:
// signed out, Better Auth gives no token, and the Rust API answers 401 → sign in → the answer is
// back → a wrong password is refused.
//
// BASE_URL: the Next.js app. CHROMIUM: the browser binary (default /usr/bin/chromium).
// SCREENSHOT_DIR: where each step's screenshot goes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const base = process.env.BASE_URL;
assert.ok(base, "BASE_URL must be set (the Next.js app, e.g. http://127.0.0.1:3000)");
const shots = process.env.SCREENSHOT_DIR ?? "e2e/screenshots";
rmSync(shots, { recursive: true, force: true });
mkdirSync(shots, { recursive: true });

const email = `ada.${Date.now()}@example.com`;
const password = "correct horse battery";

test("register, the Rust API knows you; sign out, it refuses; sign in again", async () => {
  const context = await chromium.launchPersistentContext(join(shots, ".profile"), {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
    viewport: { width: 900, height: 800 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  // Every call the page makes to the Rust API (through this app's /api/me), with what it sent.
  const calls = [];
  page.on("response", async (response) => {
    if (new URL(response.url()).pathname !== "/api/me") return;
    const authorization = await response.request().headerValue("authorization");
    calls.push({ status: response.status(), authorization });
  });
  let step = 0;
  const shot = async (name) => {
    step += 1;
    await page.screenshot({ path: join(shots, `${String(step).padStart(2, "0")}-${name}.png`), fullPage: true });
  };
  const api = page.getByTestId("api");
  try {
    // Register: Better Auth (in Next.js) signs the new account in.
    await page.goto(`${base}/register`);
    await page.getByLabel("Name").fill("Ada Lovelace");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await shot("register-filled");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(`${base}/dashboard`);
    await page.getByRole("heading", { name: "Welcome, Ada Lovelace" }).waitFor();

    // The dashboard got a JWT from Better Auth and the Rust API verified it.
    await api.filter({ hasText: `The Rust API says you are ${email}` }).waitFor();
    const body = await page.getByTestId("api-body").textContent();
    assert.match(body, /^HTTP 200\n/);
    const me = JSON.parse(body.slice(body.indexOf("\n") + 1));
    assert.equal(me.email, email);
    assert.equal(me.name, "Ada Lovelace");
    assert.equal(me.emailVerified, false);
    const signedIn = calls.at(-1);
    assert.equal(signedIn.status, 200);
    const jwt = signedIn.authorization?.replace(/^Bearer /, "");
    assert.ok(jwt && jwt.split(".").length === 3, `a JWT went to the Rust API: ${signedIn.authorization}`);
    const claims = JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString());
    assert.equal(claims.iss, base, "Better Auth in Next.js issued it");
    assert.equal(claims.email, email);
    await shot("dashboard-rust-api-knows-you");

    // Sign out: Better Auth ends the session; the next call to the Rust API has no token.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "You are signed out" }).waitFor();
    await shot("signed-out");
    const before = calls.length;
    await page.getByRole("button", { name: "Call the Rust API" }).click();
    await api.filter({ hasText: "The Rust API refused: 401 UNAUTHORIZED" }).waitFor();
    assert.match(await api.textContent(), /Better Auth gave no token to send/);
    const refusedBody = await page.getByTestId("api-body").textContent();
    assert.match(refusedBody, /^HTTP 401\n/);
    assert.equal(JSON.parse(refusedBody.slice(refusedBody.indexOf("\n") + 1)).code, "UNAUTHORIZED");
    assert.equal(calls.length, before + 1);
    assert.deepEqual(calls.at(-1), { status: 401, authorization: null }, "no token went out");
    await shot("signed-out-rust-api-refuses");

    // A reload keeps the signed-out state (the session cookie is gone, not only the page's state).
    await page.reload();
    await page.getByRole("heading", { name: "You are signed out" }).waitFor();

    // A wrong password is refused by Better Auth.
    await page.goto(`${base}/login`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "Invalid email or password" }).waitFor();
    await shot("sign-in-wrong-password");

    // Sign in again: a new session, a new JWT, and the Rust API knows you again.
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${base}/dashboard`);
    await api.filter({ hasText: `The Rust API says you are ${email}` }).waitFor();
    await shot("signed-in-again");

    assert.deepEqual(errors, [], "no errors in the page");
  } catch (error) {
    await shot("failure").catch(() => {});
    throw error;
  } finally {
    await context.close();
  }
});
