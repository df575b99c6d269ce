import { metricsServiceFactory } from '@backstage/backend-defaults/alpha';
import {
  ServiceFactoryTester,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { metrics } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  DrServiceRecord,
  DrStatus,
} from '@backstage-dr/plugin-disaster-recovery-common';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { DrStatusStore } from '../database/DrStatusStore';
import { DrMetrics, missedRunsAt } from './DrMetrics';

// The metrics as Prometheus scrapes them: Backstage's metrics service over a global meter
// provider whose reader is the Prometheus exporter, served over HTTP, read back as text. The
// stored records are those of the two simulated clusters (prod-eu, dr-us) of the examples.

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

const NOW = Date.parse('2026-12-01T12:00:00.000Z');
const ago = (seconds: number) => new Date(NOW - seconds * 1000).toISOString();

type Schedule = DrStatus['schedules'][number];
function schedule(s: Partial<Schedule> & { name: string }): Schedule {
  return {
    cluster: 'prod-eu',
    schedule: '0 * * * *',
    maxIntervalSeconds: 3600,
    paused: false,
    missedRuns: 0,
    movesData: true,
    ...s,
  };
}

function status(s: Partial<DrStatus>): DrStatus {
  return {
    verdict: 'compliant',
    reasons: [],
    evaluatedAt: ago(60),
    achievedRpoSeconds: null,
    recoveryPoints: [],
    coverage: [],
    schedules: [],
    replication: [],
    storageLocations: [],
    lastDrill: null,
    measuredRtoSeconds: null,
    unreadable: [],
    primaryClusters: ['prod-eu'],
    primarySource: 'annotation',
    ...s,
  };
}

function record(name: string, r: Partial<DrServiceRecord>): DrServiceRecord {
  return {
    entityRef: `component:default/${name}`,
    kind: 'Component',
    namespace: 'default',
    name,
    owner: 'group:default/commerce-team',
    verdict: 'compliant',
    clusters: ['prod-eu', 'dr-us'],
    updatedAt: ago(60),
    ...r,
  };
}

const records: DrServiceRecord[] = [
  record('orders-db', {
    tier: 'tier-1',
    tierRank: 1,
    verdict: 'breached',
    rpoSeconds: 3600,
    rtoSeconds: 14400,
    measuredRtoSeconds: 1800,
    lastDrillAt: ago(86400 * 10),
    newestRecoveryPointAt: ago(5 * 3600),
    achievedRpoSeconds: 5 * 3600 - 60,
    status: status({
      verdict: 'breached',
      schedules: [
        // Hourly, last success 5 h ago: 4 runs missed with the default grace (5 min).
        schedule({
          name: 'orders-db-hourly',
          lastSuccessfulBackup: ago(5 * 3600),
          storageLocation: 'default',
        }),
        schedule({
          name: 'orders-db-daily',
          schedule: '0 3 * * *',
          maxIntervalSeconds: 86400,
          lastSuccessfulBackup: ago(9 * 3600),
          paused: true,
        }),
      ],
      replication: [
        {
          kind: 'Cluster',
          name: 'orders-pg-replica',
          namespace: 'commerce',
          cluster: 'dr-us',
          healthy: true,
          lagSeconds: 12,
          message: 'streaming',
        },
      ],
      storageLocations: [
        { cluster: 'prod-eu', name: 'default', phase: 'Available' },
        { cluster: 'dr-us', name: 'default', phase: 'Unavailable' },
      ],
    }),
  }),
  record('catalog-api', {
    tier: 'tier-3',
    tierRank: 3,
    verdict: 'compliant',
    rpoSeconds: 604800,
    status: status({}),
  }),
  record('feature-flags', { verdict: 'undeclared', clusters: [] }),
];

