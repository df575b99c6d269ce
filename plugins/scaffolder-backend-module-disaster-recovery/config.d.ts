export interface Config {
  disasterRecovery?: {
    /** Settings of the DR scaffolder actions (`disaster-recovery:*`). */
    scaffolder?: {
      /**
       * The shortest interval between two Velero backups of one service that the platform
       * accepts, a duration in ISO 8601 (PT5M) or short form (5m). Default `5m`. Backups are
       * scheduled at most every half RPO, so a `backup-restore` service cannot ask for an RPO
       * shorter than twice this.
       * @visibility backend
       */
      minBackupInterval?: string;
      /**
       * Where `disaster-recovery:publish:local` writes repositories: a folder, absolute or
       * relative to the backend's working directory. Default `.data/scaffolder-output`.
       * Add a `file` location with the glob `<directory>/*\/catalog-info.yaml` to
       * `catalog.locations` so that `disaster-recovery:catalog:register-local` can register them.
       * @visibility backend
       */
      publishDirectory?: string;
      /**
       * Folders (absolute or relative to the backend's working directory) whose catalog files
       * `disaster-recovery:catalog:fetch-source` may copy into a task's workspace, for entities
       * registered from `file` locations. Default: none, so no local file is ever read.
       * @visibility backend
       */
      localSourceDirectories?: string[];
    };
  };
}
