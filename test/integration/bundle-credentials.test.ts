import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { jest } from '@jest/globals';
import { displayedLog, runBundledAction, type ActionRun } from '../helpers/action-runner.js';
import { verifySigV4, type ReceivedRequest } from '../helpers/sigv4.js';

jest.setTimeout(60_000);

/**
 * The bundled deploy-cfn-stack, run as the runner runs it with no access keys in its environment, signs
 * with the credentials of each source of the AWS SDK's default chain. The bundle loads each source's code
 * as a chunk of its own when the chain reaches it, so a chunk left out of dist/ or a source the bundler
 * dropped fails only on a runner that gets its credentials some other way than from the environment.
 *
 * One HTTP server (AWS_ENDPOINT_URL) stands in for every endpoint the chain talks to: STS, SSO, the
 * container and instance metadata services. Each hands out its own credentials only when asked with the
 * token it was set up with. The stand-in refuses the action's first CloudFormation call, ending the run;
 * that call's signature tells which credentials signed it.
 */

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const STOP_MESSAGE = 'the stand-in ends the run at the first signed request';

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Credentials no other source hands out, so a signature names the source that supplied it. */
const credentialsOf = (source: string, session = true): Credentials => {
  const tag = source.toUpperCase().replace(/[^A-Z]/g, '');
  const secret = { accessKeyId: `AKID${tag}`, secretAccessKey: `${tag}/wJalrXUtnFEMI+K7MDENG/bPxRfiCY` };
  return session ? { ...secret, sessionToken: `${tag}/IQoJb3JpZ2luX2VjEJr//wEaCXVz` } : secret;
};

const FROM = {
  environment: credentialsOf('environment'),
  sharedFile: credentialsOf('shared-file', false),
  sharedFileDefaultProfile: credentialsOf('default-profile', false),
  process: credentialsOf('process'),
  webIdentity: credentialsOf('web-identity'),
  container: credentialsOf('container'),
  instanceMetadata: credentialsOf('instance-metadata'),
  sso: credentialsOf('sso')
};

