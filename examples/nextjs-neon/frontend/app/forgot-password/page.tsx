"use client";

import { useState } from "react";
import Link from "next/link";
import { authClient } from "@/lib/auth-client";

export default function ForgotPasswordPage() {
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get("email"));
    setBusy(true);
    setError(null);
    // The mailed link goes through the backend, which checks the token and sends the browser
    // to /reset-password?token=… (or ?error=INVALID_TOKEN) on this origin.
    const { error } = await authClient.requestPasswordReset({ email, redirectTo: "/reset-password" });
    setBusy(false);
    if (error) {
      setError(error.message ?? "The request failed");
      return;
    }
    setSentTo(email);
  }

  if (sentTo) {
    return (
      <div className="card">
        <h1>Check your email</h1>
        {/* The same answer whether or not the address has an account. */}
        <p className="success" role="status">
          If this email exists in our system, a link to reset your password is on its way
          to <strong>{sentTo}</strong>.
        </p>
        <p className="muted">The link works once. <Link href="/login">Back to sign in</Link></p>
      </div>
    );
  }

  return (
    <div className="card">
      <h1>Forgot your password?</h1>
      <p className="muted">Enter your email address and we will send you a link to choose a new password.</p>
      <form onSubmit={onSubmit}>
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" required autoComplete="email" />
        <button type="submit" disabled={busy}>{busy ? "Sending…" : "Send reset link"}</button>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      <p className="muted">Remembered it? <Link href="/login">Sign in</Link></p>
    </div>
  );
}
