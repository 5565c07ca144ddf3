import { toNextJsHandler } from "better-auth/next-js";
import { auth } from "@/lib/auth";

// Better Auth's whole API under /api/auth/*: sign-up, sign-in, sign-out, get-session, and the
// jwt() plugin's /api/auth/token and /api/auth/jwks (which the Rust API fetches).
export const { GET, POST } = toNextJsHandler(auth);
