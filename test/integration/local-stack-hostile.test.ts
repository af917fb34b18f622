import { join } from 'node:path';
import { PROJECT_ROOT } from '../helpers/action-runner.js';
import {
  expectRefused,
  generatedHostileRequests,
  namedHostileRequests,
  pollutionAttempts,
  sendHostile
} from '../helpers/hostile-requests.js';
import { runProgram, startLocalStack, type LocalStackHandle } from '../helpers/local-stack.js';
import { HEALTH_PATH } from '../../src/local-stack/server.js';

/**
 * Issue 15's hostile-input suite against the bundled `modelship local serve`, as a fork's pull request
 * would reach it in CI; boto3 and the AWS CLI then check that every service still answers correctly.
 * Each request aborts after 5 s, so a request that blocks the stack fails the test.
 */
describe('the bundled local stack under hostile input', () => {
  let stack: LocalStackHandle;
  const boto3 = async (step: 'setup' | 'check') => {
    const run = await runProgram('python3', [join(PROJECT_ROOT, 'test/compat/hostile_boto3.py'), step], {
      env: stack.env
    });
    if (run.code !== 0) throw new Error(`hostile_boto3.py ${step} failed: ${run.stderr}`);
    return run.stdout;
  };
  const aws = async (...args: string[]) => {
    const run = await runProgram('aws', [...args, '--output', 'json'], { env: stack.env });
    if (run.code !== 0) throw new Error(`aws ${args.join(' ')} failed: ${run.stderr}`);
    return JSON.parse(run.stdout) as Record<string, unknown>;
  };

  beforeAll(async () => {
    stack = await startLocalStack();
    await boto3('setup');
  }, 120_000);
  afterAll(() => stack.stop());

  it('answers every named and generated hostile request with an AWS-shaped 4xx', async () => {
    for (const request of [...namedHostileRequests(), ...generatedHostileRequests(4)]) {
      await expectRefused(stack.endpoint, request).catch((error: Error) => {
        throw new Error(`${request.name}: ${error.message}`);
      });
    }
    for (const attempt of pollutionAttempts()) {
      expect([attempt.name, (await sendHostile(stack.endpoint, attempt)).status]).toEqual([
        attempt.name,
        200
      ]);
    }
  }, 300_000);

  it('keeps answering every service correctly afterwards (boto3 and the AWS CLI)', async () => {
    const health = await fetch(`${stack.endpoint}${HEALTH_PATH}`, { signal: AbortSignal.timeout(5_000) });
    expect(await health.json()).toMatchObject({ status: 'ready', pid: stack.pid, registry: 'running' });

    expect(JSON.parse(await boto3('check'))).toEqual({
      stacks: [['hostile-stack', 'CREATE_COMPLETE']],
      repositories: ['hostile/app'],
      groups: ['hostile-group'],
      account: '000000000000'
    });
    expect(await aws('sts', 'get-caller-identity')).toMatchObject({ Account: '000000000000' });
    const repositories = await aws('ecr', 'describe-repositories');
    expect(repositories['repositories']).toEqual([
      expect.objectContaining({ repositoryName: 'hostile/app' })
    ]);
    const stacks = await aws('cloudformation', 'list-stacks');
    expect(stacks['StackSummaries']).toEqual([
      expect.objectContaining({ StackName: 'hostile-stack', StackStatus: 'CREATE_COMPLETE' })
    ]);
    const groups = await aws('sagemaker', 'list-model-package-groups');
    expect(groups['ModelPackageGroupSummaryList']).toEqual([
      expect.objectContaining({ ModelPackageGroupName: 'hostile-group' })
    ]);
  }, 120_000);

  it('logged no server error (5xx) for any of it', () => {
    const serverErrors = stack
      .output()
      .split('\n')
      .filter((line) => / 5\d\d [\d.]+ms$/.test(line));
    expect(serverErrors).toEqual([]);
  });
});
