import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  EntityAlreadyExistsException,
  GetRoleCommand,
  IAMClient,
  NoSuchEntityException,
  PutRolePolicyCommand
} from '@aws-sdk/client-iam';

/** GitHub's OIDC issuer, as AWS accounts register it for GitHub Actions. */
const GITHUB_ISSUER = 'token.actions.githubusercontent.com';

/** A role ARN's account and name: arn:aws:iam::123456789012:role/path/name. */
export function parseRoleArn(roleArn: string): { accountId: string; roleName: string } | undefined {
  const match = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(roleArn);
  return match ? { accountId: match[1] as string, roleName: match[2] as string } : undefined;
}

/** The trust policy of GitHub's documented OIDC set-up: this repository's workflows, audience sts. */
export function githubTrustPolicy(accountId: string, repository: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${accountId}:oidc-provider/${GITHUB_ISSUER}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { [`${GITHUB_ISSUER}:aud`]: 'sts.amazonaws.com' },
          StringLike: { [`${GITHUB_ISSUER}:sub`]: `repo:${repository}:*` }
        }
      }
    ]
  });
}

/**
 * On the local stack, the one-time AWS set-up a workflow's role needs (GitHub's OIDC provider and the
 * role, trusted for this repository) is done when it is missing, so a copied repository runs as it is.
 * An existing role is left alone: its own trust policy decides. Returns what was created, for the log.
 */
export async function ensureLocalRole(
  endpoint: string,
  region: string,
  roleArn: string,
  repository: string
): Promise<string[]> {
  const parsed = parseRoleArn(roleArn);
  if (!parsed) return [];
  // A 12-digit access key id selects that account on the local stack.
  const iam = new IAMClient({
    region,
    endpoint,
    credentials: { accessKeyId: parsed.accountId, secretAccessKey: 'local' }
  });
  try {
    await iam.send(new GetRoleCommand({ RoleName: parsed.roleName }));
    return [];
  } catch (error) {
    if (!(error instanceof NoSuchEntityException)) throw error;
  }
  const created: string[] = [];
  try {
    await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: `https://${GITHUB_ISSUER}`,
        ClientIDList: ['sts.amazonaws.com']
      })
    );
    created.push(`the OIDC provider ${GITHUB_ISSUER}`);
  } catch (error) {
    if (!(error instanceof EntityAlreadyExistsException)) throw error;
  }
  await iam.send(
    new CreateRoleCommand({
      RoleName: parsed.roleName,
      AssumeRolePolicyDocument: githubTrustPolicy(parsed.accountId, repository)
    })
  );
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: parsed.roleName,
      PolicyName: 'modelship-local-deploy',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }]
      })
    })
  );
  created.push(`the role ${roleArn} (trusted for repo:${repository}:*)`);
  iam.destroy();
  return created;
}
