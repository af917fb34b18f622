import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  parseRoleArn,
  SETUP_ROLES,
  SETUP_TEMPLATE,
  setupParameters
} from '../../../src/runner/local-roles.js';
import { PROJECT_ROOT } from '../../helpers/action-runner.js';

describe('the local set-up of a workflow role', () => {
  it.each([
    [
      'arn:aws:iam::123456789012:role/modelship-deploy',
      { accountId: '123456789012', roleName: 'modelship-deploy' }
    ],
    ['arn:aws:iam::123456789012:role/ci/deploy', { accountId: '123456789012', roleName: 'deploy' }],
    ['arn:aws-cn:iam::123456789012:role/r', { accountId: '123456789012', roleName: 'r' }],
    ['arn:aws:iam::1234:role/r', undefined],
    ['arn:aws:iam::123456789012:user/someone', undefined],
    ['modelship-deploy', undefined]
  ])('reads %s', (arn, expected) => {
    expect(parseRoleArn(arn)).toEqual(expected);
  });

  it('names the model after the repository and creates the OIDC provider only when it is missing', () => {
    expect(setupParameters('Acme/Diabetes_Model', false)).toEqual([
      { ParameterKey: 'Repository', ParameterValue: 'Acme/Diabetes_Model' },
      { ParameterKey: 'ModelName', ParameterValue: 'diabetes-model' },
      { ParameterKey: 'CreateOIDCProvider', ParameterValue: 'true' }
    ]);
    expect(setupParameters('acme/m', true)[2]).toEqual({
      ParameterKey: 'CreateOIDCProvider',
      ParameterValue: 'false'
    });
  });
});

describe('the set-up template', () => {
  // CloudFormation's short forms as plain objects, so the template reads as CloudFormation sees it.
  const tags = ['Sub', 'Ref', 'GetAtt', 'Equals'].flatMap((name) =>
    (['scalar', 'seq'] as const).map((nodeClass) => ({
      tag: `!${name}`,
      collection: nodeClass === 'seq' ? ('seq' as const) : undefined,
      resolve: (value: unknown) => ({ [name]: value })
    }))
  );
  const template = parse(readFileSync(join(PROJECT_ROOT, SETUP_TEMPLATE), 'utf8'), {
    customTags: tags as never
  }) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
  const roles = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::IAM::Role');
  const trust = (roleName: string) => {
    const role = roles.find((candidate) => candidate.Properties['RoleName'] === roleName);
    const document = role?.Properties['AssumeRolePolicyDocument'] as {
      Statement: { Condition?: { StringEquals?: Record<string, unknown>; StringLike?: unknown } }[];
    };
    return document.Statement.map((statement) => statement.Condition);
  };

  it('makes exactly the roles the local set-up promises', () => {
    expect(roles.map((role) => role.Properties['RoleName']).sort()).toEqual([...SETUP_ROLES].sort());
  });

  it.each([
    ['modelship-production', { Sub: 'repo:${Repository}:environment:production' }],
    [
      'modelship-preview',
      [{ Sub: 'repo:${Repository}:pull_request' }, { Sub: 'repo:${Repository}:environment:preview-sweep' }]
    ],
    [
      'modelship-staging',
      [{ Sub: 'repo:${Repository}:ref:refs/heads/main' }, { Sub: 'repo:${Repository}:environment:staging' }]
    ]
  ])('trusts %s for exactly its own token subjects (StringEquals, no wildcard)', (roleName, subjects) => {
    expect(trust(roleName)).toEqual([
      {
        StringEquals: {
          'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
          'token.actions.githubusercontent.com:sub': subjects
        }
      }
    ]);
  });
});
