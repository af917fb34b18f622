import { validationError } from '../../../wire/errors.js';
import { wireText, type OperationInput } from '../../../wire/types.js';
import { PRODUCTION_VARIANT_INSTANCE_TYPES } from './instance-types.js';

/** Serverless memory comes in 1 GB steps (the model only bounds it: 1024 to 6144). */
const MEMORY_STEP_MB = 1024;

/**
 * The service model's constraints on production variants, reported as SageMaker's request validation
 * reports them: every violation in one ValidationException, each with its member path
 * (`productionVariants.1.member.instanceType`), then the documented 1 GB steps of serverless memory.
 */
export function checkVariantConstraints(variants: OperationInput[]): void {
  const problems: string[] = [];
  const steps: string[] = [];
  variants.forEach((variant, index) => {
    const at = `productionVariants.${index + 1}.member`;
    const type: unknown = variant['InstanceType'];
    if (type !== undefined && !PRODUCTION_VARIANT_INSTANCE_TYPES.includes(wireText(type))) {
      problems.push(
        `Value '${wireText(type)}' at '${at}.instanceType' failed to satisfy constraint: ` +
          `Member must satisfy enum value set: [${PRODUCTION_VARIANT_INSTANCE_TYPES.join(', ')}]`
      );
    }
    const serverless = variant['ServerlessConfig'] as OperationInput | undefined;
    if (serverless === undefined) return;
    const memory: unknown = serverless['MemorySizeInMB'];
    const memoryProblem = range(memory, 1024, 6144, `${at}.serverlessConfig.memorySizeInMB`);
    if (memoryProblem) problems.push(memoryProblem);
    else if (typeof memory === 'number' && memory % MEMORY_STEP_MB !== 0) {
      steps.push(
        `MemorySizeInMB ${memory} of production variant ${index + 1} is not valid: ` +
          'use 1024, 2048, 3072, 4096, 5120 or 6144 (1 GB increments).'
      );
    }
    const concurrency = range(serverless['MaxConcurrency'], 1, 200, `${at}.serverlessConfig.maxConcurrency`);
    if (concurrency) problems.push(concurrency);
  });
  if (problems.length > 0) {
    const count = `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected`;
    throw validationError(`${count}: ${problems.join('; ')}`);
  }
  if (steps.length > 0) throw validationError(steps[0]!);
}

function range(value: unknown, min: number, max: number, at: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    return `Value '${wireText(value)}' at '${at}' failed to satisfy constraint: Member must be an integer`;
  }
  if (value < min) {
    return `Value '${value}' at '${at}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`;
  }
  if (value > max) {
    return `Value '${value}' at '${at}' failed to satisfy constraint: Member must have value less than or equal to ${max}`;
  }
  return undefined;
}
