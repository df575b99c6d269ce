import { formatDuration } from '../../duration';
import {
  parseGoDuration,
  scheduleMaxIntervalSeconds,
} from '../../evaluation/cadence';
import { ReplicationSource } from '../../evaluation/kubernetes';
import { malformedReasons, serviceObjectsOf } from '../../evaluation/locate';
import {
  conditionOf,
  describeObject,
  isoSeconds,
  objectRef,
  parseTime,
} from '../../evaluation/objects';
import {
  DrProviderContext,
  DrProviderEvidence,
  DrProviderPvc,
  DrStatusProvider,
} from '../../evaluation/provider';
import { DR_RESOURCE_TYPES } from '../../evaluation/resources';
import { SanitizedEvidence } from '../../evaluation/sanitize';
import { DrReason } from '../../evaluation/types';

/**
 * Judges a service's VolSync replication (`volsync.backube/v1alpha1` ReplicationSource and
 * ReplicationDestination): per PVC of the service on its primary, each ReplicationSource whose
 * `spec.sourcePVC` names it covers it off the cluster; its newest sync is a recovery point of the
 * PVC at `status.lastSyncTime − status.lastSyncDuration` (the sync's start, when its data was
 * read; `lastSyncStartTime` when the duration is missing). Cadence: the longest interval of
 * `spec.trigger.schedule`, 0 without a trigger (continuous), none for a manual trigger. Paused,
 * manual-only and failing (`Synchronizing` False with reason `Error`) sources are risks.
 */
