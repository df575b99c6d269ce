import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `disaster-recovery:publish:local`, shown on the installed-actions page. */
export const examples: TemplateExample[] = [
  {
    description:
      'Publishes the workspace as the local git repository .data/scaffolder-output/orders-db',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          action: 'disaster-recovery:publish:local',
          name: 'Publish locally',
          input: { name: 'orders-db' },
        },
      ],
    }),
  },
  {
    description:
      'Publishes one folder of the workspace on the branch trunk, with a commit message',
    example: yaml.stringify({
      steps: [
        {
          id: 'publish',
          action: 'disaster-recovery:publish:local',
          name: 'Publish locally',
          input: {
            name: 'orders-db',
            sourcePath: 'service',
            defaultBranch: 'trunk',
            gitCommitMessage: 'orders-db with its DR configuration',
          },
        },
      ],
    }),
  },
];