async function setup() {
  const knex = await databases.init('SQLITE_3');
  const store = await DrStatusStore.create({
    getClient: async () => knex,
    migrations: { skip: false },
  });
  await store.replaceAll(records, ago(60));
  await store.replaceClusterHealth(
    [
      {
        cluster: 'dr-us',
        reachable: true,
        providers: [
          { id: 'velero', title: 'Velero', state: 'installed' },
          { id: 'volsync', title: 'VolSync', state: 'not-installed' },
        ],
        errors: [
          {
            resources: ['backups', 'restores'],
            kind: 'forbidden',
            message: '403',
          },
        ],
        checkedAt: ago(60),
      },
      {
        cluster: 'prod-eu',
        reachable: false,
        providers: [{ id: 'velero', title: 'Velero', state: 'unknown' }],
        errors: [],
        checkedAt: ago(60),
      },
    ],
    ago(60),
  );

  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  metrics.disable();
  metrics.setGlobalMeterProvider(provider);
  const metricsService = await ServiceFactoryTester.from(
    metricsServiceFactory,
  ).getSubject('disaster-recovery');
  const drMetrics = new DrMetrics({
    metrics: metricsService,
    source: store,
    config: {
      enabled: true,
      missedRuns: { graceRatio: 0.1, minimumGraceSeconds: 300 },
    },
    now: () => NOW,
  });
  const server = http.createServer((req, res) =>
    exporter.getMetricsRequestHandler(req, res),
  );
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const scrape = async () => {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    return res.text();
  };
  const close = async () => {
    await new Promise(resolve => server.close(resolve));
    await provider.shutdown();
    metrics.disable();
  };
  return { drMetrics, scrape, close };
}

