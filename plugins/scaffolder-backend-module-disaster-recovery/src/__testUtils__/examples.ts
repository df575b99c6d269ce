import Ajv from 'ajv';
import yaml from 'yaml';
import {
  TemplateAction,
  TemplateExample,
} from '@backstage/plugin-scaffolder-node';

const ajv = new Ajv({ strict: false, allErrors: true });

/** A step of an example template. */
export interface ExampleStep {
  id: string;
  action: string;
  input: Record<string, unknown>;
}

/** The steps of every example that run the given action, with the example's description. */
export function exampleSteps(
  examples: TemplateExample[],
  actionId: string,
): Array<{ description: string; step: ExampleStep }> {
  return examples.flatMap(example => {
    const parsed = yaml.parse(example.example) as { steps: ExampleStep[] };
    return parsed.steps
      .filter(step => step.action === actionId)
      .map(step => ({ description: example.description, step }));
  });
}

function isTemplated(value: unknown) {
  return typeof value === 'string' && value.includes('${{');
}

/**
 * Checks an example step's input against the action's input schema (the JSON schema the
 * scaffolder validates with). Values that are template expressions (`${{ ... }}`) are only
 * known when a task runs, so they are left out of the check; returns the schema errors.
 */
export function inputSchemaErrors(
  action: TemplateAction<any, any, any>,
  input: Record<string, unknown>,
): string[] {
  const schema = action.schema?.input as
    | { properties?: Record<string, unknown>; required?: string[] }
    | undefined;
  if (!schema) {
    return ['the action has no input schema'];
  }
  const templated = Object.keys(input).filter(key => isTemplated(input[key]));
  const concrete = Object.fromEntries(
    Object.entries(input).filter(([key]) => !templated.includes(key)),
  );
  const check = ajv.compile({
    ...schema,
    required: (schema.required ?? []).filter(key => !templated.includes(key)),
  });
  return check(concrete)
    ? []
    : (check.errors ?? []).map(e => `${e.instancePath} ${e.message}`);
}
