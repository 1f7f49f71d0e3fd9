// Shared pieces of the browser journeys: the Chromium launcher, the check runner, the admin's
// credentials and a small API client. run.sh runs scenario.mjs (which performs first-run setup
// and creates the admin) and then every file in journeys/, each as its own node process against
// the same server; each journey logs in by itself.
import { createRequire } from "node:module";
import { mkdtempSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// playwright-core lives in a cache dir outside the repo (run.sh installs it there).
export const { chromium } = createRequire(join(process.env.PLAYWRIGHT_DIR, "noop.js"))("playwright-core");

export const BASE = process.env.BASE_URL;
export const SHOTS = process.env.SCREENSHOT_DIR;
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
// scenario.mjs creates this admin through the setup page; the journeys log in as it.
export const EMAIL = "admin@example.com";
export const PASSWORD = "browser-test-password-1";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

mkdirSync(SHOTS, { recursive: true });
const profiles = [];

/** A fresh persistent Chromium context (its own profile dir, so its own cookies). */
export async function launch(options = {}) {
  const dir = mkdtempSync(join(tmpdir(), "envkeep-chromium-"));
  profiles.push(dir);
  // launchPersistentContext passes the fresh --user-data-dir itself.
  const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 900 }, ...options });
  context.setDefaultTimeout(10_000);
  return context;
}

/**
 * Runs named checks in order. A failing dependent check marks the rest of the chain as not run;
 * `{ independent: true }` checks always run. `pageForShots()` gives the page to screenshot on failure.
 */
export function checks(pageForShots = () => undefined) {
  let passed = 0, failed = 0, broken = false;
  async function check(name, fn, { independent = false } = {}) {
    if (broken && !independent) {
      failed++;
      console.log(`FAIL ${name} (not run: an earlier step of the scenario failed)`);
      return;
    }
    try {
      await fn();
      passed++;
      console.log(`ok   ${name}`);
    } catch (e) {
      failed++;
      if (!independent) broken = true;
      const page = pageForShots();
      const shot = join(SHOTS, `failed-${process.pid}-${passed + failed}.png`);
      await page?.screenshot({ path: shot, fullPage: true }).catch(() => {});
      console.log(`     screenshot: ${shot}; page: ${page?.url()}`);
      console.log(`FAIL ${name}\n     ${String((e && e.stack) || e).split("\n").slice(0, 4).join("\n     ")}`);
    }
  }
  check.abort = (e) => {
    failed++;
    console.log(`FAIL scenario aborted: ${e}`);
  };
  /** Removes the profiles, prints the "N passed, M failed" line run.sh sums, and exits. */
  check.finish = () => {
    for (const dir of profiles) rmSync(dir, { recursive: true, force: true });
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed === 0 ? 0 : 1);
  };
  return check;
}

/** Logs `page` in through the login form and waits for the projects list. */
export async function login(page, email = EMAIL, password = PASSWORD) {
  await page.goto(`${BASE}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(BASE + "/projects");
}

/** A GET with an optional bearer token. */
export const api = (path, token) => fetch(BASE + path, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

/** A JSON request with a bearer token: `call(token, "POST", "/api/v1/projects", {name})`. */
export async function call(token, method, path, body) {
  const headers = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  return fetch(BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

/** An admin API session token (POST /api/v1/auth/login), for setting up a journey's data. */
export async function adminToken(email = EMAIL, password = PASSWORD) {
  const r = await fetch(`${BASE}/api/v1/auth/login`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ email, password }) });
  if (r.status !== 200) throw new Error(`admin login answered ${r.status}`);
  return (await r.json()).token;
}

/** The access part of a service token (what the Infisical clients send as a bearer). */
export const accessPart = (token) => token.split(".").slice(0, 3).join(".");
