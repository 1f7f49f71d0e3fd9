// What the accessibility journey (journeys/a11y.mjs) measures inside a page: axe-core's
// violations, touch target sizes, the focus ring of each control reached by Tab, and the
// colours of the current scheme. Each returns a list of problems, empty when all is well.

/** axe-core's serious and critical violations: [{id, impact, help, nodes: [selector: summary]}]. */
export async function a11yPage(page, axeSource) {
  // evaluate() runs outside the page's CSP (script-src 'self' refuses an injected script tag).
  if (!(await page.evaluate(() => typeof window.axe !== "undefined"))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ["violations"] })).violations);
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")}: ${(n.failureSummary || "").replace(/\s+/g, " ").slice(0, 160)}`) }));
}

/**
 * Controls smaller than 44 x 44 px (WCAG 2.5.5). Exempt, as WCAG exempts them: a link inside a
 * sentence (an inline link with text beside it), a checkbox or radio whose label is the target
 * (the label is measured instead), and what is not shown (hidden, or visually hidden at 1 px).
 */
export async function touchTargets(page) {
  return page.evaluate(() => {
    const MIN = 44 - 0.5, small = [];
    const describe = (el) => `${el.tagName.toLowerCase()}${el.className ? "." + String(el.className).trim().split(/\s+/).join(".") : ""} "${(el.innerText || el.value || el.getAttribute("aria-label") || "").replace(/\s+/g, " ").trim().slice(0, 30)}"`;
    for (const el of document.querySelectorAll("a[href], button, input, select, textarea, summary")) {
      if (el.type === "hidden" || el.closest("[hidden], .sr-only")) continue;
      let target = el;
      if (el.matches("input[type=checkbox], input[type=radio]")) target = el.closest("label") || el;
      const box = target.getBoundingClientRect(), style = getComputedStyle(target);
      if (box.width <= 1 || box.height <= 1 || style.visibility === "hidden" || target.closest(".skip")) continue;
      if (el.tagName === "A" && style.display === "inline") {
        const parent = el.parentElement;
        const textBeside = [...parent.childNodes].some((n) => n !== el && n.textContent.trim() !== "" && !(n.nodeType === 1 && n.matches("a, button")));
        if (textBeside) continue;
      }
      if (box.width < MIN || box.height < MIN) small.push(`${describe(el)} ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
    return small;
  });
}

/** Tabs through the page; every control reached needs a solid ring >= 2 px that no ancestor clips. */
export async function focusRings(page, maxStops = 60) {
  const problems = [];
  await page.locator("body").click({ position: { x: 1, y: 1 } }).catch(() => {});
  for (let i = 0; i < maxStops; i++) {
    await page.keyboard.press("Tab");
    const found = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return { done: true };
      const s = getComputedStyle(el);
      const name = `${el.tagName.toLowerCase()} "${(el.innerText || el.value || "").trim().slice(0, 30)}"`;
      const width = parseFloat(s.outlineWidth), offset = parseFloat(s.outlineOffset);
      const shadowRing = s.boxShadow && s.boxShadow !== "none";
      if ((s.outlineStyle === "none" || width < 2) && !shadowRing) return { name, problem: `no 2 px ring (outline ${s.outlineStyle} ${s.outlineWidth})` };
      const grow = s.outlineStyle === "none" ? 0 : offset + width;
      const r = el.getBoundingClientRect();
      const ring = { left: r.left - grow, right: r.right + grow, top: r.top - grow, bottom: r.bottom + grow };
      for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
        const as = getComputedStyle(a);
        const clipX = as.overflowX !== "visible", clipY = as.overflowY !== "visible";
        if (!clipX && !clipY) continue;
        const b = a.getBoundingClientRect();
        const box = { left: b.left + a.clientLeft, top: b.top + a.clientTop, right: b.left + a.clientLeft + a.clientWidth, bottom: b.top + a.clientTop + a.clientHeight };
        const cut = (clipX && (ring.left < box.left - 0.5 || ring.right > box.right + 0.5)) || (clipY && (ring.top < box.top - 0.5 || ring.bottom > box.bottom + 0.5));
        if (cut) return { name, problem: `ring cut by ${a.tagName.toLowerCase()}.${String(a.className).trim().replace(/\s+/g, ".")} (overflow ${as.overflowX}/${as.overflowY})` };
      }
      return { name };
    });
    if (found.done) break;
    if (found.problem) problems.push(`${found.name}: ${found.problem}`);
  }
  return problems;
}

/** In `scheme`, the page's main surfaces have the scheme's lightness and text pairs >= 4.5:1. */
export async function schemeColours(page, scheme) {
  return page.evaluate((scheme) => {
    const rgb = (c) => c.match(/[\d.]+/g).slice(0, 3).map(Number);
    const lum = (c) => { const [r, g, b] = rgb(c).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
    const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
    const problems = [];
    const dark = scheme === "dark";
    const surface = (selector, what) => {
      const el = document.querySelector(selector);
      if (!el) return problems.push(`no ${what} (${selector}) on the page`);
      const bg = getComputedStyle(el).backgroundColor;
      if ((lum(bg) < 0.2) !== dark) problems.push(`${what} background ${bg} is not ${scheme}`);
    };
    surface("body", "page"); surface(".card, .table", "card or table"); surface(".table th", "table header"); surface("input:not([type=hidden]), select", "form field");
    // Each custom property a text colour comes from, on the surfaces it is used on.
    const root = getComputedStyle(document.documentElement);
    const probe = document.createElement("span");
    document.body.appendChild(probe);
    const colour = (name) => { probe.style.color = root.getPropertyValue(name).trim(); return getComputedStyle(probe).color; };
    for (const [fg, bgs] of [["--fg", ["--bg", "--card", "--th-bg", "--code-bg"]], ["--muted", ["--bg", "--card", "--well", "--th-bg"]], ["--faint", ["--bg", "--card", "--well", "--th-bg", "--danger-soft"]], ["--accent", ["--bg", "--card", "--accent-soft"]], ["--danger", ["--card", "--danger-soft"]], ["--ok", ["--ok-soft"]], ["--warn-fg", ["--warn-soft"]], ["--on-accent", ["--accent", "--danger"]], ["--chip-fg", ["--accent-soft"]], ["--diff-add-fg", ["--diff-add-bg"]], ["--diff-del-fg", ["--diff-del-bg"]]]) {
      for (const bg of bgs) {
        const r = ratio(colour(fg), colour(bg));
        if (r < 4.5) problems.push(`${fg} on ${bg} is ${r.toFixed(2)}:1`);
      }
    }
    probe.remove();
    return problems;
  }, scheme);
}
