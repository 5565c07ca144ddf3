// Two-factor authentication as a person uses it, in a real headless Chromium: register → the
// security page → turn it on (the QR code, the key read from the page as a person would type
// it into an app, the backup codes shown once) → confirm with a first code → sign out → sign in
// asks for the second step → a code and "trust this device" → signed in → sign out and in again:
// no second step on this device → another browser: a wrong code, then a backup code; a third: a
// code by email → turn it off.
//
// BASE_URL: the Next.js front end. MAILDEV_URL: maildev's web port. CHROMIUM: the browser
// binary. SCREENSHOT_DIR: where each step's screenshot goes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { join } from "node:path";
import QRCode from "qrcode";
import { launch } from "./chromium.mjs";

const base = process.env.BASE_URL;
assert.ok(base, "BASE_URL must be set");
const maildev = process.env.MAILDEV_URL;
assert.ok(maildev, "MAILDEV_URL must be set");
const shots = process.env.SCREENSHOT_DIR ?? "e2e/screenshots-two-factor";

const email = `tess.${Date.now()}@example.com`;
const password = "correct horse battery";

/// An authenticator app: RFC 6238 (HMAC-SHA-1, 6 digits, 30 s) over the base32 key.
function totp(base32, counter) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of base32.replace(/=+$/, "")) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac("sha1", key).update(message).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

