// Admin UI round two (B), item 1: the service-token pages. The line under each scope row (what it
// matches, how many secrets today) live with JavaScript and after Preview without; the one-time
// page's recap and copyable snippets; the table's token id prefix and relative times with the
// full UTC on hover, no date wrapping at 1280 px; a custom expiry date shown as the date picked.
// At 1280 and 375 px, and the form and one-time page without JavaScript. The token never appears
// in a URL the browser requests.
import { join } from "node:path";
import assert from "node:assert/strict";
import { BASE, SHOTS, launch, checks, login, call, adminToken } from "../lib.mjs";

const check = checks(() => page);
const admin = await adminToken();
const created = await call(admin, "POST", "/api/v1/projects", { name: "Token pages" });
const projectId = (await created.json()).project.id;
for (const [path, key] of [["/", "ROOT_KEY"], ["/app", "APP_A"], ["/app/db", "DB_URL"]]) {
  const r = await call(admin, "POST", `/api/v1/projects/${projectId}/secrets`, { environment: "dev", path, key, value: "v" });
  assert.equal(r.status, 201, `secret ${key}: ${r.status}`);
}
const other = await call(admin, "POST", `/api/v1/projects/${projectId}/service-tokens`, { name: "other", expiresIn: 3600, scopes: [{ environment: "prod", secretPath: "/" }], permissions: ["read"] });
assert.equal(other.status, 201, `mint: ${other.status}`);
const tokensPage = `${BASE}/projects/${projectId}/access-control/service-tokens`;
const inDays = (n) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
const DATE = inDays(40);

const requested = [];
const watch = (context) => context.on("request", (r) => requested.push(r.url()));
const noScroll = async (p) => {
  const [scroll, inner] = await p.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= inner, `${p.url()}: scrollWidth ${scroll} > ${inner}`);
};
const secretPart = (token) => token.split(".")[2];

const context = await launch();
await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: BASE });
watch(context);
let page = context.pages()[0] || (await context.newPage());
let token;

