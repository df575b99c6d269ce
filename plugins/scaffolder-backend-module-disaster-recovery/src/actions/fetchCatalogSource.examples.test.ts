import { ConfigReader } from '@backstage/config';
import { readDrScaffolderSettings } from '../config';
import { exampleSteps, inputSchemaErrors } from '../__testUtils__/examples';
import { createFetchCatalogSourceAction } from './fetchCatalogSource';
import { examples } from './fetchCatalogSource.examples';

const action = createFetchCatalogSourceAction({
  settings: readDrScaffolderSettings(new ConfigReader({}), '/srv'),
});

describe('disaster-recovery:catalog:fetch-source examples', () => {
  const steps = exampleSteps(examples, action.id);

  it('has examples', () => {
    expect(steps.length).toBe(2);
  });

  it.each(steps.map(s => [s.description, s.step] as const))(
    '%s: the input matches the schema',
    (_, step) => {
      expect(inputSchemaErrors(action, step.input)).toEqual([]);
    },
  );
});
