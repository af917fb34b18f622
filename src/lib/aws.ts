import { InputError } from './errors.js';

/**
 * Configuration every AWS SDK client of the suite is created with. Credentials and the endpoint come the
 * standard way (environment, shared config, OIDC via configure-aws-credentials; AWS_ENDPOINT_URL for the
 * local stack), so nothing here handles secrets.
 */
export interface AwsClientConfig {
  region: string;
  maxAttempts: number;
}

export function awsClientConfig(regionInput: string | undefined, env: NodeJS.ProcessEnv = process.env) {
  const region = regionInput || env['AWS_REGION'] || env['AWS_DEFAULT_REGION'];
  if (!region) {
    throw new InputError(
      'aws-region',
      'no region was given and neither AWS_REGION nor AWS_DEFAULT_REGION is set',
      "Set 'aws-region', or run aws-actions/configure-aws-credentials first."
    );
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
    throw new InputError(
      'aws-region',
      `'${region}' is not an AWS region name`,
      "Use a name like 'us-east-1'."
    );
  }
  return { region, maxAttempts: 5 } satisfies AwsClientConfig;
}
