import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { parseQueryParameters } from '../../../src/local-stack/wire/query-protocol.js';
import { readCredentialScope } from '../../../src/local-stack/wire/credential-scope.js';
import { toXml } from '../../../src/local-stack/wire/xml.js';
import { createStsService } from '../../../src/local-stack/services/sts/index.js';
import { createStackIdentity } from '../../../src/local-stack/identity/stack-identity.js';
import {
  startEndpoint,
  TEST_ACCOUNT,
  TEST_CREDENTIALS,
  type RunningEndpoint
} from '../../helpers/local-endpoint.js';

describe('query protocol parameters', () => {
  it('nests member lists and dotted structures in index order', () => {
    const form = new URLSearchParams(
      'Action=CreateStack&Version=2010-05-15&StackName=s&Parameters.member.2.ParameterKey=b' +
        '&Parameters.member.1.ParameterKey=a&Parameters.member.1.ParameterValue=1&Capabilities.member.1=CAPABILITY_IAM'
    );
    expect(parseQueryParameters(form)).toEqual({
      StackName: 's',
      Parameters: [{ ParameterKey: 'a', ParameterValue: '1' }, { ParameterKey: 'b' }],
      Capabilities: ['CAPABILITY_IAM']
    });
  });

  it('serializes lists as member elements and escapes text', () => {
    expect(toXml({ Names: ['a<b'] }, '')).toContain('<member>a&lt;b</member>');
  });
});

describe('credential scope', () => {
  it('reads region and service from a SigV4 Authorization header', () => {
    const scope = readCredentialScope(
      {
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKID/20261123/eu-west-1/ecr/aws4_request, SignedHeaders=host, Signature=abc'
      },
      new URLSearchParams()
    );
    expect(scope).toEqual({ accessKeyId: 'AKID', date: '20261123', region: 'eu-west-1', service: 'ecr' });
  });

  it('is undefined for unsigned requests', () => {
    expect(readCredentialScope({}, new URLSearchParams())).toBeUndefined();
  });
});

describe('local endpoint routing (STS over the Query protocol)', () => {
  let endpoint: RunningEndpoint;
  beforeAll(async () => {
    endpoint = await startEndpoint((state) => [createStsService(createStackIdentity(state))]);
  });
  afterAll(() => endpoint.close());

  it('answers GetCallerIdentity to the SDK v3 client', async () => {
    const client = new STSClient({
      region: 'eu-west-1',
      endpoint: endpoint.url,
      credentials: TEST_CREDENTIALS
    });
    const identity = await client.send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe(TEST_ACCOUNT);
    expect(identity.UserId).toBe(TEST_CREDENTIALS.accessKeyId);
  });

  it('returns an AWS-shaped error for an operation it does not implement', async () => {
    const response = await fetch(endpoint.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20261123/us-east-1/sts/aws4_request, Signature=x'
      },
      body: 'Action=DecodeAuthorizationMessage&Version=2011-06-15'
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).toContain('<Code>InvalidAction</Code>');
  });
});
