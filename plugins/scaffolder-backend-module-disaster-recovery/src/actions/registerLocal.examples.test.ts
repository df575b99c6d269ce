import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { readDrScaffolderSettings } from '../config';
import { exampleSteps, inputSchemaErrors } from '../__testUtils__/examples';
import { createRegisterLocalAction } from './registerLocal';
import { examples } from './registerLocal.examples';

const action = createRegisterLocalAction({
  settings: readDrScaffolderSettings(new ConfigReader({}), '/srv'),
  discovery: mockServices.discovery(),
  auth: mockServices.auth(),
});

describe('disaster-recovery:catalog:register-local examples', () => {
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
