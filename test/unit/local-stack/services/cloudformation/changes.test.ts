import { computeChanges } from '../../../../../src/local-stack/services/cloudformation/changes.js';
import { changedProperties } from '../../../../../src/local-stack/services/cloudformation/properties.js';
import { createResourceProviders } from '../../../../../src/local-stack/services/cloudformation/index.js';
import type { StackRecord } from '../../../../../src/local-stack/services/cloudformation/model.js';
import { identityOf } from '../../../../../src/local-stack/services/cloudformation/resource-values.js';
import { StackExports } from '../../../../../src/local-stack/services/cloudformation/exports.js';
import type { StackStore } from '../../../../../src/local-stack/services/cloudformation/store.js';
import { loadTemplate } from '../../../../../src/local-stack/services/cloudformation/template/load.js';
import { createInvoker } from '../../../../../src/local-stack/wire/invoke.js';

/** A region with no other stacks: nothing to import. */
const NO_EXPORTS = new StackExports({ stacks: [] } as unknown as StackStore);

const providers = createResourceProviders(createInvoker([]), 5);

const TEMPLATE = `
Parameters:
  Value: { Type: String }
  Extra: { Type: String, Default: 'no' }
Conditions:
  WithExtra: !Equals [!Ref Extra, 'yes']
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties: { RoleName: role-a, AssumeRolePolicyDocument: {} }
  Setting:
    Type: AWS::SSM::Parameter
    Properties: { Type: String, Value: !Ref Value, Description: !GetAtt Role.Arn }
  Alarm:
    Type: AWS::CloudWatch::Alarm
    Properties: { ComparisonOperator: GreaterThanThreshold, EvaluationPeriods: 1, AlarmDescription: !Ref Setting }
  Optional:
    Type: AWS::CloudFormation::WaitConditionHandle
    Condition: WithExtra
Outputs:
  Setting: { Value: !Ref Setting }
`;

/** A stack as deployed from TEMPLATE with Value=v1. */
function deployedStack(): StackRecord {
  const resource = (
    logicalId: string,
    type: string,
    physicalId: string,
    properties: Record<string, unknown>,
    attributes = {}
  ) => ({
    logicalId,
    type,
    physicalId,
    status: 'CREATE_COMPLETE',
    timestamp: new Date(0),
    properties,
    attributes
  });
  return {
    stackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/diff/1',
    stackName: 'diff',
    region: 'us-east-1',
    accountId: '000000000000',
    status: 'CREATE_COMPLETE',
    creationTime: new Date(0),
    disableRollback: false,
    terminationProtection: false,
    templateBody: TEMPLATE,
    parameters: { Value: 'v1', Extra: 'no' },
    capabilities: ['CAPABILITY_NAMED_IAM'],
    tags: [],
    notificationARNs: [],
    outputs: [{ OutputKey: 'Setting', OutputValue: 'setting-1' }],
    events: [],
    resources: {
      Role: resource(
        'Role',
        'AWS::IAM::Role',
        'role-a',
        { RoleName: 'role-a', AssumeRolePolicyDocument: {} },
        { Arn: 'arn:role-a' }
      ),
      Setting: resource('Setting', 'AWS::SSM::Parameter', 'setting-1', {
        Type: 'String',
        Value: 'v1',
        Description: 'arn:role-a'
      }),
      Alarm: resource('Alarm', 'AWS::CloudWatch::Alarm', 'alarm-1', {
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
        AlarmDescription: 'setting-1'
      })
    }
  };
}

function changesFor(
  body: string,
  parameters: Record<string, string>,
  tags: { Key: string; Value: string }[] = []
) {
  const stack = deployedStack();
  return computeChanges({
    stack,
    loaded: loadTemplate(body),
    target: { ...stack, templateBody: body, parameters: { Extra: 'no', ...parameters }, tags },
    identity: identityOf(stack, NO_EXPORTS),
    providers
  });
}

const summary = (result: ReturnType<typeof computeChanges>) =>
  result.changes.map(({ ResourceChange: change }) =>
    [
      change.Action,
      change.LogicalResourceId,
      change.Replacement,
      ...change.Details.map(
        (detail) =>
          `${detail.Target.Name}:${detail.Evaluation}:${detail.ChangeSource}:${detail.CausingEntity ?? '-'}`
      )
    ].filter((part) => part !== undefined)
  );

