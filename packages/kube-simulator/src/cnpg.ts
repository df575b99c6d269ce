import { createHash } from 'node:crypto';
import { Cluster, ObjectChange } from './cluster';
import type { Timers, WriteCounter } from './controllers';
import {
  deepEqual,
  getPath,
  isJsonObject,
  JsonObject,
  JsonValue,
} from './json';
import { ResourceType } from './resources';
import { formatTimestamp } from './timestamps';

const CLUSTERS = 'postgresql.cnpg.io/clusters';

/** CloudNativePG's phases the simulator reports (`api/v1/cluster_types.go`). */
export const CNPG_PHASES = {
  healthy: 'Cluster in healthy state',
  promoting: 'Promoting to primary cluster',
  waitingForUser: 'Waiting for user action',
} as const;

/** The condition types of CloudNativePG's replica cluster switch. */
const FENCE = 'ReplicaClusterFencing';
const DESIGNATED_PRIMARY_TRANSITION =
  'ReplicaClusterDesignatedPrimaryTransition';
const REPLICA_CLUSTER_SWITCH = 'ReplicaClusterSwitch';

/**
 * Whether a CloudNativePG `Cluster` spec makes it a replica cluster, as the operator decides:
 * `spec.replica.enabled` when set; otherwise when `spec.replica.primary` names another cluster
 * than `spec.replica.self` (default: its own name).
 */
export function isReplicaCluster(object: JsonObject): boolean {
  const replica = getPath(object, ['spec', 'replica']);
  if (!isJsonObject(replica)) {
    return false;
  }
  if (typeof replica.enabled === 'boolean') {
    return replica.enabled;
  }
  const self =
    typeof replica.self === 'string' && replica.self !== ''
      ? replica.self
      : getPath(object, ['metadata', 'name']);
  const primary = replica.primary;
  return typeof primary === 'string' && primary !== '' && primary !== self;
}

/**
 * Why a promotion token cannot be read, or undefined when it can: it must be standard base64 of
 * a JSON object (CloudNativePG's token is base64 of pg_controldata fields). Its content is not
 * compared with the demoted cluster's.
 */
export function promotionTokenProblem(token: string): string | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(token) || token.length % 4 !== 0) {
    return 'illegal base64 data';
  }
  try {
    const content: unknown = JSON.parse(
      Buffer.from(token, 'base64').toString('utf8'),
    );
    return isJsonObject(content) ? undefined : 'not a JSON object';
  } catch {
    return 'not a JSON object';
  }
}

/** Replaces (or adds) the condition of `condition.type`, keeping its transition time if unchanged. */
function setCondition(
  conditions: JsonValue | undefined,
  condition: { type: string; status: string; reason: string; message: string },
  now: string,
): JsonValue[] {
  const list = Array.isArray(conditions) ? conditions : [];
  const earlier = list.find(
    item => isJsonObject(item) && item.type === condition.type,
  ) as JsonObject | undefined;
  const next: JsonObject = {
    ...condition,
    lastTransitionTime:
      earlier?.status === condition.status &&
      typeof earlier.lastTransitionTime === 'string'
        ? earlier.lastTransitionTime
        : now,
  };
  return earlier
    ? list.map(item => (item === earlier ? next : item))
    : [...list, next];
}

function removeConditions(
  conditions: JsonValue | undefined,
  types: string[],
): JsonValue[] {
  return (Array.isArray(conditions) ? conditions : []).filter(
    item => !(isJsonObject(item) && types.includes(String(item.type))),
  );
}

/** `Wed 25 Nov 2026 10:00:00 AM UTC`, as pg_controldata prints times. */
function controldataTime(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = [
    'Jan',
    'Feb',
    'Mar',
    'Apr',
    'May',
    'Jun',
    'Jul',
    'Aug',
    'Sep',
    'Oct',
    'Nov',
    'Dec',
  ];
  const pad = (value: number) => String(value).padStart(2, '0');
  const hours = date.getUTCHours() % 12 || 12;
  return `${days[date.getUTCDay()]} ${pad(date.getUTCDate())} ${
    months[date.getUTCMonth()]
  } ${date.getUTCFullYear()} ${pad(hours)}:${pad(date.getUTCMinutes())}:${pad(
    date.getUTCSeconds(),
  )} ${date.getUTCHours() < 12 ? 'AM' : 'PM'} UTC`;
}

/**
 * A demotion token like CloudNativePG's: base64 of the JSON of the demoted primary's
 * pg_controldata after its shutdown checkpoint (system identifier, timeline, REDO location and
 * WAL file, checkpoint time). The values are made up, stable for a cluster and a time.
 */
