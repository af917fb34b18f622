import {
  CancelUpdateStackCommand,
  CloudFormationClient,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  ListStackResourcesCommand,
  UpdateTerminationProtectionCommand
} from '@aws-sdk/client-cloudformation';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeEndpointCommand, SageMakerClient, type DeploymentConfig } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { deploy } from '../../../../src/actions/deploy-cfn-stack/deploy.js';
import { deploymentAllowanceSeconds } from '../../../../src/actions/deploy-cfn-stack/endpoints.js';
import { InputError } from '../../../../src/lib/errors.js';
import {
  CHANGE_SET_ID,
  change,
  changeSet,
  deployRequest,
  event,
  newestFirst,
  serviceError,
  stack,
  stackMissing,
  STACK_ID,
  STACK_NAME,
  testEngine
} from './fixtures.js';

const cfn = mockClient(CloudFormationClient);
const sagemaker = mockClient(SageMakerClient);
const s3 = mockClient(S3Client);

beforeEach(() => {
  cfn.reset();
  sagemaker.reset();
  s3.reset();
  cfn.on(CreateChangeSetCommand).resolves({ Id: CHANGE_SET_ID, StackId: STACK_ID });
  cfn.on(ExecuteChangeSetCommand).resolves({});
  cfn.on(DeleteChangeSetCommand).resolves({});
});

/** The stack's events after an execution: a baseline page, then the operation's events as they appear. */
function executionEvents(...pages: ReturnType<typeof event>[][]) {
  const baseline = event(STACK_NAME, 'UPDATE_COMPLETE');
  let seen = [baseline];
  const mock = cfn.on(DescribeStackEventsCommand).resolvesOnce(newestFirst(baseline));
  for (const page of pages) {
    seen = [...seen, ...page];
    mock.resolvesOnce(newestFirst(...seen));
  }
  return mock;
}

