import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `disaster-recovery:catalog:register-local`, shown on the installed-actions page. */
export const examples: TemplateExample[] = [
  {
    description:
      'Registers the catalog-info.yaml that disaster-recovery:publish:local wrote, waiting up to 60 seconds',
    example: yaml.stringify({
      steps: [
        {
          id: 'register',
          action: 'disaster-recovery:catalog:register-local',
          name: 'Register in the catalog',
          input: {
            catalogInfoPath: '${{ steps.publish.output.catalogInfoPath }}',
          },
        },
      ],
    }),
  },
  {
    description:
      'Registers without waiting for the catalog to process the entity',
    example: yaml.stringify({
      steps: [
        {
          id: 'register',
          action: 'disaster-recovery:catalog:register-local',
          name: 'Register in the catalog',
          input: {
            catalogInfoPath: '${{ steps.publish.output.catalogInfoPath }}',
            waitSeconds: 0,
          },
        },
      ],
    }),
  },
];
