'use strict';
// Shared helpers for the Node client drivers (node_legacy.js, node_sdk.js).

const fs = require('fs');

// -> [fixture, mode]; mode is "all" (default) or "expired" (only the expired-token check,
// with fixture.tokens.expiring after it has expired).
function loadFixture() {
  const n = process.argv.length;
  if ((n !== 3 && n !== 4) || (n === 4 && process.argv[3] !== 'expired')) {
    console.error(`usage: node ${process.argv[1]} FIXTURE.json [expired]`);
    process.exit(2);
  }
  return [JSON.parse(fs.readFileSync(process.argv[2], 'utf8')), n === 4 ? 'expired' : 'all'];
}

function short(v, limit = 160) {
  const s = JSON.stringify(v);
  if (s === undefined) return String(v);
  return s.length <= limit ? s : `${s.slice(0, limit)}...(${s.length} chars)`;
}

class Reporter {
  constructor(client) {
    this.client = client;
    this.passed = 0;
    this.failed = 0;
  }
  ok(desc) {
    this.passed += 1;
    process.stdout.write(`ok - ${this.client}: ${desc}\n`);
  }
  fail(desc, detail) {
    this.failed += 1;
    let line = `FAIL - ${this.client}: ${desc}`;
    if (detail !== undefined && detail !== '') line += ` -- ${String(detail).split('\n').join(' ')}`;
    process.stdout.write(`${line}\n`);
  }
  check(desc, cond, detail) {
    if (cond) this.ok(desc);
    else this.fail(desc, typeof detail === 'function' ? detail() : detail);
    return Boolean(cond);
  }
  // Run an async step; an unexpected exception is a failed check and the driver goes on.
  async guard(desc, fn) {
    try {
      return await fn();
    } catch (err) {
      this.fail(desc, `${err && err.name}: ${err && err.message}`);
      if (process.env.ENVKEEP_COMPAT_VERBOSE) console.error(err);
      return undefined;
    }
  }
}

// Collects [method, path?query, status] of responses observed from outside the client.
class Recorder {
  constructor(client) {
    this.client = client;
    this.entries = [];
  }
  add(method, path, status) {
    this.entries.push([String(method).toUpperCase(), path, status]);
    if (process.env.ENVKEEP_COMPAT_VERBOSE) {
      console.error(`# [${this.client}] ${String(method).toUpperCase()} ${path} -> ${status}`);
    }
  }
  mark() {
    return this.entries.length;
  }
  since(mark) {
    return this.entries.slice(mark);
  }
}

function describe(entries) {
  return entries.map(([m, p, s]) => `${m} ${p} -> ${s}`).join(', ') || 'no HTTP request';
}

function diffMaps(got, want) {
  const parts = [];
  const g = Object.keys(got);
  const w = Object.keys(want);
  const missing = w.filter((k) => !(k in got)).sort();
  const extra = g.filter((k) => !(k in want)).sort();
  if (missing.length) parts.push(`missing ${short(missing)}`);
  if (extra.length) parts.push(`unexpected ${short(extra)}`);
  for (const k of w.filter((k) => k in got).sort()) {
    if (got[k] !== want[k]) parts.push(`${k}=${short(got[k])} want ${short(want[k])}`);
  }
  return parts.join('; ');
}

function sameMap(got, want) {
  return diffMaps(got, want) === '';
}

function expectedViews(fixture) {
  const s = fixture.secrets;
  return [
    ['single-scope token dev:/', 'root', 'dev', '/', s.dev['/']],
    ['single-scope token dev:/app/db', 'db', 'dev', '/app/db', s.dev['/app/db']],
    ['multi-scope glob token dev:/', 'glob', 'dev', '/', s.dev['/']],
    ['multi-scope glob token dev:/app/db', 'glob', 'dev', '/app/db', s.dev['/app/db']],
    ['multi-scope glob token staging:/', 'glob', 'staging', '/', s.staging['/']],
  ];
}

function outOfScopeViews() {
  return [
    ['single-scope dev:/ token reading dev:/app/db', 'root', 'dev', '/app/db'],
    ['glob token (dev:/**, staging:/) reading prod:/', 'glob', 'prod', '/'],
  ];
}

// Plain-HTTP read through the plaintext route, to cross-check that an end-to-end
// encrypted write was decrypted and stored correctly by the server.
async function rawGet(fixture, token, env, path, name) {
  const access = token.split('.').slice(0, 3).join('.');
  const q = new URLSearchParams({ workspaceId: fixture.projectId, environment: env, secretPath: path });
  const url = `${fixture.baseUrl}/api/v3/secrets/raw/${encodeURIComponent(name)}?${q}`;
  const res = await fetch(url, { headers: { Authorization: `Bearer ${access}` } });
  let value;
  if (res.ok) {
    const body = await res.json();
    value = body && body.secret ? body.secret.secretValue : undefined;
  } else {
    await res.text();
  }
  return [res.status, value];
}

module.exports = {
  loadFixture, short, Reporter, Recorder, describe, diffMaps, sameMap, expectedViews, outOfScopeViews, rawGet,
};
