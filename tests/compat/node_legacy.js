'use strict';
// Driver for npm `infisical-node@1.5.1` (legacy Node SDK, end-to-end-encrypted API).
//
// With a service token `st.<id>.<secret>.<key>` it splits at the LAST dot, sends
// `Authorization: Bearer st.<id>.<secret>` (axios) and keeps <key> to unwrap the project key.
// It calls GET /api/v2/service-token (reads `workspace`, not `projectId`), then
// GET /api/v3/secrets and GET|POST|PATCH|DELETE /api/v3/secrets/<name>.
// It never throws: every failure returns fallback bundles {isFallback: true, secretValue:
// process.env[name]}, so refusals are told apart through the HTTP statuses that an axios
// response interceptor observes on the client's own axios instance.
// Usage: NODE_PATH=<cache>/npm/node_modules node node_legacy.js FIXTURE.json

const {
  loadFixture, short, Reporter, Recorder, describe, diffMaps, sameMap, expectedViews, outOfScopeViews, rawGet,
} = require('./compat_common');

const CLIENT = 'node-legacy (infisical-node@1.5.1)';
const WRITE_NAME = 'NODE_LEGACY_WRITE';
const DENIED_NAME = 'NODE_LEGACY_DENIED';
const VALUE_1 = 'créé par node-legacy ✓\nligne 2';
const VALUE_2 = 'mis à jour par node-legacy ✓';

