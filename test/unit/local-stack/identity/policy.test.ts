import {
  evaluatePolicies,
  parsePolicyDocument,
  type PolicyRequest
} from '../../../../src/local-stack/identity/policy.js';
import { requestedResource } from '../../../../src/local-stack/identity/request-resource.js';

const policy = (...statements: object[]) =>
  parsePolicyDocument(JSON.stringify({ Version: '2012-10-17', Statement: statements }), 'identity');

const PREVIEW_ONLY = policy(
  {
    Effect: 'Allow',
    Action: ['cloudformation:UpdateStack', 'cloudformation:Describe*'],
    Resource: 'arn:aws:cloudformation:*:*:stack/*-pr-*/*'
  },
  { Effect: 'Allow', Action: 'sagemaker:Describe*', Resource: '*' }
);
const STACK = (name: string) => `arn:aws:cloudformation:us-east-1:000000000000:stack/${name}/*`;
const request = (
  action: string,
  resource: string,
  context: Record<string, string[]> = {}
): PolicyRequest => ({
  action,
  resource,
  context
});

describe('evaluatePolicies', () => {
  it.each([
    ['a preview stack', request('cloudformation:UpdateStack', STACK('model-pr-7')), 'Allow'],
    [
      'the production stack',
      request('cloudformation:UpdateStack', STACK('model-production')),
      'ImplicitDeny'
    ],
    ['an action wildcard', request('cloudformation:DescribeStacks', STACK('model-pr-7')), 'Allow'],
    ['actions case-insensitively', request('CloudFormation:describestacks', STACK('x-pr-1')), 'Allow'],
    [
      'an action outside the wildcard',
      request('cloudformation:DeleteStack', STACK('model-pr-7')),
      'ImplicitDeny'
    ],
    [
      'a prefix wildcard on any resource',
      request('sagemaker:DescribeEndpoint', 'arn:aws:sagemaker:x'),
      'Allow'
    ],
    ['another service', request('ecr:CreateRepository', '*'), 'ImplicitDeny']
  ])('allows only what a statement names: %s', (_case, call, decision) => {
    expect(evaluatePolicies([PREVIEW_ONLY], call)).toBe(decision);
  });

  it('lets an explicit Deny win over any Allow, in any policy', () => {
    const deny = policy({ Effect: 'Deny', Action: 'cloudformation:*', Resource: STACK('*-production') });
    const all = policy({ Effect: 'Allow', Action: '*', Resource: '*' });
    expect(evaluatePolicies([all, deny], request('cloudformation:UpdateStack', STACK('m-production')))).toBe(
      'ExplicitDeny'
    );
    expect(evaluatePolicies([all, deny], request('cloudformation:UpdateStack', STACK('m-pr-1')))).toBe(
      'Allow'
    );
  });

  it('reads NotAction and NotResource as everything but', () => {
    const notIam = policy({ Effect: 'Allow', NotAction: 'iam:*', NotResource: STACK('secret') });
    expect(evaluatePolicies([notIam], request('ecr:PutImage', '*'))).toBe('Allow');
    expect(evaluatePolicies([notIam], request('iam:CreateRole', '*'))).toBe('ImplicitDeny');
    expect(evaluatePolicies([notIam], request('cloudformation:UpdateStack', STACK('secret')))).toBe(
      'ImplicitDeny'
    );
  });

  it.each([
    [{ StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } }, ['eu-west-1'], 'Allow'],
    [{ StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } }, ['us-east-1'], 'ImplicitDeny'],
    [{ StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } }, ['us-east-1'], 'Allow'],
    [{ StringLike: { 'aws:requestedregion': 'eu-*' } }, ['eu-central-1'], 'Allow'],
    [{ StringNotEquals: { 'aws:RequestedRegion': 'us-east-1' } }, ['us-east-1'], 'ImplicitDeny'],
    [{ StringNotLike: { 'aws:RequestedRegion': 'cn-*' } }, ['us-east-1'], 'Allow'],
    [{ StringEquals: { 'aws:ResourceTag/stage': 'dev' } }, undefined, 'ImplicitDeny'],
    [{ StringEqualsIfExists: { 'aws:ResourceTag/stage': 'dev' } }, undefined, 'Allow'],
    [{ Null: { 'aws:ResourceTag/stage': 'true' } }, undefined, 'Allow']
  ])('evaluates the condition %j for region %j: %s', (condition, region, decision) => {
    const conditional = policy({ Effect: 'Allow', Action: '*', Resource: '*', Condition: condition });
    const context = region === undefined ? {} : { 'aws:RequestedRegion': region };
    expect(evaluatePolicies([conditional], request('ecr:CreateRepository', '*', context))).toBe(decision);
  });
});

