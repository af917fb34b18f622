import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export const DEFAULT_PORT = 4510;
export const DEFAULT_REGISTRY_PORT = 5510;
export const DEFAULT_DATA_DIR = '.local-stack';
export const DEFAULT_REGION = 'us-east-1';

export interface LocalOptions {
  dataDir: string;
  port: number;
  registryPort: number;
  region: string;
  tokenTtlSeconds?: number;
  /** `--enforce-iam`: role sessions' calls are checked against their identity policies. */
  enforceIam?: boolean;
}

/** A command line the user has to fix; the CLI prints it with the usage and exits with 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseLocalOptions(args: string[], cwd = process.cwd()): LocalOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        'registry-port': { type: 'string' },
        'data-dir': { type: 'string' },
        region: { type: 'string' },
        'token-ttl': { type: 'string' },
        'enforce-iam': { type: 'boolean' }
      }
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const region = values.region ?? DEFAULT_REGION;
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new UsageError(`--region '${region}' is not an AWS region name; use one like us-east-1.`);
  }
  const tokenTtl = values['token-ttl'];
  return {
    dataDir: resolve(cwd, values['data-dir'] ?? DEFAULT_DATA_DIR),
    port: port(values.port, '--port', DEFAULT_PORT),
    registryPort: port(values['registry-port'], '--registry-port', DEFAULT_REGISTRY_PORT),
    region,
    ...(tokenTtl !== undefined && { tokenTtlSeconds: positiveInteger(tokenTtl, '--token-ttl') }),
    ...(values['enforce-iam'] === true && { enforceIam: true })
  };
}

function port(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number > 65535) {
    throw new UsageError(`${flag} '${value}' is not a port number; use 0 to 65535 (0 picks a free port).`);
  }
  return number;
}

function positiveInteger(value: string, flag: string): number {
  if (!/^[1-9]\d*$/.test(value))
    throw new UsageError(`${flag} '${value}' must be a positive number of seconds.`);
  return Number(value);
}

/** The options as command-line flags again, for starting `serve` in the background. */
export function toFlags(options: LocalOptions): string[] {
  return [
    '--data-dir',
    options.dataDir,
    '--port',
    String(options.port),
    '--registry-port',
    String(options.registryPort),
    '--region',
    options.region,
    ...(options.tokenTtlSeconds !== undefined ? ['--token-ttl', String(options.tokenTtlSeconds)] : []),
    ...(options.enforceIam ? ['--enforce-iam'] : [])
  ];
}
