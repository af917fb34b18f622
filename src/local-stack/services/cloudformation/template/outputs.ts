import { validationError } from '../errors.js';
import type { OutputRecord } from '../model.js';
import { evaluate, type EvaluationScope } from './intrinsics.js';
import type { Template } from './types.js';

/** The stack's outputs: those whose Condition holds, each value a string as CloudFormation requires. */
export function evaluateOutputs(template: Template, scope: EvaluationScope): OutputRecord[] {
  const outputs: OutputRecord[] = [];
  for (const [key, output] of Object.entries(template.Outputs)) {
    if (output.Condition !== undefined && !scope.condition(output.Condition)) continue;
    const exportName = output.Export === undefined ? undefined : evaluate(output.Export.Name, scope);
    outputs.push({
      OutputKey: key,
      OutputValue: outputString(key, evaluate(output.Value, scope)),
      ...(output.Description !== undefined && { Description: output.Description }),
      ...(exportName !== undefined && { ExportName: outputString(key, exportName) })
    });
  }
  return outputs;
}

function outputString(key: string, value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  throw validationError(
    `Template format error: Output ${key} must evaluate to a String, got ${JSON.stringify(value)}`
  );
}
