import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { exampleSteps, inputSchemaErrors } from '../__testUtils__/examples';
import { createStartRunAction } from './startRun';
import { examples } from './startRun.examples';

const action = createStartRunAction({
  discovery: mockServices.discovery(),
  auth: mockServices.auth(),
  config: new ConfigReader({}),
});

describe('disaster-recovery:run:start examples', () => {
  const steps = exampleSteps(examples, action.id);

  it('has examples', () => {
    expect(steps.length).toBe(3);
  });

  it.each(steps.map(s => [s.description, s.step] as const))(
    '%s: the input matches the schema',
    (_, step) => {
      expect(inputSchemaErrors(action, step.input)).toEqual([]);
    },
  );
});
