import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_PORT, DEFAULT_REGISTRY_PORT } from './ports.js';
import { didYouMean } from './suggest.js';

export const DEFAULT_DATA_DIR = '.local-stack';
export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_ACCOUNT_ID = '000000000000';

export interface LocalOptions {
  dataDir: string;
  /** Not given: chosen when the stack starts (see choosePorts). */
  port?: number;
  registryPort?: number;
  region: string;
  /** The AWS account id the stack answers as (ARNs, registry id, GetCallerIdentity). */
  accountId: string;
  tokenTtlSeconds?: number;
  /** `--enforce-iam`: role sessions' calls are checked against their identity policies. */
  enforceIam?: boolean;
}

/** A command line the user has to fix; the CLI prints it with the command's usage and exits with 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** One option as a command declares it: parsed, listed in the command's help, offered for typos. */
export interface OptionSpec {
  /** Without the dashes: 'data-dir'. */
  name: string;
  /** The value's placeholder in help, e.g. '<dir>'; an option without one is a switch. */
  value?: string;
  /** The option may be given several times; its value is then the list of them. */
  repeatable?: boolean;
  description: string;
}

export const LOCAL_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'data-dir',
    value: '<dir>',
    description: `state, registry storage, pid file and log (default: ./${DEFAULT_DATA_DIR})`
  },
  {
    name: 'port',
    value: '<n>',
    description: `AWS endpoint port on 127.0.0.1 (default: its last one, else ${DEFAULT_PORT}, else a free one; 0: a free one)`
  },
  {
    name: 'registry-port',
    value: '<n>',
    description: `registry port on 127.0.0.1 (default: its last one, else ${DEFAULT_REGISTRY_PORT}, else a free one; 0: a free one)`
  },
  { name: 'region', value: '<name>', description: `default region (default: ${DEFAULT_REGION})` },
  {
    name: 'account-id',
    value: '<id>',
    description: `the 12-digit AWS account id it answers as (default: ${DEFAULT_ACCOUNT_ID})`
  },
  {
    name: 'token-ttl',
    value: '<seconds>',
    description: 'lifetime of registry passwords from GetAuthorizationToken (default: 43200)'
  },
  {
    name: 'enforce-iam',
    description: "check role sessions' calls against their IAM policies (AccessDenied as on AWS)"
  }
];

export interface ParsedCommandLine {
  /** A switch's value is true; an option's value is its text (a repeatable one's, the list of them). */
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/**
 * Parses a command's arguments against the options it declares. A mistyped option is refused with the
 * closest declared one ("Did you mean --port?").
 */
export function parseCommandLine(
  args: string[],
  options: readonly OptionSpec[],
  { allowPositionals = false } = {}
): ParsedCommandLine {
  try {
    // Only options with a value are repeatable, so a list is always one of strings.
    return parseArgs({
      args,
      strict: true,
      allowPositionals,
      options: Object.fromEntries(
        options.map((option) => [
          option.name,
          {
            type: option.value === undefined ? 'boolean' : 'string',
            ...(option.repeatable && { multiple: true })
          }
        ])
      )
    }) as ParsedCommandLine;
  } catch (error) {
    const unknown = /^Unknown option '([^']+)'/.exec((error as Error).message)?.[1];
    if (unknown !== undefined) {
      const names = [...options.map((option) => `--${option.name}`), '--help'];
      throw new UsageError(`Unknown option '${unknown}'.${didYouMean(unknown, names)}`);
    }
    throw new UsageError((error as Error).message);
  }
}

export function parseLocalOptions(args: string[], cwd = process.cwd()): LocalOptions {
  const { values } = parseCommandLine(args, LOCAL_OPTIONS);
  const text = (name: string) => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  const region = text('region') ?? DEFAULT_REGION;
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new UsageError(`--region '${region}' is not an AWS region name; use one like us-east-1.`);
  }
  const accountId = text('account-id') ?? DEFAULT_ACCOUNT_ID;
  if (!/^\d{12}$/.test(accountId)) {
    throw new UsageError(
      `--account-id '${accountId}' is not an AWS account id; use 12 digits, like 123456789012.`
    );
  }
  const tokenTtl = text('token-ttl');
  const endpointPort = optionalPort(text('port'), '--port');
  const registryPort = optionalPort(text('registry-port'), '--registry-port');
  return {
    dataDir: resolve(cwd, text('data-dir') ?? DEFAULT_DATA_DIR),
    ...(endpointPort !== undefined && { port: endpointPort }),
    ...(registryPort !== undefined && { registryPort }),
    region,
    accountId,
    ...(tokenTtl !== undefined && { tokenTtlSeconds: positiveInteger(tokenTtl, '--token-ttl') }),
    ...(values['enforce-iam'] === true && { enforceIam: true })
  };
}

function optionalPort(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
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
    ...(options.port !== undefined ? ['--port', String(options.port)] : []),
    ...(options.registryPort !== undefined ? ['--registry-port', String(options.registryPort)] : []),
    '--region',
    options.region,
    '--account-id',
    options.accountId,
    ...(options.tokenTtlSeconds !== undefined ? ['--token-ttl', String(options.tokenTtlSeconds)] : []),
    ...(options.enforceIam ? ['--enforce-iam'] : [])
  ];
}
