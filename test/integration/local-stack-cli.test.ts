import { jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateRepositoryCommand, DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { PROJECT_ROOT } from '../helpers/action-runner.js';
import { startLocalStack } from '../helpers/local-stack.js';

// Starting and stopping stacks takes seconds, and far longer on a busy machine.
jest.setTimeout(180_000);

const BIN = join(PROJECT_ROOT, 'bin', 'modelship.js');

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

async function modelship(...args: string[]): Promise<CliRun> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Reads `export NAME='value'` lines back into variables. */
function parseExports(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [, name, value] of text.matchAll(/^export (\w+)='([^']*)'$/gm))
    env[name as string] = value as string;
  return env;
}

function ecrClient(env: Record<string, string>): ECRClient {
  return new ECRClient({
    region: env['AWS_REGION'] as string,
    endpoint: env['AWS_ENDPOINT_URL'] as string,
    credentials: { accessKeyId: env['AWS_ACCESS_KEY_ID'] as string, secretAccessKey: 'x' }
  });
}

function alive(pid: number): boolean {
  return existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
}

describe('local stacks started without ports', () => {
  const first = mkdtempSync(join(tmpdir(), 'modelship-cli-a-'));
  const second = mkdtempSync(join(tmpdir(), 'modelship-cli-b-'));
  afterAll(async () => {
    for (const dataDir of [first, second]) {
      await modelship('local', 'down', '--data-dir', dataDir);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('run side by side, and a restart keeps the registry port its repository URIs name', async () => {
    // The first takes the default ports unless something (another stack) holds them; the second cannot.
    const a = await modelship('local', 'up', '--data-dir', first);
    const b = await modelship('local', 'up', '--data-dir', second);
    expect([a.code, b.code, b.stderr]).toEqual([0, 0, '']);
    const envA = parseExports(a.stdout);
    const envB = parseExports(b.stdout);
    expect(envB['AWS_ENDPOINT_URL']).not.toBe(envA['AWS_ENDPOINT_URL']);
    expect(envB['MODELSHIP_LOCAL_REGISTRY']).not.toBe(envA['MODELSHIP_LOCAL_REGISTRY']);

    const created = await ecrClient(envB).send(
      new CreateRepositoryCommand({ repositoryName: 'side/by-side' })
    );
    expect((await modelship('local', 'down', '--data-dir', second)).code).toBe(0);
    const restarted = parseExports((await modelship('local', 'up', '--data-dir', second)).stdout);
    expect(restarted['MODELSHIP_LOCAL_REGISTRY']).toBe(envB['MODELSHIP_LOCAL_REGISTRY']);
    const repositories = await ecrClient(restarted).send(new DescribeRepositoriesCommand({}));
    expect(repositories.repositories?.map((repository) => repository.repositoryUri)).toEqual([
      created.repository?.repositoryUri
    ]);
  });
  it('refuses to move the registry of a data directory whose port another program holds, and says why', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', () => resolve()));
    const held = (holder.address() as { port: number }).port;
    const dataDir = mkdtempSync(join(tmpdir(), 'modelship-cli-held-'));
    try {
      writeFileSync(join(dataDir, 'local-stack-ports.json'), JSON.stringify({ port: 0, registryPort: held }));
      const run = await modelship('local', 'up', '--data-dir', dataDir);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        `Registry port ${held} is already in use. The stack of ${dataDir} keeps it`
      );
      expect(run.stderr).toContain('--registry-port');
    } finally {
      holder.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('modelship local up | status | env | down', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'modelship-cli-'));
  const flags = ['--data-dir', dataDir, '--port', '0', '--registry-port', '0'];
  afterAll(async () => {
    await modelship('local', 'down', '--data-dir', dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts in the background, is idempotent, stops everything and keeps state across restarts', async () => {
    const first = await modelship('local', 'up', ...flags);
    expect(first.code).toBe(0);
    const env = parseExports(first.stdout);
    expect(env).toEqual({
      AWS_ENDPOINT_URL: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: expect.any(String),
      AWS_SECRET_ACCESS_KEY: expect.any(String),
      MODELSHIP_LOCAL_REGISTRY: expect.stringMatching(/^127\.0\.0\.1:\d+$/)
    });

    expect(first.stdout).toContain(`eval "$(modelship local env --data-dir '${dataDir}')"`);

    const again = await modelship('local', 'up', ...flags);
    expect(again.stdout).toContain('already running');
    expect(parseExports(again.stdout)).toEqual(env);
    expect(parseExports((await modelship('local', 'env', '--data-dir', dataDir)).stdout)).toEqual(env);

    const status = await modelship('local', 'status', '--data-dir', dataDir);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/registry\s+127\.0\.0\.1:\d+ \(running\)/);
    expect(status.stdout).toMatch(/services\s+.*\becr\b/);

    await ecrClient(env).send(new CreateRepositoryCommand({ repositoryName: 'cli-test/kept' }));
    const registryPid = Number(readFileSync(join(dataDir, 'registry', 'registry.pid'), 'utf8'));
    expect(alive(registryPid)).toBe(true);

    const down = await modelship('local', 'down', '--data-dir', dataDir);
    expect(down.stdout).toContain('Local stack stopped.');
    expect(alive(registryPid)).toBe(false);
    expect((await modelship('local', 'status', '--data-dir', dataDir)).code).toBe(3);
    expect((await modelship('local', 'env', '--data-dir', dataDir)).code).toBe(1);
    expect((await modelship('local', 'down', '--data-dir', dataDir)).stdout).toContain('was not running');

    const restarted = parseExports((await modelship('local', 'up', ...flags)).stdout);
    const repositories = await ecrClient(restarted).send(new DescribeRepositoriesCommand({}));
    expect(repositories.repositories?.map((repository) => repository.repositoryUri)).toEqual([
      `${restarted['MODELSHIP_LOCAL_REGISTRY']}/cli-test/kept`
    ]);
  });

  it('answers as its --account-id, and `local reset` empties the running stack', async () => {
    const resetDir = mkdtempSync(join(tmpdir(), 'modelship-cli-reset-'));
    const reset = () => modelship('local', 'reset', '--data-dir', resetDir);
    try {
      expect((await reset()).stderr).toContain(
        "The local stack is not running. Start it with 'modelship local up'."
      );
      const started = await modelship(
        'local',
        'up',
        '--data-dir',
        resetDir,
        '--port',
        '0',
        '--registry-port',
        '0',
        '--account-id',
        '123456789012'
      );
      expect(started.code).toBe(0);
      const ecr = ecrClient(parseExports(started.stdout));
      try {
        const created = await ecr.send(new CreateRepositoryCommand({ repositoryName: 'cli-test/reset' }));
        expect(created.repository?.repositoryArn).toBe(
          'arn:aws:ecr:us-east-1:123456789012:repository/cli-test/reset'
        );
        expect((await modelship('local', 'status', '--data-dir', resetDir)).stdout).toContain(
          'account 123456789012'
        );
        const done = await reset();
        expect(done).toMatchObject({ code: 0, stdout: expect.stringContaining('Local stack reset') });
        expect((await ecr.send(new DescribeRepositoriesCommand({}))).repositories).toEqual([]);
      } finally {
        ecr.destroy();
      }
    } finally {
      await modelship('local', 'down', '--data-dir', resetDir);
      rmSync(resetDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('cleans up the registry of a stack that was killed outright', async () => {
    const killedDir = mkdtempSync(join(tmpdir(), 'modelship-cli-killed-'));
    try {
      expect(
        (await modelship('local', 'up', '--data-dir', killedDir, '--port', '0', '--registry-port', '0')).code
      ).toBe(0);
      const servePid = Number(readFileSync(join(killedDir, 'local-stack.pid'), 'utf8'));
      const registryPid = Number(readFileSync(join(killedDir, 'registry', 'registry.pid'), 'utf8'));
      process.kill(servePid, 'SIGKILL');
      while (alive(servePid)) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(alive(registryPid)).toBe(true);
      expect((await modelship('local', 'status', '--data-dir', killedDir)).code).toBe(3);
      const down = await modelship('local', 'down', '--data-dir', killedDir);
      expect(down.stdout).toContain('stopped the registry a killed stack left behind');
      while (alive(registryPid)) await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      rmSync(killedDir, { recursive: true, force: true });
    }
  });

  it('rejects bad options with the usage and exit code 2', async () => {
    const run = await modelship('local', 'up', '--port', 'eighty');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--port 'eighty' is not a port number");
    expect(run.stderr).toContain('Usage: modelship local');
  });

  it('reports a port that is taken instead of starting half a stack', async () => {
    const other = await startLocalStack();
    try {
      const port = new URL(other.endpoint).port;
      const blockedDir = mkdtempSync(join(tmpdir(), 'modelship-cli-blocked-'));
      const run = await modelship(
        'local',
        'up',
        '--data-dir',
        blockedDir,
        '--port',
        port,
        '--registry-port',
        '0'
      );
      rmSync(blockedDir, { recursive: true, force: true });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`Port ${port} is already in use`);
    } finally {
      await other.stop();
    }
  });
});