describe('change set computation', () => {
  it.each<[string, string, Record<string, string>, string[][]]>([
    ['nothing changed', TEMPLATE, { Value: 'v1' }, []],
    [
      'a parameter a property uses',
      TEMPLATE,
      { Value: 'v2' },
      [['Modify', 'Setting', 'False', 'Value:Static:ParameterReference:Value']]
    ],
    [
      'a property edited in the template',
      TEMPLATE.replace('EvaluationPeriods: 1', 'EvaluationPeriods: 2'),
      { Value: 'v1' },
      [['Modify', 'Alarm', 'False', 'EvaluationPeriods:Static:DirectModification:-']]
    ],
    [
      'a create-only property, and what references the replaced resource',
      TEMPLATE.replace('RoleName: role-a', 'RoleName: role-b'),
      { Value: 'v1' },
      [
        ['Modify', 'Role', 'True', 'RoleName:Static:DirectModification:-'],
        ['Modify', 'Setting', 'False', 'Description:Dynamic:ResourceAttribute:Role.Arn']
      ]
    ],
    [
      'a resource whose condition becomes true',
      TEMPLATE,
      { Value: 'v1', Extra: 'yes' },
      [['Add', 'Optional']]
    ],
    [
      'a resource removed from the template',
      TEMPLATE.replace(/ {2}Alarm:\n.*\n.*\n/, ''),
      { Value: 'v1' },
      [['Remove', 'Alarm']]
    ]
  ])('%s', (_case, body, parameters, expected) => {
    expect(summary(changesFor(body, parameters))).toEqual(expected);
  });

  it('is empty only when resources, outputs and tags all stay the same', () => {
    expect(changesFor(TEMPLATE, { Value: 'v1' }).empty).toBe(true);
    expect(
      changesFor(TEMPLATE.replace('Setting: { Value: !Ref Setting }', 'Setting: { Value: !Ref Value }'), {
        Value: 'v1'
      })
    ).toEqual({
      changes: [],
      empty: false
    });
    expect(changesFor(TEMPLATE, { Value: 'v1' }, [{ Key: 'commit', Value: 'abc' }]).empty).toBe(false);
  });

  it('marks a replacement for deletion and a type change as a replacement', () => {
    const replaced = changesFor(TEMPLATE.replace('RoleName: role-a', 'RoleName: role-b'), { Value: 'v1' });
    expect(replaced.changes[0]?.ResourceChange).toMatchObject({
      PolicyAction: 'ReplaceAndDelete',
      PhysicalResourceId: 'role-a',
      Scope: ['Properties']
    });
    const retyped = changesFor(
      TEMPLATE.replace('Type: AWS::CloudWatch::Alarm', 'Type: AWS::SSM::Parameter'),
      { Value: 'v1' }
    );
    expect(
      retyped.changes.find((change) => change.ResourceChange.LogicalResourceId === 'Alarm')?.ResourceChange
        .Replacement
    ).toBe('True');
  });

  it('lists every resource as an addition for a stack being created', () => {
    const result = computeChanges({
      stack: undefined,
      loaded: loadTemplate(TEMPLATE),
      target: { ...deployedStack(), parameters: { Value: 'v', Extra: 'no' } },
      identity: identityOf(deployedStack(), NO_EXPORTS),
      providers
    });
    expect(summary(result)).toEqual([
      ['Add', 'Role'],
      ['Add', 'Setting'],
      ['Add', 'Alarm']
    ]);
    expect(result.empty).toBe(false);
  });
});

describe('property comparison', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>, string[]]>([
    ['nested keys in another order', { A: { x: 1, y: [1, 2] } }, { A: { y: [1, 2], x: 1 } }, []],
    ['a list in another order', { A: [1, 2] }, { A: [2, 1] }, ['A']],
    ['an added and a removed property', { A: 1 }, { B: 1 }, ['A', 'B']],
    ['a number given as a string', { A: 1 }, { A: '1' }, ['A']]
  ])('%s', (_case, before, after, expected) => {
    expect(changedProperties(before, after)).toEqual(expected);
  });
});
