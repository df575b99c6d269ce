import { MetricsService } from '@backstage/backend-plugin-api/alpha';
import {
  DR_VERDICTS,
  DrClusterHealth,
  DrServiceRecord,
  DrStatus,
  DrStorageLocationHealth,
  parseVeleroCron,
  scheduleRunTimes,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { DrMetricsConfig } from './config';

/** What the metrics read: the stored result of the last refresh (`DrStatusStore`), read only. */
export interface DrMetricsSource {
  listAll(): Promise<readonly DrServiceRecord[]>;
  getMany(entityRefs: readonly string[]): Promise<DrServiceRecord[]>;
  clusterHealth(): Promise<DrClusterHealth[]>;
  storageLocations(): Promise<DrStorageLocationHealth[]>;
}

/** What one refresh did, as `DrStatusService.refresh` tells it. */
export interface DrRefreshOutcome {
  durationMs: number;
  /** Kubernetes requests made (pages included). */
  requests: number;
  /** Bytes of Kubernetes answers received. */
  bytes: number;
}

type ServiceLabels = { entity_ref: string; owner: string; tier: string };

type Snapshot = {
  records: readonly DrServiceRecord[];
  details: Map<string, DrStatus>;
  clusters: DrClusterHealth[];
  locations: DrStorageLocationHealth[];
};

/** Missed runs are counted up to this many (as the evaluation does). */
const MAX_COUNTED_RUNS = 1000;
/** Scrapes within this many milliseconds share one read of the store. */
const SNAPSHOT_TTL_MS = 1000;

const secondsSince = (time: string | undefined, nowMs: number) => {
  const t = time === undefined ? NaN : Date.parse(time);
  return Number.isNaN(t)
    ? undefined
    : Math.max(0, Math.floor((nowMs - t) / 1000));
};

/**
 * Runs a Velero Schedule missed by `nowMs` (DOMAIN.md "Missed runs"): 0 while its last
 * successful backup is within its longest interval plus the grace (the larger of
 * `graceRatio` × the interval and `minimumGraceSeconds`), else the runs it should have made
 * since that backup up to now − grace, at most 1000. Paused schedules and unreadable
 * expressions miss nothing; without a successful backup seen, the evaluation's count is kept.
 */
export function missedRunsAt(
  schedule: DrStatus['schedules'][number],
  nowMs: number,
  grace: DrMetricsConfig['missedRuns'],
): number {
  const interval = schedule.maxIntervalSeconds;
  if (schedule.paused || interval === null) return 0;
  const since =
    schedule.lastSuccessfulBackup === undefined
      ? NaN
      : Date.parse(schedule.lastSuccessfulBackup);
  if (Number.isNaN(since)) return schedule.missedRuns;
  const graceMs =
    Math.max(interval * grace.graceRatio, grace.minimumGraceSeconds) * 1000;
  if (nowMs - since <= interval * 1000 + graceMs) return 0;
  const cron = parseVeleroCron(schedule.schedule);
  if ('error' in cron) return schedule.missedRuns;
  return scheduleRunTimes(
    cron,
    new Date(since),
    new Date(nowMs - graceMs),
    MAX_COUNTED_RUNS,
  ).length;
}

/**
 * The DR metrics, through Backstage's metrics service (OpenTelemetry; the backend exports them,
 * e.g. with the Prometheus exporter). Gauges are observed at collection time from what the last
 * refresh stored, so every backend instance reports the same values whichever one refreshed;
 * ages ("seconds since") are computed at collection time and grow between refreshes. Series are
 * per service, per Velero Schedule of a service, per replication link, per cluster and per
 * BackupStorageLocation: never per backup. Labels: `entity_ref`, `owner`, `tier` (empty when
 * not set), `cluster`, `schedule`, `storage_location`, `provider`, `verdict`, `kind`.
 *
 * Refresh counters (`dr_refresh_*`) are recorded by the instance that ran the refresh.
 */
export class DrMetrics {
  private snapshot?: { at: number; value: Promise<Snapshot> };
  private detailsOf?: {
    records: readonly DrServiceRecord[];
    details: Promise<Map<string, DrStatus>>;
  };
  private readonly refreshDuration;
  private readonly refreshRequests;
  private readonly refreshBytes;
  private readonly refreshErrors;
  private readonly refreshes;

  constructor(
    private readonly options: {
      metrics: MetricsService;
      source: DrMetricsSource;
      config: DrMetricsConfig;
      /** The clock; default the system's. */
      now?: () => number;
    },
  ) {
    const { metrics } = options;
    this.refreshDuration = metrics.createHistogram(
      'dr_refresh_duration_seconds',
      {
        description: 'How long DR refreshes took',
        unit: 's',
        advice: { explicitBucketBoundaries: [1, 5, 15, 30, 60, 120, 240, 480] },
      },
    );
    this.refreshes = metrics.createCounter<{ result: string }>('dr_refreshes', {
      description: 'DR refreshes run, by result (success, failure)',
    });
    this.refreshRequests = metrics.createCounter(
      'dr_refresh_kubernetes_requests',
      {
        description:
          'Kubernetes requests made by DR refreshes (pages included)',
      },
    );
    this.refreshBytes = metrics.createCounter(
      'dr_refresh_kubernetes_received_bytes',
      { description: 'Bytes of Kubernetes answers received by DR refreshes' },
    );
    this.refreshErrors = metrics.createCounter<{ kind: string }>(
      'dr_refresh_errors',
      {
        description:
          'Errors of DR refreshes by kind: per cluster and resource type that could not be read (forbidden, unavailable, timeout, ...), unreachable clusters, and failed refreshes (refresh-failed)',
      },
    );
    this.registerServiceGauges();
    this.registerScheduleGauges();
    this.registerClusterGauges();
  }

  /**
   * Records a refresh that ended: its duration, requests and bytes, and the read errors of the
   * cluster health it stored, by kind.
   */
  async recordRefresh(outcome: DrRefreshOutcome): Promise<void> {
    this.refreshes.add(1, { result: 'success' });
    this.refreshDuration.record(outcome.durationMs / 1000);
    this.refreshRequests.add(outcome.requests);
    this.refreshBytes.add(outcome.bytes);
    const errors = new Map<string, number>();
    for (const cluster of await this.options.source.clusterHealth()) {
      if (!cluster.reachable) {
        errors.set('unreachable', (errors.get('unreachable') ?? 0) + 1);
        continue;
      }
      for (const e of cluster.errors) {
        errors.set(e.kind, (errors.get(e.kind) ?? 0) + 1);
      }
    }
    for (const [kind, count] of errors) this.refreshErrors.add(count, { kind });
  }

  /** Records a refresh that failed as a whole (the last stored status is kept). */
  recordRefreshFailure(durationMs: number): void {
    this.refreshes.add(1, { result: 'failure' });
    this.refreshDuration.record(durationMs / 1000);
    this.refreshErrors.add(1, { kind: 'refresh-failed' });
  }

  private now() {
    return this.options.now?.() ?? Date.now();
  }

  /** The stored result of the last refresh, read at most once a second. */
  private load(): Promise<Snapshot> {
    const now = this.now();
    if (!this.snapshot || now - this.snapshot.at > SNAPSHOT_TTL_MS) {
      const value = this.read();
      // A failed read is not kept: the next collection tries again.
      value.catch(() => {
        if (this.snapshot?.value === value) this.snapshot = undefined;
      });
      this.snapshot = { at: now, value };
    }
    return this.snapshot.value;
  }

  private async read(): Promise<Snapshot> {
    const { source } = this.options;
    const [records, clusters, locations] = await Promise.all([
      source.listAll(),
      source.clusterHealth(),
      source.storageLocations(),
    ]);
    // The details (schedules, replication) change only with a refresh: listAll answers the
    // same array while the table is unchanged.
    if (this.detailsOf?.records !== records) {
      const declared = records
        .filter(r => r.verdict !== 'undeclared')
        .map(r => r.entityRef);
      const details = source
        .getMany(declared)
        .then(
          full =>
            new Map(
              full.flatMap(r =>
                r.status ? [[r.entityRef, r.status] as const] : [],
              ),
            ),
        );
      details.catch(() => {
        if (this.detailsOf?.details === details) this.detailsOf = undefined;
      });
      this.detailsOf = { records, details };
    }
    return {
      records,
      details: await this.detailsOf.details,
      clusters,
      locations,
    };
  }

  private gauge<T extends Record<string, string>>(
    name: string,
    description: string,
    unit: string | undefined,
    observe: (
      snapshot: Snapshot,
      nowMs: number,
      emit: (v: number, labels: T) => void,
    ) => void,
  ) {
    const gauge = this.options.metrics.createObservableGauge<T>(name, {
      description,
      unit,
    });
    gauge.addCallback(async result => {
      const snapshot = await this.load();
      observe(snapshot, this.now(), (v, labels) => result.observe(v, labels));
    });
  }

  private registerServiceGauges() {
    const labelsOf = (r: DrServiceRecord): ServiceLabels => ({
      entity_ref: r.entityRef,
      owner: r.owner ?? '',
      tier: r.tier ?? '',
    });
    const declared = (s: Snapshot) =>
      s.records.filter(r => r.verdict !== 'undeclared');
    const perService = (
      name: string,
      description: string,
      value: (r: DrServiceRecord, nowMs: number) => number | undefined,
    ) =>
      this.gauge<ServiceLabels>(name, description, 's', (s, nowMs, emit) => {
        for (const r of declared(s)) {
          const v = value(r, nowMs);
          if (v !== undefined) emit(v, labelsOf(r));
        }
      });

    perService(
      'dr_service_achieved_rpo_seconds',
      'Age of the newest counted recovery point of a declared service (its achieved RPO)',
      (r, nowMs) =>
        secondsSince(r.newestRecoveryPointAt, nowMs) ?? r.achievedRpoSeconds,
    );
    perService(
      'dr_service_rpo_target_seconds',
      'RPO target of a declared service',
      r => r.rpoSeconds,
    );
    perService(
      'dr_service_rto_target_seconds',
      'RTO target of a declared service',
      r => r.rtoSeconds,
    );
    perService(
      'dr_service_measured_rto_seconds',
      'RTO measured by the last drill, restore or failover of a declared service',
      r => r.measuredRtoSeconds,
    );
    perService(
      'dr_service_seconds_since_last_drill',
      'Time since the last drill (or restore, failover) of a declared service',
      (r, nowMs) => secondsSince(r.lastDrillAt, nowMs),
    );
    this.gauge<ServiceLabels & { verdict: string }>(
      'dr_service_verdict',
      'Verdict of a declared service: 1 for its verdict, 0 for the others',
      undefined,
      (s, _now, emit) => {
        for (const r of declared(s)) {
          for (const verdict of DR_VERDICTS) {
            if (verdict === 'undeclared') continue;
            emit(r.verdict === verdict ? 1 : 0, { ...labelsOf(r), verdict });
          }
        }
      },
    );
    this.gauge<{ verdict: string; tier: string }>(
      'dr_services',
      'Services of the catalog by verdict and tier (undeclared included)',
      undefined,
      (s, _now, emit) => {
        const counts = new Map<
          string,
          { verdict: string; tier: string; n: number }
        >();
        for (const r of s.records) {
          const key = `${r.verdict}\0${r.tier ?? ''}`;
          const c = counts.get(key) ?? {
            verdict: r.verdict,
            tier: r.tier ?? '',
            n: 0,
          };
          c.n += 1;
          counts.set(key, c);
        }
        for (const c of counts.values())
          emit(c.n, { verdict: c.verdict, tier: c.tier });
      },
    );
    type LinkLabels = ServiceLabels & {
      cluster: string;
      kind: string;
      name: string;
    };
    this.gauge<LinkLabels>(
      'dr_replication_lag_seconds',
      'Replication lag of a replication link of a service (VolSync ReplicationSource, CloudNativePG replica cluster, MirrorMaker 2), where measured',
      's',
      (s, _now, emit) => {
        for (const r of declared(s)) {
          for (const link of s.details.get(r.entityRef)?.replication ?? []) {
            if (link.lagSeconds === null) continue;
            emit(link.lagSeconds, {
              ...labelsOf(r),
              cluster: link.cluster,
              kind: link.kind,
              name: link.namespace
                ? `${link.namespace}/${link.name}`
                : link.name,
            });
          }
        }
      },
    );
    this.gauge<LinkLabels>(
      'dr_replication_healthy',
      'Whether a replication link of a service is healthy (1) or not (0)',
      undefined,
      (s, _now, emit) => {
        for (const r of declared(s)) {
          for (const link of s.details.get(r.entityRef)?.replication ?? []) {
            emit(link.healthy ? 1 : 0, {
              ...labelsOf(r),
              cluster: link.cluster,
              kind: link.kind,
              name: link.namespace
                ? `${link.namespace}/${link.name}`
                : link.name,
            });
          }
        }
      },
    );
  }

  private registerScheduleGauges() {
    type ScheduleLabels = ServiceLabels & { cluster: string; schedule: string };
    const perSchedule = (
      name: string,
      description: string,
      unit: string | undefined,
      value: (
        s: DrStatus['schedules'][number],
        nowMs: number,
      ) => number | undefined,
    ) =>
      this.gauge<ScheduleLabels>(
        name,
        description,
        unit,
        (snap, nowMs, emit) => {
          for (const r of snap.records) {
            const seen = new Set<string>();
            for (const s of snap.details.get(r.entityRef)?.schedules ?? []) {
              const key = `${s.cluster}\0${s.name}`;
              if (seen.has(key)) continue;
              seen.add(key);
              const v = value(s, nowMs);
              if (v === undefined) continue;
              emit(v, {
                entity_ref: r.entityRef,
                owner: r.owner ?? '',
                tier: r.tier ?? '',
                cluster: s.cluster,
                schedule: s.name,
              });
            }
          }
        },
      );
    perSchedule(
      'dr_schedule_seconds_since_last_successful_backup',
      'Time since the newest Completed backup of a Velero Schedule that backs up a service',
      's',
      (s, nowMs) => secondsSince(s.lastSuccessfulBackup, nowMs),
    );
    perSchedule(
      'dr_schedule_missed_runs',
      'Runs of a Velero Schedule missed since its last successful backup, past its longest interval plus the grace (DOMAIN.md "Missed runs")',
      undefined,
      (s, nowMs) => missedRunsAt(s, nowMs, this.options.config.missedRuns),
    );
    perSchedule(
      'dr_schedule_interval_seconds',
      'Longest interval between two runs of a Velero Schedule',
      's',
      s => s.maxIntervalSeconds ?? undefined,
    );
    perSchedule(
      'dr_schedule_paused',
      'Whether a Velero Schedule is paused (1) or not (0)',
      undefined,
      s => (s.paused ? 1 : 0),
    );
  }

  private registerClusterGauges() {
    this.gauge<{ cluster: string }>(
      'dr_cluster_reachable',
      'Whether the last refresh could read a cluster at all (1) or not (0)',
      undefined,
      (s, _now, emit) => {
        for (const c of s.clusters)
          emit(c.reachable ? 1 : 0, { cluster: c.cluster });
      },
    );
    this.gauge<{ cluster: string; kind: string }>(
      'dr_cluster_read_errors',
      'Resource types of a cluster the last refresh could not read, by kind of failure',
      undefined,
      (s, _now, emit) => {
        for (const c of s.clusters) {
          const kinds = new Map<string, number>();
          for (const e of c.errors) {
            kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + e.resources.length);
          }
          for (const [kind, n] of kinds) emit(n, { cluster: c.cluster, kind });
        }
      },
    );
    this.gauge<{ cluster: string; provider: string }>(
      'dr_cluster_provider_installed',
      'Whether a status provider (its CRDs) is installed on a cluster (1) or not (0); absent when unknown',
      undefined,
      (s, _now, emit) => {
        for (const c of s.clusters) {
          for (const p of c.providers) {
            if (p.state === 'unknown') continue;
            emit(p.state === 'installed' ? 1 : 0, {
              cluster: c.cluster,
              provider: p.id,
            });
          }
        }
      },
    );
    this.gauge<{ cluster: string; storage_location: string }>(
      'dr_storage_location_available',
      'Whether a Velero BackupStorageLocation used by a service is Available (1) or not (0)',
      undefined,
      (s, _now, emit) => {
        for (const l of s.locations) {
          emit(l.phase === 'Available' ? 1 : 0, {
            cluster: l.cluster,
            storage_location: l.name,
          });
        }
      },
    );
    this.gauge<Record<string, string>>(
      'dr_last_refresh_timestamp_seconds',
      'When the stored DR status was last refreshed (Unix time)',
      's',
      (s, _now, emit) => {
        let newest = NaN;
        for (const r of s.records) {
          const t = Date.parse(r.updatedAt);
          if (!Number.isNaN(t) && !(t <= newest)) newest = t;
        }
        if (!Number.isNaN(newest)) emit(newest / 1000, {});
      },
    );
  }
}
