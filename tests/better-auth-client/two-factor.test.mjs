// The real `better-auth` npm client with its `twoFactorClient` plugin against our Rust server:
// enable → confirm → sign-in challenge (onTwoFactorRedirect) → verifyTotp with "trust this
// device" → the trusted device skips the challenge → another device answers with a backup code
// and with a code by email → generateBackupCodes → disable. Each client fetches through a
// cookie jar, as a browser does (the challenge lives in the `two_factor` cookie).
//
// Run by examples/server/tests/better_auth_client.rs, which starts the server on PostgreSQL with
// AUTH_TWO_FACTOR=on and maildev; AUTH_SERVER_URL is the server, MAILDEV_URL maildev's REST port.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { twoFactorClient } from "better-auth/client/plugins";
import { browser } from "./browser.mjs";

const baseURL = process.env.AUTH_SERVER_URL;
const maildev = process.env.MAILDEV_URL;
assert.ok(baseURL && maildev, "AUTH_SERVER_URL and MAILDEV_URL must be set");

const unique = `${process.pid}-${Date.now()}`;
const email = `tess.${unique}@example.com`;
const password = "correct horse battery";

/** A browser whose client has the two-factor plugin; `redirects` collects what
 * `onTwoFactorRedirect` was called with. */
function device() {
  const redirects = [];
  const plugin = twoFactorClient({ onTwoFactorRedirect: (context) => { redirects.push(context); } });
  return { ...browser(baseURL, [plugin]), redirects };
}

/** RFC 6238 with RFC 4648 base32, as an authenticator app computes it: 6 digits, 30 s. */
function totp(base32, counter) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of base32.replace(/=+$/, "")) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac("sha1", key).update(message).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, "0");
}

const step = () => Math.floor(Date.now() / 30_000);

