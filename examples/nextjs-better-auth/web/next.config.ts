import type { NextConfig } from "next";

// Better Auth runs in this app's route handlers (Node.js runtime); `pg` stays a server-side
// dependency, outside the bundles (Next.js keeps it external by default).
const nextConfig: NextConfig = {
  serverExternalPackages: ["pg"],
};

export default nextConfig;
