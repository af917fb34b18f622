import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SmokeTestResult } from './run.js';

/** The JSON report: what ran against what, every case's result, the load phase and the thresholds. */
export interface SmokeTestReport extends SmokeTestResult {
  version: 1;
  mode: 'sagemaker' | 'http' | 'image';
  startedAt: string;
  finishedAt: string;
}

export function writeReport(path: string, report: SmokeTestReport): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
}
