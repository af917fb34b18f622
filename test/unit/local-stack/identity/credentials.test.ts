import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callerArn, resolveCaller } from '../../../../src/local-stack/identity/caller.js';
import { SessionStore } from '../../../../src/local-stack/identity/sessions.js';
import { decodeJwt } from '../../../../src/local-stack/oidc/jwt.js';
import { LocalOidcIssuer } from '../../../../src/local-stack/oidc/issuer.js';
import { handleOidcRequest } from '../../../../src/local-stack/oidc/routes.js';
import { IamStore } from '../../../../src/local-stack/services/iam/store.js';
import { verifyWebIdentityToken } from '../../../../src/local-stack/services/sts/web-identity.js';
import { StateStore } from '../../../../src/local-stack/state.js';
import { Readable } from 'node:stream';

const DEFAULT_ACCOUNT = '000000000000';
const ROLE = {
  accountId: '123456789012',
  roleName: 'deployer',
  roleId: 'AROAEXAMPLE000000000',
  roleArn: 'arn:aws:iam::123456789012:role/deployer',
  sessionName: 'ci'
};

describe('credentials and accounts', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'identity-unit-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('chooses the account by access key id: a 12-digit id is that account, any other key the default one', () => {
    const sessions = new SessionStore(new StateStore(dataDir));
    const resolve = (accessKeyId: string) =>
      resolveCaller({ accessKeyId, sessionToken: undefined }, DEFAULT_ACCOUNT, sessions, 'query').accountId;
    expect(resolve('111111111111')).toBe('111111111111');
    expect(resolve('modelship-local')).toBe(DEFAULT_ACCOUNT);
    expect(resolve('ASIAUNKNOWN000000000')).toBe(DEFAULT_ACCOUNT);
  });

  it('keeps temporary credentials across a restart, until they expire; refuses a wrong session token', () => {
    const issued = new SessionStore(new StateStore(dataDir)).issue(
      ROLE,
      900,
      new Date('2026-01-01T00:00:00Z')
    );
    expect(issued.accessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    const restarted = new SessionStore(new StateStore(dataDir));
    const credentials = { accessKeyId: issued.accessKeyId, sessionToken: issued.sessionToken };
    const caller = resolveCaller(
      credentials,
      DEFAULT_ACCOUNT,
      restarted,
      'query',
      new Date('2026-01-01T00:14:59Z')
    );
    expect(caller).toMatchObject({ accountId: ROLE.accountId, session: { roleArn: ROLE.roleArn } });
    expect(callerArn(caller, 'aws-cn')).toBe('arn:aws-cn:sts::123456789012:assumed-role/deployer/ci');

    const expired = new Date('2026-01-01T00:15:00Z');
    expect(() => resolveCaller(credentials, DEFAULT_ACCOUNT, restarted, 'query', expired)).toThrow(
      expect.objectContaining({ code: 'ExpiredToken', status: 403 })
    );
    expect(() => resolveCaller(credentials, DEFAULT_ACCOUNT, restarted, 'json', expired)).toThrow(
      expect.objectContaining({ code: 'ExpiredTokenException' })
    );
    const forged = { ...credentials, sessionToken: 'forged' };
    expect(() => resolveCaller(forged, DEFAULT_ACCOUNT, restarted, 'query')).toThrow(
      expect.objectContaining({ code: 'InvalidClientTokenId' })
    );
  });
});

