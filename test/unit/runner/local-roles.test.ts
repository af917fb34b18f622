import { githubTrustPolicy, parseRoleArn } from '../../../src/runner/local-roles.js';

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

  it("trusts GitHub's OIDC provider of the role's account for this repository only", () => {
    const policy = JSON.parse(githubTrustPolicy('123456789012', 'acme/model')) as {
      Statement: { Principal: { Federated: string }; Action: string; Condition: Record<string, unknown> }[];
    };
    const [statement] = policy.Statement;
    expect(statement?.Principal.Federated).toBe(
      'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com'
    );
    expect(statement?.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(statement?.Condition).toEqual({
      StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
      StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/model:*' }
    });
  });
});
