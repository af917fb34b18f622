import {
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeChangeSetCommand,
  DescribeStackResourceCommand,
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  ListChangeSetsCommand,
  ListStackResourcesCommand,
  ListStacksCommand,
  UpdateStackCommand,
  UpdateTerminationProtectionCommand,
  ValidateTemplateCommand,
  waitUntilChangeSetCreateComplete,
  type CloudFormationClient
} from '@aws-sdk/client-cloudformation';
import { eventLines, startCloudFormation, waitForStack, type CloudFormationHarness } from './harness.js';

const PARAMETER_TEMPLATE = `
Description: Local records only
Parameters:
  Value: { Type: String, Default: one }
  Name: { Type: String, Default: '' }
  Secret: { Type: String, NoEcho: true, Default: hush }
Conditions:
  Named: !Not [!Equals [!Ref Name, '']]
Resources:
  Handle:
    Type: AWS::CloudFormation::WaitConditionHandle
  Setting:
    Type: AWS::SSM::Parameter
    Properties:
      Name: !If [Named, !Ref Name, !Ref AWS::NoValue]
      Type: String
      Value: !Sub '\${Value}-\${AWS::StackName}'
Outputs:
  SettingName: { Value: !Ref Setting, Description: the parameter }
  SettingValue: { Value: !GetAtt Setting.Value }
`;

let harness: CloudFormationHarness;
let client: CloudFormationClient;
beforeAll(async () => {
  harness = await startCloudFormation();
  client = harness.client;
});
afterAll(() => harness.close());

const create = (StackName: string, TemplateBody: string, extra: Record<string, unknown> = {}) =>
  client.send(new CreateStackCommand({ StackName, TemplateBody, ...extra }));
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: { name: string; message: string }) => ({ name: error.name, message: error.message })
  );

