import { parseTemplate } from '../../../../../src/local-stack/services/cloudformation/template/parse.js';
import { loadTemplate } from '../../../../../src/local-stack/services/cloudformation/template/load.js';
import {
  evaluate,
  NO_VALUE
} from '../../../../../src/local-stack/services/cloudformation/template/intrinsics.js';
import { resolveParameters } from '../../../../../src/local-stack/services/cloudformation/template/parameters.js';
import {
  activeResourceIds,
  createScope
} from '../../../../../src/local-stack/services/cloudformation/template/scope.js';
import { evaluateOutputs } from '../../../../../src/local-stack/services/cloudformation/template/outputs.js';
import type { Template } from '../../../../../src/local-stack/services/cloudformation/template/types.js';

const identity = {
  stackName: 'demo',
  stackId: 'arn:aws:cloudformation:eu-west-1:000000000000:stack/demo/1234',
  region: 'eu-west-1',
  accountId: '000000000000',
  notificationARNs: [],
  importValue: (name: string) => {
    if (name === 'shared-bucket') return 'bucket-from-another-stack';
    throw new Error(`No export named ${name} found.`);
  }
};

const BASE = `
Parameters:
  Env: { Type: String, Default: prod, AllowedValues: [prod, dev] }
  Sizes: { Type: CommaDelimitedList, Default: "a, b,c" }
  Count: { Type: Number, Default: 2 }
Mappings:
  Regions:
    eu-west-1: { Image: img-eu }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Both: !And [!Condition IsProd, !Equals [!Ref Count, 2]]
  Either: !Or [!Condition IsDev, !Equals ['1', '2']]
Resources:
  Thing:
    Type: AWS::SSM::Parameter
    Properties: { Type: String, Value: x }
`;

function scopeFor(body: string, parameters: Record<string, string> = {}) {
  const template = parseTemplate(body);
  const values = resolveParameters(
    template.Parameters,
    Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue }))
  );
  return createScope(template, values, identity, {
    ref: (id) => `physical-${id}`,
    getAtt: (id, attribute) => `${id}-${attribute}`
  });
}

describe('template parsing', () => {
  it('turns YAML short forms into their long form', () => {
    const template = parseTemplate(`
Resources:
  A:
    Type: AWS::SSM::Parameter
    Properties:
      Ref: !Ref X
      Att: !GetAtt B.Arn
      AttList: !GetAtt [B, Arn]
      Sub: !Sub '\${AWS::Region}-x'
      Join: !Join ['-', [a, !Ref X]]
      Nested: { 'Fn::Base64': !Sub 'v' }
      Azs: !Select [0, !GetAZs '']
      Cond: !If [C, !Split [',', 'a,b'], !FindInMap [M, k, v]]
`);
    expect(template.Resources['A']?.Properties).toEqual({
      Ref: { Ref: 'X' },
      Att: { 'Fn::GetAtt': ['B', 'Arn'] },
      AttList: { 'Fn::GetAtt': ['B', 'Arn'] },
      Sub: { 'Fn::Sub': '${AWS::Region}-x' },
      Join: { 'Fn::Join': ['-', ['a', { Ref: 'X' }]] },
      Nested: { 'Fn::Base64': { 'Fn::Sub': 'v' } },
      Azs: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] },
      Cond: { 'Fn::If': ['C', { 'Fn::Split': [',', 'a,b'] }, { 'Fn::FindInMap': ['M', 'k', 'v'] }] }
    });
  });

  it('reads JSON templates', () => {
    const template = parseTemplate('{"Resources": {"A": {"Type": "AWS::SSM::Parameter"}}}');
    expect(template.Resources['A']?.Type).toBe('AWS::SSM::Parameter');
  });

  it.each([
    [
      'a YAML syntax error',
      'Resources: [a,\n',
      /^Template format error: YAML not well-formed\. \(line \d+, column \d+\)/
    ],
    ['a JSON syntax error', '{"Resources": ', /^Template format error: JSON not well-formed/],
    [
      'an unknown tag',
      'Resources:\n  A:\n    Type: X\n    Properties: { P: !Reff x }\n',
      /Unrecognized tag !Reff/
    ],
    ['no resources', 'Parameters: {}\n', /At least one Resources member must be defined/],
    [
      'a resource without Type',
      'Resources:\n  A: { Properties: {} }\n',
      /\[\/Resources\/A\] Every Resources object must contain a Type member/
    ],
    [
      'an unknown section',
      'Resource: {}\nResources:\n  A: { Type: X }\n',
      /Invalid template property or properties \[Resource\]/
    ],
    [
      'a non-alphanumeric logical id',
      'Resources:\n  my-thing: { Type: X }\n',
      /Resource name my-thing is non alphanumeric/
    ]
  ])('rejects %s with a template format error', (_case, body, message) => {
    expect(() => parseTemplate(body)).toThrow(message);
  });
});

