import { candidateBackups } from './backupIndex';
import { VeleroBackup } from './kubernetes';

const backup = (name: string, spec: VeleroBackup['spec']): VeleroBackup => ({
  metadata: { name, namespace: 'velero' },
  spec,
});

describe('candidateBackups', () => {
  const backups = [
    backup('all-namespaces', {}),
    backup('wildcard', {
      includedNamespaces: ['*'],
      labelSelector: { matchLabels: { app: 'orders' } },
    }),
    backup('commerce', { includedNamespaces: ['commerce'] }),
    backup('commerce-orders', {
      includedNamespaces: ['commerce', 'shop'],
      labelSelector: { matchLabels: { tier: 'db', app: 'orders' } },
    }),
    backup('commerce-billing', {
      includedNamespaces: ['commerce'],
      labelSelector: { matchLabels: { app: 'billing' } },
    }),
    backup('payments', { includedNamespaces: ['payments'] }),
    backup('expressions', {
      includedNamespaces: ['commerce'],
      labelSelector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] },
    }),
    backup('or', {
      includedNamespaces: ['commerce'],
      orLabelSelectors: [{ matchLabels: { app: 'billing' } }],
    }),
  ];
  const names = (objects: Parameters<typeof candidateBackups>[1]) =>
    candidateBackups(backups, objects).map(b => b.metadata.name);

  it('keeps the backups that may take in the objects, in their order', () => {
    expect(
      names([
        {
          metadata: {
            name: 'orders-0',
            namespace: 'commerce',
            labels: { app: 'orders', tier: 'db' },
          },
        },
      ]),
    ).toEqual([
      'all-namespaces',
      'wildcard',
      'commerce',
      'commerce-orders',
      'expressions',
      'or',
    ]);
  });

  it('drops backups of other namespaces and other labels', () => {
    expect(
      names([
        {
          metadata: {
            name: 'x',
            namespace: 'payments',
            labels: { app: 'ledger' },
          },
        },
      ]),
    ).toEqual(['all-namespaces', 'payments']);
  });

  it('answers the same list again from its index', () => {
    const objects = [
      { metadata: { name: 'x', namespace: 'shop', labels: { app: 'orders' } } },
    ];
    expect(names(objects)).toEqual([
      'all-namespaces',
      'wildcard',
      'commerce-orders',
    ]);
    expect(names(objects)).toEqual([
      'all-namespaces',
      'wildcard',
      'commerce-orders',
    ]);
  });
});
