// Social sign-in as a person does it, in a real headless Chromium (Debian's, driven by
// playwright-core): the login page offers "Continue with OpenID Connect" (and GitHub) → the
// provider's own login and consent pages (panva's oidc-provider, tests/oauth-providers) → back
// on the dashboard, signed in as a new user, the account listed → unlinking the last account is
// refused → "Link GitHub" (a local fake GitHub that consents at once) → unlink it → sign out →
// the same person again from a fresh browser (login and consent again, same user) → and with
// the provider's session still there (one click) → cancelling at the provider shows a readable
// message on the login page.
//
// BASE_URL: the Next.js front end. OIDC_ISSUER: the provider. OIDC_LOGIN: who signs in there
// (any login is an account: <login>@oidc.test, named <Login>). CHROMIUM: the browser binary.
// SCREENSHOT_DIR: where each step's screenshot goes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { launch } from "./chromium.mjs";

const base = process.env.BASE_URL;
const issuer = process.env.OIDC_ISSUER;
assert.ok(base && issuer, "BASE_URL and OIDC_ISSUER must be set");
const login = process.env.OIDC_LOGIN ?? "grace";
const email = `${login}@oidc.test`;
const name = login.charAt(0).toUpperCase() + login.slice(1);
const shots = process.env.SCREENSHOT_DIR ?? "e2e/screenshots-social";

test("continue with an OpenID Connect provider: new user, linking, returning user, cancel", async () => {
  const { context, page, shot } = await launch(shots);
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  const continueWithOidc = page.getByRole("button", { name: "Continue with OpenID Connect", exact: true });
  const accounts = page.getByTestId("account");
  const atProvider = (url) => url.origin === issuer && url.pathname.startsWith("/interaction/");

  /// At the provider's login page: sign in as `login`, then consent.
  const signInAtProvider = async (prefix) => {
    await page.waitForURL(atProvider);
    await page.getByRole("heading", { name: "Sign-in" }).waitFor();
    await page.locator("#login").fill(login);
    await page.locator("#password").fill("any password");
    await shot(`${prefix}-provider-login`);
    await page.locator("#submit").click();
    await page.getByRole("heading", { name: "Authorize" }).waitFor();
    assert.equal(await page.locator("#account").textContent(), login);
    await shot(`${prefix}-provider-consent`);
    await page.locator("#submit").click();
  };
  /// On the dashboard, signed in as the provider's user, with exactly the accounts `providers`.
  const onDashboard = async (...providers) => {
    await page.waitForURL(`${base}/dashboard`);
    await page.getByText(`Welcome, ${name}`).waitFor();
    assert.equal(await page.getByTestId("email").textContent(), email);
    assert.equal(await page.getByTestId("verified").textContent(), "verified");
    await page.getByTestId("api").filter({ hasText: email }).waitFor();
    for (const provider of providers) await accounts.filter({ hasText: provider }).waitFor();
    assert.equal(await accounts.count(), providers.length, `the accounts: ${await accounts.allTextContents()}`);
  };
  const signOut = async () => {
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.waitForURL(`${base}/login`);
    await continueWithOidc.waitFor();
  };

  try {
    // The buttons, for the providers the backend reports, on both pages.
    await page.goto(`${base}/register`);
    await continueWithOidc.waitFor();
    await page.getByRole("button", { name: "Continue with GitHub", exact: true }).waitFor();
    await shot("register-with-providers");
    await page.goto(`${base}/login`);
    await continueWithOidc.waitFor();
    await shot("login-with-providers");

    // A new user: the provider's pages, then the dashboard.
    await continueWithOidc.click();
    await signInAtProvider("new-user");
    await onDashboard("OpenID Connect");
    assert.match(await accounts.first().textContent(), /^OpenID Connect\s*since /);
    await page.getByRole("button", { name: "Link GitHub", exact: true }).waitFor();
    assert.equal(await page.getByRole("button", { name: "Link OpenID Connect", exact: true }).count(), 0);
    await shot("new-user-dashboard");

    // The only way in cannot be unlinked: the server says so, and the account stays.
    await page.getByRole("button", { name: "Unlink OpenID Connect", exact: true }).click();
    await page.getByRole("alert").filter({ hasText: "You can't unlink your last account" }).waitFor();
    assert.equal(await accounts.count(), 1);
    await shot("unlink-last-account-refused");

    // Link GitHub (the fake consents at once for a user with the same, verified, address).
    const linked = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/auth/callback/github");
    await page.getByRole("button", { name: "Link GitHub", exact: true }).click();
    assert.equal((await linked).status(), 302);
    await onDashboard("OpenID Connect", "GitHub");
    assert.equal(await page.getByRole("button", { name: "Link GitHub", exact: true }).count(), 0);
    await shot("github-linked");

    await page.getByRole("button", { name: "Unlink GitHub", exact: true }).click();
    await page.getByRole("button", { name: "Link GitHub", exact: true }).waitFor();
    assert.equal(await accounts.count(), 1);
    await shot("github-unlinked");

    await signOut();
    await shot("signed-out");

    // The same person on another browser (no cookies at all): login and consent again, and the
    // same user and account as before.
    await context.clearCookies();
    await page.goto(`${base}/login`);
    await continueWithOidc.click();
    await signInAtProvider("returning-user");
    await onDashboard("OpenID Connect");
    await shot("returning-user-dashboard");

    // Still signed in at the provider, which remembers the consent: one click.
    await signOut();
    await continueWithOidc.click();
    await onDashboard("OpenID Connect");
    await shot("returning-user-one-click");

    // Cancelling at the provider comes back to the login page with a readable message.
    await signOut();
    await context.clearCookies();
    await page.goto(`${base}/login`);
    await continueWithOidc.click();
    await page.waitForURL(atProvider);
    await page.locator("#cancel").click();
    await page.waitForURL((url) => url.pathname === "/login" && url.searchParams.get("error") === "access_denied");
    await page.getByRole("alert").filter({ hasText: "The sign-in was cancelled at the provider." }).waitFor();
    await shot("cancelled-at-provider");

    assert.deepEqual(errors, [], "no errors in the page");
  } catch (error) {
    await shot("failure").catch(() => {});
    throw error;
  } finally {
    await context.close();
  }
});