describe('deploy: creating a stack', () => {
  it('creates a CREATE change set for a new stack, executes it, streams events and returns the outputs', async () => {
    cfn
      .on(DescribeStacksCommand, { StackName: STACK_NAME })
      .rejects(stackMissing())
      .on(DescribeStacksCommand, { StackName: STACK_ID })
      .resolves({ Stacks: [stack('CREATE_COMPLETE')] });
    cfn
      .on(DescribeChangeSetCommand)
      .resolvesOnce(changeSet('CREATE_PENDING'))
      .resolves(
        changeSet('CREATE_COMPLETE', { Changes: [change('Add', 'Model'), change('Add', 'Endpoint')] })
      );
    executionEvents(
      [
        event(STACK_NAME, 'CREATE_IN_PROGRESS', { ResourceStatusReason: 'User Initiated' }),
        event('Model', 'CREATE_IN_PROGRESS')
      ],
      [],
      [
        event('Model', 'CREATE_COMPLETE'),
        event('Endpoint', 'CREATE_COMPLETE'),
        event(STACK_NAME, 'CREATE_COMPLETE')
      ]
    );
    const { engine, log } = testEngine();

    const result = await deploy(engine, deployRequest());

    expect(cfn).toHaveReceivedCommandWith(CreateChangeSetCommand, {
      StackName: STACK_NAME,
      ChangeSetType: 'CREATE',
      ChangeSetName: 'modelship-3f2c1a9d07e1-m3x1',
      TemplateBody: deployRequest().template.body,
      OnStackFailure: 'ROLLBACK',
      Tags: [{ Key: 'modelship:commit', Value: '3f2c1a9d07e1' }]
    });
    expect(cfn).toHaveReceivedCommandWith(ExecuteChangeSetCommand, { ChangeSetName: CHANGE_SET_ID });
    expect(cfn).not.toHaveReceivedCommand(DeleteChangeSetCommand);
    expect(result).toEqual({
      stackId: STACK_ID,
      stackStatus: 'CREATE_COMPLETE',
      changeSetId: CHANGE_SET_ID,
      noChanges: false,
      changes: [
        { action: 'Add', logicalId: 'Model', type: 'AWS::SageMaker::Model', replacement: '-' },
        { action: 'Add', logicalId: 'Endpoint', type: 'AWS::SageMaker::Endpoint', replacement: '-' }
      ],
      outputs: { EndpointName: 'diabetes-model-prod', EndpointArn: expect.stringContaining(':endpoint/') }
    });
    const streamed = log.lines.filter((line) => /^\d{4}-\d\d-\d\dT/.test(line));
    expect(streamed).toEqual([
      `2026-11-23T08:00:00Z  ${STACK_NAME}  AWS::CloudFormation::Stack  CREATE_IN_PROGRESS  User Initiated`,
      '2026-11-23T08:00:00Z  Model  AWS::SageMaker::Model  CREATE_IN_PROGRESS',
      '2026-11-23T08:00:00Z  Model  AWS::SageMaker::Model  CREATE_COMPLETE',
      '2026-11-23T08:00:00Z  Endpoint  AWS::SageMaker::Endpoint  CREATE_COMPLETE',
      `2026-11-23T08:00:00Z  ${STACK_NAME}  AWS::CloudFormation::Stack  CREATE_COMPLETE`
    ]);
  });

  it('treats a stack in REVIEW_IN_PROGRESS (no change set ever executed) as new', async () => {
    cfn
      .on(DescribeStacksCommand, { StackName: STACK_NAME })
      .resolves({ Stacks: [stack('REVIEW_IN_PROGRESS', { Outputs: [] })] })
      .on(DescribeStacksCommand, { StackName: STACK_ID })
      .resolves({ Stacks: [stack('CREATE_COMPLETE')] });
    cfn
      .on(DescribeChangeSetCommand)
      .resolves(changeSet('CREATE_COMPLETE', { Changes: [change('Add', 'Model')] }));
    executionEvents([event(STACK_NAME, 'CREATE_COMPLETE')]);
    const { engine } = testEngine();

    await deploy(engine, deployRequest());

    expect(cfn).toHaveReceivedCommandWith(CreateChangeSetCommand, { ChangeSetType: 'CREATE' });
  });

  it('fails naming the first resource that failed, not the cancelled ones, when creation rolls back', async () => {
    cfn
      .on(DescribeStacksCommand, { StackName: STACK_NAME })
      .rejects(stackMissing())
      .on(DescribeStacksCommand, { StackName: STACK_ID })
      .resolves({ Stacks: [stack('ROLLBACK_COMPLETE')] });
    cfn
      .on(DescribeChangeSetCommand)
      .resolves(changeSet('CREATE_COMPLETE', { Changes: [change('Add', 'Endpoint')] }));
    const reason =
      'Resource handler returned message: "Endpoint diabetes-model-prod could not be brought to InService"';
    executionEvents(
      [
        event(STACK_NAME, 'CREATE_IN_PROGRESS'),
        event('ErrorsAlarm', 'CREATE_FAILED', { ResourceStatusReason: 'Resource creation cancelled' }),
        event('Endpoint', 'CREATE_FAILED', { ResourceStatusReason: reason }),
        event(STACK_NAME, 'ROLLBACK_IN_PROGRESS', {
          ResourceStatusReason:
            'The following resource(s) failed to create: [Endpoint, ErrorsAlarm]. Rollback requested by user.'
        })
      ],
      [event('Endpoint', 'DELETE_COMPLETE'), event(STACK_NAME, 'ROLLBACK_COMPLETE')]
    );
    const { engine } = testEngine();

    const failure = deploy(engine, deployRequest());

    await expect(failure).rejects.toThrow(
      `Stack ${STACK_NAME} ended in ROLLBACK_COMPLETE. First failure: Endpoint (AWS::SageMaker::Endpoint) CREATE_FAILED: ${reason}.`
    );
    await expect(failure).rejects.toThrow(/recreate-failed-stack: true/);
  });

  it('passes on-failure to the CREATE change set and upload templates over the inline limit to the bucket', async () => {
    cfn
      .on(DescribeStacksCommand, { StackName: STACK_NAME })
      .rejects(stackMissing())
      .on(DescribeStacksCommand, { StackName: STACK_ID })
      .resolves({ Stacks: [stack('CREATE_COMPLETE')] });
    cfn
      .on(DescribeChangeSetCommand)
      .resolves(changeSet('CREATE_COMPLETE', { Changes: [change('Add', 'Model')] }));
    executionEvents([event(STACK_NAME, 'CREATE_COMPLETE')]);
    s3.on(PutObjectCommand).resolves({ ETag: '"9b2cf535f27731c974343645a3985328"' });
    const body = `Description: big\n# ${'x'.repeat(60_000)}\nResources: {}\n`;
    const { engine } = testEngine();

    await deploy(
      engine,
      deployRequest({
        template: { path: '/repo/big.yaml', body },
        templateBucket: 'acme-templates',
        onFailure: 'DELETE'
      })
    );

    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: 'acme-templates', Body: body });
    const sent = cfn.commandCalls(CreateChangeSetCommand)[0]?.args[0].input;
    expect(sent?.TemplateBody).toBeUndefined();
    expect(sent?.TemplateURL).toMatch(
      /^https:\/\/acme-templates\.s3\.us-east-1\.amazonaws\.com\/modelship\/diabetes-model-prod\/[0-9a-f]{16}\.template$/
    );
    expect(sent?.OnStackFailure).toBe('DELETE');
  });

  it('refuses an oversized template without a bucket before touching the stack', async () => {
    cfn.on(DescribeStacksCommand).rejects(stackMissing());
    const { engine } = testEngine();

    const failure = deploy(
      engine,
      deployRequest({ template: { path: '/repo/big.yaml', body: 'x'.repeat(51_201) } })
    );

    await expect(failure).rejects.toThrow(InputError);
    await expect(failure).rejects.toThrow(/'template-bucket'.*51201 bytes/);
    expect(cfn).not.toHaveReceivedCommand(CreateChangeSetCommand);
  });
});

