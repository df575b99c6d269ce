import { DrPartialDeclaration } from '../declaration';
import { KubeObject } from './kubernetes';
import { DrServiceLocation } from './locate';
import { DrResourceType } from './resources';
import { SanitizedEvidence } from './sanitize';
import {
  ClusterEvidence,
  DrEvaluationOptions,
  DrPvcCoverage,
  DrReason,
  DrRecoveryPoint,
  DrServiceTarget,
  DrStatus,
} from './types';
import { DrPodMount } from './velero';

/**
 * One PVC of the service on one of its primary clusters, as the evaluation hands it to providers.
 * Providers refer to a PVC by this object (identity) in {@link DrProviderEvidence}.
 *
 * @public
 */
export interface DrProviderPvc {
  /** The primary cluster it lives on. */
  cluster: string;
  /** The `PersistentVolumeClaim` (core/v1), sanitized. */
  pvc: KubeObject;
  /** `namespace/name`. */
  key: string;
  /** The service's pods that mount it (from pod templates), with their volume names. */
  mounts: DrPodMount[];
}

/**
 * What a provider is given to judge one service: pure data, no I/O and no clock besides `now`.
 *
 * @public
 */
export interface DrProviderContext {
  declaration: DrPartialDeclaration;
  target: DrServiceTarget;
  now: Date;
  /** `now` in epoch milliseconds. */
  nowMs: number;
  options: DrEvaluationOptions;
  /** Where the service lives: the clusters in scope (sanitized), its objects, its primaries. */
  location: DrServiceLocation;
  /** The service's PVCs on its primary clusters (empty for a service without volumes). */
  pvcs: readonly DrProviderPvc[];
  /** The primary cluster(s) (`disaster-recovery/primary-cluster`, else where it serves). */
  primaries: readonly string[];
  /** The primaries' names for messages, e.g. `prod-eu`, or `the primary cluster`. */
  primaryName: string;
  /** The recovery cluster(s): the declared one, else every cluster in scope but the primaries. */
  recoveryClusters: readonly string[];
  isPrimary(cluster: string): boolean;
  /** A cluster's sanitized evidence, when it is in scope. */
  evidenceOf(cluster: string): SanitizedEvidence | undefined;
  /**
   * The clusters to search for drill evidence (restores): the scope when a recovery cluster is
   * declared, else every cluster read (unsanitized; sanitize with `sanitizeEvidence`).
   */
  drillClusters: readonly ClusterEvidence[];
  /**
   * A provider's objects of one resource (its `DrResourceType.resource` key) on a cluster, or an
   * empty list when they were not read.
   */
  objectsOf<T extends KubeObject = KubeObject>(
    evidence: SanitizedEvidence,
    resource: string,
  ): T[];
}

/**
 * A recovery point found by a provider. `point` is what the status lists; when `ms` is given the
 * point counts: the evaluation offers it to the PVCs in `pvcs` (their newest counted point) and,
 * when `service` is true, to the service as a whole (used for a service without PVCs).
 *
 * @public
 */
export interface DrProviderRecoveryPoint {
  /** The point as the status lists it; absent when it is only a PVC's newest point (a replication sync). */
  point?: DrRecoveryPoint;
  /** Epoch milliseconds of the point (never after `now`), when it counts. */
  ms?: number;
  /** The PVCs whose data it holds off the primary cluster, with the point to show for them. */
  pvcs?: Array<{
    pvc: DrProviderPvc;
    point: NonNullable<DrPvcCoverage['newestPoint']>;
  }>;
  /** Whether it is a counted point of the service as a whole. */
  service?: boolean;
}

/**
 * A mechanism that protects one PVC: a schedule, a replication source, a replica.
 *
 * @public
 */
export interface DrProviderCoverage {
  pvc: DrProviderPvc;
  by: DrPvcCoverage['coveredBy'][number];
  /**
   * Its worst-case interval in seconds (0 for continuous replication), when it moves the data
   * off the cluster and its interval can be read; used for the cadence rule.
   */
  cadence?: { seconds: number; by: string };
  /** Whether it replicates to another cluster (not a backup): counts for warm-standby and pilot-light. */
  replicates?: boolean;
}

/**
 * Everything one provider found about one service. Lists are in the order found; the evaluation
 * keeps that order within a provider and runs providers in a fixed order.
 *
 * @public
 */
export interface DrProviderEvidence {
  /** Risks and breaches about the provider's own objects (malformed, paused, failing, ...). */
  reasons?: DrReason[];
  recoveryPoints?: DrProviderRecoveryPoint[];
  coverage?: DrProviderCoverage[];
  /** Schedules that back the service up (shown; their cadence counts only through `coverage` or `manifestCadenceSeconds`). */
  schedules?: DrStatus['schedules'];
  /** For a service without PVCs: worst-case intervals (seconds) of schedules that back it up off the cluster. */
  manifestCadenceSeconds?: number[];
  replication?: DrStatus['replication'];
  /** Replica links to other clusters (a replica database, a mirror), healthy or not. */
  replicaLinks?: number;
  /**
   * Storage locations the service's points depend on (one entry per location), with the reason
   * to give when it is not healthy; the evaluation gives these reasons after every provider's own.
   */
  storageLocations?: Array<
    DrStatus['storageLocations'][number] & { reason?: DrReason }
  >;
  /** Completed restores of the service outside its primary (drill evidence). */
  drills?: Array<NonNullable<DrStatus['lastDrill']>>;
  /** Points more than the clock skew ahead of now, per cluster (`Backup x at <time>`). */
  futurePoints?: Array<{ cluster: string; what: string }>;
  /** What the provider sees in place for the declared strategy. */
  strategy?: {
    /** Something replicates the service's data to a recovery cluster. */
    replicatesToRecovery?: boolean;
    /** A backup of the service can be restored on a recovery cluster (pilot-light). */
    restorableOnRecovery?: boolean;
    /** A standby of the service runs on a recovery cluster (e.g. a replica database). */
    standbyOnRecovery?: boolean;
  };
}

/**
 * A source of DR evidence: the Kubernetes resource types it reads from every cluster and what
 * they mean for a service. The backend lists each resource type once per cluster per refresh and
 * calls `evaluate` once per service with the objects read; a provider without `evaluate` only
 * has its objects read (e.g. the service's workloads, which the evaluation itself locates).
 *
 * `evaluate` must be pure (no I/O, no clock but `context.now`) and must not throw on malformed
 * objects: name the object and field in a reason instead. An exception is caught by the
 * evaluation and makes the service `unknown` (reason `provider-failed`).
 *
 * @public
 */
export interface DrStatusProvider {
  /** A stable id, e.g. `velero`. */
  id: string;
  /** A name for people, e.g. `Velero`. */
  title: string;
  /**
   * The resource types it reads. The built-in ones are in `DR_RESOURCE_TYPES`; a provider may
   * add its own (a unique `resource` key). Objects of every type are checked for
   * `metadata.name`; the provider checks the fields it reads.
   */
  resourceTypes: readonly DrResourceType[];
  /** Judges one service from the objects read. */
  evaluate?(context: DrProviderContext): DrProviderEvidence;
}
