import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  type Stack
} from '@aws-sdk/client-cloudformation';
import {
  GetRoleCommand,
  IAMClient,
  ListOpenIDConnectProvidersCommand,
  NoSuchEntityException
} from '@aws-sdk/client-iam';

/** The one-time AWS set-up the starter workflows' roles come from (README: "One-time AWS set-up"). */
export const SETUP_TEMPLATE = 'action-templates/cloudformation/github-oidc-roles.yaml';
/** The stack the set-up is applied as, on the local stack as the README suggests on AWS. */
export const SETUP_STACK = 'modelship-github-oidc-roles';
export const SETUP_ROLES = [
  'modelship-preview',
  'modelship-staging',
  'modelship-production',
  'modelship-sagemaker-execution'
];

const GITHUB_ISSUER = 'token.actions.githubusercontent.com';
const POLL_MS = 200;

/** A role ARN's account and name: arn:aws:iam::123456789012:role/path/name. */
export function parseRoleArn(roleArn: string): { accountId: string; roleName: string } | undefined {
  const match = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(roleArn);
  return match ? { accountId: match[1] as string, roleName: match[2] as string } : undefined;
}

/** The set-up template's parameters for a repository: the model is named after the repository. */
export function setupParameters(
  repository: string,
  hasProvider: boolean
): { ParameterKey: string; ParameterValue: string }[] {
  const name = (repository.split('/')[1] ?? repository).toLowerCase().replace(/[^a-z0-9-]/g, '-');
  return [
    { ParameterKey: 'Repository', ParameterValue: repository },
    { ParameterKey: 'ModelName', ParameterValue: name },
    { ParameterKey: 'CreateOIDCProvider', ParameterValue: hasProvider ? 'false' : 'true' }
  ];
}

/**
 * On the local stack, a workflow's missing role is set up as it is once on AWS: the set-up template is
 * applied (GitHub's OIDC provider and the modelship roles, trusted for this repository only). A role that
 * exists is left alone. Returns what was done, for the log; a role the template does not make is an error.
 */
export async function ensureLocalRole(
  endpoint: string,
  region: string,
  roleArn: string,
  repository: string,
  packageRoot: string
): Promise<string[]> {
  const parsed = parseRoleArn(roleArn);
  if (!parsed) return [];
  // A 12-digit access key id selects that account on the local stack.
  const config = {
    region,
    endpoint,
    credentials: { accessKeyId: parsed.accountId, secretAccessKey: 'local' }
  };
  const iam = new IAMClient(config);
  const cloudformation = new CloudFormationClient(config);
  try {
    if (await roleExists(iam, parsed.roleName)) return [];
    if (!SETUP_ROLES.includes(parsed.roleName)) {
      throw new Error(
        `The role ${roleArn} does not exist on the local stack, and the set-up template (${SETUP_TEMPLATE}) ` +
          `makes only ${SETUP_ROLES.join(', ')}. Use one of those in the workflow, or create the role first ` +
          '(aws iam create-role against the local stack).'
      );
    }
    const providers = await iam.send(new ListOpenIDConnectProvidersCommand({}));
    const hasProvider = (providers.OpenIDConnectProviderList ?? []).some((provider) =>
      provider.Arn?.endsWith(`:oidc-provider/${GITHUB_ISSUER}`)
    );
    const created = await cloudformation.send(
      new CreateStackCommand({
        StackName: SETUP_STACK,
        TemplateBody: readFileSync(join(packageRoot, SETUP_TEMPLATE), 'utf8'),
        Parameters: setupParameters(repository, hasProvider),
        Capabilities: ['CAPABILITY_NAMED_IAM']
      })
    );
    const stack = await waitForCreation(cloudformation, created.StackId ?? SETUP_STACK);
    if (stack.StackStatus !== 'CREATE_COMPLETE') {
      throw new Error(
        `Applying ${SETUP_TEMPLATE} as stack ${SETUP_STACK} on the local stack ended ${stack.StackStatus}: ` +
          `${stack.StackStatusReason ?? 'see its events'} (aws cloudformation describe-stack-events --stack-name ${SETUP_STACK}).`
      );
    }
    return [
      `the set-up template ${SETUP_TEMPLATE} as stack ${SETUP_STACK} (${hasProvider ? '' : `the OIDC provider ${GITHUB_ISSUER}, `}roles ${SETUP_ROLES.join(', ')}, trusted for ${repository})`
    ];
  } finally {
    iam.destroy();
    cloudformation.destroy();
  }
}

async function roleExists(iam: IAMClient, roleName: string): Promise<boolean> {
  try {
    await iam.send(new GetRoleCommand({ RoleName: roleName }));
    return true;
  } catch (error) {
    if (error instanceof NoSuchEntityException) return false;
    throw error;
  }
}

async function waitForCreation(cloudformation: CloudFormationClient, stackId: string): Promise<Stack> {
  for (;;) {
    const { Stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: stackId }));
    const stack = Stacks?.[0];
    if (stack && !stack.StackStatus?.endsWith('_IN_PROGRESS')) return stack;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
