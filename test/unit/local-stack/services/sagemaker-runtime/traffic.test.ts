import type {
  Fleet,
  RunningVariant
} from '../../../../../src/local-stack/services/sagemaker/hosting/fleet.js';
import { TrafficTable } from '../../../../../src/local-stack/services/sagemaker/hosting/traffic.js';

const variant = (name: string, weight: number, instances: number): RunningVariant => ({
  deployment: {
    VariantName: name,
    ModelName: name,
    Containers: [{ hostname: 'primary', image: 'image', environment: {} }],
    InvocationMode: 'Serial',
    InstanceCount: instances,
    InstanceType: 'ml.m5.large',
    Weight: weight,
    HealthCheckTimeoutSeconds: 60
  },
  instances: Array.from({ length: instances }, (_, index) => ({
    containers: [{ id: `${name}${index}`, hostname: 'primary', url: `http://127.0.0.1:${9000 + index}` }]
  }))
});

const fleet = (...variants: RunningVariant[]): Fleet => ({ id: 'f', variants });

describe('routing InvokeEndpoint traffic', () => {
  it.each([
    { random: 0, expected: 'A' },
    { random: 0.24, expected: 'A' },
    { random: 0.25, expected: 'B' },
    { random: 0.99, expected: 'B' }
  ])('picks variants in proportion to their weights (random $random → $expected)', ({ random, expected }) => {
    const table = new TrafficTable(() => random);
    expect(table.route(fleet(variant('A', 1, 1), variant('B', 3, 1)))?.variant.deployment.VariantName).toBe(
      expected
    );
  });

  it('never picks a variant of weight 0 unless it is the target, and refuses an unknown target', () => {
    const table = new TrafficTable(() => 0);
    const served = fleet(variant('Zero', 0, 1), variant('Main', 2, 1));
    expect(table.route(served)?.variant.deployment.VariantName).toBe('Main');
    expect(table.route(served, 'Zero')?.variant.deployment.VariantName).toBe('Zero');
    expect(table.route(served, 'Other')).toBeUndefined();
    expect(table.route(fleet(variant('Zero', 0, 1)))).toBeUndefined();
  });

  it("takes a variant's instances in turn", () => {
    const table = new TrafficTable(() => 0.5);
    const served = fleet(variant('A', 1, 3));
    const ids = Array.from({ length: 7 }, () => table.route(served)?.instance.containers[0]?.id);
    expect(ids).toEqual(['A0', 'A1', 'A2', 'A0', 'A1', 'A2', 'A0']);
  });

  it('switches an endpoint to a new fleet in one step, and knows when a replaced fleet has drained', async () => {
    const table = new TrafficTable();
    const old = fleet(variant('A', 1, 1));
    const next = fleet(variant('A', 1, 1));
    table.serve('us-east-1', 'Ep', old);
    const finish = table.begin(old);
    table.serve('us-east-1', 'ep', next);
    expect(table.fleet('us-east-1', 'EP')).toBe(next);
    expect(table.fleet('eu-west-1', 'ep')).toBeUndefined();

    let drained = false;
    const draining = table.drained(old, 5_000).then(() => (drained = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(drained).toBe(false);
    finish();
    finish();
    await draining;
    expect(drained).toBe(true);
    table.withdraw('us-east-1', 'ep');
    expect(table.fleet('us-east-1', 'ep')).toBeUndefined();
  });
});