describe('deploy: stack states', () => {
  it('refuses UPDATE_ROLLBACK_FAILED with the ContinueUpdateRollback remedy and changes nothing', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack('UPDATE_ROLLBACK_FAILED')] });
    const { engine } = testEngine();

    const failure = deploy(engine, deployRequest());

    await expect(failure).rejects.toThrow(/UPDATE_ROLLBACK_FAILED/);
    await expect(failure).rejects.toThrow(
      `aws cloudformation continue-update-rollback --stack-name ${STACK_NAME}`
    );
    expect(cfn).not.toHaveReceivedCommand(CreateChangeSetCommand);
  });

  it('refuses ROLLBACK_COMPLETE without recreate-failed-stack, saying how to proceed', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack('ROLLBACK_COMPLETE')] });
    const { engine } = testEngine();

    const failure = deploy(engine, deployRequest());

    await expect(failure).rejects.toThrow(/ROLLBACK_COMPLETE.*recreate-failed-stack: true/);
    expect(cfn).not.toHaveReceivedCommand(DeleteStackCommand);
    expect(cfn).not.toHaveReceivedCommand(CreateChangeSetCommand);
  });

  it('deletes a ROLLBACK_COMPLETE stack with recreate-failed-stack, waits for DELETE_COMPLETE, then creates it', async () => {
    const oldStackId = STACK_ID.replace(/[0-9a-f-]+$/, '11111111-2222-3333-4444-555555555555');
    cfn
      .on(DescribeStacksCommand, { StackName: STACK_NAME })
      .resolves({ Stacks: [stack('ROLLBACK_COMPLETE', { StackId: oldStackId })] })
      .on(DescribeStacksCommand, { StackName: oldStackId })
      .resolves({ Stacks: [stack('DELETE_COMPLETE', { StackId: oldStackId })] })
      .on(DescribeStacksCommand, { StackName: STACK_ID })
      .resolves({ Stacks: [stack('CREATE_COMPLETE')] });
    cfn.on(DeleteStackCommand).resolves({});
    const deleted = event(STACK_NAME, 'DELETE_COMPLETE', {
      StackId: oldStackId,
      PhysicalResourceId: oldStackId
    });
    cfn
      .on(DescribeStackEventsCommand, { StackName: oldStackId })
      .resolvesOnce(
        newestFirst(
          event(STACK_NAME, 'ROLLBACK_COMPLETE', { StackId: oldStackId, PhysicalResourceId: oldStackId })
        )
      )
      .resolves(newestFirst(deleted));
    const baseline = event(STACK_NAME, 'REVIEW_IN_PROGRESS');
    cfn
      .on(DescribeStackEventsCommand, { StackName: STACK_ID })
      .resolvesOnce(newestFirst(baseline))
      .resolves(newestFirst(baseline, event(STACK_NAME, 'CREATE_COMPLETE')));
    cfn
      .on(DescribeChangeSetCommand)
      .resolves(changeSet('CREATE_COMPLETE', { Changes: [change('Add', 'Model')] }));
    const { engine } = testEngine();

    const result = await deploy(engine, deployRequest({ recreateFailedStack: true }));

    expect(cfn).toHaveReceivedCommandWith(DeleteStackCommand, { StackName: oldStackId });
    expect(cfn).toHaveReceivedCommandWith(CreateChangeSetCommand, { ChangeSetType: 'CREATE' });
    const order = cfn.calls().map((call) => (call.args[0] as object).constructor.name);
    expect(order.indexOf('DeleteStackCommand')).toBeLessThan(order.indexOf('CreateChangeSetCommand'));
    expect(result.stackStatus).toBe('CREATE_COMPLETE');
  });

  it('waits for another run’s update to finish, streaming its events, then deploys an UPDATE', async () => {
    cfn
      .on(DescribeStacksCommand, { StackName: STACK_NAME })
      .resolvesOnce({ Stacks: [stack('UPDATE_IN_PROGRESS')] })
      .resolves({ Stacks: [stack('UPDATE_COMPLETE')] })
      .on(DescribeStacksCommand, { StackName: STACK_ID })
      .resolvesOnce({ Stacks: [stack('UPDATE_IN_PROGRESS')] })
      .resolves({ Stacks: [stack('UPDATE_COMPLETE')] });
    const theirs = event(STACK_NAME, 'UPDATE_IN_PROGRESS');
    cfn
      .on(DescribeStackEventsCommand)
      .resolvesOnce(newestFirst(theirs))
      .resolvesOnce(newestFirst(theirs))
      .resolvesOnce(
        newestFirst(theirs, event('Endpoint', 'UPDATE_COMPLETE'), event(STACK_NAME, 'UPDATE_COMPLETE'))
      )
      .resolves(newestFirst(theirs, event(STACK_NAME, 'UPDATE_COMPLETE')));
    cfn
      .on(DescribeChangeSetCommand)
      .resolves(changeSet('FAILED', { StatusReason: 'No updates are to be performed.' }));
    const { engine, log } = testEngine();

    const result = await deploy(engine, deployRequest());

    expect(log.lines).toContainEqual(
      expect.stringMatching(/UPDATE_IN_PROGRESS: another operation is running; waiting/)
    );
    expect(log.lines).toContainEqual(
      expect.stringMatching(/Endpoint {2}AWS::SageMaker::Endpoint {2}UPDATE_COMPLETE$/)
    );
    expect(cfn).toHaveReceivedCommandWith(CreateChangeSetCommand, { ChangeSetType: 'UPDATE' });
    expect(result.noChanges).toBe(true);
  });
  it('waits and tries again when another run starts an update between the look and CreateChangeSet', async () => {
    cfn
      .on(DescribeStacksCommand, { StackName: STACK_NAME })
      .resolvesOnce({ Stacks: [stack('UPDATE_COMPLETE')] })
      .resolvesOnce({ Stacks: [stack('UPDATE_IN_PROGRESS')] })
      .resolves({ Stacks: [stack('UPDATE_COMPLETE')] })
      .on(DescribeStacksCommand, { StackName: STACK_ID })
      .resolvesOnce({ Stacks: [stack('UPDATE_IN_PROGRESS')] })
      .resolves({ Stacks: [stack('UPDATE_COMPLETE')] });
    cfn
      .on(CreateChangeSetCommand)
      .rejectsOnce(
        serviceError(
          'ValidationError',
          `Stack:${STACK_ID} is in UPDATE_IN_PROGRESS state and can not be updated.`
        )
      )
      .resolves({ Id: CHANGE_SET_ID, StackId: STACK_ID });
    const theirs = event(STACK_NAME, 'UPDATE_IN_PROGRESS');
    cfn
      .on(DescribeStackEventsCommand)
      .resolvesOnce(newestFirst(theirs))
      .resolves(newestFirst(theirs, event(STACK_NAME, 'UPDATE_COMPLETE')));
    cfn
      .on(DescribeChangeSetCommand)
      .resolves(changeSet('FAILED', { StatusReason: 'No updates are to be performed.' }));
    const { engine, log } = testEngine();

    const result = await deploy(engine, deployRequest());

    expect(cfn).toHaveReceivedCommandTimes(CreateChangeSetCommand, 2);
    expect(log.lines).toContain(
      `Another operation started on stack ${STACK_NAME} in the meantime; waiting for it.`
    );
    expect(result.noChanges).toBe(true);
  });
});

