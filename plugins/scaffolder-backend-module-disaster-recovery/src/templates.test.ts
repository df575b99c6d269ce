import os from 'node:os';
import path from 'node:path';
import fs from 'fs-extra';
import yaml from 'yaml';
import Ajv from 'ajv';
import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { DR_TIER_ANNOTATION } from '@backstage-dr/plugin-disaster-recovery-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createStartRunAction } from './actions/startRun';
import { inputSchemaErrors } from './__testUtils__/examples';
import { mockActionContext } from './__testUtils__/mockActionContext';

/**
 * The run templates of `examples/templates`: they parse, are registered in the app's catalog
 * locations, pick DR-declared components, and give `disaster-recovery:run:start` an input it
 * accepts (the parameters filled in as the form would).
 */

const REPO = path.resolve(__dirname, '../../..');
const DR = 'http://backstage.test/api/disaster-recovery';

const server = setupServer();
registerMswTestHooks(server);

type Schema = {
  required?: string[];
  properties: Record<string, Record<string, any>>;
};
type Template = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; title: string };
  spec: {
    parameters: Schema[];
    steps: Array<{ id: string; action: string; input: Record<string, any> }>;
    output: { links: Array<{ title: string; url?: string }> };
  };
};

function readTemplate(name: string): Template {
  return yaml.parse(
    fs.readFileSync(
      path.join(REPO, 'examples/templates', name, 'template.yaml'),
      'utf8',
    ),
  );
}

/** The parameters as the form gives them: each property's default, then `values`. */
function formValues(template: Template, values: Record<string, unknown>) {
  const defaults = Object.fromEntries(
    template.spec.parameters.flatMap(page =>
      Object.entries(page.properties)
        .filter(([, p]) => p.default !== undefined)
        .map(([key, p]) => [key, p.default]),
    ),
  );
  return { ...defaults, ...values };
}

/** Resolves `${{ parameters.x }}` inputs, as the scaffolder does for a lone expression. */
function resolveInput(
  input: Record<string, any>,
  parameters: Record<string, unknown>,
) {
  return Object.fromEntries(
    Object.entries(input).map(([key, value]) => {
      const match =
        typeof value === 'string' &&
        /^\$\{\{\s*parameters\.(\w+)\s*\}\}$/.exec(value);
      if (typeof value === 'string' && value.includes('${{') && !match) {
        throw new Error(`${key}: ${value} is not resolved by this test`);
      }
      return [key, match ? parameters[match[1]] : value];
    }),
  );
}

const action = createStartRunAction({
  discovery: { getBaseUrl: async () => DR, getExternalBaseUrl: async () => DR },
  auth: mockServices.auth(),
  config: new ConfigReader({ app: { baseUrl: 'http://localhost:3000' } }),
});

async function runStep(input: Record<string, unknown>) {
  const bodies: unknown[] = [];
  server.use(
    http.post(`${DR}/runs`, async ({ request }) => {
      const body = (await request.json()) as Record<string, unknown>;
      bodies.push(body);
      return HttpResponse.json(
        { id: 'run-1', state: 'pending', ...body },
        { status: 201 },
      );
    }),
  );
  const ctx = mockActionContext({ input, workspacePath: os.tmpdir() });
  await action.handler(ctx);
  return { bodies, outputs: ctx.outputs };
}

const cases = [
  {
    name: 'run-dr-drill',
    title: 'Run a DR drill',
    type: 'drill',
    values: { entityRef: 'component:default/orders-db', keepNamespace: true },
    body: {
      type: 'drill',
      entityRef: 'component:default/orders-db',
      keepNamespace: true,
    },
  },
  {
    name: 'fail-over-service',
    title: 'Fail over a service',
    type: 'failover',
    values: {
      entityRef: 'component:default/orders-db',
      acceptDataLoss: true,
      confirmName: 'orders-db',
    },
    body: {
      type: 'failover',
      entityRef: 'component:default/orders-db',
      acceptDataLoss: true,
      primaryUnreachable: false,
    },
  },
] as const;

describe.each(cases)('template $name', c => {
  const template = readTemplate(c.name);

  it('is a v1beta3 Template named as its folder', () => {
    expect(template).toMatchObject({
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: c.name, title: c.title },
    });
  });

  it("is registered in app-config.yaml's catalog locations, with a rule allowing Template", () => {
    const appConfig = yaml.parse(
      fs.readFileSync(path.join(REPO, 'app-config.yaml'), 'utf8'),
    );
    const location = appConfig.catalog.locations.find(
      (l: { target: string }) =>
        l.target === `../../examples/templates/${c.name}/template.yaml`,
    );
    expect(location).toMatchObject({
      type: 'file',
      rules: [{ allow: ['Template'] }],
    });
  });

  it('has parameter pages that are valid JSON schemas', () => {
    const ajv = new Ajv({ strict: false });
    for (const page of template.spec.parameters) {
      expect(() => ajv.compile(page)).not.toThrow();
    }
  });

  it('picks components that declare a DR tier', () => {
    const picker = template.spec.parameters[0].properties.entityRef;
    expect(picker['ui:field']).toBe('EntityPicker');
    expect(picker['ui:options'].catalogFilter).toEqual({
      kind: 'Component',
      [`metadata.annotations.${DR_TIER_ANNOTATION}`]: { exists: true },
    });
  });

  it('gives disaster-recovery:run:start an input it accepts and links to the run', async () => {
    const steps = template.spec.steps.filter(s => s.action === action.id);
    expect(steps).toHaveLength(1);
    const input = resolveInput(steps[0].input, formValues(template, c.values));
    expect(input.type).toBe(c.type);
    expect(inputSchemaErrors(action, input)).toEqual([]);

    const { bodies, outputs } = await runStep(input);
    expect(bodies).toEqual([c.body]);
    expect(outputs.runUrl).toBe(
      'http://localhost:3000/catalog/default/component/orders-db/disaster-recovery?run=run-1',
    );
    expect(template.spec.output.links[0].url).toBe(
      `\${{ steps.${steps[0].id}.output.runUrl }}`,
    );
  });
});

describe('template fail-over-service', () => {
  const template = readTemplate('fail-over-service');

  it('asks to type the name, and does not start when it differs', async () => {
    const confirm = template.spec.parameters.find(
      page => page.properties.confirmName,
    )!;
    expect(confirm.required).toContain('confirmName');
    const step = template.spec.steps[0];
    const input = resolveInput(
      step.input,
      formValues(template, {
        entityRef: 'component:default/orders-db',
        confirmName: 'orders',
      }),
    );
    const run = runStep(input);
    await expect(run).rejects.toThrow(/confirmEntityName: "orders" is not/);
  });

  it('describes what accepting data loss and an unreachable primary mean', () => {
    const options = template.spec.parameters.find(
      page => page.properties.acceptDataLoss,
    )!.properties;
    expect(options.acceptDataLoss.description).toMatch(
      /older than the service's RPO.*lost/s,
    );
    expect(options.primaryUnreachable.description).toMatch(
      /cannot be reached to stop its writes/,
    );
  });
});
