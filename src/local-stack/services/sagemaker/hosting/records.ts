import type {
  CreateEndpointConfigCommandInput,
  CreateModelCommandInput,
  DeploymentConfig,
  ProductionVariant
} from '@aws-sdk/client-sagemaker';
import type { StateStore } from '../../../state.js';
import { AwsServiceError, validationError } from '../../../wire/errors.js';
import type { RequestContext } from '../../../wire/types.js';
import { TagStore } from '../tags.js';

/**
 * One container of a model as it runs, resolved by CreateModel whichever way the model named it (an
 * Image, or a model package's InferenceSpecification). What the fleet starts, one per container.
 */
export interface ContainerSpec {
  /** ContainerHostname, or the name SageMaker gives a container that has none (see containers.ts). */
  hostname: string;
  image: string;
  environment: Record<string, string>;
  modelDataUrl?: string;
}

/** How InvokeEndpoint calls a model's containers (InferenceExecutionConfig.Mode; one container is Serial). */
export type InvocationMode = 'Serial' | 'Direct';

/** A model as CreateModel stored it (the request's members), plus what SageMaker adds. */
export interface ModelRecord extends Omit<CreateModelCommandInput, 'Tags'> {
  ModelName: string;
  ModelArn: string;
  CreationTime: Date;
  /** The store's own: the containers resolved at creation, in order (DescribeModel leaves it out). */
  containers: ContainerSpec[];
}

/** A container of a deployed variant: its spec, and the image digest the fleet found or pulled. */
export interface DeployedContainer extends ContainerSpec {
  /** `repo@sha256:...` once the image was found or pulled. */
  resolvedImage?: string;
  resolutionTime?: Date;
}

export interface EndpointConfigRecord extends Omit<CreateEndpointConfigCommandInput, 'Tags'> {
  EndpointConfigName: string;
  EndpointConfigArn: string;
  CreationTime: Date;
  ProductionVariants: ProductionVariant[];
}

/** What one production variant runs: fixed when the endpoint is created or updated, as on SageMaker. */
export interface VariantDeployment {
  VariantName: string;
  ModelName: string;
  /** Every instance runs all of them, as SageMaker co-locates a model's containers. */
  Containers: DeployedContainer[];
  InvocationMode: InvocationMode;
  InstanceCount: number;
  InstanceType: string;
  Weight: number;
  /** ContainerStartupHealthCheckTimeoutInSeconds, or the local default. */
  HealthCheckTimeoutSeconds: number;
}

export interface Deployment {
  EndpointConfigName: string;
  Variants: VariantDeployment[];
}

export type EndpointStatus =
  | 'OutOfService'
  | 'Creating'
  | 'Updating'
  | 'SystemUpdating'
  | 'RollingBack'
  | 'InService'
  | 'Deleting'
  | 'Failed'
  | 'UpdateRollbackFailed';

export interface EndpointRecord {
  EndpointName: string;
  EndpointArn: string;
  /** The config the endpoint serves, or was created with while it is Creating or Failed. */
  EndpointConfigName: string;
  EndpointStatus: EndpointStatus;
  FailureReason?: string;
  CreationTime: Date;
  LastModifiedTime: Date;
  DeploymentConfig?: DeploymentConfig;
  /** The configuration serving traffic; absent until the first deployment succeeded. */
  serving?: Deployment;
  /** The configuration being deployed (Creating, Updating). */
  pending?: Deployment;
}

interface HostingDocument {
  models: Record<string, ModelRecord>;
  endpointConfigs: Record<string, EndpointConfigRecord>;
  endpoints: Record<string, EndpointRecord>;
}

export type ResourceKind = 'model' | 'endpoint-config' | 'endpoint';

/** How SageMaker's messages name each kind of resource. */
const KIND_WORDS: Record<ResourceKind, string> = {
  model: 'model',
  'endpoint-config': 'endpoint configuration',
  endpoint: 'endpoint'
};

/**
 * Models, endpoint configs and endpoints of every region, persisted in the StateStore. SageMaker names
 * are unique per account and region regardless of case (its ARNs use the lower-cased name), so records
 * are keyed by region and lower-cased name.
 */
export class HostingStore {
  private readonly document: HostingDocument;

