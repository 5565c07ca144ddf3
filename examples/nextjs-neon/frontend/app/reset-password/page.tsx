"use client";

import { Suspense, useState } from "react";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { authClient } from "@/lib/auth-client";

function Expired() {
  return (
    <div className="card">
      <h1>Reset your password</h1>
      <p className="error" role="alert">This link has expired or was already used.</p>
      <p className="muted"><Link href="/forgot-password">Request a new link</Link></p>
    </div>
  );
}

function ResetPasswordForm() {
  // Set by the backend when the mailed link is opened: ?token=… or ?error=INVALID_TOKEN.
  const params = useSearchParams();
  const token = params.get("token");
  const linkError = params.get("error");
  const [error, setError] = useState<string | null>(null);
  const [expired, setExpired] = useState(false);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  if (linkError || expired) return <Expired />;
  if (!token) {
    return (
      <div className="card">
        <h1>Reset your password</h1>
        <p className="error" role="alert">Open this page with the link from the email we sent you.</p>
        <p className="muted"><Link href="/forgot-password">Request a link</Link></p>
      </div>
    );
  }

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const newPassword = String(form.get("password"));
    if (newPassword !== String(form.get("confirm"))) {
      setError("The two passwords do not match.");
      return;
    }
    setBusy(true);
    setError(null);
    const { error } = await authClient.resetPassword({ newPassword, token: token ?? "" });
    setBusy(false);
    if (error) {
      if (error.code === "INVALID_TOKEN") {
        setExpired(true);
        return;
      }
      setError(error.message ?? "The password could not be changed");
      return;
    }
    setDone(true);
  }

  if (done) {
    return (
      <div className="card">
        <h1>Password changed</h1>
        <p className="success" role="status">
          Your new password is set.
        </p>
        <p className="muted"><Link href="/login">Sign in with your new password</Link></p>
      </div>
    );
  }

  return (
    <div className="card">
      <h1>Choose a new password</h1>
      <form onSubmit={onSubmit}>
        <label htmlFor="password">New password</label>
        <input id="password" name="password" type="password" required minLength={8} autoComplete="new-password" />
        <label htmlFor="confirm">Confirm password</label>
        <input id="confirm" name="confirm" type="password" required minLength={8} autoComplete="new-password" />
        <button type="submit" disabled={busy}>{busy ? "Saving…" : "Set new password"}</button>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
    </div>
  );
}

export default function ResetPasswordPage() {
  // useSearchParams needs a Suspense boundary for `next build` to prerender the page.
  return (
    <Suspense fallback={<div className="card"><p className="muted">Loading…</p></div>}>
      <ResetPasswordForm />
    </Suspense>
  );
}