describe('deploy: nothing to do', () => {
  it.each([
    "The submitted information didn't contain changes. Submit different information to create a change set.",
    'No updates are to be performed.'
  ])(
    'reports "no changes" for a FAILED change set saying %j, deletes it and returns the current outputs',
    async (reason) => {
      cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack('UPDATE_COMPLETE')] });
      cfn
        .on(DescribeChangeSetCommand)
        .resolves(changeSet('FAILED', { StatusReason: reason, ExecutionStatus: 'UNAVAILABLE' }));
      const { engine, log } = testEngine();

      const result = await deploy(engine, deployRequest());

      expect(result).toEqual({
        stackId: STACK_ID,
        stackStatus: 'UPDATE_COMPLETE',
        changeSetId: CHANGE_SET_ID,
        noChanges: true,
        changes: [],
        outputs: { EndpointName: 'diabetes-model-prod', EndpointArn: expect.any(String) }
      });
      expect(cfn).toHaveReceivedCommandWith(DeleteChangeSetCommand, { ChangeSetName: CHANGE_SET_ID });
      expect(cfn).not.toHaveReceivedCommand(ExecuteChangeSetCommand);
      expect(log.lines).toContainEqual(
        expect.stringMatching(/^No changes: stack diabetes-model-prod already matches/)
      );
    }
  );

  it('fails with CloudFormation’s reason for any other FAILED change set and cleans the change set up', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack('UPDATE_COMPLETE')] });
    cfn.on(DescribeChangeSetCommand).resolves(
      changeSet('FAILED', {
        StatusReason: 'Template error: instance of Fn::GetAtt references undefined resource Modle'
      })
    );
    const { engine } = testEngine();

    await expect(deploy(engine, deployRequest())).rejects.toThrow(
      /could not create change set .* Template error: instance of Fn::GetAtt references undefined resource Modle\./
    );
    expect(cfn).toHaveReceivedCommandWith(DeleteChangeSetCommand, { ChangeSetName: CHANGE_SET_ID });
  });

  it('turns CreateChangeSet validation errors into errors that point at the input to fix', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack('UPDATE_COMPLETE')] });
    cfn
      .on(CreateChangeSetCommand)
      .rejects(serviceError('ValidationError', 'Parameters: [ExecutionRoleArn] must have values'));
    const { engine } = testEngine();

    await expect(deploy(engine, deployRequest())).rejects.toThrow(
      "CloudFormation rejected the change set for stack diabetes-model-prod: ValidationError: Parameters: [ExecutionRoleArn] must have values. Check the 'parameters' input"
    );
  });

  it('names the capabilities input when the template needs IAM capabilities', async () => {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [stack('UPDATE_COMPLETE')] });
    cfn
      .on(CreateChangeSetCommand)
      .rejects(
        serviceError('InsufficientCapabilitiesException', 'Requires capabilities : [CAPABILITY_NAMED_IAM]')
      );
    const { engine } = testEngine();

    await expect(deploy(engine, deployRequest())).rejects.toThrow(/'capabilities' input/);
  });
});

