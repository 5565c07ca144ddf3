"use client";

import { useEffect, useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { authClient } from "@/lib/auth-client";
import { QrCode } from "@/components/qr-code";

/// Two-factor authentication: turn it on (scan the QR code, keep the backup codes, confirm with
/// a first code), make new backup codes, turn it off. Every change asks for the password.
export default function SecurityPage() {
  const router = useRouter();
  const [enabled, setEnabled] = useState<boolean | null>(null);
  // Between "enable" and the first code: what to scan and the codes to keep, shown once.
  const [setup, setSetup] = useState<{ uri: string; backupCodes: string[] } | null>(null);
  const [freshCodes, setFreshCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    (async () => {
      const { data } = await authClient.getSession();
      if (!data) {
        router.replace("/login");
        return;
      }
      setEnabled(Boolean(data.user.twoFactorEnabled));
    })();
  }, [router]);

  /// Runs a call with the form's password; shows its error.
  async function withPassword<T>(
    event: React.FormEvent<HTMLFormElement>,
    call: (password: string) => Promise<{ data: T | null; error: { message?: string } | null }>,
  ): Promise<T | null> {
    event.preventDefault();
    const form = event.currentTarget;
    const password = String(new FormData(form).get("password"));
    setBusy(true);
    setError(null);
    setStatus(null);
    const { data, error } = await call(password);
    setBusy(false);
    if (error) {
      setError(error.message ?? "That did not work");
      return null;
    }
    form.reset();
    return data;
  }

  async function enable(event: React.FormEvent<HTMLFormElement>) {
    const data = await withPassword(event, (password) => authClient.twoFactor.enable({ password }));
    if (data && "totpURI" in data) setSetup({ uri: data.totpURI, backupCodes: data.backupCodes });
  }

  async function confirm(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get("code")).trim();
    setBusy(true);
    setError(null);
    const { error } = await authClient.twoFactor.verifyTotp({ code });
    setBusy(false);
    if (error) {
      setError(error.message ?? "That code did not work");
      return;
    }
    setSetup(null);
    setEnabled(true);
    setStatus("Two-factor authentication is on. Sign-ins now ask for a code from your app.");
  }

  async function newBackupCodes(event: React.FormEvent<HTMLFormElement>) {
    const data = await withPassword(event, (password) =>
      authClient.twoFactor.generateBackupCodes({ password }),
    );
    if (data) setFreshCodes(data.backupCodes);
  }

  async function disable(event: React.FormEvent<HTMLFormElement>) {
    const data = await withPassword(event, (password) => authClient.twoFactor.disable({ password }));
    if (data) {
      setEnabled(false);
      setFreshCodes(null);
      setStatus("Two-factor authentication is off.");
    }
  }

  if (enabled === null) return <div className="card"><p className="muted">Loading…</p></div>;
  const secret = setup ? new URL(setup.uri).searchParams.get("secret") : null;
  return (
    <div className="card">
      <h1>Security</h1>
      <p className="row">
        Two-factor authentication{" "}
        <span className="badge" data-testid="two-factor-state">{enabled ? "on" : "off"}</span>
      </p>
      {status && <p className="success" role="status">{status}</p>}

      {!enabled && !setup && (
        <form onSubmit={enable}>
          <p className="muted">Sign-ins will also ask for a code from an authenticator app.</p>
          <label htmlFor="password">Password</label>
          <input id="password" name="password" type="password" required autoComplete="current-password" />
          <button type="submit" disabled={busy}>{busy ? "Starting…" : "Turn on two-factor authentication"}</button>
        </form>
      )}

      {setup && (
        <section aria-labelledby="setup-heading">
          <h2 id="setup-heading">Scan this code with your authenticator app</h2>
          <QrCode text={setup.uri} label="QR code for your authenticator app" />
          <p className="muted">
            Or type this key: <span className="secret" data-testid="totp-secret">{secret}</span>
          </p>
          <h2>Your backup codes</h2>
          <p className="muted">
            Each works once, if you lose your phone. Keep them somewhere safe: they are shown only now.
          </p>
          <ol className="codes" data-testid="backup-codes">
            {setup.backupCodes.map((code) => <li key={code}>{code}</li>)}
          </ol>
          <form onSubmit={confirm}>
            <label htmlFor="code">Code from your app</label>
            <input id="code" name="code" inputMode="numeric" autoComplete="one-time-code" required pattern="[0-9]{6}" />
            <button type="submit" disabled={busy}>{busy ? "Checking…" : "Confirm and turn on"}</button>
          </form>
        </section>
      )}

      {enabled && (
        <>
          <form onSubmit={newBackupCodes}>
            <h2>Backup codes</h2>
            <label htmlFor="codes-password">Password</label>
            <input id="codes-password" name="password" type="password" required autoComplete="current-password" />
            <button type="submit" className="secondary" disabled={busy}>Make new backup codes</button>
          </form>
          {freshCodes && (
            <ol className="codes" data-testid="backup-codes">
              {freshCodes.map((code) => <li key={code}>{code}</li>)}
            </ol>
          )}
          <form onSubmit={disable}>
            <h2>Turn off</h2>
            <label htmlFor="off-password">Password</label>
            <input id="off-password" name="password" type="password" required autoComplete="current-password" />
            <button type="submit" className="danger" disabled={busy}>Turn off two-factor authentication</button>
          </form>
        </>
      )}
      {error && <p className="error" role="alert">{error}</p>}
      <p className="muted"><Link href="/dashboard">Back to the dashboard</Link></p>
    </div>
  );
}
