"use client";

import { useEffect, useState } from "react";
import Link from "next/link";
import { authClient } from "@/lib/auth-client";
import { VerifyEmailNotice } from "@/components/verify-email-notice";
import { SocialSignIn } from "@/components/social-sign-in";
import { socialError } from "@/lib/errors";

/// What a failed verification link (forwarded here by the dashboard as ?error=) means. A failed
/// social sign-in lands here too, with a lower-case code (see lib/errors.ts).
const LINK_ERRORS: Record<string, string> = {
  TOKEN_EXPIRED: "That verification link has expired. Sign in to get a new one.",
  INVALID_TOKEN: "That verification link is not valid (or was already used). Sign in to get a new one.",
};

export default function LoginPage() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The address of an account that exists but has not verified its email yet.
  const [unverified, setUnverified] = useState<string | null>(null);

  useEffect(() => {
    const query = new URLSearchParams(window.location.search);
    const code = query.get("error");
    if (code) {
      setError(LINK_ERRORS[code] ?? socialError(code, query.get("error_description")) ?? `That link did not work (${code}).`);
    }
  }, []);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email"));
    setBusy(true);
    setError(null);
    setUnverified(null);
    const { data, error } = await authClient.signIn.email({
      email,
      password: String(form.get("password")),
    });
    // Two-factor on: the client plugin is taking the browser to the challenge page.
    if (data && "twoFactorRedirect" in data) return;
    setBusy(false);
    if (error) {
      if (error.status === 403 && error.code === "EMAIL_NOT_VERIFIED") {
        setUnverified(email);
        return;
      }
      setError(error.message ?? "Sign-in failed");
      return;
    }
    // A full page load, so the dashboard starts from the new session cookie.
    window.location.href = "/dashboard";
  }

  return (
    <div className="card">
      <h1>Sign in</h1>
      <form onSubmit={onSubmit}>
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" required autoComplete="email" />
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" required autoComplete="current-password" />
        <p className="aside"><Link href="/forgot-password">Forgot password?</Link></p>
        <button type="submit" disabled={busy}>{busy ? "Signing in…" : "Sign in"}</button>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      {unverified && (
        <>
          <p className="error" role="alert">Your email address is not verified yet.</p>
          <VerifyEmailNotice email={unverified}>
            <p>
              Open the link we sent to <strong>{unverified}</strong> when you registered: it
              verifies your address and signs you in.
            </p>
          </VerifyEmailNotice>
        </>
      )}
      <SocialSignIn />
      <p className="muted">New here? <Link href="/register">Create an account</Link></p>
    </div>
  );
}