/// The sign-in code mailed to `address`, once `count` have arrived (the newest).
async function mailedCode(address, count) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const mails = (await (await fetch(`${maildev}/email`)).json())
      .filter((m) => (m.envelope?.to ?? []).some((t) => t.address.toLowerCase() === address))
      .filter((m) => m.subject.includes("sign-in code"));
    if (mails.length >= count) return mails[mails.length - 1].text.match(/\b\d{6}\b/)[0];
    assert.ok(Date.now() < deadline, `a sign-in code mailed to ${address} within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

test("turn on two-factor, sign in with a code, trust the device, backup code, code by email, turn off", async () => {
  const { context, page, shot } = await launch(shots);
  // Another device: a browser with a profile of its own.
  const phone = await launch(join(shots, ".phone"));
  const other = phone.page;
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  other.on("pageerror", (error) => errors.push(String(error)));
  // Each code works once: every sign-in uses a later time step than the one before.
  let secret;
  let lastStep = 0;
  const nextCode = () => {
    lastStep = Math.max(lastStep + 1, Math.floor(Date.now() / 30_000));
    return totp(secret, lastStep);
  };
  const signIn = async (tab) => {
    await tab.goto(`${base}/login`);
    await tab.getByLabel("Email").fill(email);
    await tab.getByLabel("Password").fill(password);
    await tab.getByRole("button", { name: "Sign in" }).click();
  };
  const signOut = async () => {
    await page.goto(`${base}/dashboard`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${base}/login`);
  };
  try {
    await page.goto(`${base}/register`);
    await page.getByLabel("Name").fill("Tess");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(`${base}/dashboard`);

    // The security page: turn it on.
    await page.getByRole("link", { name: "Security: two-factor authentication" }).click();
    await page.waitForURL(`${base}/security`);
    assert.equal(await page.getByTestId("two-factor-state").textContent(), "off");
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Turn on two-factor authentication" }).click();
    await page.getByRole("img", { name: "QR code for your authenticator app" }).locator("svg").waitFor();
    secret = (await page.getByTestId("totp-secret").textContent()).trim();
    assert.match(secret, /^[A-Z2-7]{52}$/, "the key as an app takes it (base32 of 32 bytes)");
    // The QR code is the otpauth:// URI an app expects, with the backend's issuer.
    const uri = `otpauth://totp/Notes:${encodeURIComponent(email)}?secret=${secret}&issuer=Notes&digits=6&period=30`;
    // (The modules, that is the paths' data: the DOM writes the tags back its own way.)
    const modules = (svg) => [...svg.matchAll(/ d="([^"]+)"/g)].map((m) => m[1]);
    const drawn = modules(await page.getByTestId("qr-code").innerHTML());
    const expected = modules(await QRCode.toString(uri, { type: "svg", margin: 1, errorCorrectionLevel: "M" }));
    assert.ok(expected.length === 2 && drawn.length === 2, "a background and the modules");
    assert.ok(drawn[1] === expected[1], "the QR code encodes the otpauth:// URI");
    const backupCodes = (await page.getByTestId("backup-codes").locator("li").allTextContents()).map((c) => c.trim());
    assert.equal(backupCodes.length, 10);
    await shot("security-scan-and-backup-codes");
    await page.getByLabel("Code from your app").fill("000000");
    await page.getByRole("button", { name: "Confirm and turn on" }).click();
    await page.getByRole("alert").filter({ hasText: "Invalid code" }).waitFor();
    await page.getByLabel("Code from your app").fill(nextCode());
    await page.getByRole("button", { name: "Confirm and turn on" }).click();
    await page.getByRole("status").filter({ hasText: "Two-factor authentication is on" }).waitFor();
    assert.equal(await page.getByTestId("two-factor-state").textContent(), "on");
    await shot("two-factor-on");

    // Sign in: the second step, with "trust this device".
    await signOut();
    await signIn(page);
    await page.waitForURL(`${base}/two-factor`);
    await page.getByRole("heading", { name: "Two-step verification" }).waitFor();
    await shot("challenge-page");
    await page.getByLabel("Code from your app").fill(nextCode());
    await page.getByLabel("Trust this device for 30 days").check();
    await page.getByRole("button", { name: "Verify" }).click();
    await page.waitForURL(`${base}/dashboard`);
    await page.getByText("Welcome, Tess").waitFor();
    await shot("signed-in-with-the-code");

    // This device is trusted: no second step.
    await signOut();
    await signIn(page);
    await page.waitForURL(`${base}/dashboard`);
    await page.getByText("Welcome, Tess").waitFor();
    await shot("trusted-device-skips-the-second-step");

    // Another browser: a wrong code, then a backup code.
    await signIn(other);
    await other.waitForURL(`${base}/two-factor`);
    await other.getByLabel("Code from your app").fill("123456");
    await other.getByRole("button", { name: "Verify" }).click();
    await other.getByRole("alert").filter({ hasText: "Invalid code" }).waitFor();
    await shot("wrong-code", other);
    await other.getByRole("button", { name: "Use a backup code" }).click();
    await other.getByLabel("Backup code").fill(backupCodes[0]);
    await other.getByRole("button", { name: "Verify" }).click();
    await other.waitForURL(`${base}/dashboard`);
    await other.getByText("Welcome, Tess").waitFor();
    await shot("signed-in-with-a-backup-code", other);

    // A third: a code by email.
    await other.getByRole("button", { name: "Sign out" }).click();
    await other.waitForURL(`${base}/login`);
    await signIn(other);
    await other.waitForURL(`${base}/two-factor`);
    await other.getByRole("button", { name: "Email me a code" }).click();
    await other.getByRole("status").filter({ hasText: "We sent a code" }).waitFor();
    await other.getByLabel("Code from the email").fill(await mailedCode(email, 1));
    await other.getByRole("button", { name: "Verify" }).click();
    await other.waitForURL(`${base}/dashboard`);
    await other.getByText("Welcome, Tess").waitFor();
    await shot("signed-in-with-a-code-by-email", other);

    // Turn it off: sign-in is one step again, everywhere.
    await page.goto(`${base}/security`);
    assert.equal(await page.getByTestId("two-factor-state").textContent(), "on");
    await page.getByLabel("Password", { exact: true }).last().fill(password);
    await page.getByRole("button", { name: "Turn off two-factor authentication" }).click();
    await page.getByRole("status").filter({ hasText: "Two-factor authentication is off" }).waitFor();
    await shot("two-factor-off");
    await other.getByRole("button", { name: "Sign out" }).click();
    await other.waitForURL(`${base}/login`);
    await signIn(other);
    await other.waitForURL(`${base}/dashboard`);

    assert.deepEqual(errors, [], "no errors in the page");
  } catch (error) {
    await shot("failure").catch(() => {});
    throw error;
  } finally {
    await phone.context.close();
    await context.close();
  }
});
