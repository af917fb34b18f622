import {
  resolveModelContainers,
  type ModelPackageView
} from '../../../../../../src/local-stack/services/sagemaker/hosting/containers.js';
import { validationError } from '../../../../../../src/local-stack/wire/errors.js';

const PACKAGE_ARN = 'arn:aws:sagemaker:us-east-1:000000000000:model-package/churn/3';

const approved = (overrides: Partial<ModelPackageView> = {}): ModelPackageView => ({
  ModelPackageArn: PACKAGE_ARN,
  ModelApprovalStatus: 'Approved',
  InferenceSpecification: {
    Containers: [
      {
        Image: 'registry/churn@sha256:abc',
        ModelDataUrl: 's3://models/churn/model.tar.gz',
        Environment: { LOG_LEVEL: 'info', THREADS: '2' }
      }
    ],
    SupportedContentTypes: ['text/csv'],
    SupportedResponseMIMETypes: ['text/csv']
  },
  ...overrides
});

/** A registry holding `churn/3`; any other name is missing, with the registry's error. */
const registry =
  (found: ModelPackageView = approved()) =>
  (name: string): ModelPackageView => {
    if (name === PACKAGE_ARN || name === 'churn/3') return found;
    throw validationError(`ModelPackage ${name} does not exist.`);
  };

