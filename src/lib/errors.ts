/**
 * Errors an action raises on purpose. Their messages are written for the person reading the failed step:
 * what was wrong, where, and what to do about it.
 */
export class InputError extends Error {
  constructor(
    readonly input: string,
    problem: string,
    fix: string
  ) {
    super(`Input '${input}': ${problem}. ${fix}`);
    this.name = 'InputError';
  }
}

export class ActionError extends Error {
  constructor(
    message: string,
    readonly hint?: string
  ) {
    super(hint ? `${message} ${hint}` : message);
    this.name = 'ActionError';
  }
}

/** One readable line for anything thrown, including non-Error values and AWS SDK service errors. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { name?: string }).name;
    const isOurs = error instanceof InputError || error instanceof ActionError;
    if (!isOurs && code && code !== 'Error' && !error.message.includes(code)) {
      return `${code}: ${error.message}`;
    }
    return error.message || code || 'Unknown error';
  }
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}
