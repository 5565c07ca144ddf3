"use client";

import { createAuthClient } from "better-auth/react";
import { jwtClient } from "better-auth/client/plugins";

// No baseURL: in the browser the client uses this page's origin + /api/auth, which Next.js
// forwards to the Rust backend.
export const authClient = createAuthClient({ plugins: [jwtClient()] });
