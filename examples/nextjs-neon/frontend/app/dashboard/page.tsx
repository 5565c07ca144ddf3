"use client";

import { useEffect, useState } from "react";
import { useRouter } from "next/navigation";
import { authClient } from "@/lib/auth-client";

type User = { name: string; email: string };

export default function DashboardPage() {
  const router = useRouter();
  const [user, setUser] = useState<User | null>(null);
  const [api, setApi] = useState<string>("loading…");

  useEffect(() => {
    let cancelled = false;
    (async () => {
      // Ask the server, not a cached atom: right after sign-in the hook's first render can be empty.
      const { data } = await authClient.getSession();
      if (cancelled) return;
      if (!data) {
        router.replace("/login");
        return;
      }
      setUser({ name: data.user.name, email: data.user.email });
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

  if (!user) return <div className="card"><p className="muted">Loading…</p></div>;
  return (
    <div className="card">
      <h1>Welcome, {user.name}</h1>
      <p className="row">Signed in as <strong data-testid="email">{user.email}</strong></p>
      <p className="row">Protected API says: <strong data-testid="api">{api}</strong></p>
      <button className="secondary" onClick={signOut}>Sign out</button>
    </div>
  );
}
