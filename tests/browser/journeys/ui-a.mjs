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
for (const name of ["keys", "env"]) await call(admin, "POST", `/api/v1/projects/${projectId}/folders`, { environment: "dev", path: "/", name });
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

  // Item 2: the secrets table's layout with values shown.
  const LONG_KEY = "A_VERY_LONG_KEY_" + "NAME_".repeat(22) + "END";
  await call(admin, "POST", `/api/v1/projects/${projectId}/secrets`, { environment: "dev", path: "/keys", key: LONG_KEY, value: "long" });

  await check("1280: with a PEM shown, Key keeps its width, cells align, the value opens full width unwrapped", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(secretsPage("dev", "/keys"));
    const row = page.locator("tr.secret-row", { hasText: "TLS_KEY" });
    await row.getByText("Show").click();
    const pre = page.locator("tr.value-row pre", { hasText: "BEGIN RSA PRIVATE KEY" });
    await pre.waitFor();
    const m = await row.evaluate((tr) => {
      const tops = [...tr.cells].map((td) => Math.round(td.getBoundingClientRect().top));
      const pre = tr.nextElementSibling.querySelector("pre");
      const style = getComputedStyle(pre);
      return {
        tops, keyWidth: tr.cells[0].getBoundingClientRect().width,
        tableWidth: tr.closest("table").getBoundingClientRect().width, preWidth: pre.getBoundingClientRect().width,
        whiteSpace: style.whiteSpace, lines: pre.textContent.split("\n").length - 1,
        textHeight: pre.scrollHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom), lineHeight: parseFloat(style.lineHeight),
      };
    });
    assert.ok(m.tops.every((t) => Math.abs(t - m.tops[0]) <= 1), `cells start at ${m.tops}`);
    assert.ok(m.keyWidth >= 200, `Key column ${m.keyWidth}px`);
    assert.ok(m.preWidth >= 0.9 * m.tableWidth, `value ${m.preWidth}px of ${m.tableWidth}px`);
    assert.equal(m.whiteSpace, "pre");
    assert.equal(Math.round(m.textHeight / m.lineHeight), m.lines, "a PEM line wrapped");
    const key = page.locator("code.key", { hasText: "A_VERY_LONG_KEY" });
    assert.equal(await key.getAttribute("title"), LONG_KEY);
    const cut = await key.evaluate((el) => [el.scrollWidth > el.clientWidth, el.getBoundingClientRect().height]);
    assert.ok(cut[0], "the long key is not cut with an ellipsis");
    assert.ok(cut[1] < 30, `the long key wraps (${cut[1]}px high)`);
    await key.focus();
    assert.ok(await key.evaluate((el) => el.scrollWidth <= el.clientWidth), "the focused key is not shown whole");
    await page.screenshot({ path: join(SHOTS, "ui-a-table-1280.png"), fullPage: true });
  });

  await check("375: a shown PEM and a long key scroll nothing sideways", async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    await page.goto(secretsPage("dev", "/keys"));
    await page.locator("tr.secret-row", { hasText: "TLS_KEY" }).getByText("Show").click();
    await page.locator("tr.value-row pre", { hasText: "BEGIN RSA PRIVATE KEY" }).waitFor();
    await noScroll(page);
    await page.screenshot({ path: join(SHOTS, "ui-a-table-375.png"), fullPage: true });
  });

  // Item 3: filter, paging, sorting.
  const many = Array.from({ length: 120 }, (_, i) => ({ key: `KEY_${String(i).padStart(3, "0")}`, value: `v${i}` }));
  const batch = await call(admin, "POST", `/api/v1/projects/${projectId}/secret-batches`, { environment: "dev", path: "/many", secrets: many });
  assert.equal(batch.status, 200);
  for (const name of ["zeta-deploy", "alpha-ci"]) {
    await call(admin, "POST", `/api/v1/projects/${projectId}/service-tokens`, { name, expiresIn: name === "alpha-ci" ? 86400 : 3600, scopes: [{ environment: "dev", secretPath: "/" }], permissions: ["read"] });
  }
  const rows = (p) => p.locator("#results tr.secret-row").count();

  await check("1280 with JS: 100 rows a page, and the filter applies as you type", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(secretsPage("dev", "/many"));
    assert.equal(await rows(page), 100);
    await page.getByText("1–100 of 120").waitFor();
    await page.getByLabel("Filter this folder").pressSequentially("KEY_11");
    await page.waitForFunction(() => document.querySelectorAll("#results tr.secret-row").length === 10);
    assert.equal(new URL(page.url()).searchParams.get("q"), "KEY_11");
  });

  await check("1280 with JS: token columns sort by name, expiry and last use; Hide expired is kept in the address", async () => {
    await page.goto(`${BASE}/projects/${projectId}/access-control/service-tokens`);
    const names = () => page.locator("td.token-name").allInnerTexts();
    await page.getByRole("link", { name: /^Name/ }).click();
    await page.waitForURL(/sort=name&dir=asc/);
    assert.deepEqual(await names(), ["alpha-ci", "cli-reader", "zeta-deploy"]);
    await page.getByRole("link", { name: /^Name/ }).click();
    await page.waitForURL(/sort=name&dir=desc/);
    assert.deepEqual(await names(), ["zeta-deploy", "cli-reader", "alpha-ci"]);
    await page.getByRole("link", { name: /^Expires/ }).click();
    await page.waitForURL(/sort=expires&dir=asc/);
    assert.deepEqual(await names(), ["cli-reader", "zeta-deploy", "alpha-ci"]);
    await page.getByRole("link", { name: /^Last used/ }).click();
    await page.waitForURL(/sort=last_used&dir=desc/);
    assert.equal((await names())[0], "cli-reader", "the token the CLI used comes first");
    await page.getByLabel("Hide expired").check();
    await page.waitForURL(/hide_expired=1/);
    assert.ok(new URL(page.url()).searchParams.get("sort"), "the sort was lost");
    await page.getByLabel("Filter tokens").fill("zeta");
    await page.waitForFunction(() => document.querySelectorAll("td.token-name").length === 1);
  });

  const noJs = await launch({ javaScriptEnabled: false, viewport: { width: 375, height: 812 } });
  const plain = noJs.pages()[0] || (await noJs.newPage());
  try {
    await check("375 without JS: the filter and the pager are a ?q= and ?page= round trip", async () => {
      await login(plain);
      await plain.goto(secretsPage("dev", "/many"));
      assert.equal(await rows(plain), 100);
      await plain.getByRole("link", { name: /Next/ }).click();
      await plain.waitForURL(/page=2/);
      assert.equal(await rows(plain), 20);
      await plain.getByLabel("Filter this folder").fill("key_00");
      await plain.getByRole("button", { name: "Filter" }).click();
      await plain.waitForURL(/q=key_00/);
      assert.equal(await rows(plain), 10);
      await noScroll(plain);
      await plain.goto(`${BASE}/projects?q=round`);
      await plain.getByRole("link", { name: "UI round two" }).first().waitFor();
      await plain.goto(`${BASE}/projects?q=no-such-project`);
      await plain.getByText("No project matches").waitFor();
    });

    await check("375 without JS: tokens sort and hide expired through links and the form", async () => {
      await plain.goto(`${BASE}/projects/${projectId}/access-control/service-tokens`);
      await plain.getByRole("link", { name: /^Name/ }).click();
      await plain.waitForURL(/sort=name/);
      assert.deepEqual(await plain.locator("td.token-name").allInnerTexts(), ["alpha-ci", "cli-reader", "zeta-deploy"]);
      await plain.getByLabel("Hide expired").check();
      await plain.getByRole("button", { name: "Filter" }).click();
      await plain.waitForURL(/hide_expired=1/);
      assert.ok(plain.url().includes("sort=name"), "the sort was lost");
      await noScroll(plain);
      await plain.screenshot({ path: join(SHOTS, "ui-a-tokens-375-nojs.png"), fullPage: true });
    });

    // Item 5: .env in and out.
    const ENV_TEXT = 'export DB_URL=postgres://db/app\nMULTI="one\ntwo"\nLITERAL=$HOME/${USER}\n';
    await check("1280 with JS: a .env loaded from a file is previewed, nothing stored, then imported", async () => {
      await page.goto(secretsPage("dev", "/env"));
      await page.locator("#import-env > summary").click();
      await page.locator("#dotenv-file").setInputFiles({ name: "app.env", mimeType: "text/plain", buffer: Buffer.from(ENV_TEXT) });
      await page.waitForFunction(() => document.getElementById("dotenv").value.includes("LITERAL"));
      await page.getByRole("button", { name: "Preview import" }).click();
      await page.getByText("Nothing has been written yet").waitFor();
      assert.match(await page.locator(".plan").innerText(), /New 3/);
      const missing = await call(admin, "GET", `/api/v1/projects/${projectId}/secrets/DB_URL?environment=dev&path=/env`);
      assert.equal(missing.status, 404, "the preview stored something");
      await page.getByRole("button", { name: "Import 3 secrets" }).click();
      await page.waitForURL(/notice=env-imported/);
      assert.equal((await apiSecret("MULTI", "/env")).value, "one\ntwo");
      assert.equal((await apiSecret("LITERAL", "/env")).value, "$HOME/${USER}");
    });

    await check("375 without JS: a parse error is shown on its line, fixed on the preview page, then applied", async () => {
      await plain.goto(secretsPage("dev", "/env"));
      await plain.locator("#import-env > summary").click();
      await plain.getByLabel(".env text").fill('NEW_ONE=1\nBROKEN="never closed\n');
      await plain.getByRole("button", { name: "Preview import" }).click();
      await plain.getByText("Line 2:").waitFor();
      await noScroll(plain);
      await plain.getByLabel(".env text").fill('NEW_ONE=1\nDB_URL=postgres://db/other\n');
      await plain.getByLabel("Overwrite existing secrets").check();
      await plain.getByRole("button", { name: "Preview again" }).click();
      assert.match(await plain.locator(".plan").innerText(), /Overwritten 1/);
      await plain.getByRole("button", { name: "Import 2 secrets" }).click();
      await plain.waitForURL(/notice=env-imported/);
      assert.equal((await apiSecret("DB_URL", "/env")).value, "postgres://db/other");
    });

    await check("375 without JS and 1280: Download .env gives the folder, which imports back unchanged", async () => {
      for (const p of [plain, page]) {
        await p.goto(secretsPage("dev", "/env"));
        const [download] = await Promise.all([p.waitForEvent("download"), p.getByRole("link", { name: "Download .env" }).click()]);
        assert.equal(download.suggestedFilename(), "dev_env.env");
        const text = readFileSync(await download.path(), "utf8");
        assert.match(text, /^MULTI="one\\ntwo"$/m);
        assert.match(text, /^LITERAL="\\\$HOME\/\\\$\{USER\}"$/m);
      }
    });

    // Item 4: all environments at once.
    for (const [env, key, value] of [["dev", "SHARED", "same"], ["staging", "SHARED", "same"], ["prod", "SHARED", "same"], ["dev", "API", "a"], ["staging", "API", "b"], ["prod", "API", "a"], ["dev", "ONLY_DEV", "x"]]) {
      await call(admin, "POST", `/api/v1/projects/${projectId}/secrets`, { environment: env, path: "/svc", key, value });
    }
    for (const [p, width] of [[page, 1280], [plain, 375]]) {
      await check(`${width}: the Overview marks missing and different keys, values hidden until shown`, async () => {
        await p.setViewportSize({ width, height: 900 });
        await p.goto(secretsPage("dev", "/svc"));
        await p.getByRole("navigation", { name: "Environments" }).getByRole("link", { name: "Staging" }).click();
        await p.waitForURL(/secrets\/staging\?path=\/svc/);
        await p.getByRole("link", { name: "All environments" }).click();
        assert.equal(new URL(p.url()).pathname.endsWith("/overview"), true);
        await p.waitForURL(/overview\?path=\/svc/);
        const api = p.locator("tr.key-row", { hasText: "API" }).filter({ hasNotText: "SHARED" }).first();
        assert.match(await api.innerText(), /different/i);
        assert.doesNotMatch(await api.innerText(), /missing/i);
        assert.match(await p.locator("tr.key-row", { hasText: "ONLY_DEV" }).innerText(), /missing/i);
        assert.doesNotMatch(await p.locator("tr.key-row", { hasText: "SHARED" }).innerText(), /missing|different/i);
        const value = api.locator("pre.value").first();
        assert.equal(await value.isVisible(), false, "a value shows before it is revealed");
        await api.getByText("Show").first().click();
        assert.equal(await value.innerText(), "a");
        await noScroll(p);
        await p.screenshot({ path: join(SHOTS, `ui-a-overview-${width}.png`), fullPage: true });
      });
    }
  } finally {
    await noJs.close();
  }
} catch (e) {
  check.abort(e);
} finally {
  rmSync(work, { recursive: true, force: true });
  await context.close();
}
check.finish();
