// Destructive actions and projects (issue 20 items 3 and 4), at 1280 and 375 px: an environment
// that holds secrets is deleted only after its name is typed (a wrong name is refused); a delete
// that live tokens block lists them before anything is pressed; a folder's delete page counts
// what goes, the delete moves its secrets to the trash, and an import's refusal is shown; a
// duplicate project name is warned about (not refused); rename; the slug previewed as you type,
// edited before creation, and also set without JavaScript.
import assert from "node:assert/strict";
import { join } from "node:path";
import { BASE, SHOTS, launch, checks, login, adminToken, call } from "../lib.mjs";

const run = Date.now().toString(36);
const admin = await adminToken();
const context = await launch();
const page = await context.newPage();
const check = checks(() => page);

async function ok(response, what) {
  if (response.status >= 300) throw new Error(`${what} answered ${response.status}: ${await response.text()}`);
  return response.json().catch(() => ({}));
}

/** A project for one width: prod holds DB; dev holds /app/FOLDER_A, /app/db/FOLDER_B, /app/empty
 *  and /keep/KEPT, which prod:/ imports; a live token names staging. */
async function fixture(width) {
  const name = `Destroy ${width} ${run}`;
  const { project } = await ok(await call(admin, "POST", "/api/v1/projects", { name }), "create project");
  const id = project.id;
  const put = (environment, path, key) =>
    call(admin, "POST", `/api/v1/projects/${id}/secrets`, { environment, path, key, value: "v" }).then((r) => ok(r, `secret ${key}`));
  await put("prod", "/", "DB");
  await put("dev", "/app", "FOLDER_A");
  await put("dev", "/app/db", "FOLDER_B");
  await put("dev", "/keep", "KEPT");
  await ok(await call(admin, "POST", `/api/v1/projects/${id}/folders`, { environment: "dev", path: "/app", name: "empty" }), "folder");
  await ok(await call(admin, "POST", `/api/v1/projects/${id}/imports`, { environment: "prod", path: "/", importEnvironment: "dev", importPath: "/keep" }), "import");
  const minted = await ok(await call(admin, "POST", `/api/v1/projects/${id}/service-tokens`, {
    name: `deploy-${width}`, scopes: [{ environment: "staging", secretPath: "/" }], permissions: ["read"], expiresIn: null,
  }), "mint");
  return { id, name, tokenId: minted.serviceToken.id };
}

async function noScroll(p) {
  const [scroll, inner] = await p.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= inner, `${p.url()}: scrollWidth ${scroll} > ${inner}`);
}

/** The settings row of environment `name`, and its Delete link. */
const envDelete = (p, name) => p.locator("table.env-table tbody tr", { has: p.locator(`input[value="${name}"]`) }).getByRole("link", { name: /^Delete/ });

