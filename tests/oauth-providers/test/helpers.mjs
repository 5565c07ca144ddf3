// Shared by the tests: start a program of this package and read its ready line, PKCE values,
// and a cookie jar for fetch.

import { spawn } from "node:child_process";
import crypto from "node:crypto";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

/** Starts `node <program>` with PORT=0 and `env`; resolves to { url, stop, stderr() }. */
export function start(program, env = {}) {
  const child = spawn(process.execPath, [program], {
    cwd: packageDir,
    env: { ...process.env, PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${program} printed no ready line in 30 s; stderr:\n${stderr}`));
    }, 30_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${program} exited (${code}) before its ready line; stderr:\n${stderr}`));
    });
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      const line = /^listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout);
      if (!line) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      resolve({
        url: line[1],
        readyOutput: () => stdout,
        stderr: () => stderr,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.on("exit", () => done());
            child.kill("SIGTERM");
          }),
      });
    });
  });
}

/** A PKCE pair: { verifier, challenge } (S256). */
export function pkce() {
  const verifier = crypto.randomBytes(32).toString("base64url");
  const challenge = crypto.createHash("sha256").update(verifier).digest("base64url");
  return { verifier, challenge };
}

/** The query of a URL as a plain object. */
export const params = (url) => Object.fromEntries(new URL(url).searchParams);

/** POSTs JSON to `url`, returns the parsed answer (throws on a non-2xx status). */
export async function postJson(url, body) {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${url}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/** A fetch that keeps cookies (by name and path) and never follows redirects. */
export function browserish() {
  const jar = new Map(); // `${path} ${name}` -> { name, value, path }
  return async function request(url, init = {}) {
    const target = new URL(url);
    const cookies = [...jar.values()]
      .filter((c) => target.pathname === c.path || target.pathname.startsWith(c.path.endsWith("/") ? c.path : `${c.path}/`))
      .map((c) => `${c.name}=${c.value}`)
      .join("; ");
    const headers = { ...(init.headers ?? {}) };
    if (cookies) headers.cookie = cookies;
    const res = await fetch(url, { ...init, headers, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const pathAttr = attributes.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith("path="));
      const path = pathAttr ? pathAttr.slice(5) : "/";
      const expired = attributes.some((a) => /^\s*expires=thu, 01 jan 1970/i.test(a)) || attributes.some((a) => /^\s*max-age=0$/i.test(a));
      if (expired || value === "") jar.delete(`${path} ${name}`);
      else jar.set(`${path} ${name}`, { name, value, path });
    }
    return res;
  };
}
