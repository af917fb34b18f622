import { isRecord } from './template/parse.js';
import { evaluate, NO_VALUE, type EvaluationScope } from './template/intrinsics.js';

/** A resource's evaluated Properties; `Properties: !Ref AWS::NoValue` means none. */
export function evaluateProperties(
  properties: Record<string, unknown> | undefined,
  scope: EvaluationScope
): Record<string, unknown> {
  const evaluated = evaluate(properties ?? {}, scope);
  return evaluated === NO_VALUE ? {} : (evaluated as Record<string, unknown>);
}

/** The top-level properties whose values differ. */
export function changedProperties(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => !sameValue(before[name], after[name]));
}

/** Deep equality of property values; the order of an object's keys does not matter, a list's order does. */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonical(value[key])])
  );
}