describe('resolving CreateModel containers', () => {
  it('runs a model package version with its image and model data, the container Environment on top', () => {
    expect(
      resolveModelContainers(
        { Containers: [{ ModelPackageName: PACKAGE_ARN, Environment: { THREADS: '8', STAGE: 'prod' } }] },
        registry()
      )
    ).toEqual({
      mode: 'Serial',
      containers: [
        {
          hostname: 'primary',
          image: 'registry/churn@sha256:abc',
          modelDataUrl: 's3://models/churn/model.tar.gz',
          environment: { LOG_LEVEL: 'info', THREADS: '8', STAGE: 'prod' }
        }
      ]
    });
  });

  it('accepts a package by <group>/<version> as PrimaryContainer, whose ContainerHostname is ignored', () => {
    const { containers } = resolveModelContainers(
      { PrimaryContainer: { ModelPackageName: 'churn/3', ContainerHostname: 'named' } },
      registry()
    );
    expect(containers.map((container) => [container.hostname, container.image])).toEqual([
      ['primary', 'registry/churn@sha256:abc']
    ]);
  });

  it('expands a package holding a whole pipeline into its containers, keeping their hostnames', () => {
    const pipeline = approved({
      InferenceSpecification: {
        Containers: [
          { ContainerHostname: 'prep', Image: 'registry/prep:1' },
          { ContainerHostname: 'model', Image: 'registry/model:1', Environment: { A: '1' } }
        ],
        SupportedContentTypes: [],
        SupportedResponseMIMETypes: []
      }
    });
    expect(
      resolveModelContainers({ Containers: [{ ModelPackageName: PACKAGE_ARN }] }, registry(pipeline))
        .containers
    ).toEqual([
      { hostname: 'prep', image: 'registry/prep:1', environment: {} },
      { hostname: 'model', image: 'registry/model:1', environment: { A: '1' } }
    ]);
    expect(
      resolveModelContainers(
        { PrimaryContainer: { ModelPackageName: 'churn/3' } },
        registry(pipeline)
      ).containers.map((container) => container.hostname)
    ).toEqual(['prep', 'model']);
  });

  it('uses the additional inference specification InferenceSpecificationName names', () => {
    const withAdditional = approved({
      AdditionalInferenceSpecifications: [
        {
          Name: 'compiled',
          Containers: [{ Image: 'registry/churn-neo:1' }],
          SupportedContentTypes: [],
          SupportedResponseMIMETypes: []
        }
      ]
    });
    const read = registry(withAdditional);
    expect(
      resolveModelContainers(
        { Containers: [{ ModelPackageName: PACKAGE_ARN, InferenceSpecificationName: 'compiled' }] },
        read
      ).containers[0]?.image
    ).toBe('registry/churn-neo:1');
    expect(() =>
      resolveModelContainers(
        { Containers: [{ ModelPackageName: PACKAGE_ARN, InferenceSpecificationName: 'absent' }] },
        read
      )
    ).toThrow(`Model package ${PACKAGE_ARN} has no additional inference specification named absent.`);
  });

  it('names pipeline containers, defaulting to their position, and reads the invocation mode', () => {
    const serial = resolveModelContainers(
      { Containers: [{ Image: 'a' }, { Image: 'b', Environment: { X: '1' } }] },
      registry()
    );
    expect(serial).toEqual({
      mode: 'Serial',
      containers: [
        { hostname: 'container-1', image: 'a', environment: {} },
        { hostname: 'container-2', image: 'b', environment: { X: '1' } }
      ]
    });
    const direct = resolveModelContainers(
      {
        Containers: [
          { Image: 'a', ContainerHostname: 'first' },
          { ModelPackageName: 'churn/3', ContainerHostname: 'second' }
        ],
        InferenceExecutionConfig: { Mode: 'Direct' }
      },
      registry()
    );
    expect(direct.mode).toBe('Direct');
    expect(direct.containers.map((container) => container.hostname)).toEqual(['first', 'second']);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['no container', {}, 'Either PrimaryContainer or Containers must be specified.'],
    [
      'both forms',
      { PrimaryContainer: { Image: 'a' }, Containers: [{ Image: 'b' }] },
      'Specify either PrimaryContainer'
    ],
    [
      'more than 15 containers',
      { Containers: Array.from({ length: 16 }, () => ({ Image: 'a' })) },
      "at 'containers' failed to satisfy constraint: Member must have length less than or equal to 15"
    ],
    [
      'neither image nor package',
      { Containers: [{ Environment: {} }] },
      'The container at containers.1.member needs an Image or a ModelPackageName.'
    ],
    [
      'a package and an image',
      { PrimaryContainer: { ModelPackageName: 'churn/3', Image: 'x' } },
      'names ModelPackageName churn/3 and also an Image or ModelDataUrl'
    ],
    [
      'a missing package',
      { Containers: [{ ModelPackageName: 'churn/9' }] },
      'ModelPackage churn/9 does not exist.'
    ],
    [
      'hostnames on some containers only',
      { Containers: [{ Image: 'a', ContainerHostname: 'a' }, { Image: 'b' }] },
      'ContainerHostname is given for some containers but not all'
    ],
    [
      'Direct without hostnames',
      { Containers: [{ Image: 'a' }, { Image: 'b' }], InferenceExecutionConfig: { Mode: 'Direct' } },
      'give every container a ContainerHostname'
    ],
    [
      'a duplicate hostname',
      {
        Containers: [
          { Image: 'a', ContainerHostname: 'same' },
          { Image: 'b', ContainerHostname: 'Same' }
        ]
      },
      'The ContainerHostname Same appears more than once'
    ],
    [
      'an unknown mode',
      { Containers: [{ Image: 'a' }], InferenceExecutionConfig: { Mode: 'Parallel' } },
      "Value 'Parallel' at 'inferenceExecutionConfig.mode' failed to satisfy constraint"
    ],
    [
      'a bad environment name',
      { PrimaryContainer: { Image: 'a', Environment: { 'BAD-NAME': 'x' } } },
      "Value 'BAD-NAME' at 'primaryContainer.environment'"
    ]
  ])('refuses %s', (_, input, message) => {
    expect(() => resolveModelContainers(input, registry())).toThrow(message);
  });

  it.each(['Rejected', 'PendingManualApproval'] as const)(
    'refuses a %s model package, saying how to approve it',
    (status) => {
      expect(() =>
        resolveModelContainers(
          { Containers: [{ ModelPackageName: PACKAGE_ARN }] },
          registry(approved({ ModelApprovalStatus: status }))
        )
      ).toThrow(
        `Model package ${PACKAGE_ARN} has ModelApprovalStatus ${status}: CreateModel deploys approved model ` +
          `packages only.`
      );
    }
  );

  it('refuses a package without an InferenceSpecification', () => {
    const { InferenceSpecification, ...bare } = approved();
    expect(() =>
      resolveModelContainers({ Containers: [{ ModelPackageName: 'churn/3' }] }, registry(bare))
    ).toThrow(`Model package ${PACKAGE_ARN} has no InferenceSpecification`);
  });
});