  constructor(
    private readonly state: StateStore,
    readonly accountId: string
  ) {
    this.document = state.document<HostingDocument>('sagemaker-hosting', () => ({
      models: {},
      endpointConfigs: {},
      endpoints: {}
    }));
  }

  arn(region: string, kind: ResourceKind, name: string): string {
    return `arn:aws:sagemaker:${region}:${this.accountId}:${kind}/${name.toLowerCase()}`;
  }

  notFound(region: string, kind: ResourceKind, name: string): AwsServiceError {
    return validationError(`Could not find ${KIND_WORDS[kind]} "${this.arn(region, kind, name)}".`);
  }

  alreadyExists(region: string, kind: ResourceKind, name: string): AwsServiceError {
    return validationError(
      `Cannot create already existing ${KIND_WORDS[kind]} "${this.arn(region, kind, name)}".`
    );
  }

  models(region: string): ModelRecord[] {
    return inRegion(this.document.models, region);
  }
  endpointConfigs(region: string): EndpointConfigRecord[] {
    return inRegion(this.document.endpointConfigs, region);
  }
  endpoints(region: string): EndpointRecord[] {
    return inRegion(this.document.endpoints, region);
  }
  /** Every endpoint of every region, with its region: what a restart brings back. */
  allEndpoints(): { region: string; endpoint: EndpointRecord }[] {
    return Object.entries(this.document.endpoints).map(([key, endpoint]) => ({
      region: key.slice(0, key.indexOf('/')),
      endpoint
    }));
  }

  model(region: string, name: string): ModelRecord | undefined {
    return this.document.models[key(region, name)];
  }
  endpointConfig(region: string, name: string): EndpointConfigRecord | undefined {
    return this.document.endpointConfigs[key(region, name)];
  }
  endpoint(region: string, name: string): EndpointRecord | undefined {
    return this.document.endpoints[key(region, name)];
  }

  putModel(region: string, record: ModelRecord): void {
    this.document.models[key(region, record.ModelName)] = record;
    this.save();
  }
  putEndpointConfig(region: string, record: EndpointConfigRecord): void {
    this.document.endpointConfigs[key(region, record.EndpointConfigName)] = record;
    this.save();
  }
  putEndpoint(region: string, record: EndpointRecord): void {
    this.document.endpoints[key(region, record.EndpointName)] = record;
    this.save();
  }

  deleteModel(region: string, name: string): void {
    delete this.document.models[key(region, name)];
    this.save();
    this.tags.set(this.arn(region, 'model', name), []);
  }
  deleteEndpointConfig(region: string, name: string): void {
    delete this.document.endpointConfigs[key(region, name)];
    this.save();
    this.tags.set(this.arn(region, 'endpoint-config', name), []);
  }
  deleteEndpoint(region: string, name: string): void {
    delete this.document.endpoints[key(region, name)];
    this.save();
    this.tags.set(this.arn(region, 'endpoint', name), []);
  }

  /** Models, endpoint configs and endpoints carry tags (AddTags, ListTags, DeleteTags). */
  readonly taggable = (arn: string, context: RequestContext): boolean => {
    const match = /^arn:aws:sagemaker:([^:]+):(\d{12}):(model|endpoint-config|endpoint)\/(.+)$/.exec(arn);
    if (!match || match[1] !== context.region || match[2] !== this.accountId) return false;
    const [, region, , kind, name] = match as unknown as [string, string, string, ResourceKind, string];
    const record =
      kind === 'model'
        ? this.model(region, name)
        : kind === 'endpoint-config'
          ? this.endpointConfig(region, name)
          : this.endpoint(region, name);
    return record !== undefined;
  };

  /** The tags every SageMaker resource shares (see tags.ts). */
  get tags(): TagStore {
    return new TagStore(this.state);
  }

  /** Persists changes made to a record obtained from this store. */
  save(): void {
    this.state.save('sagemaker-hosting');
  }
}

function key(region: string, name: string): string {
  return `${region}/${name.toLowerCase()}`;
}

function inRegion<T>(records: Record<string, T>, region: string): T[] {
  return Object.entries(records)
    .filter(([recordKey]) => recordKey.startsWith(`${region}/`))
    .map(([, record]) => record);
}
