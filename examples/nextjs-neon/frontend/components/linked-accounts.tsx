"use client";

import { useCallback, useEffect, useState } from "react";
import { authClient } from "@/lib/auth-client";
import { providerName, useProviders } from "@/lib/providers";

/// One row of `authClient.listAccounts()`: `id` is the account row's id (what unlinking
/// takes), `accountId` the provider's id of the user, `providerId` "credential" for the
/// email and password.
type Account = { id: string; providerId: string; accountId: string; createdAt: Date | string };

/// "Linked accounts": the ways this user signs in, a "Link …" button for each provider the
/// backend offers that is not linked yet, and "Unlink" for the linked ones (the backend keeps
/// the last one, and says so).
export function LinkedAccounts() {
  const providers = useProviders();
  const [accounts, setAccounts] = useState<Account[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(async () => {
    const { data, error } = await authClient.listAccounts();
    if (error) {
      setError(error.message ?? "Your accounts could not be listed");
      return;
    }
    setAccounts(data ?? []);
  }, []);

  useEffect(() => {
    load();
  }, [load]);

  async function link(provider: string) {
    setBusy(provider);
    setError(null);
    // The provider sends the browser back to /dashboard, with ?error=… when linking failed.
    const { error } = await authClient.linkSocial({ provider, callbackURL: "/dashboard", errorCallbackURL: "/dashboard" });
    if (error) {
      setBusy(null);
      setError(error.message ?? `${providerName(provider)} could not be linked`);
    }
  }

  async function unlink(account: Account) {
    setBusy(account.id);
    setError(null);
    const { error } = await authClient.unlinkAccount({ accountId: account.id });
    setBusy(null);
    if (error) {
      setError(error.message ?? `${providerName(account.providerId)} could not be unlinked`);
      return;
    }
    await load();
  }

  const linked = new Set(accounts?.map((a) => a.providerId));
  const linkable = accounts && providers ? providers.filter((p) => !linked.has(p)) : [];

  return (
    <section className="card" aria-labelledby="accounts-heading">
      <h2 id="accounts-heading">Linked accounts</h2>
      {accounts === null ? (
        <p className="muted">Loading…</p>
      ) : (
        <ul className="accounts">
          {accounts.map((account) => (
            <AccountRow key={account.id} account={account} busy={busy !== null} onUnlink={() => unlink(account)} />
          ))}
        </ul>
      )}
      {linkable.map((provider) => (
        <button key={provider} type="button" className="secondary" disabled={busy !== null} onClick={() => link(provider)}>
          {busy === provider ? "Redirecting…" : `Link ${providerName(provider)}`}
        </button>
      ))}
      {error && <p className="error" role="alert">{error}</p>}
    </section>
  );
}

function AccountRow({ account, busy, onUnlink }: { account: Account; busy: boolean; onUnlink: () => void }) {
  const name = providerName(account.providerId);
  const since = new Date(account.createdAt).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
  return (
    <li data-testid="account" data-provider={account.providerId}>
      <span>
        <strong>{name}</strong> <span className="muted">since {since}</span>
      </span>
      {/* The password is not a provider: it stays (a reset replaces it). */}
      {account.providerId !== "credential" && (
        <button type="button" className="secondary small" disabled={busy} onClick={onUnlink} aria-label={`Unlink ${name}`}>
          Unlink
        </button>
      )}
    </li>
  );
}