describe('the local OIDC issuer and web identity verification', () => {
  let dataDir: string;
  let state: StateStore;
  let issuer: LocalOidcIssuer;
  let iam: IamStore;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'identity-oidc-'));
    state = new StateStore(dataDir);
    issuer = new LocalOidcIssuer(state);
    iam = new IamStore(state);
    iam.account(ROLE.accountId).oidcProviders[
      'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com'
    ] = {
      Arn: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
      Url: 'token.actions.githubusercontent.com',
      ClientIDList: ['sts.amazonaws.com'],
      ThumbprintList: [],
      CreateDate: new Date(),
      Tags: []
    };
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it.each([
    [{ repository: 'acme/model', environment: 'production' }, 'repo:acme/model:environment:production'],
    [{ repository: 'acme/model' }, 'repo:acme/model:ref:refs/heads/main'],
    [{ repository: 'acme/model', ref: 'refs/tags/v1' }, 'repo:acme/model:ref:refs/tags/v1'],
    [{ repository: 'acme/model', subject: 'repo:acme/model:pull_request' }, 'repo:acme/model:pull_request']
  ])('mints %j with sub %s', (request, subject) => {
    const claims = decodeJwt(issuer.mint(request))?.claims;
    expect(claims).toMatchObject({
      iss: 'https://token.actions.githubusercontent.com',
      aud: 'sts.amazonaws.com',
      sub: subject
    });
  });

  it('keeps its key across a restart, so earlier tokens still verify', async () => {
    const token = issuer.mint({ repository: 'acme/model', environment: 'production' });
    const restarted = new LocalOidcIssuer(new StateStore(dataDir));
    await expect(verifyWebIdentityToken(token, ROLE.accountId, iam, restarted)).resolves.toMatchObject({
      subject: 'repo:acme/model:environment:production',
      audience: 'sts.amazonaws.com'
    });
  });

  it('refuses a token signed by another key, for another audience, expired, or from an unregistered issuer', async () => {
    const stranger = new LocalOidcIssuer(new StateStore(mkdtempSync(join(dataDir, 'other-'))));
    const verify = (token: string, accountId = ROLE.accountId) =>
      verifyWebIdentityToken(token, accountId, iam, issuer);
    await expect(verify(stranger.mint({ repository: 'acme/model' }))).rejects.toMatchObject({
      code: 'InvalidIdentityToken',
      message: expect.stringContaining('signature')
    });
    await expect(verify(issuer.mint({ repository: 'acme/model', audience: 'other' }))).rejects.toMatchObject({
      code: 'InvalidIdentityToken',
      message: 'Incorrect token audience'
    });
    await expect(
      verify(issuer.mint({ repository: 'acme/model', expiresInSeconds: 0 }))
    ).rejects.toMatchObject({
      code: 'ExpiredTokenException',
      message: expect.stringMatching(
        /^Token expired: current date\/time \d+ must be before the expiration date\/time \d+$/
      )
    });
    await expect(verify(issuer.mint({ repository: 'acme/model' }), '999999999999')).rejects.toMatchObject({
      code: 'InvalidIdentityToken',
      message:
        'No OpenIDConnect provider found in your account for https://token.actions.githubusercontent.com'
    });
    await expect(verify('not-a-jwt')).rejects.toMatchObject({ code: 'InvalidIdentityToken' });
  });

  it('answers token requests that lack a repository or carry bad members with 400 and the reason', () => {
    const request = (method: string, path: string, body = '') => ({
      method,
      path: `/_modelship/oidc${path.split('?')[0]}`,
      query: new URLSearchParams(path.split('?')[1] ?? ''),
      headers: { host: '127.0.0.1:4510' },
      body: Buffer.from(body)
    });
    const missing = handleOidcRequest(issuer, request('GET', '/token?audience=sts.amazonaws.com'));
    expect(missing.status).toBe(400);
    expect(bodyText(missing.body)).toContain("'repository' (OWNER/REPO) is required");
    const badTtl = handleOidcRequest(
      issuer,
      request('POST', '/token', '{"repository":"a/b","expiresInSeconds":"soon"}')
    );
    expect(bodyText(badTtl.body)).toContain("'expiresInSeconds' must be a whole number of seconds");
    const posted = handleOidcRequest(
      issuer,
      request('POST', '/token', '{"repository":"a/b","claims":{"workflow":"release"}}')
    );
    expect(decodeJwt(JSON.parse(bodyText(posted.body)).value)?.claims).toMatchObject({
      workflow: 'release',
      repository: 'a/b'
    });
    const discovery = handleOidcRequest(issuer, request('GET', '/.well-known/openid-configuration'));
    expect(JSON.parse(bodyText(discovery.body))).toMatchObject({
      jwks_uri: 'http://127.0.0.1:4510/_modelship/oidc/.well-known/jwks'
    });
  });
});

/** The OIDC issuer answers with whole bodies, never streams. */
function bodyText(body: Buffer | string | Readable): string {
  if (body instanceof Readable) throw new Error('The OIDC issuer answered with a stream');
  return body.toString();
}
