export interface Config {
  /** Configuration of the Backstage DR suite. */
  disasterRecovery?: {
    /**
     * The tiers, most critical first. Replaces the default tiers (`tier-0` to `tier-3`); a tier
     * that keeps a default tier's name may leave out fields, which keep the default's values.
     * Durations are ISO 8601 (`PT15M`) or the short form (`15m`, `4h`, `7d`).
     * @visibility frontend
     */
    tiers?: Array<{
      /**
       * The value of the `disaster-recovery/tier` annotation.
       * @visibility frontend
       */
      name: string;
      /**
       * What the tier is for.
       * @visibility frontend
       */
      description?: string;
      /**
       * The largest RPO target a service of the tier may declare, e.g. `1h`.
       * @visibility frontend
       */
      maxRpo?: string;
      /**
       * The largest RTO target a service of the tier may declare, e.g. `4h`.
       * @visibility frontend
       */
      maxRto?: string;
      /**
       * The strategies a service of the tier may use: `backup-restore`, `pilot-light`,
       * `warm-standby`, `active-active`.
       * @visibility frontend
       */
      strategies?: Array<
        'backup-restore' | 'pilot-light' | 'warm-standby' | 'active-active'
      >;
      /**
       * How old a service's last drill may be before it is at risk, e.g. `90d`.
       * @visibility frontend
       */
      maxDrillAge?: string;
    }>;
    /**
     * Facts about the clusters of `kubernetes.clusterLocatorMethods` that the Kubernetes
     * plugin does not hold.
     */
    clusters?: Array<{
      /** The cluster's name, as in the Kubernetes plugin's config. */
      name: string;
      /** The cluster's region, e.g. `eu-west-1`. */
      region?: string;
    }>;
  };
}
