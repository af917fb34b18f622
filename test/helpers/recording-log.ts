import type { ActionLog } from '../../src/lib/log.js';

/** An ActionLog that records what a module reported, masked and grouped, instead of printing it. */
export function recordingLog(): ActionLog & {
  infos: string[];
  warnings: string[];
  secrets: string[];
  groups: string[];
} {
  const recorded = {
    infos: [] as string[],
    warnings: [] as string[],
    secrets: [] as string[],
    groups: [] as string[]
  };
  return {
    ...recorded,
    info: (message) => void recorded.infos.push(message),
    warning: (message) => void recorded.warnings.push(message),
    setSecret: (value) => void recorded.secrets.push(value),
    group: (name, work) => {
      recorded.groups.push(name);
      return work();
    }
  };
}
