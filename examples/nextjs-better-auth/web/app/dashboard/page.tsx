"use client";

import { useCallback, useEffect, useState } from "react";
import Link from "next/link";
import { authClient } from "@/lib/auth-client";

type User = { name: string; email: string };
/// What the Rust API answered to the last call, and whether a JWT went with it.
type Answer = { status: number; body: Record<string, unknown>; sentToken: boolean };

/// Asks Better Auth (this app) for a fresh JWT and calls the Rust API with it, through
/// app/api/me/route.ts. Signed out, Better Auth gives no token: the call goes without one and
/// the Rust API refuses it.
async function callRustApi(): Promise<Answer> {
  const token = await authClient.token();
  const jwt = token.data?.token;
  const response = await fetch("/api/me", {
    headers: jwt ? { authorization: `Bearer ${jwt}` } : {},
    cache: "no-store",
  });
  const body = await response.json().catch(() => ({}));
  return { status: response.status, body, sentToken: Boolean(jwt) };
}

export default function DashboardPage() {
  // undefined: not known yet; null: signed out.
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [calling, setCalling] = useState(false);

  const call = useCallback(async () => {
    setCalling(true);
    try {
      setAnswer(await callRustApi());
    } finally {
      setCalling(false);
    }
  }, []);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      // Ask the server, not a cached atom: right after sign-in the hook's first render can be empty.
      const { data } = await authClient.getSession();
      if (cancelled) return;
      setUser(data ? { name: data.user.name, email: data.user.email } : null);
      if (data) await call();
    })();
    return () => {
      cancelled = true;
    };
  }, [call]);

  async function signOut() {
    await authClient.signOut();
    setUser(null);
    setAnswer(null);
  }

  if (user === undefined) return <div className="card"><p className="muted">Loading…</p></div>;
  return (
    <>
      {user ? (
        <div className="card">
          <h1>Welcome, {user.name}</h1>
          <p className="row">
            Signed in to Better Auth (in this Next.js app) as <strong data-testid="email">{user.email}</strong>
          </p>
          <button className="secondary" onClick={signOut}>Sign out</button>
        </div>
      ) : (
        <div className="card">
          <h1>You are signed out</h1>
          <p className="muted">
            <Link href="/login">Sign in</Link> or <Link href="/register">create an account</Link>.
          </p>
        </div>
      )}
      <div className="card">
        <h2>The Rust API</h2>
        <p className="muted">
          GET /api/me on the Rust API, with a JWT from Better Auth (<code>authClient.token()</code>) when there is one.
        </p>
        {answer && <RustAnswer answer={answer} />}
        <button onClick={call} disabled={calling}>{calling ? "Calling…" : "Call the Rust API"}</button>
      </div>
    </>
  );
}

function RustAnswer({ answer }: { answer: Answer }) {
  const { status, body, sentToken } = answer;
  const email = typeof body.email === "string" ? body.email : null;
  const code = typeof body.code === "string" ? body.code : null;
  return (
    <>
      {status === 200 && email ? (
        <p className="success" role="status" data-testid="api">The Rust API says you are {email}</p>
      ) : (
        <p className="error" role="alert" data-testid="api">
          The Rust API refused: {status}{code ? ` ${code}` : ""}
          {sentToken ? "" : " (signed out: Better Auth gave no token to send)"}
        </p>
      )}
      <pre data-testid="api-body">{`HTTP ${status}\n${JSON.stringify(body, null, 2)}`}</pre>
    </>
  );
}
