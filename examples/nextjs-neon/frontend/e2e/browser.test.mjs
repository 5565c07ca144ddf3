// The whole setup as a person uses it, in a real headless Chromium (Debian's, driven by
// playwright-core; no browser download), with real mail caught by maildev: register (a
// "check your email" notice, no session) → the dashboard refuses → signing in asks for the
// verification, resend → the link from the caught mail signs in → reload → sign out → the guard
// → "Forgot password?" → the reset link → a new password → sign in with it; the old one fails,
// the used link is refused → change of email by a link to the new address → delete the account.
//
// BASE_URL: the Next.js front end. MAILDEV_URL: maildev's web port (its REST API and inbox).
// CHROMIUM: the browser binary (default /usr/bin/chromium). SCREENSHOT_DIR: where each step's
// screenshot goes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { launch } from "./chromium.mjs";

const base = process.env.BASE_URL;
assert.ok(base, "BASE_URL must be set");
const maildev = process.env.MAILDEV_URL;
assert.ok(maildev, "MAILDEV_URL must be set (maildev's web URL, e.g. http://127.0.0.1:1080)");
const shots = process.env.SCREENSHOT_DIR ?? "e2e/screenshots";

const stamp = Date.now();
const email = `ada.${stamp}@example.com`;
const newEmail = `ada.lovelace.${stamp}@example.com`;
const password = "correct horse battery";
const newPassword = "a brand new password";

/// The mails maildev caught for `address` whose subject starts with `subject`, oldest first.
async function mailsTo(address, subject) {
  const response = await fetch(`${maildev}/email`);
  assert.equal(response.status, 200, "maildev's REST API");
  const mails = await response.json();
  return mails
    .filter((m) => (m.envelope?.to ?? []).some((t) => t.address.toLowerCase() === address.toLowerCase()))
    .filter((m) => m.subject.startsWith(subject))
    .sort((a, b) => new Date(a.date) - new Date(b.date));
}

