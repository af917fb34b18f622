import * as core from '@actions/core';

/**
 * Where an action's modules report progress. main.ts passes `actionLog` (the runner's log); tests pass one
 * that collects lines, so the modules are tested without a runner.
 */
export interface Log {
  info(message: string): void;
  warning(message: string): void;
}

/** A Log that can also mask a secret the moment it exists and fold a long command's output into a group. */
export interface ActionLog extends Log {
  setSecret(value: string): void;
  group<T>(name: string, work: () => Promise<T>): Promise<T>;
}

/** The runner's log, through @actions/core. */
export const actionLog: ActionLog = {
  info: (message) => core.info(message),
  warning: (message) => core.warning(message),
  setSecret: (value) => core.setSecret(value),
  group: (name, work) => core.group(name, work)
};
