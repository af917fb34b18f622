import type { AlarmStore } from './alarm-store.js';
import { alarmTarget, changeState } from './alarms.js';
import { evaluateAlarm, evaluationRange, type PeriodValue } from './evaluation.js';
import type { MetricStore } from './metric-store.js';
import { summarizePeriods } from './periods.js';
import { combine, statisticValue } from './statistics.js';

/**
 * Evaluates every alarm as CloudWatch does: once per period for sub-minute periods, once a minute
 * otherwise, over the periods that have ended. An alarm whose configuration changed is evaluated at the
 * next tick; a state set with SetAlarmState holds until the alarm's next evaluation.
 */
export class AlarmEvaluator {
  /** Region and alarm name → the end (epoch ms) of the range it was last evaluated over. */
  private readonly evaluated = new Map<string, number>();

  constructor(
    private readonly alarms: AlarmStore,
    private readonly metrics: MetricStore,
    private readonly now: () => number = Date.now
  ) {}

  /** Forgets when the alarm was evaluated, so the next tick evaluates it. */
  reevaluate(region: string, name: string): void {
    this.evaluated.delete(key(region, name));
  }

  tick(): void {
    const now = this.now();
    for (const region of this.alarms.regions()) {
      for (const record of this.alarms.all(region)) {
        const name = record.alarm.AlarmName!;
        const { metric, unit, condition } = alarmTarget(record.alarm);
        const cadence = Math.min(condition.periodSeconds, 60) * 1000;
        const end = Math.floor(now / cadence) * cadence;
        if (this.evaluated.get(key(region, name)) === end) continue;
        this.evaluated.set(key(region, name), end);

        const periodMs = condition.periodSeconds * 1000;
        const count = evaluationRange(condition);
        const first = end - count * periodMs;
        const summaries = summarizePeriods(
          this.metrics.buckets(region, metric, first, end, unit),
          first,
          periodMs / 1000
        );
        const periods: PeriodValue[] = [];
        for (let index = 0; index < count; index++) {
          const start = end - (index + 1) * periodMs;
          const summary = combine(
            summaries.filter((period) => period.start === start).map((period) => period.summary)
          );
          periods.push({
            start,
            value: summary && statisticValue(summary, condition.statistic),
            ...(summary && { sampleCount: summary.count })
          });
        }
        const outcome = evaluateAlarm(condition, periods, record.alarm.StateValue!, new Date(now));
        if (outcome && outcome.state !== record.alarm.StateValue) {
          changeState(this.alarms, region, record, outcome, new Date(now));
        }
      }
    }
  }
}

function key(region: string, name: string): string {
  return `${region}\n${name}`;
}