async function main() {
  const [fixture, mode] = loadFixture();
  const base = fixture.baseUrl;
  const tokens = fixture.tokens;
  const rep = new Reporter(CLIENT);
  const rec = new Recorder('node-legacy');
  const InfisicalClient = require('infisical-node');

  for (const env of Object.values(fixture.secrets)) {
    for (const kv of Object.values(env)) for (const k of Object.keys(kv)) delete process.env[k];
  }
  delete process.env[WRITE_NAME];
  delete process.env[DENIED_NAME];

  function make(token) {
    // cacheTTL 0: every getSecret reaches the server.
    const client = new InfisicalClient({ token, siteURL: base, cacheTTL: 0 });
    const api = client.clientConfig.apiRequest;
    const pathOf = (cfg, req) => (req && req.path) || (cfg && cfg.url) || '?';
    api.interceptors.response.use(
      (res) => { rec.add(res.config.method, pathOf(res.config, res.request), res.status); return res; },
      (err) => {
        rec.add(err.config ? err.config.method : '?', pathOf(err.config, err.request),
          err.response ? err.response.status : `network error ${err.code || err.message}`);
        return Promise.reject(err);
      },
    );
    return client;
  }

  async function listSecrets(token, environment, path) {
    const client = make(token);
    const mark = rec.mark();
    const bundles = await client.getAllSecrets({
      environment, path, attachToProcessEnv: false, includeImports: true,
    });
    const refused = bundles.some((b) => b.isFallback);
    return [refused ? null : bundles, rec.since(mark)];
  }

  async function getSecret(client, name, options) {
    const mark = rec.mark();
    const bundle = await client.getSecret(name, options);
    return [bundle && !bundle.isFallback ? bundle : null, rec.since(mark)];
  }

  async function refusedAuth(tokenName, label) {
    await rep.guard(`refused: ${label}`, async () => {
      const [bundles, entries] = await listSecrets(tokens[tokenName], 'dev', '/');
      const st = entries.filter(([, p]) => p.startsWith('/api/v2/service-token')).map((e) => e[2]);
      rep.check(`refused: ${label} (401 on /api/v2/service-token)`,
        !bundles && st[0] === 401 && entries.every((e) => typeof e[2] !== 'number' || e[2] >= 400), describe(entries));
    });
  }
  if (mode === 'expired') {
    await refusedAuth('expiring', 'expired token');
    return rep;
  }

  // --- reads
  const typeVariants = [{ type: 'personal' }, {}, { type: 'shared' }];
  let i = 0;
  for (const [label, tok, env, path, want] of expectedViews(fixture)) {
    await rep.guard(`list ${label}`, async () => {
      const [bundles, entries] = await listSecrets(tokens[tok], env, path);
      if (!bundles) { rep.fail(`list ${label}`, describe(entries)); return; }
      const got = {};
      for (const b of bundles) got[b.secretName] = b.secretValue;
      const dup = Object.keys(got).length !== bundles.length;
      rep.check(`list ${label} returns exactly the expected secrets`, sameMap(got, want) && !dup,
        () => diffMaps(got, want) + (dup ? '; duplicate names' : ''));
    });
    // `type` as callers pass it: "personal" (the SDK's default options), omitted, "shared".
    const variant = typeVariants[i % typeVariants.length];
    i += 1;
    const client = make(tokens[tok]);
    for (const [key, value] of Object.entries(want)) {
      const desc = `get ${key} (${label}, type=${variant.type || 'omitted'})`;
      await rep.guard(desc, async () => {
        const [bundle, entries] = await getSecret(client, key, { environment: env, path, ...variant });
        if (!bundle) rep.fail(desc, describe(entries));
        else rep.check(desc, bundle.secretValue === value, `got ${short(bundle.secretValue)} want ${short(value)}`);
      });
    }
  }

  // --- scope enforcement
  for (const [label, tok, env, path] of outOfScopeViews()) {
    await rep.guard(`refused: ${label}`, async () => {
      const [bundles, entries] = await listSecrets(tokens[tok], env, path);
      const st = entries.filter(([, p]) => p.startsWith('/api/v3/secrets')).map((e) => e[2]);
      rep.check(`refused: ${label} (403)`, !bundles && st.length && st[st.length - 1] === 403, describe(entries));
    });
  }

  // --- wrong secret
  await refusedAuth('wrongSecret', 'wrong token secret');

  // --- writes with a read+write token. Note: this client's updateSecret sends no
  // secretPath at all, so the server must default it to "/" (the write path here).
  const env = fixture.writeEnv;
  const path = fixture.writePath;
  const writer = make(tokens.write);
  const opts = { environment: env, path, type: 'shared' };

  async function writeOp(desc, method, fn) {
    const mark = rec.mark();
    const bundle = await fn();
    const entries = rec.since(mark);
    const st = entries.filter(([m]) => m === method).map((e) => e[2]);
    const good = bundle && !bundle.isFallback && st.length && st[st.length - 1] >= 200 && st[st.length - 1] < 300;
    rep.check(desc, good, describe(entries));
    return good ? bundle : null;
  }

  async function readBack(desc, name, want) {
    const [bundle, entries] = await getSecret(make(tokens.write), name, opts);
    if (!bundle) rep.fail(`${desc} (client get)`, describe(entries));
    else rep.check(`${desc} (client get)`, bundle.secretValue === want, `got ${short(bundle.secretValue)} want ${short(want)}`);
    const [status, raw] = await rawGet(fixture, tokens.write, env, path, name);
    rep.check(`${desc} (server stored the plaintext: raw GET)`, status === 200 && raw === want,
      `raw GET -> ${status} ${short(raw)}`);
  }

  await rep.guard('write cycle with the write token', async () => {
    if (await writeOp(`create ${WRITE_NAME} in ${env}:${path} with the write token`, 'POST',
      () => writer.createSecret(WRITE_NAME, VALUE_1, opts))) {
      await readBack('created value reads back', WRITE_NAME, VALUE_1);
    }
    if (await writeOp(`update ${WRITE_NAME} with the write token`, 'PATCH',
      () => writer.updateSecret(WRITE_NAME, VALUE_2, opts))) {
      await readBack('updated value reads back', WRITE_NAME, VALUE_2);
    }
    const deleted = await writeOp(`delete ${WRITE_NAME} with the write token`, 'DELETE',
      () => writer.deleteSecret(WRITE_NAME, opts));
    if (deleted) {
      rep.check('delete response carries the deleted secret (decrypts to the last value)',
        deleted.secretValue === VALUE_2, `got ${short(deleted.secretValue)}`);
    }
    const [bundle, entries] = await getSecret(make(tokens.write), WRITE_NAME, opts);
    const st = entries.filter(([, p]) => p.startsWith('/api/v3/secrets/')).map((e) => e[2]);
    rep.check('deleted secret is gone (404)', !bundle && st[st.length - 1] === 404, describe(entries));
  });

  // --- writes refused for a read-only token with the same scope
  const reader = make(tokens.prodRead);
  async function refused(desc, method, fn) {
    await rep.guard(desc, async () => {
      const mark = rec.mark();
      const bundle = await fn();
      const entries = rec.since(mark);
      const st = entries.filter(([m]) => m === method).map((e) => e[2]);
      rep.check(desc, (!bundle || bundle.isFallback) && st[st.length - 1] === 403, describe(entries));
    });
  }
  await refused('read-only token refused: create (403)', 'POST', () => reader.createSecret(DENIED_NAME, 'nope', opts));
  await refused('read-only token refused: update (403)', 'PATCH', () => reader.updateSecret('PROD_EXISTING', 'changed', opts));
  await refused('read-only token refused: delete (403)', 'DELETE', () => reader.deleteSecret('PROD_EXISTING', opts));
  await rep.guard('refused writes changed nothing', async () => {
    const [bundles, entries] = await listSecrets(tokens.prodRead, env, path);
    if (!bundles) { rep.fail('refused writes changed nothing', describe(entries)); return; }
    const got = {};
    for (const b of bundles) got[b.secretName] = b.secretValue;
    rep.check('refused writes changed nothing', got.PROD_EXISTING === 'keep-me' && !(DENIED_NAME in got),
      `PROD_EXISTING=${short(got.PROD_EXISTING)}, ${DENIED_NAME} present=${DENIED_NAME in got}`);
  });
  return rep;
}

main().then(
  (rep) => { process.exitCode = rep.failed ? 1 : 0; },
  (err) => { console.error(err); process.exitCode = 1; },
);
