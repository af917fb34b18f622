import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type Tags } from 'yaml';
import { PROJECT_ROOT } from '../../../helpers/action-runner.js';

/**
 * The design rules of the shipped templates that cfn-lint cannot know: what must keep a fixed name and
 * what must not (so image changes replace the model and config while the endpoint is updated in place),
 * the outputs the workflows read, and the parameters the reusable workflow passes.
 */
const DIR = join(PROJECT_ROOT, 'action-templates', 'cloudformation');
const FUNCTIONS = [
  'Ref',
  'GetAtt',
  'Sub',
  'If',
  'Not',
  'Equals',
  'Join',
  'Select',
  'Split',
  'FindInMap',
  'And',
  'Or'
];
const shortForms: Tags = FUNCTIONS.flatMap((name) => {
  const key = name === 'Ref' ? 'Ref' : `Fn::${name}`;
  const resolve = (value: unknown) => ({
    [key]: name === 'GetAtt' && typeof value === 'string' ? value.split('.') : value
  });
  return [
    { tag: `!${name}`, resolve },
    {
      tag: `!${name}`,
      collection: 'seq' as const,
      resolve: (value: unknown) => resolve((value as { toJSON(): unknown }).toJSON())
    }
  ];
});

interface Template {
  Parameters: Record<string, { Default?: unknown }>;
  Resources: Record<string, { Type: string; Condition?: string; Properties: Record<string, unknown> }>;
  Outputs: Record<string, unknown>;
}

function load(name: string): Template {
  return parse(readFileSync(join(DIR, `${name}.yaml`), 'utf8'), { customTags: shortForms }) as Template;
}

function resourcesOfType(template: Template, type: string) {
  return Object.values(template.Resources).filter((resource) => resource.Type === type);
}

describe.each(['realtime-endpoint', 'serverless-endpoint'])('%s.yaml', (name) => {
  const template = load(name);

  it('gives the endpoint a fixed name from a parameter, so deploys update it in place', () => {
    const [endpoint] = resourcesOfType(template, 'AWS::SageMaker::Endpoint');
    expect(endpoint?.Properties['EndpointName']).toEqual({ Ref: 'EndpointName' });
  });

  it('leaves the model and endpoint config unnamed, so a new image replaces them', () => {
    const [model] = resourcesOfType(template, 'AWS::SageMaker::Model');
    const [config] = resourcesOfType(template, 'AWS::SageMaker::EndpointConfig');
    expect(model?.Properties).not.toHaveProperty('ModelName');
    expect(config?.Properties).not.toHaveProperty('EndpointConfigName');
  });

  it('outputs what the next steps read', () => {
    expect(Object.keys(template.Outputs).sort()).toEqual([
      'EndpointArn',
      'EndpointConfigName',
      'EndpointName',
      'ModelName'
    ]);
  });

  it('needs only the parameters the reusable workflow passes; the rest have defaults', () => {
    const required = Object.entries(template.Parameters)
      .filter(([, parameter]) => parameter.Default === undefined)
      .map(([key]) => key)
      .sort();
    expect(required).toEqual(['EndpointName', 'ExecutionRoleArn', 'ImageUri']);
  });
});

describe('realtime-endpoint.yaml', () => {
  const template = load('realtime-endpoint');

  it('rolls blue/green deployments back on the alarms it creates', () => {
    const [endpoint] = resourcesOfType(template, 'AWS::SageMaker::Endpoint');
    const config = endpoint?.Properties['DeploymentConfig'] as Record<string, unknown>;
    expect(config['BlueGreenUpdatePolicy']).toBeDefined();
    expect(config['AutoRollbackConfiguration']).toEqual({
      'Fn::If': [
        'RollsBackOnAlarms',
        { Alarms: [{ AlarmName: { Ref: 'ErrorsAlarm' } }, { AlarmName: { Ref: 'LatencyAlarm' } }] },
        { Ref: 'AWS::NoValue' }
      ]
    });
    expect(template.Resources['ErrorsAlarm']).toMatchObject({
      Type: 'AWS::CloudWatch::Alarm',
      Condition: 'RollsBackOnAlarms',
      Properties: { MetricName: 'Invocation5XXErrors' }
    });
    expect(template.Resources['LatencyAlarm']).toMatchObject({ Properties: { MetricName: 'ModelLatency' } });
  });

  it('scales only when asked to', () => {
    for (const type of [
      'AWS::ApplicationAutoScaling::ScalableTarget',
      'AWS::ApplicationAutoScaling::ScalingPolicy'
    ]) {
      expect(resourcesOfType(template, type).map((resource) => resource.Condition)).toEqual(['AutoScales']);
    }
  });

  it('has an example parameter file that sets only declared parameters', () => {
    const example = JSON.parse(readFileSync(join(DIR, 'realtime-endpoint.parameters.json'), 'utf8')) as {
      ParameterKey: string;
    }[];
    const declared = Object.keys(template.Parameters);
    expect(example.map((entry) => entry.ParameterKey).filter((key) => !declared.includes(key))).toEqual([]);
  });
});
