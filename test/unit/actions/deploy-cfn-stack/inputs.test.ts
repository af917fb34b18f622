import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  changeSetName,
  parseInputs,
  parseStackName
} from '../../../../src/actions/deploy-cfn-stack/inputs.js';
import { parseParameters } from '../../../../src/actions/deploy-cfn-stack/parameters.js';
import { lineageTags, mergeTags, parseTags } from '../../../../src/actions/deploy-cfn-stack/tags.js';
import type { GitHubContext } from '../../../../src/lib/github-context.js';
import { InputError } from '../../../../src/lib/errors.js';
import { PROJECT_ROOT } from '../../../helpers/action-runner.js';

let workspace: string;
beforeAll(() => {
  workspace = mkdtempSync(join(tmpdir(), 'deploy-cfn-inputs-'));
  mkdirSync(join(workspace, 'infra'));
  writeFileSync(join(workspace, 'infra', 'stack.yaml'), 'Resources: {}\n');
  writeFileSync(
    join(workspace, 'infra', 'prod.json'),
    JSON.stringify([
      { ParameterKey: 'InstanceType', ParameterValue: 'ml.m5.xlarge' },
      { ParameterKey: 'InitialInstanceCount', ParameterValue: 2 },
      { ParameterKey: 'ExecutionRoleArn', UsePreviousValue: true }
    ])
  );
  writeFileSync(join(workspace, 'infra', 'broken.json'), '[{"ParameterKey": "A",');
  writeFileSync(join(workspace, 'infra', 'object.json'), '{"ParameterKey": "A", "ParameterValue": "b"}');
  writeFileSync(join(workspace, 'infra', 'no-value.json'), '[{"ParameterKey": "A"}]');
});
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

describe('parseParameters', () => {
  it.each([
    ['', []],
    [
      'ImageUri=acct.dkr.ecr.us-east-1.amazonaws.com/m:1',
      [['ImageUri', 'acct.dkr.ecr.us-east-1.amazonaws.com/m:1']]
    ],
    [
      'A=x=y\n\n# comment\nB = spaced value ',
      [
        ['A', 'x=y'],
        ['B', 'spaced value']
      ]
    ],
    ['A=1\nA=2', [['A', '2']]],
    ['A=', [['A', '']]]
  ])('KEY=VALUE lines %j', (raw, expected) => {
    expect(parseParameters(raw, workspace)).toEqual(
      expected.map(([key, value]) => ({ ParameterKey: key, ParameterValue: value }))
    );
  });

  it('reads a parameter file in CloudFormation’s format, with KEY=VALUE lines overriding it', () => {
    expect(parseParameters('InstanceType=ml.c5.large\ninfra/prod.json\nImageUri=img:2', workspace)).toEqual([
      { ParameterKey: 'InstanceType', ParameterValue: 'ml.c5.large' },
      { ParameterKey: 'InitialInstanceCount', ParameterValue: '2' },
      { ParameterKey: 'ExecutionRoleArn', UsePreviousValue: true },
      { ParameterKey: 'ImageUri', ParameterValue: 'img:2' }
    ]);
  });

  it.each([
    ['just-a-word', /line 1 \('just-a-word'\) is not a KEY=VALUE pair/],
    ['A=1\nImage-Uri=x', /'Image-Uri' is not a CloudFormation parameter name/],
    ['infra/missing.json', /cannot be read/],
    ['infra/broken.json', /infra\/broken.json is not valid JSON/],
    ['infra/object.json', /is not a JSON array/],
    ['infra/no-value.json', /entry 1 \(A\) has no ParameterValue/]
  ])('rejects %j', (raw, message) => {
    expect(() => parseParameters(raw, workspace)).toThrow(InputError);
    expect(() => parseParameters(raw, workspace)).toThrow(message);
  });
});

