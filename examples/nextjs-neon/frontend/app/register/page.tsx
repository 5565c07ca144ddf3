"use client";

import { useState } from "react";
import Link from "next/link";
import { authClient } from "@/lib/auth-client";
import { VerifyEmailNotice } from "@/components/verify-email-notice";
import { SocialSignIn } from "@/components/social-sign-in";

export default function RegisterPage() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Set when the account exists but waits for its email to be verified (no session yet).
  const [pending, setPending] = useState<string | null>(null);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email"));
    setBusy(true);
    setError(null);
    const { data, error } = await authClient.signUp.email({
      name: String(form.get("name")),
      email,
      password: String(form.get("password")),
      // Where the verification link lands (signed in) when the backend requires verification.
      callbackURL: "/dashboard",
    });
    setBusy(false);
    if (error) {
      setError(error.message ?? "Sign-up failed");
      return;
    }
    if (!data?.token) {
      // AUTH_REQUIRE_EMAIL_VERIFICATION: the account exists, the session comes with the link.
      setPending(email);
      return;
    }
    // A full page load, so the dashboard starts from the new session cookie.
    window.location.href = "/dashboard";
  }

  if (pending) {
    return (
      <div className="card">
        <h1>Check your email</h1>
        <VerifyEmailNotice email={pending}>
          <p>
            Your account is created. We sent a link to <strong>{pending}</strong>: open it to
            verify your address, and you are signed in.
          </p>
        </VerifyEmailNotice>
        <p className="muted">Verified already? <Link href="/login">Sign in</Link></p>
      </div>
    );
  }

  return (
    <div className="card">
      <h1>Create an account</h1>
      <form onSubmit={onSubmit}>
        <label htmlFor="name">Name</label>
        <input id="name" name="name" required autoComplete="name" />
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" required autoComplete="email" />
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" required minLength={8} autoComplete="new-password" />
        <button type="submit" disabled={busy}>{busy ? "Creating…" : "Create account"}</button>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      <SocialSignIn />
      <p className="muted">Already registered? <Link href="/login">Sign in</Link></p>
    </div>
  );
}
