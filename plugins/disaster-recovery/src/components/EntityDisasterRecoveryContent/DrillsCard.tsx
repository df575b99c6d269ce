import {
  InfoCard,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import {
  DrStatus,
  formatDuration,
} from '@backstage-dr/plugin-disaster-recovery-common';
import Typography from '@material-ui/core/Typography';
import { ReasonList } from '../DrStatus';
import { TimeCell } from './cells';

const DRILL_CODES = ['never-drilled', 'drill-overdue', 'rto-exceeded'];

// Other kinds (a status provider's restores) are shown by their Kubernetes kind.
const KIND_LABELS: Record<string, string> = {
  Restore: 'Velero Restore',
  run: 'run',
};

/**
 * Drills, failovers and failbacks: the last drill or restore that proves the service can come
 * back, and its measured RTO against the target.
 */
export function DrillsCard(props: { status: DrStatus; rtoSeconds?: number }) {
  const { status, rtoSeconds } = props;
  const drill = status.lastDrill;
  // "Never drilled" is said by the card's body; the other findings are listed.
  const findings = status.reasons.filter(
    r =>
      DRILL_CODES.includes(r.code) && !(r.code === 'never-drilled' && !drill),
  );

  let body;
  if (!drill) {
    body = (
      <>
        <Typography variant="body1" component="p">
          <StatusWarning />
          Never drilled
        </Typography>
        <Typography variant="body2" paragraph>
          No completed drill, failover or Velero Restore into the recovery
          cluster was found, so the RTO has never been measured.
        </Typography>
      </>
    );
  } else {
    const within =
      rtoSeconds === undefined || drill.measuredRtoSeconds <= rtoSeconds;
    const target =
      rtoSeconds === undefined ? '' : ` / ${formatDuration(rtoSeconds)} target`;
    const title = `Last ${drill.type}: ${
      KIND_LABELS[drill.kind] ?? drill.kind
    } ${drill.name}${drill.cluster ? ` in ${drill.cluster}` : ''}`;
    body = (
      <>
        <Typography variant="body1" component="p">
          {within ? <StatusOK /> : <StatusError />}
          {title}
        </Typography>
        <Typography variant="body2" component="dl">
          <dt>Started</dt>
          <dd>
            <TimeCell time={drill.startedAt} /> (
            <TimeCell time={drill.startedAt} relative />)
          </dd>
          <dt>Completed</dt>
          <dd>
            <TimeCell time={drill.completedAt} />
          </dd>
          <dt>Measured RTO</dt>
          <dd>
            {formatDuration(drill.measuredRtoSeconds)} measured{target}
          </dd>
        </Typography>
      </>
    );
  }
  return (
    <InfoCard title="Drills, failovers and failbacks">
      {body}
      <ReasonList reasons={findings} label="Drill findings" />
      <Typography variant="caption" color="textSecondary" component="p">
        Evidence is a completed drill or failover run, or a Completed Velero
        Restore into the recovery cluster of a backup that covers the service.
      </Typography>
    </InfoCard>
  );
}
