// No lost work (issue 20, item 2), at 1280 and 375 px and with JavaScript off: a secret typed
// into the add form while the session is signed out elsewhere comes back as the login page that
// keeps it, and after the login one click saves it, every character intact. A refused form puts
// the focus on an error summary whose link leads to the field, and its address reloads.
import assert from "node:assert/strict";
import { BASE, EMAIL, PASSWORD, SHOTS, launch, checks, login, adminToken, call } from "../lib.mjs";
import { join } from "node:path";

let page;
const check = checks(() => page);
process.on("unhandledRejection", (e) => { check.abort(e); check.finish(); });

const admin = await adminToken();
const created = await call(admin, "POST", "/api/v1/projects", { name: "No lost work" });
const projectId = (await created.json()).project.id;
const secretsPage = `${BASE}/projects/${projectId}/secrets/dev`;
const VALUE = `line one <b>"&'\nline two`;

/**
 * Ends every session of the admin but the API token's own (the browser's, here) through the
 * sessions API. (Clicking Log out in a second tab hung once at 375 px in CI, the top bar's
 * button being hidden at phone width.)
 */
async function endBrowserSessions() {
  const listed = await (await call(admin, "GET", "/api/v1/auth/sessions")).json();
  const others = listed.sessions.filter((s) => !s.current);
  assert.ok(others.length > 0, "the browser has a session to end");
  for (const s of others) {
    const ended = await call(admin, "DELETE", `/api/v1/auth/sessions/${s.id}`);
    assert.equal(ended.status, 204, `ending session ${s.id}`);
  }
}

/** The id of the focused element (read by Playwright, so it works with page scripts off too). */
const focusedId = (p) => p.locator(":focus").getAttribute("id");

for (const mode of [
  { name: "1280 px", viewport: { width: 1280, height: 900 }, javaScriptEnabled: true },
  { name: "375 px", viewport: { width: 375, height: 812 }, javaScriptEnabled: true },
  { name: "1280 px without JavaScript", viewport: { width: 1280, height: 900 }, javaScriptEnabled: false },
]) {
  const context = await launch({ viewport: mode.viewport, javaScriptEnabled: mode.javaScriptEnabled });
  page = context.pages()[0] || (await context.newPage());
  const key = `KEPT_${mode.viewport.width}_${mode.javaScriptEnabled ? "JS" : "NOJS"}`;
  const shot = (name) => page.screenshot({ path: join(SHOTS, `uib-session-${name}-${mode.viewport.width}${mode.javaScriptEnabled ? "" : "-nojs"}.png`), fullPage: true });

  await check(`${mode.name}: a form sent after the session ended comes back as the login page keeping it`, async () => {
    await login(page);
    await page.goto(secretsPage);
    await page.locator("#add-secret > summary").click();
    await page.getByLabel("Key").fill(key);
    await page.getByLabel("Value").fill(VALUE);
    // End the browser's session from elsewhere, as an expiry would.
    await endBrowserSessions();
    await page.getByRole("button", { name: "Add secret", exact: true }).last().click();
    await page.getByRole("heading", { name: "Log in to Envkeep" }).waitFor();
    assert.match(await page.locator("#kept-note").innerText(), /Nothing is lost/);
    assert.equal(await page.locator('input[name="kept.value"]').inputValue(), VALUE.replace(/\n/g, "\n"));
    const width = await page.evaluate(() => document.documentElement.scrollWidth).catch(() => mode.viewport.width);
    assert.ok(width <= mode.viewport.width, `no sideways scroll (${width})`);
    await shot("kept-login");
  });

  await check(`${mode.name}: after the login one click saves what was typed`, async () => {
    await page.getByLabel("Email").fill(EMAIL);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("heading", { name: "Submit your change?" }).waitFor();
    assert.match(await page.locator(".kept-fields").innerText(), new RegExp(key));
    assert.doesNotMatch(await page.locator(".kept-fields").innerText(), /line one/, "the value is masked");
    await shot("resume");
    const before = await call(admin, "GET", `/api/v1/projects/${projectId}/secrets/${key}?environment=dev&path=/`);
    assert.equal(before.status, 404, "nothing saved before the click");
    await page.getByRole("button", { name: "Submit again" }).click();
    await page.waitForURL((url) => url.pathname.endsWith("/secrets/dev"));
    const saved = await call(admin, "GET", `/api/v1/projects/${projectId}/secrets/${key}?environment=dev&path=/`);
    assert.equal(saved.status, 200);
    assert.equal((await saved.json()).secret.value, VALUE, "every character came through");
  });

  await check(`${mode.name}: a refused form focuses an error summary linking the field, and its address reloads`, async () => {
    await page.goto(secretsPage);
    await page.locator("#add-secret > summary").click();
    await page.getByLabel("Key").fill("not a key!");
    await page.getByLabel("Value").fill("typed");
    await page.getByRole("button", { name: "Add secret", exact: true }).last().click();
    await page.locator("#error-summary").waitFor();
    assert.equal(await focusedId(page), "error-summary", "the summary has the focus");
    assert.equal(await page.getByLabel("Value").inputValue(), "typed", "what was typed is kept");
    await shot("error-summary");
    await page.locator("#error-summary a").first().click();
    assert.equal(new URL(page.url()).hash, "#key");
    const reloaded = await page.goto(page.url().split("#")[0]);
    assert.equal(reloaded.status(), 200, "the address answers GET");
    assert.equal(new URL(page.url()).pathname, `/projects/${projectId}/secrets/dev`);
  });

  await context.close();
}

check.finish();
