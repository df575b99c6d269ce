import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples of `disaster-recovery:catalog:fetch-source`, shown on the installed-actions page. */
export const examples: TemplateExample[] = [
  {
    description:
      'Finds the catalog file of an entity read with catalog:fetch; a local file is copied into the workspace under source/',
    example: yaml.stringify({
      steps: [
        {
          id: 'entity',
          action: 'catalog:fetch',
          name: 'Read the entity',
          input: { entityRef: 'component:default/orders-db' },
        },
        {
          id: 'source',
          action: 'disaster-recovery:catalog:fetch-source',
          name: 'Find its catalog file',
          input: { entity: '${{ steps.entity.output.entity }}' },
        },
      ],
    }),
  },
  {
    description:
      'For an entity declared in a repository: fetch the file the action names, to annotate it and open a pull request',
    example: yaml.stringify({
      steps: [
        {
          id: 'source',
          action: 'disaster-recovery:catalog:fetch-source',
          name: 'Find its catalog file',
          input: {
            entity: '${{ steps.entity.output.entity }}',
            targetPath: 'repo',
          },
        },
        {
          id: 'fetch',
          if: "${{ steps.source.output.locationType === 'url' }}",
          action: 'fetch:plain:file',
          name: 'Fetch the catalog file',
          input: {
            url: '${{ steps.source.output.url }}',
            targetPath: '${{ steps.source.output.filePath }}',
          },
        },
      ],
    }),
  },
];
