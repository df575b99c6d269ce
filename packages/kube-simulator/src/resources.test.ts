import {
  BUILTIN_RESOURCES,
  compareVersionPriority,
  ResourceRegistry,
} from './resources';

describe('compareVersionPriority', () => {
  it('orders versions as Kubernetes does', () => {
    expect(
      [
        'v1alpha1',
        'v1beta1',
        'v2',
        'foo',
        'v1',
        'v1beta2',
        'v2alpha1',
        'v10',
      ].sort(compareVersionPriority),
    ).toEqual([
      'v10',
      'v2',
      'v1',
      'v1beta2',
      'v1beta1',
      'v2alpha1',
      'v1alpha1',
      'foo',
    ]);
  });
});

describe('ResourceRegistry', () => {
  const registry = new ResourceRegistry([
    ...BUILTIN_RESOURCES,
    {
      ...BUILTIN_RESOURCES[1],
      group: 'example.com',
      version: 'v1beta1',
      custom: true,
    },
    {
      ...BUILTIN_RESOURCES[1],
      group: 'example.com',
      version: 'v1',
      custom: true,
    },
  ]);

  it('finds types by path and by apiVersion and kind', () => {
    expect(registry.byResource('apps', 'v1', 'statefulsets')?.kind).toBe(
      'StatefulSet',
    );
    expect(registry.byResource('', 'v1', 'statefulsets')).toBeUndefined();
    expect(registry.byApiVersionKind('v1', 'Pod')?.plural).toBe('pods');
    expect(
      registry.byApiVersionKind('example.com/v1beta1', 'Pod')?.version,
    ).toBe('v1beta1');
  });

  it('lists groups with their preferred version first, and CRD names', () => {
    expect(
      registry.groups(() => true).find(group => group.name === 'example.com'),
    ).toEqual({
      name: 'example.com',
      versions: ['v1', 'v1beta1'],
    });
    expect(
      registry.groups(type => type.group !== 'example.com').map(g => g.name),
    ).toEqual(['apps', 'autoscaling', 'batch', 'networking.k8s.io']);
    expect(registry.crdNames()).toEqual(['pods.example.com']);
  });

  it('refuses a resource defined twice', () => {
    expect(
      () => new ResourceRegistry([BUILTIN_RESOURCES[0], BUILTIN_RESOURCES[0]]),
    ).toThrow('Resource namespaces is defined twice in v1');
  });
});
