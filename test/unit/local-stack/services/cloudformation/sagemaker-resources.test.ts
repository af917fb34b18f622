import {
  CancelUpdateStackCommand,
  ContinueUpdateRollbackCommand,
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  UpdateStackCommand,
  type CloudFormationClient,
  type Parameter
} from '@aws-sdk/client-cloudformation';
import { eventLines, startCloudFormation, waitForStack, type CloudFormationHarness } from './harness.js';

const ENDPOINT_TEMPLATE = `
Parameters:
  Image: { Type: String }
  InstanceCount: { Type: Number, Default: 1 }
  EndpointName: { Type: String }
Resources:
  Model:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: !Sub 'arn:aws:iam::\${AWS::AccountId}:role/sagemaker'
      PrimaryContainer: { Image: !Ref Image, Environment: { MODEL: demo } }
  Config:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants:
        - VariantName: AllTraffic
          ModelName: !GetAtt Model.ModelName
          InitialInstanceCount: !Ref InstanceCount
          InstanceType: ml.m5.large
          InitialVariantWeight: 1
  Endpoint:
    Type: AWS::SageMaker::Endpoint
    Properties:
      EndpointName: !Ref EndpointName
      EndpointConfigName: !GetAtt Config.EndpointConfigName
Outputs:
  EndpointName: { Value: !GetAtt Endpoint.EndpointName }
  EndpointArn: { Value: !Ref Endpoint }
  ModelName: { Value: !GetAtt Model.ModelName }
`;

let harness: CloudFormationHarness;
let client: CloudFormationClient;
beforeEach(async () => {
  harness = await startCloudFormation();
  client = harness.client;
});
afterEach(() => harness.close());

const parameters = (values: Record<string, string>): Parameter[] =>
  Object.entries(values).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }));
const outputsOf = async (stackName: string) => {
  const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
  return Object.fromEntries(
    (Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue])
  );
};

async function deployed(stackName: string, image: string) {
  await client.send(
    new CreateStackCommand({
      StackName: stackName,
      TemplateBody: ENDPOINT_TEMPLATE,
      Parameters: parameters({ Image: image, EndpointName: `${stackName}-endpoint` })
    })
  );
  return waitForStack(client, stackName);
}

