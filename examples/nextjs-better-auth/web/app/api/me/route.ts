// GET /api/me: forwarded, server side, to the Rust API's GET /api/me with the caller's
// Authorization header (the Better Auth JWT) and nothing else — no cookie leaves this app.
//
// Why a proxy: the Rust API (examples/resource-server) sets no CORS headers, so a browser on
// this origin may not call it directly. Through this route the browser only ever talks to its
// own origin, and the Rust API's answer (200 with the user, 401 for a missing or bad token,
// 503 while it cannot reach the JWKS) comes back as it is.
const rustApi = process.env.RUST_API_URL ?? "http://127.0.0.1:4001";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const headers: Record<string, string> = { accept: "application/json" };
  const authorization = request.headers.get("authorization");
  if (authorization) headers.authorization = authorization;
  let upstream: Response;
  try {
    upstream = await fetch(`${rustApi}/api/me`, { headers, cache: "no-store" });
  } catch {
    return Response.json(
      { code: "RUST_API_UNREACHABLE", message: `The Rust API at ${rustApi} does not answer.` },
      { status: 502 },
    );
  }
  return new Response(await upstream.text(), {
    status: upstream.status,
    headers: {
      "content-type": upstream.headers.get("content-type") ?? "application/json",
      "cache-control": "no-store",
    },
  });
}