export function demotionToken(object: JsonObject, now: Date): string {
  const uid = String(getPath(object, ['metadata', 'uid']) ?? '');
  const systemId = getPath(object, ['status', 'systemID']);
  const timeline = getPath(object, ['status', 'timelineID']);
  const hash = createHash('sha256').update(`${uid} ${now.getTime()}`).digest();
  const timelineId = typeof timeline === 'number' ? timeline : 1;
  const segment = hash.readUInt16BE(0);
  const redo = `${segment.toString(16).toUpperCase()}/${hash
    .readUInt32BE(2)
    .toString(16)
    .toUpperCase()}`;
  const walFile = `${timelineId.toString(16).padStart(8, '0')}${'0'.repeat(
    4,
  )}${segment.toString(16).padStart(4, '0')}000000${hash[6]
    .toString(16)
    .padStart(2, '0')}`.toUpperCase();
  const content = {
    latestCheckpointTimelineID: String(timelineId),
    redoWalFile: walFile,
    databaseSystemIdentifier:
      typeof systemId === 'string'
        ? systemId
        : BigInt(
            `0x${createHash('sha256').update(uid).digest('hex').slice(0, 15)}`,
          ).toString(),
    latestCheckpointREDOLocation: redo,
    timeOfLatestCheckpoint: controldataTime(now),
    operatorVersion: '1.30.0',
  };
  return Buffer.from(JSON.stringify(content)).toString('base64');
}

interface Target {
  type: ResourceType;
  namespace: string;
  name: string;
}

/**
 * CloudNativePG's replica cluster switch in a distributed topology. A change of a `Cluster`'s
 * `spec.replica` that turns a primary cluster into a replica (e.g. `spec.replica.primary` set to
 * another cluster's name) demotes it: the switch starts at once
 * (`status.switchReplicaClusterStatus.inProgress`, the fencing conditions) and after `seconds`
 * `status.demotionToken` is set and the switch completes; the phase stays `Cluster in healthy
 * state` and `Ready` True, as the operator reports a healthy replica cluster. A change that turns
 * a replica cluster into a primary (`spec.replica.primary` = itself, `enabled` unset or false)
 * promotes it: phase `Promoting to primary cluster` at once, then after `seconds` `Cluster in
 * healthy state` with `status.currentPrimary`, `currentPrimaryTimestamp`, a new `timelineID` and
 * `lastPromotionToken`. A `spec.replica.promotionToken` that is not base64 of a JSON object stops
 * the promotion: phase `Waiting for user action` with the reason, and a `ReplicaClusterSwitch`
 * condition False (`InvalidPromotionToken`), until a readable token is given. A promotion without
 * a token goes ahead, as in CloudNativePG (where it is a failover that needs the former primary
 * rebuilt).
 */
export class CnpgController {
  /** Clusters whose promotion stopped on an unreadable token: still replicas. */
  private readonly stuck = new Set<string>();

  constructor(
    private readonly cluster: Cluster,
    private readonly timers: Timers,
    private readonly seconds: number,
    private readonly counter: WriteCounter,
  ) {}

  changed(change: ObjectChange): void {
    const { type, namespace, name, before, after } = change;
    if (`${type.group}/${type.plural}` !== CLUSTERS) {
      return;
    }
    const key = `cnpg ${namespace}/${name}`;
    if (!after) {
      this.timers.cancel(key);
      this.stuck.delete(key);
      return;
    }
    if (
      change.part !== 'main' ||
      !before ||
      deepEqual(
        getPath(before, ['spec', 'replica']),
        getPath(after, ['spec', 'replica']),
      )
    ) {
      return;
    }
    const wasReplica = this.stuck.has(key) || isReplicaCluster(before);
    const isReplica = isReplicaCluster(after);
    if (wasReplica === isReplica) {
      return;
    }
    this.stuck.delete(key);
    const target = { type, namespace, name };
    this.timers.schedule(key, 0, () =>
      isReplica
        ? this.startDemotion(key, target)
        : this.startPromotion(key, target),
    );
  }

  private writeStatus(
    { type, namespace, name }: Target,
    change: (status: JsonObject, object: JsonObject) => void,
  ): void {
    if (!this.cluster.store.get(CLUSTERS, namespace, name)) {
      return;
    }
    this.cluster.write(type, namespace, name, 'status', current => {
      const status: JsonObject = isJsonObject(current.status)
        ? { ...current.status }
        : {};
      change(status, current);
      return { ...current, status };
    });
    this.counter.writes += 1;
  }

