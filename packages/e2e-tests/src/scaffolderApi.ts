import { TestApp } from './app';

/** A finished scaffolder task: its status, its output and the log lines of its steps. */
export interface FinishedTask {
  id: string;
  status: 'completed' | 'failed' | 'cancelled';
  output: Record<string, any>;
  log: string[];
}

async function call(app: TestApp, path: string, init: RequestInit = {}) {
  const res = await fetch(`${app.backendUrl}${path}`, {
    ...init,
    headers: {
      ...init.headers,
      authorization: `Bearer ${await app.guestToken()}`,
      'content-type': 'application/json',
    },
  });
  if (!res.ok) {
    throw new Error(
      `${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`,
    );
  }
  return res.json();
}

/**
 * Waits until the catalog holds a template (the app reads examples/templates at start-up), and
 * returns its entity.
 */
export async function waitForTemplate(
  app: TestApp,
  name: string,
  timeoutMs = 120_000,
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await call(
        app,
        `/api/catalog/entities/by-name/template/default/${name}`,
      );
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(
          `template:default/${name} is not in the catalog after ${
            timeoutMs / 1000
          }s (is examples/templates in catalog.locations?): ${error}`,
        );
      }
      await new Promise(r => setTimeout(r, 1000));
    }
  }
}

/**
 * Runs a template through the scaffolder API as the guest user (`POST /v2/tasks`) and waits until
 * the task ends; returns its status, output and log.
 */
export async function runTemplate(
  app: TestApp,
  templateName: string,
  values: Record<string, unknown>,
  timeoutMs = 180_000,
): Promise<FinishedTask> {
  const { id } = await call(app, '/api/scaffolder/v2/tasks', {
    method: 'POST',
    body: JSON.stringify({
      templateRef: `template:default/${templateName}`,
      values,
    }),
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const task = await call(app, `/api/scaffolder/v2/tasks/${id}`);
    if (['completed', 'failed', 'cancelled'].includes(task.status)) {
      const events: any[] = await call(
        app,
        `/api/scaffolder/v2/tasks/${id}/events`,
      );
      const completion = events.find(e => e.type === 'completion');
      return {
        id,
        status: task.status,
        output: completion?.body?.output ?? {},
        log: events
          .filter(e => e.type === 'log')
          .map(e => `${e.body.stepId ?? ''} ${e.body.message}`),
      };
    }
    if (Date.now() > deadline) {
      throw new Error(`task ${id} still ${task.status} after ${timeoutMs}s`);
    }
    await new Promise(r => setTimeout(r, 500));
  }
}

const SIMULATED_CLUSTERS: Record<string, string> = {
  'prod-eu': 'http://127.0.0.1:6443',
  'dr-us': 'http://127.0.0.1:6444',
};

/**
 * Sends an object to a simulated cluster as `kubectl apply --dry-run=server --validate=strict`
 * would (`POST ?dryRun=All&fieldValidation=Strict`): the API server checks it against its CRD
 * schema (the real CRDs of ../shared/crds) and stores nothing. Throws with the server's message
 * when the object is refused.
 */
export async function dryRunCreate(cluster: string, object: any) {
  const [group, version] = object.apiVersion.includes('/')
    ? object.apiVersion.split('/')
    : ['', object.apiVersion];
  const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const plural = `${object.kind.toLowerCase()}s`;
  const url = `${SIMULATED_CLUSTERS[cluster]}${base}/namespaces/${object.metadata.namespace}/${plural}?dryRun=All&fieldValidation=Strict`;
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: 'Bearer local-dev-token',
      'content-type': 'application/json',
    },
    body: JSON.stringify(object),
  });
  if (!res.ok) {
    throw new Error(
      `${object.kind} ${object.metadata.name} refused by ${cluster}: ${
        res.status
      } ${await res.text()}`,
    );
  }
}