describe('static checks', () => {
  const resources = (properties: string, extra = '') =>
    `${extra}\nResources:\n  A:\n    Type: AWS::SSM::Parameter\n    Properties: ${properties}\n  B:\n    Type: AWS::SSM::Parameter\n`;

  it.each([
    [
      'an unknown intrinsic',
      resources('{ V: { "Fn::Frobnicate": [1] } }'),
      /Unrecognized function 'Fn::Frobnicate' at \/Resources\/A\/Properties\/V/
    ],
    [
      'an unsupported intrinsic',
      resources('{ V: { "Fn::Cidr": x } }'),
      /Fn::Cidr .* is not supported by the local stack/
    ],
    [
      'a Ref to nothing',
      resources('{ V: !Ref Nope }'),
      /Unresolved resource dependencies \[Nope\] in the Resources block/
    ],
    ['a Sub to nothing', resources('{ V: !Sub "${Nope}" }'), /Unresolved resource dependencies \[Nope\]/],
    [
      'a GetAtt to nothing',
      resources('{ V: !GetAtt Nope.Arn }'),
      /Fn::GetAtt references undefined resource Nope/
    ],
    [
      'an unknown condition',
      resources('{ V: !If [Nope, a, b] }'),
      /Unresolved condition dependencies \[Nope\]/
    ],
    [
      'a resource in Conditions',
      resources('{}', 'Conditions:\n  C: !Equals [!Ref B, x]'),
      /Cannot reference resources in the Conditions block/
    ],
    [
      'an unknown parameter type',
      resources('{}', 'Parameters:\n  P: { Type: Strin }'),
      /Unrecognized parameter type: Strin/
    ],
    [
      'an SSM parameter type',
      resources('{}', 'Parameters:\n  P: { Type: "AWS::SSM::Parameter::Value<String>" }'),
      /does not resolve/
    ]
  ])('rejects %s', (_case, body, message) => {
    expect(() => loadTemplate(body)).toThrow(message);
  });

  it('orders resources after what they reference or depend on', () => {
    const { order } = loadTemplate(`
Resources:
  Endpoint: { Type: X, Properties: { Config: !GetAtt Config.Name } }
  Config: { Type: X, Properties: { Model: !Sub '\${Model}' } }
  Model: { Type: X, DependsOn: [Role] }
  Role: { Type: X }
  Alone: { Type: X }
`);
    const before = (a: string, b: string) => expect(order.indexOf(a)).toBeLessThan(order.indexOf(b));
    before('Role', 'Model');
    before('Model', 'Config');
    before('Config', 'Endpoint');
    expect(order).toHaveLength(5);
  });

  it('collects the attributes Fn::GetAtt and Fn::Sub read, by resource', () => {
    const { attributes } = loadTemplate(`
Resources:
  Endpoint: { Type: X, Properties: { A: !GetAtt Config.Name, B: !Sub '\${Config.Arn}-\${Model.Name}' } }
  Config: { Type: X }
  Model: { Type: X }
Outputs:
  Out: { Value: !GetAtt [Endpoint, Url] }
`);
    expect(Object.fromEntries([...attributes].map(([id, names]) => [id, [...names].sort()]))).toEqual({
      Config: ['Arn', 'Name'],
      Model: ['Name'],
      Endpoint: ['Url']
    });
  });

  it('names the resources of a dependency cycle', () => {
    expect(() =>
      loadTemplate(`
Resources:
  A: { Type: X, Properties: { V: !Ref B } }
  B: { Type: X, DependsOn: C }
  C: { Type: X, Properties: { V: !GetAtt A.Arn } }
`)
    ).toThrow('Template format error: Circular dependency between resources: [A, B, C]');
  });
});

