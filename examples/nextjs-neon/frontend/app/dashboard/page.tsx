"use client";

import { useEffect, useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { authClient } from "@/lib/auth-client";
import { socialError } from "@/lib/errors";
import { LinkedAccounts } from "@/components/linked-accounts";

type User = { name: string; email: string; emailVerified: boolean };

export default function DashboardPage() {
  const router = useRouter();
  const [user, setUser] = useState<User | null>(null);
  const [api, setApi] = useState<string>("loading…");
  // A mailed link (verification, change of email) or the linking of a provider that failed
  // lands here with ?error=CODE.
  const [linkError, setLinkError] = useState<string | null>(null);
  const [deleted, setDeleted] = useState(false);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const query = new URLSearchParams(window.location.search);
      const code = query.get("error");
      // Ask the server, not a cached atom: right after sign-in the hook's first render can be empty.
      const { data } = await authClient.getSession();
      if (cancelled) return;
      if (!data) {
        router.replace(code ? `/login?error=${encodeURIComponent(code)}` : "/login");
        return;
      }
      if (code) {
        setLinkError(socialError(code, query.get("error_description")) ?? `That link did not work (${code}). Ask for a new one.`);
      }
      setUser({ name: data.user.name, email: data.user.email, emailVerified: data.user.emailVerified });
      // A 30-day JWT for the backend's own API, from /api/auth/token.
      const token = await authClient.token();
      const response = await fetch("/api/me", {
        headers: { authorization: `Bearer ${token.data?.token ?? ""}` },
      });
      const body = await response.json();
      if (!cancelled) setApi(response.ok ? `${body.user.email} (verified by ${body.method})` : `error ${response.status}`);
    })();
    return () => {
      cancelled = true;
    };
  }, [router]);

  async function signOut() {
    await authClient.signOut();
    window.location.href = "/login";
  }

  if (deleted) {
    return (
      <div className="card">
        <h1>Account deleted</h1>
        <p className="success" role="status">Your account, its sessions and its tokens are gone.</p>
        <p className="muted"><Link href="/register">Create a new account</Link></p>
      </div>
    );
  }
  if (!user) return <div className="card"><p className="muted">Loading…</p></div>;
  return (
    <>
      <div className="card">
        <h1>Welcome, {user.name}</h1>
        {linkError && <p className="error" role="alert">{linkError}</p>}
        <p className="row">
          Signed in as <strong data-testid="email">{user.email}</strong>{" "}
          <span className="badge" data-testid="verified">{user.emailVerified ? "verified" : "not verified"}</span>
        </p>
        <p className="row">Protected API says: <strong data-testid="api">{api}</strong></p>
        <p className="row"><Link href="/security">Security: two-factor authentication</Link></p>
        <button className="secondary" onClick={signOut}>Sign out</button>
      </div>
      <LinkedAccounts />
      <ChangeEmail current={user.email} />
      <DeleteAccount email={user.email} onDeleted={() => setDeleted(true)} />
    </>
  );
}

function ChangeEmail({ current }: { current: string }) {
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const newEmail = String(new FormData(event.currentTarget).get("newEmail"));
    setBusy(true);
    setError(null);
    setSentTo(null);
    // Nothing changes until the link mailed to the new address (or, with
    // AUTH_CHANGE_EMAIL_CONFIRMATION, first the one to the current address) is opened.
    const { error } = await authClient.changeEmail({ newEmail, callbackURL: "/dashboard" });
    setBusy(false);
    if (error) {
      setError(error.message ?? "The email could not be changed");
      return;
    }
    setSentTo(newEmail);
  }

  return (
    <section className="card" aria-labelledby="change-email-heading">
      <h2 id="change-email-heading">Change email</h2>
      <form onSubmit={onSubmit}>
        <label htmlFor="newEmail">New email</label>
        <input id="newEmail" name="newEmail" type="email" required autoComplete="email" placeholder={current} />
        <button type="submit" disabled={busy}>{busy ? "Sending…" : "Change email"}</button>
      </form>
      {sentTo && (
        <p className="success" role="status">
          Check your new address: we sent a link to <strong>{sentTo}</strong>. Your email changes
          when you open it.
        </p>
      )}
      {error && <p className="error" role="alert">{error}</p>}
    </section>
  );
}

function DeleteAccount({ email, onDeleted }: { email: string; onDeleted: () => void }) {
  const [step, setStep] = useState<"idle" | "confirm" | "mailed">("idle");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get("deletePassword"));
    setBusy(true);
    setError(null);
    // Deleted at once, or (AUTH_DELETE_USER_CONFIRMATION) a link is mailed that deletes the
    // account and then opens callbackURL.
    const { data, error } = await authClient.deleteUser({ password, callbackURL: "/" });
    setBusy(false);
    if (error) {
      setError(error.message ?? "The account could not be deleted");
      return;
    }
    if (data?.message === "Verification email sent") {
      setStep("mailed");
      return;
    }
    onDeleted();
  }

  return (
    <section className="card" aria-labelledby="delete-heading">
      <h2 id="delete-heading">Delete account</h2>
      {step === "idle" && (
        <>
          <p className="muted">Your account, its sessions and its tokens are removed for good.</p>
          <button type="button" className="danger" onClick={() => setStep("confirm")}>Delete account</button>
        </>
      )}
      {step === "confirm" && (
        <form onSubmit={onSubmit}>
          <p>This cannot be undone. Enter your password to confirm.</p>
          <label htmlFor="deletePassword">Password</label>
          <input id="deletePassword" name="deletePassword" type="password" required autoComplete="current-password" />
          <button type="submit" className="danger" disabled={busy}>{busy ? "Deleting…" : "Delete my account"}</button>
          <button type="button" className="secondary" onClick={() => { setStep("idle"); setError(null); }}>Cancel</button>
        </form>
      )}
      {step === "mailed" && (
        <p className="success" role="status">
          Check your email: open the link we sent to <strong>{email}</strong> to delete your account.
        </p>
      )}
      {error && <p className="error" role="alert">{error}</p>}
    </section>
  );
}
