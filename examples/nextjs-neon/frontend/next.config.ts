import type { NextConfig } from "next";

// The browser talks only to this origin. Next.js forwards /api/* (the auth API under /api/auth
// and the backend's own /api/me, ...) to the Rust backend, so its cookies are first-party.
const backend = process.env.BACKEND_URL ?? "http://127.0.0.1:4000";

const nextConfig: NextConfig = {
  async rewrites() {
    return [{ source: "/api/:path*", destination: `${backend}/api/:path*` }];
  },
};

export default nextConfig;
