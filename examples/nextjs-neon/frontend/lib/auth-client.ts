"use client";

import { createAuthClient } from "better-auth/react";
import { jwtClient, twoFactorClient } from "better-auth/client/plugins";

// No baseURL: in the browser the client uses this page's origin + /api/auth, which Next.js
// forwards to the Rust backend. A sign-in of a user with two-factor on answers
// `twoFactorRedirect`; the plugin then hands over to the challenge page.
export const authClient = createAuthClient({
  plugins: [
    jwtClient(),
    twoFactorClient({
      onTwoFactorRedirect() {
        window.location.href = "/two-factor";
      },
    }),
  ],
});