describe('tags', () => {
  const context: GitHubContext = {
    repository: 'acme/diabetes-model',
    serverUrl: 'https://github.com',
    sha: '3f2c1a9d07e1b2c3d4e5f60718293a4b5c6d7e8f',
    ref: 'refs/pull/42/merge',
    refName: '42/merge',
    eventName: 'pull_request',
    runId: '1234',
    runAttempt: '1',
    workspace: '/repo',
    pullRequestNumber: 42
  };

  it('adds lineage tags for repository, commit and pull request, which user tags override', () => {
    expect(mergeTags(lineageTags(context), parseTags('team=ml\nmodelship:pull-request=preview'))).toEqual([
      { Key: 'modelship:repository', Value: 'acme/diabetes-model' },
      { Key: 'modelship:commit', Value: context.sha },
      { Key: 'modelship:pull-request', Value: 'preview' },
      { Key: 'team', Value: 'ml' }
    ]);
  });

  it('leaves out lineage it does not know (outside Actions, or not a pull request)', () => {
    const { pullRequestNumber, ...pushContext } = context;
    expect(pullRequestNumber).toBe(42);
    expect(lineageTags({ ...pushContext, repository: '', sha: '' })).toEqual([]);
  });

  it.each([
    ['aws:cloudformation:stack-name=x', /reserves/],
    ['empty=', /must be 1 to 256 characters/],
    [`${'k'.repeat(129)}=v`, /longer than 128/],
    [`long=${'v'.repeat(257)}`, /must be 1 to 256/],
    ['no equals sign', /not a KEY=VALUE pair/]
  ])('rejects %j', (raw, message) => {
    expect(() => parseTags(raw)).toThrow(message);
  });

  it('rejects more than 50 tags in all', () => {
    const many = Array.from({ length: 48 }, (_, index) => `t${index}=v`).join('\n');
    expect(() => mergeTags(lineageTags(context), parseTags(many))).toThrow(
      /51 tags .* more than CloudFormation's 50/
    );
  });
});

