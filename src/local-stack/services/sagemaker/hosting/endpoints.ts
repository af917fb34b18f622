import {
  FleetCancelled,
  FleetFailure,
  LABELS,
  startFleet,
  stopFleet,
  type Fleet,
  type FleetOptions
} from './fleet.js';
import type { Deployment, EndpointRecord, HostingStore } from './records.js';
import type { TrafficTable } from './traffic.js';

/** How long a replaced fleet may finish the requests it was answering before it is removed. */
const DRAIN_TIMEOUT_MS = 60_000;

/**
 * Runs endpoints' containers in the background of the operations that change them, as SageMaker does:
 * CreateEndpoint and UpdateEndpoint return at once and DescribeEndpoint shows the progress.
 *
 * - create: Creating → InService once every container passes /ping; Failed (with the reason) otherwise.
 * - update: the new fleet starts beside the serving one; traffic switches only once it is healthy, then
 *   the old fleet drains and stops. If the new fleet fails, the old one never stopped serving: the
 *   endpoint returns to InService with its previous config and FailureReason says why the update failed.
 * - delete: traffic stops at once (Deleting), the containers are removed, then the endpoint is gone.
 */
export class EndpointController {
  private readonly deployments = new Map<EndpointRecord, AbortController>();
  private readonly tasks = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    private readonly store: HostingStore,
    private readonly traffic: TrafficTable,
    private readonly fleetOptions: FleetOptions
  ) {}

  /** Deploys `record.pending` (status Creating, Updating or SystemUpdating). */
  deploy(region: string, record: EndpointRecord): void {
    const deployment = record.pending;
    if (!deployment) return;
    const abort = new AbortController();
    this.deployments.get(record)?.abort();
    this.deployments.set(record, abort);
    const wasStatus = record.EndpointStatus;
    this.track(
      startFleet(record.EndpointName, deployment, this.fleetOptions, abort.signal).then(
        (fleet) => this.switchTo(region, record, deployment, fleet),
        (error: unknown) => this.fail(region, record, deployment, wasStatus, error)
      )
    );
  }

  delete(region: string, record: EndpointRecord): void {
    this.deployments.get(record)?.abort();
    const fleet = this.traffic.fleet(region, record.EndpointName);
    this.traffic.withdraw(region, record.EndpointName);
    record.EndpointStatus = 'Deleting';
    record.LastModifiedTime = new Date();
    this.store.save();
    this.track(
      (async () => {
        try {
          if (fleet) await stopFleet(fleet, this.fleetOptions.engine);
          await this.fleetOptions.engine.remove(await this.containersOf(record.EndpointName));
        } finally {
          // A container Docker failed to remove still carries the stack's label: the next start removes it.
          if (!this.stopping && this.store.endpoint(region, record.EndpointName) === record) {
            this.store.deleteEndpoint(region, record.EndpointName);
          }
        }
      })()
    );
  }

  /**
   * After a start: removes containers a previous run of the stack left behind, then brings every
   * endpoint back. Serving endpoints restart their fleets (SystemUpdating → InService); an interrupted
   * creation starts again; an interrupted deletion completes.
   */
  async restore(): Promise<void> {
    // Statuses change before the first await, so no request sees a restored endpoint as InService early.
    const restarting: { region: string; endpoint: EndpointRecord }[] = [];
    for (const { region, endpoint } of this.store.allEndpoints()) {
      if (endpoint.EndpointStatus === 'Deleting') {
        this.store.deleteEndpoint(region, endpoint.EndpointName);
      } else if (endpoint.serving) {
        endpoint.pending = endpoint.serving;
        endpoint.EndpointStatus = 'SystemUpdating';
        restarting.push({ region, endpoint });
      } else if (endpoint.EndpointStatus === 'Creating' && endpoint.pending) {
        restarting.push({ region, endpoint });
      }
    }
    this.store.save();
    await this.fleetOptions.engine.remove(
      await this.fleetOptions.engine.find({ [LABELS.stack]: this.fleetOptions.stackLabel })
    );
    for (const { region, endpoint } of restarting) this.deploy(region, endpoint);
  }

  /** Stops every container of this stack (`modelship local down`); the records stay for the next start. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    for (const abort of this.deployments.values()) abort.abort();
    await this.settled();
    await this.fleetOptions.engine.remove(
      await this.fleetOptions.engine.find({ [LABELS.stack]: this.fleetOptions.stackLabel })
    );
  }

  /** Stops every container and forgets the fleets (`modelship local reset`); the records go with the state. */
  async reset(): Promise<void> {
    await this.shutdown();
    this.traffic.clear();
    this.deployments.clear();
    this.stopping = false;
  }

  /** Resolves when no background work is under way. */
  async settled(): Promise<void> {
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
  }

  private async switchTo(
    region: string,
    record: EndpointRecord,
    deployment: Deployment,
    fleet: Fleet
  ): Promise<void> {
    if (this.stopping || !this.isCurrent(region, record, deployment)) {
      await stopFleet(fleet, this.fleetOptions.engine);
      return;
    }
    const previous = this.traffic.fleet(region, record.EndpointName);
    this.traffic.serve(region, record.EndpointName, fleet);
    // As SageMaker's blue/green update does, the endpoint is InService once the old fleet is gone.
    if (previous && previous !== fleet) {
      await this.traffic.drained(previous, DRAIN_TIMEOUT_MS);
      await stopFleet(previous, this.fleetOptions.engine);
    }
    if (this.stopping || !this.isCurrent(region, record, deployment)) return;
    record.EndpointConfigName = deployment.EndpointConfigName;
    record.serving = {
      EndpointConfigName: deployment.EndpointConfigName,
      Variants: fleet.variants.map((variant) => variant.deployment)
    };
    delete record.pending;
    delete record.FailureReason;
    record.EndpointStatus = 'InService';
    record.LastModifiedTime = new Date();
    this.deployments.delete(record);
    this.store.save();
  }

  private fail(
    region: string,
    record: EndpointRecord,
    deployment: Deployment,
    wasStatus: EndpointRecord['EndpointStatus'],
    error: unknown
  ): void {
    if (this.stopping || error instanceof FleetCancelled || !this.isCurrent(region, record, deployment)) {
      return;
    }
    const reason = error instanceof FleetFailure ? error.reason : String(error);
    delete record.pending;
    this.deployments.delete(record);
    record.LastModifiedTime = new Date();
    if (wasStatus === 'Updating' && record.serving) {
      record.EndpointStatus = 'InService';
      record.FailureReason =
        `Failed to update endpoint to endpoint config ${deployment.EndpointConfigName}; ` +
        `it keeps serving endpoint config ${record.serving.EndpointConfigName}. ${reason}`;
    } else {
      record.EndpointStatus = 'Failed';
      record.FailureReason = reason;
      if (wasStatus === 'SystemUpdating') delete record.serving;
    }
    this.store.save();
  }

  private isCurrent(region: string, record: EndpointRecord, deployment: Deployment): boolean {
    return this.store.endpoint(region, record.EndpointName) === record && record.pending === deployment;
  }

  private containersOf(endpointName: string): Promise<string[]> {
    return this.fleetOptions.engine.find({
      [LABELS.stack]: this.fleetOptions.stackLabel,
      [LABELS.endpoint]: endpointName.toLowerCase()
    });
  }

  private track(task: Promise<void>): void {
    const tracked = task.catch(() => undefined).finally(() => this.tasks.delete(tracked));
    this.tasks.add(tracked);
  }
}
