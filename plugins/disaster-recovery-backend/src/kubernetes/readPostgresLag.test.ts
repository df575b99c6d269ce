import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import {
  ClusterEvidence,
  PostgresCluster,
} from '@backstage-dr/plugin-disaster-recovery-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { KubernetesProxyClient } from './KubernetesProxyClient';
import { readPostgresReplicationLag } from './readPostgresLag';

const BASE = 'http://backstage.test/api/kubernetes';
const server = setupServer();
registerMswTestHooks(server);

const client = () =>
  new KubernetesProxyClient({
    discovery: {
      getBaseUrl: async () => BASE,
      getExternalBaseUrl: async () => BASE,
    },
    auth: mockServices.auth(),
    requestTimeoutMs: 2000,
    pageSize: 100,
  });

const pg = (
  name: string,
  replica: NonNullable<PostgresCluster['spec']>['replica'],
  currentPrimary?: string,
): PostgresCluster => ({
  metadata: { name, namespace: 'payments' },
  spec: { replica },
  status: { phase: 'Cluster in healthy state', currentPrimary },
});

const METRICS = `# HELP cnpg_pg_replication_lag The number of seconds behind the primary
# TYPE cnpg_pg_replication_lag gauge
cnpg_pg_replication_lag 52.5
# HELP cnpg_collector_up 1 if PostgreSQL is up
cnpg_collector_up{cluster="payments-db"} 1
`;

describe('readPostgresReplicationLag', () => {
  it('reads cnpg_pg_replication_lag of each replica cluster’s designated primary through the pod proxy', async () => {
    const paths: string[] = [];
    server.use(
      http.get(`${BASE}/proxy/api/v1/namespaces/*`, ({ request }) => {
        const match =
          /\/namespaces\/([^/]+)\/pods\/([^/]+)\/proxy\/metrics$/.exec(
            new URL(request.url).pathname,
          );
        const params = { ns: match?.[1], pod: match?.[2] };
        paths.push(
          `${request.headers.get('backstage-kubernetes-cluster')} ${
            params.ns
          }/${params.pod}`,
        );
        if (params.pod === 'orders-db-1:9187') {
          return HttpResponse.json(
            {
              kind: 'Status',
              code: 403,
              message: 'pods "orders-db-1" is forbidden: pods/proxy',
            },
            { status: 403 },
          );
        }
        if (params.pod === 'ledger-db-2:9187') {
          return new HttpResponse('cnpg_collector_up 1\n');
        }
        return new HttpResponse(METRICS, {
          headers: { 'content-type': 'text/plain; version=0.0.4' },
        });
      }),
    );
    const evidence: ClusterEvidence[] = [
      {
        cluster: 'prod-eu',
        objects: {
          // The primary side is not a replica: not read.
          postgresClusters: [pg('payments-db', undefined, 'payments-db-1')],
        },
      },
      {
        cluster: 'dr-us',
        objects: {
          postgresClusters: [
            pg('payments-db', { enabled: true }, 'payments-db-1'),
            pg('orders-db', { primary: 'a', self: 'b' }, 'orders-db-1'),
            pg('ledger-db', { enabled: true }, 'ledger-db-2'),
            // No designated primary yet: nothing to ask.
            pg('new-db', { enabled: true }),
          ],
        },
      },
    ];
    const logger = mockServices.logger.mock();
    await readPostgresReplicationLag({
      evidence,
      client: client(),
      logger,
      concurrency: 2,
      metricsPort: 9187,
    });
    expect(paths.sort()).toEqual([
      'dr-us payments/ledger-db-2:9187',
      'dr-us payments/orders-db-1:9187',
      'dr-us payments/payments-db-1:9187',
    ]);
    expect(evidence[1].postgresReplicationLagSeconds).toEqual({
      'payments/payments-db': 52.5,
    });
    expect(evidence[0].postgresReplicationLagSeconds).toBeUndefined();
    const logged = logger.info.mock.calls.map(c => c[0]);
    expect(logged).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          'Replication lag of payments/orders-db on dr-us not read: payments/orders-db-1:9187 on dr-us answered 403: pods "orders-db-1" is forbidden',
        ),
        'No cnpg_pg_replication_lag in the metrics of payments/ledger-db (ledger-db-2) on dr-us',
      ]),
    );
  });
});
