import { jest } from '@jest/globals';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT, runBundledAction } from '../helpers/action-runner.js';
import { runProgram } from '../helpers/local-stack.js';

const IMAGE = 'modelship-test/smoke-model:starter';
const CONTAINER = `smoke-test-http-${process.pid}`;
const STARTER = join(PROJECT_ROOT, 'action-templates/model-repo');

/** Building the starter model installs scikit-learn from Debian when Docker has no cached layers. */
jest.setTimeout(600_000);

/** A workspace holding the starter model's smoke/ cases plus the given extra case files. */
function workspaceWith(extra: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'smoke-test-http-'));
  cpSync(join(STARTER, 'smoke'), join(dir, 'smoke'), { recursive: true });
  for (const [file, content] of Object.entries(extra)) {
    writeFileSync(join(dir, file), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

const WRONG_VALUE = {
  name: 'a prediction that is not what the model says',
  request: {
    contentType: 'application/json',
    body: { instances: [[0.038, 0.051, 0.062, 0.022, -0.044, -0.035, -0.043, -0.003, 0.02, -0.018]] }
  },
  expect: {
    status: 200,
    values: [
      { path: '$.predictions[0]', equals: 250, tolerance: 0.01 },
      { path: '$', equals: { predictions: [250] } }
    ]
  }
};

describe('smoke-test-endpoint in plain HTTP mode against the starter model container', () => {
  let url: string;
  const workspaces: string[] = [];
  const run = (inputs: Record<string, string>, workspace: string) =>
    runBundledAction('smoke-test-endpoint', {
      inputs: { url, ...inputs },
      env: { GITHUB_WORKSPACE: workspace }
    });

  beforeAll(async () => {
    const build = await runProgram('docker', ['build', '--quiet', '--tag', IMAGE, STARTER]);
    expect(build.code).toBe(0);
    const started = await runProgram('docker', [
      'run',
      '--detach',
      '--rm',
      '--name',
      CONTAINER,
      '--publish',
      '127.0.0.1::8080',
      IMAGE,
      'serve'
    ]);
    expect(started.code).toBe(0);
    const port = await runProgram('docker', ['port', CONTAINER, '8080/tcp']);
    url = `http://${port.stdout.split('\n')[0]!.trim()}`;
  });
  afterAll(async () => {
    await runProgram('docker', ['rm', '--force', CONTAINER]);
    for (const dir of workspaces) rmSync(dir, { recursive: true, force: true });
  });

  it("passes the starter model's cases (including the bad payload expecting 400) and reports the load phase", async () => {
    const workspace = workspaceWith({});
    workspaces.push(workspace);
    const result = await run(
      {
        'load-requests': '60',
        'load-concurrency': '3',
        'max-error-rate': '0',
        'report-path': 'out/report.json'
      },
      workspace
    );
    const reportPath = join(workspace, 'out/report.json');
    expect(result.log).toContain(`${url}/ping answers 200.`);
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toMatchObject({ passed: '3', failed: '0', report: reportPath });
    const [p50, p95, p99, throughput] = ['p50-ms', 'p95-ms', 'p99-ms', 'throughput'].map((name) =>
      Number(result.outputs[name])
    ) as [number, number, number, number];
    expect(p50).toBeGreaterThan(0);
    expect(p95).toBeGreaterThanOrEqual(p50);
    expect(p99).toBeGreaterThanOrEqual(p95);
    expect(throughput).toBeGreaterThan(0);

    const report = JSON.parse(readFileSync(reportPath, 'utf8'));
    expect(report).toMatchObject({ version: 1, mode: 'http', passed: 3, failed: 0, ok: true });
    expect(
      report.cases.find((entry: { file: string }) => entry.file === 'smoke/bad-payload.json')
    ).toMatchObject({
      passed: true,
      status: 400,
      mismatches: []
    });
    expect(report.load).toMatchObject({ requests: 60, errors: 0, concurrency: 3 });
    expect(report.thresholds).toEqual([{ name: 'max-error-rate', limit: 0, actual: 0, passed: true }]);

    expect(result.summary).toContain('Smoke test of');
    expect(result.summary).toContain(
      '<td>✅ pass</td><td>a row with two features is refused</td><td>smoke/bad-payload.json</td><td>400</td>'
    );
    expect(result.summary).toContain('<td>Requests</td><td>60 at concurrency 3</td>');
  });

  it('image mode runs the built image as SageMaker would, tests it, and removes the container', async () => {
    const workspace = workspaceWith({});
    workspaces.push(workspace);
    const result = await runBundledAction('smoke-test-endpoint', {
      inputs: { image: IMAGE },
      env: { GITHUB_WORKSPACE: workspace }
    });
    expect(result.log).toMatch(/Started container [0-9a-f]{12} of modelship-test\/smoke-model:starter/);
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toMatchObject({ passed: '3', failed: '0', throughput: '' });
    expect(await labelledContainers()).toBe('');
  });

  it('image mode removes the container it started when the cases cannot be read', async () => {
    const workspace = workspaceWith({});
    workspaces.push(workspace);
    // The container starts while the cases are read: a case error must not leave it running.
    const result = await runBundledAction('smoke-test-endpoint', {
      inputs: { image: IMAGE, cases: 'nothing-here/*.json' },
      env: { GITHUB_WORKSPACE: workspace }
    });
    expect(result.exitCode).toBe(1);
    expect(result.log).toContain('nothing-here/*.json');
    expect(await labelledContainers()).toBe('');
  });

  it('image mode fails an image that does not serve, with what the container printed', async () => {
    const broken = `${IMAGE}-broken`;
    const build = await runProgram('docker', ['build', '--quiet', '--tag', broken, '-'], {
      input: `FROM ${IMAGE}\nENTRYPOINT ["/bin/sh", "-c", "echo model.joblib is missing >&2; exit 3", "model"]\n`
    });
    expect(build.code).toBe(0);
    const workspace = workspaceWith({});
    workspaces.push(workspace);
    try {
      const result = await runBundledAction('smoke-test-endpoint', {
        inputs: { image: broken, 'wait-timeout-seconds': '20' },
        env: { GITHUB_WORKSPACE: workspace }
      });
      expect(result.exitCode).toBe(1);
      expect(result.log).toContain('model.joblib is missing');
      expect(await labelledContainers()).toBe('');
    } finally {
      await runProgram('docker', ['image', 'rm', '--force', broken]);
    }
  });

  it('fails a wrong expected value with a readable diff, annotated on its case file', async () => {
    const workspace = workspaceWith({ 'smoke/wrong-value.json': WRONG_VALUE });
    workspaces.push(workspace);
    const result = await run({ 'load-requests': '0' }, workspace);
    expect(result.exitCode).toBe(1);
    expect(result.outputs).toMatchObject({ passed: '3', failed: '1', 'p95-ms': '', throughput: '' });
    expect(result.log).toContain(
      '::error title=Smoke case failed%3A a prediction that is not what the model says,file=smoke/wrong-value.json::' +
        '$.predictions[0]: expected 250 ± 0.01, got 230.926371 (off by -19.0736)%0A' +
        '$: the answer differs from the expected value%0A  {%0A    "predictions": [%0A-     250%0A+     230.926371%0A    ]%0A  }'
    );
    expect(result.log).toMatch(
      /::error::Smoke test of .* failed: 1 of 4 case\(s\) failed \(smoke\/wrong-value\.json\)\./
    );
    expect(result.summary).toContain('```diff\n$.predictions[0]: expected 250 ± 0.01, got 230.926371');
    expect(result.summary).toContain('-     250\n+     230.926371');
  });

  it('fails the step when a latency threshold is exceeded', async () => {
    const result = await run({ 'load-requests': '10', 'max-p95-ms': '0.001' }, STARTER);
    expect(result.exitCode).toBe(1);
    expect(result.outputs).toMatchObject({ passed: '3', failed: '0' });
    expect(result.log).toMatch(/::error::Smoke test of .* failed: max-p95-ms: [\d.]+ ms \(limit 0\.0 ms\)\./);
  });

  describe('bad input', () => {
    it('says so when no case file matches the glob', async () => {
      const result = await run({ cases: 'tests/*.json' }, STARTER);
      expect(result.exitCode).toBe(1);
      expect(result.log).toContain(
        `::error::Input 'cases': no file matches 'tests/*.json' under ${STARTER}. Check the pattern (relative to the repository root)`
      );
    });

    it('names the file and field of a malformed case file, and annotates it', async () => {
      const workspace = workspaceWith({
        'smoke/typo.json': { request: { body: 'x' }, expect: { status: 200, value: [] } },
        'smoke/broken.yaml': 'request: [\n'
      });
      workspaces.push(workspace);
      const result = await run({}, workspace);
      expect(result.exitCode).toBe(1);
      expect(result.log).toContain(
        '::error title=Invalid smoke case file,file=smoke/typo.json::smoke/typo.json: expect.value: unknown field (allowed here: status, maxLatencyMs, values, schema)'
      );
      expect(result.log).toMatch(
        /::error title=Invalid smoke case file,file=smoke\/broken\.yaml::smoke\/broken\.yaml: is not valid YAML: .* at line 2, column 1\n/
      );
      expect(result.log).toContain('::error::2 case file problem(s):');
    });

    it('refuses thresholds that are not numbers before touching the endpoint', async () => {
      const result = await run({ 'max-p95-ms': '200ms' }, STARTER);
      expect(result.exitCode).toBe(1);
      expect(result.log).toContain(
        "::error::Input 'max-p95-ms': '200ms' is not a number. Give a number, for example '0'."
      );
      expect(result.log).not.toContain('answers 200');
    });

    it('gives up on a URL where nothing answers, naming the last status', async () => {
      const result = await runBundledAction('smoke-test-endpoint', {
        inputs: { url: 'http://127.0.0.1:9', 'wait-timeout-seconds': '2' },
        env: { GITHUB_WORKSPACE: STARTER }
      });
      expect(result.exitCode).toBe(1);
      expect(result.log).toContain(
        '::error::http://127.0.0.1:9/ping did not answer 200 within 2 seconds (last: no connection).'
      );
    });
  });
});

/** Containers image mode started and left behind (none, when it cleans up). */
async function labelledContainers(): Promise<string> {
  const listed = await runProgram('docker', [
    'ps',
    '--all',
    '--quiet',
    '--filter',
    'label=modelship.smoke-test=true'
  ]);
  return listed.stdout.trim();
}