/** The codes mailed to `to`, once there are at least `count` (oldest first). */
async function codesMailedTo(to, count) {
  for (let i = 0; i < 300; i++) {
    const all = await (await fetch(`${maildev}/email`)).json();
    const mine = all.filter((m) => m.envelope.to.some((t) => t.address.toLowerCase() === to));
    if (mine.length >= count) return mine.map((m) => m.text.match(/\b\d{6}\b/)[0]);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${count} code(s) to ${to} did not arrive`);
}

const laptop = device();
let secret; // base32, from the otpauth:// URI
let backupCodes;
let usedStep; // the TOTP step last accepted: a code is usable once, so later calls use later steps

test("enable answers the otpauth:// URI and ten backup codes; the first code turns 2FA on", async () => {
  const up = await laptop.client.signUp.email({ name: "Tess", email, password });
  assert.equal(up.error, null);
  assert.equal(up.data.user.twoFactorEnabled, false);

  const wrong = await laptop.client.twoFactor.enable({ password: "not the password" });
  assert.equal(wrong.error.status, 400);
  assert.equal(wrong.error.code, "INVALID_PASSWORD");

  const enabled = await laptop.client.twoFactor.enable({ password });
  assert.equal(enabled.error, null);
  const uri = new URL(enabled.data.totpURI);
  assert.equal(uri.protocol, "otpauth:");
  assert.equal(uri.searchParams.get("issuer"), "Example");
  secret = uri.searchParams.get("secret");
  backupCodes = enabled.data.backupCodes;
  assert.equal(backupCodes.length, 10);
  assert.ok(backupCodes.every((c) => /^[A-Za-z0-9]{5}-[A-Za-z0-9]{5}$/.test(c)));

  const again = await laptop.client.twoFactor.getTotpUri({ password });
  assert.equal(again.data.totpURI, enabled.data.totpURI);

  const bad = await laptop.client.twoFactor.verifyTotp({ code: "000000" });
  assert.equal(bad.error.status, 401);
  assert.equal(bad.error.code, "INVALID_CODE");
  usedStep = step();
  const confirmed = await laptop.client.twoFactor.verifyTotp({ code: totp(secret, usedStep) });
  assert.equal(confirmed.error, null);
  assert.equal(confirmed.data.user.twoFactorEnabled, true);
  const session = await laptop.client.getSession();
  assert.equal(session.data.user.twoFactorEnabled, true);
  assert.equal(session.data.session.token, confirmed.data.token, "the answer names the live session");
});

test("sign-in asks for the second factor; verifyTotp with trustDevice signs in", async () => {
  await laptop.client.signOut();
  const challenged = await laptop.client.signIn.email({ email, password });
  assert.equal(challenged.error, null);
  assert.deepEqual(challenged.data, { twoFactorRedirect: true, twoFactorMethods: ["totp", "otp"] });
  assert.deepEqual(laptop.redirects, [{ twoFactorMethods: ["totp", "otp"] }]);
  assert.ok(laptop.jar(baseURL).has("better-auth.two_factor"));
  assert.equal((await laptop.client.getSession()).data, null, "no session before the second factor");

  const replay = await laptop.client.twoFactor.verifyTotp({ code: totp(secret, usedStep) });
  assert.equal(replay.error.code, "INVALID_CODE", "a code works once");
  usedStep += 1; // the next step's code is accepted already
  const verified = await laptop.client.twoFactor.verifyTotp({ code: totp(secret, usedStep), trustDevice: true });
  assert.equal(verified.error, null);
  assert.equal(verified.data.user.email, email);
  assert.ok(laptop.jar(baseURL).has("better-auth.trust_device"));
  assert.ok(!laptop.jar(baseURL).has("better-auth.two_factor"));
  assert.equal((await laptop.client.getSession()).data.user.email, email);
});

test("the trusted device signs in without the second factor", async () => {
  await laptop.client.signOut();
  const trusted = await laptop.client.signIn.email({ email, password });
  assert.equal(trusted.error, null);
  assert.equal(trusted.data.twoFactorRedirect, undefined);
  assert.ok(trusted.data.token);
  assert.equal(laptop.redirects.length, 1, "no second redirect");
});

test("another device answers with a backup code, once", async () => {
  const phone = device();
  const challenged = await phone.client.signIn.email({ email, password });
  assert.equal(challenged.data.twoFactorRedirect, true);
  const signed = await phone.client.twoFactor.verifyBackupCode({ code: backupCodes[0] });
  assert.equal(signed.error, null);
  assert.equal((await phone.client.getSession()).data.user.email, email);

  const tablet = device();
  await tablet.client.signIn.email({ email, password });
  const spent = await tablet.client.twoFactor.verifyBackupCode({ code: backupCodes[0] });
  assert.equal(spent.error.status, 401);
  assert.equal(spent.error.code, "INVALID_BACKUP_CODE");
});

test("another device answers with a code sent by email", async () => {
  const tablet = device();
  const challenged = await tablet.client.signIn.email({ email, password });
  assert.equal(challenged.data.twoFactorRedirect, true);
  const sent = await tablet.client.twoFactor.sendOtp();
  assert.equal(sent.error, null);
  assert.equal(sent.data.status, true);
  const [code] = await codesMailedTo(email, 1);
  const wrong = await tablet.client.twoFactor.verifyOtp({ code: code === "000000" ? "111111" : "000000" });
  assert.equal(wrong.error.code, "INVALID_CODE");
  const signed = await tablet.client.twoFactor.verifyOtp({ code });
  assert.equal(signed.error, null);
  assert.equal(signed.data.user.email, email);
  assert.equal((await tablet.client.getSession()).data.session.token, signed.data.token);
});

test("generateBackupCodes replaces the list; viewBackupCodes is not an HTTP route", async () => {
  const fresh = await laptop.client.twoFactor.generateBackupCodes({ password });
  assert.equal(fresh.error, null);
  assert.equal(fresh.data.status, true);
  assert.equal(fresh.data.backupCodes.length, 10);
  const phone = device();
  await phone.client.signIn.email({ email, password });
  const old = await phone.client.twoFactor.verifyBackupCode({ code: backupCodes[1] });
  assert.equal(old.error.code, "INVALID_BACKUP_CODE");
  const current = await phone.client.twoFactor.verifyBackupCode({ code: fresh.data.backupCodes[1] });
  assert.equal(current.error, null);
  const view = await laptop.client.twoFactor.viewBackupCodes({ userId: "x" });
  assert.equal(view.error.status, 404);
});

test("disable turns it off; sign-in is one step again", async () => {
  const wrong = await laptop.client.twoFactor.disable({ password: "not the password" });
  assert.equal(wrong.error.code, "INVALID_PASSWORD");
  const disabled = await laptop.client.twoFactor.disable({ password });
  assert.equal(disabled.error, null);
  assert.deepEqual(disabled.data, { status: true });
  assert.equal((await laptop.client.getSession()).data.user.twoFactorEnabled, false);
  const other = device();
  const signed = await other.client.signIn.email({ email, password });
  assert.equal(signed.error, null);
  assert.ok(signed.data.token);
  assert.equal(other.redirects.length, 0);
});