try {
  await login(page);
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    let p;
    await check(`${width}: a project with secrets, folders, an import and a token, set up through the API`, async () => {
      p = await fixture(width);
    });

    await check(`${width}: deleting an environment holding secrets needs its name; a wrong one is refused`, async () => {
      await page.goto(`${BASE}/projects/${p.id}/settings`);
      await envDelete(page, "Production").click();
      await page.getByRole("heading", { name: "Delete environment Production?" }).waitFor();
      await page.getByText("1 secret deleted for good").waitFor();
      const button = page.getByRole("button", { name: "Delete environment" });
      await page.getByLabel("Type Production to confirm").fill("prod");
      assert.equal(await button.isDisabled(), true, "the button is enabled for a wrong name");
      // The server refuses it too, whatever the script does: submit the form past the button.
      await page.evaluate(() => document.querySelector("form[method=post] input[name=confirm_name]").form.submit());
      await page.getByText("The name does not match; nothing was deleted.").waitFor();
      if (width === 375) await noScroll(page);
      await page.screenshot({ path: join(SHOTS, `uib-destroy-env-typed-${width}.png`), fullPage: true });
    });

    await check(`${width}: a delete that a live token blocks lists the token before anything is pressed`, async () => {
      await page.goto(`${BASE}/projects/${p.id}/settings`);
      await envDelete(page, "Staging").click();
      await page.getByText("1 live service token names the environment staging").waitFor();
      const item = page.locator("ul.blockers li", { hasText: `deploy-${width}` });
      await item.getByText(`st.${p.tokenId.slice(0, 8)}…`).waitFor();
      assert.equal(await page.getByRole("button", { name: "Delete environment" }).count(), 0, "a delete button is offered");
      if (width === 375) await noScroll(page);
      await page.screenshot({ path: join(SHOTS, `uib-destroy-env-blocked-${width}.png`), fullPage: true });
      await item.getByRole("link", { name: /^Usage/ }).click();
      await page.waitForURL(new RegExp(`/service-tokens/${p.tokenId}/usage`));
    });

    await check(`${width}: the right name deletes the environment`, async () => {
      await page.goto(`${BASE}/projects/${p.id}/settings`);
      // prod:/ imports dev:/keep, so prod is the importer: deleting it is not blocked.
      await envDelete(page, "Production").click();
      await page.getByLabel("Type Production to confirm").fill("Production");
      await page.getByRole("button", { name: "Delete environment" }).click();
      await page.getByText("Environment deleted.").waitFor();
      assert.equal(await page.locator('input[value="Production"]').count(), 0);
    });

    await check(`${width}: a folder's delete page counts what goes; the delete moves its secrets to the trash`, async () => {
      await page.goto(`${BASE}/projects/${p.id}/secrets/dev?path=/app`);
      await page.getByRole("link", { name: "Delete this folder…" }).click();
      await page.getByRole("heading", { name: "Delete folder /app?" }).waitFor();
      await page.getByText("2 secrets moved to the trash").waitFor();
      await page.getByText("2 subfolders deleted with it").waitFor();
      if (width === 375) await noScroll(page);
      await page.screenshot({ path: join(SHOTS, `uib-destroy-folder-${width}.png`), fullPage: true });
      await page.getByRole("button", { name: "Delete folder" }).click();
      await page.getByText("Folder deleted.").waitFor();
      assert.equal(await page.locator("tr.folder-row", { hasText: "app" }).count(), 0, "the folder is still listed");
      await page.goto(`${BASE}/projects/${p.id}/secrets/dev/trash`);
      for (const key of ["FOLDER_A", "FOLDER_B"]) await page.getByText(key, { exact: true }).first().waitFor();
    });

    await check(`${width}: a folder another folder imports shows why it cannot be deleted`, async () => {
      await page.goto(`${BASE}/projects/${p.id}/secrets/dev?path=/keep`);
      // Production was deleted above with its import, so import it again from staging.
      await ok(await call(admin, "POST", `/api/v1/projects/${p.id}/imports`, { environment: "staging", path: "/", importEnvironment: "dev", importPath: "/keep" }), "import");
      await page.getByRole("link", { name: "Delete this folder…" }).click();
      await page.getByText("is imported by folder '/' in environment 'staging'; remove that import first").waitFor();
      assert.equal(await page.getByRole("button", { name: "Delete folder" }).count(), 0, "a delete button is offered");
    });

    await check(`${width}: a name already in use is warned about as you type, and created anyway`, async () => {
      await page.goto(`${BASE}/projects`);
      await page.getByLabel("Name", { exact: true }).fill(p.name);
      await page.locator("#name-check .name-warning", { hasText: "You already have a project named" }).waitFor();
      await page.locator("#name-check", { hasText: "suffix will be added" }).waitFor();
      if (width === 375) await noScroll(page);
      await page.screenshot({ path: join(SHOTS, `uib-destroy-duplicate-${width}.png`), fullPage: true });
      await page.getByRole("button", { name: "Create project" }).click();
      await page.getByText("Another project has the same name").waitFor();
    });

    await check(`${width}: the slug is previewed from an accented name and can be edited before creation`, async () => {
      await page.goto(`${BASE}/projects`);
      await page.getByLabel("Name", { exact: true }).fill(`Ünïcødé ${width} ${run}`);
      await page.locator("#name-check code.slug-preview", { hasText: `unicode-${width}-${run}` }).waitFor();
      const slug = `uni-${width}-${run}`;
      await page.getByLabel(/^Slug/).fill(slug);
      await page.locator("#name-check code.slug-preview", { hasText: slug }).waitFor();
      await page.getByLabel(/^Slug/).fill("Not OK");
      await page.locator("#name-check .field-error", { hasText: "not a valid project slug" }).waitFor();
      await page.getByLabel(/^Slug/).fill(slug);
      await page.getByRole("button", { name: "Create project" }).click();
      await page.getByText("Project created").waitFor();
      const all = await (await call(admin, "GET", "/api/v1/projects")).json();
      assert.ok(all.projects.some((x) => x.slug === slug && x.name === `Ünïcødé ${width} ${run}`), "no project with the edited slug");
    });

    await check(`${width}: the project is renamed in its settings`, async () => {
      await page.goto(`${BASE}/projects/${p.id}/settings`);
      await page.getByLabel("Name", { exact: true }).fill(`Renamed ${width} ${run}`);
      await page.getByRole("button", { name: "Rename project" }).click();
      await page.getByText("Project renamed.").waitFor();
      const got = await (await call(admin, "GET", `/api/v1/projects/${p.id}`)).json();
      assert.equal(got.project.name, `Renamed ${width} ${run}`);
    });
  }

  const plain = await launch({ javaScriptEnabled: false, viewport: { width: 375, height: 812 } });
  const noJs = await plain.newPage();
  await check("375 without JS: a typed slug creates the project, a wrong environment name is refused", async () => {
    await login(noJs);
    await noJs.getByLabel("Name", { exact: true }).fill(`No script ${run}`);
    await noJs.getByLabel(/^Slug/).fill(`no-script-${run}`);
    await noJs.getByRole("button", { name: "Create project" }).click();
    await noJs.getByText("Project created").waitFor();
    const all = await (await call(admin, "GET", "/api/v1/projects")).json();
    const made = all.projects.find((x) => x.slug === `no-script-${run}`);
    assert.ok(made, "no project with the typed slug");
    await ok(await call(admin, "POST", `/api/v1/projects/${made.id}/secrets`, { environment: "dev", path: "/", key: "K", value: "v" }), "secret");
    await noJs.goto(`${BASE}/projects/${made.id}/settings/environments/dev/delete`);
    await noJs.getByLabel("Type Development to confirm").fill("dev");
    await noJs.getByRole("button", { name: "Delete environment" }).click();
    await noJs.getByText("The name does not match; nothing was deleted.").waitFor();
  });
  await plain.close();
} catch (e) {
  check.abort(e);
}
await context.close();
check.finish();
