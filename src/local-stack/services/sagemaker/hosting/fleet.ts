import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { ContainerEngine } from '../../../docker/engine.js';
import type { Deployment, VariantDeployment } from './records.js';

/** The port SageMaker's container contract serves /ping and /invocations on. */
export const CONTAINER_PORT = 8080;

/** Docker labels that let the stack find its containers again (DeleteEndpoint, `down`, a restart). */
export const LABELS = {
  stack: 'modelship.local-stack',
  endpoint: 'modelship.sagemaker.endpoint',
  variant: 'modelship.sagemaker.variant',
  deployment: 'modelship.sagemaker.deployment'
} as const;

export interface RunningContainer {
  id: string;
  /** http://127.0.0.1:<published port> */
  url: string;
}

export interface RunningVariant {
  deployment: VariantDeployment;
  containers: RunningContainer[];
}

/** One deployment of an endpoint, running: what InvokeEndpoint routes to. */
export interface Fleet {
  id: string;
  /** The endpoint config the fleet runs (metrics carry it as the EndpointConfigName dimension). */
  endpointConfigName: string;
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
 * Starts every variant's containers (`docker run <image> serve`, port 8080 on a free loopback port) and
 * waits until each answers GET /ping with 200. On any failure the fleet's containers are removed and a
 * FleetFailure carries the reason with the failing container's last log lines.
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
      checkCancelled();
      const resolved = await resolveImage(variant, options);
      const containers: RunningContainer[] = [];
      for (let index = 0; index < variant.InstanceCount; index += 1) {
        checkCancelled();
        const containerId = await options.engine.run({
          image: variant.Image,
          name: `modelship-${endpointName}-${variant.VariantName}-${id}-${index + 1}`.toLowerCase(),
          labels: {
            [LABELS.stack]: options.stackLabel,
            [LABELS.endpoint]: endpointName.toLowerCase(),
            [LABELS.variant]: variant.VariantName,
            [LABELS.deployment]: id
          },
          env: variant.Environment,
          args: ['serve'],
          containerPort: CONTAINER_PORT
        });
        started.push(containerId);
        containers.push(await published(containerId, variant, options));
      }
      variants.push({ deployment: { ...variant, ...resolved }, containers });
    }
    await Promise.all(
      variants.flatMap((variant) =>
        variant.containers.map((container) =>
          awaitHealthy(container, variant.deployment, options, checkCancelled)
        )
      )
    );
    checkCancelled();
    return { id, endpointConfigName: deployment.EndpointConfigName, variants };
  } catch (error) {
    await options.engine.remove(started).catch(() => undefined);
    if (error instanceof FleetFailure || error instanceof FleetCancelled) throw error;
    throw new FleetFailure(truncate(error instanceof Error ? error.message : String(error)));
  }
}

export async function stopFleet(fleet: Fleet, engine: ContainerEngine): Promise<void> {
  await engine.remove(
    fleet.variants.flatMap((variant) => variant.containers.map((container) => container.id))
  );
}

/** Finds the image locally or pulls it (with the registry's credentials), and records its digest. */
async function resolveImage(
  variant: VariantDeployment,
  options: FleetOptions
): Promise<Pick<VariantDeployment, 'ResolvedImage' | 'ResolutionTime'>> {
  let digests = await options.engine.inspectImage(variant.Image);
  if (digests === undefined) {
    try {
      await options.engine.pull(variant.Image, options.dockerConfigDir);
    } catch (error) {
      throw new FleetFailure(
        truncate(
          `The image '${variant.Image}' of production variant ${variant.VariantName} could not be pulled: ` +
            (error instanceof Error ? error.message : String(error))
        )
      );
    }
    digests = (await options.engine.inspectImage(variant.Image)) ?? [];
  }
  const repository = variant.Image.replace(/@sha256:[0-9a-f]+$/, '').replace(/:[^:/]+$/, '');
  const resolved = variant.Image.includes('@sha256:')
    ? variant.Image
    : digests.find((digest) => digest.startsWith(`${repository}@`));
  return { ...(resolved !== undefined && { ResolvedImage: resolved }), ResolutionTime: new Date() };
}

/**
 * The container's published port. Docker publishes no port for a container that has already exited, so
 * then the failure is its exit, with its log, rather than docker's complaint about the port.
 */
async function published(
  id: string,
  variant: VariantDeployment,
  options: FleetOptions
): Promise<RunningContainer> {
  try {
    return { id, url: `http://127.0.0.1:${await options.engine.publishedPort(id, CONTAINER_PORT)}` };
  } catch (error) {
    const state = await options.engine.state(id).catch(() => undefined);
    if (state?.running === false) throw await exited(id, variant, state.exitCode, options);
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
        `The primary container for production variant ${variant.VariantName} was removed before passing the ping health check.`
      );
    }
    if (!state.running) throw await exited(container.id, variant, state.exitCode, options);
    if (Date.now() >= deadline) {
      throw await failure(
        container.id,
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
  variant: VariantDeployment,
  exitCode: number,
  options: FleetOptions
): Promise<FleetFailure> {
  return failure(id, variant, `exited with code ${exitCode} before passing the ping health check`, options);
}

async function failure(
  id: string,
  variant: VariantDeployment,
  what: string,
  options: FleetOptions
): Promise<FleetFailure> {
  const logs = await options.engine.logs(id, options.logLines).catch(() => '');
  const lastLines = logs.trim().split('\n').slice(-options.logLines).join('\n');
  const summary = `The primary container for production variant ${variant.VariantName} ${what}.`;
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
