import type { StateStore } from '../../../state.js';
import type { Invoker } from '../../../wire/invoke.js';

/** The members of DescribeAlarms' MetricAlarms and CompositeAlarms that a deployment reads. */
interface DescribedAlarm {
  AlarmName?: string;
  StateValue?: string;
}

/** The names, among `alarmNames`, of the alarms in the ALARM state in `region`. */
export type AlarmReader = (region: string, alarmNames: string[]) => Promise<string[]>;

/**
 * Reads alarm states from the stack's CloudWatch through its API, in-process, as SageMaker calls
 * `cloudwatch:DescribeAlarms` during a deployment. A name CloudWatch does not know is no alarm.
 */
export function cloudWatchAlarms(invoke: Invoker, accountId: string, state: StateStore): AlarmReader {
  return async (region, alarmNames) => {
    const output = (await invoke(
      'monitoring',
      'DescribeAlarms',
      { AlarmNames: alarmNames, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] },
      { region, accountId, accessKeyId: '', state }
    )) as { MetricAlarms?: DescribedAlarm[]; CompositeAlarms?: DescribedAlarm[] };
    return [...(output.MetricAlarms ?? []), ...(output.CompositeAlarms ?? [])]
      .filter((alarm) => alarm.StateValue === 'ALARM' && alarmNames.includes(String(alarm.AlarmName)))
      .map((alarm) => String(alarm.AlarmName));
  };
}
