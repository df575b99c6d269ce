import { Entity } from '@backstage/catalog-model';
import { Link } from '@backstage/core-components';
import {
  DR_PRIMARY_CLUSTER_ANNOTATION,
  DR_RECOVERY_CLUSTER_ANNOTATION,
  DR_RUNBOOK_ANNOTATION,
  DrReason,
  DrServiceRecord,
  DrStatus,
  formatDuration,
} from '@backstage-dr/plugin-disaster-recovery-common';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { ReactNode } from 'react';
import {
  describeRecoveryPoint,
  formatDateTime,
  formatRelativeTime,
  formatSeconds,
  newestRecoveryPoint,
} from '../format';
import { ActiveClusterNote } from '../DrRuns/RunNotes';
import { ReasonList } from './ReasonList';
import { VerdictBanner } from './VerdictBanner';

/** A DR record that a refresh has judged: it has its status. */
export type JudgedRecord = DrServiceRecord & { status: DrStatus };

const useStyles = makeStyles(theme => ({
  label: {
    color: theme.palette.text.secondary,
    fontSize: theme.typography.caption.fontSize,
    fontWeight: theme.typography.fontWeightBold as number,
    textTransform: 'uppercase',
    letterSpacing: '0.05em',
  },
  value: {
    wordBreak: 'break-word',
    margin: 0,
  },
  footer: {
    marginTop: theme.spacing(2),
  },
  source: {
    display: 'block',
    color: theme.palette.text.secondary,
  },
  neverDrilled: {
    margin: theme.spacing(0, 0, 2, 0),
    padding: theme.spacing(1, 1.5),
    borderLeft: `4px solid ${theme.palette.warning.main}`,
    backgroundColor: theme.palette.background.default,
  },
}));

function Fact(props: { label: string; children: ReactNode; wide?: boolean }) {
  const classes = useStyles();
  return (
    <Grid item xs={12} sm={props.wide ? 12 : 6}>
      <Typography className={classes.label} component="dt">
        {props.label}
      </Typography>
      <Typography variant="body2" className={classes.value} component="dd">
        {props.children}
      </Typography>
    </Grid>
  );
}

/**
 * Where a measured RTO comes from: `Velero Restore velero/x on dr-us`, `run 3f2a…`, or another
 * provider's restore by its kind (`MedusaRestoreJob data/x on dr-us`).
 */
function drillSource(drill: NonNullable<DrStatus['lastDrill']>): string {
  const where = drill.cluster ? ` on ${drill.cluster}` : '';
  if (drill.kind === 'Restore') return `Velero Restore ${drill.name}${where}`;
  if (drill.kind === 'run') return `run ${drill.name}${where}`;
  return `${drill.kind} ${drill.name}${where}`;
}

function headline(record: JudgedRecord): string {
  const tier = record.tier ?? 'its tier';
  switch (record.status.verdict) {
    case 'compliant':
      return `Meets ${tier}: every check holds.`;
    case 'at-risk':
      return `Meets ${tier} now, but something will fail it soon or is untested.`;
    case 'breached':
      return `Does not meet ${tier}.`;
    default: {
      const clusters = record.status.unreadable.map(u => u.cluster);
      return clusters.length > 0
        ? `Cannot tell whether it meets ${tier}: ${clusters.join(
            ', ',
          )} could not be read.`
        : `Cannot tell whether it meets ${tier}: its evidence could not be read.`;
    }
  }
}

const SEVERITY_ORDER: Record<DrReason['severity'], number> = {
  breach: 0,
  unknown: 1,
  risk: 2,
};

/**
 * The reasons of a verdict, most severe first (as the verdict weighs them: a breach, unknown
 * evidence, a risk), with a reason for every unreadable cluster that no reason names (the
 * backend gives one per cluster; this keeps the card honest if it does not).
 */
export function reasonsOf(status: DrStatus): DrReason[] {
  const extra: DrReason[] = status.unreadable
    .filter(
      u =>
        !status.reasons.some(
          r => r.severity === 'unknown' && r.message.includes(u.cluster),
        ),
    )
    .map(u => ({
      severity: 'unknown',
      code: 'cluster-unreadable',
      message: `Cluster ${u.cluster} could not be read: ${u.reason}`,
    }));
  return [...status.reasons, ...extra]
    .map((reason, index) => ({ reason, index }))
    .sort(
      (a, b) =>
        SEVERITY_ORDER[a.reason.severity] - SEVERITY_ORDER[b.reason.severity] ||
        a.index - b.index,
    )
    .map(({ reason }) => reason);
}

/**
 * The primary cluster: as declared, else as the evaluation found it (the one cluster where the
 * service's workloads serve), else why it is not known.
 */