describe('intrinsic functions', () => {
  const scope = scopeFor(BASE);
  it.each<[string, unknown, unknown]>([
    ['Ref to a parameter', { Ref: 'Env' }, 'prod'],
    ['Ref to a list parameter', { Ref: 'Sizes' }, ['a', 'b', 'c']],
    ['Ref to a pseudo parameter', { Ref: 'AWS::StackName' }, 'demo'],
    ['Ref to a resource', { Ref: 'Thing' }, 'physical-Thing'],
    ['Fn::GetAtt', { 'Fn::GetAtt': ['Thing', 'Value'] }, 'Thing-Value'],
    [
      'Fn::Sub with references',
      { 'Fn::Sub': '${AWS::Region}/${Env}/${Thing.Arn}/${Thing}' },
      'eu-west-1/prod/Thing-Arn/physical-Thing'
    ],
    [
      'Fn::Sub with variables and a literal',
      { 'Fn::Sub': ['${a}-${!Env}', { a: { Ref: 'Count' } }] },
      '2-${Env}'
    ],
    ['Fn::Join', { 'Fn::Join': [':', ['a', { Ref: 'Env' }, 'c']] }, 'a:prod:c'],
    ['Fn::Select', { 'Fn::Select': ['1', { Ref: 'Sizes' }] }, 'b'],
    ['Fn::Split', { 'Fn::Split': ['/', 'x/y'] }, ['x', 'y']],
    ['Fn::If true', { 'Fn::If': ['IsProd', 'yes', 'no'] }, 'yes'],
    ['Fn::If false', { 'Fn::If': ['IsDev', 'yes', 'no'] }, 'no'],
    ['Fn::FindInMap', { 'Fn::FindInMap': ['Regions', { Ref: 'AWS::Region' }, 'Image'] }, 'img-eu'],
    ['Fn::Base64', { 'Fn::Base64': 'hi' }, 'aGk='],
    ['Fn::GetAZs', { 'Fn::GetAZs': '' }, ['eu-west-1a', 'eu-west-1b', 'eu-west-1c']],
    ['Fn::Equals', { 'Fn::Equals': [{ Ref: 'Count' }, 2] }, true],
    [
      'Fn::ImportValue',
      { 'Fn::ImportValue': { 'Fn::Join': ['-', ['shared', 'bucket']] } },
      'bucket-from-another-stack'
    ],
    ['AWS::NoValue in an object', { a: 1, b: { 'Fn::If': ['IsDev', 2, { Ref: 'AWS::NoValue' }] } }, { a: 1 }],
    ['AWS::NoValue in a list', ['a', { 'Fn::If': ['IsDev', 'b', { Ref: 'AWS::NoValue' }] }], ['a']],
    ['plain values', { a: [1, true, 'x'] }, { a: [1, true, 'x'] }]
  ])('%s', (_case, expression, expected) => {
    expect(evaluate(expression, scope)).toEqual(expected);
  });

  it('gives NO_VALUE for a bare Ref to AWS::NoValue', () => {
    expect(evaluate({ Ref: 'AWS::NoValue' }, scope)).toBe(NO_VALUE);
  });

  it.each<[string, unknown, RegExp]>([
    ['Fn::Select out of bounds', { 'Fn::Select': [5, ['a']] }, /Fn::Select index 5 is out of bounds/],
    [
      'Fn::FindInMap with a missing key',
      { 'Fn::FindInMap': ['Regions', 'mars', 'Image'] },
      /Unable to get mapping for Regions::mars::Image/
    ],
    ['Fn::Join over a non-list', { 'Fn::Join': [',', 'a'] }, /second argument must be a list/],
    ['Fn::Sub of a list', { 'Fn::Sub': '${Sizes}' }, /expected a string, got a list/]
  ])('%s fails clearly', (_case, expression, message) => {
    expect(() => evaluate(expression, scope)).toThrow(message);
  });
});

