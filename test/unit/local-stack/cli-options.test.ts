import { execFileSync } from 'node:child_process';
import { formatExports, localStackEnvironment } from '../../../src/cli/environment.js';
import { parseLocalOptions, toFlags, UsageError } from '../../../src/cli/options.js';
import { registryConfig } from '../../../src/local-stack/registry/config.js';
import { parse } from 'yaml';

describe('modelship local options', () => {
  it('defaults to ./.local-stack, us-east-1, account 000000000000, and ports chosen at start', () => {
    expect(parseLocalOptions([], '/work/model')).toEqual({
      dataDir: '/work/model/.local-stack',
      region: 'us-east-1',
      accountId: '000000000000'
    });
  });

  it('reads every flag and writes them back for the background serve', () => {
    const args = [
      '--data-dir',
      'state',
      '--port',
      '0',
      '--registry-port',
      '6000',
      '--region',
      'eu-west-1',
      '--account-id',
      '123456789012',
      '--token-ttl',
      '5',
      '--enforce-iam'
    ];
    const options = parseLocalOptions(args, '/tmp');
    expect(options).toEqual({
      dataDir: '/tmp/state',
      port: 0,
      registryPort: 6000,
      region: 'eu-west-1',
      accountId: '123456789012',
      tokenTtlSeconds: 5,
      enforceIam: true
    });
    expect(parseLocalOptions(toFlags(options), '/elsewhere')).toEqual(options);
  });

  it('passes no ports to the background serve when none were given', () => {
    const options = parseLocalOptions(['--data-dir', '/tmp/state']);
    expect(toFlags(options)).not.toContain('--port');
    expect(toFlags(options)).not.toContain('--registry-port');
    expect(parseLocalOptions(toFlags(options))).toEqual(options);
  });

  it.each([
    [['--port', '70000'], "--port '70000' is not a port number"],
    [['--registry-port', '1e3'], "--registry-port '1e3' is not a port number"],
    [['--region', 'Mars'], "--region 'Mars' is not an AWS region name"],
    [['--token-ttl', '0'], "--token-ttl '0' must be a positive number of seconds"],
    [['--account-id', '1234'], "--account-id '1234' is not an AWS account id"],
    [['--colour'], "Unknown option '--colour'"],
    [['extra'], 'extra']
  ])('rejects %j', (args, message) => {
    expect(() => parseLocalOptions(args)).toThrow(UsageError);
    expect(() => parseLocalOptions(args)).toThrow(message);
  });
});

describe('the printed environment', () => {
  const env = localStackEnvironment({
    endpoint: 'http://127.0.0.1:4510',
    region: 'eu-west-1',
    registryHost: '127.0.0.1:5510'
  });

  it('points AWS clients at the endpoint with dummy credentials', () => {
    expect(env).toEqual({
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4510',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'modelship-local',
      AWS_SECRET_ACCESS_KEY: 'modelship-local-secret',
      MODELSHIP_LOCAL_REGISTRY: '127.0.0.1:5510'
    });
  });

  it('is shell exports that survive quotes when evaluated', () => {
    const script = `${formatExports({ ...env, ODD: "it's $HOME" })}\nprintf '%s|%s' "$AWS_ENDPOINT_URL" "$ODD"`;
    expect(execFileSync('sh', ['-c', script], { encoding: 'utf8' })).toBe("http://127.0.0.1:4510|it's $HOME");
  });
});

describe('docker-registry configuration', () => {
  it('binds the loopback address, enables deletes and guards everything with htpasswd', () => {
    const config = parse(
      registryConfig({
        listenAddress: '127.0.0.1:40000',
        storageDir: '/data/registry/storage',
        htpasswdFile: '/data/registry/htpasswd',
        httpSecret: 's'
      })
    );
    expect(config).toMatchObject({
      version: 0.1,
      storage: { filesystem: { rootdirectory: '/data/registry/storage' }, delete: { enabled: true } },
      http: { addr: '127.0.0.1:40000', secret: 's' },
      auth: { htpasswd: { realm: 'modelship-local', path: '/data/registry/htpasswd' } }
    });
  });
});
