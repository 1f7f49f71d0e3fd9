'use strict';
// Infisical parity with npm `@infisical/sdk@5.0.2` and the legacy `infisical-node@1.5.1`:
// references expanded by the server, imports merged by each client its own way. The fixture's
// `parity` project is the reference's §10 plan; the service token `all` reads every target.
// Usage: NODE_PATH=<cache>/npm/node_modules node node_parity.js FIXTURE.json

const { loadFixture, short, Reporter } = require('./compat_common');

async function main() {
  const [fixture, mode] = loadFixture();
  const rep = new Reporter('node-parity (@infisical/sdk@5.0.2, infisical-node@1.5.1)');
  if (mode === 'expired') return rep;
  const { projectId, tokens } = fixture.parity;
  const base = fixture.baseUrl;
  const { InfisicalSDK } = require('@infisical/sdk');
  const sdk = new InfisicalSDK({ siteUrl: base });
  sdk.auth().accessToken(tokens.all);
  const where = { environment: 'dev', projectId, secretPath: '/' };
  const asMap = (secrets) => Object.fromEntries(secrets.map((s) => [s.secretKey, s.secretValue]));

  await rep.guard('listSecrets expands', async () => {
    const res = await sdk.secrets().listSecrets(where);
    const got = asMap(res.secrets);
    rep.check('listSecrets expands REF to l-t', got.REF === 'l-t', short(got.REF));
    rep.check('listSecrets answers imports as an array', Array.isArray(res.imports), short(res.imports));
  });
  await rep.guard('listSecretsWithImports merges', async () => {
    const got = asMap(await sdk.secrets().listSecretsWithImports(where));
    rep.check('listSecretsWithImports: the first import wins (IMP=i1), local wins (DUP=local)',
      got.IMP === 'i1' && got.DUP === 'local' && got.BASE === 'b' && got.TWO === '2', short(got));
  });
  await rep.guard('getSecret expands', async () => {
    const one = await sdk.secrets().getSecret({ ...where, secretName: 'REF' });
    rep.check('getSecret("REF") is expanded', one.secretValue === 'l-t', short(one.secretValue));
    const raw = await sdk.secrets().getSecret({ ...where, secretName: 'REF', expandSecretReferences: false });
    rep.check('getSecret with expandSecretReferences:false is literal',
      raw.secretValue === '${LOCAL}-${prod.api.TOKEN}', short(raw.secretValue));
  });
  await rep.guard('legacy getAllSecrets', async () => {
    const InfisicalClient = require('infisical-node');
    const legacy = new InfisicalClient({ token: tokens.all, siteURL: base, cacheTTL: 0 });
    const all = await legacy.getAllSecrets({ environment: 'dev', path: '/', includeImports: true });
    const got = Object.fromEntries(all.map((s) => [s.secretName, s.secretValue]));
    rep.check('legacy client: the last import wins (IMP=i2) and REF stays literal',
      got.IMP === 'i2' && got.REF === '${LOCAL}-${prod.api.TOKEN}' && got.DUP === 'local', short(got));
  });
  await rep.guard('universal auth', async () => {
    const ident = fixture.parity.identities.I;
    const mi = new InfisicalSDK({ siteUrl: base });
    await mi.auth().universalAuth.login({ clientId: ident.clientId, clientSecret: ident.secrets.node });
    const got = asMap((await mi.secrets().listSecrets(where)).secrets);
    rep.check('universalAuth.login, then listSecrets expands REF', got.REF === 'l-t', short(got.REF));
    await mi.auth().universalAuth.renew();
    const again = asMap((await mi.secrets().listSecrets(where)).secrets);
    rep.check('universalAuth.renew() gives a token that works', again.LOCAL === 'l', short(again));
    let status;
    try {
      await new InfisicalSDK({ siteUrl: base }).auth().universalAuth.login({ clientId: ident.clientId, clientSecret: '0'.repeat(64) });
    } catch (err) {
      status = /\[StatusCode=(\d+)\]/.exec(err.message || '');
    }
    rep.check('a wrong client secret gets [StatusCode=401]', status && status[1] === '401', status);
  });
  const statusOf = async (fn) => {
    try {
      await fn();
      return 200;
    } catch (err) {
      const m = /\[StatusCode=(\d+)\] ?(.*)/.exec(err.message || '');
      return m ? `${m[1]} ${m[2]}` : String(err);
    }
  };
  const loggedIn = async (name) => {
    const ident = fixture.parity.identities[name];
    const mi = new InfisicalSDK({ siteUrl: base });
    await mi.auth().universalAuth.login({ clientId: ident.clientId, clientSecret: ident.secrets.node });
    return mi;
  };
  await rep.guard('access-token uses, IPs and revoke', async () => {
    const limited = await loggedIn('Limited');
    const calls = [];
    for (let i = 0; i < 3; i += 1) calls.push(await statusOf(() => limited.secrets().listSecrets(where)));
    rep.check('accessTokenNumUsesLimit=2: two calls, the 3rd gets [StatusCode=401]',
      calls[0] === 200 && calls[1] === 200 && String(calls[2]).startsWith('401'), short(calls));
    const fenced = await loggedIn('Fenced');
    const outside = await statusOf(() => fenced.secrets().listSecrets(where));
    rep.check('access-token trusted IPs 10.9.9.9/32: a call from 127.0.0.1 gets [StatusCode=403]',
      String(outside).startsWith('403'), outside);
    const mi = await loggedIn('I');
    const token = mi.auth().getAccessToken();
    const res = await fetch(`${base}/api/v1/auth/token/revoke`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ accessToken: token }),
    });
    const after = await statusOf(() => mi.secrets().listSecrets(where));
    rep.check('after a revoke through plain HTTP the token gets [StatusCode=401]',
      res.status === 200 && String(after).startsWith('401'), `${res.status}, ${after}`);
  });
  await rep.guard('renew() and the TTL', async () => {
    // Identity Renewing: accessTokenTTL 2 s, accessTokenMaxTTL 4 s. Times are taken after each
    // answer, so every wait below errs on the side the check needs (the token's clock started
    // before the answer arrived).
    const ident = fixture.parity.identities.Renewing;
    const mi = new InfisicalSDK({ siteUrl: base });
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const until = (t) => sleep(Math.max(0, t - Date.now()));
    const list = () => mi.secrets().listSecrets({ ...where, expandSecretReferences: false });
    await mi.auth().universalAuth.login({ clientId: ident.clientId, clientSecret: ident.secrets.node });
    const loggedIn = Date.now();
    const first = mi.auth().getAccessToken();
    await until(loggedIn + 1000);
    await mi.auth().universalAuth.renew();
    const renewed = Date.now();
    await until(loggedIn + 2200);
    rep.check('a token renewed at 1 s still works at 2.2 s, past the TTL counted from login (2 s)',
      (await statusOf(list)) === 200);
    const late = await statusOf(() => mi.auth().universalAuth.renew());
    rep.check('renew() that would run past the max TTL (4 s) is refused with [StatusCode=401]',
      String(late).startsWith('401') && /Max TTL/.test(late), late);
    await until(renewed + 2200);
    const expired = await statusOf(list);
    rep.check('2 s after its last renewal the token is refused with [StatusCode=401] (TTL)',
      String(expired).startsWith('401') && /TTL/.test(expired) && !/Max TTL/.test(expired), expired);
    const dead = await statusOf(() => mi.auth().universalAuth.renew());
    rep.check('renew() of a token past its TTL is refused with [StatusCode=401], as Infisical does',
      String(dead).startsWith('401'), dead);
    await mi.auth().universalAuth.login({ clientId: ident.clientId, clientSecret: ident.secrets.node });
    rep.check('a new login then reads again', mi.auth().getAccessToken() !== first && (await statusOf(list)) === 200);
  });
  return rep;
}

main().then((rep) => process.exit(rep.failed ? 1 : 0), (err) => {
  console.error(err);
  process.exit(1);
});