describe('conditions', () => {
  it.each([
    [{}, { IsProd: true, IsDev: false, Both: true, Either: false }],
    [{ Env: 'dev' }, { IsProd: false, IsDev: true, Both: false, Either: true }],
    [{ Count: '3' }, { IsProd: true, IsDev: false, Both: false, Either: false }]
  ])('evaluates with parameters %j', (parameters, expected) => {
    const scope = scopeFor(BASE, parameters);
    for (const [name, value] of Object.entries(expected))
      expect([name, scope.condition(name)]).toEqual([name, value]);
  });

  it('leaves out resources whose condition is false', () => {
    const body = `${BASE}  DevOnly:\n    Type: AWS::SSM::Parameter\n    Condition: IsDev\n`;
    const template = parseTemplate(body);
    expect([...activeResourceIds(template, scopeFor(body))]).toEqual(['Thing']);
    expect([...activeResourceIds(template, scopeFor(body, { Env: 'dev' }))]).toEqual(['Thing', 'DevOnly']);
  });

  it('evaluates outputs, skipping those whose condition is false', () => {
    const body = `${BASE}Outputs:\n  Name: { Value: !Ref Thing, Export: { Name: !Sub '\${AWS::StackName}-name' } }\n  Dev: { Condition: IsDev, Value: x }\n`;
    const template: Template = parseTemplate(body);
    expect(evaluateOutputs(template, scopeFor(body))).toEqual([
      { OutputKey: 'Name', OutputValue: 'physical-Thing', ExportName: 'demo-name' }
    ]);
  });
});

describe('parameters', () => {
  const declarations = parseTemplate(`
Parameters:
  Name: { Type: String, AllowedPattern: '[a-z]+', MinLength: 2, MaxLength: 5 }
  Size: { Type: Number, MinValue: 1, MaxValue: 10, Default: 3 }
  Kind: { Type: String, AllowedValues: [a, b], Default: a }
  Ids: { Type: 'List<Number>', Default: '1,2' }
  Secret: { Type: String, NoEcho: true, Default: s, ConstraintDescription: must be s, AllowedPattern: s }
Resources:
  A: { Type: X }
`).Parameters;
  const resolve = (given: Record<string, string>, previous?: Record<string, string>) =>
    resolveParameters(
      declarations,
      Object.entries(given).map(([key, value]) =>
        value === '<previous>'
          ? { ParameterKey: key, UsePreviousValue: 'true' }
          : { ParameterKey: key, ParameterValue: value }
      ),
      previous
    );

  it('fills in defaults and previous values', () => {
    expect(resolve({ Name: 'abc', Kind: '<previous>' }, { Kind: 'b' })).toEqual({
      Name: 'abc',
      Size: '3',
      Kind: 'b',
      Ids: '1,2',
      Secret: 's'
    });
  });

  it.each<[Record<string, string>, string]>([
    [{}, 'Parameters: [Name] must have values'],
    [{ Name: 'abc', Extra: 'x' }, 'Parameters: [Extra] do not exist in the template'],
    [{ Name: 'abc', Kind: 'c' }, "Parameter 'Kind' must be one of AllowedValues"],
    [{ Name: 'ABC' }, "Parameter 'Name' must match pattern [a-z]+"],
    [{ Name: 'a' }, "Parameter 'Name' must contain at least 2 characters"],
    [{ Name: 'abcdef' }, "Parameter 'Name' must contain at most 5 characters"],
    [{ Name: 'abc', Size: 'big' }, "Parameter 'Size' must be a number."],
    [{ Name: 'abc', Size: '0' }, "Parameter 'Size' must be a number not less than 1"],
    [{ Name: 'abc', Size: '11' }, "Parameter 'Size' must be a number not greater than 10"],
    [{ Name: 'abc', Ids: '1,x' }, "Parameter 'Ids' must be a number."],
    [{ Name: 'abc', Secret: 't' }, "Parameter 'Secret' failed to satisfy constraint: must be s"]
  ])('rejects %j: %s', (given, message) => {
    expect(() => resolve(given)).toThrow(message);
  });
});
