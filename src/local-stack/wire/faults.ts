import { AwsServiceError } from './errors.js';

/** An error the next `count` matching calls answer with instead of running the operation. */
export interface FaultRule {
  /** The service's SigV4 signing name (`ecr`, `sts`, `sagemaker`, ...). */
  service: string;
  /** The operation name, or `*` for every operation of the service (REST services only match `*`). */
  operation: string;
  /** The error code, e.g. ThrottlingException. */
  code: string;
  message?: string;
  status?: number;
  count: number;
}

/**
 * Faults a test asks for through `POST /_modelship/faults`, to see how a client copes with AWS's
 * transient errors (throttling, 5xx) against an otherwise real stack. Nothing is injected unless asked.
 */
export class FaultInjector {
  private rules: FaultRule[] = [];

  add(rule: FaultRule): void {
    this.rules.push({ ...rule });
  }

  clear(): void {
    this.rules = [];
  }

  /** The error for this call, consuming one use of the first matching rule; undefined when none matches. */
  take(service: string, operation: string): AwsServiceError | undefined {
    const rule = this.rules.find(
      (candidate) =>
        candidate.service === service && (candidate.operation === '*' || candidate.operation === operation)
    );
    if (!rule) return undefined;
    rule.count -= 1;
    if (rule.count <= 0) this.rules = this.rules.filter((candidate) => candidate !== rule);
    return new AwsServiceError(
      rule.code,
      rule.message ?? `Injected ${rule.code} for ${service} ${operation}`,
      rule.status ?? 400
    );
  }
}

/** Checks a fault rule sent to the control endpoint; the message says what to fix. */
export function parseFaultRule(value: unknown): FaultRule {
  const rule = (value ?? {}) as Record<string, unknown>;
  const text = (name: string) => {
    const member = rule[name];
    if (typeof member !== 'string' || member.length === 0)
      throw new Error(`'${name}' must be a non-empty string`);
    return member;
  };
  const count = rule['count'] ?? 1;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
    throw new Error("'count' must be a positive integer");
  }
  const status = rule['status'];
  if (status !== undefined && (typeof status !== 'number' || status < 400 || status > 599)) {
    throw new Error("'status' must be an HTTP error status (400-599)");
  }
  const message = rule['message'];
  return {
    service: text('service'),
    operation: text('operation'),
    code: text('code'),
    count,
    ...(typeof message === 'string' && { message }),
    ...(status !== undefined && { status })
  };
}
