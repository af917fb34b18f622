import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchLocalStack, type ServiceFactory, type StackContext } from '../../../src/local-stack/stack.js';
import { createStsService } from '../../../src/local-stack/services/sts/index.js';

describe('launchLocalStack', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'modelship-stack-test-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  /** A JSON service that calls STS in-process and registers a shutdown hook, as hosting will. */
  function probeService(events: string[], failOnShutdown = false): ServiceFactory {
    return (stack: StackContext) => {
      stack.onShutdown(async () => {
        events.push(`shutdown while registry ${stack.registry.running() ? 'running' : 'stopped'}`);
        if (failOnShutdown) throw new Error('container probe-1 could not be removed');
      });
      return {
        protocol: 'json',
        signingName: 'probe',
        targetPrefix: 'Probe',
        jsonVersion: '1.1',
        operations: {
          WhoCalls: (_input, context) =>
            stack.invoke(
              'sts',
              'GetCallerIdentity',
              {},
              {
                region: context.region,
                accountId: context.accountId,
                accessKeyId: context.accessKeyId,
                state: context.state
              }
            )
        }
      };
    };
  }

  const callProbe = (endpoint: string) =>
    fetch(endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'Probe.WhoCalls', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}'
    });

  it('builds the services it is given, lets them call each other, logs requests, runs shutdown hooks first', async () => {
    const events: string[] = [];
    const lines: string[] = [];
    const stack = await launchLocalStack({
      dataDir,
      port: 0,
      registryPort: 0,
      services: [(stack) => createStsService(stack.identity), probeService(events)],
      log: (line) => lines.push(line)
    });
    const response = await callProbe(stack.endpoint);
    expect(await response.json()).toMatchObject({ Account: '000000000000' });
    expect(lines).toEqual([expect.stringMatching(/^POST \/ Probe\.WhoCalls 200 \d+\.\dms$/)]);
    const health = await (await fetch(`${stack.endpoint}/_modelship/health`)).json();
    expect(health).toMatchObject({ status: 'ready', registry: 'running', services: ['sts', 'probe'] });

    await stack.stop();
    expect(events).toEqual(['shutdown while registry running']);
    expect(stack.registry.running()).toBe(false);
    await expect(fetch(stack.endpoint)).rejects.toThrow();
  });

  it('still stops the registry when a shutdown hook fails, and reports the failure', async () => {
    const events: string[] = [];
    const stack = await launchLocalStack({
      dataDir,
      port: 0,
      registryPort: 0,
      services: [probeService(events, true)]
    });
    await expect(stack.stop()).rejects.toThrow('container probe-1 could not be removed');
    expect(stack.registry.running()).toBe(false);
  });
});
