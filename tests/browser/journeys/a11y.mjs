// The accessibility journey (run.sh runs it last, so it sees what the other journeys left):
// axe-core over every page of the admin UI in the light and the dark colour scheme (no serious
// or critical violation), a screenshot of each page in both schemes at 1280 and 375 px, touch
// targets of 44 px at 375 px, a 2 px focus ring no scrolling strip cuts, and the dark scheme's
// computed colours.
//
// Every page: those linked from the pages of a seeded project and the top-level pages, crawled
// (so a new page is checked without being listed here), plus the pages only a form reaches (the
// one-time token page, an invitation link, a validation error, MFA enrolment) and the pages of
// a visitor who is not logged in. The list of pages checked is printed.
import { readFileSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import * as lib from "../lib.mjs";
import { a11yPage, focusRings, touchTargets, schemeColours } from "../a11y-probes.mjs";

const AXE = readFileSync(join(process.env.PLAYWRIGHT_DIR, "node_modules/axe-core/axe.min.js"), "utf8");
const SHOTS = join(lib.SHOTS, "a11y");
rmSync(SHOTS, { recursive: true, force: true }); // no stale pages from an earlier run
mkdirSync(SHOTS, { recursive: true });
const WIDE = { width: 1280, height: 900 }, NARROW = { width: 375, height: 800 };
const MAX_PAGES = 120;
const started = Date.now();

const check = lib.checks(() => page);
let page;
const checked = [];     // [label, url] of every page seen
const failures = { axe: [], touch: [], status: [] };

/** Fails with `problems`, each printed on its own line first (a check prints only its error's first lines). */
function fail(what, problems) {
  if (!problems.length) return;
  for (const p of problems) console.log(`     ${what}: ${p}`);
  throw new Error(`${problems.length} ${what} (listed above)`);
}

/** Seeds a project with what makes every kind of page show content; its id. */
async function seed(admin) {
  const made = await lib.call(admin, "POST", "/api/v1/projects", { name: "A11y journey" });
  if (made.status !== 201) throw new Error(`create project answered ${made.status}`);
  const project = (await made.json()).project.id;
  const secrets = `/api/v1/projects/${project}/secrets`;
  await lib.call(admin, "POST", `/api/v1/projects/${project}/folders`, { environment: "dev", path: "/", name: "app" });
  for (const [path, key, value] of [["/", "DATABASE_URL", "postgres://db/one"], ["/", "PEM", "line one\nline two"], ["/app", "API_KEY", "k1"], ["/", "OLD_KEY", "gone"]]) {
    const r = await lib.call(admin, "POST", secrets, { environment: "dev", path, key, value, comment: "seeded" });
    if (r.status !== 201) throw new Error(`create secret answered ${r.status}`);
  }
  await lib.call(admin, "PATCH", `${secrets}/PEM?environment=dev&path=/`, { value: "line one\nline 2\nline three" });
  await lib.call(admin, "DELETE", `${secrets}/OLD_KEY?environment=dev&path=/`);
  const minted = await lib.call(admin, "POST", `/api/v1/projects/${project}/service-tokens`, {
    name: "a11y-reader", scopes: [{ environment: "dev", secretPath: "/" }], permissions: ["read"], expiresIn: null,
  });
  if (minted.status !== 201) throw new Error(`mint token answered ${minted.status}`);
  return project;
}

/** A file-name-safe label of a URL: its path with long ids shortened. */
function label(url) {
  const u = new URL(url);
  const path = u.pathname.replace(/[0-9a-f]{16,}/g, "ID").replace(/^\/|\/$/g, "").replace(/[^A-Za-z0-9]+/g, "_");
  return path || "root";
}

/**
 * Checks the page as it is now (no reload: a one-time page cannot be loaded twice): axe and a
 * screenshot in each scheme at 1280 px, then a screenshot and the touch targets at 375 px.
 */
async function audit(name) {
  const url = page.url();
  // Open every disclosure, so revealed values and history diffs are checked and shown too.
  await page.$$eval("details", (all) => all.forEach((d) => { d.open = true; }));
  const slug = `${String(checked.length + 1).padStart(3, "0")}-${name || label(url)}`;
  checked.push([slug, url]);
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize(WIDE);
    for (const v of await a11yPage(page, AXE)) failures.axe.push(`${scheme} ${url}\n       [${v.impact}] ${v.id}: ${v.help}\n       ${v.nodes.join("\n       ")}`);
    await page.screenshot({ path: join(SHOTS, `${slug}-${scheme}-1280.png`), fullPage: true });
    await page.setViewportSize(NARROW);
    await page.screenshot({ path: join(SHOTS, `${slug}-${scheme}-375.png`), fullPage: true });
    if (scheme === "light") for (const t of await touchTargets(page)) failures.touch.push(`${url}: ${t}`);
  }
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize(WIDE);
}

