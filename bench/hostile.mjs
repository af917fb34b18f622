// The local stack under hostile traffic (issue 15): the stack process's memory (RSS) before and after a
// bounded burst of hostile requests (alias bombs, inherited names as operations, prototype pollution,
// deep nesting, random bytes, oversized bodies, malformed URIs), and how many normal SDK calls per second
// it answers alone and while the burst runs. All traffic goes to 127.0.0.1.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { ECRClient, DescribeRepositoriesCommand } from '@aws-sdk/client-ecr';
import { spawnLocalStack, waitForRuntime } from './local-stack-process.mjs';

const ROUNDS = 5;
const NORMAL_CALLS = 300;
const MiB = 1024 * 1024;

const scoped = (service) => ({
  authorization: `AWS4-HMAC-SHA256 Credential=AKIDBENCH/20261202/us-east-1/${service}/aws4_request, Signature=0`
});
const json = (target, body) => ({
  headers: { ...scoped('sagemaker'), 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
  body
});
const query = (service, body) => ({
  headers: { ...scoped(service), 'content-type': 'application/x-www-form-urlencoded' },
  body
});
const bomb = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'
    .split('')
    .map((name, index) => `${name}: &${name} [${Array(9).fill(`*${'abcdefgh'[index]}`)}]`),
  'Resources: {R: {Type: AWS::SSM::Parameter, Properties: {Value: *i}}}'
].join('\n');
const validate = (template) =>
  new URLSearchParams({
    Action: 'ValidateTemplate',
    Version: '2010-05-15',
    TemplateBody: template
  }).toString();

function hostileRequests(round) {
  const random = Buffer.alloc(32 * 1024);
  for (let index = 0; index < random.length; index += 1) random[index] = (index * 2654435761 + round) >>> 24;
  return [
    { path: '/', ...query('cloudformation', validate(bomb)) },
    { path: '/', ...query('cloudformation', validate('Resources: &r {R: {Type: X, Properties: *r}}')) },
    { path: '/', ...query('cloudformation', validate(`Resources:\n  ${'- '.repeat(20_000)}x`)) },
    // AWS ignores unknown Query parameters: this one is answered (200) and must change nothing.
    { path: '/', ...query('cloudformation', 'Action=ListStacks&__proto__.maxResults=1'), expected: 200 },
    { path: '/', ...query('sts', 'Action=toString') },
    ...['constructor', '__proto__', 'hasOwnProperty', 'valueOf'].map((name) => ({
      path: '/',
      ...json(`SageMaker.${name}`, '{}')
    })),
    {
      path: '/',
      ...json('SageMaker.ListModelPackageGroups', `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`)
    },
    { path: '/', ...json('SageMaker.ListModelPackageGroups', `{"MaxResults":${'9'.repeat(10_000)}}`) },
    { path: '/', ...json('SageMaker.ListModelPackageGroups', random) },
    { path: '/', ...query('cloudformation', random) },
    {
      path: '/',
      ...json('AmazonEC2ContainerRegistry_V20150921.DescribeRepositories', Buffer.alloc(8 * MiB, 32))
    },
    { path: '/endpoints/x/invocations', headers: scoped('sagemaker'), body: Buffer.alloc(16 * MiB, 97) },
    { path: '/%E0%A4%A', method: 'GET', headers: {} }
  ];
}

/** Sends the hostile burst; counts unexpected answers (not a 4xx, or no answer within 5 s). */
async function hostileBurst(endpoint) {
  let sent = 0;
  let unexpected = 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const request of hostileRequests(round)) {
      sent += 1;
      const status = await fetch(endpoint + request.path, {
        method: request.method ?? 'POST',
        headers: request.headers,
        ...(request.body !== undefined && { body: request.body }),
        signal: AbortSignal.timeout(5_000)
      }).then(
        async (response) => (await response.arrayBuffer(), response.status),
        () => 0
      );
      const expected = request.expected ? status === request.expected : status >= 400 && status <= 499;
      if (!expected) unexpected += 1;
    }
  }
  return { sent, unexpected };
}

async function normalCallsPerSecond(sts, ecr) {
  const start = performance.now();
  for (let index = 0; index < NORMAL_CALLS; index += 1) {
    await (index % 2 === 0
      ? sts.send(new GetCallerIdentityCommand({}))
      : ecr.send(new DescribeRepositoriesCommand({})));
  }
  return NORMAL_CALLS / ((performance.now() - start) / 1000);
}

const rssMiB = (pid) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

export async function benchHostile() {
  const dataDir = mkdtempSync(join(tmpdir(), 'modelship-bench-hostile-'));
  const child = spawnLocalStack(dataDir);
  try {
    const { endpoint } = await waitForRuntime(dataDir, child.pid);
    const config = {
      region: 'us-east-1',
      endpoint,
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }
    };
    const sts = new STSClient(config);
    const ecr = new ECRClient(config);
    await normalCallsPerSecond(sts, ecr);
    const rssBefore = rssMiB(child.pid);
    const alone = await normalCallsPerSecond(sts, ecr);
    const [underAttack, burst] = await Promise.all([normalCallsPerSecond(sts, ecr), hostileBurst(endpoint)]);
    const rssAfter = rssMiB(child.pid);
    const health = await fetch(`${endpoint}/_modelship/health`, { signal: AbortSignal.timeout(5_000) });
    sts.destroy();
    ecr.destroy();
    console.log('| measure | value |\n| --- | ---: |');
    console.log(`| stack RSS before the hostile burst (MiB) | ${rssBefore.toFixed(1)} |`);
    console.log(`| stack RSS after ${burst.sent} hostile requests (MiB) | ${rssAfter.toFixed(1)} |`);
    console.log(`| hostile requests answered unexpectedly (not 4xx, or late) | ${burst.unexpected} |`);
    console.log(`| normal calls/s alone (STS + ECR, sequential) | ${alone.toFixed(0)} |`);
    console.log(`| normal calls/s during the hostile burst | ${underAttack.toFixed(0)} |`);
    console.log(`| health after the burst | ${health.status} |`);
    return { rssBefore, rssAfter, ...burst, alone, underAttack, healthy: health.ok };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchHostile();
