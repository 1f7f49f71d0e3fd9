// Accounts: enrol in TOTP MFA on the Account page by reading the secret from the page, keep the
// recovery codes, log in again through the code step with a code computed here (RFC 6238), and
// sign another session out from the sessions list. Runs as an invited member when the invites
// API exists (so the admin the other journeys use keeps logging in with a password alone), else
// as the admin, whose MFA it turns off again at the end.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { BASE, EMAIL, PASSWORD, launch, checks, adminToken, call } from "../lib.mjs";

/** RFC 4648 base32 (no padding) to bytes. */
function base32(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0, value = 0;
  const out = [];
  for (const c of text.replace(/=+$/, "")) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 0xff); bits -= 8; }
  }
  return Buffer.from(out);
}

/** The 6-digit TOTP code of `secret` for the step `offset` steps from now (HMAC-SHA-1, 30 s). */
function totp(secret, offset = 0) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000) + offset));
  const digest = createHmac("sha1", base32(secret)).update(counter).digest();
  const at = digest[19] & 0x0f;
  return String((digest.readUInt32BE(at) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

const check = checks(() => page);
// Setup outside a check still reports why it failed (and the summary line) instead of dying.
process.on("unhandledRejection", (e) => { check.abort(e); check.finish(); });
const admin = await adminToken();
const MEMBER = "mfa-journey@example.com";
const MEMBER_PASSWORD = "mfa-journey-password";

/** The account this journey enrols: an invited member if invitations exist, else the admin. */
async function account() {
  const invited = await call(admin, "POST", "/api/v1/invites", { email: MEMBER, role: "member" });
  if (invited.status !== 201) return { email: EMAIL, password: PASSWORD, isAdmin: true };
  const code = (await invited.json()).url.split("/invite/")[1];
  const accepted = await fetch(`${BASE}/api/v1/invites/accept`, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ code, password: MEMBER_PASSWORD }),
  });
  assert.equal(accepted.status, 201, "the invitation is accepted");
  return { email: MEMBER, password: MEMBER_PASSWORD, isAdmin: false };
}

const who = await account();
const first = await launch();
const page = first.pages()[0] || (await first.newPage());
let secret, recovery = [];

/** Fills the login form; the caller decides what comes next. */
async function passwordStep(p) {
  await p.goto(`${BASE}/login`);
  await p.getByLabel("Email").fill(who.email);
  await p.getByLabel("Password").fill(who.password);
  await p.getByRole("button", { name: "Log in" }).click();
}

try {
  await check("the Account page starts MFA set-up with a QR code and the secret in text", async () => {
    await passwordStep(page);
    await page.waitForURL(BASE + "/projects");
    await page.getByRole("link", { name: "Account" }).click();
    await page.getByRole("heading", { name: "Two-factor authentication" }).waitFor();
    await page.getByLabel("Password", { exact: true }).fill(who.password);
    await page.getByRole("button", { name: "Set up" }).click();
    const qr = page.getByAltText("QR code of the authenticator secret");
    assert.match(await qr.getAttribute("src"), /^data:image\/svg\+xml;base64,/);
    assert.ok(await qr.evaluate((img) => img.complete && img.naturalWidth > 0), "the SVG renders");
    secret = (await page.locator("#totp-secret").textContent()).trim();
    assert.match(secret, /^[A-Z2-7]{32}$/);
  });

  await check("a code computed from that secret turns MFA on and shows 10 recovery codes once", async () => {
    await page.getByLabel("Code").fill(totp(secret));
    await page.getByRole("button", { name: "Turn on" }).click();
    await page.getByRole("heading", { name: "Your recovery codes" }).waitFor();
    recovery = (await page.locator("#recovery-codes code").allTextContents()).map((c) => c.trim());
    assert.equal(recovery.length, 10);
    const download = page.getByRole("link", { name: "Download as text" });
    assert.equal(await download.getAttribute("download"), "envkeep-recovery-codes.txt");
    await page.getByRole("link", { name: "Done" }).click();
    await page.getByText("Recovery codes left: 10").waitFor();
  });

  const second = await launch();
  const other = second.pages()[0] || (await second.newPage());
  await check("login asks for the code after the password and accepts a computed one", async () => {
    await passwordStep(other);
    await other.getByRole("heading", { name: "Two-factor code" }).waitFor();
    assert.equal(await other.locator("input[name=password]").count(), 0, "the password is not re-posted");
    await other.getByLabel("Code").fill(totp(secret, 1));
    await other.getByRole("button", { name: "Verify" }).click();
    await other.waitForURL(BASE + "/projects");
  });

  await check("the sessions list signs the first browser out", async () => {
    await other.goto(`${BASE}/account`);
    const rows = other.locator("#sessions tbody tr");
    assert.ok((await rows.count()) >= 2, "both sessions are listed");
    const notCurrent = rows.filter({ hasNotText: "(this session)" }).first();
    await notCurrent.getByRole("button", { name: "Sign out" }).click();
    await other.getByText("That session was signed out.").waitFor();
    await page.goto(`${BASE}/projects`);
    assert.equal(new URL(page.url()).pathname, "/login", "the first browser's session ended");
  });
  await second.close();
} catch (e) {
  check.abort(e);
} finally {
  if (who.isAdmin && recovery.length > 0) {
    // Leave the admin as the other journeys expect it: password only.
    const off = await call(admin, "POST", "/api/v1/auth/mfa/totp/disable", { password: PASSWORD, code: recovery[9] });
    if (off.status !== 204) console.log(`FAIL could not turn the admin's MFA off again: ${off.status}`);
  }
}
check.finish();
