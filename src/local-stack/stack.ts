import type { Server } from 'node:http';
import { createLocalEndpoint } from './server.js';
import { StateStore } from './state.js';
import type { ServiceDefinition } from './wire/types.js';
import { createStsService } from './services/sts/index.js';

export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_REGION = 'us-east-1';

export interface LocalStackOptions {
  dataDir: string;
  accountId?: string;
  region?: string;
}

/**
 * Assembles the local stack's services into one endpoint. Each service is built by its own factory from
 * the shared pieces (state store, registry, container runtime); this is the only place that knows them all.
 */
export function createLocalStack(options: LocalStackOptions): {
  server: Server;
  state: StateStore;
  services: ServiceDefinition[];
} {
  const state = new StateStore(options.dataDir);
  const services: ServiceDefinition[] = [createStsService()];
  const server = createLocalEndpoint({
    services,
    state,
    accountId: options.accountId ?? LOCAL_ACCOUNT_ID,
    defaultRegion: options.region ?? LOCAL_REGION
  });
  return { server, state, services };
}
