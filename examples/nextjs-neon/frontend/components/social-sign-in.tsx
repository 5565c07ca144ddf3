"use client";

import { useState } from "react";
import { authClient } from "@/lib/auth-client";
import { providerName, useProviders } from "@/lib/providers";

/// "Continue with GitHub / Google / …": one button per provider the backend has switched on,
/// nothing at all when there is none. The client sends the browser to the provider; the
/// provider sends it back to the backend's callback, which signs in (a new user is created on
/// the first visit) and opens the dashboard, or this site's /login?error=… when it failed.
export function SocialSignIn() {
  const providers = useProviders();
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  if (!providers || providers.length === 0) return null;

  async function continueWith(provider: string) {
    setPending(provider);
    setError(null);
    const { error } = await authClient.signIn.social({
      provider,
      callbackURL: "/dashboard",
      newUserCallbackURL: "/dashboard",
      errorCallbackURL: "/login",
    });
    // On success the page is already on its way to the provider: keep the button busy.
    if (error) {
      setPending(null);
      setError(error.message ?? `Sign-in with ${providerName(provider)} is not available`);
    }
  }

  return (
    <section className="social" aria-label="Sign in with another account">
      <p className="divider"><span>or</span></p>
      {providers.map((provider) => (
        <button
          key={provider}
          type="button"
          className="secondary"
          disabled={pending !== null}
          onClick={() => continueWith(provider)}
        >
          {pending === provider ? "Redirecting…" : `Continue with ${providerName(provider)}`}
        </button>
      ))}
      {error && <p className="error" role="alert">{error}</p>}
    </section>
  );
}