/// Polls maildev until `count` such mails are there (the backend's outbox worker sends them
/// within seconds), and returns the newest.
async function waitForMail(address, subject, count = 1) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const mails = await mailsTo(address, subject);
    if (mails.length >= count) return mails[mails.length - 1];
    assert.ok(Date.now() < deadline, `${count} mail(s) "${subject}…" to ${address} within 30 s (have ${mails.length})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/// The link in a mail's text part; it points at the front end's origin (AUTH_BASE_URL).
function linkIn(mail) {
  const link = mail.text.match(/https?:\/\/\S+/)?.[0];
  assert.ok(link, `a link in the mail: ${mail.text}`);
  assert.ok(link.startsWith(`${base}/api/auth/`), `the link goes through the front end: ${link}`);
  return link;
}

test("register, verify by mail, sign out, forgot password, reset, sign in, change email, delete", async () => {
  const { context, page, shot } = await launch(shots);
  // The mail inbox, in a tab of its own as a person reads it.
  const inbox = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  /// Shows `mail` in maildev's inbox and takes its screenshot.
  const shotOfMail = async (name, mail) => {
    await inbox.goto(`${maildev}/#/email/${mail.id}`);
    // The open mail's header, and its HTML part (with the link) rendered in maildev's frame.
    await inbox.locator("div.subject", { hasText: mail.subject }).waitFor();
    await inbox.frameLocator("iframe.panel-html").locator("a[href]").first().waitFor();
    await shot(name, inbox);
  };
  const signIn = async (address, secret) => {
    await page.getByLabel("Email").fill(address);
    await page.getByLabel("Password").fill(secret);
    await page.getByRole("button", { name: "Sign in" }).click();
  };
  const signOut = async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${base}/login`);
  };
  try {
    // This backend has no social provider switched on: no "Continue with …" buttons.
    const providers = page.waitForResponse((response) => new URL(response.url()).pathname === "/api/providers");
    await page.goto(`${base}/register`);
    assert.deepEqual(await (await providers).json(), { providers: [] });
    await page.getByRole("button", { name: "Create account" }).waitFor();
    // The answer is rendered within a frame or two; give it ample time to (wrongly) show buttons.
    await page.waitForTimeout(500);
    assert.equal(await page.getByRole("button", { name: /^Continue with/ }).count(), 0, "no provider buttons");

    // Register: the account waits for its email to be verified, so no session and no dashboard.
    await page.getByLabel("Name").fill("Ada Lovelace");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await shot("register-filled");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("heading", { name: "Check your email" }).waitFor();
    await page.getByText(`We sent a link to ${email}`).waitFor();
    await page.getByRole("button", { name: "Resend verification email" }).waitFor();
    assert.equal(page.url(), `${base}/register`);
    await shot("register-check-your-email");

    await page.goto(`${base}/dashboard`);
    await page.waitForURL(`${base}/login`);

    // Signing in before verifying: 403 EMAIL_NOT_VERIFIED, the notice, and a fresh link.
    await signIn(email, password);
    await page.getByRole("alert").filter({ hasText: "not verified" }).waitFor();
    await page.getByRole("button", { name: "Resend verification email" }).click();
    await page.getByRole("status").filter({ hasText: `A new link is on its way to ${email}` }).waitFor();
    assert.equal(page.url(), `${base}/login`);
    await shot("sign-in-unverified-resent");

    // The newest of the two verification mails (sign-up, resend); its link signs in.
    const verification = await waitForMail(email, "Verify your email address", 2);
    await shotOfMail("inbox-verification-mail", verification);
    await page.goto(linkIn(verification));
    await page.waitForURL(`${base}/dashboard`);
    await page.getByText("Welcome, Ada Lovelace").waitFor();
    await page.getByTestId("api").filter({ hasText: email }).waitFor();
    assert.equal(await page.getByTestId("email").textContent(), email);
    assert.equal(await page.getByTestId("verified").textContent(), "verified");
    assert.match(await page.getByTestId("api").textContent(), /verified by jwt/);
    // Linked accounts: the password only, and nothing to link without providers.
    await page.getByTestId("account").filter({ hasText: "Email and password" }).waitFor();
    assert.equal(await page.getByTestId("account").count(), 1);
    assert.equal(await page.getByRole("button", { name: /^(Link|Unlink) / }).count(), 0);
    await shot("verified-and-signed-in");

    await page.reload();
    await page.getByText("Welcome, Ada Lovelace").waitFor();
    await shot("dashboard-after-reload");

    await signOut();
    await shot("signed-out");

    await page.goto(`${base}/dashboard`);
    await page.waitForURL(`${base}/login`);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await shot("dashboard-redirects-to-login");

    // Forgot password → the mailed link → /reset-password?token=… → a new password.
    await page.getByRole("link", { name: "Forgot password?" }).click();
    await page.waitForURL(`${base}/forgot-password`);
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await page.getByRole("status").filter({ hasText: "If this email exists" }).waitFor();
    await shot("reset-requested");

    const reset = await waitForMail(email, "Reset your");
    await shotOfMail("inbox-reset-mail", reset);
    const resetLink = linkIn(reset);
    await page.goto(resetLink);
    await page.waitForURL((url) => url.pathname === "/reset-password" && url.searchParams.has("token"));
    await page.getByLabel("New password").fill(newPassword);
    await page.getByLabel("Confirm password").fill(newPassword);
    await shot("reset-password-form");
    await page.getByRole("button", { name: "Set new password" }).click();
    await page.getByRole("heading", { name: "Password changed" }).waitFor();
    await shot("password-changed");

    await page.getByRole("link", { name: "Sign in with your new password" }).click();
    await page.waitForURL(`${base}/login`);
    await signIn(email, newPassword);
    await page.waitForURL(`${base}/dashboard`);
    await page.getByText("Welcome, Ada Lovelace").waitFor();
    await page.getByTestId("api").filter({ hasText: email }).waitFor();
    await shot("signed-in-with-new-password");

    await signOut();
    await signIn(email, password);
    await page.getByRole("alert").filter({ hasText: "Invalid email or password" }).waitFor();
    assert.equal(page.url(), `${base}/login`);
    await shot("old-password-fails");

    // The reset link works once.
    await page.goto(resetLink);
    await page.waitForURL((url) => url.pathname === "/reset-password" && url.searchParams.get("error") === "INVALID_TOKEN");
    await page.getByRole("alert").filter({ hasText: "This link has expired or was already used" }).waitFor();
    await page.getByRole("link", { name: "Request a new link" }).waitFor();
    await shot("used-reset-link-refused");

    // Change of email: nothing changes until the link mailed to the new address is opened.
    await page.goto(`${base}/login`);
    await signIn(email, newPassword);
    await page.waitForURL(`${base}/dashboard`);
    await page.getByText("Welcome, Ada Lovelace").waitFor();
    await page.getByLabel("New email").fill(newEmail);
    await page.getByRole("button", { name: "Change email" }).click();
    await page.getByRole("status").filter({ hasText: `Check your new address: we sent a link to ${newEmail}` }).waitFor();
    assert.equal(await page.getByTestId("email").textContent(), email);
    await shot("change-email-sent");

    const change = await waitForMail(newEmail, "Verify your new email address");
    await shotOfMail("inbox-change-email-mail", change);
    await page.goto(linkIn(change));
    await page.waitForURL(`${base}/dashboard`);
    await page.getByTestId("email").filter({ hasText: newEmail }).waitFor();
    await page.getByTestId("api").filter({ hasText: newEmail }).waitFor();
    assert.equal(await page.getByTestId("verified").textContent(), "verified");
    await shot("email-changed");

    // Delete the account, with a confirmation step and the password.
    await page.getByRole("button", { name: "Delete account" }).click();
    await page.getByLabel("Password").fill(newPassword);
    await shot("delete-confirm");
    await page.getByRole("button", { name: "Delete my account" }).click();
    await page.getByRole("heading", { name: "Account deleted" }).waitFor();
    await shot("account-deleted");

    await page.goto(`${base}/dashboard`);
    await page.waitForURL(`${base}/login`);
    await signIn(newEmail, newPassword);
    await page.getByRole("alert").filter({ hasText: "Invalid email or password" }).waitFor();
    await shot("deleted-account-cannot-sign-in");

    assert.deepEqual(errors, [], "no errors in the page");
  } catch (error) {
    await shot("failure").catch(() => {});
    throw error;
  } finally {
    await context.close();
  }
});
