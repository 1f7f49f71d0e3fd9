// History journey: edit a secret twice in the UI, open its History, restore the first version
// (after the confirmation) and see it live in the folder.
import { BASE, launch, checks, login, adminToken, call } from "../lib.mjs";

const context = await launch();
const page = await context.newPage();
const check = checks(() => page);
let project;

try {
  await check("a project with one secret, set up through the API", async () => {
    const token = await adminToken();
    const created = await call(token, "POST", "/api/v1/projects", { name: "History journey" });
    if (created.status !== 201) throw new Error(`create project answered ${created.status}`);
    project = (await created.json()).project.id;
    const secret = await call(token, "POST", `/api/v1/projects/${project}/secrets`, { environment: "dev", path: "/", key: "API_URL", value: "first-value" });
    if (secret.status !== 201) throw new Error(`create secret answered ${secret.status}`);
  });

  await check("the secret is edited twice through the edit form", async () => {
    await login(page);
    for (const value of ["second-value", "third-value"]) {
      await page.goto(`${BASE}/projects/${project}/secrets/dev`);
      await page.locator("tbody tr", { hasText: "API_URL" }).getByRole("link", { name: /^Edit/ }).click();
      await page.getByLabel("Value").fill(value);
      await page.getByRole("button", { name: "Save" }).click();
      await page.getByText("Secret saved.").waitFor();
    }
  });

  await check("History lists the three versions, values masked", async () => {
    await page.locator("tbody tr", { hasText: "API_URL" }).getByRole("link", { name: /^History/ }).click();
    await page.getByRole("heading", { name: /History of API_URL/ }).waitFor();
    const rows = await page.locator("tr.version-row").count();
    if (rows !== 3) throw new Error(`expected 3 versions, saw ${rows}`);
    if (await page.getByText("first-value").isVisible()) throw new Error("a value shows before it is revealed");
  });

  await check("restoring version 1 asks first, then makes it live", async () => {
    await page.locator('tr.version-row[data-version="1"]').getByRole("link", { name: /Restore/ }).click();
    await page.getByRole("heading", { name: "Restore version 1 of API_URL?" }).waitFor();
    await page.getByRole("button", { name: "Restore version" }).click();
    await page.getByText("Secret restored.").waitFor();
    // A shown value opens in its own row under the secret's (issue 19's table).
    const row = page.locator("tr.secret-row", { hasText: "API_URL" });
    await row.getByText("Show").click();
    const value = page.locator("tr.secret-row:has-text('API_URL') + tr.value-row pre.value");
    await value.waitFor();
    const shown = await value.innerText();
    if (shown !== "first-value") throw new Error(`the live value is ${JSON.stringify(shown)}`);
  });
} catch (e) {
  check.abort(e);
}
await context.close();
check.finish();