describe('parsePolicyDocument', () => {
  it.each([
    ['{not json', 'identity', 'Syntax errors in policy.'],
    ['{"Version":"2012-10-17"}', 'identity', 'Missing required field Statement'],
    ['{"Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}', 'identity', 'Invalid effect: Maybe'],
    [
      '{"Statement":[{"Effect":"Allow","Resource":"*"}]}',
      'identity',
      'Policy statement must contain actions.'
    ],
    [
      '{"Statement":[{"Effect":"Allow","Action":"*"}]}',
      'identity',
      'Policy statement must contain resources.'
    ],
    [
      '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Principal":"*"}]}',
      'identity',
      'Policy document should not specify a principal.'
    ],
    [
      '{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}',
      'trust',
      'Missing required field Principal'
    ],
    [
      '{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringSorta":{"a":"b"}}}]}',
      'identity',
      'Invalid Condition type : StringSorta.'
    ]
  ] as const)('refuses %s (%s) with MalformedPolicyDocument', (text, kind, message) => {
    expect(() => parsePolicyDocument(text, kind)).toThrow(
      expect.objectContaining({ code: 'MalformedPolicyDocument', message })
    );
  });
});

describe('requestedResource', () => {
  const scope = { region: 'eu-west-1', accountId: '111111111111' };
  it.each([
    [
      'cloudformation',
      { StackName: 'app-pr-3' },
      'arn:aws:cloudformation:eu-west-1:111111111111:stack/app-pr-3/*'
    ],
    [
      'cloudformation',
      { StackName: 'arn:aws:cloudformation:eu-west-1:111111111111:stack/app/1' },
      'arn:aws:cloudformation:eu-west-1:111111111111:stack/app/1'
    ],
    ['cloudformation', {}, '*'],
    ['ecr', { repositoryName: 'team/model' }, 'arn:aws:ecr:eu-west-1:111111111111:repository/team/model'],
    ['sagemaker', { EndpointName: 'Churn' }, 'arn:aws:sagemaker:eu-west-1:111111111111:endpoint/churn'],
    [
      'sagemaker',
      { ModelPackageGroupName: 'g' },
      'arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/g'
    ],
    [
      'sagemaker',
      { ModelPackageArn: 'arn:aws:sagemaker:eu-west-1:111111111111:model-package/g/2' },
      'arn:aws:sagemaker:eu-west-1:111111111111:model-package/g/2'
    ],
    ['iam', { RoleName: 'deployer' }, 'arn:aws:iam::111111111111:role/deployer'],
    ['sts', { RoleArn: 'arn:aws:iam::2:role/x' }, 'arn:aws:iam::2:role/x'],
    ['s3', { Bucket: 'models', Key: 'a/model.tar.gz' }, 'arn:aws:s3:::models/a/model.tar.gz'],
    ['s3', { Bucket: 'models' }, 'arn:aws:s3:::models'],
    ['s3', {}, '*']
  ])('%s %j → %s', (service, input, arn) => {
    expect(requestedResource(service, input, scope)).toBe(arn);
  });

  it('uses the partition of the region', () => {
    expect(requestedResource('ecr', { repositoryName: 'm' }, { region: 'cn-north-1', accountId: '1' })).toBe(
      'arn:aws-cn:ecr:cn-north-1:1:repository/m'
    );
  });
});
