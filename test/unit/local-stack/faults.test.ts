import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { FAULTS_PATH } from '../../../src/local-stack/server.js';
import { FaultInjector, parseFaultRule } from '../../../src/local-stack/wire/faults.js';
import { createStsService } from '../../../src/local-stack/services/sts/index.js';
import { createStackIdentity } from '../../../src/local-stack/identity/stack-identity.js';
import { startEndpoint, TEST_CREDENTIALS, type RunningEndpoint } from '../../helpers/local-endpoint.js';

describe('fault injection', () => {
  it('answers the next matching calls with the error, then runs operations again', () => {
    const faults = new FaultInjector();
    faults.add({ service: 'ecr', operation: 'DescribeImages', code: 'ThrottlingException', count: 2 });
    faults.add({ service: 'sts', operation: '*', code: 'InternalFailure', status: 500, count: 1 });
    expect(faults.take('ecr', 'ListImages')).toBeUndefined();
    expect(faults.take('ecr', 'DescribeImages')).toMatchObject({ code: 'ThrottlingException', status: 400 });
    expect(faults.take('ecr', 'DescribeImages')).toMatchObject({ code: 'ThrottlingException' });
    expect(faults.take('ecr', 'DescribeImages')).toBeUndefined();
    expect(faults.take('sts', 'AnyOperation')).toMatchObject({ code: 'InternalFailure', status: 500 });
    expect(faults.take('sts', 'AnyOperation')).toBeUndefined();
  });

  it.each([
    [{ operation: 'X', code: 'Y' }, "'service' must be a non-empty string"],
    [{ service: 'ecr', operation: 'X', code: 'Y', count: 0 }, "'count' must be a positive integer"],
    [{ service: 'ecr', operation: 'X', code: 'Y', status: 200 }, "'status' must be an HTTP error status"]
  ])('refuses the rule %j', (rule, message) => {
    expect(() => parseFaultRule(rule)).toThrow(message);
  });

  describe('through the endpoint', () => {
    let endpoint: RunningEndpoint;
    beforeAll(async () => {
      endpoint = await startEndpoint((state) => [createStsService(createStackIdentity(state))]);
    });
    afterAll(() => endpoint.close());

    const inject = (rule: object) =>
      fetch(`${endpoint.url}${FAULTS_PATH}`, { method: 'POST', body: JSON.stringify(rule) });
    const sts = (maxAttempts: number) =>
      new STSClient({
        region: 'us-east-1',
        endpoint: endpoint.url,
        credentials: TEST_CREDENTIALS,
        maxAttempts
      });

    it("lets the SDK's retry strategy ride out throttling", async () => {
      expect(
        (await inject({ service: 'sts', operation: 'GetCallerIdentity', code: 'ThrottlingException' })).status
      ).toBe(201);
      const identity = await sts(3).send(new GetCallerIdentityCommand({}));
      expect(identity.$metadata.attempts).toBe(2);
      expect(identity.Account).toBe('000000000000');
    });

    it('reaches the client as the AWS error when retries run out, and can be cleared', async () => {
      await inject({
        service: 'sts',
        operation: 'GetCallerIdentity',
        code: 'ThrottlingException',
        message: 'Rate exceeded',
        count: 5
      });
      await expect(sts(1).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
        name: 'ThrottlingException',
        message: 'Rate exceeded'
      });
      await fetch(`${endpoint.url}${FAULTS_PATH}`, { method: 'DELETE' });
      expect((await sts(1).send(new GetCallerIdentityCommand({}))).Account).toBe('000000000000');
    });

    it('says what is wrong with a bad rule', async () => {
      const response = await inject({ service: 'sts' });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        message: "Fault rule: 'operation' must be a non-empty string"
      });
    });
  });
});
