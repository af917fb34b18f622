import type { AlarmHistoryItem, MetricAlarm, Tag } from '@aws-sdk/client-cloudwatch';
import type { StateStore } from '../../state.js';

export interface AlarmRecord {
  alarm: MetricAlarm;
  tags: Tag[];
}

interface RegionAlarms {
  alarms: Record<string, AlarmRecord>;
  /** Newest last; bounded by MAX_HISTORY and HISTORY_RETENTION_MS. */
  history: AlarmHistoryItem[];
}

interface AlarmsDocument {
  regions: Record<string, RegionAlarms>;
}

/** CloudWatch keeps alarm history for 30 days; the local stack also caps the count per region. */
const HISTORY_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
const MAX_HISTORY = 10_000;

/** The account's metric alarms and their history, by region. */
export class AlarmStore {
  static readonly DOCUMENT = 'cloudwatch-alarms';

  constructor(private readonly state: StateStore) {}

  region(region: string): RegionAlarms {
    const document = this.state.document<AlarmsDocument>(AlarmStore.DOCUMENT, () => ({ regions: {} }));
    return (document.regions[region] ??= {
      alarms: Object.create(null) as Record<string, AlarmRecord>,
      history: []
    });
  }

  regions(): string[] {
    return Object.keys(
      this.state.document<AlarmsDocument>(AlarmStore.DOCUMENT, () => ({ regions: {} })).regions
    );
  }

  get(region: string, name: string): AlarmRecord | undefined {
    const alarms = this.region(region).alarms;
    return Object.hasOwn(alarms, name) ? alarms[name] : undefined;
  }

  /** Every alarm of the region, by name. */
  all(region: string): AlarmRecord[] {
    return Object.values(this.region(region).alarms).sort((a, b) =>
      a.alarm.AlarmName! < b.alarm.AlarmName! ? -1 : 1
    );
  }

  put(region: string, record: AlarmRecord): void {
    this.region(region).alarms[record.alarm.AlarmName!] = record;
  }

  delete(region: string, name: string): void {
    delete this.region(region).alarms[name];
  }

  addHistory(region: string, item: AlarmHistoryItem): void {
    const history = this.region(region).history;
    history.push(item);
    const oldest = item.Timestamp!.getTime() - HISTORY_RETENTION_MS;
    const expired = history.findIndex((entry) => entry.Timestamp!.getTime() >= oldest);
    history.splice(0, Math.max(expired === -1 ? history.length : expired, history.length - MAX_HISTORY));
  }

  save(): void {
    this.state.save(AlarmStore.DOCUMENT);
  }
}
