import { DrResourceType } from '../../evaluation/resources';

/** The provider's id, as `DrResourceType.provider` and in recovery-point sources. */
export const K8SSANDRA_PROVIDER_ID = 'k8ssandra';

/**
 * The resource types the K8ssandra provider reads from every cluster (k8ssandra-operator v1.32.5,
 * cass-operator v1.32.0; CRDs `k8ssandra.io_k8ssandraclusters`,
 * `cassandra.datastax.com_cassandradatacenters`, `control.k8ssandra.io_cassandratasks`,
 * `medusa.k8ssandra.io_medusa*`). `MedusaConfiguration` is read for the storage a
 * K8ssandraCluster names by `spec.medusa.medusaConfigurationRef`.
 *
 * @public
 */
export const K8SSANDRA_RESOURCE_TYPES: readonly DrResourceType[] =
  Object.freeze([
    {
      resource: 'k8ssandraClusters',
      group: 'k8ssandra.io',
      version: 'v1alpha1',
      plural: 'k8ssandraclusters',
      kind: 'K8ssandraCluster',
      provider: K8SSANDRA_PROVIDER_ID,
    },
    {
      resource: 'cassandraDatacenters',
      group: 'cassandra.datastax.com',
      version: 'v1beta1',
      plural: 'cassandradatacenters',
      kind: 'CassandraDatacenter',
      provider: K8SSANDRA_PROVIDER_ID,
    },
    {
      resource: 'cassandraTasks',
      group: 'control.k8ssandra.io',
      version: 'v1alpha1',
      plural: 'cassandratasks',
      kind: 'CassandraTask',
      provider: K8SSANDRA_PROVIDER_ID,
    },
    {
      resource: 'medusaBackups',
      group: 'medusa.k8ssandra.io',
      version: 'v1alpha1',
      plural: 'medusabackups',
      kind: 'MedusaBackup',
      provider: K8SSANDRA_PROVIDER_ID,
    },
    {
      resource: 'medusaBackupJobs',
      group: 'medusa.k8ssandra.io',
      version: 'v1alpha1',
      plural: 'medusabackupjobs',
      kind: 'MedusaBackupJob',
      provider: K8SSANDRA_PROVIDER_ID,
    },
    {
      resource: 'medusaBackupSchedules',
      group: 'medusa.k8ssandra.io',
      version: 'v1alpha1',
      plural: 'medusabackupschedules',
      kind: 'MedusaBackupSchedule',
      provider: K8SSANDRA_PROVIDER_ID,
    },
    {
      resource: 'medusaRestoreJobs',
      group: 'medusa.k8ssandra.io',
      version: 'v1alpha1',
      plural: 'medusarestorejobs',
      kind: 'MedusaRestoreJob',
      provider: K8SSANDRA_PROVIDER_ID,
    },
    {
      resource: 'medusaConfigurations',
      group: 'medusa.k8ssandra.io',
      version: 'v1alpha1',
      plural: 'medusaconfigurations',
      kind: 'MedusaConfiguration',
      provider: K8SSANDRA_PROVIDER_ID,
    },
  ]);
