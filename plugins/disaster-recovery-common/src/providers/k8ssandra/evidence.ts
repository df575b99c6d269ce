import { DrProviderEvidence, DrProviderPvc } from '../../evaluation/provider';
import { DrReason } from '../../evaluation/types';
import { K8ssandraDatacenter } from './datacenters';

/** The lists the provider fills while it judges one service. */
export type CollectedEvidence = Required<
  Pick<
    DrProviderEvidence,
    | 'reasons'
    | 'recoveryPoints'
    | 'coverage'
    | 'schedules'
    | 'replication'
    | 'storageLocations'
    | 'drills'
    | 'futurePoints'
  >
>;

export function emptyEvidence(): CollectedEvidence {
  return {
    reasons: [],
    recoveryPoints: [],
    coverage: [],
    schedules: [],
    replication: [],
    storageLocations: [],
    drills: [],
    futurePoints: [],
  };
}

export function addRisk(
  out: CollectedEvidence,
  code: string,
  message: string,
  nextStep: string | undefined,
  object: DrReason['object'],
): void {
  out.reasons.push({ severity: 'risk', code, message, nextStep, object });
}

const DATACENTER_LABEL = 'cassandra.datastax.com/datacenter';

/**
 * The service's PVCs on a datacenter's cluster that hold that datacenter's data: cass-operator
 * names them `server-data-{cluster}-{dc}-{rack}-sts-{n}` and labels them
 * `cassandra.datastax.com/datacenter`. The label decides when present (the DC's
 * `metadata.name` or its Cassandra name); else the name must carry `-{dc}-` after `server-data-`.
 */
export function pvcsOfDatacenter(
  pvcs: readonly DrProviderPvc[],
  dc: K8ssandraDatacenter,
): DrProviderPvc[] {
  return pvcs.filter(p => {
    if (p.cluster !== dc.cluster) return false;
    if ((p.pvc.metadata.namespace ?? '') !== dc.namespace) return false;
    const label = p.pvc.metadata.labels?.[DATACENTER_LABEL];
    if (label !== undefined) {
      return label === dc.name || label === dc.cassandraName;
    }
    const name = p.pvc.metadata.name;
    return (
      name.startsWith('server-data-') &&
      (name.includes(`-${dc.name}-`) || name.includes(`-${dc.cassandraName}-`))
    );
  });
}
