import type { Fleet, RunningInstance, RunningVariant } from './fleet.js';

export interface Target {
  variant: RunningVariant;
  instance: RunningInstance;
}

/**
 * The fleets serving traffic, by region and endpoint name. Switching an endpoint to a new fleet is one
 * map update, so a request is routed either to the old fleet or to the new one, never to a mix.
 */
export class TrafficTable {
  private readonly fleets = new Map<string, Fleet>();
  private readonly cursors = new WeakMap<RunningVariant, number>();
  private readonly inFlight = new WeakMap<Fleet, number>();

  constructor(private readonly random: () => number = Math.random) {}

  serve(region: string, endpointName: string, fleet: Fleet): void {
    this.fleets.set(key(region, endpointName), fleet);
  }

  withdraw(region: string, endpointName: string): void {
    this.fleets.delete(key(region, endpointName));
  }

  /** Withdraws every fleet at once. */
  clear(): void {
    this.fleets.clear();
  }

  fleet(region: string, endpointName: string): Fleet | undefined {
    return this.fleets.get(key(region, endpointName));
  }

  /**
   * A variant picked at random in proportion to the variants' weights (as SageMaker distributes
   * traffic), or the named one, then the variant's instances in turn. Undefined when the named
   * variant does not exist.
   */
  route(fleet: Fleet, targetVariant?: string): Target | undefined {
    const variant =
      targetVariant !== undefined
        ? fleet.variants.find((candidate) => candidate.deployment.VariantName === targetVariant)
        : this.weighted(fleet.variants);
    if (!variant || variant.instances.length === 0) return undefined;
    const next = this.cursors.get(variant) ?? 0;
    this.cursors.set(variant, (next + 1) % variant.instances.length);
    return { variant, instance: variant.instances[next % variant.instances.length]! };
  }

  /** Counts a request against the fleet until the returned function is called. */
  begin(fleet: Fleet): () => void {
    this.inFlight.set(fleet, (this.inFlight.get(fleet) ?? 0) + 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.inFlight.set(fleet, (this.inFlight.get(fleet) ?? 1) - 1);
    };
  }

  /** Resolves once a withdrawn fleet has answered its last request, or after `timeoutMs`. */
  async drained(fleet: Fleet, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((this.inFlight.get(fleet) ?? 0) > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private weighted(variants: RunningVariant[]): RunningVariant | undefined {
    const total = variants.reduce((sum, variant) => sum + variant.deployment.Weight, 0);
    if (total <= 0) return undefined;
    let point = this.random() * total;
    for (const variant of variants) {
      point -= variant.deployment.Weight;
      if (point < 0) return variant;
    }
    return variants.at(-1);
  }
}

function key(region: string, endpointName: string): string {
  return `${region}/${endpointName.toLowerCase()}`;
}
