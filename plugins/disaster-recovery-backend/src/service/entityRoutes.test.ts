import {
  mockErrorHandler,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import express from 'express';
import Router from 'express-promise-router';
import request from 'supertest';
import { DrStatusStore } from '../database/DrStatusStore';
import { addEntityRoutes } from './entityRoutes';

// The entity routes through HTTP: the path segments are checked before the catalog is asked.

const databases = TestDatabases.create({
  ids: ['SQLITE_3'],
  disableDocker: true,
});

const NOW = '2026-11-30T06:00:00Z';

async function startApp() {
  const knex = await databases.init('SQLITE_3');
  const store = await DrStatusStore.create({
    getClient: async () => knex,
    migrations: { skip: false },
  });
  await store.replaceAll(
    [
      {
        entityRef: 'component:default/orders-db',
        kind: 'Component',
        namespace: 'default',
        name: 'orders-db',
        verdict: 'undeclared',
        clusters: [],
        updatedAt: NOW,
      },
    ],
    NOW,
  );
  const catalog = catalogServiceMock({
    entities: [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'orders-db', namespace: 'default' },
        spec: {},
      },
    ],
  });
  const getEntityByRef = jest.spyOn(catalog, 'getEntityByRef');
  const router = Router();
  addEntityRoutes(router, {
    store,
    httpAuth: mockServices.httpAuth(),
    catalog,
    runState: async r => r,
  });
  const app = express();
  app.use(router);
  app.use(mockErrorHandler());
  return { app, getEntityByRef };
}

describe('entity routes', () => {
  it('answers 400 naming a malformed segment, without asking the catalog', async () => {
    const { app, getEntityByRef } = await startApp();
    const cases: Array<[string, string]> = [
      [
        `/entities/component/default/${encodeURIComponent(
          "x' OR '1'='1",
        )}/status`,
        `name "x' OR '1'='1" is not a valid entity name; use letters, digits, -, _ and ., starting and ending with a letter or digit, up to 63 characters (e.g. orders-db)`,
      ],
      [
        `/entities/component/default/${'a'.repeat(64)}/history`,
        `name "${'a'.repeat(64)}" is not a valid entity name; use`,
      ],
      [
        '/entities/component/no_such/orders-db/status',
        'namespace "no_such" is not a valid entity namespace; use letters, digits and -',
      ],
      [
        `/entities/${encodeURIComponent(
          'comp onent',
        )}/default/orders-db/status`,
        'kind "comp onent" is not a valid entity kind; use letters and digits, starting with a letter',
      ],
      [
        `/entities/component/default/${encodeURIComponent('..')}/history`,
        'name ".." is not a valid entity name',
      ],
    ];
    for (const [path, message] of cases) {
      const res = await request(app).get(path);
      expect([path, res.status, res.body.error?.name]).toEqual([
        path,
        400,
        'InputError',
      ]);
      expect(res.body.error.message.startsWith(message)).toBe(true);
    }
    expect(getEntityByRef).not.toHaveBeenCalled();
  });

  it('asks the catalog about valid segments, in any case', async () => {
    const { app, getEntityByRef } = await startApp();
    const status = await request(app).get(
      '/entities/Component/Default/orders-db/status',
    );
    expect(status.status).toBe(200);
    expect(status.body.entityRef).toBe('component:default/orders-db');
    expect(getEntityByRef).toHaveBeenCalledWith(
      'component:default/orders-db',
      expect.anything(),
    );
    const missing = await request(app).get(
      '/entities/component/default/payments-api/history',
    );
    expect(missing.status).toBe(404);
  });
});
