"use client";

import { useState } from "react";
import { authClient } from "@/lib/auth-client";

/// "We sent you a link": shown after a sign-up that waits for the email to be verified, and
/// when a sign-in is refused with EMAIL_NOT_VERIFIED. The button mails a fresh link, which
/// signs the user in and opens the dashboard.
export function VerifyEmailNotice({ email, children }: { email: string; children: React.ReactNode }) {
  const [state, setState] = useState<"idle" | "sending" | "sent">("idle");
  const [error, setError] = useState<string | null>(null);

  async function resend() {
    setState("sending");
    setError(null);
    const { error } = await authClient.sendVerificationEmail({ email, callbackURL: "/dashboard" });
    if (error) {
      setState("idle");
      setError(error.message ?? "The email could not be sent");
      return;
    }
    setState("sent");
  }

  return (
    <section className="notice" aria-labelledby="verify-heading">
      <h2 id="verify-heading">Verify your email</h2>
      {children}
      <button type="button" className="secondary" onClick={resend} disabled={state === "sending"}>
        {state === "sending" ? "Sending…" : "Resend verification email"}
      </button>
      {state === "sent" && (
        <p className="success" role="status">
          A new link is on its way to <strong>{email}</strong>.
        </p>
      )}
      {error && <p className="error" role="alert">{error}</p>}
    </section>
  );
}
