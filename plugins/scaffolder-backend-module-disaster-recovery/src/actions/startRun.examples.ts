import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `disaster-recovery:run:start`, shown on the installed-actions page. */
export const examples: TemplateExample[] = [
  {
    description:
      'Starts a DR drill of the entity picked in the form, keeping the drill namespace afterwards',
    example: yaml.stringify({
      steps: [
        {
          id: 'run',
          action: 'disaster-recovery:run:start',
          name: 'Start the drill',
          input: {
            entityRef: '${{ parameters.entityRef }}',
            type: 'drill',
            keepNamespace: true,
          },
        },
      ],
      output: {
        links: [
          {
            title: 'The drill on the DR tab',
            url: '${{ steps.run.output.runUrl }}',
          },
        ],
      },
    }),
  },
  {
    description:
      "Fails a service over to its recovery cluster, after the user typed the entity's name; goes on although the newest recovery point is older than the RPO",
    example: yaml.stringify({
      steps: [
        {
          id: 'run',
          action: 'disaster-recovery:run:start',
          name: 'Fail over',
          input: {
            entityRef: 'component:default/orders-db',
            type: 'failover',
            acceptDataLoss: true,
            confirmEntityName: '${{ parameters.confirmName }}',
          },
        },
      ],
    }),
  },
  {
    description:
      'Shows what a failback would do (every object it would create or patch), changing nothing',
    example: yaml.stringify({
      steps: [
        {
          id: 'plan',
          action: 'disaster-recovery:run:start',
          name: 'Plan the failback',
          input: {
            entityRef: 'component:default/orders-db',
            type: 'failback',
            dryRun: true,
          },
        },
      ],
    }),
  },
];
