// Teams: the owner invites a user from the Team page and adds them to one project as a viewer;
// the invited user, in a second browser context, accepts the link, logs in, sees only that
// project, gets the 404 page for another one, and as a viewer is shown no "Create token" button
// (and no Access Control tab at all). Prints "N passed, M failed" last.
import assert from "node:assert/strict";
import { BASE, launch, checks, login, call, adminToken } from "../lib.mjs";

const INVITED = "teammate@example.com";
const INVITED_PASSWORD = "teammate-password-123";
let page, guestPage, owner, guest;
const check = checks(() => guestPage || page);

try {
  const token = await adminToken();
  const created = async (name) => (await (await call(token, "POST", "/api/v1/projects", { name })).json()).project.id;
  const shared = await created("Team Shop");
  const hidden = await created("Team Vault");
  owner = await launch();
  page = owner.pages()[0] || (await owner.newPage());
  let link;

  await check("the owner invites a member from the Team page and sees the link once", async () => {
    await login(page);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Team" }).click();
    await page.getByRole("heading", { name: "Team", exact: true }).waitFor();
    await page.getByLabel("E-mail", { exact: true }).fill(INVITED);
    await page.getByLabel("Role", { exact: true }).selectOption("member");
    await page.getByRole("button", { name: "Invite" }).click();
    await page.getByRole("heading", { name: `Invitation for ${INVITED}` }).waitFor();
    link = (await page.locator("#invite-url").textContent()).trim();
    assert.match(link, /\/invite\/[0-9a-f]{64}$/);
    await page.reload();
    assert.equal(await page.locator("#invite-url").count(), 0, "a reload does not show the link again");
  });

  guest = await launch();
  guestPage = guest.pages()[0] || (await guest.newPage());

  await check("a second browser accepts the invitation and sets a password", async () => {
    await guestPage.goto(link.startsWith("/") ? BASE + link : link);
    await guestPage.getByText(INVITED).first().waitFor();
    await guestPage.getByLabel("Password", { exact: true }).fill(INVITED_PASSWORD);
    await guestPage.getByLabel("Confirm password").fill(INVITED_PASSWORD);
    await guestPage.getByRole("button", { name: "Create account" }).click();
    await guestPage.waitForURL(/\/login\?notice=invite-accepted/);
  });

  await check("the owner adds them to one project as a viewer of dev (Members tab)", async () => {
    await page.goto(`${BASE}/projects/${shared}/access-control/service-tokens`);
    await page.getByRole("navigation", { name: "Access Control" }).getByRole("link", { name: "Members" }).click();
    await page.getByLabel("E-mail of an existing user").fill(INVITED);
    await page.getByLabel("Role", { exact: true }).selectOption("viewer");
    await page.getByLabel("Development").first().check();
    await page.getByRole("button", { name: "Add member" }).click();
    await page.waitForURL(/notice=member-added/);
    await page.locator("tbody tr", { hasText: INVITED }).waitFor();
  });

  await check("the invited user logs in and sees only the project they were added to", async () => {
    await login(guestPage, INVITED, INVITED_PASSWORD);
    await guestPage.getByRole("link", { name: "Team Shop" }).first().waitFor();
    assert.equal(await guestPage.getByText("Team Vault").count(), 0);
    assert.equal(await guestPage.getByRole("link", { name: "Team", exact: true }).count(), 0, "no Team link for a member");
  });

  await check("another project is the 404 page for them", async () => {
    const answer = await guestPage.goto(`${BASE}/projects/${hidden}/secrets/dev`);
    assert.equal(answer.status(), 404);
    await guestPage.getByRole("heading", { name: "Page not found" }).waitFor();
  });

  await check("a viewer sees no Create token button, no Access Control tab and no Add secret", async () => {
    await guestPage.goto(`${BASE}/projects/${shared}/secrets/dev`);
    await guestPage.getByRole("heading", { name: "Team Shop" }).waitFor();
    assert.equal(await guestPage.getByRole("link", { name: "Create token" }).count(), 0);
    const tabs = guestPage.getByRole("navigation", { name: "Project" });
    assert.equal(await tabs.getByRole("link", { name: "Access Control" }).count(), 0);
    assert.equal(await tabs.getByRole("link", { name: "Settings" }).count(), 0);
    assert.equal(await guestPage.getByText("Add secret").count(), 0);
    const refused = await guestPage.goto(`${BASE}/projects/${shared}/access-control/service-tokens`);
    assert.equal(refused.status(), 403, "the server refuses the page anyway");
  });
} catch (e) {
  check.abort(e);
}
await owner?.close();
await guest?.close();
check.finish();
