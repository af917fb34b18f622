import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createHosting } from '../../../../../../src/local-stack/services/sagemaker/hosting/index.js';
import { createSageMakerRuntimeService } from '../../../../../../src/local-stack/services/sagemaker-runtime/index.js';
import { StateStore } from '../../../../../../src/local-stack/state.js';
import type { RequestContext } from '../../../../../../src/local-stack/wire/types.js';
import { FakeEngine } from './fake-engine.js';

interface ServiceModel {
  metadata: { protocol: string; signingName: string; targetPrefix?: string };
  operations: Record<
    string,
    { http: { method: string; requestUri: string }; input: { shape: string }; output?: { shape: string } }
  >;
  shapes: Record<string, { members?: Record<string, unknown>; error?: { httpStatusCode: number } }>;
}

const botocoreData = execFileSync(
  'python3',
  ['-c', 'import botocore,os;print(os.path.dirname(botocore.__file__))'],
  {
    encoding: 'utf8'
  }
).trim();
const load = (service: string, version: string): ServiceModel =>
  JSON.parse(
    gunzipSync(readFileSync(join(botocoreData, 'data', service, version, 'service-2.json.gz'))).toString()
  );

/** The local services, held to the service models botocore ships (what boto3 and the AWS CLI speak). */
describe('local SageMaker hosting against botocore service models', () => {
  const sagemakerModel = load('sagemaker', '2017-07-24');
  const runtimeModel = load('sagemaker-runtime', '2017-05-13');
  const dataDir = mkdtempSync(join(tmpdir(), 'sagemaker-hosting-botocore-'));
  const hosting = createHosting({
    state: new StateStore(dataDir),
    accountId: '000000000000',
    engine: new FakeEngine(),
    stackLabel: dataDir,
    defaultHealthCheckTimeoutSeconds: 1,
    pingIntervalMs: 10
  });
  const context: RequestContext = {
    region: 'us-east-1',
    accountId: '000000000000',
    requestId: 'r',
    accessKeyId: 'k',
    state: new StateStore(dataDir)
  };
  afterAll(async () => {
    await hosting.controller.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('implements only operations SageMaker declares, and the whole hosting set', () => {
    expect(sagemakerModel.metadata).toMatchObject({
      protocol: 'json',
      signingName: 'sagemaker',
      targetPrefix: 'SageMaker'
    });
    const implemented = Object.keys(hosting.operations).sort();
    expect(implemented.filter((name) => !(name in sagemakerModel.operations))).toEqual([]);
    expect(implemented).toEqual(
      [
        'CreateModel',
        'DescribeModel',
        'DeleteModel',
        'ListModels',
        'CreateEndpointConfig',
        'DescribeEndpointConfig',
        'DeleteEndpointConfig',
        'ListEndpointConfigs',
        'CreateEndpoint',
        'UpdateEndpoint',
        'DescribeEndpoint',
        'ListEndpoints',
        'DeleteEndpoint'
      ].sort()
    );
  });

  it('answers only with output members the model declares', async () => {
    const call = async (operation: string, input: Record<string, unknown>) => {
      const output = (await hosting.operations[operation]!(input, context)) as Record<string, unknown>;
      const outputShape = sagemakerModel.operations[operation]?.output?.shape;
      const declared = outputShape ? Object.keys(sagemakerModel.shapes[outputShape]?.members ?? {}) : [];
      const undeclared = Object.keys(output).filter(
        (member) => output[member] !== undefined && !declared.includes(member)
      );
      expect({ operation, undeclared }).toEqual({ operation, undeclared: [] });
      return output;
    };
    await call('CreateModel', {
      ModelName: 'm',
      PrimaryContainer: { Image: 'img' },
      Tags: [{ Key: 'k', Value: 'v' }]
    });
    await call('DescribeModel', { ModelName: 'm' });
    await call('ListModels', {});
    await call('CreateEndpointConfig', {
      EndpointConfigName: 'c',
      ProductionVariants: [
        { VariantName: 'v', ModelName: 'm', InitialInstanceCount: 1, InstanceType: 'ml.m5.large' }
      ],
      Tags: [{ Key: 'k', Value: 'v' }]
    });
    await call('DescribeEndpointConfig', { EndpointConfigName: 'c' });
    await call('ListEndpointConfigs', {});
    await call('CreateEndpoint', { EndpointName: 'e', EndpointConfigName: 'c' });
    await hosting.controller.settled();
    await call('UpdateEndpoint', { EndpointName: 'e', EndpointConfigName: 'c' });
    await call('DescribeEndpoint', { EndpointName: 'e' });
    await hosting.controller.settled();
    await call('DescribeEndpoint', { EndpointName: 'e' });
    await call('ListEndpoints', {});
    await call('DeleteEndpoint', { EndpointName: 'e' });
  });

  it('serves InvokeEndpoint on the route, signing name and errors of the runtime model', () => {
    const operation = runtimeModel.operations['InvokeEndpoint']!;
    expect(runtimeModel.metadata).toMatchObject({ protocol: 'rest-json', signingName: 'sagemaker' });
    const service = createSageMakerRuntimeService(hosting);
    expect(service).toMatchObject({ protocol: 'rest', signingName: 'sagemaker' });
    const route = service.protocol === 'rest' ? service.routes[0] : undefined;
    expect(route?.method).toBe(operation.http.method);
    expect(route?.pattern.exec(operation.http.requestUri.replace('{EndpointName}', 'my-endpoint'))?.[1]).toBe(
      'my-endpoint'
    );
    for (const [code, status] of [
      ['ValidationError', 400],
      ['ModelError', 424],
      ['ServiceUnavailable', 503]
    ] as const) {
      expect(runtimeModel.shapes[code]?.error?.httpStatusCode).toBe(status);
    }
    expect(Object.keys(runtimeModel.shapes['ModelError']?.members ?? {}).sort()).toEqual(
      ['LogStreamArn', 'Message', 'OriginalMessage', 'OriginalStatusCode'].sort()
    );
  });
});
