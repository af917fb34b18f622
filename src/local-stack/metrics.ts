/**
 * Metrics AWS services report about themselves (SageMaker's `AWS/SageMaker` invocation metrics). Those
 * namespaces are closed to PutMetricData, so a service publishes here and CloudWatch subscribes.
 */
export interface MetricObservation {
  namespace: string;
  metricName: string;
  dimensions: Readonly<Record<string, string>>;
  value: number;
  /** A CloudWatch StandardUnit: `Count`, `Microseconds`, ... */
  unit: string;
  timestamp: Date;
  /** The region of the resource the metric is about; the stack's default region if absent. */
  region?: string;
}

export type MetricListener = (observation: MetricObservation) => void;

/** One per account: publishers never know whether CloudWatch is among the stack's services. */
export class MetricBus {
  private readonly listeners = new Set<MetricListener>();

  publish(observation: MetricObservation): void {
    for (const listener of this.listeners) listener(observation);
  }

  /** Returns the function that unsubscribes. */
  subscribe(listener: MetricListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}
