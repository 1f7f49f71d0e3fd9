'use strict';
// Driver for npm `@infisical/sdk@5.0.2` (current Node SDK, plaintext API).
//
// No service-token mode: `sdk.auth().accessToken(token)` makes it send
// `Authorization: Bearer <token as given>` through the global fetch. It uses
// /api/v3/secrets/raw[/<name>] for secrets and /api/v1/folders for folders; projectId
// (sent as workspaceId) must be passed by the caller. Non-2xx answers throw
// InfisicalSDKRequestError("[URL=..] [Method=..] [StatusCode=N] <body.message>") when the
// body has a string `message`, else InfisicalSDKError("Request failed with status N").
// Usage: NODE_PATH=<cache>/npm/node_modules node node_sdk.js FIXTURE.json

const {
  loadFixture, short, Reporter, Recorder, describe, diffMaps, sameMap, expectedViews, outOfScopeViews,
} = require('./compat_common');

const CLIENT = 'node-sdk (@infisical/sdk@5.0.2)';
const WRITE_NAME = 'NODE_SDK_WRITE';
const DENIED_NAME = 'NODE_SDK_DENIED';
const VALUE_1 = 'créé par node-sdk ✓\nligne 2';
const VALUE_2 = 'mis à jour par node-sdk ✓';

function statusOf(err) {
  const m = /\[StatusCode=(\d+)\]/.exec((err && err.message) || '') || /status (\d+)/.exec((err && err.message) || '');
  return m ? Number(m[1]) : undefined;
}