function primaryClusterText(declared: string | undefined, status: DrStatus) {
  if (declared) {
    return declared;
  }
  const clusters = status.primaryClusters ?? [];
  switch (status.primarySource) {
    case 'serving-workloads':
      return `${clusters.join(', ')} (not declared: where its workloads serve)`;
    case 'ambiguous':
      return `not declared, and ambiguous: workloads serve on ${
        clusters.join(', ') || 'several clusters'
      }`;
    default:
      return clusters.length > 0 ? clusters.join(', ') : 'not declared';
  }
}

/**
 * What a developer needs to know about a judged service: the verdict with its reasons, where it
 * runs after a failover, the targets beside the achieved values, the newest recovery point, the clusters and the runbook.
 */
export function DrStatusSummary(props: {
  entity: Entity;
  record: JudgedRecord;
  /** Show only the first reasons (the card); all by default (the tab). */
  reasonLimit?: number;
  now?: number;
}) {
  const { entity, record, reasonLimit, now = Date.now() } = props;
  const { status } = record;
  const classes = useStyles();
  const annotations = entity.metadata.annotations ?? {};
  const achieved = record.achievedRpoSeconds ?? status.achievedRpoSeconds;
  const measured = record.measuredRtoSeconds ?? status.measuredRtoSeconds;
  const newest = newestRecoveryPoint(status.recoveryPoints);
  const runbook = annotations[DR_RUNBOOK_ANNOTATION];
  const drill = status.lastDrill;
  const reasons = reasonsOf(status);
  // A never-drilled service of the most critical tier is said once, prominently.
  const neverDrilledCritical = record.tierRank === 0 && !drill;

  let newestText: string;
  if (!newest) {
    newestText = 'None: no usable recovery point was found';
  } else if (newest.counted) {
    newestText = describeRecoveryPoint(newest, now);
  } else {
    newestText = `${describeRecoveryPoint(
      newest,
      now,
    )} (local only: it does not survive the loss of the cluster)`;
  }

  return (
    <>
      <VerdictBanner state={status.verdict}>{headline(record)}</VerdictBanner>
      <ActiveClusterNote record={record} />
      {neverDrilledCritical && (
        <Typography
          role="note"
          className={classes.neverDrilled}
          data-testid="never-drilled"
        >
          <strong>Never drilled, and {record.tier}.</strong> Nobody has seen
          this service come back from its backups, so its RTO is unknown. Run a
          drill: it restores the newest backup into an isolated namespace of the
          recovery cluster and measures the RTO.
        </Typography>
      )}
      <ReasonList
        reasons={
          neverDrilledCritical
            ? reasons.filter(r => r.code !== 'never-drilled')
            : reasons
        }
        limit={reasonLimit}
      />
      <Grid container spacing={2} component="dl">
        <Fact label="Tier">{record.tier ?? 'none'}</Fact>
        <Fact label="Strategy">{record.strategy ?? 'none'}</Fact>
        <Fact label="RPO">
          {achieved === null || achieved === undefined
            ? 'no counted recovery point'
            : `${formatDuration(achieved)} achieved`}{' '}
          / {formatSeconds(record.rpoSeconds, 'no')} target
        </Fact>
        <Fact label="RTO">
          {measured === null || measured === undefined
            ? 'not measured'
            : `${formatDuration(measured)} measured`}{' '}
          / {formatSeconds(record.rtoSeconds, 'no')} target
          {drill && measured !== null && measured !== undefined && (
            <span className={classes.source}>
              from {drillSource(drill)},{' '}
              {formatRelativeTime(drill.completedAt, now)}
            </span>
          )}
        </Fact>
        <Fact label="Last drill">
          {drill ? (
            <>
              <span title={formatDateTime(drill.completedAt)}>
                {formatDateTime(drill.completedAt)}
              </span>
              <span className={classes.source}>
                {drillSource(drill)} ({drill.type})
              </span>
            </>
          ) : (
            'never'
          )}
        </Fact>
        <Fact label="Newest recovery point" wide>
          {newestText}
        </Fact>
        <Fact label="Primary cluster">
          {primaryClusterText(
            annotations[DR_PRIMARY_CLUSTER_ANNOTATION],
            status,
          )}
        </Fact>
        <Fact label="Recovery cluster">
          {annotations[DR_RECOVERY_CLUSTER_ANNOTATION] ?? 'not declared'}
        </Fact>
        <Fact label="Runbook" wide>
          {runbook ? <Link to={runbook}>{runbook}</Link> : 'No runbook linked'}
        </Fact>
      </Grid>
      <Typography
        variant="caption"
        color="textSecondary"
        component="p"
        className={classes.footer}
      >
        Judged {formatRelativeTime(record.updatedAt, now)}
      </Typography>
    </>
  );
}
