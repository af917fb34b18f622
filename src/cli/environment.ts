import type { RuntimeInfo } from './runtime-files.js';

/**
 * Dummy credentials: the local stack does not check signatures, but every AWS client insists on having
 * some before it signs a request.
 */
export const LOCAL_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'modelship-local',
  AWS_SECRET_ACCESS_KEY: 'modelship-local-secret'
} as const;

/** The environment that points the AWS SDKs, the AWS CLI and the modelship actions at the local stack. */
export function localStackEnvironment(info: Pick<RuntimeInfo, 'endpoint' | 'region' | 'registryHost'>) {
  return {
    AWS_ENDPOINT_URL: info.endpoint,
    AWS_REGION: info.region,
    AWS_DEFAULT_REGION: info.region,
    ...LOCAL_CREDENTIALS,
    MODELSHIP_LOCAL_REGISTRY: info.registryHost
  };
}

/** `export NAME='value'` lines, for `eval "$(modelship local env)"`. */
export function formatExports(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([name, value]) => `export ${name}=${shellQuote(value)}`)
    .join('\n');
}

/** A POSIX shell word that stands for exactly `value`. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
