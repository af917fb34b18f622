// The local stack's request overhead per API call: the bundled `modelship local serve` on free ports,
// called through the AWS SDK v3 as the actions call it. Figures are client-observed round trips on
// 127.0.0.1 (signing, HTTP, routing, the operation, serialization), median and 95th percentile.
import { mkdtempSync, rmSync } from 'node:fs';
import { spawnLocalStack, waitForRuntime } from './local-stack-process.mjs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  ECRClient,
  CreateRepositoryCommand,
  DescribeRepositoriesCommand,
  DescribeImagesCommand,
  GetAuthorizationTokenCommand
} from '@aws-sdk/client-ecr';

const ITERATIONS = 200;

export async function benchLocalStack() {
  const dataDir = mkdtempSync(join(tmpdir(), 'modelship-bench-'));
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
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'bench/app' }));

    let created = 0;
    const cases = [
      [
        'HTTP GET health (no SDK, baseline)',
        () => fetch(`${endpoint}/_modelship/health`).then((r) => r.arrayBuffer())
      ],
      ['STS GetCallerIdentity (Query/XML)', () => sts.send(new GetCallerIdentityCommand({}))],
      ['ECR DescribeRepositories (JSON 1.1)', () => ecr.send(new DescribeRepositoriesCommand({}))],
      [
        'ECR CreateRepository (state write)',
        () => ecr.send(new CreateRepositoryCommand({ repositoryName: `bench/r${created++}` }))
      ],
      ['ECR GetAuthorizationToken (token write)', () => ecr.send(new GetAuthorizationTokenCommand({}))],
      [
        'ECR DescribeImages (one registry read, empty repository)',
        () => ecr.send(new DescribeImagesCommand({ repositoryName: 'bench/app' }))
      ]
    ];
    const results = {};
    console.log('| call | median ms | p95 ms |\n| --- | ---: | ---: |');
    for (const [name, call] of cases) {
      for (let warmup = 0; warmup < 10; warmup += 1) await call();
      const samples = [];
      for (let index = 0; index < ITERATIONS; index += 1) {
        const start = performance.now();
        await call();
        samples.push(performance.now() - start);
      }
      samples.sort((a, b) => a - b);
      const median = samples[Math.floor(samples.length / 2)];
      const p95 = samples[Math.floor(samples.length * 0.95)];
      results[name] = { medianMs: median, p95Ms: p95 };
      console.log(`| ${name} | ${median.toFixed(2)} | ${p95.toFixed(2)} |`);
    }
    sts.destroy();
    ecr.destroy();
    return results;
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchLocalStack();
