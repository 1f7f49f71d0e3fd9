// The admin UI in a real headless Chromium (Debian's), driven by playwright-core over CDP,
// against the real envkeep binary that run.sh started: first-run setup, then the core journey
// (project, secret, token). Other journeys live in journeys/. Prints one line per check and,
// last, "N passed, M failed".
import { join } from "node:path";
import assert from "node:assert/strict";
import { BASE, SHOTS, EMAIL, PASSWORD, launch, checks, login, api, accessPart } from "./lib.mjs";

const SETUP_CODE = process.env.SETUP_CODE;
const check = checks(() => page);

const context = await launch();
await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: BASE });
const page = context.pages()[0] || (await context.newPage());
const consoleErrors = [];
page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
page.on("pageerror", (e) => consoleErrors.push(String(e)));

let projectId, token;
const SECRET = "postgres://app:s3cr3t@db/app";

try {
  await check("first run: the setup page creates the admin", async () => {
    await page.goto(BASE + "/");
    assert.match(page.url(), /\/setup$/);
    await page.getByLabel("Setup code").fill(SETUP_CODE);
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
    await page.getByLabel("Confirm password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create admin" }).click();
    await page.waitForURL(/\/login\?notice=setup/);
  });

  await check("a page without a session redirects to /login?next=…", async () => {
    await page.goto(BASE + "/projects");
    assert.equal(new URL(page.url()).pathname, "/login");
    assert.equal(new URL(page.url()).searchParams.get("next"), "/projects");
  });

  await check("login with Email and Password lands on the projects list", async () => {
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(BASE + "/projects");
    await page.getByRole("heading", { name: "Projects", exact: true }).waitFor();
  });

  await check("create a project", async () => {
    await page.getByLabel("Name").fill("Billing API");
    await page.getByRole("button", { name: "Create project" }).click();
    await page.waitForURL(/\/projects\/[0-9a-f]{32}\/secrets\/dev/);
    projectId = page.url().match(/projects\/([0-9a-f]{32})/)[1];
    await page.getByRole("heading", { name: "Billing API" }).waitFor();
    for (const tab of ["Secrets", "Access Control", "Settings"]) {
      await page.getByRole("navigation", { name: "Project" }).getByRole("link", { name: tab }).waitFor();
    }
  });

  await check("add a secret in dev under /app/db (folders created in the browser)", async () => {
    for (const folder of ["app", "db"]) {
      await page.locator("#new-folder > summary").click();
      await page.getByLabel("Folder name").fill(folder);
      await page.getByRole("button", { name: "Create folder" }).click();
      await page.waitForURL(/notice=folder-created/);
    }
    assert.equal(new URL(page.url()).searchParams.get("path"), "/app/db");
    await page.locator("#add-secret > summary").click();
    await page.getByLabel("Key").fill("DB_URL");
    await page.getByLabel("Value").fill(SECRET);
    await page.locator("#add-secret button[type=submit]").click();
    await page.waitForURL(/notice=secret-added/);
    const row = page.locator("tr.secret-row", { hasText: "DB_URL" });
    // A shown value opens in its own row under its secret's.
    const value = page.locator("tr.secret-row:has-text('DB_URL') + tr.value-row pre.value");
    assert.equal(await value.isVisible(), false, "value is masked");
    await row.getByText("Show").click();
    assert.equal(await value.innerText(), SECRET);
    await page.screenshot({ path: join(SHOTS, "ui-secrets.png"), fullPage: true });
  });

  await check("create a token with two scopes, Read and Write, 7 days", async () => {
    await page.getByRole("link", { name: "Access Control" }).click();
    await page.getByRole("link", { name: "Create token" }).first().click();
    await page.getByLabel("Name").fill("ci-deploy");
    assert.equal(await page.getByLabel("Expiration").inputValue(), "86400", "default is 1 day");
    assert.equal(await page.getByLabel("Read").isChecked(), true, "Read checked by default");
    await page.locator("#scope_env_0").selectOption("dev");
    await page.locator("#scope_path_0").fill("/app/**");
    await page.getByRole("button", { name: "+ Add scope" }).click();
    await page.locator("#scope_env_1").selectOption("staging");
    assert.equal(await page.locator("#scope_path_1").inputValue(), "/");
    await page.getByLabel("Write").check();
    await page.getByLabel("Expiration").selectOption({ label: "7 days" });
    await page.screenshot({ path: join(SHOTS, "ui-create-token.png"), fullPage: true });
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().includes("/service-tokens/created/")),
      page.getByRole("button", { name: "Create token" }).click(),
    ]);
    assert.equal(response.status(), 200);
    assert.equal(response.headers()["cache-control"], "no-store");
  });

  await check("the token is shown once and copied from the page", async () => {
    token = await page.locator("#token-value").inputValue();
    assert.match(token, /^st\.[0-9a-f]{32}\.[0-9a-f]{32}\.[0-9a-f]{32}$/);
    await page.getByText("It will not be shown again").waitFor();
    assert.equal(await page.locator("#token-access").inputValue(), accessPart(token));
    await page.locator("button[data-copy=token-value]").click();
    await page.getByRole("button", { name: "Copied" }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), token);
    await page.screenshot({ path: join(SHOTS, "ui-token-created.png"), fullPage: true });
    const reload = await page.reload();
    assert.equal(reload.status(), 410);
    assert.equal(await page.locator("#token-value").count(), 0);
    assert.ok(!(await page.content()).includes(token.split(".")[2]), "secret part gone after reload");
  });

  await check("the copied token reads the secret through the API", async () => {
    const r = await api(`/api/v1/projects/${projectId}/secrets/DB_URL?environment=dev&path=/app/db`, accessPart(token));
    assert.equal(r.status, 200);
    assert.equal((await r.json()).secret.value, SECRET);
  });

  await check("the table lists the token with its chips", async () => {
    await page.goto(`${BASE}/projects/${projectId}/access-control/service-tokens`);
    const row = page.locator("tbody tr", { hasText: "ci-deploy" });
    await row.getByText("dev · /app/**", { exact: true }).waitFor();
    await row.getByText("staging · /", { exact: true }).waitFor();
    const text = await row.innerText();
    assert.match(text, /Read, Write/);
    assert.match(text, /in 7 days/);
    assert.match(text, /Any/);
    await page.screenshot({ path: join(SHOTS, "ui-service-tokens.png"), fullPage: true });
  });

  await check("revoke in the UI after a confirmation step", async () => {
    await page.locator("tbody tr", { hasText: "ci-deploy" }).getByRole("link", { name: /Revoke/ }).click();
    await page.getByRole("heading", { name: /Revoke service token ci-deploy/ }).waitFor();
    await page.getByRole("button", { name: "Revoke token" }).click();
    await page.waitForURL(/notice=token-revoked/);
    await page.getByText("No service tokens yet").waitFor();
  });

  await check("the API refuses the revoked token", async () => {
    const r = await api(`/api/v1/projects/${projectId}/secrets/DB_URL?environment=dev&path=/app/db`, accessPart(token));
    assert.equal(r.status, 401);
  });
} catch (e) {
  check.abort(e);
}