const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/deployer`;
const WEB_IDENTITY_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.github-oidc-token.signature';
const CONTAINER_PATH = '/v2/credentials/task';
const CONTAINER_TOKEN = 'container-authorization-token';
const IMDS_TOKEN = 'instance-metadata-session-token';
const IMDS_ROLE = 'runner-instance-role';
const SSO_START_URL = 'https://modelship-test.awsapps.com/start';
const SSO_ROLE = 'deployer';
const SSO_ACCESS_TOKEN = 'sso-portal-access-token';

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

const inAnHour = () => new Date(Date.now() + 3_600_000);
const json = (value: unknown, status = 200): Answer => ({
  status,
  contentType: 'application/json',
  body: JSON.stringify(value)
});
const xml = (body: string, status = 200): Answer => ({ status, contentType: 'text/xml', body });
const refused = (what: string): Answer => ({ status: 403, contentType: 'text/plain', body: what });
const queryError = (code: string, message: string, status: number) =>
  xml(
    `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>stand-in</RequestId></ErrorResponse>`,
    status
  );

function assumeRoleWithWebIdentity(form: URLSearchParams): Answer {
  if (form.get('RoleArn') !== ROLE_ARN || form.get('WebIdentityToken') !== WEB_IDENTITY_TOKEN) {
    return queryError('AccessDenied', 'not the role and token the stand-in expects', 403);
  }
  const { accessKeyId, secretAccessKey, sessionToken } = FROM.webIdentity;
  return xml(
    `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${secretAccessKey}</SecretAccessKey><SessionToken>${sessionToken}</SessionToken><Expiration>${inAnHour().toISOString()}</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::${ACCOUNT}:assumed-role/deployer/run</Arn><AssumedRoleId>AROA:run</AssumedRoleId></AssumedRoleUser></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`
  );
}

/** The container and instance metadata services' credential document. */
const metadataCredentials = ({ accessKeyId, secretAccessKey, sessionToken }: Credentials) =>
  json({
    Code: 'Success',
    AccessKeyId: accessKeyId,
    SecretAccessKey: secretAccessKey,
    Token: sessionToken,
    Expiration: inAnHour().toISOString()
  });

/** IMDSv2: a session token first (PUT), then the role's name and its credentials with that token. */
function instanceMetadata(method: string, path: string, headers: IncomingHttpHeaders): Answer {
  if (path === '/latest/api/token' && method === 'PUT') {
    return { status: 200, contentType: 'text/plain', body: IMDS_TOKEN };
  }
  if (headers['x-aws-ec2-metadata-token'] !== IMDS_TOKEN) return refused('no IMDSv2 session token');
  if (path === '/latest/meta-data/iam/security-credentials/') {
    return { status: 200, contentType: 'text/plain', body: IMDS_ROLE };
  }
  if (path === `/latest/meta-data/iam/security-credentials/${IMDS_ROLE}`) {
    return metadataCredentials(FROM.instanceMetadata);
  }
  return { status: 404, contentType: 'text/plain', body: `no metadata at ${path}` };
}

function ssoRoleCredentials(url: URL, headers: IncomingHttpHeaders): Answer {
  if (
    headers['x-amz-sso_bearer_token'] !== SSO_ACCESS_TOKEN ||
    url.searchParams.get('account_id') !== ACCOUNT ||
    url.searchParams.get('role_name') !== SSO_ROLE
  ) {
    return json({ message: 'not the token, account and role the stand-in expects' }, 401);
  }
  const { accessKeyId, secretAccessKey, sessionToken } = FROM.sso;
  return json({
    roleCredentials: { accessKeyId, secretAccessKey, sessionToken, expiration: inAnHour().getTime() }
  });
}

const isSigned = (request: ReceivedRequest) =>
  String(request.headers.authorization).startsWith('AWS4-HMAC-SHA256');

function answer(request: ReceivedRequest): Answer {
  const url = new URL(request.path, 'http://stand-in');
  if (isSigned(request)) return queryError('StandInStop', STOP_MESSAGE, 400);
  const form = new URLSearchParams(request.body.toString('utf8'));
  if (form.get('Action') === 'AssumeRoleWithWebIdentity') return assumeRoleWithWebIdentity(form);
  if (url.pathname === '/federation/credentials') return ssoRoleCredentials(url, request.headers);
  if (url.pathname === CONTAINER_PATH) {
    return request.headers.authorization === CONTAINER_TOKEN
      ? metadataCredentials(FROM.container)
      : refused('not the container authorization token');
  }
  if (url.pathname.startsWith('/latest/')) {
    return instanceMetadata(request.method, url.pathname, request.headers);
  }
  return { status: 404, contentType: 'text/plain', body: `no ${request.method} ${url.pathname} here` };
}

class AwsStandIn {
  readonly received: ReceivedRequest[] = [];
  url = '';
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received = {
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks)
      };
      this.received.push(received);
      const { status, contentType, body } = answer(received);
      response.writeHead(status, { 'content-type': contentType });
      response.end(body);
    });
  });

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The access key and service of a SigV4 Authorization header's credential scope. */
function credentialScope(request: ReceivedRequest) {
  const scope = /Credential=([^/]+)\/\d{8}\/[^/]+\/([^/]+)\//.exec(String(request.headers.authorization));
  return { accessKeyId: scope?.[1], service: scope?.[2] };
}

/** What a signed request shows of the credentials that signed it. */
function signature(request: ReceivedRequest, secretAccessKey: string) {
  return {
    ...credentialScope(request),
    sessionToken: request.headers['x-amz-security-token'],
    signedWithSecret: verifySigV4(request, secretAccessKey).valid
  };
}

const write = (path: string, text: string) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
};

/** Where each case's files live: a fresh home, so the machine's own AWS files never take part. */
interface Place {
  home: string;
  configFile: string;
  credentialsFile: string;
  standIn: string;
}

interface SourceCase {
  source: string;
  expected: Credentials;
  /** Writes the source's files and returns the environment that selects it. */
  setUp: (place: Place) => Record<string, string | undefined>;
}

const sources: SourceCase[] = [
  {
    source: 'environment variables',
    expected: FROM.environment,
    setUp: () => ({
      AWS_ACCESS_KEY_ID: FROM.environment.accessKeyId,
      AWS_SECRET_ACCESS_KEY: FROM.environment.secretAccessKey,
      AWS_SESSION_TOKEN: FROM.environment.sessionToken
    })
  },
  {
    source: 'a profile of the shared credentials file',
    expected: FROM.sharedFile,
    setUp: ({ credentialsFile }) => {
      const { sharedFile, sharedFileDefaultProfile: decoy } = FROM;
      write(
        credentialsFile,
        `[default]\naws_access_key_id = ${decoy.accessKeyId}\naws_secret_access_key = ${decoy.secretAccessKey}\n\n` +
          `[ci]\naws_access_key_id = ${sharedFile.accessKeyId}\naws_secret_access_key = ${sharedFile.secretAccessKey}\n`
      );
      return { AWS_PROFILE: 'ci' };
    }
  },
  {
    source: 'credential_process in the config file',
    expected: FROM.process,
    setUp: ({ home, configFile }) => {
      const { accessKeyId, secretAccessKey, sessionToken } = FROM.process;
      // The process prints the credentials document the config file's credential_process must print.
      const document = JSON.stringify({
        Version: 1,
        AccessKeyId: accessKeyId,
        SecretAccessKey: secretAccessKey,
        SessionToken: sessionToken,
        Expiration: inAnHour().toISOString()
      });
      const program = join(home, 'credential-process.mjs');
      write(program, `console.log(${JSON.stringify(document)});\n`);
      write(configFile, `[default]\ncredential_process = "${process.execPath}" "${program}"\n`);
      return {};
    }
  },
  {
    source: 'a web identity token (AssumeRoleWithWebIdentity)',
    expected: FROM.webIdentity,
    setUp: ({ home }) => {
      const tokenFile = join(home, 'web-identity-token');
      write(tokenFile, WEB_IDENTITY_TOKEN);
      return { AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile, AWS_ROLE_ARN: ROLE_ARN };
    }
  },
  {
    source: 'the container credentials endpoint',
    expected: FROM.container,
    setUp: ({ standIn }) => ({
      AWS_CONTAINER_CREDENTIALS_FULL_URI: `${standIn}${CONTAINER_PATH}`,
      AWS_CONTAINER_AUTHORIZATION_TOKEN: CONTAINER_TOKEN
    })
  },
  {
    source: 'the instance metadata service',
    expected: FROM.instanceMetadata,
    setUp: ({ standIn }) => ({
      AWS_EC2_METADATA_DISABLED: undefined,
      AWS_EC2_METADATA_SERVICE_ENDPOINT: standIn
    })
  },
  {
    source: 'an SSO profile with a cached sign-in',
    expected: FROM.sso,
    setUp: ({ home, configFile }) => {
      write(
        configFile,
        `[default]\nsso_start_url = ${SSO_START_URL}\nsso_region = ${REGION}\nsso_account_id = ${ACCOUNT}\nsso_role_name = ${SSO_ROLE}\n`
      );
      // Where `aws sso login` caches the portal's token: named after the start URL, under the home.
      const cacheName = createHash('sha1').update(SSO_START_URL).digest('hex');
      write(
        join(home, '.aws', 'sso', 'cache', `${cacheName}.json`),
        JSON.stringify({
          accessToken: SSO_ACCESS_TOKEN,
          expiresAt: inAnHour().toISOString(),
          region: REGION,
          startUrl: SSO_START_URL
        })
      );
      return {};
    }
  }
];

describe('the bundled deploy-cfn-stack finds credentials through every source of the default chain', () => {
  const standIn = new AwsStandIn();
  let place: Place;

  beforeAll(() => standIn.start());
  afterAll(() => standIn.stop());
  beforeEach(() => {
    standIn.received.length = 0;
    const home = mkdtempSync(join(tmpdir(), 'bundle-credentials-'));
    // Outside ~/.aws, so the files are found only because the variables name them.
    place = {
      home,
      configFile: join(home, 'aws-config'),
      credentialsFile: join(home, 'aws-credentials'),
      standIn: standIn.url
    };
    write(
      join(home, 'template.yaml'),
      'Resources:\n  Handle:\n    Type: AWS::CloudFormation::WaitConditionHandle\n'
    );
  });
  afterEach(() => rmSync(place.home, { recursive: true, force: true }));

  /** The action with no AWS variable of the machine, its home and AWS files in `place`, and `env`. */
  const deploy = (env: Record<string, string | undefined>): Promise<ActionRun> => {
    const withoutMachineAws = Object.fromEntries(
      Object.keys(process.env)
        .filter((name) => name.startsWith('AWS_'))
        .map((name) => [name, undefined])
    );
    return runBundledAction('deploy-cfn-stack', {
      inputs: { 'stack-name': 'credentials-check', template: 'template.yaml' },
      env: {
        ...withoutMachineAws,
        HOME: place.home,
        GITHUB_WORKSPACE: place.home,
        AWS_CONFIG_FILE: place.configFile,
        AWS_SHARED_CREDENTIALS_FILE: place.credentialsFile,
        // Off unless a case turns it on: otherwise the chain ends by asking 169.254.169.254.
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_REGION: REGION,
        AWS_ENDPOINT_URL: standIn.url,
        ...env
      }
    });
  };

  const signed = () => standIn.received.filter(isSigned);

  it('signs nothing when no source is set up (nothing of the machine leaks in)', async () => {
    const run = await deploy({});
    expect(signed().map(credentialScope)).toEqual([]);
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(/::error::.*Could not load credentials from any providers/);
  });

  it.each(sources)('signs with the credentials from $source', async ({ expected, setUp }) => {
    const run = await deploy(setUp(place));
    const [first] = signed();
    // Without a signed request, the log says why the chain found nothing.
    expect(first ? signature(first, expected.secretAccessKey) : run.log).toEqual({
      accessKeyId: expected.accessKeyId,
      service: 'cloudformation',
      sessionToken: expected.sessionToken,
      signedWithSecret: true
    });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain(STOP_MESSAGE);
    const secrets = [expected.secretAccessKey, expected.sessionToken].filter(
      (secret) => secret !== undefined
    );
    expect(secrets.filter((secret) => displayedLog(run).includes(secret))).toEqual([]);
  });
});