  private startDemotion(key: string, target: Target): void {
    const now = formatTimestamp(this.cluster.now());
    this.writeStatus(target, status => {
      status.switchReplicaClusterStatus = { inProgress: true };
      let conditions = setCondition(
        status.conditions,
        {
          type: DESIGNATED_PRIMARY_TRANSITION,
          status: 'False',
          reason: 'ReplicaClusterAfterCreation',
          message: 'Enabled external cluster after a node was generated',
        },
        now,
      );
      conditions = setCondition(
        conditions,
        {
          type: FENCE,
          status: 'True',
          reason: 'ReplicaClusterAfterCreation',
          message: 'Enabled external cluster after a node was generated',
        },
        now,
      );
      status.conditions = setCondition(
        conditions,
        {
          type: REPLICA_CLUSTER_SWITCH,
          status: 'False',
          reason: 'ReplicaEnabledSetTrue',
          message: 'Starting the Replica cluster transition',
        },
        now,
      );
    });
    this.timers.schedule(key, this.seconds, () => this.finishDemotion(target));
  }

  private finishDemotion(target: Target): void {
    const clock = this.cluster.now();
    const now = formatTimestamp(clock);
    this.writeStatus(target, (status, object) => {
      status.demotionToken = demotionToken(object, clock);
      status.switchReplicaClusterStatus = { inProgress: false };
      status.phase = CNPG_PHASES.healthy;
      delete status.phaseReason;
      let conditions = removeConditions(status.conditions, [
        FENCE,
        DESIGNATED_PRIMARY_TRANSITION,
      ]);
      conditions = setCondition(
        conditions,
        {
          type: REPLICA_CLUSTER_SWITCH,
          status: 'True',
          reason: 'ReplicaEnabledSetTrue',
          message: 'Completed the Replica cluster transition',
        },
        now,
      );
      status.conditions = setCondition(
        conditions,
        {
          type: 'Ready',
          status: 'True',
          reason: 'ClusterIsReady',
          message: 'Cluster is Ready',
        },
        now,
      );
    });
  }

  private startPromotion(key: string, target: Target): void {
    const now = formatTimestamp(this.cluster.now());
    const object = this.cluster.store.get(
      CLUSTERS,
      target.namespace,
      target.name,
    );
    if (!object) {
      return;
    }
    const token = getPath(object, ['spec', 'replica', 'promotionToken']);
    const problem =
      typeof token === 'string' && token !== ''
        ? promotionTokenProblem(token)
        : undefined;
    if (problem) {
      this.stuck.add(key);
      const message = `Invalid promotionToken format: ${problem}`;
      this.writeStatus(target, status => {
        status.phase = CNPG_PHASES.waitingForUser;
        status.phaseReason = message;
        status.conditions = setCondition(
          status.conditions,
          {
            type: REPLICA_CLUSTER_SWITCH,
            status: 'False',
            reason: 'InvalidPromotionToken',
            message,
          },
          now,
        );
      });
      return;
    }
    this.writeStatus(target, (status, current) => {
      status.phase = CNPG_PHASES.promoting;
      status.phaseReason = 'Replica cluster promotion in progress';
      status.targetPrimary =
        typeof status.currentPrimary === 'string'
          ? status.currentPrimary
          : `${String(getPath(current, ['metadata', 'name']))}-1`;
      status.targetPrimaryTimestamp = now;
    });
    this.timers.schedule(key, this.seconds, () => this.finishPromotion(target));
  }

  private finishPromotion(target: Target): void {
    const now = formatTimestamp(this.cluster.now());
    this.writeStatus(target, (status, object) => {
      const token = getPath(object, ['spec', 'replica', 'promotionToken']);
      status.phase = CNPG_PHASES.healthy;
      delete status.phaseReason;
      status.currentPrimary =
        typeof status.targetPrimary === 'string'
          ? status.targetPrimary
          : `${String(getPath(object, ['metadata', 'name']))}-1`;
      status.currentPrimaryTimestamp = now;
      status.timelineID =
        (typeof status.timelineID === 'number' ? status.timelineID : 1) + 1;
      if (typeof token === 'string' && token !== '') {
        status.lastPromotionToken = token;
      }
      status.switchReplicaClusterStatus = { inProgress: false };
      status.conditions = setCondition(
        removeConditions(status.conditions, [
          FENCE,
          DESIGNATED_PRIMARY_TRANSITION,
          REPLICA_CLUSTER_SWITCH,
        ]),
        {
          type: 'Ready',
          status: 'True',
          reason: 'ClusterIsReady',
          message: 'Cluster is Ready',
        },
        now,
      );
    });
  }
}
