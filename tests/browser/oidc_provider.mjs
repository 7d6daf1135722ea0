// A real OpenID Connect provider on loopback for the browser tests (the npm package oidc-provider),
// standing in for the council's Microsoft Entra ID.
//
//   OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI   the one static client (the app under test)
//   OIDC_ACCOUNTS   JSON list of {username, password, email, given_name, family_name, groups, mfa}
//
// Listens on 127.0.0.1 at a free port and prints "listening <issuer>" once ready. Its sign-in page
// asks for the account's username and password; an account with `mfa: true` is reported in the ID
// token's `amr` as ["pwd", "mfa"], as Entra ID does after its own second factor; others as ["pwd"].
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const accounts = new Map(JSON.parse(process.env.OIDC_ACCOUNTS || '[]').map((a) => [a.username, a]));

const signingKey = {
  ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
  kid: 'loopback-signing-key',
  alg: 'RS256',
  use: 'sig',
};

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function signInPage(uid, error = '') {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Council account sign-in (test provider)</title></head>
<body><main><h1>Council account sign-in</h1>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}">
<label for="login">Council username</label> <input id="login" name="login" autocomplete="username">
<label for="password">Council password</label> <input id="password" name="password" type="password">
<button type="submit">Sign in to your council account</button>
</form></main></body></html>`;
}

function readForm(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: process.env.OIDC_CLIENT_ID,
      client_secret: process.env.OIDC_CLIENT_SECRET,
      redirect_uris: [process.env.OIDC_REDIRECT_URI],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    }],
    jwks: { keys: [signingKey] },
    cookies: { keys: ['loopback-provider-cookie-key'] },
    claims: {
      acr: null,
      auth_time: null,
      iss: null,
      sid: null,
      // Entra ID always says how the person authenticated (`amr`); this provider does so with `openid`.
      openid: ['sub', 'amr'],
      email: ['email', 'email_verified'],
      // Entra ID sends `groups` in the ID token whatever the scope; here they ride on `profile`.
      profile: ['preferred_username', 'name', 'given_name', 'family_name', 'groups'],
    },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(ctx, id) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        async claims() {
          return {
            sub: id,
            preferred_username: account.username,
            email: account.email,
            email_verified: true,
            given_name: account.given_name,
            family_name: account.family_name,
            name: `${account.given_name} ${account.family_name}`,
            groups: account.groups,
          };
        },
      };
    },
  });
  const providerCallback = provider.callback();

  server.on('request', async (req, res) => {
    const match = req.url.match(/^\/interaction\/([^/?]+)/);
    if (!match) {
      providerCallback(req, res);
      return;
    }
    try {
      const details = await provider.interactionDetails(req, res);
      if (req.method === 'GET') {
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.end(signInPage(details.uid));
        return;
      }
      const form = await readForm(req);
      const account = accounts.get(form.get('login'));
      if (!account || account.password !== form.get('password')) {
        res.setHeader('Content-Type', 'text/html; charset=utf-8');
        res.end(signInPage(details.uid, 'Wrong username or password'));
        return;
      }
      const grant = new provider.Grant({ accountId: account.username, clientId: details.params.client_id });
      grant.addOIDCScope('openid email profile');
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, {
        login: { accountId: account.username, amr: account.mfa ? ['pwd', 'mfa'] : ['pwd'] },
        consent: { grantId },
      }, { mergeWithLastSubmission: false });
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
  });
  console.log(`listening ${issuer}`);
});