describe('CreateStack', () => {
  it('creates resources in order, with events, outputs and masked NoEcho parameters', async () => {
    const { StackId } = await create('records', PARAMETER_TEMPLATE, { Tags: [{ Key: 'team', Value: 'ml' }] });
    expect(StackId).toMatch(/^arn:aws:cloudformation:us-east-1:000000000000:stack\/records\/[0-9a-f-]{36}$/);
    const stack = await waitForStack(client, 'records');
    expect(stack).toMatchObject({
      StackStatus: 'CREATE_COMPLETE',
      Description: 'Local records only',
      Tags: [{ Key: 'team', Value: 'ml' }],
      EnableTerminationProtection: false
    });
    expect(stack.Parameters).toEqual(
      expect.arrayContaining([
        { ParameterKey: 'Value', ParameterValue: 'one' },
        { ParameterKey: 'Secret', ParameterValue: '****' }
      ])
    );
    const outputs = Object.fromEntries(
      stack.Outputs!.map((output) => [output.OutputKey, output.OutputValue])
    );
    expect(outputs['SettingValue']).toBe('one-records');
    expect(outputs['SettingName']).toMatch(/^records-Setting-[A-Z0-9]{13}$/);

    expect(await eventLines(client, 'records')).toEqual([
      'records CREATE_IN_PROGRESS',
      'Handle CREATE_IN_PROGRESS',
      'Handle CREATE_COMPLETE',
      'Setting CREATE_IN_PROGRESS',
      'Setting CREATE_COMPLETE',
      'records CREATE_COMPLETE'
    ]);
    const { StackResources } = await client.send(new DescribeStackResourcesCommand({ StackName: 'records' }));
    expect(StackResources?.map((resource) => [resource.LogicalResourceId, resource.ResourceStatus])).toEqual([
      ['Handle', 'CREATE_COMPLETE'],
      ['Setting', 'CREATE_COMPLETE']
    ]);
    const { StackResourceDetail } = await client.send(
      new DescribeStackResourceCommand({ StackName: 'records', LogicalResourceId: 'Setting' })
    );
    expect(StackResourceDetail?.PhysicalResourceId).toBe(outputs['SettingName']);
    const { StackResourceSummaries } = await client.send(
      new ListStackResourcesCommand({ StackName: StackId })
    );
    expect(StackResourceSummaries).toHaveLength(2);
    const { TemplateBody } = await client.send(new GetTemplateCommand({ StackName: 'records' }));
    expect(TemplateBody).toBe(PARAMETER_TEMPLATE);
    const byPhysicalId = await client.send(
      new DescribeStackResourcesCommand({ PhysicalResourceId: outputs['SettingName'] })
    );
    expect(
      byPhysicalId.StackResources?.map((resource) => [resource.StackName, resource.LogicalResourceId])
    ).toEqual([['records', 'Setting']]);
  });

  it('refuses a stack name that exists, an invalid name, and templates or parameters that do not validate', async () => {
    await create('dup', PARAMETER_TEMPLATE);
    expect(await failure(create('dup', PARAMETER_TEMPLATE))).toEqual({
      name: 'AlreadyExistsException',
      message: 'Stack [dup] already exists'
    });
    expect(await failure(create('bad_name', PARAMETER_TEMPLATE))).toEqual({
      name: 'ValidationError',
      message:
        "1 validation error detected: Value 'bad_name' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*"
    });
    expect((await failure(create('yaml', 'Resources: [\n'))).message).toMatch(
      /^Template format error: YAML not well-formed/
    );
    expect(
      (
        await failure(
          create(
            'fn',
            'Resources:\n  A:\n    Type: AWS::SSM::Parameter\n    Properties: { V: { "Fn::Nope": 1 } }\n'
          )
        )
      ).message
    ).toMatch(/^Template format error: Unrecognized function 'Fn::Nope'/);
    const required =
      'Parameters:\n  P: { Type: String, AllowedValues: [a] }\nResources:\n  A: { Type: AWS::CloudFormation::WaitConditionHandle }\n';
    expect(await failure(create('missing', required))).toEqual({
      name: 'ValidationError',
      message: 'Parameters: [P] must have values'
    });
    expect(
      await failure(create('allowed', required, { Parameters: [{ ParameterKey: 'P', ParameterValue: 'b' }] }))
    ).toEqual({
      name: 'ValidationError',
      message: "Parameter 'P' must be one of AllowedValues"
    });
    expect(
      await failure(create('att', `${PARAMETER_TEMPLATE}  Typo: { Value: !GetAtt Setting.Valeu }\n`))
    ).toEqual({
      name: 'ValidationError',
      message: 'Template error: resource Setting does not support attribute type Valeu in Fn::GetAtt'
    });
    const role =
      'Resources:\n  R: { Type: AWS::IAM::Role, Properties: { RoleName: r, AssumeRolePolicyDocument: {} } }\n';
    expect(await failure(create('iam', role, { Capabilities: ['CAPABILITY_IAM'] }))).toEqual({
      name: 'InsufficientCapabilitiesException',
      message: 'Requires capabilities : [CAPABILITY_NAMED_IAM]'
    });
    expect(await failure(client.send(new DescribeStacksCommand({ StackName: 'missing' })))).toEqual({
      name: 'ValidationError',
      message: 'Stack with id missing does not exist'
    });
  });

  it('rolls back when a resource type is not supported, deleting what it created', async () => {
    await create(
      'unsupported',
      `
Resources:
  First: { Type: AWS::SSM::Parameter, Properties: { Type: String, Value: v } }
  Bucket: { Type: AWS::S3::Bucket, DependsOn: First }
`
    );
    const stack = await waitForStack(client, 'unsupported');
    expect(stack.StackStatus).toBe('ROLLBACK_COMPLETE');
    expect(await eventLines(client, 'unsupported', true)).toEqual([
      'unsupported CREATE_IN_PROGRESS User Initiated',
      'First CREATE_IN_PROGRESS',
      'First CREATE_COMPLETE',
      'Bucket CREATE_IN_PROGRESS',
      'Bucket CREATE_FAILED Resource type AWS::S3::Bucket is not supported by the local stack.',
      'unsupported ROLLBACK_IN_PROGRESS The following resource(s) failed to create: [Bucket]. Rollback requested by user.',
      'Bucket DELETE_IN_PROGRESS',
      'Bucket DELETE_COMPLETE',
      'First DELETE_IN_PROGRESS',
      'First DELETE_COMPLETE',
      'unsupported ROLLBACK_COMPLETE'
    ]);
    expect(
      await failure(
        client.send(new UpdateStackCommand({ StackName: 'unsupported', UsePreviousTemplate: true }))
      )
    ).toEqual({
      name: 'ValidationError',
      message: `Stack:${stack.StackId} is in ROLLBACK_COMPLETE state and can not be updated.`
    });
  });

  it('keeps a failed stack with OnFailure DO_NOTHING and deletes it with OnFailure DELETE', async () => {
    const broken = 'Resources:\n  Q: { Type: AWS::SQS::Queue }\n';
    await create('keep', broken, { OnFailure: 'DO_NOTHING' });
    expect((await waitForStack(client, 'keep')).StackStatus).toBe('CREATE_FAILED');
    const { StackId } = await create('gone', broken, { OnFailure: 'DELETE' });
    const deleted = await waitForStack(client, StackId!);
    expect(deleted.StackStatus).toBe('DELETE_COMPLETE');
    expect(deleted.DeletionTime).toBeInstanceOf(Date);
    expect((await failure(client.send(new DescribeStacksCommand({ StackName: 'gone' })))).name).toBe(
      'ValidationError'
    );
    const { StackSummaries } = await client.send(
      new ListStacksCommand({ StackStatusFilter: ['DELETE_COMPLETE'] })
    );
    expect(StackSummaries?.map((summary) => summary.StackId)).toContain(StackId);
  });
});

