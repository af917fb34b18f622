import type { Fleet, RunningInstance, RunningVariant } from './fleet.js';

export interface Target {
  fleet: Fleet;
  variant: RunningVariant;
  instance: RunningInstance;
}

/** An endpoint's traffic: its serving fleet, and during a blue/green update the new fleet's share. */
interface Routing {
  fleet: Fleet;
  shift?: { fleet: Fleet; share: number };
}

/**
 * The fleets serving traffic, by region and endpoint name. Switching an endpoint to a new fleet is one
 * map update, so a request is routed either to the old fleet or to the new one, never to a mix. During a
 * blue/green update each request goes to the new fleet with the probability of its current share.
 */
export class TrafficTable {
  private readonly routings = new Map<string, Routing>();
  private readonly cursors = new WeakMap<RunningVariant, number>();
  private readonly inFlight = new WeakMap<Fleet, number>();

  constructor(private readonly random: () => number = Math.random) {}

  /** All traffic to `fleet`. */
  serve(region: string, endpointName: string, fleet: Fleet): void {
    this.routings.set(key(region, endpointName), { fleet });
  }

  /** Sends `share` (0 to 1) of the traffic to `fleet`, the rest to the serving fleet. */
  shift(region: string, endpointName: string, fleet: Fleet, share: number): void {
    const routing = this.routings.get(key(region, endpointName));
    if (routing) routing.shift = { fleet, share };
    else this.serve(region, endpointName, fleet);
  }

  withdraw(region: string, endpointName: string): void {
    this.routings.delete(key(region, endpointName));
  }

  /** Withdraws every fleet at once. */
  clear(): void {
    this.routings.clear();
  }

  /** The serving fleet (the old one while an update shifts traffic). */
  fleet(region: string, endpointName: string): Fleet | undefined {
    return this.routings.get(key(region, endpointName))?.fleet;
  }

  /** The new fleet and its share while an update shifts traffic. */
  shifted(region: string, endpointName: string): { fleet: Fleet; share: number } | undefined {
    return this.routings.get(key(region, endpointName))?.shift;
  }

  /**
   * Where one request to the endpoint goes: the old or the new fleet by the new one's share, then a
   * variant and container of it (see `route`). A target variant only one of the fleets has is found there.
   */
  target(region: string, endpointName: string, targetVariant?: string): Target | undefined {
    const routing = this.routings.get(key(region, endpointName));
    if (!routing) return undefined;
    const { shift } = routing;
    const toNew = shift !== undefined && shift.share > 0 && (shift.share >= 1 || this.random() < shift.share);
    const [first, second] = toNew ? [shift.fleet, routing.fleet] : [routing.fleet, shift?.fleet];
    return (
      this.route(first, targetVariant) ??
      (targetVariant !== undefined && second ? this.route(second, targetVariant) : undefined)
    );
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
    return { fleet, variant, instance: variant.instances[next % variant.instances.length]! };
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
