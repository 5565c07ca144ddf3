"use client";

import { createAuthClient } from "better-auth/react";
import { jwtClient } from "better-auth/client/plugins";

// No baseURL: in the browser the client calls this page's origin + /api/auth, where
// app/api/auth/[...all]/route.ts runs Better Auth. jwtClient() adds authClient.token(): a JWT
// for the Rust API, from the session cookie.
export const authClient = createAuthClient({ plugins: [jwtClient()] });
