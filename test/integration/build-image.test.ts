import { jest } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PROJECT_ROOT, runBundledAction } from '../helpers/action-runner.js';

jest.setTimeout(600_000);

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const suffix = randomBytes(4).toString('hex');
const image = `modelship-test/build-image-${suffix}`;
// The checkout's own commit, as after actions/checkout: its commit time becomes the `created` label.
const sha = execFileSync('git', ['-C', PROJECT_ROOT, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
const committed = execFileSync('git', ['-C', PROJECT_ROOT, 'show', '--no-patch', '--format=%ct', sha], {
  encoding: 'utf8'
}).trim();

function eventFile(payload: object): string {
  const path = join(mkdtempSync(join(tmpdir(), 'event-')), 'event.json');
  writeFileSync(path, JSON.stringify(payload));
  return path;
}

const githubEnv = {
  GITHUB_WORKSPACE: PROJECT_ROOT,
  GITHUB_REPOSITORY: 'acme/diabetes-model',
  GITHUB_SHA: sha,
  GITHUB_REF: 'refs/pull/5/merge',
  GITHUB_HEAD_REF: 'feature/csv',
  GITHUB_EVENT_NAME: 'pull_request',
  GITHUB_EVENT_PATH: eventFile({ pull_request: { number: 5 }, repository: { default_branch: 'main' } })
};

const buildInputs = {
  context: 'action-templates/model-repo',
  image,
  'build-args': 'UNUSED_ARG=1',
  labels: 'com.example.team=ml-platform'
};

// Removed by reference, never by ID with --force, which would untag another build that shares the ID.
afterAll(() => {
  const references = docker('image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', image)
    .split('\n')
    .filter(Boolean);
  if (references.length > 0) execFileSync('docker', ['image', 'rm', ...references], { stdio: 'ignore' });
});

describe('build-image builds the starter model', () => {
  let outputs: Record<string, string>;
  let summary: string;
  let log: string;

  beforeAll(async () => {
    const run = await runBundledAction('build-image', { inputs: buildInputs, env: githubEnv });
    ({ outputs, summary, log } = run);
    expect({ exitCode: run.exitCode, log: run.exitCode === 0 ? '' : log }).toEqual({ exitCode: 0, log: '' });
  });

  it('tags from the pull request context and reports every output', () => {
    expect(outputs['tags']!.split('\n')).toEqual([`${image}:${sha.slice(0, 7)}`, `${image}:pr-5`]);
    expect(outputs['image']).toBe(`${image}:${sha.slice(0, 7)}`);
    expect(outputs['image-id']).toMatch(/^sha256:[0-9a-f]{64}$/);
    const metadata = JSON.parse(outputs['metadata']!) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      imageId: outputs['image-id'],
      image: outputs['image'],
      builder: 'classic'
    });
    expect(metadata['size']).toBeGreaterThan(1_000_000);
    expect(summary).toContain('<table>');
    expect(summary).toContain(`pr-5`);
    expect(log).toContain('::group::');
  });

  it('labels the image with OCI labels and the user labels', () => {
    const labels = JSON.parse(
      docker('image', 'inspect', '--format', '{{json .Config.Labels}}', outputs['image']!)
    ) as Record<string, string>;
    expect(labels).toMatchObject({
      'org.opencontainers.image.revision': sha,
      'org.opencontainers.image.source': 'https://github.com/acme/diabetes-model',
      'org.opencontainers.image.version': sha.slice(0, 7),
      'org.opencontainers.image.created': new Date(Number(committed) * 1000).toISOString(),
      'com.example.team': 'ml-platform'
    });
    expect(docker('image', 'inspect', '--format', '{{.Id}}', outputs['image']!)).toBe(outputs['image-id']);
  });

  it('tags latest on a push to the default branch, and builds the same commit into the same image', async () => {
    const push = await runBundledAction('build-image', {
      inputs: buildInputs,
      env: {
        ...githubEnv,
        GITHUB_REF: 'refs/heads/main',
        GITHUB_HEAD_REF: '',
        GITHUB_EVENT_NAME: 'push',
        GITHUB_EVENT_PATH: eventFile({ repository: { default_branch: 'main' } })
      }
    });
    expect(push.exitCode).toBe(0);
    expect(push.outputs['tags']!.split('\n')).toEqual([
      `${image}:${sha.slice(0, 7)}`,
      `${image}:main`,
      `${image}:latest`
    ]);
    expect(push.outputs['image-id']).toBe(outputs['image-id']);
  });

  it('serves predictions when started the SageMaker way', async () => {
    const container = docker('run', '--detach', '--publish', '127.0.0.1::8080', outputs['image']!, 'serve');
    try {
      const port = docker('port', container, '8080/tcp').split(':').pop();
      const base = `http://127.0.0.1:${port}`;
      await waitForPing(`${base}/ping`);
      const row = [0.038, 0.051, 0.062, 0.022, -0.044, -0.035, -0.043, -0.003, 0.02, -0.018];
      const json = await fetch(`${base}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ instances: [row] })
      });
      expect(json.status).toBe(200);
      const { predictions } = (await json.json()) as { predictions: number[] };
      expect(predictions[0]).toBeCloseTo(230.93, 1);

      const csv = await fetch(`${base}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv', accept: 'text/csv' },
        body: `${row.join(',')}\n`
      });
      expect(Number((await csv.text()).trim())).toBeCloseTo(predictions[0]!, 5);

      const bad = await fetch(`${base}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"instances": [[1, 2]]}'
      });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: string }).error).toContain('expected 10 numbers');
    } finally {
      execFileSync('docker', ['rm', '--force', container], { stdio: 'ignore' });
    }
  });

  describe('started with no argument', () => {
    let container: string;
    let base: string;

    beforeAll(async () => {
      container = docker('run', '--detach', '--publish', '127.0.0.1::8080', outputs['image']!);
      base = `http://127.0.0.1:${docker('port', container, '8080/tcp').split(':').pop()}`;
      await waitForPing(`${base}/ping`);
    });

    afterAll(() => {
      if (container) execFileSync('docker', ['rm', '--force', container], { stdio: 'ignore' });
    });

    it('runs as a non-root user and turns healthy', async () => {
      expect(docker('exec', container, 'id', '-u')).not.toBe('0');
      await waitFor(() => docker('inspect', '--format', '{{.State.Health.Status}}', container) === 'healthy');
    });

    it.each(smokeCases())('answers the smoke case %s', async (_file, smoke) => {
      const { contentType, accept, body } = smoke.request;
      const response = await fetch(`${base}/invocations`, {
        method: 'POST',
        headers: { 'content-type': contentType, ...(accept && { accept }) },
        body: typeof body === 'string' ? body : JSON.stringify(body)
      });
      expect(response.status).toBe(smoke.expect.status);
      const answer = await response.json();
      for (const check of smoke.expect.values) {
        const actual = valueAt(answer, check.path);
        if (check.equals !== undefined) {
          expect(Math.abs((actual as number) - check.equals)).toBeLessThanOrEqual(check.tolerance ?? 0);
        }
        if (check.matches !== undefined) expect(String(actual)).toMatch(new RegExp(check.matches));
      }
    });
  });
});

