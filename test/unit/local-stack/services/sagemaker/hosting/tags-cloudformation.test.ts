import {
  CloudFormationClient,
  CreateStackCommand,
  DeleteStackCommand,
  UpdateStackCommand
} from '@aws-sdk/client-cloudformation';
import { ListTagsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { createCloudFormationService } from '../../../../../../src/local-stack/services/cloudformation/index.js';
import {
  createHosting,
  type LocalHosting
} from '../../../../../../src/local-stack/services/sagemaker/hosting/index.js';
import { createSageMakerService } from '../../../../../../src/local-stack/services/sagemaker/index.js';
import { tagOperations } from '../../../../../../src/local-stack/services/sagemaker/tags.js';
import { createInvoker } from '../../../../../../src/local-stack/wire/invoke.js';
import type { ServiceDefinition } from '../../../../../../src/local-stack/wire/types.js';
import {
  startEndpoint,
  TEST_ACCOUNT,
  TEST_CREDENTIALS,
  TEST_REGION,
  type RunningEndpoint
} from '../../../../../helpers/local-endpoint.js';
import { waitForStack } from '../../cloudformation/harness.js';
import { FakeEngine } from './fake-engine.js';

const ARN = `arn:aws:sagemaker:${TEST_REGION}:${TEST_ACCOUNT}`;

/** A Model, EndpointConfig and Endpoint all carrying `tags`. */
function template(tags: { Key: string; Value: string }[]): string {
  return JSON.stringify({
    Resources: {
      Model: {
        Type: 'AWS::SageMaker::Model',
        Properties: {
          ModelName: 'cfn-tagged',
          ExecutionRoleArn: `arn:aws:iam::${TEST_ACCOUNT}:role/local`,
          PrimaryContainer: { Image: '127.0.0.1:5999/tiny:v1' },
          Tags: tags
        }
      },
      Config: {
        Type: 'AWS::SageMaker::EndpointConfig',
        Properties: {
          EndpointConfigName: 'cfn-tagged',
          ProductionVariants: [
            {
              VariantName: 'AllTraffic',
              ModelName: { 'Fn::GetAtt': ['Model', 'ModelName'] },
              InitialInstanceCount: 1,
              InstanceType: 'ml.m5.large'
            }
          ],
          Tags: tags
        }
      },
      Endpoint: {
        Type: 'AWS::SageMaker::Endpoint',
        Properties: {
          EndpointName: 'cfn-tagged',
          EndpointConfigName: { 'Fn::GetAtt': ['Config', 'EndpointConfigName'] },
          Tags: tags
        }
      }
    }
  });
}

/** CloudFormation over the real hosting operations (containers from the fake engine). */
describe('CloudFormation tag updates on SageMaker hosting resources', () => {
  let endpoint: RunningEndpoint;
  let hosting: LocalHosting;
  let settled: () => Promise<void>;
  let cloudformation: CloudFormationClient;
  let sagemaker: SageMakerClient;

  beforeAll(async () => {
    endpoint = await startEndpoint((state) => {
      hosting = createHosting({
        state,
        accountId: TEST_ACCOUNT,
        engine: new FakeEngine(),
        stackLabel: '/data/cfn-tags',
        defaultHealthCheckTimeoutSeconds: 1,
        pingIntervalMs: 10
      });
      const services: ServiceDefinition[] = [
        createSageMakerService([hosting.operations, tagOperations([hosting.store.taggable])])
      ];
      const service = createCloudFormationService({
        state,
        invoke: createInvoker(services),
        pollIntervalMs: 5
      });
      settled = service.settled;
      services.push(service.service);
      return services;
    });
    const config = { region: TEST_REGION, endpoint: endpoint.url, credentials: TEST_CREDENTIALS };
    cloudformation = new CloudFormationClient(config);
    sagemaker = new SageMakerClient(config);
  });
  afterAll(async () => {
    await settled();
    await hosting.controller.shutdown();
    await endpoint.close();
  });

  const tagsOf = async (kind: string) =>
    (await sagemaker.send(new ListTagsCommand({ ResourceArn: `${ARN}:${kind}/cfn-tagged` }))).Tags;

  it('creates with tags, then updates tags in place on the model, endpoint config and endpoint', async () => {
    const { StackId } = await cloudformation.send(
      new CreateStackCommand({
        StackName: 'tags',
        TemplateBody: template([
          { Key: 'commit', Value: 'aaa' },
          { Key: 'team', Value: 'ml' }
        ])
      })
    );
    expect((await waitForStack(cloudformation, 'tags')).StackStatus).toBe('CREATE_COMPLETE');
    for (const kind of ['model', 'endpoint-config', 'endpoint']) {
      expect(await tagsOf(kind)).toEqual([
        { Key: 'commit', Value: 'aaa' },
        { Key: 'team', Value: 'ml' }
      ]);
    }

    await cloudformation.send(
      new UpdateStackCommand({
        StackName: 'tags',
        TemplateBody: template([
          { Key: 'commit', Value: 'bbb' },
          { Key: 'stage', Value: 'prod' }
        ])
      })
    );
    const updated = await waitForStack(cloudformation, 'tags');
    expect(updated).toMatchObject({ StackStatus: 'UPDATE_COMPLETE' });
    for (const kind of ['model', 'endpoint-config', 'endpoint']) {
      expect(await tagsOf(kind)).toEqual([
        { Key: 'commit', Value: 'bbb' },
        { Key: 'stage', Value: 'prod' }
      ]);
    }

    await cloudformation.send(new DeleteStackCommand({ StackName: 'tags' }));
    // A deleted stack is found by its id only.
    expect((await waitForStack(cloudformation, String(StackId))).StackStatus).toBe('DELETE_COMPLETE');
    await expect(tagsOf('model')).rejects.toMatchObject({ name: 'ValidationException' });
  });
});
