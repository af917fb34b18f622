import { jest } from '@jest/globals';
import {
  CreateChangeSetCommand,
  CreateStackCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  ListExportsCommand,
  ListImportsCommand,
  UpdateStackCommand
} from '@aws-sdk/client-cloudformation';
import { runProgram } from '../../../../helpers/local-stack.js';
import { TEST_CREDENTIALS } from '../../../../helpers/local-endpoint.js';
import { startCloudFormation, waitForStack, type CloudFormationHarness } from './harness.js';

jest.setTimeout(60_000);

const exporter = (value: string, exportName = 'shared-setting') => `
Resources:
  Setting: { Type: AWS::SSM::Parameter, Properties: { Type: String, Value: ${value} } }
Outputs:
  SettingName:
    Value: !Ref Setting
    Export: { Name: ${exportName} }
`;
const IMPORTER = `
Resources:
  Copy:
    Type: AWS::SSM::Parameter
    Properties: { Type: String, Value: !ImportValue shared-setting }
Outputs:
  Imported: { Value: !ImportValue shared-setting }
`;

describe('CloudFormation cross-stack references, change set names and DescribeEvents', () => {
  let cfn: CloudFormationHarness;
  beforeAll(async () => {
    cfn = await startCloudFormation();
  });
  afterAll(() => cfn.close());

  const create = async (StackName: string, TemplateBody: string) => {
    await cfn.client.send(new CreateStackCommand({ StackName, TemplateBody }));
    return waitForStack(cfn.client, StackName);
  };

  it('imports another stack’s export, lists exports and imports, and refuses to break the reference', async () => {
    const exporting = await create('network', exporter('first'));
    expect(exporting.StackStatus).toBe('CREATE_COMPLETE');
    const importing = await create('app', IMPORTER);
    expect(importing.StackStatus).toBe('CREATE_COMPLETE');
    const exportedName = exporting.Outputs?.[0]?.OutputValue;
    expect(importing.Outputs).toEqual([{ OutputKey: 'Imported', OutputValue: exportedName }]);

    expect((await cfn.client.send(new ListExportsCommand({}))).Exports).toEqual([
      { ExportingStackId: exporting.StackId, Name: 'shared-setting', Value: exportedName }
    ]);
    expect((await cfn.client.send(new ListImportsCommand({ ExportName: 'shared-setting' }))).Imports).toEqual(
      ['app']
    );
    await expect(cfn.client.send(new ListImportsCommand({ ExportName: 'nobody' }))).rejects.toThrow(
      "Export 'nobody' is not imported by any stack."
    );

    const duplicate = await create('copycat', exporter('other'));
    expect(duplicate).toMatchObject({ StackStatus: 'ROLLBACK_COMPLETE' });
    const refused = await cfn.client.send(new DescribeEventsCommand({ StackName: 'copycat' }));
    expect(
      refused.OperationEvents?.find((event) => event.ResourceStatus === 'ROLLBACK_IN_PROGRESS')
        ?.ResourceStatusReason
    ).toContain('Export with name shared-setting is already exported by stack network');

    await cfn.client.send(
      new UpdateStackCommand({ StackName: 'network', TemplateBody: exporter('first', 'renamed') })
    );
    const renamed = await waitForStack(cfn.client, 'network');
    expect(renamed.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(renamed.LastOperations?.map((operation) => operation.OperationType)).toEqual([
      'ROLLBACK',
      'UPDATE_STACK'
    ]);
    const { OperationEvents } = await cfn.client.send(new DescribeEventsCommand({ StackName: 'network' }));
    expect(
      OperationEvents?.find((event) => event.ResourceStatus === 'UPDATE_ROLLBACK_IN_PROGRESS')
    ).toMatchObject({
      OperationType: 'ROLLBACK',
      OperationStatus: 'SUCCEEDED',
      EventType: 'STACK_EVENT',
      ResourceStatusReason: 'Export shared-setting cannot be deleted as it is in use by app'
    });

    await cfn.client.send(new DeleteStackCommand({ StackName: 'network' }));
    expect(await waitForStack(cfn.client, 'network')).toMatchObject({
      StackStatus: 'DELETE_FAILED',
      StackStatusReason: 'Export shared-setting cannot be deleted as it is in use by app'
    });

    await cfn.client.send(new DeleteStackCommand({ StackName: 'app' }));
    await expect(waitForStack(cfn.client, 'app')).rejects.toThrow('does not exist');
    await cfn.client.send(new DeleteStackCommand({ StackName: 'network' }));
    await expect(waitForStack(cfn.client, 'network')).rejects.toThrow('does not exist');
    expect((await cfn.client.send(new ListExportsCommand({}))).Exports).toEqual([]);
  });

  it('fails a stack importing an export no stack has', async () => {
    const stack = await create('orphan', IMPORTER.replaceAll('shared-setting', 'missing-setting'));
    expect(stack.StackStatus).toBe('ROLLBACK_COMPLETE');
    const { OperationEvents } = await cfn.client.send(
      new DescribeEventsCommand({ StackName: 'orphan', Filters: { FailedEvents: true } })
    );
    expect(
      OperationEvents?.map((event) => [event.LogicalResourceId, event.EventType, event.ResourceStatusReason])
    ).toContainEqual(['Copy', 'PROVISIONING_ERROR', 'No export named missing-setting found.']);
  });

  /** The calls aws-actions/aws-cloudformation-github-deploy makes to update a stack. */
  async function peerActionUpdate(StackName: string, TemplateBody: string) {
    const ChangeSetName = `${StackName}-CS`;
    await cfn.client.send(new CreateChangeSetCommand({ StackName, ChangeSetName, TemplateBody }));
    for (;;) {
      const described = await cfn.client.send(new DescribeChangeSetCommand({ StackName, ChangeSetName }));
      if (described.Status === 'CREATE_COMPLETE') break;
      if (described.Status === 'FAILED') throw new Error(described.StatusReason);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await cfn.client.send(new ExecuteChangeSetCommand({ StackName, ChangeSetName }));
    return { stack: await waitForStack(cfn.client, StackName), ChangeSetName };
  }

  it("reuses the peer action's default change set name once its change set was executed", async () => {
    await create('peer', exporter('v1', 'peer-setting'));
    const first = await peerActionUpdate('peer', exporter('v2', 'peer-setting'));
    expect(first.stack.StackStatus).toBe('UPDATE_COMPLETE');
    const second = await peerActionUpdate('peer', exporter('v3', 'peer-setting'));
    expect(second.stack.StackStatus).toBe('UPDATE_COMPLETE');
    await expect(
      cfn.client.send(
        new CreateChangeSetCommand({
          StackName: 'peer',
          ChangeSetName: 'pending',
          TemplateBody: exporter('v4', 'peer-setting')
        })
      )
    ).resolves.toBeDefined();
    await expect(
      cfn.client.send(
        new CreateChangeSetCommand({
          StackName: 'peer',
          ChangeSetName: 'pending',
          TemplateBody: exporter('v5', 'peer-setting')
        })
      )
    ).rejects.toMatchObject({ name: 'AlreadyExistsException' });

    // DescribeEvents by change set: the events of the operation that executed it, and nothing older.
    const { OperationEvents } = await cfn.client.send(
      new DescribeEventsCommand({ StackName: 'peer', ChangeSetName: 'peer-CS' })
    );
    const operationIds = new Set(OperationEvents?.map((event) => event.OperationId));
    expect(operationIds.size).toBe(1);
    expect(OperationEvents?.[0]).toMatchObject({
      OperationType: 'UPDATE_STACK',
      OperationStatus: 'SUCCEEDED',
      EventType: 'STACK_EVENT',
      ResourceStatus: 'UPDATE_COMPLETE'
    });
    expect(OperationEvents?.at(-1)).toMatchObject({ ResourceStatus: 'UPDATE_IN_PROGRESS' });
    const { Stacks } = await cfn.client.send(new DescribeStacksCommand({ StackName: 'peer' }));
    expect(Stacks?.[0]?.LastOperations).toEqual([
      { OperationType: 'UPDATE_STACK', OperationId: [...operationIds][0] }
    ]);
    const byOperation = await cfn.client.send(
      new DescribeEventsCommand({ OperationId: [...operationIds][0] })
    );
    expect(byOperation.OperationEvents?.map((event) => event.EventId)).toEqual(
      OperationEvents?.map((event) => event.EventId)
    );
  });

  it('serves change set reuse, DescribeEvents, ListExports and ListImports to boto3', async () => {
    const script = `
import json, sys, boto3
cfn = boto3.client("cloudformation")
exporter, importer = sys.argv[1], sys.argv[2]
out = {}
op = cfn.create_stack(StackName="boto-base", TemplateBody=exporter)
out["createOperation"] = "OperationId" in op
cfn.get_waiter("stack_create_complete").wait(StackName="boto-base", WaiterConfig={"Delay": 1})
cfn.create_stack(StackName="boto-app", TemplateBody=importer)
cfn.get_waiter("stack_create_complete").wait(StackName="boto-app", WaiterConfig={"Delay": 1})
out["exports"] = [e["Name"] for e in cfn.list_exports()["Exports"] if e["Name"].startswith("boto")]
out["imports"] = cfn.list_imports(ExportName="boto-setting")["Imports"]
for value in ["two", "three"]:
    cfn.create_change_set(StackName="boto-app", ChangeSetName="boto-app-CS", TemplateBody=importer.replace("Imported", "Imported" + value))
    cfn.get_waiter("change_set_create_complete").wait(StackName="boto-app", ChangeSetName="boto-app-CS", WaiterConfig={"Delay": 1})
    cfn.execute_change_set(StackName="boto-app", ChangeSetName="boto-app-CS")
    cfn.get_waiter("stack_update_complete").wait(StackName="boto-app", WaiterConfig={"Delay": 1})
events = cfn.describe_events(StackName="boto-app", ChangeSetName="boto-app-CS")["OperationEvents"]
out["events"] = [events[0]["OperationType"], events[0]["OperationStatus"], events[0]["ResourceStatus"]]
out["outputs"] = [o["OutputKey"] for o in cfn.describe_stacks(StackName="boto-app")["Stacks"][0]["Outputs"]]
print(json.dumps(out))
`;
    const exporting = exporter('boto', 'boto-setting');
    const importing = IMPORTER.replaceAll('shared-setting', 'boto-setting');
    const run = await runProgram('python3', ['-c', script, exporting, importing], {
      env: {
        AWS_ENDPOINT_URL: cfn.endpoint.url,
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey
      }
    });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      createOperation: true,
      exports: ['boto-setting'],
      imports: ['boto-app'],
      events: ['UPDATE_STACK', 'SUCCEEDED', 'UPDATE_COMPLETE'],
      outputs: ['Importedthree']
    });
  });
});