await check("a validation error keeps the form values and shows messages by the fields", async () => {
  await page.goto(`${BASE}/projects/${projectId}/access-control/service-tokens/new`);
  await page.getByLabel("Name").fill("keeps-values");
  await page.locator("#scope_path_0").fill("/app/[x]");
  await page.getByLabel("Write").check();
  await page.getByLabel("Expiration").selectOption({ label: "Never" });
  await page.getByLabel("Allowed IPs").fill("10.0.0.0/8\nnot-an-ip");
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST"),
    page.getByRole("button", { name: "Create token" }).click(),
  ]);
  assert.equal(response.status(), 422);
  await page.waitForLoadState();
  assert.equal(await page.getByLabel("Name").inputValue(), "keeps-values");
  assert.equal(await page.locator("#scope_path_0").inputValue(), "/app/[x]");
  assert.equal(await page.getByLabel("Write").isChecked(), true);
  assert.equal(await page.getByLabel("Expiration").inputValue(), "never");
  assert.equal(await page.getByLabel("Allowed IPs").inputValue(), "10.0.0.0/8\nnot-an-ip");
  await page.locator("#scope_path_0-error").waitFor();
  assert.match(await page.locator("#allowed-ips-error").innerText(), /not-an-ip/);
  await page.screenshot({ path: join(SHOTS, "ui-create-token-errors.png"), fullPage: true });
}, { independent: true });

await check("a form POST without the CSRF token is refused with 403", async () => {
  const before = await page.request.get(`${BASE}/projects`);
  const without = await page.request.post(`${BASE}/projects`, { form: { name: "csrf-victim" } });
  assert.equal(without.status(), 403);
  const wrong = await page.request.post(`${BASE}/projects`, { form: { name: "csrf-victim", csrf_token: "0".repeat(32) } });
  assert.equal(wrong.status(), 403);
  assert.equal(before.status(), 200);
  assert.ok(!(await (await page.request.get(`${BASE}/projects`)).text()).includes("csrf-victim"));
}, { independent: true });

