import { KubeObject } from '../../evaluation/kubernetes';
import { DrProviderEvidence } from '../../evaluation/provider';
import { DrReason } from '../../evaluation/types';
import { Fields } from './fields';

type Required_<T> = { [K in keyof T]-?: NonNullable<T[K]> };

/**
 * The evidence one provider gathers for one service, with its lists ready to push to, and the
 * helpers its readers share (a risk reason; a field reader whose problems become reasons).
 */
export class Collector {
  readonly evidence: Required_<
    Pick<
      DrProviderEvidence,
      | 'reasons'
      | 'recoveryPoints'
      | 'coverage'
      | 'schedules'
      | 'manifestCadenceSeconds'
      | 'storageLocations'
      | 'drills'
      | 'futurePoints'
    >
  > &
    Pick<DrProviderEvidence, 'strategy'> = {
    reasons: [],
    recoveryPoints: [],
    coverage: [],
    schedules: [],
    manifestCadenceSeconds: [],
    storageLocations: [],
    drills: [],
    futurePoints: [],
  };

  private readonly readers = new Map<KubeObject, Fields>();

  risk(
    code: string,
    message: string,
    nextStep?: string,
    object?: DrReason['object'],
  ): void {
    this.evidence.reasons.push({
      severity: 'risk',
      code,
      message,
      nextStep,
      object,
    });
  }

  /** The field reader of an object (one per object, so a bad field is reported once). */
  fields(kind: string, obj: KubeObject, cluster: string): Fields {
    let reader = this.readers.get(obj);
    if (!reader) {
      reader = new Fields(
        kind,
        obj,
        cluster,
        this.evidence.reasons,
        'it is judged without that field',
      );
      this.readers.set(obj, reader);
    }
    return reader;
  }

  /** Marks that a backup of the service can be restored on a recovery cluster. */
  restorableOnRecovery(): void {
    this.evidence.strategy = {
      ...this.evidence.strategy,
      restorableOnRecovery: true,
    };
  }
}
