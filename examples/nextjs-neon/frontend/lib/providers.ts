"use client";

import { useEffect, useState } from "react";

/// How the buttons name a provider. Any other id (an OIDC_PROVIDER_ID such as "keycloak" or
/// "okta") is shown with a capital first letter.
const NAMES: Record<string, string> = {
  credential: "Email and password",
  github: "GitHub",
  google: "Google",
  oidc: "OpenID Connect",
  auth0: "Auth0",
  gitlab: "GitLab",
  microsoft: "Microsoft",
};

export function providerName(id: string): string {
  return NAMES[id] ?? id.charAt(0).toUpperCase() + id.slice(1);
}

/// The social providers the backend has switched on (its GET /api/providers, through the
/// rewrite), in its order: null while loading, [] when there are none (or it cannot be asked).
export function useProviders(): string[] | null {
  const [providers, setProviders] = useState<string[] | null>(null);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      let list: string[] = [];
      try {
        const response = await fetch("/api/providers");
        const body = response.ok ? await response.json() : null;
        if (Array.isArray(body?.providers)) list = body.providers.filter((p: unknown) => typeof p === "string");
      } catch {
        // No buttons rather than a broken page.
      }
      if (!cancelled) setProviders(list);
    })();
    return () => {
      cancelled = true;
    };
  }, []);

  return providers;
}
