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
  return rep;
}

main().then((rep) => process.exit(rep.failed ? 1 : 0), (err) => {
  console.error(err);
  process.exit(1);
});
