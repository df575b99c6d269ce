import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import disasterRecoveryPlugin from '@backstage-dr/plugin-disaster-recovery/alpha';
import notificationsPlugin from '@backstage/plugin-notifications/alpha';
import { navModule } from './modules/nav';

export default createApp({
  // Feature discovery (`app.packages: all`) finds these too when the CLI bundles the app; they are
  // listed so that they are installed without it as well (tests, `app.packages` include lists).
  features: [
    catalogPlugin,
    disasterRecoveryPlugin,
    notificationsPlugin,
    navModule,
  ],
});
