import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { ContainerEngine } from '../../../docker/engine.js';
import type { DeployedContainer, Deployment, VariantDeployment } from './records.js';

/** The port SageMaker's container contract serves /ping and /invocations on. */
export const CONTAINER_PORT = 8080;

/** Docker labels that let the stack find its containers again (DeleteEndpoint, `down`, a restart). */
export const LABELS = {
  stack: 'modelship.local-stack',
  endpoint: 'modelship.sagemaker.endpoint',
  variant: 'modelship.sagemaker.variant',
  deployment: 'modelship.sagemaker.deployment',
  container: 'modelship.sagemaker.container'
} as const;

export interface RunningContainer {
  id: string;
  /** The container's hostname in the model (what TargetContainerHostname names). */
  hostname: string;
  /** http://127.0.0.1:<published port> */
  url: string;
}

/** One instance of a variant: every container of its model, in the model's order. */
export interface RunningInstance {
  containers: RunningContainer[];
}

export interface RunningVariant {
  deployment: VariantDeployment;
  instances: RunningInstance[];
}

/** One deployment of an endpoint, running: what InvokeEndpoint routes to. */
export interface Fleet {
  id: string;
  variants: RunningVariant[];
}

/** A fleet that could not be brought up; `reason` is the endpoint's FailureReason. */
export class FleetFailure extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'FleetFailure';
  }
}

export interface FleetOptions {
  engine: ContainerEngine;
  /** Identifies this stack's containers: its data directory. */
  stackLabel: string;
  /** Docker config logged in to the local registry, for pulls. */
  dockerConfigDir?: string;
  /** How often /ping is tried while a container starts. */
  pingIntervalMs: number;
  /** Lines of a failed container's log quoted in FailureReason. */
  logLines: number;
}

/** Thrown when the start was cancelled (DeleteEndpoint, or the stack stopping); its containers are gone. */
export class FleetCancelled extends Error {
  constructor() {
    super('The deployment was cancelled');
    this.name = 'FleetCancelled';
  }
}

/** SageMaker's FailureReason is at most 1024 characters. */
const FAILURE_REASON_LENGTH = 1024;

/**
 * Starts every variant's instances, each running all of its model's containers (`docker run <image>
 * serve`, port 8080 on a free loopback port), and waits until every container answers GET /ping with
 * 200. On any failure the fleet's containers are removed and a FleetFailure carries the reason with the
 * failing container's last log lines.
 */
export async function startFleet(
  endpointName: string,
  deployment: Deployment,
  options: FleetOptions,
  signal: AbortSignal
): Promise<Fleet> {
  const id = randomBytes(4).toString('hex');
  const started: string[] = [];
  const checkCancelled = () => {
    if (signal.aborted) throw new FleetCancelled();
  };
  try {
    const variants: RunningVariant[] = [];
    for (const variant of deployment.Variants) {
      const containers: DeployedContainer[] = [];
      for (const container of variant.Containers) {
        checkCancelled();
        containers.push({ ...container, ...(await resolveImage(container, variant, options)) });
      }
      const deployed = { ...variant, Containers: containers };
      const instances: RunningInstance[] = [];
      for (let index = 0; index < variant.InstanceCount; index += 1) {
        const running: RunningContainer[] = [];
        for (const container of containers) {
          checkCancelled();
          const containerId = await options.engine.run({
            image: container.image,
            name: containerName(endpointName, deployed, id, index, container),
            labels: {
              [LABELS.stack]: options.stackLabel,
              [LABELS.endpoint]: endpointName.toLowerCase(),
              [LABELS.variant]: variant.VariantName,
              [LABELS.deployment]: id,
              [LABELS.container]: container.hostname
            },
            env: containerEnvironment(deployed, container),
            args: ['serve'],
            containerPort: CONTAINER_PORT
          });
          started.push(containerId);
          running.push(await published(containerId, container, deployed, options));
        }
        instances.push({ containers: running });
      }
      variants.push({ deployment: deployed, instances });
    }
    await Promise.all(
      variants.flatMap((variant) =>
        variant.instances.flatMap((instance) =>
          instance.containers.map((container) =>
            awaitHealthy(container, variant.deployment, options, checkCancelled)
          )
        )
      )
    );
    checkCancelled();
    return { id, variants };
  } catch (error) {
    await options.engine.remove(started).catch(() => undefined);
    if (error instanceof FleetFailure || error instanceof FleetCancelled) throw error;
    throw new FleetFailure(truncate(error instanceof Error ? error.message : String(error)));
  }
}

export async function stopFleet(fleet: Fleet, engine: ContainerEngine): Promise<void> {
  await engine.remove(
    fleet.variants.flatMap((variant) =>
      variant.instances.flatMap((instance) => instance.containers.map((container) => container.id))
    )
  );
}

/** A one-container model keeps the plain name; a multi-container model's containers add their hostname. */
function containerName(
  endpointName: string,
  variant: VariantDeployment,
  fleetId: string,
  index: number,
  container: DeployedContainer
): string {
  const base = `modelship-${endpointName}-${variant.VariantName}-${fleetId}-${index + 1}`;
  return (variant.Containers.length === 1 ? base : `${base}-${container.hostname}`).toLowerCase();
}

