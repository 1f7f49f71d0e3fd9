// Machine identities end to end: in the UI an owner creates an identity, gives it a client
// secret (shown once beside the Client ID), attaches it to a project as a viewer of one
// environment; the official Python SDK (infisicalsdk, PYTHON_SDK from run.sh) then logs in with
// Universal Auth and lists that environment's secrets; revoking the client secret in the UI
// makes the SDK's next login fail. Also the folder's imports card and the reference mark with
// its preview, and every page added here at 375 px without sideways scrolling.
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import assert from "node:assert/strict";
import { BASE, SHOTS, launch, checks, login, call, adminToken } from "../lib.mjs";

const PYTHON = process.env.PYTHON_SDK;
const check = checks(() => page);

const admin = await adminToken();
const project = (await (await call(admin, "POST", "/api/v1/projects", { name: "Identity Shop" })).json()).project.id;
const put = async (environment, key, value, path = "/") => {
  const r = await call(admin, "POST", `/api/v1/projects/${project}/secrets`, { environment, path, key, value });
  assert.equal(r.status, 201, `create ${key}: ${r.status} ${await r.clone().text()}`);
};
await put("dev", "DATABASE_URL", "postgres://identity-shop/dev");
await put("dev", "GREETING", "hello ${DATABASE_URL}");
await put("prod", "DATABASE_URL", "postgres://identity-shop/prod");
await call(admin, "POST", `/api/v1/projects/${project}/folders`, { environment: "dev", path: "/", name: "shared" });
await call(admin, "POST", `/api/v1/projects/${project}/folders`, { environment: "dev", path: "/", name: "common" });

/** Runs the Python SDK: Universal Auth login, then the dev secrets at `/` ({key: value}), or {error}. */
const sdk = (clientId, clientSecret) => JSON.parse(execFileSync(PYTHON, ["-c", `
import json, sys
from infisical_sdk import InfisicalSDKClient
base, client_id, client_secret, project = sys.argv[1:5]
client = InfisicalSDKClient(host=base, cache_ttl=None)
try:
    client.auth.universal_auth.login(client_id=client_id, client_secret=client_secret)
except Exception as e:
    print(json.dumps({"error": str(e)}))
    sys.exit(0)
listed = client.secrets.list_secrets(environment_slug="dev", secret_path="/", project_id=project)
print(json.dumps({s.secretKey: s.secretValue for s in listed.secrets}))
`, BASE, clientId, clientSecret, project]).toString("utf8"));

const context = await launch();
let page = context.pages()[0] || (await context.newPage());
const noScroll = async (p) => {
  const [scroll, inner] = await p.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= inner, `${p.url()}: scrollWidth ${scroll} > ${inner}`);
};
let identityPage, clientId, clientSecret;

