import { ResponseError } from '@backstage/errors';
import {
  DrRun,
  DrRunPlan,
  DrRunStep,
} from '@backstage-dr/plugin-disaster-recovery-common';

const MINUTE = 60_000;

const at = (minutesAgo: number, now: number) =>
  new Date(now - minutesAgo * MINUTE).toISOString();

/** The plan of a failover of payments-api from prod-eu to dr-us, 12 minutes of data behind. */
export function failoverPlan(overrides: Partial<DrRunPlan> = {}): DrRunPlan {
  return {
    type: 'failover',
    entityRef: 'component:default/payments-api',
    strategy: 'warm-standby',
    fromCluster: 'prod-eu',
    toCluster: 'dr-us',
    dataLossWindowSeconds: 12 * 60,
    needsAcceptDataLoss: false,
    warnings: [],
    steps: [
      { name: 'preflight', objects: [] },
      {
        name: 'fence',
        objects: [
          {
            cluster: 'prod-eu',
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            namespace: 'payments',
            name: 'payments-api',
            action: 'patch',
            body: {
              metadata: {
                annotations: { 'disaster-recovery/fenced-by': 'run' },
              },
              spec: { replicas: 0 },
            },
          },
        ],
      },
      {
        name: 'promote',
        objects: [
          {
            cluster: 'dr-us',
            apiVersion: 'postgresql.cnpg.io/v1',
            kind: 'Cluster',
            namespace: 'payments',
            name: 'payments-db-replica',
            action: 'patch',
            body: { spec: { replica: { primary: 'payments-db-replica' } } },
          },
        ],
      },
      {
        name: 'scale-up-and-verify',
        objects: [
          {
            cluster: 'dr-us',
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            namespace: 'payments',
            name: 'payments-api',
            action: 'patch',
            body: { spec: { replicas: 3 } },
          },
        ],
      },
      { name: 'traffic-gate', objects: [] },
    ],
    ...overrides,
  };
}

/** The plan of a drill of payments-api: a restore into a drill namespace of dr-us. */
export function drillPlan(overrides: Partial<DrRunPlan> = {}): DrRunPlan {
  return {
    type: 'drill',
    entityRef: 'component:default/payments-api',
    strategy: 'warm-standby',
    fromCluster: 'prod-eu',
    toCluster: 'dr-us',
    dataLossWindowSeconds: 12 * 60,
    needsAcceptDataLoss: false,
    warnings: [],
    steps: [
      { name: 'preflight', objects: [] },
      {
        name: 'promote',
        objects: [
          {
            cluster: 'dr-us',
            apiVersion: 'velero.io/v1',
            kind: 'Restore',
            namespace: 'velero',
            name: 'dr-drill-payments-api-new',
            action: 'create',
            body: {
              spec: {
                backupName: 'nightly-20261123',
                namespaceMapping: { payments: 'dr-drill-payments-api-new' },
              },
            },
          },
        ],
      },
      { name: 'scale-up-and-verify', objects: [] },
      {
        name: 'cleanup',
        objects: [
          {
            cluster: 'dr-us',
            apiVersion: 'v1',
            kind: 'Namespace',
            name: 'dr-drill-payments-api-new',
            action: 'delete',
          },
        ],
      },
    ],
    ...overrides,
  };
}

function step(
  name: DrRunStep['name'],
  state: DrRunStep['state'],
  now: number,
  extra: Partial<DrRunStep> = {},
): DrRunStep {
  const done = state === 'completed' || state === 'failed';
  return {
    name,
    state,
    startedAt: state === 'pending' ? undefined : at(20, now),
    endedAt: done ? at(18, now) : undefined,
    objects: [],
    log: [],
    ...extra,
  };
}

/** A failover of payments-api waiting at its traffic gate. */
export function failoverAtTrafficGate(now = Date.now()): DrRun {
  return {
    id: 'run-42',
    type: 'failover',
    entityRef: 'component:default/payments-api',
    state: 'waiting',
    strategy: 'warm-standby',
    fromCluster: 'prod-eu',
    toCluster: 'dr-us',
    options: {},
    dataLossWindowSeconds: 12 * 60,
    createdBy: 'user:default/jane',
    createdAt: at(25, now),
    verifiedAt: at(5, now),
    measuredRtoSeconds: 20 * 60,
    steps: [
      step('preflight', 'completed', now, {
        log: [
          {
            time: at(20, now),
            level: 'info',
            message: 'dr-us is reachable',
          },
          {
            time: at(20, now),
            level: 'warn',
            message: 'Replication lag is 42s',
          },
        ],
      }),
      step('fence', 'completed', now, {
        objects: failoverPlan().steps[1].objects,
      }),
      step('promote', 'completed', now),
      step('scale-up-and-verify', 'completed', now),
      step('traffic-gate', 'waiting', now),
    ],
  };
}

/** A failover of payments-api in its preflight: it can still be cancelled. */
export function failoverInPreflight(now = Date.now()): DrRun {
  const run = failoverAtTrafficGate(now);
  return {
    ...run,
    state: 'running',
    verifiedAt: undefined,
    measuredRtoSeconds: undefined,
    steps: [
      step('preflight', 'running', now),
      step('fence', 'pending', now),
      step('promote', 'pending', now),
      step('scale-up-and-verify', 'pending', now),
      step('traffic-gate', 'pending', now),
    ],
  };
}

/** A completed drill of payments-api. */
export function completedDrill(now = Date.now()): DrRun {
  return {
    id: 'run-7',
    type: 'drill',
    entityRef: 'component:default/payments-api',
    state: 'completed',
    strategy: 'warm-standby',
    fromCluster: 'prod-eu',
    toCluster: 'dr-us',
    options: {},
    dataLossWindowSeconds: 12 * 60,
    createdBy: 'user:default/sam',
    createdAt: at(3 * 24 * 60, now),
    verifiedAt: at(3 * 24 * 60 - 38, now),
    endedAt: at(3 * 24 * 60 - 40, now),
    measuredRtoSeconds: 38 * 60,
    drillNamespace: 'dr-drill-payments-api-run-7',
    steps: [
      step('preflight', 'completed', now),
      step('promote', 'completed', now),
      step('scale-up-and-verify', 'completed', now),
      step('cleanup', 'completed', now),
    ],
  };
}

/** A failover of payments-api, accepting two hours of data loss, that failed at promote. */
export function failedFailover(now = Date.now()): DrRun {
  return {
    id: 'run-5',
    type: 'failover',
    entityRef: 'component:default/payments-api',
    state: 'failed',
    strategy: 'warm-standby',
    fromCluster: 'prod-eu',
    toCluster: 'dr-us',
    options: { acceptDataLoss: true, primaryUnreachable: true },
    dataLossWindowSeconds: 2 * 3600,
    createdBy: 'user:default/jane',
    createdAt: at(10 * 24 * 60, now),
    endedAt: at(10 * 24 * 60 - 15, now),
    error: 'promote: the replica did not become primary within 10m',
    steps: [
      step('preflight', 'completed', now),
      step('fence', 'completed', now),
      step('promote', 'failed', now, {
        error: 'the replica did not become primary within 10m',
      }),
      step('scale-up-and-verify', 'pending', now),
      step('traffic-gate', 'pending', now),
    ],
  };
}

/** The `ResponseError` the client throws for a backend error. */
export function backendError(
  status: number,
  name: string,
  message: string,
): Promise<ResponseError> {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name, message },
        response: { statusCode: status },
      }),
      {
        status,
        statusText: name,
        headers: { 'Content-Type': 'application/json' },
      },
    ),
  );
}
