import {
  AddTagsCommand,
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DeleteEndpointCommand,
  DeleteEndpointConfigCommand,
  DeleteModelCommand,
  DeleteTagsCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  ListEndpointConfigsCommand,
  ListEndpointsCommand,
  ListModelsCommand,
  ListTagsCommand,
  SageMakerClient,
  UpdateEndpointCommand,
  type ProductionVariant
} from '@aws-sdk/client-sagemaker';
import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { createSageMakerService } from '../../../../../../src/local-stack/services/sagemaker/index.js';
import {
  createHosting,
  type LocalHosting
} from '../../../../../../src/local-stack/services/sagemaker/hosting/index.js';
import { createSageMakerRuntimeService } from '../../../../../../src/local-stack/services/sagemaker-runtime/index.js';
import { tagOperations } from '../../../../../../src/local-stack/services/sagemaker/tags.js';
import { StateStore } from '../../../../../../src/local-stack/state.js';
import {
  startEndpoint,
  TEST_ACCOUNT,
  TEST_CREDENTIALS,
  TEST_REGION,
  type RunningEndpoint
} from '../../../../../helpers/local-endpoint.js';
import { FakeEngine } from './fake-engine.js';
import { LABELS } from '../../../../../../src/local-stack/services/sagemaker/hosting/fleet.js';

const ARN = `arn:aws:sagemaker:${TEST_REGION}:${TEST_ACCOUNT}`;
const REGISTRY = '127.0.0.1:5999';

