import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import disasterRecoveryPlugin from '@backstage-dr/plugin-disaster-recovery/alpha';
import notificationsPlugin from '@backstage/plugin-notifications/alpha';
import scaffolderPlugin from '@backstage/plugin-scaffolder/alpha';
import { navModule } from './modules/nav';

export default createApp({
  // Feature discovery (`app.packages: all`) finds these too when the CLI bundles the app; they are
  // listed so that they are installed without it as well (tests, `app.packages` include lists).
  // The scaffolder's form fields include the DR plugin's DrClusterPicker (the templates' cluster
  // fields).
  features: [
    catalogPlugin,
    disasterRecoveryPlugin,
    notificationsPlugin,
    scaffolderPlugin,
    navModule,
  ],
});
