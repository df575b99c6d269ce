/*
 * The Backstage backend that runs the DR suite: catalog, scaffolder, kubernetes, auth and
 * permissions from Backstage, plus every plugin and module of this repository.
 */

import { createBackend } from '@backstage/backend-defaults';
import {
  drModuleCloudNativePgBackupsProvider,
  drModuleCloudNativePgProvider,
  drModuleCsiSnapshotsProvider,
  drModuleK8ssandraProvider,
  drModuleKastenProvider,
  drModuleKubeStashProvider,
  drModuleStrimziProvider,
  drModuleVolumeReplicationProvider,
  drModuleVeleroProvider,
  drModuleVolSyncProvider,
  drModuleWorkloadsProvider,
} from '@backstage-dr/plugin-disaster-recovery-backend';
import { permissionModuleLocalPolicy } from './permissionPolicy';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// Auth: the guest provider signs people in locally (app-config.yaml `auth.providers.guest`).
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

// Catalog, with the DR declaration checks of this suite.
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
backend.add(import('@backstage/plugin-catalog-backend-module-unprocessed'));
backend.add(
  import('@backstage-dr/plugin-catalog-backend-module-disaster-recovery'),
);

// Scaffolder.
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
// DR actions: disaster-recovery:config:generate, :catalog:annotate, and local publish/register.
backend.add(
  import('@backstage-dr/plugin-scaffolder-backend-module-disaster-recovery'),
);

// Permissions. The local policy lets everyone do everything except see why clusters could not
// be read (disaster-recovery.clusters.details: platform-team only; the guest user is in it): fine
// on a laptop, never in production. Replace it with your own policy module there (see README,
// "Permissions").
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(permissionModuleLocalPolicy);

// Kubernetes: the clusters configured under `kubernetes.clusterLocatorMethods`.
backend.add(import('@backstage/plugin-kubernetes-backend'));

// Disaster recovery: the status backend, reading the Kubernetes plugin's clusters through its
// proxy, with the built-in status providers.
backend.add(import('@backstage-dr/plugin-disaster-recovery-backend'));
backend.add(drModuleWorkloadsProvider);
backend.add(drModuleVeleroProvider);
backend.add(drModuleCsiSnapshotsProvider);
backend.add(drModuleVolSyncProvider);
backend.add(drModuleCloudNativePgProvider);
backend.add(drModuleStrimziProvider);
backend.add(drModuleCloudNativePgBackupsProvider);
backend.add(drModuleVolumeReplicationProvider);
backend.add(drModuleKubeStashProvider);
backend.add(drModuleKastenProvider);
backend.add(drModuleK8ssandraProvider);

// User settings (stored per user) and signals (live updates pushed to the browser).
backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
// Notifications: the DR plugin tells owning groups when a service's verdict changes; signals
// bring them to open browsers at once.
backend.add(import('@backstage/plugin-notifications-backend'));

backend.start();
