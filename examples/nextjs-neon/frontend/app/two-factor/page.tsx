"use client";

import { useEffect, useState } from "react";
import Link from "next/link";
import { authClient } from "@/lib/auth-client";

type Method = "totp" | "backup" | "otp";

/// The second step of a sign-in: a code from the authenticator app, a backup code, or a code by
/// email; "trust this device" skips this step here for 30 days. The challenge itself is the
/// `two_factor` cookie the sign-in set (10 minutes, 5 attempts).
export default function TwoFactorPage() {
  const [method, setMethod] = useState<Method>("totp");
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Where a social sign-in was headed (the backend sends ?callbackURL= along).
  const [next, setNext] = useState("/dashboard");

  useEffect(() => {
    const target = new URLSearchParams(window.location.search).get("callbackURL");
    // Only a path on this site: never an open redirect.
    if (target && target.startsWith("/") && !target.startsWith("//")) setNext(target);
  }, []);

  async function sendCode() {
    setBusy(true);
    setError(null);
    const { error } = await authClient.twoFactor.sendOtp();
    setBusy(false);
    if (error) {
      setError(error.message ?? "The code could not be sent");
      return;
    }
    setMethod("otp");
    setStatus("We sent a code to your email address. It works for 3 minutes.");
  }

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const code = String(form.get("code")).trim();
    const trustDevice = form.get("trust") === "on";
    setBusy(true);
    setError(null);
    const { error } =
      method === "backup"
        ? await authClient.twoFactor.verifyBackupCode({ code, trustDevice })
        : method === "otp"
          ? await authClient.twoFactor.verifyOtp({ code, trustDevice })
          : await authClient.twoFactor.verifyTotp({ code, trustDevice });
    setBusy(false);
    if (error) {
      if (error.code === "INVALID_TWO_FACTOR_COOKIE" || error.code === "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE") {
        setError("This sign-in has expired or had too many attempts. Please sign in again.");
        return;
      }
      setError(error.message ?? "That code did not work");
      return;
    }
    // A full page load, so the next page starts from the new session cookie.
    window.location.href = next;
  }

  const label =
    method === "backup" ? "Backup code" : method === "otp" ? "Code from the email" : "Code from your app";
  return (
    <div className="card">
      <h1>Two-step verification</h1>
      <p className="muted">Your account asks for a second step to finish signing in.</p>
      {status && <p className="success" role="status">{status}</p>}
      <form onSubmit={onSubmit}>
        <label htmlFor="code">{label}</label>
        <input
          id="code"
          name="code"
          key={method}
          required
          autoFocus
          autoComplete="one-time-code"
          inputMode={method === "backup" ? "text" : "numeric"}
        />
        <label className="check">
          <input type="checkbox" name="trust" /> Trust this device for 30 days
        </label>
        <button type="submit" disabled={busy}>{busy ? "Checking…" : "Verify"}</button>
      </form>
      {method !== "backup" && (
        <button type="button" className="secondary" onClick={() => { setMethod("backup"); setStatus(null); }}>
          Use a backup code
        </button>
      )}
      {method !== "totp" && (
        <button type="button" className="secondary" onClick={() => { setMethod("totp"); setStatus(null); }}>
          Use my authenticator app
        </button>
      )}
      <button type="button" className="secondary" onClick={sendCode} disabled={busy}>
        Email me a code
      </button>
      {error && <p className="error" role="alert">{error}</p>}
      <p className="muted"><Link href="/login">Start over</Link></p>
    </div>
  );
}