/** The value of one series in the exposition text, found by its name and all its labels. */
function valueOf(text: string, name: string, labels: Record<string, string>) {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = line.slice(name.length).match(/^\{(.*)\}/)?.[1] ?? '';
    const have = labelText ? labelText.split(/,(?=[a-z_]+=")/) : [];
    const own = have.filter(l => !l.startsWith('otel_scope_'));
    if (own.length === wanted.length && wanted.every(w => own.includes(w))) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return undefined;
}

describe('DrMetrics through the Prometheus exporter', () => {
  it('exposes per service targets, achieved RPO, drill age, verdicts and replication lag', async () => {
    const { scrape, close } = await setup();
    try {
      const text = await scrape();
      const orders = {
        entity_ref: 'component:default/orders-db',
        owner: 'group:default/commerce-team',
        tier: 'tier-1',
      };
      expect(valueOf(text, 'dr_service_achieved_rpo_seconds', orders)).toBe(
        18000,
      );
      expect(valueOf(text, 'dr_service_rpo_target_seconds', orders)).toBe(3600);
      expect(valueOf(text, 'dr_service_rto_target_seconds', orders)).toBe(
        14400,
      );
      expect(valueOf(text, 'dr_service_measured_rto_seconds', orders)).toBe(
        1800,
      );
      expect(valueOf(text, 'dr_service_seconds_since_last_drill', orders)).toBe(
        864000,
      );
      expect(
        valueOf(text, 'dr_service_verdict', { ...orders, verdict: 'breached' }),
      ).toBe(1);
      expect(
        valueOf(text, 'dr_service_verdict', {
          ...orders,
          verdict: 'compliant',
        }),
      ).toBe(0);
      expect(
        valueOf(text, 'dr_replication_lag_seconds', {
          ...orders,
          cluster: 'dr-us',
          kind: 'Cluster',
          name: 'commerce/orders-pg-replica',
        }),
      ).toBe(12);
      expect(
        valueOf(text, 'dr_services', { verdict: 'undeclared', tier: '' }),
      ).toBe(1);
      // Undeclared services have no per-service series.
      expect(text).not.toContain('component:default/feature-flags');
      expect(text).toMatch(/# TYPE dr_service_verdict gauge/);
    } finally {
      await close();
    }
  });

  it('exposes per Velero Schedule the time since the last successful backup and the missed runs', async () => {
    const { scrape, close } = await setup();
    try {
      const text = await scrape();
      const hourly = {
        entity_ref: 'component:default/orders-db',
        owner: 'group:default/commerce-team',
        tier: 'tier-1',
        cluster: 'prod-eu',
        schedule: 'orders-db-hourly',
      };
      expect(
        valueOf(
          text,
          'dr_schedule_seconds_since_last_successful_backup',
          hourly,
        ),
      ).toBe(18000);
      // Runs at 08:00, 09:00, 10:00, 11:00 after the 07:00 backup; 12:00 is within the grace.
      expect(valueOf(text, 'dr_schedule_missed_runs', hourly)).toBe(4);
      expect(valueOf(text, 'dr_schedule_interval_seconds', hourly)).toBe(3600);
      const daily = { ...hourly, schedule: 'orders-db-daily' };
      expect(valueOf(text, 'dr_schedule_paused', daily)).toBe(1);
      expect(valueOf(text, 'dr_schedule_missed_runs', daily)).toBe(0);
    } finally {
      await close();
    }
  });

  it('exposes per cluster reachability, providers, read errors and storage locations', async () => {
    const { scrape, close } = await setup();
    try {
      const text = await scrape();
      expect(
        valueOf(text, 'dr_cluster_reachable', { cluster: 'prod-eu' }),
      ).toBe(0);
      expect(valueOf(text, 'dr_cluster_reachable', { cluster: 'dr-us' })).toBe(
        1,
      );
      expect(
        valueOf(text, 'dr_cluster_provider_installed', {
          cluster: 'dr-us',
          provider: 'volsync',
        }),
      ).toBe(0);
      expect(
        valueOf(text, 'dr_cluster_provider_installed', {
          cluster: 'dr-us',
          provider: 'velero',
        }),
      ).toBe(1);
      // Unknown is no value.
      expect(
        valueOf(text, 'dr_cluster_provider_installed', {
          cluster: 'prod-eu',
          provider: 'velero',
        }),
      ).toBeUndefined();
      expect(
        valueOf(text, 'dr_cluster_read_errors', {
          cluster: 'dr-us',
          kind: 'forbidden',
        }),
      ).toBe(2);
      expect(
        valueOf(text, 'dr_storage_location_available', {
          cluster: 'dr-us',
          storage_location: 'default',
        }),
      ).toBe(0);
      expect(
        valueOf(text, 'dr_storage_location_available', {
          cluster: 'prod-eu',
          storage_location: 'default',
        }),
      ).toBe(1);
      expect(valueOf(text, 'dr_last_refresh_timestamp_seconds', {})).toBe(
        (NOW - 60_000) / 1000,
      );
    } finally {
      await close();
    }
  });

  it('counts refreshes: duration, Kubernetes requests and bytes, errors by kind', async () => {
    const { drMetrics, scrape, close } = await setup();
    try {
      await drMetrics.recordRefresh({
        durationMs: 2500,
        requests: 24,
        bytes: 4096,
      });
      await drMetrics.recordRefresh({
        durationMs: 1500,
        requests: 20,
        bytes: 1000,
      });
      drMetrics.recordRefreshFailure(300);
      const text = await scrape();
      expect(valueOf(text, 'dr_refresh_kubernetes_requests_total', {})).toBe(
        44,
      );
      expect(
        valueOf(text, 'dr_refresh_kubernetes_received_bytes_total', {}),
      ).toBe(5096);
      expect(valueOf(text, 'dr_refreshes_total', { result: 'success' })).toBe(
        2,
      );
      expect(valueOf(text, 'dr_refreshes_total', { result: 'failure' })).toBe(
        1,
      );
      // Per refresh: prod-eu unreachable, dr-us's forbidden types.
      expect(
        valueOf(text, 'dr_refresh_errors_total', { kind: 'unreachable' }),
      ).toBe(2);
      expect(
        valueOf(text, 'dr_refresh_errors_total', { kind: 'forbidden' }),
      ).toBe(2);
      expect(
        valueOf(text, 'dr_refresh_errors_total', { kind: 'refresh-failed' }),
      ).toBe(1);
      expect(valueOf(text, 'dr_refresh_duration_seconds_count', {})).toBe(3);
      expect(valueOf(text, 'dr_refresh_duration_seconds_sum', {})).toBe(4.3);
    } finally {
      await close();
    }
  });
});

describe('missedRunsAt', () => {
  const grace = { graceRatio: 0.1, minimumGraceSeconds: 300 };
  it('counts nothing within the longest interval plus the grace', () => {
    const s = schedule({ name: 'h', lastSuccessfulBackup: ago(3600 + 299) });
    expect(missedRunsAt(s, NOW, grace)).toBe(0);
  });
  it('takes the larger grace: 10% of a daily interval is 2.4 h', () => {
    const s = schedule({
      name: 'd',
      schedule: '0 3 * * *',
      maxIntervalSeconds: 86400,
      lastSuccessfulBackup: '2026-11-30T03:00:00.000Z',
    });
    // 33 h since the last backup, past 24 h + 2.4 h: the run of Dec 1 03:00 is missed; with a
    // grace of half the interval (12 h) it is not yet.
    expect(missedRunsAt(s, NOW, grace)).toBe(1);
    expect(
      missedRunsAt(s, NOW, { graceRatio: 0.5, minimumGraceSeconds: 0 }),
    ).toBe(0);
  });
  it('keeps the evaluation’s count when no successful backup was seen', () => {
    expect(
      missedRunsAt(schedule({ name: 'n', missedRuns: 7 }), NOW, grace),
    ).toBe(7);
  });
});
