/**
 * Finds the Dockerfile step a failed build stopped at, from the builder's own output, so the error names
 * it: the classic builder prints `Step 3/7 : RUN ...`, BuildKit prints `> [stage 3/5] RUN ...:` in its
 * error block (or `#8 [3/5] RUN ...` while running).
 */
export function failingStep(output: string): string | undefined {
  const buildkitError = [...output.matchAll(/^\s*> \[([^\]]+)\] (.+?):?\s*$/gm)].pop();
  if (buildkitError) return `[${buildkitError[1]}] ${buildkitError[2]}`;
  const classicStep = [...output.matchAll(/^Step (\d+\/\d+) : (.+)$/gm)].pop();
  if (classicStep) return `Step ${classicStep[1]}: ${classicStep[2]}`;
  const buildkitStep = [...output.matchAll(/^#\d+ \[([^\]]+)\] (.+)$/gm)].pop();
  if (buildkitStep) return `[${buildkitStep[1]}] ${buildkitStep[2]}`;
  return undefined;
}

/** The builder's own explanation: the last line that reads like an error. */
export function failureReason(output: string): string | undefined {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) =>
      /error|returned a non-zero code|did not complete successfully|unknown instruction/i.test(line)
    );
  return lines.pop();
}
