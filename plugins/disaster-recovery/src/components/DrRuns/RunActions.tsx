import {
  DrRun,
  DrRunType,
  DrServiceRecord,
} from '@backstage-dr/plugin-disaster-recovery-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { useState } from 'react';
import { RUN_ACTION_LABELS, RUN_TYPE_LABELS } from './labels';
import { ReasonedButton } from './ReasonedButton';
import { StartRunDialog } from './StartRunDialog';
import { PermissionState, useRunPermissions } from './useRunPermissions';

const VERBS: Record<DrRunType, string> = {
  drill: 'start a drill of',
  failover: 'fail over',
  failback: 'fail back',
};

/** Why the user cannot start a run of this type now, or undefined when they can. */
function disabledReason(
  type: DrRunType,
  name: string,
  permission: PermissionState,
  activeRun: { id: string; type: DrRunType } | undefined,
): string | undefined {
  if (activeRun) {
    return `A ${RUN_TYPE_LABELS[
      activeRun.type
    ].toLowerCase()} of ${name} (run ${
      activeRun.id
    }) is in progress: one run at a time.`;
  }
  if (permission.loading) {
    return 'Checking your permissions…';
  }
  if (!permission.allowed) {
    return `You are not allowed to ${VERBS[type]} ${name}.`;
  }
  return undefined;
}

/**
 * The buttons that start runs of an entity: "Start drill", and "Fail over" while the service
 * runs on its primary or "Fail back" once it runs on its recovery cluster (`activeCluster`).
 * Each is enabled for users with its permission on the entity, and disabled with the reason
 * for others and while a run is active. A button opens the {@link StartRunDialog}.
 */
export function RunActions(props: {
  entityRef: string;
  entityName: string;
  record: Pick<DrServiceRecord, 'activeCluster'>;
  /** The entity's active run, if any: nothing can be started while it runs. */
  activeRun?: { id: string; type: DrRunType };
  onStarted: (run: DrRun) => void;
  size?: 'small' | 'medium';
}) {
  const {
    entityRef,
    entityName,
    record,
    activeRun,
    onStarted,
    size = 'medium',
  } = props;
  const permissions = useRunPermissions(entityRef);
  const [dialog, setDialog] = useState<DrRunType>();

  const types: DrRunType[] = record.activeCluster
    ? ['drill', 'failback']
    : ['drill', 'failover'];

  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 8 }}>
      {types.map(type => {
        const reason = disabledReason(
          type,
          entityName,
          permissions.create[type],
          activeRun,
        );
        return (
          <ReasonedButton key={type} reason={reason}>
            <Button
              variant={type === 'drill' ? 'contained' : 'outlined'}
              color={type === 'drill' ? 'primary' : 'secondary'}
              size={size}
              disabled={!!reason}
              onClick={() => setDialog(type)}
            >
              {RUN_ACTION_LABELS[type]}
            </Button>
          </ReasonedButton>
        );
      })}
      {dialog && (
        <StartRunDialog
          open
          type={dialog}
          entityRef={entityRef}
          entityName={entityName}
          onClose={() => setDialog(undefined)}
          onStarted={run => {
            setDialog(undefined);
            onStarted(run);
          }}
        />
      )}
    </Box>
  );
}
