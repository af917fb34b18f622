import type {
  ContainerDefinition,
  CreateModelCommandInput,
  DescribeModelPackageCommandOutput,
  InferenceExecutionConfig,
  ModelPackageContainerDefinition
} from '@aws-sdk/client-sagemaker';
import { validationError } from '../../../wire/errors.js';
import { wireMembers, wireText, type WireInput, type WireOutput } from '../../../wire/types.js';
import type { ContainerSpec, InvocationMode } from './records.js';

/** SageMaker runs at most 15 containers per model (ContainerDefinitionList, a package's InferenceSpecification). */
export const MAX_CONTAINERS = 15;
/** ContainerHostname's pattern in botocore's model. */
const HOSTNAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
/** EnvironmentKey's pattern. */
const ENVIRONMENT_KEY = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** What InvokeEndpoint's errors call the container of a one-container model, as SageMaker's do. */
export const PRIMARY_HOSTNAME = 'primary';

/** The members of a model package version (as DescribeModelPackage returns it) that CreateModel reads. */
export type ModelPackageView = Pick<
  WireOutput<DescribeModelPackageCommandOutput>,
  'ModelPackageArn' | 'ModelApprovalStatus' | 'InferenceSpecification' | 'AdditionalInferenceSpecifications'
>;

/**
 * Finds the model package a container names (ARN or `<group>/<version>`), or throws the registry's
 * ValidationException for one that does not exist.
 */
export type ModelPackageReader = (name: string) => ModelPackageView;

export interface ResolvedContainers {
  containers: ContainerSpec[];
  mode: InvocationMode;
}

/**
 * CreateModel's PrimaryContainer or Containers, checked as SageMaker checks them and resolved to the
 * containers that run: a container naming a ModelPackageName runs the package's InferenceSpecification
 * (or the AdditionalInferenceSpecifications entry named by InferenceSpecificationName) containers, with
 * their image and ModelDataUrl, and their Environment overlaid by the container's own (its values win).
 */
export function resolveModelContainers(
  input: WireInput<CreateModelCommandInput>,
  readPackage: ModelPackageReader
): ResolvedContainers {
  const primary = input.PrimaryContainer;
  const list = input.Containers;
  if (primary !== undefined && list !== undefined) {
    throw validationError(
      'Specify either PrimaryContainer (one container) or Containers (an inference pipeline or a ' +
        'multi-container model), not both.'
    );
  }
  if (list !== undefined && (!Array.isArray(list) || list.length > MAX_CONTAINERS)) {
    throw validationError(
      `1 validation error detected: Value '[...]' at 'containers' failed to satisfy constraint: ` +
        `Member must have length less than or equal to ${MAX_CONTAINERS}`
    );
  }
  const given = primary !== undefined ? [primary] : ((list as unknown[] | undefined) ?? []);
  if (given.length === 0) throw validationError('Either PrimaryContainer or Containers must be specified.');
  const mode = invocationMode(input.InferenceExecutionConfig);
  const definitions = given.map((value, index) => checkDefinition(value, memberPath(primary, index)));

  const named = definitions.filter((definition) => definition.ContainerHostname !== undefined).length;
  if (primary === undefined && definitions.length > 1 && named > 0 && named < definitions.length) {
    throw validationError(
      'ContainerHostname is given for some containers but not all: when one container of a ' +
        'multi-container model has a ContainerHostname, every container needs one.'
    );
  }

  const resolved = definitions.flatMap((definition, index) =>
    definition.ModelPackageName !== undefined
      ? fromPackage(definition, readPackage(definition.ModelPackageName), memberPath(primary, index))
      : [fromImage(definition)]
  );
  if (resolved.length > MAX_CONTAINERS) {
    throw validationError(
      `The model would run ${resolved.length} containers (its model packages included); ` +
        `a model runs at most ${MAX_CONTAINERS}.`
    );
  }
  // SageMaker ignores a PrimaryContainer's ContainerHostname; its errors call a lone container "primary".
  const containers = resolved.map((container, index): ContainerSpec => ({
    ...container,
    hostname:
      resolved.length === 1
        ? primary !== undefined
          ? PRIMARY_HOSTNAME
          : (container.hostname ?? PRIMARY_HOSTNAME)
        : (container.hostname ?? `container-${index + 1}`)
  }));
  checkHostnames(containers, mode, resolved);
  return { containers, mode };
}

type Unnamed = Omit<ContainerSpec, 'hostname'> & { hostname?: string };

function invocationMode(value: unknown): InvocationMode {
  if (value === undefined || value === null) return 'Serial';
  const mode = wireMembers<InferenceExecutionConfig>(value).Mode;
  if (mode !== 'Serial' && mode !== 'Direct') {
    throw validationError(
      `1 validation error detected: Value '${wireText(mode ?? null)}' at 'inferenceExecutionConfig.mode' ` +
        `failed to satisfy constraint: Member must satisfy enum value set: [Serial, Direct]`
    );
  }
  return mode;
}

interface Definition {
  ContainerHostname?: string;
  Image?: string;
  ModelDataUrl?: string;
  Environment?: Record<string, string>;
  ModelPackageName?: string;
  InferenceSpecificationName?: string;
}

