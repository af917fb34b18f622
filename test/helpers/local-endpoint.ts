import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { createLocalEndpoint, listen } from '../../src/local-stack/server.js';
import { StateStore } from '../../src/local-stack/state.js';
import type { ServiceDefinition } from '../../src/local-stack/wire/types.js';

export const TEST_ACCOUNT = '000000000000';
export const TEST_REGION = 'us-east-1';
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-secret' };

export interface RunningEndpoint {
  url: string;
  dataDir: string;
  state: StateStore;
  close: () => Promise<void>;
}

/** Starts an in-process local endpoint with the given services on a free port and a fresh data dir. */
export async function startEndpoint(
  makeServices: (state: StateStore) => ServiceDefinition[],
  dataDir = mkdtempSync(join(tmpdir(), 'modelship-test-'))
): Promise<RunningEndpoint> {
  const state = new StateStore(dataDir);
  const server: Server = createLocalEndpoint({
    services: makeServices(state),
    state,
    accountId: TEST_ACCOUNT,
    defaultRegion: TEST_REGION
  });
  const port = await listen(server, 0);
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    state,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
}