await check("unknown pages are a 404 in the layout", async () => {
  const r = await page.goto(`${BASE}/projects/${"0".repeat(32)}/settings`);
  assert.equal(r.status(), 404);
  await page.getByText("Error 404").waitFor();
  await page.getByRole("link", { name: "Go to projects" }).waitFor();
}, { independent: true });

await check("settings reorders environments and the project list shows the project", async () => {
  await page.goto(`${BASE}/projects/${projectId}/settings`);
  await page.getByRole("button", { name: "Move Staging up" }).click();
  await page.waitForURL(/notice=env-moved/);
  const tabs = page.getByRole("navigation", { name: "Project" });
  await tabs.getByRole("link", { name: "Secrets" }).click();
  const envs = await page.getByRole("navigation", { name: "Environments" }).getByRole("link").allInnerTexts();
  assert.deepEqual(envs, ["Staging", "Development", "Production"]);
  await page.goto(`${BASE}/projects/${projectId}/settings`);
  await page.screenshot({ path: join(SHOTS, "ui-settings.png"), fullPage: true });
  await page.goto(`${BASE}/projects`);
  await page.getByRole("link", { name: "Billing API" }).first().waitFor();
  await page.screenshot({ path: join(SHOTS, "ui-projects.png"), fullPage: true });
}, { independent: true });

await check("pages carry a CSP without inline scripts and no console errors occurred", async () => {
  const r = await page.goto(`${BASE}/projects`);
  const csp = r.headers()["content-security-policy"];
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.ok(!csp.includes("unsafe-inline"));
  assert.equal(r.headers()["x-content-type-options"], "nosniff");
  assert.deepEqual(consoleErrors.filter((e) => !/status of (403|404|410|422)/.test(e)), []);
}, { independent: true });

await check("at 375 px wide no page scrolls sideways", async () => {
  const mobile = await context.newPage();
  await mobile.setViewportSize({ width: 375, height: 812 });
  const paths = [
    "/projects",
    `/projects/${projectId}/secrets/dev?path=/app/db`,
    `/projects/${projectId}/access-control/service-tokens`,
    `/projects/${projectId}/access-control/service-tokens/new`,
    `/projects/${projectId}/settings`,
  ];
  for (const path of paths) {
    await mobile.goto(BASE + path);
    const [scroll, inner] = await mobile.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(scroll <= inner, `${path}: scrollWidth ${scroll} > ${inner}`);
  }
  await mobile.goto(`${BASE}/projects/${projectId}/secrets/dev?path=/app/db`);
  await mobile.screenshot({ path: join(SHOTS, "ui-secrets-375.png"), fullPage: true });
  await mobile.goto(`${BASE}/projects/${projectId}/access-control/service-tokens/new`);
  await mobile.screenshot({ path: join(SHOTS, "ui-create-token-375.png"), fullPage: true });
  await mobile.close();
}, { independent: true });

await context.close();

await check("without JavaScript, scope rows are added and removed by a server round trip", async () => {
  const noJs = await launch({ javaScriptEnabled: false });
  try {
    const p = noJs.pages()[0] || (await noJs.newPage());
    await login(p);
    await p.goto(`${BASE}/projects/${projectId}/access-control/service-tokens/new`);
    await p.getByLabel("Name").fill("no-js");
    await p.locator("#scope_path_0").fill("/one");
    await p.getByRole("button", { name: "+ Add scope" }).click();
    await p.locator("#scope_path_1").waitFor();
    assert.equal(await p.getByLabel("Name").inputValue(), "no-js");
    assert.equal(await p.locator("#scope_path_0").inputValue(), "/one");
    await p.locator("#scope_path_1").fill("/two");
    await p.locator("button[name=remove_scope][value='0']").click();
    await p.locator("#scope_path_0").waitFor();
    assert.equal(await p.locator(".scope-row").count(), 1);
    assert.equal(await p.locator("#scope_path_0").inputValue(), "/two");
    await p.getByRole("button", { name: "Create token" }).click();
    await p.waitForURL(/\/created\//);
    assert.match(await p.locator("#token-value").inputValue(), /^st\./);
  } finally {
    await noJs.close();
  }
}, { independent: true });

check.finish();
