import { createPublicKey, createVerify, type JsonWebKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  CreateStackCommand,
  UpdateStackCommand,
  waitUntilStackCreateComplete,
  waitUntilStackDeleteComplete
} from '@aws-sdk/client-cloudformation';
import { CreateRepositoryCommand, DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import {
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  GetRoleCommand,
  IAMClient,
  PutRolePolicyCommand
} from '@aws-sdk/client-iam';
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  STSClient,
  type Credentials
} from '@aws-sdk/client-sts';
import { PROJECT_ROOT } from '../helpers/action-runner.js';
import { runProgram, startLocalStack, type LocalStackHandle } from '../helpers/local-stack.js';

const GITHUB = 'token.actions.githubusercontent.com';
const REGION = 'us-east-1';
const WAIT_TEMPLATE = (logicalId: string) =>
  JSON.stringify({ Resources: { [logicalId]: { Type: 'AWS::CloudFormation::WaitConditionHandle' } } });

/** IAM, STS, the local OIDC issuer, accounts and --enforce-iam, through boto3, the AWS CLI and SDK v3. */
describe('identity on the local stack (--enforce-iam)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ls-identity-'));
  let stack: LocalStackHandle;

  beforeAll(async () => {
    stack = await startLocalStack({ dataDir, enforceIam: true });
  });
  afterAll(async () => {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const clientConfig = (credentials: {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
  }) => ({
    endpoint: stack.endpoint,
    region: REGION,
    credentials
  });
  const accountKeys = (account: string) => ({ accessKeyId: account, secretAccessKey: 'local' });
  const sessionKeys = (credentials: Credentials | undefined) => ({
    accessKeyId: credentials?.AccessKeyId as string,
    secretAccessKey: credentials?.SecretAccessKey as string,
    sessionToken: credentials?.SessionToken as string
  });
  // The CLI's answers are read member by member, as a user of `--output json` would.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type CliAnswer = Record<string, any>;
  const aws = async (...args: string[]) => {
    const run = await runProgram('aws', [...args, '--output', 'json'], { env: stack.env });
    return {
      ...run,
      json: run.code === 0 && run.stdout.startsWith('{') ? (JSON.parse(run.stdout) as CliAnswer) : {}
    };
  };

  it('assumes roles, refuses what trust and identity policies do not allow, and keeps accounts apart (boto3)', async () => {
    const run = await runProgram('python3', [join(PROJECT_ROOT, 'test/compat/identity_boto3.py'), 'b3'], {
      env: stack.env
    });
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout);
    const account = '000000000000';
    expect(report).toEqual({
      provider: {
        arn: `arn:aws:iam::${account}:oidc-provider/${GITHUB}`,
        url: GITHUB,
        listed: true,
        duplicate: 'EntityAlreadyExists'
      },
      role: {
        arn: `arn:aws:iam::${account}:role/ci/deployer-b3`,
        idPrefix: 'AROA',
        trustRoundTrip: true,
        listed: true,
        duplicate: {
          code: 'EntityAlreadyExists',
          status: 409,
          message: 'Role with name deployer-b3 already exists.'
        },
        missing: {
          code: 'NoSuchEntity',
          status: 404,
          message: 'The role with name none-b3 cannot be found.'
        },
        malformed: { code: 'MalformedPolicyDocument', status: 400, message: 'Syntax errors in policy.' }
      },
      policies: {
        inline: ['deploy'],
        inlineRoundTrip: true,
        attached: [`arn:aws:iam::${account}:policy/read-b3`],
        attachmentCount: 1,
        version: 'ecr:Describe*',
        deleteAttachedPolicy: 'DeleteConflict',
        deleteRoleWithPolicies: 'DeleteConflict'
      },
      webIdentity: {
        keyPrefix: 'ASIA',
        subject: 'repo:acme/model-b3:environment:production',
        audience: 'sts.amazonaws.com',
        assumedArn: `arn:aws:sts::${account}:assumed-role/deployer-b3/release`,
        callerArn: `arn:aws:sts::${account}:assumed-role/deployer-b3/release`,
        callerAccount: account,
        otherEnvironment: {
          code: 'AccessDenied',
          status: 403,
          message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity'
        },
        expired: 'ExpiredTokenException',
        wrongAudience: 'InvalidIdentityToken',
        unknownRole: 'AccessDenied'
      },
      enforcement: {
        callerArn: `arn:aws:sts::${account}:assumed-role/preview-b3/pr-7`,
        production: {
          code: 'AccessDenied',
          status: 403,
          message:
            `User: arn:aws:sts::${account}:assumed-role/preview-b3/pr-7 is not authorized to perform: ` +
            `cloudformation:UpdateStack on resource: arn:aws:cloudformation:${REGION}:${account}:stack/model-b3-production/* ` +
            'because no identity-based policy allows the cloudformation:UpdateStack action'
        },
        previewUpdated: 'model-b3-pr-7',
        ecr: {
          code: 'AccessDeniedException',
          status: 400,
          message:
            `User: arn:aws:sts::${account}:assumed-role/preview-b3/pr-7 is not authorized to perform: ` +
            `ecr:CreateRepository on resource: arn:aws:ecr:${REGION}:${account}:repository/nope-b3 ` +
            'because no identity-based policy allows the ecr:CreateRepository action'
        },
        unknownRole: 'AccessDenied'
      },
      accounts: {
        callerAccount: '111111111111',
        registryId: '111111111111',
        otherAccountRepository: 'RepositoryNotFoundException',
        otherAccountStack: 'ValidationError',
        otherAccountGroup: 'ValidationException',
        groupArn: `arn:aws:sagemaker:${REGION}:111111111111:model-package-group/shared-b3`,
        sameNameElsewhere: '222222222222'
      }
    });
  }, 240_000);

  it('serves a GitHub-shaped token whose signature verifies with its JWKS, and STS takes it (SDK v3)', async () => {
    const account = '333333333333';
    const iam = new IAMClient(clientConfig(accountKeys(account)));
    const sts = new STSClient(clientConfig(accountKeys(account)));
    const { OpenIDConnectProviderArn } = await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: `https://${GITHUB}`,
        ClientIDList: ['sts.amazonaws.com']
      })
    );
    const trust = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: OpenIDConnectProviderArn },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { [`${GITHUB}:aud`]: 'sts.amazonaws.com' },
            StringLike: { [`${GITHUB}:sub`]: 'repo:acme/sdk:environment:production' }
          }
        }
      ]
    };
    const { Role } = await iam.send(
      new CreateRoleCommand({ RoleName: 'release', AssumeRolePolicyDocument: JSON.stringify(trust) })
    );
    expect(Role?.Arn).toBe(`arn:aws:iam::${account}:role/release`);
    const fetched = await iam.send(new GetRoleCommand({ RoleName: 'release' }));
    expect(JSON.parse(decodeURIComponent(fetched.Role?.AssumeRolePolicyDocument as string))).toEqual(trust);

    // What @actions/core's getIDToken(audience) requests from ACTIONS_ID_TOKEN_REQUEST_URL.
    const tokenUrl = (environment: string) =>
      `${stack.endpoint}/_modelship/oidc/token?repository=acme/sdk&environment=${environment}&audience=sts.amazonaws.com`;
    const token = ((await (await fetch(tokenUrl('production'))).json()) as { value: string }).value;
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    expect(claims).toMatchObject({
      iss: `https://${GITHUB}`,
      aud: 'sts.amazonaws.com',
      sub: 'repo:acme/sdk:environment:production',
      repository: 'acme/sdk',
      repository_owner: 'acme',
      environment: 'production'
    });
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000);
    const discovery = (await (
      await fetch(`${stack.endpoint}/_modelship/oidc/.well-known/openid-configuration`)
    ).json()) as { issuer: string; jwks_uri: string };
    expect(discovery.issuer).toBe(`https://${GITHUB}`);
    const { keys } = (await (await fetch(discovery.jwks_uri)).json()) as { keys: JsonWebKey[] };
    const kid = JSON.parse(Buffer.from(header, 'base64url').toString()).kid;
    const key = keys.find((candidate) => candidate['kid'] === kid) as JsonWebKey;
    const verified = createVerify('RSA-SHA256')
      .update(`${header}.${payload}`)
      .verify(createPublicKey({ key, format: 'jwk' }), Buffer.from(signature, 'base64url'));
    expect(verified).toBe(true);

    const assumed = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: Role?.Arn,
        RoleSessionName: 'gha',
        WebIdentityToken: token
      })
    );
    expect(assumed.Credentials?.Expiration?.getTime()).toBeGreaterThan(Date.now());
    const asRole = new STSClient(clientConfig(sessionKeys(assumed.Credentials)));
    expect(await asRole.send(new GetCallerIdentityCommand({}))).toMatchObject({
      Account: account,
      Arn: `arn:aws:sts::${account}:assumed-role/release/gha`,
      UserId: `${Role?.RoleId}:gha`
    });

    const staging = ((await (await fetch(tokenUrl('staging'))).json()) as { value: string }).value;
    await expect(
      sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: Role?.Arn,
          RoleSessionName: 'gha',
          WebIdentityToken: staging
        })
      )
    ).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'repo:acme/sdk:environment:production', aud: 'x' })).toString('base64url')}.${signature}`;
    await expect(
      sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: Role?.Arn,
          RoleSessionName: 'gha',
          WebIdentityToken: tampered
        })
      )
    ).rejects.toMatchObject({ name: 'InvalidIdentityTokenException' });
  }, 120_000);

  it('enforces a preview role: UpdateStack refused on production, allowed on its own stack (SDK v3)', async () => {
    const account = '444444444444';
    const root = accountKeys(account);
    const iam = new IAMClient(clientConfig(root));
    const cloudformation = new CloudFormationClient(clientConfig(root));
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'preview',
        AssumeRolePolicyDocument: JSON.stringify({
          Statement: [{ Effect: 'Allow', Principal: { AWS: account }, Action: 'sts:AssumeRole' }]
        })
      })
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'preview',
        PolicyName: 'previews',
        PolicyDocument: JSON.stringify({
          Statement: [
            {
              Effect: 'Allow',
              Action: 'cloudformation:*',
              Resource: 'arn:aws:cloudformation:*:*:stack/*-pr-*/*'
            }
          ]
        })
      })
    );
    for (const name of ['app-production', 'app-pr-12']) {
      await cloudformation.send(
        new CreateStackCommand({ StackName: name, TemplateBody: WAIT_TEMPLATE('A') })
      );
      await waitUntilStackCreateComplete(
        { client: cloudformation, maxWaitTime: 60, minDelay: 1, maxDelay: 2 },
        { StackName: name }
      );
    }
    const { Credentials } = await new STSClient(clientConfig(root)).send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/preview`, RoleSessionName: 'pr-12' })
    );
    const asPreview = new CloudFormationClient(clientConfig(sessionKeys(Credentials)));
    await expect(
      asPreview.send(
        new UpdateStackCommand({ StackName: 'app-production', TemplateBody: WAIT_TEMPLATE('B') })
      )
    ).rejects.toMatchObject({
      name: 'AccessDenied',
      message:
        `User: arn:aws:sts::${account}:assumed-role/preview/pr-12 is not authorized to perform: cloudformation:UpdateStack ` +
        `on resource: arn:aws:cloudformation:${REGION}:${account}:stack/app-production/* because no identity-based ` +
        'policy allows the cloudformation:UpdateStack action',
      $metadata: { httpStatusCode: 403 }
    });
    const updated = await asPreview.send(
      new UpdateStackCommand({ StackName: 'app-pr-12', TemplateBody: WAIT_TEMPLATE('B') })
    );
    expect(updated.StackId).toContain(`:${account}:stack/app-pr-12/`);
    // Long-term credentials act as the account's root, enforcement or not.
    const ecr = new ECRClient(clientConfig(root));
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' }));
    const other = new ECRClient(clientConfig(accountKeys('555555555555')));
    await expect(
      other.send(new DescribeRepositoriesCommand({ repositoryNames: ['app'] }))
    ).rejects.toMatchObject({
      name: 'RepositoryNotFoundException'
    });
  }, 120_000);

  it("deploys a stack's execution role, its policies and an OIDC provider, and deletes them with the stack (AWS CLI)", async () => {
    const template = join(dataDir, 'roles.yaml');
    writeFileSync(
      template,
      `Resources:
  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{ Effect: Allow, Principal: { Service: sagemaker.amazonaws.com }, Action: sts:AssumeRole }]
      ManagedPolicyArns: [!Ref ReadModels, arn:aws:iam::aws:policy/AmazonSageMakerFullAccess]
      Policies:
        - PolicyName: pull-images
          PolicyDocument:
            Statement: [{ Effect: Allow, Action: [ecr:BatchGetImage, ecr:GetDownloadUrlForLayer], Resource: '*' }]
  ReadModels:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement: [{ Effect: Allow, Action: 'sagemaker:Describe*', Resource: '*' }]
  Logs:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: write-logs
      Roles: [!Ref ExecutionRole]
      PolicyDocument:
        Statement: [{ Effect: Allow, Action: logs:PutLogEvents, Resource: '*' }]
  Provider:
    Type: AWS::IAM::OIDCProvider
    Properties:
      Url: https://oidc.example.com
      ClientIdList: [sts.amazonaws.com]
Outputs:
  RoleName: { Value: !Ref ExecutionRole }
  RoleArn: { Value: !GetAtt ExecutionRole.Arn }
  PolicyArn: { Value: !Ref ReadModels }
`
    );
    const root = new CloudFormationClient(clientConfig(accountKeys('000000000000')));
    const created = await aws(
      'cloudformation',
      'create-stack',
      '--stack-name',
      'model-roles',
      '--template-body',
      `file://${template}`,
      '--capabilities',
      'CAPABILITY_IAM'
    );
    expect(created.json['StackId']).toContain(':stack/model-roles/');
    await waitUntilStackCreateComplete(
      { client: root, maxWaitTime: 60, minDelay: 1, maxDelay: 2 },
      { StackName: 'model-roles' }
    );
    const described = await aws('cloudformation', 'describe-stacks', '--stack-name', 'model-roles');
    const outputs = Object.fromEntries(
      (described.json['Stacks'][0]['Outputs'] as { OutputKey: string; OutputValue: string }[]).map(
        (output) => [output.OutputKey, output.OutputValue]
      )
    );
    expect(outputs['RoleName']).toMatch(/^model-roles-ExecutionRole-[A-Z0-9]{12}$/);
    expect(outputs['RoleArn']).toBe(`arn:aws:iam::000000000000:role/${outputs['RoleName']}`);
    const role = await aws('iam', 'get-role', '--role-name', outputs['RoleName'] as string);
    expect(role.json['Role']['AssumeRolePolicyDocument']['Statement'][0]['Principal']).toEqual({
      Service: 'sagemaker.amazonaws.com'
    });
    expect(
      (await aws('iam', 'list-role-policies', '--role-name', outputs['RoleName'] as string)).json[
        'PolicyNames'
      ]
    ).toEqual(['pull-images', 'write-logs']);
    expect(
      (await aws('iam', 'list-attached-role-policies', '--role-name', outputs['RoleName'] as string)).json[
        'AttachedPolicies'
      ].map((policy: { PolicyArn: string }) => policy.PolicyArn)
    ).toEqual([outputs['PolicyArn'], 'arn:aws:iam::aws:policy/AmazonSageMakerFullAccess']);

    await aws('cloudformation', 'delete-stack', '--stack-name', 'model-roles');
    await waitUntilStackDeleteComplete(
      { client: root, maxWaitTime: 60, minDelay: 1, maxDelay: 2 },
      { StackName: 'model-roles' }
    );
    const gone = await aws('iam', 'get-role', '--role-name', outputs['RoleName'] as string);
    expect(gone.stderr).toContain('NoSuchEntity');
    expect((await aws('iam', 'get-policy', '--policy-arn', outputs['PolicyArn'] as string)).stderr).toContain(
      'NoSuchEntity'
    );
    expect(
      (
        await aws(
          'iam',
          'get-open-id-connect-provider',
          '--open-id-connect-provider-arn',
          'arn:aws:iam::000000000000:oidc-provider/oidc.example.com'
        )
      ).stderr
    ).toContain('NoSuchEntity');
  }, 180_000);
});
