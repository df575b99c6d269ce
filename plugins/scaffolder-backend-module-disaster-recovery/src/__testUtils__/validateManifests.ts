import Ajv from 'ajv';
import {
  DEFAULT_CRD_DIR,
  Simulator,
  startSimulator,
} from '@backstage-dr/kube-simulator';

/**
 * Checks generated Kubernetes objects the way an API server would, for tests:
 *
 * - custom resources with a CRD in the CRD folder (Velero, CloudNativePG, CSI snapshots, ...) are
 *   loaded into a simulated cluster, which validates them against the CRD's OpenAPI v3 schema with
 *   unknown fields as errors. The folder is `DR_CRD_DIR`, else the simulator's default
 *   (`../shared/crds` beside the repository);
 * - VolSync objects, whose CRDs are not kept there (AGPL), are checked against VolSync's
 *   documented fields (`api/v1alpha1` of backube/volsync: `ReplicationSourceSpec`,
 *   `ReplicationDestinationSpec`, their `rsyncTLS` specs and the trigger's cron pattern), with
 *   unknown fields as errors.
 */
export class ManifestValidator {
  private constructor(private readonly simulator: Simulator) {}

  /** Starts a one-cluster simulator on a free port. Call {@link ManifestValidator.stop} after. */
  static async start(): Promise<ManifestValidator> {
    const simulator = await startSimulator({
      clusters: [{ name: 'validate', port: 0 }],
      crdDir: process.env.DR_CRD_DIR ?? DEFAULT_CRD_DIR,
    });
    return new ManifestValidator(simulator);
  }

  /** Validates objects; throws an Error naming the object and field when one is invalid. */
  validate(objects: object[]): void {
    const volsync = objects.filter(o =>
      String((o as { apiVersion?: string }).apiVersion).startsWith(
        'volsync.backube/',
      ),
    );
    for (const object of volsync) {
      validateVolSync(object);
    }
    this.simulator.cluster('validate').load(objects);
  }

  async stop() {
    await this.simulator.stop();
  }
}

const string = { type: 'string' };
const volumeOptions = {
  copyMethod: { type: 'string', enum: ['Direct', 'None', 'Clone', 'Snapshot'] },
  capacity: {
    type: 'string',
    pattern: '^\\d+(\\.\\d+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$',
  },
  storageClassName: string,
  accessModes: {
    type: 'array',
    minItems: 1,
    items: {
      type: 'string',
      enum: [
        'ReadWriteOnce',
        'ReadOnlyMany',
        'ReadWriteMany',
        'ReadWriteOncePod',
      ],
    },
  },
  volumeSnapshotClassName: string,
};
const moverConfig = {
  moverSecurityContext: { type: 'object' },
  moverServiceAccount: string,
  moverPodLabels: { type: 'object', additionalProperties: string },
  moverResources: { type: 'object' },
  moverAffinity: { type: 'object' },
};
const metadata = {
  type: 'object',
  required: ['name', 'namespace'],
  properties: {
    name: {
      type: 'string',
      pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
      maxLength: 63,
    },
    namespace: string,
    labels: { type: 'object', additionalProperties: string },
    annotations: { type: 'object', additionalProperties: string },
  },
  additionalProperties: false,
};
const trigger = {
  type: 'object',
  additionalProperties: false,
  properties: {
    schedule: {
      type: 'string',
      pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$',
    },
    manual: string,
  },
};

const VOLSYNC_SCHEMAS: Record<string, object> = {
  ReplicationSource: {
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    additionalProperties: false,
    properties: {
      apiVersion: { const: 'volsync.backube/v1alpha1' },
      kind: { const: 'ReplicationSource' },
      metadata,
      spec: {
        type: 'object',
        required: ['sourcePVC', 'rsyncTLS'],
        additionalProperties: false,
        properties: {
          sourcePVC: string,
          trigger,
          paused: { type: 'boolean' },
          rsyncTLS: {
            type: 'object',
            required: ['address', 'keySecret'],
            additionalProperties: false,
            properties: {
              ...volumeOptions,
              keySecret: string,
              address: string,
              port: { type: 'integer', minimum: 0, maximum: 65535 },
              ...moverConfig,
            },
          },
        },
      },
    },
  },
  ReplicationDestination: {
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    additionalProperties: false,
    properties: {
      apiVersion: { const: 'volsync.backube/v1alpha1' },
      kind: { const: 'ReplicationDestination' },
      metadata,
      spec: {
        type: 'object',
        required: ['rsyncTLS'],
        additionalProperties: false,
        properties: {
          trigger,
          paused: { type: 'boolean' },
          rsyncTLS: {
            type: 'object',
            required: ['keySecret'],
            additionalProperties: false,
            // Either destinationPVC, or both capacity and accessModes (VolSync's doc of destinationPVC).
            anyOf: [
              { required: ['destinationPVC'] },
              { required: ['capacity', 'accessModes'] },
            ],
            properties: {
              ...volumeOptions,
              destinationPVC: string,
              keySecret: string,
              serviceType: {
                type: 'string',
                enum: ['ClusterIP', 'LoadBalancer', 'NodePort'],
              },
              serviceAnnotations: {
                type: 'object',
                additionalProperties: string,
              },
              ...moverConfig,
            },
          },
        },
      },
    },
  },
};

const ajv = new Ajv({ allErrors: true, strict: false });

function validateVolSync(object: object) {
  const kind = (object as { kind?: string }).kind ?? '';
  const schema = VOLSYNC_SCHEMAS[kind];
  if (!schema) {
    throw new Error(`VolSync kind ${kind} is not one the generator writes`);
  }
  const check = ajv.compile(schema);
  if (!check(object)) {
    const name = (object as { metadata?: { name?: string } }).metadata?.name;
    const problems = (check.errors ?? []).map(error => {
      const at = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
      const extra = (error.params as { additionalProperty?: string })
        .additionalProperty;
      return extra
        ? `${at ? `${at}.` : ''}${extra}: unknown field`
        : `${at}: ${error.message}`;
    });
    throw new Error(`${kind} ${name}: ${problems.join('; ')}`);
  }
}