describe('UpdateStack', () => {
  it('updates in place, replaces on a create-only change, and says when there is nothing to do', async () => {
    await create('upd', PARAMETER_TEMPLATE);
    const before = await waitForStack(client, 'upd');
    const nameOf = (stack: typeof before) =>
      stack.Outputs!.find((output) => output.OutputKey === 'SettingName')!.OutputValue;

    await client.send(
      new UpdateStackCommand({
        StackName: 'upd',
        UsePreviousTemplate: true,
        Parameters: [{ ParameterKey: 'Value', ParameterValue: 'two' }]
      })
    );
    const inPlace = await waitForStack(client, 'upd');
    expect(inPlace.StackStatus).toBe('UPDATE_COMPLETE');
    expect(nameOf(inPlace)).toBe(nameOf(before));
    expect(inPlace.Outputs!.find((output) => output.OutputKey === 'SettingValue')!.OutputValue).toBe(
      'two-upd'
    );

    expect(
      await failure(
        client.send(
          new UpdateStackCommand({
            StackName: 'upd',
            UsePreviousTemplate: true,
            Parameters: [{ ParameterKey: 'Value', UsePreviousValue: true }]
          })
        )
      )
    ).toEqual({ name: 'ValidationError', message: 'No updates are to be performed.' });

    await client.send(
      new UpdateStackCommand({
        StackName: 'upd',
        UsePreviousTemplate: true,
        Parameters: [
          { ParameterKey: 'Value', UsePreviousValue: true },
          { ParameterKey: 'Name', ParameterValue: 'fixed-name' }
        ]
      })
    );
    const replaced = await waitForStack(client, 'upd');
    expect(replaced.StackStatus).toBe('UPDATE_COMPLETE');
    expect(nameOf(replaced)).toBe('fixed-name');
    const lines = await eventLines(client, 'upd', true);
    expect(lines.slice(lines.lastIndexOf('upd UPDATE_IN_PROGRESS User Initiated'))).toEqual([
      'upd UPDATE_IN_PROGRESS User Initiated',
      'Setting UPDATE_IN_PROGRESS Requested update requires the creation of a new physical resource; hence creating one.',
      'Setting UPDATE_COMPLETE',
      'upd UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
      'Setting DELETE_IN_PROGRESS',
      'Setting DELETE_COMPLETE',
      'upd UPDATE_COMPLETE'
    ]);
  });

  it('rolls an update back to the previous resources and outputs when a resource fails', async () => {
    const template = (extra: string) => `
Resources:
  Setting: { Type: AWS::SSM::Parameter, Properties: { Type: String, Value: ${extra} } }
Outputs:
  Value: { Value: !GetAtt Setting.Value }
`;
    await create('rb', template('first'));
    await waitForStack(client, 'rb');
    await client.send(
      new UpdateStackCommand({
        StackName: 'rb',
        TemplateBody: `${template('second')}  Extra: { Value: !Ref Added }\n`.replace(
          'Outputs:',
          '  Added: { Type: AWS::SSM::Parameter, Properties: { Type: String, Value: x } }\n  Broken: { Type: AWS::Lambda::Function, DependsOn: [Setting, Added] }\nOutputs:'
        )
      })
    );
    const stack = await waitForStack(client, 'rb');
    expect(stack.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(stack.Outputs).toEqual([{ OutputKey: 'Value', OutputValue: 'first' }]);
    const { StackResourceSummaries } = await client.send(new ListStackResourcesCommand({ StackName: 'rb' }));
    expect(StackResourceSummaries?.map((resource) => resource.LogicalResourceId)).toEqual(['Setting']);
    const lines = await eventLines(client, 'rb');
    expect(lines.slice(lines.indexOf('rb UPDATE_ROLLBACK_IN_PROGRESS'))).toEqual([
      'rb UPDATE_ROLLBACK_IN_PROGRESS',
      'Setting UPDATE_IN_PROGRESS',
      'Setting UPDATE_COMPLETE',
      'rb UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
      'Added DELETE_IN_PROGRESS',
      'Added DELETE_COMPLETE',
      'rb UPDATE_ROLLBACK_COMPLETE'
    ]);
    const { TemplateBody } = await client.send(new GetTemplateCommand({ StackName: 'rb' }));
    expect(TemplateBody).toBe(template('first'));
  });
});

const TRUST =
  '{ Statement: [{ Effect: Allow, Principal: { Service: sagemaker.amazonaws.com }, Action: sts:AssumeRole }] }';

describe('replacing a custom-named resource', () => {
  it('is refused as CloudFormation refuses it, and the stack rolls back', async () => {
    const role = (path: string) =>
      `Resources:\n  Role: { Type: AWS::IAM::Role, Properties: { RoleName: fixed, Path: ${path}, AssumeRolePolicyDocument: ${TRUST} } }\n`;
    await create('named', role('/a/'), { Capabilities: ['CAPABILITY_NAMED_IAM'] });
    await waitForStack(client, 'named');
    await client.send(
      new UpdateStackCommand({
        StackName: 'named',
        TemplateBody: role('/b/'),
        Capabilities: ['CAPABILITY_NAMED_IAM']
      })
    );
    expect((await waitForStack(client, 'named')).StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(await eventLines(client, 'named', true)).toContain(
      'Role UPDATE_FAILED CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename fixed and update the stack again.'
    );
  });
});

describe('change sets', () => {
  it('creates a stack through a CREATE change set, from REVIEW_IN_PROGRESS', async () => {
    const { Id, StackId } = await client.send(
      new CreateChangeSetCommand({
        StackName: 'cs',
        ChangeSetName: 'first',
        ChangeSetType: 'CREATE',
        TemplateBody: PARAMETER_TEMPLATE
      })
    );
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: 'cs' }));
    expect(Stacks?.[0]?.StackStatus).toBe('REVIEW_IN_PROGRESS');
    await waitUntilChangeSetCreateComplete({ client, maxWaitTime: 10, minDelay: 1 }, { ChangeSetName: Id! });
    const changeSet = await client.send(
      new DescribeChangeSetCommand({ ChangeSetName: 'first', StackName: 'cs' })
    );
    expect(changeSet).toMatchObject({ Status: 'CREATE_COMPLETE', ExecutionStatus: 'AVAILABLE', StackId });
    expect(
      changeSet.Changes?.map((change) => [
        change.ResourceChange?.Action,
        change.ResourceChange?.LogicalResourceId
      ])
    ).toEqual([
      ['Add', 'Handle'],
      ['Add', 'Setting']
    ]);
    const { TemplateBody } = await client.send(new GetTemplateCommand({ ChangeSetName: Id! }));
    expect(TemplateBody).toBe(PARAMETER_TEMPLATE);
    await client.send(new ExecuteChangeSetCommand({ ChangeSetName: Id! }));
    expect((await waitForStack(client, 'cs')).StackStatus).toBe('CREATE_COMPLETE');
    const executed = await client.send(new DescribeChangeSetCommand({ ChangeSetName: Id! }));
    expect(executed.ExecutionStatus).toBe('EXECUTE_COMPLETE');
    expect((await client.send(new DescribeStacksCommand({ StackName: 'cs' }))).Stacks?.[0]?.ChangeSetId).toBe(
      Id
    );
  });

  it('describes modifications with replacement, reports an empty change set as FAILED, and can be listed and deleted', async () => {
    await create('diff', PARAMETER_TEMPLATE);
    await waitForStack(client, 'diff');
    const changeSetFor = async (ChangeSetName: string, parameters: Record<string, string>) => {
      await client.send(
        new CreateChangeSetCommand({
          StackName: 'diff',
          ChangeSetName,
          UsePreviousTemplate: true,
          Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({
            ParameterKey,
            ParameterValue
          }))
        })
      );
      for (;;) {
        const described = await client.send(
          new DescribeChangeSetCommand({ StackName: 'diff', ChangeSetName })
        );
        if (described.Status === 'CREATE_COMPLETE' || described.Status === 'FAILED') return described;
      }
    };

    const modify = await changeSetFor('value', { Value: 'changed' });
    expect(modify.Changes).toEqual([
      {
        Type: 'Resource',
        ResourceChange: expect.objectContaining({
          Action: 'Modify',
          LogicalResourceId: 'Setting',
          ResourceType: 'AWS::SSM::Parameter',
          Replacement: 'False',
          Scope: ['Properties'],
          Details: [
            {
              Target: { Attribute: 'Properties', Name: 'Value', RequiresRecreation: 'Never' },
              Evaluation: 'Static',
              ChangeSource: 'ParameterReference',
              CausingEntity: 'Value'
            }
          ]
        })
      }
    ]);
    const replace = await changeSetFor('rename', { Name: 'renamed' });
    expect(replace.Changes?.[0]?.ResourceChange).toMatchObject({
      Replacement: 'True',
      PolicyAction: 'ReplaceAndDelete'
    });

    const empty = await changeSetFor('nothing', {});
    expect(empty).toMatchObject({
      Status: 'FAILED',
      ExecutionStatus: 'UNAVAILABLE',
      StatusReason:
        "The submitted information didn't contain changes. Submit different information to create a change set."
    });
    expect(
      await failure(client.send(new ExecuteChangeSetCommand({ StackName: 'diff', ChangeSetName: 'nothing' })))
    ).toEqual({
      name: 'InvalidChangeSetStatusException',
      message: `ChangeSet [${empty.ChangeSetId}] cannot be executed in its current status of [FAILED]`
    });

    const { Summaries } = await client.send(new ListChangeSetsCommand({ StackName: 'diff' }));
    expect(Summaries?.map((summary) => [summary.ChangeSetName, summary.Status])).toEqual([
      ['value', 'CREATE_COMPLETE'],
      ['rename', 'CREATE_COMPLETE'],
      ['nothing', 'FAILED']
    ]);
    await client.send(new DeleteChangeSetCommand({ StackName: 'diff', ChangeSetName: 'nothing' }));
    expect(
      await failure(
        client.send(new DescribeChangeSetCommand({ StackName: 'diff', ChangeSetName: 'nothing' }))
      )
    ).toEqual({
      name: 'ChangeSetNotFoundException',
      message: 'ChangeSet [nothing] does not exist'
    });

    await client.send(new ExecuteChangeSetCommand({ StackName: 'diff', ChangeSetName: 'value' }));
    expect((await waitForStack(client, 'diff')).StackStatus).toBe('UPDATE_COMPLETE');
    const remaining = await client.send(new ListChangeSetsCommand({ StackName: 'diff' }));
    expect(remaining.Summaries?.map((summary) => [summary.ChangeSetName, summary.ExecutionStatus])).toEqual([
      ['value', 'EXECUTE_COMPLETE']
    ]);
  });

  it('makes a change set OBSOLETE when the stack is updated without it', async () => {
    await create('obsolete', PARAMETER_TEMPLATE);
    await waitForStack(client, 'obsolete');
    await client.send(
      new CreateChangeSetCommand({
        StackName: 'obsolete',
        ChangeSetName: 'pending',
        UsePreviousTemplate: true,
        Parameters: [{ ParameterKey: 'Value', ParameterValue: 'two' }]
      })
    );
    await waitUntilChangeSetCreateComplete(
      { client, maxWaitTime: 10, minDelay: 1 },
      { StackName: 'obsolete', ChangeSetName: 'pending' }
    );
    await client.send(
      new UpdateStackCommand({
        StackName: 'obsolete',
        UsePreviousTemplate: true,
        Parameters: [{ ParameterKey: 'Value', ParameterValue: 'three' }]
      })
    );
    await waitForStack(client, 'obsolete');
    const changeSet = await client.send(
      new DescribeChangeSetCommand({ StackName: 'obsolete', ChangeSetName: 'pending' })
    );
    expect(changeSet).toMatchObject({ Status: 'CREATE_COMPLETE', ExecutionStatus: 'OBSOLETE' });
    expect(
      await failure(
        client.send(new ExecuteChangeSetCommand({ StackName: 'obsolete', ChangeSetName: 'pending' }))
      )
    ).toEqual({
      name: 'InvalidChangeSetStatusException',
      message: `ChangeSet [${changeSet.ChangeSetId}] cannot be executed in its current execution status of [OBSOLETE]`
    });
  });
});