/**
 * The container's Environment. SageMaker tells the containers of a multi-container model which port to
 * serve on (SAGEMAKER_BIND_TO_PORT), as they share an instance; here each has its own network, so 8080.
 */
function containerEnvironment(
  variant: VariantDeployment,
  container: DeployedContainer
): Record<string, string> {
  if (variant.Containers.length === 1) return container.environment;
  return { ...container.environment, SAGEMAKER_BIND_TO_PORT: String(CONTAINER_PORT) };
}

/** How FailureReason names a container: SageMaker's "primary container", or the pipeline container's hostname. */
function containerLabel(variant: VariantDeployment, hostname: string): string {
  return variant.Containers.length === 1 ? 'primary container' : `container ${hostname}`;
}

/** Finds the image locally or pulls it (with the registry's credentials), and records its digest. */
async function resolveImage(
  container: DeployedContainer,
  variant: VariantDeployment,
  options: FleetOptions
): Promise<Pick<DeployedContainer, 'resolvedImage' | 'resolutionTime'>> {
  const image = container.image;
  let digests = await options.engine.inspectImage(image);
  if (digests === undefined) {
    try {
      await options.engine.pull(image, options.dockerConfigDir);
    } catch (error) {
      const of = variant.Containers.length === 1 ? '' : ` (container ${container.hostname})`;
      throw new FleetFailure(
        truncate(
          `The image '${image}'${of} of production variant ${variant.VariantName} could not be pulled: ` +
            (error instanceof Error ? error.message : String(error))
        )
      );
    }
    digests = (await options.engine.inspectImage(image)) ?? [];
  }
  const repository = image.replace(/@sha256:[0-9a-f]+$/, '').replace(/:[^:/]+$/, '');
  const resolved = image.includes('@sha256:')
    ? image
    : digests.find((digest) => digest.startsWith(`${repository}@`));
  return { ...(resolved !== undefined && { resolvedImage: resolved }), resolutionTime: new Date() };
}

/**
 * The container's published port. Docker publishes no port for a container that has already exited, so
 * then the failure is its exit, with its log, rather than docker's complaint about the port.
 */
async function published(
  id: string,
  container: DeployedContainer,
  variant: VariantDeployment,
  options: FleetOptions
): Promise<RunningContainer> {
  const { hostname } = container;
  try {
    const port = await options.engine.publishedPort(id, CONTAINER_PORT);
    return { id, hostname, url: `http://127.0.0.1:${port}` };
  } catch (error) {
    const state = await options.engine.state(id).catch(() => undefined);
    if (state?.running === false) throw await exited(id, hostname, variant, state.exitCode, options);
    throw error;
  }
}

async function awaitHealthy(
  container: RunningContainer,
  variant: VariantDeployment,
  options: FleetOptions,
  checkCancelled: () => void
): Promise<void> {
  const deadline = Date.now() + variant.HealthCheckTimeoutSeconds * 1000;
  let lastAnswer = 'no answer';
  for (;;) {
    checkCancelled();
    const status = await ping(container.url);
    if (status === 200) return;
    lastAnswer = status === undefined ? 'no answer' : `status ${status}`;
    const state = await options.engine.state(container.id);
    if (state === undefined) {
      throw new FleetFailure(
        `The ${containerLabel(variant, container.hostname)} for production variant ${variant.VariantName} ` +
          `was removed before passing the ping health check.`
      );
    }
    if (!state.running)
      throw await exited(container.id, container.hostname, variant, state.exitCode, options);
    if (Date.now() >= deadline) {
      throw await failure(
        container.id,
        container.hostname,
        variant,
        `did not pass the ping health check within ${variant.HealthCheckTimeoutSeconds} seconds (last: ${lastAnswer})`,
        options
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pingIntervalMs));
  }
}

function exited(
  id: string,
  hostname: string,
  variant: VariantDeployment,
  exitCode: number,
  options: FleetOptions
): Promise<FleetFailure> {
  const what = `exited with code ${exitCode} before passing the ping health check`;
  return failure(id, hostname, variant, what, options);
}

async function failure(
  id: string,
  hostname: string,
  variant: VariantDeployment,
  what: string,
  options: FleetOptions
): Promise<FleetFailure> {
  const logs = await options.engine.logs(id, options.logLines).catch(() => '');
  const lastLines = logs.trim().split('\n').slice(-options.logLines).join('\n');
  const summary = `The ${containerLabel(variant, hostname)} for production variant ${variant.VariantName} ${what}.`;
  if (!lastLines) return new FleetFailure(truncate(`${summary} It wrote no log lines.`));
  // The newest lines explain the failure best, so a long log loses its oldest lines.
  const heading = `${summary} Last log lines:\n`;
  return new FleetFailure(truncate(heading + lastLines.slice(-(FAILURE_REASON_LENGTH - heading.length))));
}

/** GET /ping: the status code, or undefined when nothing answers (yet). */
function ping(url: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const outgoing = request(`${url}/ping`, { method: 'GET', timeout: 2000, agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode));
      response.on('error', () => resolve(undefined));
    });
    outgoing.on('timeout', () => outgoing.destroy());
    outgoing.on('error', () => resolve(undefined));
    outgoing.end();
  });
}

function truncate(reason: string): string {
  return reason.length <= FAILURE_REASON_LENGTH ? reason : `${reason.slice(0, FAILURE_REASON_LENGTH - 3)}...`;
}
