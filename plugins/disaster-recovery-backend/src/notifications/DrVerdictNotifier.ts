import { LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { NotificationSeverity } from '@backstage/plugin-notifications-common';
import {
  DrServiceRecord,
  formatDuration,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { NotificationStateStore } from './NotificationStateStore';

/** The topic of the DR notifications, so that people can mute them in their settings. */
export const DR_NOTIFICATION_TOPIC = 'disaster-recovery';

/** The verdicts that are notified; `invalid` and `undeclared` are the catalog's to report. */
const TRACKED = ['compliant', 'at-risk', 'breached', 'unknown'] as const;
type Tracked = (typeof TRACKED)[number];
const isTracked = (v: string): v is Tracked =>
  (TRACKED as readonly string[]).includes(v);

const RANK: Record<Tracked, number> = {
  compliant: 0,
  'at-risk': 1,
  breached: 2,
  unknown: 3,
};

const LABEL: Record<Tracked, string> = {
  compliant: 'compliant',
  'at-risk': 'at risk',
  breached: 'breached',
  unknown: 'unknown',
};

/** tier-0 critical, tier-1 high, tier-2 normal, tier-3 and below low (by tier rank). */
export function severityOfTier(
  tierRank: number | undefined,
): NotificationSeverity {
  switch (tierRank) {
    case 0:
      return 'critical';
    case 1:
      return 'high';
    case 2:
    case undefined:
      return 'normal';
    default:
      return 'low';
  }
}

/** The app path of a service's DR tab, e.g. `/catalog/default/component/orders-api/disaster-recovery`. */
export function drTabPath(record: DrServiceRecord): string {
  const part = (s: string) => encodeURIComponent(s);
  return `/catalog/${part(record.namespace)}/${part(
    record.kind.toLocaleLowerCase('en-US'),
  )}/${part(record.name)}/disaster-recovery`;
}

/** The stored statuses the notifier reads (`DrStatusStore`). */
export interface DrStatusSource {
  listAll(): Promise<readonly DrServiceRecord[]>;
}

/**
 * Tells the owning group of a service when its DR verdict changes, through Backstage's
 * notifications: worse (compliant → at risk → breached), `unknown` for longer than
 * `unknownDelaySeconds`, or better again. One notification per change, never one per refresh:
 * the verdict last notified is kept per service in `dr_notification_state`, and set by a
 * compare-and-set, so that restarts and several backend instances do not repeat it.
 *
 * A service seen for the first time is notified when it is at risk or breached; a compliant one
 * is taken as the baseline silently. Services without an owner are not notified (logged at
 * debug level).
 */
export class DrVerdictNotifier {
  constructor(
    private readonly options: {
      statuses: DrStatusSource;
      state: NotificationStateStore;
      notifications: NotificationService;
      logger: LoggerService;
      /** How long a service stays `unknown` before its owner is told, in seconds. */
      unknownDelaySeconds: number;
      /** Entity refs told of every change besides the owner (e.g. the platform team). */
      alsoNotify?: string[];
    },
  ) {}

  /**
   * Compares the stored statuses of the last refresh with what was notified and sends what
   * changed. Never throws: a failed notification is logged and tried again after the next
   * refresh.
   *
   * @returns how many notifications were sent
   */
  async afterRefresh(now: Date = new Date()): Promise<number> {
    try {
      return await this.notifyChanges(now);
    } catch (error) {
      this.options.logger.warn(
        `DR verdict notifications not sent: ${
          (error as Error).message ?? error
        }`,
      );
      return 0;
    }
  }

  /**
   * Sends one digest notification per owner listing its services that are still breached
   * (`disasterRecovery.notifications.digest`). Owners without a breached service get none.
   *
   * @returns how many digests were sent
   */
  async sendDigest(): Promise<number> {
    const { statuses, notifications, logger } = this.options;
    const byOwner = new Map<string, DrServiceRecord[]>();
    for (const r of await statuses.listAll()) {
      if (r.verdict !== 'breached' || !r.owner) continue;
      const list = byOwner.get(r.owner) ?? [];
      list.push(r);
      byOwner.set(r.owner, list);
    }
    let sent = 0;
    for (const [owner, services] of [...byOwner].sort(([a], [b]) =>
      a.localeCompare(b),
    )) {
      services.sort(
        (a, b) =>
          (a.tierRank ?? 99) - (b.tierRank ?? 99) ||
          a.entityRef.localeCompare(b.entityRef),
      );
      const shown = services.slice(0, 10).map(s => {
        const reason = s.firstReason ? `: ${s.firstReason}` : '';
        return `${s.title ?? s.name} (${s.tier ?? 'no tier'})${reason}`;
      });
      if (services.length > shown.length) {
        shown.push(`and ${services.length - shown.length} more`);
      }
      try {
        await notifications.send({
          recipients: { type: 'entity', entityRef: owner },
          payload: {
            title: `${services.length} service${
              services.length === 1 ? ' is' : 's are'
            } still breached`,
            description: shown.join('\n'),
            link: `/disaster-recovery?verdict=breached&owner=${encodeURIComponent(
              owner,
            )}`,
            severity: severityOfTier(
              Math.min(...services.map(s => s.tierRank ?? 99)),
            ),
            topic: DR_NOTIFICATION_TOPIC,
            scope: `disaster-recovery:digest:${owner}`,
          },
        });
        sent += 1;
      } catch (error) {
        logger.warn(
          `DR digest for ${owner} not sent: ${(error as Error).message}`,
        );
      }
    }
    return sent;
  }

  private async notifyChanges(now: Date): Promise<number> {
    const { statuses, state, logger } = this.options;
    const nowIso = now.toISOString();
    const records = (await statuses.listAll()).filter(r =>
      isTracked(r.verdict),
    );
    let states = await state.all();
    const fresh = records.filter(r => !states.has(r.entityRef));
    if (fresh.length > 0) {
      await state.addNew(
        fresh.map(r => ({
          entityRef: r.entityRef,
          verdict: r.verdict,
          since: nowIso,
        })),
      );
      states = await state.all();
    }
    let sent = 0;
    for (const record of records) {
      const current = states.get(record.entityRef);
      if (!current) continue;
      const verdict = record.verdict as Tracked;
      let observedSince = current.observedSince;
      if (current.observedVerdict !== verdict) {
        await state.observe(
          record.entityRef,
          current.observedVerdict,
          verdict,
          nowIso,
        );
        observedSince = nowIso;
      }
      const notified =
        current.notifiedVerdict && isTracked(current.notifiedVerdict)
          ? current.notifiedVerdict
          : undefined;
      const unknownFor = (now.getTime() - Date.parse(observedSince)) / 1000;
      const effective =
        verdict === 'unknown' && unknownFor < this.options.unknownDelaySeconds
          ? notified
          : verdict;
      if (effective === undefined || effective === notified) continue;
      // Which instance sends is decided here: only the one whose compare-and-set succeeds.
      if (!(await state.claim(record.entityRef, notified, effective, nowIso))) {
        continue;
      }
      // First sight of a compliant service: the baseline, nothing to tell.
      if (notified === undefined && effective === 'compliant') continue;
      if (!record.owner) {
        logger.debug(
          `DR verdict of ${record.entityRef} is now ${effective}; no owner to notify`,
        );
        continue;
      }
      try {
        await this.send(record, notified, effective, unknownFor);
        sent += 1;
      } catch (error) {
        // Given back, so that the next refresh tries again.
        await state.claim(
          record.entityRef,
          effective,
          notified,
          current.notifiedAt,
        );
        logger.warn(
          `DR verdict notification for ${record.entityRef} (${
            notified ?? 'new'
          } → ${effective}) not sent: ${(error as Error).message}`,
        );
      }
    }
    await state.removeExcept(
      new Set((await statuses.listAll()).map(r => r.entityRef)),
    );
    return sent;
  }

  private async send(
    record: DrServiceRecord,
    previous: Tracked | undefined,
    verdict: Tracked,
    unknownForSeconds: number,
  ) {
    const name = record.title ?? record.name;
    const was = previous ? ` (was ${LABEL[previous]})` : '';
    let title: string;
    if (verdict === 'unknown') {
      title = `${name}: DR status unknown for ${formatDuration(
        Math.floor(unknownForSeconds),
      )}${was}`;
    } else if (previous === undefined || RANK[verdict] > RANK[previous]) {
      title = `${name} is ${LABEL[verdict]}${was}`;
    } else if (verdict === 'compliant') {
      title = `${name} is compliant again${was}`;
    } else {
      title = `${name} is ${LABEL[verdict]} now${was}`;
    }
    const facts = [
      record.tier && `Tier ${record.tier}`,
      record.rpoSeconds !== undefined &&
        `RPO target ${formatDuration(record.rpoSeconds)}${
          record.achievedRpoSeconds !== undefined
            ? `, achieved ${formatDuration(record.achievedRpoSeconds)}`
            : ''
        }`,
    ].filter(Boolean);
    const reason =
      record.firstReason ??
      (verdict === 'compliant' ? 'Every DR check holds.' : undefined);
    await this.options.notifications.send({
      recipients: {
        type: 'entity',
        entityRef: this.options.alsoNotify?.length
          ? [record.owner!, ...this.options.alsoNotify]
          : record.owner!,
      },
      payload: {
        title,
        description: [reason, facts.join('; ')].filter(Boolean).join(' '),
        link: drTabPath(record),
        severity: severityOfTier(record.tierRank),
        topic: DR_NOTIFICATION_TOPIC,
        scope: `disaster-recovery:verdict:${record.entityRef}`,
        metadata: {
          entityRef: record.entityRef,
          verdict,
          previousVerdict: previous ?? null,
        },
      },
    });
  }
}