async function main() {
  const [fixture, mode] = loadFixture();
  const base = fixture.baseUrl;
  const projectId = fixture.projectId;
  const tokens = fixture.tokens;
  const rep = new Reporter(CLIENT);
  const rec = new Recorder('node-sdk');

  // Observe every request the SDK makes (it calls the global fetch at request time).
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (url, init) => {
    const u = new URL(String(url));
    const method = (init && init.method) || 'GET';
    try {
      const res = await realFetch(url, init);
      rec.add(method, u.pathname + u.search, res.status);
      return res;
    } catch (err) {
      rec.add(method, u.pathname + u.search, `network error ${err.message}`);
      throw err;
    }
  };

  const { InfisicalSDK } = require('@infisical/sdk');
  function make(token) {
    const sdk = new InfisicalSDK({ siteUrl: base });
    sdk.auth().accessToken(token);
    return sdk;
  }
  async function call(fn) {
    try {
      return [await fn(), null];
    } catch (err) {
      if (err && (err.name === 'InfisicalSDKRequestError' || err.name === 'InfisicalSDKError')) return [null, err];
      throw err;
    }
  }
  const asMap = (secrets) => Object.fromEntries(secrets.map((s) => [s.secretKey, s.secretValue]));
  const list = (sdk, environment, secretPath) => call(() => sdk.secrets().listSecrets({
    environment, projectId, secretPath, includeImports: true,
  }));
  const get = (sdk, environment, secretPath, secretName) => call(() => sdk.secrets().getSecret({
    environment, projectId, secretPath, secretName,
  }));

  async function refusedAuth(tokenName, label) {
    await rep.guard(`refused: ${label}`, async () => {
      const [res, err] = await list(make(tokens[tokenName]), 'dev', '/');
      rep.check(`refused: ${label} (401 with a JSON message)`,
        err && err.name === 'InfisicalSDKRequestError' && statusOf(err) === 401,
        () => (err ? `${err.name}: ${err.message}` : `listed ${res.secrets.length} secrets`));
    });
  }
  if (mode === 'expired') {
    await refusedAuth('expiring', 'expired token');
    return rep;
  }

  // --- reads
  for (const [label, tok, env, path, want] of expectedViews(fixture)) {
    const sdk = make(tokens[tok]);
    await rep.guard(`list ${label}`, async () => {
      const mark = rec.mark();
      const [res, err] = await list(sdk, env, path);
      if (err) { rep.fail(`list ${label}`, `${err.message}; ${describe(rec.since(mark))}`); return; }
      const got = asMap(res.secrets);
      const dup = Object.keys(got).length !== res.secrets.length;
      rep.check(`list ${label} returns exactly the expected secrets`, sameMap(got, want) && !dup,
        () => diffMaps(got, want) + (dup ? '; duplicate names' : ''));
    });
    for (const [key, value] of Object.entries(want)) {
      const desc = `get ${key} (${label})`;
      await rep.guard(desc, async () => {
        const [secret, err] = await get(sdk, env, path, key);
        if (err) rep.fail(desc, err.message);
        else rep.check(desc, secret && secret.secretKey === key && secret.secretValue === value,
          () => `got ${short(secret)} want ${short(value)}`);
      });
    }
  }

  // The 3-part access token alone (what Envkeep's docs tell users to send) works too.
  await rep.guard('list dev:/ with the 3-part access token', async () => {
    const access = tokens.root.split('.').slice(0, 3).join('.');
    const [res, err] = await list(make(access), 'dev', '/');
    const want = fixture.secrets.dev['/'];
    rep.check('list dev:/ with the 3-part access token st.<id>.<secret>',
      !err && sameMap(asMap(res.secrets), want), () => (err ? err.message : diffMaps(asMap(res.secrets), want)));
  });

  // Single non-glob scope override (reference §4.5).
  await rep.guard('single-scope override', async () => {
    const [res, err] = await list(make(tokens.db), 'dev', '/');
    const want = fixture.secrets.dev['/app/db'];
    rep.check('single-scope override: dev:/app/db token asking for dev:/ gets dev:/app/db',
      !err && sameMap(asMap(res.secrets), want), () => (err ? err.message : diffMaps(asMap(res.secrets), want)));
  });

  // Folder listing through /api/v1/folders with the glob token (dev:/** covers /app).
  await rep.guard('list folders', async () => {
    const [folders, err] = await call(() => make(tokens.glob).folders().listFolders({
      environment: 'dev', projectId, path: '/app',
    }));
    const names = Array.isArray(folders) ? folders.map((f) => f.name) : folders;
    rep.check('list folders of dev:/app (GET /api/v1/folders) shows "db"',
      !err && Array.isArray(names) && names.length === 1 && names[0] === 'db',
      () => (err ? err.message : `got ${short(names)}`));
  });

  // --- scope enforcement (a single non-glob scope is overridden on raw reads, not refused)
  for (const [label, tok, env, path] of outOfScopeViews()) {
    if (tok === 'root') continue;
    await rep.guard(`refused: ${label}`, async () => {
      const [res, err] = await list(make(tokens[tok]), env, path);
      rep.check(`refused: ${label} (403)`, err && statusOf(err) === 403,
        () => (err ? err.message : `listed ${res.secrets.length} secrets`));
    });
  }

  // --- wrong secret
  await refusedAuth('wrongSecret', 'wrong token secret');

  // --- writes with a read+write token
  const env = fixture.writeEnv;
  const path = fixture.writePath;
  const writer = make(tokens.write);
  const where = { environment: env, projectId, secretPath: path };

  async function readBack(desc, want) {
    const [secret, err] = await get(make(tokens.write), env, path, WRITE_NAME);
    rep.check(desc, !err && secret && secret.secretValue === want,
      () => (err ? err.message : `got ${short(secret && secret.secretValue)} want ${short(want)}`));
  }
  await rep.guard('create with the write token', async () => {
    const [, err] = await call(() => writer.secrets().createSecret(WRITE_NAME, {
      ...where, secretValue: VALUE_1, secretComment: 'written by node-sdk',
    }));
    if (rep.check(`create ${WRITE_NAME} in ${env}:${path} with the write token`, !err, err && err.message)) {
      await readBack('created value reads back', VALUE_1);
    }
  });
  await rep.guard('update with the write token', async () => {
    const [, err] = await call(() => writer.secrets().updateSecret(WRITE_NAME, { ...where, secretValue: VALUE_2 }));
    if (rep.check(`update ${WRITE_NAME} with the write token`, !err, err && err.message)) {
      await readBack('updated value reads back', VALUE_2);
    }
  });
  await rep.guard('delete with the write token', async () => {
    const [, err] = await call(() => writer.secrets().deleteSecret(WRITE_NAME, where));
    if (!rep.check(`delete ${WRITE_NAME} with the write token`, !err, err && err.message)) return;
    const [secret, err2] = await get(make(tokens.write), env, path, WRITE_NAME);
    rep.check('deleted secret is gone (404)', err2 && statusOf(err2) === 404,
      () => (err2 ? err2.message : `still there: ${short(secret)}`));
  });

  // --- writes refused for a read-only token with the same scope
  const reader = make(tokens.prodRead);
  const attempts = [
    ['create', () => reader.secrets().createSecret(DENIED_NAME, { ...where, secretValue: 'nope' })],
    ['update', () => reader.secrets().updateSecret('PROD_EXISTING', { ...where, secretValue: 'changed' })],
    ['delete', () => reader.secrets().deleteSecret('PROD_EXISTING', where)],
  ];
  for (const [what, fn] of attempts) {
    await rep.guard(`read-only token refused: ${what}`, async () => {
      const [res, err] = await call(fn);
      rep.check(`read-only token refused: ${what} (403)`, err && statusOf(err) === 403,
        () => (err ? err.message : `succeeded: ${short(res)}`));
    });
  }
  await rep.guard('refused writes changed nothing', async () => {
    const [res, err] = await list(make(tokens.prodRead), env, path);
    const got = res ? asMap(res.secrets) : {};
    rep.check('refused writes changed nothing', !err && got.PROD_EXISTING === 'keep-me' && !(DENIED_NAME in got),
      () => (err ? err.message : `PROD_EXISTING=${short(got.PROD_EXISTING)}, ${DENIED_NAME} present=${DENIED_NAME in got}`));
  });
  return rep;
}

main().then(
  (rep) => { process.exitCode = rep.failed ? 1 : 0; },
  (err) => { console.error(err); process.exitCode = 1; },
);