interface SmokeCase {
  request: { contentType: string; accept?: string; body: unknown };
  expect: {
    status: number;
    values: { path: string; equals?: number; tolerance?: number; matches?: string }[];
  };
}

/** The starter model's own smoke cases: their expected predictions must be what the built model answers. */
function smokeCases(): [string, SmokeCase][] {
  const dir = join(PROJECT_ROOT, 'action-templates/model-repo/smoke');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => [file, JSON.parse(readFileSync(join(dir, file), 'utf8')) as SmokeCase]);
}

/** Reads `$.key[0].other` paths, the subset the smoke cases use. */
function valueAt(document: unknown, path: string): unknown {
  const steps = [...path.replace(/^\$/, '').matchAll(/\.([\w-]+)|\[(\d+)\]/g)];
  return steps.reduce<unknown>((value, [, key, index]) => {
    if (value === null || typeof value !== 'object') return undefined;
    return (value as Record<string, unknown>)[key ?? Number(index)];
  }, document);
}

async function waitFor(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function waitForPing(url: string): Promise<void> {
  for (let attempt = 0; attempt < 60; attempt += 1) {
    try {
      // docker-proxy accepts connections before the server listens, so each try needs its own deadline.
      if ((await fetch(url, { signal: AbortSignal.timeout(2000) })).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${url} never answered 200`);
}

describe('build-image failures', () => {
  const workspace = mkdtempSync(join(tmpdir(), 'build-image-ws-'));
  // The label marks this test's layers and, inherited, any container a step leaves behind.
  const marker = `modelship-test=${suffix}`;
  writeFileSync(
    join(workspace, 'Dockerfile'),
    `FROM debian:bookworm-slim\nLABEL ${marker}\nRUN echo preparing\nRUN exit 3\n`
  );

  afterAll(() => {
    const layers = docker('image', 'ls', '--all', '--quiet', '--filter', `label=${marker}`);
    // Removing the last layer also removes its untagged parents, so a later ID may already be gone.
    for (const id of new Set(layers.split('\n').filter(Boolean))) spawnSync('docker', ['image', 'rm', id]);
  });

  it('names the failing Dockerfile step and leaves no container behind', async () => {
    const run = await runBundledAction('build-image', {
      inputs: { image: `modelship-test/broken-${suffix}` },
      env: { GITHUB_WORKSPACE: workspace }
    });
    expect(run.exitCode).toBe(1);
    expect(run.log).toMatch(
      /::error::The image build failed at Step 4\/\d+: RUN exit 3: The command .* returned a non-zero code: 3/
    );
    expect(docker('ps', '--all', '--quiet', '--filter', `label=${marker}`)).toBe('');
  });

  it.each<[string, Record<string, string>, string]>([
    [
      'malformed build-args',
      { image: 'm', 'build-args': 'NO_EQUALS' },
      "Input 'build-args': line 1 ('NO_EQUALS') is not a KEY=VALUE pair"
    ],
    [
      'context outside the workspace',
      { image: 'm', context: '..' },
      "Input 'context': '..' is outside the workspace"
    ],
    [
      'missing Dockerfile',
      { image: 'm', dockerfile: 'nope/Dockerfile' },
      "Input 'dockerfile': no Dockerfile at 'nope/Dockerfile'"
    ],
    ['invalid tag', { image: 'm', tags: 'bad tag' }, "Input 'tags': 'bad tag' is not a valid tag"]
  ])('fails clearly on %s', async (_name, inputs, message) => {
    const run = await runBundledAction('build-image', { inputs, env: { GITHUB_WORKSPACE: workspace } });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain(`::error::${message}`);
  });

  it('says so when no Docker engine answers', async () => {
    const run = await runBundledAction('build-image', {
      inputs: { image: 'm' },
      env: { GITHUB_WORKSPACE: workspace, DOCKER_HOST: 'unix:///nonexistent/docker.sock' }
    });
    expect(run.exitCode).toBe(1);
    expect(run.log).toContain('::error::The Docker engine is not reachable');
  });
});
