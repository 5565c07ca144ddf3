// A browser for the client tests: one cookie jar per origin (cookies stored and sent back as a
// browser would, for what a test needs: name, value, path, expiry), redirects handed back rather
// than followed, and a `better-auth` client that fetches through it.
import { createAuthClient } from "better-auth/client";

/** A browser's cookies for one origin: by name and path, sent back where the path matches. */
export class CookieJar {
  #cookies = new Map();

  store(response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      let path = "/";
      let expired = value === "";
      for (const attribute of attributes) {
        const [key, setting = ""] = attribute.trim().split("=");
        if (key.toLowerCase() === "path") path = setting;
        if (key.toLowerCase() === "max-age" && Number(setting) <= 0) expired = true;
        if (key.toLowerCase() === "expires" && new Date(setting) < new Date()) expired = true;
      }
      if (expired) this.#cookies.delete(`${name};${path}`);
      else this.#cookies.set(`${name};${path}`, { name, value, path });
    }
  }

  header(url) {
    const { pathname } = new URL(url);
    const matches = (path) => pathname === path || pathname.startsWith(path.endsWith("/") ? path : `${path}/`);
    return [...this.#cookies.values()]
      .filter((c) => matches(c.path))
      .map((c) => `${c.name}=${c.value}`)
      .join("; ");
  }

  has(name) {
    return [...this.#cookies.values()].some((c) => c.name === name);
  }
}

/** A browser: one cookie jar per origin, redirects handed back rather than followed; `plugins`
 * are the client's (e.g. `twoFactorClient()`). */
export function browser(baseURL, plugins = []) {
  const jars = new Map();
  const jar = (url) => {
    const origin = new URL(url).origin;
    if (!jars.has(origin)) jars.set(origin, new CookieJar());
    return jars.get(origin);
  };
  const fetchWithCookies = async (input, init = {}) => {
    const url = String(input instanceof Request ? input.url : input);
    const headers = new Headers(init.headers);
    const cookie = jar(url).header(url);
    if (cookie) headers.set("cookie", cookie);
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    jar(url).store(response);
    return response;
  };
  // Node's fetch sends `sec-fetch-mode: cors`, so, as Better Auth requires, the client says
  // where it comes from; a browser does this on its own.
  const client = createAuthClient({
    baseURL,
    plugins,
    fetchOptions: { headers: { origin: baseURL }, customFetchImpl: fetchWithCookies },
  });
  return { client, fetch: fetchWithCookies, jar };
}
