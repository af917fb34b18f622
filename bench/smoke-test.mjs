// The smoke test's load generator: how many requests per second it sustains, and how much of each
// latency it reports is its own. It runs the bundled action (dist/smoke-test-endpoint) as the runner
// does, with a duration-based load phase, against
//   1. a trivial local endpoint in this process that times each request itself, in plain HTTP mode and
//      in SageMaker mode (InvokeEndpoint, SigV4-signed by the action): overhead = client-side latency
//      (the action's report) minus the server's own time;
//   2. the local stack's InvokeEndpoint, routed to containers of a trivial model that answers at once
//      (SageMaker mode). Generator, local stack and containers share the machine's cores, so this rate
//      is the whole chain's, and it moves with whatever else the machine runs: the load average is
//      printed with it.
// Target: at least 1,000 requests/s through the local stack on 2 cores.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnLocalStack, waitForRuntime } from './local-stack-process.mjs';
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  SageMakerClient,
  waitUntilEndpointInService
} from '@aws-sdk/client-sagemaker';

const root = new URL('..', import.meta.url).pathname;
const BUNDLE = join(root, 'dist/smoke-test-endpoint/index.js');
const DURATION_SECONDS = '3';
const TRIVIAL_IMAGE = 'modelship-bench/smoke-trivial:latest';
const TRIVIAL_INSTANCES = 2;

/**
 * The trivial model behind the local stack: asyncio, keep-alive, each answer sent in one write (a server
 * that writes headers and body separately meets Nagle and delayed ACKs, and answers in ~40 ms).
 */
const TRIVIAL_SERVER = `
import asyncio, sys
BODY = b'{"predictions":[1]}'
ANSWER = b"HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\nContent-Length: %d\\r\\n\\r\\n%s" % (len(BODY), BODY)
PING = b"HTTP/1.1 200 OK\\r\\nContent-Length: 0\\r\\n\\r\\n"

async def handle(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\\r\\n\\r\\n")
            length = 0
            for line in head.split(b"\\r\\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            if length:
                await reader.readexactly(length)
            writer.write(PING if head.startswith(b"GET") else ANSWER)
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()

async def main():
    server = await asyncio.start_server(handle, "0.0.0.0", 8080)
    async with server:
        await server.serve_forever()

if len(sys.argv) < 2 or sys.argv[1] == "serve":
    asyncio.run(main())
`;
const TRIVIAL_DOCKERFILE = `FROM debian:bookworm-slim
RUN apt-get update \\
 && apt-get install --yes --no-install-recommends python3 \\
 && rm -rf /var/lib/apt/lists/*
COPY server.py /server.py
ENTRYPOINT ["python3", "/server.py"]
`;