describe('SageMaker resources', () => {
  it('creates model, config and endpoint through SageMaker, waiting until the endpoint is InService', async () => {
    const stack = await deployed('serving', 'repo/model:v1');
    expect(stack.StackStatus).toBe('CREATE_COMPLETE');
    const outputs = await outputsOf('serving');
    expect(outputs['EndpointName']).toBe('serving-endpoint');
    expect(outputs['EndpointArn']).toBe('arn:aws:sagemaker:us-east-1:000000000000:endpoint/serving-endpoint');
    expect(outputs['ModelName']).toMatch(/^serving-Model-[A-Z0-9]{13}$/);

    const { models, configs, endpoints, calls } = harness.sagemaker;
    expect(models.get(outputs['ModelName'])).toEqual({
      ModelName: outputs['ModelName'],
      ExecutionRoleArn: 'arn:aws:iam::000000000000:role/sagemaker',
      PrimaryContainer: { Image: 'repo/model:v1', Environment: { MODEL: 'demo' } }
    });
    const [config] = [...configs.values()];
    expect(config?.['ProductionVariants']).toEqual([
      expect.objectContaining({
        ModelName: outputs['ModelName'],
        InitialInstanceCount: 1,
        InitialVariantWeight: 1
      })
    ]);
    expect(endpoints.get('serving-endpoint')?.EndpointStatus).toBe('InService');
    expect(calls.filter((call) => call.operation === 'DescribeEndpoint').length).toBeGreaterThanOrEqual(2);
  });

  it('rolls back a create whose endpoint fails, with the endpoint FailureReason, deleting everything', async () => {
    const stack = await deployed('failing', 'repo/model:broken');
    expect(stack.StackStatus).toBe('ROLLBACK_COMPLETE');
    const lines = await eventLines(client, 'failing', true);
    expect(lines).toContain(
      'Endpoint CREATE_FAILED Resource handler returned message: "Endpoint failing-endpoint could not be brought to InService with endpoint config ' +
        `${lines.find((line) => line.startsWith('Endpoint CREATE_FAILED'))!.match(/endpoint config (\S+):/)![1]}: ` +
        'The primary container for production variant AllTraffic did not pass the ping health check." (HandlerErrorCode: GeneralServiceException)'
    );
    expect(
      lines.slice(
        lines.indexOf(
          'failing ROLLBACK_IN_PROGRESS The following resource(s) failed to create: [Endpoint]. Rollback requested by user.'
        )
      )
    ).toEqual([
      'failing ROLLBACK_IN_PROGRESS The following resource(s) failed to create: [Endpoint]. Rollback requested by user.',
      'Endpoint DELETE_IN_PROGRESS',
      'Endpoint DELETE_COMPLETE',
      'Config DELETE_IN_PROGRESS',
      'Config DELETE_COMPLETE',
      'Model DELETE_IN_PROGRESS',
      'Model DELETE_COMPLETE',
      'failing ROLLBACK_COMPLETE'
    ]);
    expect(
      harness.sagemaker.endpoints.size + harness.sagemaker.configs.size + harness.sagemaker.models.size
    ).toBe(0);
  });

  it('fails a resource with SageMaker’s own error message', async () => {
    await client.send(
      new CreateStackCommand({
        StackName: 'no-model',
        TemplateBody: `
Resources:
  Config:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants: [{ VariantName: v, ModelName: missing, InitialInstanceCount: 1, InstanceType: ml.m5.large }]
`
      })
    );
    await waitForStack(client, 'no-model');
    expect(await eventLines(client, 'no-model', true)).toContain(
      'Config CREATE_FAILED Resource handler returned message: "Could not find model "arn:aws:sagemaker:us-east-1:000000000000:model/missing". ' +
        '(Service: SageMaker, Status Code: 400, Error Code: ValidationException)" (HandlerErrorCode: NotFound)'
    );
  });

  it('fails a property that is not of its schema type, naming where it is', async () => {
    await client.send(
      new CreateStackCommand({
        StackName: 'bad-count',
        TemplateBody: `
Resources:
  Model: { Type: AWS::SageMaker::Model, Properties: { ExecutionRoleArn: r, PrimaryContainer: { Image: img } } }
  Config:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants: [{ VariantName: v, ModelName: !GetAtt Model.ModelName, InitialInstanceCount: two, InstanceType: t }]
`
      })
    );
    await waitForStack(client, 'bad-count');
    expect(await eventLines(client, 'bad-count', true)).toContain(
      'Config CREATE_FAILED Properties validation failed for resource Config with message: ' +
        '#/ProductionVariants/0/InitialInstanceCount: expected type: Integer, found: "two"'
    );
    expect(harness.sagemaker.calls.map((call) => call.operation)).not.toContain('CreateEndpointConfig');
  });

  it('previews a new image as replacements of model and config and an in-place endpoint update, then applies it', async () => {
    await deployed('rollout', 'repo/model:v1');
    const before = await outputsOf('rollout');
    await client.send(
      new CreateChangeSetCommand({
        StackName: 'rollout',
        ChangeSetName: 'v2',
        UsePreviousTemplate: true,
        Parameters: [
          { ParameterKey: 'Image', ParameterValue: 'repo/model:v2' },
          { ParameterKey: 'EndpointName', UsePreviousValue: true }
        ]
      })
    );
    let changeSet;
    do
      changeSet = await client.send(
        new DescribeChangeSetCommand({ StackName: 'rollout', ChangeSetName: 'v2' })
      );
    while (changeSet.Status !== 'CREATE_COMPLETE' && changeSet.Status !== 'FAILED');
    const summary = changeSet.Changes?.map(({ ResourceChange: change }) => ({
      id: change?.LogicalResourceId,
      replacement: change?.Replacement,
      details: change?.Details?.map((detail) => [
        detail.Target?.Name,
        detail.Evaluation,
        detail.ChangeSource,
        detail.CausingEntity
      ])
    }));
    expect(summary).toEqual([
      {
        id: 'Model',
        replacement: 'True',
        details: [['PrimaryContainer', 'Static', 'ParameterReference', 'Image']]
      },
      {
        id: 'Config',
        replacement: 'Conditional',
        details: [['ProductionVariants', 'Dynamic', 'ResourceAttribute', 'Model.ModelName']]
      },
      {
        id: 'Endpoint',
        replacement: 'False',
        details: [['EndpointConfigName', 'Dynamic', 'ResourceAttribute', 'Config.EndpointConfigName']]
      }
    ]);

    await client.send(new ExecuteChangeSetCommand({ StackName: 'rollout', ChangeSetName: 'v2' }));
    expect((await waitForStack(client, 'rollout')).StackStatus).toBe('UPDATE_COMPLETE');
    const after = await outputsOf('rollout');
    expect(after['EndpointArn']).toBe(before['EndpointArn']);
    expect(after['ModelName']).not.toBe(before['ModelName']);
    const { models, configs, endpoints } = harness.sagemaker;
    expect([...models.keys()]).toEqual([after['ModelName']]);
    expect(configs.size).toBe(1);
    expect(endpoints.get('rollout-endpoint')?.EndpointConfigName).toBe([...configs.keys()][0]);
    expect(
      harness.sagemaker.calls
        .map((call) => call.operation)
        .filter((operation) => operation !== 'DescribeEndpoint')
        .slice(3)
    ).toEqual([
      'CreateModel',
      'CreateEndpointConfig',
      'UpdateEndpoint',
      'DeleteEndpointConfig',
      'DeleteModel'
    ]);
  });

  it('rolls back an update whose new image fails: the endpoint keeps serving the previous config', async () => {
    await deployed('guarded', 'repo/model:v1');
    const { configs, models, endpoints } = harness.sagemaker;
    const servingConfig = endpoints.get('guarded-endpoint')?.EndpointConfigName;
    const servingModel = [...models.keys()][0];
    await client.send(
      new UpdateStackCommand({
        StackName: 'guarded',
        UsePreviousTemplate: true,
        Parameters: [
          { ParameterKey: 'Image', ParameterValue: 'repo/model:broken' },
          { ParameterKey: 'EndpointName', UsePreviousValue: true }
        ]
      })
    );
    const stack = await waitForStack(client, 'guarded');
    expect(stack.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    const lines = await eventLines(client, 'guarded');
    expect(lines.slice(lines.lastIndexOf('guarded UPDATE_IN_PROGRESS'))).toEqual([
      'guarded UPDATE_IN_PROGRESS',
      'Model UPDATE_IN_PROGRESS',
      'Model UPDATE_COMPLETE',
      'Config UPDATE_IN_PROGRESS',
      'Config UPDATE_COMPLETE',
      'Endpoint UPDATE_IN_PROGRESS',
      'Endpoint UPDATE_FAILED',
      'guarded UPDATE_ROLLBACK_IN_PROGRESS',
      'Endpoint UPDATE_IN_PROGRESS',
      'Endpoint UPDATE_COMPLETE',
      'Config UPDATE_IN_PROGRESS',
      'Config UPDATE_COMPLETE',
      'Model UPDATE_IN_PROGRESS',
      'Model UPDATE_COMPLETE',
      'guarded UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
      'Config DELETE_IN_PROGRESS',
      'Config DELETE_COMPLETE',
      'Model DELETE_IN_PROGRESS',
      'Model DELETE_COMPLETE',
      'guarded UPDATE_ROLLBACK_COMPLETE'
    ]);
    expect(endpoints.get('guarded-endpoint')).toMatchObject({
      EndpointStatus: 'InService',
      EndpointConfigName: servingConfig
    });
    expect([...configs.keys()]).toEqual([servingConfig]);
    expect([...models.keys()]).toEqual([servingModel]);
  });

  it('refuses another update while one is running, and deletes the endpoint with the stack', async () => {
    await deployed('busy', 'repo/model:v1');
    const update = (image: string) =>
      client.send(
        new UpdateStackCommand({
          StackName: 'busy',
          UsePreviousTemplate: true,
          Parameters: [
            { ParameterKey: 'Image', ParameterValue: image },
            { ParameterKey: 'EndpointName', UsePreviousValue: true }
          ]
        })
      );
    harness.sagemaker.hold = true;
    const { StackId } = await update('repo/model:v2');
    await expect(update('repo/model:v3')).rejects.toThrow(
      `Stack:${StackId} is in UPDATE_IN_PROGRESS state and can not be updated.`
    );
    await expect(client.send(new DeleteStackCommand({ StackName: 'busy' }))).rejects.toThrow(
      'Stack [busy] cannot be deleted while in status UPDATE_IN_PROGRESS'
    );
    harness.sagemaker.hold = false;
    expect((await waitForStack(client, 'busy')).StackStatus).toBe('UPDATE_COMPLETE');

    await client.send(new DeleteStackCommand({ StackName: 'busy' }));
    expect((await waitForStack(client, StackId!)).StackStatus).toBe('DELETE_COMPLETE');
    const { models, configs, endpoints } = harness.sagemaker;
    expect(endpoints.size + configs.size + models.size).toBe(0);
  });

  it('cancels an update with CancelUpdateStack and rolls back to the serving config', async () => {
    await deployed('cancelled', 'repo/model:v1');
    const { endpoints, calls } = harness.sagemaker;
    const servingConfig = endpoints.get('cancelled-endpoint')?.EndpointConfigName;
    await expect(client.send(new CancelUpdateStackCommand({ StackName: 'cancelled' }))).rejects.toThrow(
      'CancelUpdateStack cannot be called from current stack status'
    );
    harness.sagemaker.hold = true;
    await client.send(
      new UpdateStackCommand({
        StackName: 'cancelled',
        UsePreviousTemplate: true,
        Parameters: [
          { ParameterKey: 'Image', ParameterValue: 'repo/model:v2' },
          { ParameterKey: 'EndpointName', UsePreviousValue: true }
        ]
      })
    );
    while (!calls.some((call) => call.operation === 'UpdateEndpoint')) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await client.send(new CancelUpdateStackCommand({ StackName: 'cancelled' }));
    harness.sagemaker.hold = false;
    expect((await waitForStack(client, 'cancelled')).StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    const lines = await eventLines(client, 'cancelled', true);
    expect(lines).toContain('Endpoint UPDATE_FAILED Resource update cancelled');
    expect(lines).toContain('cancelled UPDATE_ROLLBACK_IN_PROGRESS Stack update cancelled');
    expect(endpoints.get('cancelled-endpoint')).toMatchObject({
      EndpointStatus: 'InService',
      EndpointConfigName: servingConfig
    });
    expect(harness.sagemaker.configs.size).toBe(1);
  });

  it('keeps what DeletionPolicy and UpdateReplacePolicy Retain protect, and refuses Snapshot', async () => {
    const retaining = ENDPOINT_TEMPLATE.replace(
      '    Type: AWS::SageMaker::Model\n',
      '    Type: AWS::SageMaker::Model\n    DeletionPolicy: Retain\n    UpdateReplacePolicy: Retain\n'
    );
    const update = (image: string) =>
      client.send(
        new UpdateStackCommand({
          StackName: 'retained',
          TemplateBody: retaining,
          Parameters: [
            { ParameterKey: 'Image', ParameterValue: image },
            { ParameterKey: 'EndpointName', UsePreviousValue: true }
          ]
        })
      );
    const { StackId } = await client.send(
      new CreateStackCommand({
        StackName: 'retained',
        TemplateBody: retaining,
        Parameters: parameters({ Image: 'repo/model:v1', EndpointName: 'retained-endpoint' })
      })
    );
    expect((await waitForStack(client, 'retained')).StackStatus).toBe('CREATE_COMPLETE');
    const { models } = harness.sagemaker;
    const first = [...models.keys()];

    await client.send(
      new CreateChangeSetCommand({
        StackName: 'retained',
        ChangeSetName: 'preview',
        TemplateBody: retaining,
        Parameters: [
          { ParameterKey: 'Image', ParameterValue: 'repo/model:v2' },
          { ParameterKey: 'EndpointName', UsePreviousValue: true }
        ]
      })
    );
    let preview;
    do
      preview = await client.send(
        new DescribeChangeSetCommand({ StackName: 'retained', ChangeSetName: 'preview' })
      );
    while (preview.Status !== 'CREATE_COMPLETE' && preview.Status !== 'FAILED');
    expect(preview.Changes?.[0]?.ResourceChange).toMatchObject({
      LogicalResourceId: 'Model',
      PolicyAction: 'ReplaceAndRetain'
    });
    await client.send(new DeleteChangeSetCommand({ StackName: 'retained', ChangeSetName: 'preview' }));

    await update('repo/model:v2');
    expect((await waitForStack(client, 'retained')).StackStatus).toBe('UPDATE_COMPLETE');
    expect(await eventLines(client, 'retained')).toContain('Model DELETE_SKIPPED');
    expect(models.size).toBe(2);

    await client.send(new DeleteStackCommand({ StackName: 'retained' }));
    expect((await waitForStack(client, StackId!)).StackStatus).toBe('DELETE_COMPLETE');
    expect([...models.keys()]).toEqual(expect.arrayContaining(first));
    expect(models.size).toBe(2);
    expect(harness.sagemaker.endpoints.size + harness.sagemaker.configs.size).toBe(0);

    await expect(
      client.send(
        new CreateStackCommand({
          StackName: 'snapshot',
          TemplateBody: retaining.replace('DeletionPolicy: Retain', 'DeletionPolicy: Snapshot'),
          Parameters: parameters({ Image: 'x', EndpointName: 'snapshot' })
        })
      )
    ).rejects.toThrow(
      'Template error: resource Model (AWS::SageMaker::Model) does not support the Snapshot policy'
    );
    await expect(
      client.send(
        new CreateStackCommand({
          StackName: 'typo',
          TemplateBody: retaining.replace('DeletionPolicy: Retain', 'DeletionPolicy: Keep'),
          Parameters: parameters({ Image: 'x', EndpointName: 'typo' })
        })
      )
    ).rejects.toThrow('Template format error: [/Resources/Model/DeletionPolicy] "Keep" is not one of');
  });

  it('continues a rollback that failed, once SageMaker answers again (ContinueUpdateRollback)', async () => {
    await deployed('stuck', 'repo/model:v1');
    const { endpoints, configs, models, calls } = harness.sagemaker;
    const servingConfig = endpoints.get('stuck-endpoint')?.EndpointConfigName;
    const servingModel = [...models.keys()][0];
    await expect(client.send(new ContinueUpdateRollbackCommand({ StackName: 'stuck' }))).rejects.toThrow(
      'ContinueUpdateRollback cannot be called from current stack status'
    );
    harness.sagemaker.hold = true;
    await client.send(
      new UpdateStackCommand({
        StackName: 'stuck',
        UsePreviousTemplate: true,
        Parameters: [
          { ParameterKey: 'Image', ParameterValue: 'repo/model:v2' },
          { ParameterKey: 'EndpointName', UsePreviousValue: true }
        ]
      })
    );
    while (!calls.some((call) => call.operation === 'UpdateEndpoint')) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // Cancel first: were DescribeEndpoint failing before, the update could fail on its own and leave
    // nothing to cancel. The held endpoint keeps the rollback polling until it fails too.
    await client.send(new CancelUpdateStackCommand({ StackName: 'stuck' }));
    harness.sagemaker.unavailable.add('DescribeEndpoint');
    const failed = await waitForStack(client, 'stuck');
    expect(failed).toMatchObject({
      StackStatus: 'UPDATE_ROLLBACK_FAILED',
      StackStatusReason: 'The following resource(s) failed to update: [Endpoint]. '
    });

    harness.sagemaker.unavailable.clear();
    harness.sagemaker.hold = false;
    await client.send(new ContinueUpdateRollbackCommand({ StackName: 'stuck' }));
    expect((await waitForStack(client, 'stuck')).StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(endpoints.get('stuck-endpoint')).toMatchObject({
      EndpointStatus: 'InService',
      EndpointConfigName: servingConfig
    });
    expect([...configs.keys()]).toEqual([servingConfig]);
    expect([...models.keys()]).toEqual([servingModel]);
    const lines = await eventLines(client, 'stuck');
    expect(lines.slice(lines.lastIndexOf('stuck UPDATE_ROLLBACK_IN_PROGRESS'))).toEqual([
      'stuck UPDATE_ROLLBACK_IN_PROGRESS',
      'Endpoint UPDATE_IN_PROGRESS',
      'Endpoint UPDATE_COMPLETE',
      'Config UPDATE_IN_PROGRESS',
      'Config UPDATE_COMPLETE',
      'Model UPDATE_IN_PROGRESS',
      'Model UPDATE_COMPLETE',
      'stuck UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
      'Config DELETE_IN_PROGRESS',
      'Config DELETE_COMPLETE',
      'Model DELETE_IN_PROGRESS',
      'Model DELETE_COMPLETE',
      'stuck UPDATE_ROLLBACK_COMPLETE'
    ]);
  });
});
