// The whole setup as a person uses it, in a real headless Chromium (Debian's, driven by
// playwright-core; no browser download): register, the dashboard with the protected API's
// answer, reload, sign out, the guard, sign in again, and a wrong password.
//
// BASE_URL: the Next.js front end. CHROMIUM: the browser binary (default /usr/bin/chromium).
// SCREENSHOT_DIR: where each step's screenshot goes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const base = process.env.BASE_URL;
assert.ok(base, "BASE_URL must be set");
const shots = process.env.SCREENSHOT_DIR ?? "e2e/screenshots";
rmSync(shots, { recursive: true, force: true });
mkdirSync(shots, { recursive: true });

const email = `ada.${Date.now()}@example.com`;
const password = "correct horse battery";

test("register, dashboard, reload, sign out, guard, sign in, wrong password", async () => {
  const userDataDir = join(shots, ".profile");
  const context = await chromium.launchPersistentContext(userDataDir, {
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
    viewport: { width: 900, height: 700 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  let step = 0;
  const shot = async (name) => {
    step += 1;
    await page.screenshot({ path: join(shots, `${String(step).padStart(2, "0")}-${name}.png`), fullPage: true });
  };
  try {
    await page.goto(`${base}/register`);
    await page.getByLabel("Name").fill("Ada Lovelace");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await shot("register-filled");
    await page.getByRole("button", { name: "Create account" }).click();

    await page.waitForURL(`${base}/dashboard`);
    await page.getByText("Welcome, Ada Lovelace").waitFor();
    await assert.doesNotReject(page.getByTestId("api").filter({ hasText: email }).waitFor());
    assert.equal(await page.getByTestId("email").textContent(), email);
    assert.match(await page.getByTestId("api").textContent(), /verified by jwt/);
    await shot("dashboard");

    await page.reload();
    await page.getByText("Welcome, Ada Lovelace").waitFor();
    await shot("dashboard-after-reload");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${base}/login`);
    await shot("signed-out");

    await page.goto(`${base}/dashboard`);
    await page.waitForURL(`${base}/login`);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await shot("dashboard-redirects-to-login");

    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${base}/dashboard`);
    await page.getByText("Welcome, Ada Lovelace").waitFor();
    await shot("signed-in-again");

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${base}/login`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "Invalid email or password" }).waitFor();
    assert.equal(page.url(), `${base}/login`);
    await shot("wrong-password");

    assert.deepEqual(errors, [], "no errors in the page");
  } catch (error) {
    await shot("failure").catch(() => {});
    throw error;
  } finally {
    await context.close();
  }
});