export async function benchSmokeTest() {
  if (!existsSync(BUNDLE))
    throw new Error('dist/smoke-test-endpoint is missing: npm run bundle smoke-test-endpoint');
  const workspace = mkdtempSync(join(tmpdir(), 'modelship-bench-smoke-'));
  try {
    mkdirSync(join(workspace, 'smoke'));
    writeFileSync(
      join(workspace, 'smoke', 'trivial.json'),
      JSON.stringify({ request: { body: { instances: [[1]] } }, expect: { status: 200 } })
    );
    const results = { trivialServer: await benchTrivialServer(workspace) };
    results.localStack = await benchLocalStack(workspace);
    return results;
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

/**
 * A server that answers at once and records how long each answer took it, in front of both modes: plain
 * HTTP (/ping, /invocations) and SageMaker (DescribeEndpoint says InService; InvokeEndpoint answers), so
 * the cost of SigV4 signing shows as well.
 */
async function benchTrivialServer(workspace) {
  const serverTimes = [];
  const server = createServer((request, response) => {
    const started = process.hrtime.bigint();
    request.resume();
    request.on('end', () => {
      if (request.headers['x-amz-target'] === 'SageMaker.DescribeEndpoint') {
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify({ EndpointName: 'trivial', EndpointStatus: 'InService' }));
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"predictions":[1]}');
      serverTimes.push(Number(process.hrtime.bigint() - started) / 1e6);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  const modes = [
    ['plain HTTP', { url }, {}],
    [
      'SageMaker (InvokeEndpoint)',
      { 'endpoint-name': 'trivial' },
      {
        AWS_ENDPOINT_URL: url,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'bench',
        AWS_SECRET_ACCESS_KEY: 'bench'
      }
    ]
  ];
  const rows = [];
  try {
    console.log('The load generator against a trivial local server (load phase of 3 s):\n');
    console.log(
      '| mode | concurrency | requests/s | client p50 ms | client p99 ms | server mean ms | overhead per request ms (client mean − server mean) |'
    );
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const [mode, inputs, env] of modes) {
      for (const concurrency of [1, 4, 16]) {
        serverTimes.length = 0;
        const report = await runAction(
          workspace,
          { ...inputs, 'load-concurrency': String(concurrency) },
          env
        );
        // The server also timed the case run; only the load phase's requests (the last ones) are compared.
        const loadTimes = serverTimes.slice(-report.load.requests);
        const serverMean = loadTimes.reduce((sum, value) => sum + value, 0) / loadTimes.length;
        const row = {
          mode,
          concurrency,
          throughput: report.load.throughput,
          p50: report.load.latency.p50,
          p99: report.load.latency.p99,
          serverMean,
          overhead: report.load.latency.mean - serverMean
        };
        rows.push(row);
        console.log(
          `| ${mode} | ${concurrency} | ${row.throughput.toFixed(0)} | ${row.p50.toFixed(3)} | ${row.p99.toFixed(3)} | ` +
            `${row.serverMean.toFixed(3)} | ${row.overhead.toFixed(3)} |`
        );
      }
    }
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  return rows;
}

/** SageMaker mode: InvokeEndpoint through the local stack to containers of the trivial model. */
async function benchLocalStack(workspace) {
  const context = join(workspace, 'trivial-model');
  mkdirSync(context);
  writeFileSync(join(context, 'server.py'), TRIVIAL_SERVER);
  writeFileSync(join(context, 'Dockerfile'), TRIVIAL_DOCKERFILE);
  const build = await run('docker', ['build', '--quiet', '--tag', TRIVIAL_IMAGE, context]);
  if (build.code !== 0) throw new Error(`docker build of the trivial model failed: ${build.stderr}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'modelship-bench-smoke-stack-'));
  const child = spawnLocalStack(dataDir);
  const rows = [];
  try {
    const { endpoint, region } = await waitForRuntime(dataDir, child.pid);
    const sagemaker = new SageMakerClient({
      region,
      endpoint,
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }
    });
    const name = 'bench-smoke';
    await sagemaker.send(
      new CreateModelCommand({ ModelName: name, PrimaryContainer: { Image: TRIVIAL_IMAGE } })
    );
    await sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: name,
        ProductionVariants: [
          {
            VariantName: 'AllTraffic',
            ModelName: name,
            InitialInstanceCount: TRIVIAL_INSTANCES,
            InstanceType: 'ml.m5.large'
          }
        ]
      })
    );
    await sagemaker.send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: name }));
    await waitUntilEndpointInService(
      { client: sagemaker, maxWaitTime: 120, minDelay: 1 },
      { EndpointName: name }
    );
    sagemaker.destroy();

    const env = {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench'
    };
    console.log(
      `\nSageMaker mode through the local stack's InvokeEndpoint (${TRIVIAL_INSTANCES} trivial-model containers, ` +
        `3 s; ${cpus().length} cores, load average ${loadavg()[0].toFixed(2)} before):\n`
    );
    console.log('| concurrency | requests/s | errors | p50 ms | p95 ms | p99 ms |');
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const concurrency of [4, 16, 32]) {
      const report = await runAction(
        workspace,
        { 'endpoint-name': name, 'load-concurrency': String(concurrency) },
        env
      );
      const { throughput, errors, latency } = report.load;
      rows.push({ concurrency, throughput, errors, ...latency });
      console.log(
        `| ${concurrency} | ${throughput.toFixed(0)} | ${errors} | ${latency.p50.toFixed(2)} | ` +
          `${latency.p95.toFixed(2)} | ${latency.p99.toFixed(2)} |`
      );
    }
    const best = Math.max(...rows.map((row) => row.throughput));
    console.log(
      `\nBest: ${best.toFixed(0)} requests/s (target: 1,000) ${best >= 1000 ? 'met' : 'NOT met'}; ` +
        `load average ${loadavg()[0].toFixed(2)} after`
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
    rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}

/** Runs the bundled action with a duration-based load phase and returns its JSON report. */
async function runAction(workspace, inputs, env = {}) {
  const reportPath = join(workspace, 'report.json');
  writeFileSync(join(workspace, 'output'), '');
  const inputEnv = {};
  for (const [name, value] of Object.entries({
    'load-duration-seconds': DURATION_SECONDS,
    'report-path': reportPath,
    ...inputs
  })) {
    inputEnv[`INPUT_${name.toUpperCase()}`] = value;
  }
  const result = await run(process.execPath, [BUNDLE], {
    ...process.env,
    ...env,
    ...inputEnv,
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: join(workspace, 'output'),
    RUNNER_TEMP: workspace
  });
  if (result.code !== 0) throw new Error(`the smoke test failed:\n${result.stdout}${result.stderr}`);
  return JSON.parse(readFileSync(reportPath, 'utf8'));
}

function run(program, args, env = process.env) {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await benchSmokeTest();