describe('DeleteStack, termination protection and ValidateTemplate', () => {
  it('refuses to delete a protected stack, then deletes it; a deleted stack stays describable by id', async () => {
    const { StackId } = await create('protected', PARAMETER_TEMPLATE, { EnableTerminationProtection: true });
    await waitForStack(client, 'protected');
    expect(await failure(client.send(new DeleteStackCommand({ StackName: 'protected' })))).toEqual({
      name: 'ValidationError',
      message: 'Stack [protected] cannot be deleted while TerminationProtection is enabled'
    });
    await client.send(
      new UpdateTerminationProtectionCommand({ StackName: 'protected', EnableTerminationProtection: false })
    );
    await client.send(new DeleteStackCommand({ StackName: 'protected', ClientRequestToken: 'teardown-1' }));
    const deleted = await waitForStack(client, StackId!);
    const { StackEvents } = await client.send(new DescribeStackEventsCommand({ StackName: StackId }));
    expect(StackEvents?.slice(0, 6).map((event) => event.ClientRequestToken)).toEqual(
      Array(6).fill('teardown-1')
    );
    expect(StackEvents?.[6]?.ClientRequestToken).toBeUndefined();
    expect(deleted.StackStatus).toBe('DELETE_COMPLETE');
    const lines = await eventLines(client, StackId!);
    expect(lines.slice(-6)).toEqual([
      'protected DELETE_IN_PROGRESS',
      'Setting DELETE_IN_PROGRESS',
      'Setting DELETE_COMPLETE',
      'Handle DELETE_IN_PROGRESS',
      'Handle DELETE_COMPLETE',
      'protected DELETE_COMPLETE'
    ]);
    await client.send(new DeleteStackCommand({ StackName: 'protected' }));
  });

  it('describes a template: parameters, NoEcho, description and the capabilities it needs', async () => {
    const result = await client.send(
      new ValidateTemplateCommand({
        TemplateBody:
          `${PARAMETER_TEMPLATE}  Role:\n    Type: AWS::IAM::Role\n    Properties: { AssumeRolePolicyDocument: {} }\n`.replace(
            'Outputs:\n  SettingName: { Value: !Ref Setting, Description: the parameter }\n  SettingValue: { Value: !GetAtt Setting.Value }\n',
            ''
          )
      })
    );
    expect(result.Description).toBe('Local records only');
    expect(result.Parameters).toEqual([
      { ParameterKey: 'Value', DefaultValue: 'one', NoEcho: false },
      { ParameterKey: 'Name', DefaultValue: '', NoEcho: false },
      { ParameterKey: 'Secret', DefaultValue: 'hush', NoEcho: true }
    ]);
    expect(result.Capabilities).toEqual(['CAPABILITY_IAM']);
    expect(result.CapabilitiesReason).toBe(
      'The following resource(s) require capabilities: [AWS::IAM::Role]'
    );
  });
});
