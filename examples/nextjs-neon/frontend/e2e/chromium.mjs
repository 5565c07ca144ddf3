// What the browser tests share: Debian's Chromium (never a downloaded one) in a fresh profile,
// started with the flags these machines need, and numbered full-page screenshots.
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

/// A fresh screenshot folder `dir` and Chromium with a profile inside it (CHROMIUM: the
/// browser binary, default /usr/bin/chromium). Returns the context, its first page and
/// `shot(name, tab = page)`, which saves `NN-name.png`.
export async function launch(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const context = await chromium.launchPersistentContext(join(dir, ".profile"), {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
    viewport: { width: 900, height: 700 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  let step = 0;
  const shot = async (name, tab = page) => {
    step += 1;
    await tab.screenshot({ path: join(dir, `${String(step).padStart(2, "0")}-${name}.png`), fullPage: true });
  };
  return { context, page, shot };
}
