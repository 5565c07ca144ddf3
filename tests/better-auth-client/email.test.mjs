// The real `better-auth` npm client's email-flow calls against our Rust server, with the mail
// read from a real SMTP server (maildev): sendVerificationEmail, verifyEmail,
// requestPasswordReset, resetPassword, changeEmail, deleteUser. Run by
// examples/server/tests/better_auth_client.rs, which starts the server on PostgreSQL with
// verification required, auto sign-in, change of email and deletion by link on, and maildev;
// AUTH_SERVER_URL is the server, MAILDEV_URL maildev's web/REST port.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createAuthClient } from "better-auth/client";

const baseURL = process.env.AUTH_SERVER_URL;
const maildev = process.env.MAILDEV_URL;
assert.ok(baseURL && maildev, "AUTH_SERVER_URL and MAILDEV_URL must be set");

const client = createAuthClient({ baseURL, fetchOptions: { headers: { origin: baseURL } } });

const unique = `${process.pid}-${Date.now()}`;
const email = `mia.${unique}@example.com`;
const newEmail = `mia.new.${unique}@example.com`;
const password = "correct horse battery";
const newPassword = "a much better password";

/** The mails maildev caught for `to`, once there are at least `count` (oldest first). */
async function mailsTo(to, count) {
  for (let i = 0; i < 300; i++) {
    const all = await (await fetch(`${maildev}/email`)).json();
    const mine = all.filter((m) => m.envelope.to.some((t) => t.address.toLowerCase() === to));
    if (mine.length >= count) return mine;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${count} mail(s) to ${to} did not arrive`);
}

const linkIn = (mail) => new URL(mail.text.match(/https?:\/\/\S+/)[0]);
const bearer = (token) => ({ fetchOptions: { auth: { type: "Bearer", token } } });
let session; // a set-auth-token value

test("sign-up waits for the email to be verified", async () => {
  const up = await client.signUp.email({ name: "Mia", email, password, callbackURL: "/welcome" });
  assert.equal(up.error, null);
  assert.equal(up.data.token, null);
  const early = await client.signIn.email({ email, password });
  assert.equal(early.error.status, 403);
  assert.equal(early.error.code, "EMAIL_NOT_VERIFIED");
  const [mail] = await mailsTo(email, 1);
  assert.equal(linkIn(mail).searchParams.get("callbackURL"), "/welcome");
});

test("sendVerificationEmail and verifyEmail", async () => {
  const sent = await client.sendVerificationEmail({ email, callbackURL: "/verified" });
  assert.equal(sent.error, null);
  assert.equal(sent.data.status, true);
  const unknown = await client.sendVerificationEmail({ email: `nobody.${unique}@example.com` });
  assert.deepEqual(unknown.data, { status: true }, "the same answer for an unknown address");
  const mails = await mailsTo(email, 2);
  const link = linkIn(mails[1]);
  assert.equal(link.searchParams.get("callbackURL"), "/verified");
  // As the recording advises: from a fetch client, without the callback (JSON answer).
  let signed;
  const verified = await client.verifyEmail({
    query: { token: link.searchParams.get("token") },
    fetchOptions: { onResponse: (ctx) => { signed = ctx.response.headers.get("set-auth-token"); } },
  });
  assert.equal(verified.error, null);
  assert.equal(verified.data.status, true);
  assert.ok(signed, "auto sign-in after verification sets a session");
  const me = await client.getSession(bearer(signed));
  assert.equal(me.data.user.emailVerified, true);
  const signIn = await client.signIn.email({ email, password });
  assert.equal(signIn.error, null);
});

test("requestPasswordReset and resetPassword", async () => {
  let signed;
  await client.signIn.email({ email, password }, {
    onResponse: (ctx) => { signed = ctx.response.headers.get("set-auth-token"); },
  });
  const asked = await client.requestPasswordReset({ email, redirectTo: "/reset" });
  assert.equal(asked.error, null);
  assert.equal(asked.data.status, true);
  const mails = await mailsTo(email, 3);
  // The mailed link sends the browser to the app's reset page with the token.
  const followed = await fetch(linkIn(mails[2]), { redirect: "manual" });
  assert.equal(followed.status, 302);
  const token = new URL(followed.headers.get("location")).searchParams.get("token");
  assert.match(token, /^[A-Za-z0-9]{24}$/);
  const tooShort = await client.resetPassword({ newPassword: "short", token });
  assert.equal(tooShort.error.code, "PASSWORD_TOO_SHORT");
  const reset = await client.resetPassword({ newPassword, token });
  assert.equal(reset.error, null);
  assert.equal(reset.data.status, true);
  const again = await client.resetPassword({ newPassword: "yet another password", token });
  assert.equal(again.error.status, 400);
  assert.equal(again.error.code, "INVALID_TOKEN");
  const old = await client.signIn.email({ email, password });
  assert.equal(old.error.code, "INVALID_EMAIL_OR_PASSWORD");
  // Stricter than Better Auth: the reset signed the user out everywhere.
  const before = await client.getSession(bearer(signed));
  assert.equal(before.data, null);
  const fresh = await client.signIn.email({ email, password: newPassword }, {
    onResponse: (ctx) => { session = ctx.response.headers.get("set-auth-token"); },
  });
  assert.equal(fresh.error, null);
});

test("changeEmail by the link sent to the new address", async () => {
  const same = await client.changeEmail({ newEmail: email }, bearer(session).fetchOptions);
  assert.equal(same.error.status, 400);
  assert.equal(same.error.message, "Email is the same");
  const asked = await client.changeEmail({ newEmail, callbackURL: "/settings" }, bearer(session).fetchOptions);
  assert.equal(asked.error, null);
  assert.equal(asked.data.status, true);
  const [mail] = await mailsTo(newEmail, 1);
  const changed = await client.verifyEmail({ query: { token: linkIn(mail).searchParams.get("token") } });
  assert.equal(changed.error, null);
  assert.equal(changed.data.user.email, newEmail);
  const me = await client.getSession(bearer(session));
  assert.equal(me.data.user.email, newEmail);
  const signIn = await client.signIn.email({ email: newEmail, password: newPassword });
  assert.equal(signIn.error, null);
});

test("deleteUser by the mailed link", async () => {
  const wrong = await client.deleteUser({ password: "not the password" }, bearer(session).fetchOptions);
  assert.equal(wrong.error.code, "INVALID_PASSWORD");
  const asked = await client.deleteUser({ callbackURL: "/goodbye" }, bearer(session).fetchOptions);
  assert.equal(asked.error, null);
  assert.deepEqual(asked.data, { success: true, message: "Verification email sent" });
  const mails = await mailsTo(newEmail, 2);
  const link = linkIn(mails[1]);
  assert.equal(link.pathname, "/api/auth/delete-user/callback");
  const deleted = await client.deleteUser({ token: link.searchParams.get("token") }, bearer(session).fetchOptions);
  assert.equal(deleted.error, null);
  assert.deepEqual(deleted.data, { success: true, message: "User deleted" });
  const gone = await client.getSession(bearer(session));
  assert.equal(gone.data, null);
  const signIn = await client.signIn.email({ email: newEmail, password: newPassword });
  assert.equal(signIn.error.code, "INVALID_EMAIL_OR_PASSWORD");
});

test("forgetPassword, the name before 1.4, is gone as in Better Auth 1.7", async () => {
  const old = await client.forgetPassword({ email, redirectTo: "/reset" });
  assert.equal(old.error.status, 404);
});
