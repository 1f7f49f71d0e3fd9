// The audit journey: a change shows on the project's Activity tab and on the instance's
// Activity page, the action filter narrows it, and a token's usage page counts its reads.
import * as lib from "../lib.mjs";

const check = lib.checks(() => page);
let page;
try {
  const admin = await lib.adminToken();
  const made = await lib.call(admin, "POST", "/api/v1/projects", { name: "Audited journey" });
  const project = (await made.json()).project.id;
  await lib.call(admin, "POST", `/api/v1/projects/${project}/secrets`, { environment: "dev", path: "/", key: "AUDITED_KEY", value: "never-shown-value" });
  const minted = await lib.call(admin, "POST", `/api/v1/projects/${project}/service-tokens`, {
    name: "journey-reader", scopes: [{ environment: "dev", secretPath: "/" }], permissions: ["read"], expiresIn: null,
  });
  const { token, serviceToken } = await minted.json();
  for (let i = 0; i < 2; i++) {
    const r = await lib.api(`/api/v1/projects/${project}/secrets?environment=dev&path=/`, lib.accessPart(token));
    if (r.status !== 200) throw new Error(`token read answered ${r.status}`);
  }

  const context = await lib.launch();
  page = await context.newPage();
  await lib.login(page);

  await check("the project's Activity tab lists the secret's creation without its value", async () => {
    await page.goto(`${lib.BASE}/projects/${project}/activity`);
    await page.getByRole("link", { name: "Activity", exact: true }).first().waitFor();
    const row = page.locator("tr", { hasText: "secret.create" });
    await row.first().waitFor();
    if (!(await row.first().innerText()).includes("AUDITED_KEY")) throw new Error("no key in the row");
    if ((await page.content()).includes("never-shown-value")) throw new Error("a value on the page");
  });

  await check("the action filter narrows the instance's Activity page", async () => {
    await page.goto(`${lib.BASE}/activity`);
    await page.getByLabel("Action").fill("service_token.create");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/action=service_token\.create/);
    if (await page.locator("tr", { hasText: "secret.create" }).count() !== 0) throw new Error("unfiltered rows");
  });

  await check("a token's usage page counts its reads", async () => {
    await page.goto(`${lib.BASE}/projects/${project}/access-control/service-tokens`);
    await page.getByRole("link", { name: "Usage of journey-reader" }).click();
    await page.waitForURL(new RegExp(`${serviceToken.id}/usage$`));
    const row = page.locator("tr", { hasText: "dev:/" });
    const text = await row.first().innerText();
    if (!/\b2\b/.test(text)) throw new Error(`usage row: ${text}`);
  });
  await context.close();
} catch (e) {
  check.abort(e);
}
check.finish();