/** One ContainerDefinition's members the local stack acts on, type-checked. */
function checkDefinition(value: unknown, path: string): Definition {
  const container = wireMembers<ContainerDefinition>(value);
  const text = (member: keyof ContainerDefinition): string | undefined => {
    const given = container[member];
    if (given === undefined || given === null) return undefined;
    if (typeof given !== 'string' || given === '') {
      throw validationError(`${path}.${lowerFirst(member)} must be a non-empty string.`);
    }
    return given;
  };
  const hostname = text('ContainerHostname');
  if (hostname !== undefined && !HOSTNAME.test(hostname)) {
    throw validationError(
      `1 validation error detected: Value '${hostname}' at '${path}.containerHostname' failed to satisfy ` +
        `constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`
    );
  }
  const image = text('Image');
  const modelPackageName = text('ModelPackageName');
  const modelDataUrl = text('ModelDataUrl');
  const specificationName = text('InferenceSpecificationName');
  if (image === undefined && modelPackageName === undefined) {
    throw validationError(`The container at ${path} needs an Image or a ModelPackageName.`);
  }
  if (modelPackageName !== undefined && (image !== undefined || modelDataUrl !== undefined)) {
    throw validationError(
      `The container at ${path} names ModelPackageName ${modelPackageName} and also an Image or ModelDataUrl: ` +
        `a model package supplies both, so give either ModelPackageName or Image (with ModelDataUrl).`
    );
  }
  if (specificationName !== undefined && modelPackageName === undefined) {
    throw validationError(
      `The container at ${path} names InferenceSpecificationName ${specificationName} without a ModelPackageName.`
    );
  }
  return {
    ...(hostname !== undefined && { ContainerHostname: hostname }),
    ...(image !== undefined && { Image: image }),
    ...(modelDataUrl !== undefined && { ModelDataUrl: modelDataUrl }),
    ...(modelPackageName !== undefined && { ModelPackageName: modelPackageName }),
    ...(specificationName !== undefined && { InferenceSpecificationName: specificationName }),
    ...environmentOf(container.Environment, path)
  };
}

function environmentOf(value: unknown, path: string): { Environment?: Record<string, string> } {
  if (value === undefined || value === null) return {};
  if (
    typeof value !== 'object' ||
    Array.isArray(value) ||
    Object.values(value).some((entry) => typeof entry !== 'string')
  ) {
    throw validationError(`${path}.environment must map names to string values.`);
  }
  const environment = value as Record<string, string>;
  const invalid = Object.keys(environment).find((name) => !ENVIRONMENT_KEY.test(name));
  if (invalid !== undefined) {
    throw validationError(
      `1 validation error detected: Value '${invalid}' at '${path}.environment' failed to satisfy constraint: ` +
        `Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z_][a-zA-Z0-9_]*]`
    );
  }
  return { Environment: environment };
}

function fromImage(definition: Definition): Unnamed {
  return {
    ...(definition.ContainerHostname !== undefined && { hostname: definition.ContainerHostname }),
    image: definition.Image!,
    environment: { ...definition.Environment },
    ...(definition.ModelDataUrl !== undefined && { modelDataUrl: definition.ModelDataUrl })
  };
}

/** The package's containers (it may hold a whole pipeline), each with the model container's Environment on top. */
function fromPackage(definition: Definition, modelPackage: ModelPackageView, path: string): Unnamed[] {
  const arn = modelPackage.ModelPackageArn ?? definition.ModelPackageName!;
  if (modelPackage.ModelApprovalStatus !== 'Approved') {
    throw validationError(
      `Model package ${arn} has ModelApprovalStatus ${String(modelPackage.ModelApprovalStatus)}: CreateModel ` +
        `deploys approved model packages only. Approve it (UpdateModelPackage with ModelApprovalStatus ` +
        `Approved) or name another version.`
    );
  }
  const specificationName = definition.InferenceSpecificationName;
  const specification =
    specificationName === undefined
      ? modelPackage.InferenceSpecification
      : modelPackage.AdditionalInferenceSpecifications?.find((entry) => entry.Name === specificationName);
  if (specification === undefined) {
    throw validationError(
      specificationName === undefined
        ? `Model package ${arn} has no InferenceSpecification, so ${path} has no image to run. Register a ` +
            `version with an InferenceSpecification (its Containers' Image).`
        : `Model package ${arn} has no additional inference specification named ${specificationName}.`
    );
  }
  const containers: ModelPackageContainerDefinition[] = specification.Containers ?? [];
  return containers.map((container) => {
    // The model's name for the container wins when the package holds exactly that one container.
    const hostname =
      definition.ContainerHostname !== undefined && containers.length === 1
        ? definition.ContainerHostname
        : container.ContainerHostname;
    return {
      ...(hostname !== undefined && { hostname }),
      image: String(container.Image),
      environment: { ...container.Environment, ...definition.Environment },
      ...(container.ModelDataUrl !== undefined && { modelDataUrl: container.ModelDataUrl })
    };
  });
}

function checkHostnames(containers: ContainerSpec[], mode: InvocationMode, resolved: Unnamed[]): void {
  if (mode === 'Direct' && containers.length > 1 && resolved.some((container) => !container.hostname)) {
    throw validationError(
      'InferenceExecutionConfig.Mode Direct invokes one container by its ContainerHostname ' +
        '(TargetContainerHostname): give every container a ContainerHostname.'
    );
  }
  const seen = new Set<string>();
  for (const { hostname } of containers) {
    if (seen.has(hostname.toLowerCase())) {
      throw validationError(`The ContainerHostname ${hostname} appears more than once; each must be unique.`);
    }
    seen.add(hostname.toLowerCase());
  }
}

function memberPath(primary: unknown, index: number): string {
  return primary !== undefined ? 'primaryContainer' : `containers.${index + 1}.member`;
}

function lowerFirst(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1);
}