describe('local SageMaker hosting (fake container engine)', () => {
  let endpoint: RunningEndpoint;
  let engine: FakeEngine;
  let hosting: LocalHosting;
  let sagemaker: SageMakerClient;
  let runtime: SageMakerRuntimeClient;

  const makeHosting = (state: StateStore) =>
    createHosting({
      state,
      accountId: TEST_ACCOUNT,
      engine,
      stackLabel: '/data/test-stack',
      dockerConfigDir: '/data/test-stack/docker',
      instanceLimit: 4,
      defaultHealthCheckTimeoutSeconds: 1,
      pingIntervalMs: 20
    });

  beforeEach(async () => {
    engine = new FakeEngine();
    endpoint = await startEndpoint((state) => {
      hosting = makeHosting(state);
      return [
        createSageMakerService([hosting.operations, tagOperations([hosting.store.taggable])]),
        createSageMakerRuntimeService(hosting)
      ];
    });
    const config = { region: TEST_REGION, endpoint: endpoint.url, credentials: TEST_CREDENTIALS };
    sagemaker = new SageMakerClient(config);
    runtime = new SageMakerRuntimeClient(config);
  });
  afterEach(async () => {
    await hosting.controller.shutdown();
    await endpoint.close();
  });

  const model = (name: string, image: string, environment: Record<string, string> = {}) =>
    sagemaker.send(
      new CreateModelCommand({
        ModelName: name,
        PrimaryContainer: { Image: image, Environment: environment }
      })
    );
  const config = (name: string, variants: Partial<ProductionVariant>[]) =>
    sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: name,
        ProductionVariants: variants.map((variant) => ({
          VariantName: 'AllTraffic',
          InitialInstanceCount: 1,
          InstanceType: 'ml.m5.large',
          ...variant
        }))
      })
    );
  /** A model and a one-variant config of the same name. */
  const modelAndConfig = async (name: string, image: string, count = 1) => {
    await model(name, image, { NAME: name });
    await config(name, [{ ModelName: name, InitialInstanceCount: count }]);
  };
  const describe = (name: string) => sagemaker.send(new DescribeEndpointCommand({ EndpointName: name }));
  const settle = async (name: string) => {
    await hosting.controller.settled();
    return describe(name);
  };
  const invoke = async (name: string, body: string, extra: { TargetVariant?: string } = {}) => {
    const output = await runtime.send(
      new InvokeEndpointCommand({
        EndpointName: name,
        Body: Buffer.from(body),
        ContentType: 'text/csv',
        ...extra
      })
    );
    return { ...output, answer: JSON.parse(Buffer.from(output.Body).toString('utf8')) };
  };

  it('stores, describes, lists and deletes models with AWS ARNs and errors', async () => {
    const created = await model('Churn-Model', `${REGISTRY}/churn:v1`, { MODE: 'fast' });
    expect(created.ModelArn).toBe(`${ARN}:model/churn-model`);
    const described = await sagemaker.send(new DescribeModelCommand({ ModelName: 'churn-model' }));
    expect(described).toMatchObject({
      ModelName: 'Churn-Model',
      ModelArn: `${ARN}:model/churn-model`,
      PrimaryContainer: { Image: `${REGISTRY}/churn:v1`, Environment: { MODE: 'fast' } }
    });
    expect(described.CreationTime).toBeInstanceOf(Date);

    await expect(model('churn-model', 'other')).rejects.toMatchObject({
      name: 'ValidationException',
      message: `Cannot create already existing model "${ARN}:model/churn-model".`
    });
    await expect(model('bad_name', 'image')).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("Value 'bad_name' at 'modelName' failed to satisfy constraint")
    });
    await expect(sagemaker.send(new CreateModelCommand({ ModelName: 'no-container' }))).rejects.toMatchObject(
      {
        name: 'ValidationException',
        message: 'Either PrimaryContainer or Containers must be specified.'
      }
    );

    await model('second', 'image');
    const listed = await sagemaker.send(new ListModelsCommand({ SortBy: 'Name', SortOrder: 'Ascending' }));
    expect(listed.Models?.map((summary) => summary.ModelName)).toEqual(['Churn-Model', 'second']);
    const firstPage = await sagemaker.send(new ListModelsCommand({ MaxResults: 1, SortBy: 'Name' }));
    expect(firstPage.Models?.map((summary) => summary.ModelName)).toEqual(['second']);
    const secondPage = await sagemaker.send(
      new ListModelsCommand({ MaxResults: 1, SortBy: 'Name', NextToken: firstPage.NextToken })
    );
    expect(secondPage.Models?.map((summary) => summary.ModelName)).toEqual(['Churn-Model']);
    expect(secondPage.NextToken).toBeUndefined();
    expect(
      (await sagemaker.send(new ListModelsCommand({ NameContains: 'CHURN' }))).Models?.map((m) => m.ModelName)
    ).toEqual(['Churn-Model']);

    await sagemaker.send(new DeleteModelCommand({ ModelName: 'Churn-Model' }));
    await expect(
      sagemaker.send(new DescribeModelCommand({ ModelName: 'Churn-Model' }))
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: `Could not find model "${ARN}:model/churn-model".`
    });
  });

  it('validates endpoint configs against their models and fills in the default weight', async () => {
    await expect(config('cfg', [{ ModelName: 'absent' }])).rejects.toMatchObject({
      name: 'ValidationException',
      message: `Could not find model "${ARN}:model/absent".`
    });
    await model('m', 'image');
    await expect(
      config('cfg', [{ ModelName: 'm' }, { ModelName: 'm', VariantName: 'alltraffic' }])
    ).rejects.toMatchObject({ message: 'The production variant name alltraffic appears more than once.' });
    await expect(config('cfg', [{ ModelName: 'm', InstanceType: undefined }])).rejects.toMatchObject({
      message: 'Production variant AllTraffic needs an InstanceType (or a ServerlessConfig).'
    });

    expect((await config('cfg', [{ ModelName: 'm' }])).EndpointConfigArn).toBe(`${ARN}:endpoint-config/cfg`);
    await expect(config('cfg', [{ ModelName: 'm' }])).rejects.toMatchObject({
      message: `Cannot create already existing endpoint configuration "${ARN}:endpoint-config/cfg".`
    });
    const described = await sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: 'cfg' }));
    expect(described.ProductionVariants).toEqual([
      expect.objectContaining({ VariantName: 'AllTraffic', ModelName: 'm', InitialVariantWeight: 1 })
    ]);
    expect(
      (await sagemaker.send(new ListEndpointConfigsCommand({}))).EndpointConfigs?.map(
        (c) => c.EndpointConfigArn
      )
    ).toEqual([`${ARN}:endpoint-config/cfg`]);
    await sagemaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName: 'cfg' }));
    await expect(
      sagemaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName: 'cfg' }))
    ).rejects.toMatchObject({
      message: `Could not find endpoint configuration "${ARN}:endpoint-config/cfg".`
    });
  });

  it('creates an endpoint asynchronously: Creating, then InService with its containers started as SageMaker does', async () => {
    await modelAndConfig('v1', `${REGISTRY}/tiny:v1`, 2);
    const release = engine.pause();
    const created = await sagemaker.send(
      new CreateEndpointCommand({ EndpointName: 'Live', EndpointConfigName: 'v1' })
    );
    expect(created.EndpointArn).toBe(`${ARN}:endpoint/live`);
    expect((await describe('live')).EndpointStatus).toBe('Creating');
    release();

    const described = await settle('LIVE');
    expect(described).toMatchObject({
      EndpointName: 'Live',
      EndpointStatus: 'InService',
      EndpointConfigName: 'v1',
      ProductionVariants: [
        {
          VariantName: 'AllTraffic',
          CurrentWeight: 1,
          DesiredWeight: 1,
          CurrentInstanceCount: 2,
          DesiredInstanceCount: 2,
          DeployedImages: [
            {
              SpecifiedImage: `${REGISTRY}/tiny:v1`,
              ResolvedImage: `${REGISTRY}/tiny@sha256:${'a'.repeat(64)}`,
              ResolutionTime: expect.any(Date)
            }
          ]
        }
      ]
    });
    expect(engine.pulls).toEqual([
      { reference: `${REGISTRY}/tiny:v1`, configDir: '/data/test-stack/docker' }
    ]);
    const containers = engine.ofEndpoint('live');
    expect(containers).toHaveLength(2);
    expect(containers[0]?.options).toMatchObject({
      args: ['serve'],
      containerPort: 8080,
      env: { NAME: 'v1' },
      labels: {
        'modelship.local-stack': '/data/test-stack',
        'modelship.sagemaker.endpoint': 'live',
        'modelship.sagemaker.variant': 'AllTraffic'
      }
    });

    await expect(
      sagemaker.send(new CreateEndpointCommand({ EndpointName: 'live', EndpointConfigName: 'v1' }))
    ).rejects.toMatchObject({ message: `Cannot create already existing endpoint "${ARN}:endpoint/live".` });
    await expect(
      sagemaker.send(new CreateEndpointCommand({ EndpointName: 'other', EndpointConfigName: 'nope' }))
    ).rejects.toMatchObject({
      message: `Could not find endpoint configuration "${ARN}:endpoint-config/nope".`
    });
  });

  it('fails an endpoint whose image cannot be pulled, whose container exits, or that never passes /ping', async () => {
    await modelAndConfig('missing', `${REGISTRY}/missing:v1`);
    await modelAndConfig('crash', `${REGISTRY}/crash:v1`);
    await modelAndConfig('crash-now', `${REGISTRY}/crash-now:v1`);
    await modelAndConfig('fail-ping', `${REGISTRY}/fail-ping:v1`);
    for (const name of ['missing', 'crash', 'crash-now', 'fail-ping']) {
      await sagemaker.send(new CreateEndpointCommand({ EndpointName: name, EndpointConfigName: name }));
    }
    await hosting.controller.settled();
    expect(await describe('missing')).toMatchObject({
      EndpointStatus: 'Failed',
      FailureReason: expect.stringMatching(
        /^The image '127.0.0.1:5999\/missing:v1' of production variant AllTraffic could not be pulled: .*not found/
      )
    });
    expect((await describe('crash')).EndpointConfigName).toBe('crash');
    expect((await describe('crash')).FailureReason).toBe(
      'The primary container for production variant AllTraffic exited with code 1 before passing the ping ' +
        'health check. Last log lines:\nloading\nRuntimeError: corrupt model'
    );
    // Docker publishes no port for a container that exited at once: its exit is the reason, not the port.
    expect((await describe('crash-now')).FailureReason).toBe(
      'The primary container for production variant AllTraffic exited with code 3 before passing the ping ' +
        'health check. Last log lines:\nexec format error'
    );
    expect((await describe('fail-ping')).FailureReason).toBe(
      'The primary container for production variant AllTraffic did not pass the ping health check within 1 ' +
        'seconds (last: status 500). Last log lines:\nserving'
    );
    expect(engine.containers.size).toBe(0);
    await expect(
      sagemaker.send(new UpdateEndpointCommand({ EndpointName: 'crash', EndpointConfigName: 'crash' }))
    ).rejects.toMatchObject({
      message: `Cannot update failed endpoint "${ARN}:endpoint/crash". Delete it and create it again.`
    });
  });

  it('updates by starting the new fleet first, and keeps the old fleet serving when the new one fails', async () => {
    await modelAndConfig('v1', `${REGISTRY}/tiny:v1`);
    await modelAndConfig('v2', `${REGISTRY}/tiny:v2`);
    await modelAndConfig('broken', `${REGISTRY}/crash:v3`);
    await sagemaker.send(new CreateEndpointCommand({ EndpointName: 'ep', EndpointConfigName: 'v1' }));
    await settle('ep');

    const release = engine.pause();
    await sagemaker.send(new UpdateEndpointCommand({ EndpointName: 'ep', EndpointConfigName: 'v2' }));
    const updating = await describe('ep');
    expect(updating).toMatchObject({
      EndpointStatus: 'Updating',
      EndpointConfigName: 'v1',
      PendingDeploymentSummary: {
        EndpointConfigName: 'v2',
        ProductionVariants: [expect.objectContaining({ VariantName: 'AllTraffic', DesiredInstanceCount: 1 })]
      }
    });
    await expect(
      sagemaker.send(new UpdateEndpointCommand({ EndpointName: 'ep', EndpointConfigName: 'v2' }))
    ).rejects.toMatchObject({ message: `Cannot update in-progress endpoint "${ARN}:endpoint/ep".` });
    expect((await invoke('ep', 'during')).answer.image).toBe(`${REGISTRY}/tiny:v1`);
    release();

    expect(await settle('ep')).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: 'v2' });
    expect((await invoke('ep', 'after')).answer.image).toBe(`${REGISTRY}/tiny:v2`);
    expect(engine.ofEndpoint('ep').map((container) => container.options.image)).toEqual([
      `${REGISTRY}/tiny:v2`
    ]);

    await sagemaker.send(new UpdateEndpointCommand({ EndpointName: 'ep', EndpointConfigName: 'broken' }));
    const kept = await settle('ep');
    expect(kept).toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: 'v2' });
    expect(kept.FailureReason).toMatch(
      /^Failed to update endpoint to endpoint config broken; it keeps serving endpoint config v2\. The primary container .* exited with code 1/
    );
    expect((await invoke('ep', 'still')).answer.image).toBe(`${REGISTRY}/tiny:v2`);

    // A later successful update clears the reason.
    await sagemaker.send(new UpdateEndpointCommand({ EndpointName: 'ep', EndpointConfigName: 'v1' }));
    expect((await settle('ep')).FailureReason).toBeUndefined();
  });

  it('runs every container of a multi-container model on each instance, and names the failing one', async () => {
    await sagemaker.send(
      new CreateModelCommand({
        ModelName: 'pipeline',
        Containers: [
          { ContainerHostname: 'prep', Image: `${REGISTRY}/prep:v1`, Environment: { STEP: 'prep' } },
          { ContainerHostname: 'model', Image: `${REGISTRY}/tiny:v1` }
        ]
      })
    );
    await config('pipeline', [{ ModelName: 'pipeline', InitialInstanceCount: 2 }]);
    await sagemaker.send(new CreateEndpointCommand({ EndpointName: 'pipe', EndpointConfigName: 'pipeline' }));
    const described = await settle('pipe');
    expect(described.EndpointStatus).toBe('InService');
    expect(described.ProductionVariants?.[0]).toMatchObject({
      CurrentInstanceCount: 2,
      DeployedImages: [
        expect.objectContaining({ SpecifiedImage: `${REGISTRY}/prep:v1` }),
        expect.objectContaining({ SpecifiedImage: `${REGISTRY}/tiny:v1` })
      ]
    });
    const started = [...engine.containers.values()].map(({ options }) => ({
      hostname: options.labels[LABELS.container],
      name: options.name.replace(/-[0-9a-f]{8}-/, '-<fleet>-'),
      env: options.env
    }));
    expect(started).toEqual([
      {
        hostname: 'prep',
        name: 'modelship-pipe-alltraffic-<fleet>-1-prep',
        env: { STEP: 'prep', SAGEMAKER_BIND_TO_PORT: '8080' }
      },
      {
        hostname: 'model',
        name: 'modelship-pipe-alltraffic-<fleet>-1-model',
        env: { SAGEMAKER_BIND_TO_PORT: '8080' }
      },
      {
        hostname: 'prep',
        name: 'modelship-pipe-alltraffic-<fleet>-2-prep',
        env: { STEP: 'prep', SAGEMAKER_BIND_TO_PORT: '8080' }
      },
      {
        hostname: 'model',
        name: 'modelship-pipe-alltraffic-<fleet>-2-model',
        env: { SAGEMAKER_BIND_TO_PORT: '8080' }
      }
    ]);
    // The fake containers echo their request as JSON: the second got the first's answer.
    const { answer } = await invoke('pipe', 'row');
    expect(answer.image).toBe(`${REGISTRY}/tiny:v1`);
    expect(JSON.parse(answer.body)).toMatchObject({ image: `${REGISTRY}/prep:v1`, body: 'row' });
    await expect(invoke('pipe', 'fail')).rejects.toMatchObject({
      name: 'ModelError',
      message: expect.stringMatching(/^Received client error \(400\) from prep with message "bad input"/)
    });

    await sagemaker.send(
      new CreateModelCommand({
        ModelName: 'broken-pipeline',
        Containers: [{ Image: `${REGISTRY}/tiny:v1` }, { Image: `${REGISTRY}/crash:v1` }]
      })
    );
    await config('broken-pipeline', [{ ModelName: 'broken-pipeline' }]);
    await sagemaker.send(
      new CreateEndpointCommand({ EndpointName: 'broken-pipe', EndpointConfigName: 'broken-pipeline' })
    );
    expect((await settle('broken-pipe')).FailureReason).toBe(
      'The container container-2 for production variant AllTraffic exited with code 1 before passing the ' +
        'ping health check. Last log lines:\nloading\nRuntimeError: corrupt model'
    );
    await sagemaker.send(new DeleteEndpointCommand({ EndpointName: 'pipe' }));
    await hosting.controller.settled();
    expect(engine.containers.size).toBe(0);
  });

  it('refuses fleets beyond the instance quota with ResourceLimitExceeded', async () => {
    await modelAndConfig('three', `${REGISTRY}/tiny:v1`, 3);
    await sagemaker.send(new CreateEndpointCommand({ EndpointName: 'a', EndpointConfigName: 'three' }));
    await expect(
      sagemaker.send(new CreateEndpointCommand({ EndpointName: 'b', EndpointConfigName: 'three' }))
    ).rejects.toMatchObject({
      name: 'ResourceLimitExceeded',
      message: expect.stringMatching(
        /^The account-level service limit 'ml.m5.large for endpoint usage' is 4 Instances, with current utilization of 3 Instances and a request delta of 3 Instances\./
      )
    });
  });

  it('routes invocations by weight or target variant, round-robin over containers, and reports model errors', async () => {
    await model('a', `${REGISTRY}/tiny:a`);
    await model('b', `${REGISTRY}/tiny:b`);
    await config('ab', [
      { VariantName: 'A', ModelName: 'a', InitialInstanceCount: 2, InitialVariantWeight: 1 },
      { VariantName: 'B', ModelName: 'b', InitialInstanceCount: 1, InitialVariantWeight: 0 }
    ]);
    await sagemaker.send(new CreateEndpointCommand({ EndpointName: 'ab', EndpointConfigName: 'ab' }));
    await settle('ab');

    const answers = await Promise.all([1, 2, 3, 4].map(() => invoke('ab', 'x')));
    expect(new Set(answers.map((answer) => answer.InvokedProductionVariant))).toEqual(new Set(['A']));
    expect(new Set(answers.map((answer) => answer.answer.id)).size).toBe(2);

    const targeted = await runtime.send(
      new InvokeEndpointCommand({
        EndpointName: 'ab',
        Body: Buffer.from('{"x":1}'),
        ContentType: 'application/json',
        Accept: 'text/csv',
        CustomAttributes: 'c=1',
        TargetVariant: 'B'
      })
    );
    const echoed = JSON.parse(Buffer.from(targeted.Body).toString('utf8'));
    expect(targeted.InvokedProductionVariant).toBe('B');
    expect(targeted.CustomAttributes).toBe('echo:c=1');
    expect(echoed.headers).toMatchObject({
      'content-type': 'application/json',
      accept: 'text/csv',
      'x-amzn-sagemaker-custom-attributes': 'c=1'
    });
    expect(echoed.headers['authorization']).toBeUndefined();
    expect(echoed.body).toBe('{"x":1}');

    await expect(invoke('ab', 'x', { TargetVariant: 'C' })).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'The variant(s) "[C]" is/are not in endpoint ab.'
    });
    await expect(invoke('ab', 'fail')).rejects.toMatchObject({
      name: 'ModelError',
      $metadata: expect.objectContaining({ httpStatusCode: 424 }),
      OriginalStatusCode: 400,
      OriginalMessage: 'bad input',
      message: expect.stringMatching(/^Received client error \(400\) from primary with message "bad input"\./)
    });
    await expect(invoke('nowhere', 'x')).rejects.toMatchObject({
      name: 'ValidationError',
      message: `Endpoint nowhere of account ${TEST_ACCOUNT} not found.`
    });
  });

  it('keeps the tags Create* calls give in the tag store AddTags, ListTags and DeleteTags use', async () => {
    const tags = [{ Key: 'team', Value: 'ml' }];
    await sagemaker.send(
      new CreateModelCommand({
        ModelName: 'Tagged',
        PrimaryContainer: { Image: `${REGISTRY}/tiny:v1` },
        Tags: tags
      })
    );
    await sagemaker.send(
      new CreateEndpointConfigCommand({
        EndpointConfigName: 'Tagged',
        ProductionVariants: [
          {
            VariantName: 'AllTraffic',
            ModelName: 'Tagged',
            InitialInstanceCount: 1,
            InstanceType: 'ml.m5.large'
          }
        ],
        Tags: tags
      })
    );
    await sagemaker.send(
      new CreateEndpointCommand({ EndpointName: 'Tagged', EndpointConfigName: 'Tagged', Tags: tags })
    );
    const arns = ['model', 'endpoint-config', 'endpoint'].map((kind) => `${ARN}:${kind}/tagged`);
    for (const arn of arns) {
      expect((await sagemaker.send(new ListTagsCommand({ ResourceArn: arn }))).Tags).toEqual(tags);
      await sagemaker.send(
        new AddTagsCommand({
          ResourceArn: arn,
          Tags: [
            { Key: 'commit', Value: 'abc123' },
            { Key: 'team', Value: 'ops' }
          ]
        })
      );
      await sagemaker.send(new DeleteTagsCommand({ ResourceArn: arn, TagKeys: ['commit'] }));
      expect((await sagemaker.send(new ListTagsCommand({ ResourceArn: arn }))).Tags).toEqual([
        { Key: 'team', Value: 'ops' }
      ]);
    }
    // Describe* leaves tags out, as SageMaker does.
    expect(await sagemaker.send(new DescribeModelCommand({ ModelName: 'Tagged' }))).not.toHaveProperty(
      'Tags'
    );
    expect(
      await sagemaker.send(new DescribeEndpointConfigCommand({ EndpointConfigName: 'Tagged' }))
    ).not.toHaveProperty('Tags');

    await hosting.controller.settled();
    await sagemaker.send(new DeleteEndpointCommand({ EndpointName: 'Tagged' }));
    await hosting.controller.settled();
    await sagemaker.send(new DeleteEndpointConfigCommand({ EndpointConfigName: 'Tagged' }));
    await sagemaker.send(new DeleteModelCommand({ ModelName: 'Tagged' }));
    for (const arn of arns) {
      await expect(sagemaker.send(new ListTagsCommand({ ResourceArn: arn }))).rejects.toMatchObject({
        name: 'ValidationException',
        message: `Resource ${arn} does not exist or cannot be tagged.`
      });
    }
    // A resource created again under the same name starts without the old tags.
    await model('tagged', `${REGISTRY}/tiny:v1`);
    expect((await sagemaker.send(new ListTagsCommand({ ResourceArn: arns[0] }))).Tags).toEqual([]);
  });

  it('lists endpoints by status and name, and deletes them with their containers', async () => {
    await modelAndConfig('ok', `${REGISTRY}/tiny:v1`);
    await modelAndConfig('crash', `${REGISTRY}/crash:v1`);
    await sagemaker.send(new CreateEndpointCommand({ EndpointName: 'first', EndpointConfigName: 'ok' }));
    await sagemaker.send(new CreateEndpointCommand({ EndpointName: 'second', EndpointConfigName: 'crash' }));
    await hosting.controller.settled();

    const inService = await sagemaker.send(new ListEndpointsCommand({ StatusEquals: 'InService' }));
    expect(inService.Endpoints?.map((summary) => summary.EndpointName)).toEqual(['first']);
    const byName = await sagemaker.send(
      new ListEndpointsCommand({ SortBy: 'Name', SortOrder: 'Descending' })
    );
    expect(byName.Endpoints?.map((summary) => [summary.EndpointName, summary.EndpointStatus])).toEqual([
      ['second', 'Failed'],
      ['first', 'InService']
    ]);

    const release = engine.pause();
    await sagemaker.send(new DeleteEndpointCommand({ EndpointName: 'first' }));
    expect((await describe('first')).EndpointStatus).toBe('Deleting');
    await expect(invoke('first', 'x')).rejects.toMatchObject({ name: 'ValidationError' });
    release();
    await hosting.controller.settled();
    await expect(describe('first')).rejects.toMatchObject({
      message: `Could not find endpoint "${ARN}:endpoint/first".`
    });
    expect(engine.ofEndpoint('first')).toEqual([]);
  });

  it.each([
    [
      { SortBy: 'Size' },
      "Value 'Size' at 'sortBy' failed to satisfy constraint: Member must satisfy enum value set: [Name, CreationTime, Status]"
    ],
    [{ SortOrder: 'Sideways' }, "Value 'Sideways' at 'sortOrder' failed to satisfy constraint"],
    [
      { MaxResults: 0 },
      "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100"
    ],
    [{ NextToken: 'forged' }, 'Invalid pagination token because it is not a token this operation returned.']
  ] as const)('refuses a list request with %j', async (input, message) => {
    await expect(sagemaker.send(new ListEndpointsCommand(input as never))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining(message)
    });
  });

  it('lists by creation and modification time', async () => {
    await modelAndConfig('t', `${REGISTRY}/tiny:v1`);
    const before = new Date(Date.now() - 1000);
    await sagemaker.send(new CreateEndpointCommand({ EndpointName: 'timed', EndpointConfigName: 't' }));
    const after = new Date(Date.now() + 1000);
    const names = async (input: Record<string, Date>) =>
      (await sagemaker.send(new ListEndpointsCommand(input))).Endpoints?.map(
        (summary) => summary.EndpointName
      );
    expect(await names({ CreationTimeAfter: before, CreationTimeBefore: after })).toEqual(['timed']);
    expect(await names({ CreationTimeAfter: after })).toEqual([]);
    expect(await names({ LastModifiedTimeBefore: before })).toEqual([]);
  });

  it('restarts InService endpoints after a restart and removes containers a previous run left behind', async () => {
    await modelAndConfig('v1', `${REGISTRY}/tiny:v1`);
    await sagemaker.send(new CreateEndpointCommand({ EndpointName: 'kept', EndpointConfigName: 'v1' }));
    await settle('kept');
    await hosting.controller.shutdown();
    expect(engine.containers.size).toBe(0);

    const leftover = await engine.run({
      image: 'left',
      name: 'left',
      labels: { 'modelship.local-stack': '/data/test-stack' },
      env: {},
      args: [],
      containerPort: 8080
    });
    const restarted = makeHosting(new StateStore(endpoint.dataDir));
    const restoring = restarted.controller.restore();
    expect(restarted.store.endpoint(TEST_REGION, 'kept')?.EndpointStatus).toBe('SystemUpdating');
    await restoring;
    await restarted.controller.settled();
    expect(restarted.store.endpoint(TEST_REGION, 'kept')?.EndpointStatus).toBe('InService');
    expect(engine.containers.has(leftover)).toBe(false);
    expect(engine.ofEndpoint('kept')).toHaveLength(1);
    await restarted.controller.shutdown();
  });

  it('resets with the stack: containers removed, traffic withdrawn, endpoints created afresh after', async () => {
    await modelAndConfig('r1', `${REGISTRY}/tiny:v1`, 2);
    await sagemaker.send(new CreateEndpointCommand({ EndpointName: 'reset-me', EndpointConfigName: 'r1' }));
    expect((await settle('reset-me')).EndpointStatus).toBe('InService');
    expect(engine.ofEndpoint('reset-me')).toHaveLength(2);

    await hosting.controller.reset();
    endpoint.state.reset();
    expect(engine.containers.size).toBe(0);
    await expect(describe('reset-me')).rejects.toThrow('Could not find endpoint');
    await expect(invoke('reset-me', '1')).rejects.toThrow();

    await modelAndConfig('r1', `${REGISTRY}/tiny:v1`);
    await sagemaker.send(new CreateEndpointCommand({ EndpointName: 'reset-me', EndpointConfigName: 'r1' }));
    expect((await settle('reset-me')).EndpointStatus).toBe('InService');
    expect((await invoke('reset-me', '1')).answer).toBeDefined();
  });
});