try {
  await login(page);

  await check("the form says what the default scope matches, and updates the line as a path is typed (1280)", async () => {
    await page.goto(`${tokensPage}/new`);
    const line = page.locator("#scope_preview_0");
    assert.equal(await line.innerText(), "Matches the root folder only, not the folders inside it · 1 secret today");
    assert.equal(await page.locator(".preview-scopes").isVisible(), false, "Preview is for pages without JavaScript");
    await page.locator("#scope_path_0").fill("/app/**");
    await page.waitForFunction(() => document.getElementById("scope_preview_0").textContent.includes("/app and everything below it"));
    assert.equal(await line.innerText(), "Matches /app and everything below it · 2 secrets today");
    await page.locator("#scope_path_0").fill("/app/[x]");
    await page.waitForFunction(() => document.getElementById("scope_preview_0").textContent.startsWith("Not accepted"));
    await page.locator("#scope_path_0").fill("/app/*");
    await page.getByRole("button", { name: "+ Add scope" }).click();
    await page.locator("#scope_env_1").selectOption("staging");
    // The new row's line first shows dev's count; wait for staging's answer (0), not any line.
    await page.waitForFunction(() => /root folder only.* · 0 secrets today$/.test(document.getElementById("scope_preview_1").textContent.trim()));
    assert.match(await page.locator("#scope_preview_1").innerText(), /^Matches the root folder only, not the folders inside it · 0 secrets today$/);
    assert.match(await page.locator("#scope_path_1").getAttribute("aria-describedby"), /scope_preview_1/);
    await page.screenshot({ path: join(SHOTS, "uib-tokens-form-1280.png"), fullPage: true });
  });

  await check("the same form at 375 px: lines under the rows, no sideways scroll", async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    await page.locator("#scope_preview_0").waitFor();
    await noScroll(page);
    await page.screenshot({ path: join(SHOTS, "uib-tokens-form-375.png"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await check("a token with a custom date: the one-time page recaps the grant and gives filled snippets", async () => {
    await page.getByLabel("Name").fill("ci-dated");
    await page.getByLabel("Write").check();
    await page.getByLabel("Expiration").selectOption("custom");
    await page.getByLabel("Custom expiry date").fill(DATE);
    await Promise.all([page.waitForURL(/\/created\//), page.getByRole("button", { name: "Create token" }).last().click()]);
    token = await page.locator("#token-value").inputValue();
    const recap = await page.locator(".token-recap").innerText();
    assert.match(recap, /dev · \/app\/\*\s+matches each folder directly inside \/app/);
    assert.match(recap, /staging · \/\s+matches the root folder only/);
    assert.match(recap, /Read, Write/);
    assert.ok(recap.includes(`${DATE} (in `), `expiry shown as ${DATE}: ${recap}`);
    assert.ok(recap.includes(`${DATE} 23:59:59 UTC`), "the last moment in UTC");
    assert.equal(await page.locator("#snippet-shell").innerText(), `ENVKEEP_URL=${BASE} ENVKEEP_TOKEN=${token} envkeep run --env dev -- ./your-app`);
    const github = await page.locator("#snippet-github").innerText();
    assert.ok(github.includes(`ENVKEEP_URL: ${BASE}`) && github.includes("${{ secrets.ENVKEEP_TOKEN }}") && !github.includes(token));
    assert.ok((await page.locator("#snippet-node").innerText()).includes(`sdk.auth().accessToken("${token}");`));
    assert.ok((await page.locator("#snippet-python").innerText()).includes(`token="${token}"`));
    await page.locator("button[data-copy=snippet-shell]").click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), `ENVKEEP_URL=${BASE} ENVKEEP_TOKEN=${token} envkeep run --env dev -- ./your-app`);
    await page.screenshot({ path: join(SHOTS, "uib-tokens-created-1280.png"), fullPage: true });
    await page.setViewportSize({ width: 375, height: 812 });
    await noScroll(page);
    await page.screenshot({ path: join(SHOTS, "uib-tokens-created-375.png"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await check("the copied shell snippet's token works", async () => {
    const r = await fetch(`${BASE}/api/v1/projects/${projectId}/secrets/DB_URL?environment=dev&path=/app/db`, { headers: { Authorization: `Bearer ${token.split(".").slice(0, 3).join(".")}` } });
    assert.equal(r.status, 200);
  });

  await check("the table shows st.<id> prefixes, relative times first, full UTC on hover, the date picked, no wrapping at 1280", async () => {
    await page.goto(tokensPage);
    const row = page.locator("tbody tr", { hasText: "ci-dated" });
    const id = token.split(".")[1];
    assert.equal(await row.locator(".token-id").innerText(), `st.${id.slice(0, 8)}…`);
    const expires = row.locator("td[data-label=Expires]");
    assert.match(await expires.locator("time").innerText(), /^in (\d+ days|1 month|2 months)$/);
    assert.equal(await expires.locator("time").getAttribute("title"), `${DATE} 23:59:59 UTC`);
    assert.equal(await expires.locator("time").getAttribute("datetime"), `${DATE}T23:59:59.000Z`);
    assert.equal(await expires.locator(".small").innerText(), DATE);
    assert.match(await row.locator("td[data-label=Created] time").innerText(), /^(just now|in a few seconds|\d+ (seconds|minutes?) ago)$/);
    assert.match(await row.locator("td[data-label=Created] time").getAttribute("title"), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    const wrapped = await page.evaluate(() => [...document.querySelectorAll(".tokens-table .token-when time, .tokens-table .token-when .small, .tokens-table .token-id")]
      .filter((el) => el.getClientRects().length > 1 || el.scrollWidth > el.clientWidth + 1).map((el) => el.textContent));
    assert.deepEqual(wrapped, [], "no time, date or id wraps");
    const heights = await page.evaluate(() => [...document.querySelectorAll(".tokens-table .token-when time")].map((el) => el.getBoundingClientRect().height));
    const one = Math.min(...heights);
    assert.ok(heights.every((h) => h < one * 1.5), `one line each: ${heights}`);
    await page.locator("#filter").fill(`st.${id.slice(0, 8)}`);
    await page.waitForFunction(() => document.querySelectorAll("tbody tr").length === 1);
    assert.equal(await page.locator("tbody tr .token-name").innerText(), "ci-dated");
    await page.screenshot({ path: join(SHOTS, "uib-tokens-table-1280.png"), fullPage: true });
  });

  await check("the table at 375 px: the id and times in each card, no sideways scroll", async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(tokensPage);
    await page.locator(".token-id").first().waitFor();
    await noScroll(page);
    await page.screenshot({ path: join(SHOTS, "uib-tokens-table-375.png"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });
} catch (e) {
  check.abort(e);
}

await check("without JavaScript: the lines are in the form, Preview updates them, the one-time page has the recap and snippets", async () => {
  const noJs = await launch({ javaScriptEnabled: false });
  watch(noJs);
  try {
    const p = noJs.pages()[0] || (await noJs.newPage());
    page = p;
    await login(p);
    await p.goto(`${tokensPage}/new`);
    assert.equal(await p.locator("#scope_preview_0").innerText(), "Matches the root folder only, not the folders inside it · 1 secret today");
    await p.getByLabel("Name").fill("no-js-dated");
    await p.locator("#scope_path_0").fill("/app/**");
    await p.getByRole("button", { name: "Preview what the scopes match" }).click();
    await p.locator("#scope_path_0").waitFor();
    assert.equal(await p.locator("#scope_preview_0").innerText(), "Matches /app and everything below it · 2 secrets today");
    assert.equal(await p.getByLabel("Name").inputValue(), "no-js-dated", "values kept");
    await p.screenshot({ path: join(SHOTS, "uib-tokens-form-nojs-1280.png"), fullPage: true });
    await p.getByLabel("Expiration").selectOption("custom");
    await p.getByLabel("Custom expiry date").fill(DATE);
    await p.getByRole("button", { name: "Create token" }).last().click();
    await p.waitForURL(/\/created\//);
    const noJsToken = await p.locator("#token-value").inputValue();
    assert.match(await p.locator(".token-recap").innerText(), /dev · \/app\/\*\*\s+matches \/app and everything below it/);
    assert.ok((await p.locator(".token-recap").innerText()).includes(DATE));
    assert.equal(await p.locator("#snippet-shell").innerText(), `ENVKEEP_URL=${BASE} ENVKEEP_TOKEN=${noJsToken} envkeep run -- ./your-app`);
    await p.setViewportSize({ width: 375, height: 812 });
    await noScroll(p);
    await p.screenshot({ path: join(SHOTS, "uib-tokens-created-nojs-375.png"), fullPage: true });
    const secrets = [secretPart(noJsToken), token && secretPart(token)].filter(Boolean);
    const leaked = requested.filter((url) => secrets.some((s) => url.includes(s)));
    assert.deepEqual(leaked, [], "no requested URL holds a token");
  } finally {
    await noJs.close();
  }
}, { independent: true });

await context.close();
check.finish();