describe('parseInputs', () => {
  const context = (overrides: Partial<GitHubContext> = {}): GitHubContext => ({
    repository: 'acme/diabetes-model',
    serverUrl: 'https://github.com',
    sha: '3f2c1a9d07e1b2c3d4e5f60718293a4b5c6d7e8f',
    ref: 'refs/heads/main',
    refName: 'main',
    eventName: 'push',
    runId: '1234',
    runAttempt: '2',
    workspace,
    ...overrides
  });
  const now = Date.UTC(2026, 10, 23, 8, 0, 0);
  const parse = (inputs: Record<string, string>) =>
    parseInputs((name) => inputs[name] ?? '', {
      context: context(),
      shippedTemplatesDir: join(PROJECT_ROOT, 'action-templates', 'cloudformation'),
      now
    });

  it('turns a full set of inputs into one deploy request', () => {
    const inputs = parse({
      'stack-name': 'diabetes-model-prod',
      template: 'infra/stack.yaml',
      parameters: 'ImageUri=img:1',
      capabilities: 'capability_iam, CAPABILITY_AUTO_EXPAND',
      tags: 'team=ml',
      'role-arn': 'arn:aws:iam::123456789012:role/cfn-service',
      'termination-protection': 'true',
      'timeout-in-minutes': '30',
      'on-failure': 'delete',
      'notification-arns': 'arn:aws:sns:us-east-1:123456789012:deploys',
      'template-bucket': 'acme-templates',
      'wait-for-endpoints': 'true',
      'recreate-failed-stack': 'true',
      'aws-region': 'eu-west-1'
    });
    expect(inputs).toEqual({
      mode: 'deploy',
      region: 'eu-west-1',
      request: {
        stackName: 'diabetes-model-prod',
        template: { path: join(workspace, 'infra', 'stack.yaml'), body: 'Resources: {}\n' },
        parameters: [{ ParameterKey: 'ImageUri', ParameterValue: 'img:1' }],
        capabilities: ['CAPABILITY_IAM', 'CAPABILITY_AUTO_EXPAND'],
        tags: [
          { Key: 'modelship:repository', Value: 'acme/diabetes-model' },
          { Key: 'modelship:commit', Value: '3f2c1a9d07e1b2c3d4e5f60718293a4b5c6d7e8f' },
          { Key: 'team', Value: 'ml' }
        ],
        roleArn: 'arn:aws:iam::123456789012:role/cfn-service',
        terminationProtection: true,
        timeoutMinutes: 30,
        onFailure: 'DELETE',
        notificationArns: ['arn:aws:sns:us-east-1:123456789012:deploys'],
        templateBucket: 'acme-templates',
        waitForEndpoints: true,
        recreateFailedStack: true,
        changeSetName: `modelship-3f2c1a9d07e1-${now.toString(36)}`,
        description:
          'modelship deploy-cfn-stack of acme/diabetes-model@3f2c1a9d07e1b2c3d4e5f60718293a4b5c6d7e8f (run 1234, attempt 2)'
      }
    });
  });

  it('finds a shipped template by name and leaves termination protection alone when not set', () => {
    const inputs = parse({ 'stack-name': 'preview-pr-42', template: 'serverless-endpoint' });
    expect(inputs.mode === 'deploy' && inputs.request.template.path).toBe(
      join(PROJECT_ROOT, 'action-templates', 'cloudformation', 'serverless-endpoint.yaml')
    );
    expect(inputs.mode === 'deploy' && inputs.request.template.body).toMatch(/ServerlessConfig/);
    expect(inputs.mode === 'deploy' && 'terminationProtection' in inputs.request).toBe(false);
    expect(inputs.mode === 'deploy' && inputs.request.onFailure).toBe('ROLLBACK');
  });

  it('needs only the stack name to delete', () => {
    expect(parse({ 'stack-name': 'preview-pr-42', delete: 'true' })).toEqual({
      mode: 'delete',
      region: undefined,
      request: { stackName: 'preview-pr-42' }
    });
  });

  it.each([
    [{ 'stack-name': '' }, /'stack-name': is required/],
    [{ 'stack-name': 'prod', template: '' }, /'template': is required/],
    [
      { 'stack-name': 'prod', template: 'realtime' },
      /one of: github-oidc-roles, realtime-endpoint, serverless-endpoint\./
    ],
    [
      { 'stack-name': 'prod', template: 'infra/stack.yaml', capabilities: 'CAPABILITY_ROOT' },
      /'capabilities'.*CAPABILITY_ROOT/
    ],
    [
      { 'stack-name': 'prod', template: 'infra/stack.yaml', 'on-failure': 'retry' },
      /'on-failure'.*ROLLBACK, DELETE, DO_NOTHING/
    ],
    [{ 'stack-name': 'prod', template: 'infra/stack.yaml', 'role-arn': 'cfn-service' }, /'role-arn'/],
    [
      { 'stack-name': 'prod', 'timeout-in-minutes': '0', delete: 'true' },
      /'timeout-in-minutes'.*minimum of 1/
    ],
    [
      { 'stack-name': 'prod', template: 'infra/stack.yaml', 'template-bucket': 's3://acme/x' },
      /'template-bucket'/
    ],
    [
      { 'stack-name': 'prod', template: 'infra/stack.yaml', 'termination-protection': 'maybe' },
      /not a boolean/
    ],
    [
      { 'stack-name': 'prod', template: 'infra/stack.yaml', 'notification-arns': 'a,b,c,d,e,f' },
      /'notification-arns': 6 topics/
    ]
  ])('rejects %j', (inputs, message) => {
    expect(() => parse(inputs)).toThrow(message);
  });
});

describe('stack and change set names', () => {
  it.each(['a', 'diabetes-model-prod', 'Preview-PR-42', 'x'.repeat(128)])('accepts %j', (name) => {
    expect(parseStackName(name)).toBe(name);
  });

  it.each(['1prod', '-prod', 'prod_1', 'prod.1', 'prod 1', 'x'.repeat(129), 'arn:aws:cloudformation:x'])(
    'rejects %j',
    (name) => {
      expect(() => parseStackName(name)).toThrow(/not a valid stack name.*starts with a letter/);
    }
  );

  it('names change sets after the commit, within CloudFormation’s pattern', () => {
    const name = changeSetName({ sha: 'ABCDEF0123456789' } as GitHubContext, 1_700_000_000_000);
    expect(name).toBe('modelship-ABCDEF012345-loyw3v28');
    expect(name).toMatch(/^[a-zA-Z][-a-zA-Z0-9]{0,127}$/);
    expect(changeSetName({ sha: '' } as GitHubContext, 1)).toBe('modelship-1');
  });
});