try {
  await check("the owner creates a machine identity from the Identities page", async () => {
    await login(page);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Identities" }).click();
    await page.getByRole("heading", { name: "Machine identities", exact: true }).waitFor();
    await page.getByLabel("Name", { exact: true }).fill("ci-deploy");
    await page.getByRole("button", { name: "Create identity" }).click();
    await page.waitForURL(/notice=identity-created/);
    await page.getByRole("heading", { name: "ci-deploy", exact: true }).waitFor();
    identityPage = page.url().split("?")[0];
  });

  await check("a TTL above the max TTL is refused with a message on the field, nothing saved", async () => {
    await page.getByLabel("Access-token TTL (seconds)").fill("90000");
    await page.getByLabel("Access-token max TTL (seconds)").fill("3600");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.locator("#ua-ttl-error").getByText("must not exceed the max TTL").waitFor();
    assert.equal(await page.getByLabel("Access-token TTL (seconds)").getAttribute("aria-invalid"), "true");
    await page.goto(identityPage);
    assert.equal(await page.getByLabel("Access-token TTL (seconds)").inputValue(), "7200");
  });

  await check("the Universal Auth settings save (TTL 600 s, uses 0 = no limit)", async () => {
    await page.getByLabel("Access-token TTL (seconds)").fill("600");
    await page.getByLabel("Uses per access token").fill("0");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.waitForURL(/notice=identity-settings-saved/);
    assert.equal(await page.getByLabel("Access-token TTL (seconds)").inputValue(), "600");
  });

  await check("a client secret is shown once, with the Client ID and copy buttons", async () => {
    await page.getByLabel("Description").fill("browser journey");
    await page.getByRole("button", { name: "Create client secret" }).click();
    await page.getByRole("heading", { name: "Client secret for ci-deploy created" }).waitFor();
    clientId = await page.locator("#client-id-value").inputValue();
    clientSecret = await page.locator("#client-secret-value").inputValue();
    assert.match(clientId, /^[0-9a-f]{32}$/);
    assert.match(clientSecret, /^[0-9a-f]{64}$/);
    await page.getByRole("button", { name: "Copy client secret" }).waitFor();
    await page.screenshot({ path: join(SHOTS, "ui-client-secret-created.png"), fullPage: true });
    await page.reload();
    assert.equal(await page.locator("#client-secret-value").count(), 0, "a reload does not show the secret again");
  });

  await check("the client secret is listed by prefix and description, never in full", async () => {
    await page.goto(identityPage);
    const row = page.locator(".client-secrets-table tbody tr");
    await row.getByText(`${clientSecret.slice(0, 4)}…`).waitFor();
    await row.getByText("browser journey").waitFor();
    assert.equal(await page.getByText(clientSecret).count(), 0);
  });

  await check("a project admin attaches it as a viewer of Development (Access Control > Machine Identities)", async () => {
    await page.goto(`${BASE}/projects/${project}/access-control/service-tokens`);
    await page.getByRole("navigation", { name: "Access Control" }).getByRole("link", { name: "Machine Identities" }).click();
    await page.getByLabel("Identity", { exact: true }).selectOption({ label: "ci-deploy" });
    await page.getByLabel("Role", { exact: true }).selectOption("viewer");
    await page.locator("form[action$='/access-control/identities'] label", { hasText: "Development" }).locator("input").check();
    await page.getByRole("button", { name: "Attach identity" }).click();
    await page.waitForURL(/notice=identity-attached/);
    await page.locator("tbody tr", { hasText: "ci-deploy" }).getByText("viewer · dev").waitFor();
  });

  await check("the Python SDK logs in with Universal Auth and lists dev's secrets, references expanded", async () => {
    const got = sdk(clientId, clientSecret);
    assert.equal(got.error, undefined, `SDK: ${got.error}`);
    assert.equal(got.DATABASE_URL, "postgres://identity-shop/dev");
    assert.equal(got.GREETING, "hello postgres://identity-shop/dev");
  });

  await check("the client secret shows a last use after the login", async () => {
    await page.goto(identityPage);
    const row = page.locator(".client-secrets-table tbody tr");
    assert.notEqual((await row.locator("td[data-label='Last used']").textContent()).trim(), "Never");
  });

  await check("revoking the client secret in the UI (after a confirmation) makes the next SDK login fail", async () => {
    await page.getByRole("link", { name: /^Revoke/ }).click();
    await page.getByRole("heading", { name: /^Revoke client secret/ }).waitFor();
    await page.getByRole("button", { name: "Revoke client secret" }).click();
    await page.waitForURL(/notice=client-secret-revoked/);
    const got = sdk(clientId, clientSecret);
    assert.ok(got.error, `the SDK still logged in: ${JSON.stringify(got)}`);
    assert.match(got.error, /401|Invalid credentials/i);
  });

  await check("the secrets table marks a value with a reference and previews it expanded", async () => {
    await page.goto(`${BASE}/projects/${project}/secrets/dev`);
    const row = page.locator("tr.secret-row", { hasText: "GREETING" });
    await row.locator(".ref-mark .badge").waitFor();
    assert.equal(await page.locator("tr.secret-row", { hasText: "DATABASE_URL" }).locator(".ref-mark").count(), 0);
    await row.getByRole("link", { name: "Preview expanded value of GREETING" }).click();
    assert.equal((await page.locator("#expanded-value").textContent()), "hello postgres://identity-shop/dev");
  }, { independent: true });

  await check("the imports card adds two imports, moves one up and removes one", async () => {
    await page.goto(`${BASE}/projects/${project}/secrets/dev`);
    const card = page.locator("#imports");
    for (const folder of ["/shared", "/common"]) {
      await card.getByLabel("Folder").fill(folder);
      await card.getByRole("button", { name: "Add import" }).click();
      await page.waitForURL(/notice=import-added/);
    }
    const items = () => page.locator("#imports .import-list li a");
    assert.deepEqual(await items().allTextContents(), ["Development /shared", "Development /common"]);
    await page.getByRole("button", { name: "Up Development /common" }).click();
    await page.waitForURL(/notice=import-moved/);
    assert.deepEqual(await items().allTextContents(), ["Development /common", "Development /shared"]);
    await page.getByRole("button", { name: "Remove import Development /shared" }).click();
    await page.waitForURL(/notice=import-removed/);
    assert.deepEqual(await items().allTextContents(), ["Development /common"]);
  }, { independent: true });

  await check("a folder importing itself is refused on the card with the reason", async () => {
    await page.goto(`${BASE}/projects/${project}/secrets/dev?path=/common`);
    const card = page.locator("#imports");
    await card.getByLabel("Folder").fill("/common");
    await card.getByRole("button", { name: "Add import" }).click();
    await card.getByRole("alert").getByText("cannot import itself").waitFor();
  }, { independent: true });

  await check("at 375 px wide the identity pages, Machine Identities tab, imports and preview do not scroll sideways", async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    const preview = `${BASE}/projects/${project}/secrets/dev/preview?path=/&key=GREETING`;
    for (const url of [`${BASE}/identities`, identityPage, `${BASE}/projects/${project}/access-control/identities`, `${BASE}/projects/${project}/secrets/dev`, preview, `${identityPage}/delete`]) {
      await page.goto(url);
      await noScroll(page);
    }
    await page.goto(identityPage);
    await page.screenshot({ path: join(SHOTS, "ui-identity-375.png"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  }, { independent: true });

  await check("deleting the identity after a confirmation removes it from the list", async () => {
    await page.goto(identityPage);
    await page.getByRole("link", { name: "Delete identity" }).click();
    await page.getByRole("button", { name: "Delete identity" }).click();
    await page.waitForURL(/notice=identity-deleted/);
    assert.equal(await page.getByRole("link", { name: "ci-deploy" }).count(), 0);
  });
} catch (e) {
  check.abort(e);
}
await context.close();
check.finish();