/** Same-site page links of the current page that the crawl may follow. */
async function links(project) {
  const hrefs = await page.$$eval("a[href]:not([download])", (as) => as.map((a) => a.href));
  return hrefs.filter((href) => {
    const u = new URL(href);
    if (u.origin !== new URL(lib.BASE).origin) return false;
    if (u.pathname.startsWith("/static/") || u.pathname === "/logout") return false;
    // Other journeys' projects are the same pages with other data: only the seeded one is crawled.
    const m = u.pathname.match(/^\/projects\/([^/]+)/);
    return !m || m[1] === project;
  });
}

try {
  const admin = await lib.adminToken();
  const project = await seed(admin);
  const context = await lib.launch();
  page = await context.newPage();
  await lib.login(page);

  await check("crawl every page linked from the nav and the seeded project's pages (axe, screenshots and touch targets on each)", async () => {
    // A page is its path with the environment left out: query variants (folders, keys, sort
    // orders, filters, notices) and other environments are the same template with other data.
    const shape = (href) => new URL(href).pathname.replace(/\/(secrets|environments)\/[^/]+/, "/$1/ENV").replace(/\/[0-9a-f]{32}(?=\/|$)/g, "/ID");
    const seen = new Set(), queue = [`${lib.BASE}/projects`, `${lib.BASE}/team`, `${lib.BASE}/activity`, `${lib.BASE}/account`,
      // The history of the multi-line secret, which shows a diff.
      `${lib.BASE}/projects/${project}/secrets/dev/history?path=/&key=PEM`, `${lib.BASE}/projects/${project}/secrets/dev`];
    while (queue.length && checked.length < MAX_PAGES) {
      const url = new URL(queue.shift());
      if (seen.has(shape(url))) continue;
      seen.add(shape(url));
      const answer = await page.goto(url.href);
      if (new URL(page.url()).pathname === "/login" || (page.url() !== url.href && seen.has(shape(page.url())))) continue;
      seen.add(shape(page.url()));
      if (answer && answer.status() >= 400) failures.status.push(`${url.href} answered ${answer.status()}`);
      await audit();
      queue.push(...await links(project));
    }
    fail("pages that answered an error", failures.status);
    if (checked.length >= MAX_PAGES) throw new Error(`more than ${MAX_PAGES} pages: raise MAX_PAGES or narrow the crawl`);
  }, { independent: true });

  await check("reach the pages behind forms and a logged-out visitor's (axe, screenshots and touch targets on each)", async () => {
    // The one-time token page.
    await page.goto(`${lib.BASE}/projects/${project}/access-control/service-tokens/new`);
    await page.getByLabel("Name", { exact: true }).fill("a11y-once");
    await page.locator("button.btn-primary", { hasText: "Create token" }).click();
    await page.waitForURL(/service-tokens\/created\//);
    await audit("token_created");
    // A form's validation errors (an empty project name).
    await page.goto(`${lib.BASE}/projects`);
    await page.locator("#name").fill("   ");
    await page.getByRole("button", { name: "Create project" }).click();
    await page.locator(".field-error, .alert").first().waitFor();
    await audit("project_form_error");
    // The one-time invitation page and the invitation link as the invitee sees it.
    await page.goto(`${lib.BASE}/team`);
    await page.getByLabel("E-mail").fill("a11y-invitee@example.com");
    await page.getByRole("button", { name: "Invite", exact: true }).click();
    await page.waitForURL(/\/team\/invites\/created\//);
    await audit("invite_created");
    const invite = await page.locator("#invite-url").innerText();
    // MFA enrolment (begun, never confirmed: the admin keeps logging in with a password).
    await page.goto(`${lib.BASE}/account`);
    if (await page.getByRole("button", { name: "Set up" }).count()) {
      await page.getByLabel("Password", { exact: true }).first().fill(lib.PASSWORD);
      await page.getByRole("button", { name: "Set up" }).click();
      await audit("mfa_enrol");
    }
    // An error page in the layout of the logged-in user.
    await page.goto(`${lib.BASE}/no/such/page`);
    await audit("error_404_logged_in");

    // A visitor without a session.
    const anon = await (await lib.launch()).newPage();
    const logged = page;
    page = anon;
    for (const path of ["/login", "/reset/not-a-code", "/no/such/page", new URL(invite, lib.BASE).pathname]) {
      await page.goto(lib.BASE + path);
      await audit(`anonymous_${label(lib.BASE + path)}`.slice(0, 60));
    }
    await page.goto(`${lib.BASE}/login`);
    await page.getByLabel("Email").fill(lib.EMAIL);
    await page.getByLabel("Password").fill("wrong-password-for-a11y");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.locator(".alert, .field-error, [role=alert]").first().waitFor();
    await audit("login_error");
    page = logged;
  }, { independent: true });

  console.log(`pages checked (${checked.length} in ${Math.round((Date.now() - started) / 1000)} s, each: axe light+dark at 1280 px, screenshots light+dark at 1280 and 375 px in ${SHOTS}):`);
  for (const [slug, url] of checked) console.log(`     ${slug}  ${url}`);

  await check("axe: no serious or critical violation on any page in either scheme", async () => {
    fail("axe violations", failures.axe);
  }, { independent: true });

  await check("touch targets are at least 44 px each way at 375 px on every page", async () => {
    fail("targets under 44 px", failures.touch);
  }, { independent: true });

  for (const viewport of [WIDE, NARROW]) {
    await check(`a 2 px focus ring, not cut by a scrolling strip, on every control reached by Tab (${viewport.width} px)`, async () => {
      await page.setViewportSize(viewport);
      const problems = [];
      for (const path of [`/projects/${project}/secrets/dev`, `/projects/${project}/access-control/service-tokens`, `/projects/${project}/settings`]) {
        await page.goto(lib.BASE + path);
        for (const p of await focusRings(page)) problems.push(`${path}: ${p}`);
      }
      await page.setViewportSize(WIDE);
      fail("focus rings", problems);
    }, { independent: true });
  }

  await check("the dark scheme's computed colours are dark surfaces with light text (>= 4.5:1), as the light's are the reverse", async () => {
    await page.goto(`${lib.BASE}/projects/${project}/secrets/dev`);
    for (const scheme of ["light", "dark"]) {
      await page.emulateMedia({ colorScheme: scheme });
      const problems = await schemeColours(page, scheme);
      if (problems.length) throw new Error(`${scheme}: ${problems.join("; ")}`);
    }
    await page.emulateMedia({ colorScheme: "light" });
  }, { independent: true });

  await check("the favicon is linked from every page and served as SVG", async () => {
    const href = await page.locator('link[rel="icon"]').getAttribute("href");
    const r = await fetch(new URL(href, lib.BASE));
    if (r.status !== 200 || !r.headers.get("content-type").startsWith("image/svg+xml")) throw new Error(`${href}: ${r.status} ${r.headers.get("content-type")}`);
  }, { independent: true });
  await context.close();
} catch (e) {
  check.abort(e);
}
check.finish();
