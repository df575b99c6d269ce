import { Entity } from '@backstage/catalog-model';
import { isDisasterRecoveryAvailable } from './conditions';

const entity = (
  kind: string,
  type?: string,
  annotations: Record<string, string> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'x', annotations },
  spec: type === undefined ? {} : { type },
});

describe('isDisasterRecoveryAvailable', () => {
  it('is true for Components of type service or database', () => {
    expect(isDisasterRecoveryAvailable(entity('Component', 'service'))).toBe(
      true,
    );
    expect(isDisasterRecoveryAvailable(entity('component', 'Database'))).toBe(
      true,
    );
  });

  it('is false for other Components and kinds without DR annotations', () => {
    expect(isDisasterRecoveryAvailable(entity('Component', 'website'))).toBe(
      false,
    );
    expect(isDisasterRecoveryAvailable(entity('Component'))).toBe(false);
    expect(isDisasterRecoveryAvailable(entity('Resource', 'database'))).toBe(
      false,
    );
    expect(isDisasterRecoveryAvailable(entity('System'))).toBe(false);
  });

  it('is true for any entity with a disaster-recovery/* annotation', () => {
    expect(
      isDisasterRecoveryAvailable(
        entity('Resource', 'database', { 'disaster-recovery/tier': 'tier-1' }),
      ),
    ).toBe(true);
    expect(
      isDisasterRecoveryAvailable(
        entity('Component', 'website', { 'disaster-recovery/tierr': 'x' }),
      ),
    ).toBe(true);
  });

  it('ignores annotations of other prefixes', () => {
    expect(
      isDisasterRecoveryAvailable(
        entity('Component', 'library', { 'backstage.io/kubernetes-id': 'x' }),
      ),
    ).toBe(false);
  });
});