describe('deploy: updates', () => {
  function updateStack(final: string) {
    cfn
      .on(DescribeStacksCommand, { StackName: STACK_NAME })
      .resolves({ Stacks: [stack('UPDATE_COMPLETE')] })
      .on(DescribeStacksCommand, { StackName: STACK_ID })
      .resolves({ Stacks: [stack(final)] });
    cfn.on(DescribeChangeSetCommand).resolves(
      changeSet('CREATE_COMPLETE', {
        Changes: [
          change('Add', 'Model'),
          change('Modify', 'EndpointConfig', 'True'),
          change('Remove', 'LatencyAlarm')
        ]
      })
    );
  }

  it('reports the changes before executing them and says the previous version keeps serving after a rollback', async () => {
    updateStack('UPDATE_ROLLBACK_COMPLETE');
    executionEvents([
      event(STACK_NAME, 'UPDATE_IN_PROGRESS'),
      event('Endpoint', 'UPDATE_FAILED', {
        ResourceStatusReason: 'Endpoint failed health check: /ping returned 500'
      }),
      event(STACK_NAME, 'UPDATE_ROLLBACK_IN_PROGRESS'),
      event(STACK_NAME, 'UPDATE_ROLLBACK_COMPLETE')
    ]);
    const reported: unknown[] = [];
    const { engine } = testEngine({ onChanges: async (_name, rows) => void reported.push(rows) });

    const failure = deploy(engine, deployRequest());

    await expect(failure).rejects.toThrow(
      'Endpoint (AWS::SageMaker::Endpoint) UPDATE_FAILED: Endpoint failed health check: /ping returned 500.'
    );
    await expect(failure).rejects.toThrow(/rolled back to its previous state/);
    expect(reported).toEqual([
      [
        { action: 'Add', logicalId: 'Model', type: 'AWS::SageMaker::Model', replacement: '-' },
        {
          action: 'Modify',
          logicalId: 'EndpointConfig',
          type: 'AWS::SageMaker::EndpointConfig',
          replacement: 'True'
        },
        { action: 'Remove', logicalId: 'LatencyAlarm', type: 'AWS::CloudWatch::Alarm', replacement: '-' }
      ]
    ]);
    expect(cfn).not.toHaveReceivedCommandWith(CreateChangeSetCommand, { OnStackFailure: expect.anything() });
  });

  it('disables rollback of an update with on-failure DO_NOTHING', async () => {
    updateStack('UPDATE_COMPLETE');
    executionEvents([event(STACK_NAME, 'UPDATE_COMPLETE')]);
    const { engine } = testEngine();

    await deploy(engine, deployRequest({ onFailure: 'DO_NOTHING' }));

    expect(cfn).toHaveReceivedCommandWith(ExecuteChangeSetCommand, {
      ChangeSetName: CHANGE_SET_ID,
      DisableRollback: true
    });
  });

  it('waits through UPDATE_COMPLETE_CLEANUP_IN_PROGRESS to UPDATE_COMPLETE', async () => {
    cfn
      .on(DescribeStacksCommand, { StackName: STACK_NAME })
      .resolves({ Stacks: [stack('UPDATE_COMPLETE')] })
      .on(DescribeStacksCommand, { StackName: STACK_ID })
      .resolves({ Stacks: [stack('UPDATE_COMPLETE')] });
    cfn
      .on(DescribeChangeSetCommand)
      .resolves(changeSet('CREATE_COMPLETE', { Changes: [change('Add', 'Model')] }));
    executionEvents(
      [event(STACK_NAME, 'UPDATE_IN_PROGRESS'), event(STACK_NAME, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS')],
      [event('Model', 'DELETE_COMPLETE'), event(STACK_NAME, 'UPDATE_COMPLETE')]
    );
    const { engine, log } = testEngine();

    await deploy(engine, deployRequest());

    expect(log.lines).toContainEqual(
      expect.stringMatching(/Model {2}AWS::SageMaker::Model {2}DELETE_COMPLETE$/)
    );
    expect(cfn.commandCalls(DescribeStacksCommand, { StackName: STACK_ID })).toHaveLength(1);
  });

  it('keeps polling when DescribeStackEvents is throttled beyond the SDK’s retries, slowing down', async () => {
    updateStack('UPDATE_COMPLETE');
    const baseline = event(STACK_NAME, 'UPDATE_COMPLETE');
    cfn
      .on(DescribeStackEventsCommand)
      .resolvesOnce(newestFirst(baseline))
      .rejectsOnce(serviceError('Throttling', 'Rate exceeded'))
      .rejectsOnce(serviceError('Throttling', 'Rate exceeded'))
      .resolves(newestFirst(baseline, event(STACK_NAME, 'UPDATE_COMPLETE')));
    const { engine, clock } = testEngine();

    const result = await deploy(engine, deployRequest());

    expect(result.stackStatus).toBe('UPDATE_COMPLETE');
    const [afterFirst = 0, afterSecond] = clock.sleeps;
    expect(clock.sleeps).toHaveLength(2);
    expect(afterSecond).toBe(afterFirst * 2);
  });

  it('cancels an update that outlives timeout-in-minutes and reports the rollback', async () => {
    updateStack('UPDATE_ROLLBACK_COMPLETE');
    const baseline = event(STACK_NAME, 'UPDATE_COMPLETE');
    const started = event(STACK_NAME, 'UPDATE_IN_PROGRESS');
    cfn
      .on(DescribeStackEventsCommand)
      .resolvesOnce(newestFirst(baseline))
      .resolvesOnce(newestFirst(baseline, started));
    cfn.on(CancelUpdateStackCommand).callsFake(() => {
      cfn
        .on(DescribeStackEventsCommand)
        .resolves(newestFirst(baseline, started, event(STACK_NAME, 'UPDATE_ROLLBACK_COMPLETE')));
      return {};
    });
    cfn.on(DescribeStackEventsCommand).resolves(newestFirst(baseline, started));
    const { engine, log } = testEngine();

    const failure = deploy(engine, deployRequest({ timeoutMinutes: 1 }));

    await expect(failure).rejects.toThrow(
      /not updated within 1 minutes; the update was cancelled and the stack is UPDATE_ROLLBACK_COMPLETE/
    );
    expect(cfn).toHaveReceivedCommandWith(CancelUpdateStackCommand, { StackName: STACK_ID });
    expect(log.warnings).toContainEqual(expect.stringMatching(/cancelling the update/));
  });
});

describe('deploy: after the stack', () => {
  function noChangesOn(current = stack('UPDATE_COMPLETE')) {
    cfn.on(DescribeStacksCommand).resolves({ Stacks: [current] });
    cfn
      .on(DescribeChangeSetCommand)
      .resolves(changeSet('FAILED', { StatusReason: 'No updates are to be performed.' }));
    cfn.on(ListStackResourcesCommand).resolves({
      StackResourceSummaries: [
        {
          LogicalResourceId: 'Model',
          PhysicalResourceId: 'arn:aws:sagemaker:us-east-1:123456789012:model/model-abc',
          ResourceType: 'AWS::SageMaker::Model',
          LastUpdatedTimestamp: new Date(),
          ResourceStatus: 'CREATE_COMPLETE'
        },
        {
          LogicalResourceId: 'EndpointConfig',
          PhysicalResourceId: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/endpointconfig-new',
          ResourceType: 'AWS::SageMaker::EndpointConfig',
          LastUpdatedTimestamp: new Date(),
          ResourceStatus: 'UPDATE_COMPLETE'
        },
        {
          LogicalResourceId: 'Endpoint',
          PhysicalResourceId: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/diabetes-model-prod',
          ResourceType: 'AWS::SageMaker::Endpoint',
          LastUpdatedTimestamp: new Date(),
          ResourceStatus: 'UPDATE_COMPLETE'
        }
      ]
    });
  }

  it('fails a deployment SageMaker rolled back: InService, but on the old endpoint config', async () => {
    noChangesOn();
    sagemaker.on(DescribeEndpointCommand).resolves({
      EndpointName: 'diabetes-model-prod',
      EndpointStatus: 'InService',
      EndpointConfigName: 'EndpointConfig-old',
      FailureReason: 'Deployment rolled back: alarm diabetes-model-prod-errors is in ALARM.'
    });
    const { engine } = testEngine();

    await expect(deploy(engine, deployRequest({ waitForEndpoints: true }))).rejects.toThrow(
      'Endpoint diabetes-model-prod was rolled back: it is InService on endpoint config EndpointConfig-old, ' +
        "not on the stack's new one (endpointconfig-new). SageMaker says: Deployment rolled back: alarm " +
        'diabetes-model-prod-errors is in ALARM.'
    );
  });

  it("waits past the step's timeout for the deployment's baking and termination waits", async () => {
    noChangesOn();
    const updating = {
      EndpointName: 'diabetes-model-prod',
      EndpointStatus: 'Updating' as const,
      EndpointConfigName: 'EndpointConfig-NEW',
      LastDeploymentConfig: {
        BlueGreenUpdatePolicy: {
          TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE' as const, WaitIntervalInSeconds: 600 },
          TerminationWaitInSeconds: 1200
        }
      }
    };
    let polls = 0;
    sagemaker.on(DescribeEndpointCommand).callsFake(() => {
      polls += 1;
      // Updating for 40 minutes of the fake clock: longer than the step's 5, within 30 min of waits + 15.
      return engine.clock.now() - started < 40 * 60_000
        ? updating
        : { ...updating, EndpointStatus: 'InService' };
    });
    const { engine, log } = testEngine();
    const started = engine.clock.now();

    await deploy(engine, deployRequest({ waitForEndpoints: true, timeoutMinutes: 5 }));

    expect(polls).toBeGreaterThan(2);
    expect(log.lines).toContainEqual(
      expect.stringMatching(
        /waiting up to 45 minutes, for its deployment's 1800 s of baking and termination waits/
      )
    );
  });

  it('waits until every endpoint of the stack is InService', async () => {
    noChangesOn();
    sagemaker
      .on(DescribeEndpointCommand, { EndpointName: 'diabetes-model-prod' })
      .resolvesOnce({ EndpointName: 'diabetes-model-prod', EndpointStatus: 'Updating' })
      .resolves({
        EndpointName: 'diabetes-model-prod',
        EndpointStatus: 'InService',
        EndpointConfigName: 'EndpointConfig-NEW'
      });
    const { engine, log } = testEngine();

    await deploy(engine, deployRequest({ waitForEndpoints: true }));

    expect(sagemaker).toHaveReceivedCommandTimes(DescribeEndpointCommand, 2);
    expect(log.lines).toEqual(
      expect.arrayContaining([
        'Endpoint diabetes-model-prod: Updating',
        'Endpoint diabetes-model-prod: InService'
      ])
    );
  });

  it('fails with the endpoint’s FailureReason when it ends Failed', async () => {
    noChangesOn();
    sagemaker.on(DescribeEndpointCommand).resolves({
      EndpointName: 'diabetes-model-prod',
      EndpointStatus: 'Failed',
      FailureReason:
        'The primary container for production variant AllTraffic did not pass the ping health check.'
    });
    const { engine } = testEngine();

    await expect(deploy(engine, deployRequest({ waitForEndpoints: true }))).rejects.toThrow(
      'Endpoint diabetes-model-prod is Failed: The primary container for production variant AllTraffic did not pass the ping health check.'
    );
  });

  it('turns termination protection on only when it differs from the stack', async () => {
    noChangesOn(stack('UPDATE_COMPLETE', { EnableTerminationProtection: false }));
    cfn.on(UpdateTerminationProtectionCommand).resolves({ StackId: STACK_ID });
    const { engine } = testEngine();

    await deploy(engine, deployRequest({ terminationProtection: true }));
    await deploy(engine, deployRequest({ terminationProtection: false }));
    await deploy(engine, deployRequest());

    expect(cfn).toHaveReceivedCommandTimes(UpdateTerminationProtectionCommand, 1);
    expect(cfn).toHaveReceivedCommandWith(UpdateTerminationProtectionCommand, {
      StackName: STACK_ID,
      EnableTerminationProtection: true
    });
  });
});

describe('deploymentAllowanceSeconds', () => {
  it.each([
    [undefined, 4, 0],
    [
      {
        BlueGreenUpdatePolicy: {
          TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 0 },
          TerminationWaitInSeconds: 300
        }
      },
      1,
      300
    ],
    [
      {
        BlueGreenUpdatePolicy: {
          TrafficRoutingConfiguration: {
            Type: 'CANARY',
            WaitIntervalInSeconds: 120,
            CanarySize: { Type: 'CAPACITY_PERCENT', Value: 10 }
          }
        }
      },
      1,
      240
    ],
    [
      {
        BlueGreenUpdatePolicy: {
          TrafficRoutingConfiguration: {
            Type: 'LINEAR',
            WaitIntervalInSeconds: 60,
            LinearStepSize: { Type: 'CAPACITY_PERCENT', Value: 30 }
          },
          TerminationWaitInSeconds: 60
        }
      },
      1,
      300
    ],
    [
      {
        BlueGreenUpdatePolicy: {
          TrafficRoutingConfiguration: {
            Type: 'LINEAR',
            WaitIntervalInSeconds: 60,
            LinearStepSize: { Type: 'INSTANCE_COUNT', Value: 2 }
          }
        }
      },
      6,
      180
    ],
    [
      {
        BlueGreenUpdatePolicy: {
          TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 60 },
          MaximumExecutionTimeoutInSeconds: 3600
        }
      },
      1,
      3600
    ]
  ] as [DeploymentConfig | undefined, number, number][])(
    '%j with %d instance(s): %d s',
    (config, instances, seconds) => {
      expect(deploymentAllowanceSeconds(config, instances)).toBe(seconds);
    }
  );
});