function evaluateVolSync(ctx: DrProviderContext): DrProviderEvidence {
  const { nowMs, now, options, pvcs, declaration } = ctx;
  const skewMs = (options.clockSkewSeconds ?? 300) * 1000;
  const evidence: Required<
    Pick<
      DrProviderEvidence,
      'reasons' | 'recoveryPoints' | 'coverage' | 'replication' | 'futurePoints'
    >
  > = {
    reasons: [],
    recoveryPoints: [],
    coverage: [],
    replication: [],
    futurePoints: [],
  };
  const risk = (
    code: string,
    message: string,
    nextStep?: string,
    object?: DrReason['object'],
  ) =>
    evidence.reasons.push({
      severity: 'risk',
      code,
      message,
      nextStep,
      object,
    });

  for (const pvc of pvcs) {
    const clusterEvidence = ctx.evidenceOf(pvc.cluster);
    for (const rs of clusterEvidence?.objects.replicationSources ?? []) {
      if (
        rs.metadata.namespace !== pvc.pvc.metadata.namespace ||
        rs.spec?.sourcePVC !== pvc.pvc.metadata.name
      ) {
        continue;
      }
      judgeReplicationSource(rs, pvc);
    }
  }

  function judgeReplicationSource(rs: ReplicationSource, pvc: DrProviderPvc) {
    const { cluster } = pvc;
    evidence.reasons.push(
      ...malformedReasons(
        'ReplicationSource',
        rs,
        cluster,
        'risk',
        'it is judged without that field',
      ),
    );
    const label = describeObject('ReplicationSource', rs, cluster);
    const obj = objectRef('ReplicationSource', rs, cluster);
    const paused = rs.spec?.paused === true;
    const trigger = rs.spec?.trigger;
    const manual =
      !paused && typeof trigger?.manual === 'string' && !trigger?.schedule;
    const sync = conditionOf(rs, 'Synchronizing');
    // VolSync's Synchronizing condition is False between syncs (reason WaitingForSchedule or
    // WaitingForManual); reason Error means the last attempt failed (volsync api/v1alpha1).
    const failing = sync?.status === 'False' && sync.reason === 'Error';
    let cadence: { seconds: number; by: string } | undefined;
    if (!paused && !manual) {
      if (trigger?.schedule) {
        const interval = scheduleMaxIntervalSeconds(trigger.schedule, now);
        if (interval !== undefined) {
          cadence = {
            seconds: interval,
            by: `ReplicationSource ${rs.metadata.name}`,
          };
        } else {
          risk(
            'replication-schedule-unreadable',
            `${label}: spec.trigger.schedule ${JSON.stringify(
              trigger.schedule,
            )} is not a cron expression.`,
            'Write spec.trigger.schedule as a five-field cron expression.',
            { ...obj, field: 'spec.trigger.schedule' },
          );
        }
      } else {
        // No trigger: VolSync syncs continuously, one sync after another.
        cadence = { seconds: 0, by: `ReplicationSource ${rs.metadata.name}` };
      }
    }
    evidence.coverage.push({
      pvc,
      by: {
        kind: 'ReplicationSource',
        name: rs.metadata.name,
        paused,
        offCluster: true,
      },
      cadence,
      replicates: true,
    });
    const end = parseTime(rs.status?.lastSyncTime);
    const duration = parseGoDuration(rs.status?.lastSyncDuration ?? undefined);
    let start: number | undefined;
    if (end !== undefined) {
      if (duration !== undefined) start = end - duration * 1000;
      else {
        const started = parseTime(rs.status?.lastSyncStartTime);
        start = started !== undefined && started <= end ? started : end;
      }
    } else if (rs.status?.lastSyncTime !== undefined) {
      risk(
        'malformed-object',
        `${label}: status.lastSyncTime ${JSON.stringify(
          rs.status?.lastSyncTime,
        )} is not a time; its syncs are not counted.`,
        'Check the VolSync operator: it writes this field.',
        { ...obj, field: 'status.lastSyncTime' },
      );
    }
    let counted = start !== undefined;
    if (start !== undefined && start - nowMs > skewMs) {
      evidence.futurePoints.push({
        cluster,
        what: `ReplicationSource ${rs.metadata.name} at ${isoSeconds(start)}`,
      });
      counted = false;
    }
    if (counted && start !== undefined) {
      const ms = Math.min(start, nowMs);
      evidence.recoveryPoints.push({
        ms,
        pvcs: [
          {
            pvc,
            point: {
              time: isoSeconds(ms),
              source: 'volsync',
              kind: 'ReplicationSource',
              name: rs.metadata.name,
              namespace: rs.metadata.namespace,
              cluster: declaration.recoveryCluster ?? cluster,
            },
          },
        ],
      });
    }
    const healthy = counted && !paused && !manual && !failing;
    evidence.replication.push({
      kind: 'ReplicationSource',
      name: rs.metadata.name,
      namespace: rs.metadata.namespace,
      cluster,
      healthy,
      lagSeconds:
        counted && start !== undefined
          ? Math.max(0, Math.floor((nowMs - start) / 1000))
          : null,
      message: [
        paused ? 'paused' : undefined,
        manual ? 'manual trigger only' : undefined,
        failing
          ? `failing: ${sync?.message ?? 'Synchronizing reason Error'}`
          : undefined,
        end === undefined
          ? 'has not synced yet'
          : `last sync ${rs.status?.lastSyncTime}${
              duration !== undefined ? `, took ${formatDuration(duration)}` : ''
            }`,
      ]
        .filter(Boolean)
        .join('; '),
    });
    if (paused) {
      risk(
        'replication-paused',
        `${label} is paused: no further syncs of PVC ${pvc.key} will come; its last sync still counts.`,
        `Unpause it (spec.paused: false) or replicate the PVC another way.`,
        obj,
      );
    } else if (manual) {
      risk(
        'replication-manual',
        `${label} syncs only on a manual trigger (spec.trigger.manual): no further syncs of PVC ${pvc.key} will come by themselves.`,
        'Give it spec.trigger.schedule within the RPO target.',
        obj,
      );
    }
    if (failing) {
      risk(
        'replication-failing',
        `${label} is failing: ${
          sync?.message ?? 'Synchronizing reason Error'
        }.`,
        `Read the ReplicationSource's events and its mover job's logs on ${cluster}.`,
        obj,
      );
    }
  }

  // A ReplicationDestination of the service on a recovery cluster: its data is replicated there.
  const strategy = declaration.strategy;
  const replicatesToRecovery =
    strategy !== undefined && strategy !== 'backup-restore'
      ? ctx.recoveryClusters
          .map(ctx.evidenceOf)
          .filter((e): e is SanitizedEvidence => Boolean(e))
          .some(
            e =>
              serviceObjectsOf(e.objects.replicationDestinations, ctx.target)
                .length > 0,
          )
      : undefined;

  return { ...evidence, strategy: { replicatesToRecovery } };
}

/**
 * The VolSync status provider: `ReplicationSource` and `ReplicationDestination`
 * (`volsync.backube/v1alpha1`). See {@link DrStatusProvider}.
 *
 * @public
 */
export const volSyncProvider: DrStatusProvider = {
  id: 'volsync',
  title: 'VolSync',
  resourceTypes: DR_RESOURCE_TYPES.filter(t => t.provider === 'volsync'),
  evaluate: evaluateVolSync,
};
