import { LabelSelector } from './kubernetes';

/**
 * Whether a label set matches a Kubernetes label selector (`metav1.LabelSelector`): every
 * `matchLabels` pair and every `matchExpressions` requirement must hold. An empty selector
 * matches everything, as in Kubernetes.
 *
 * @public
 */
export function matchesLabelSelector(
  selector: LabelSelector,
  labels: Record<string, string> | undefined,
): boolean {
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (have[key] !== value) {
      return false;
    }
  }
  for (const { key, operator, values = [] } of selector.matchExpressions ??
    []) {
    const present = Object.prototype.hasOwnProperty.call(have, key);
    switch (operator) {
      case 'In':
        if (!present || !values.includes(have[key])) return false;
        break;
      case 'NotIn':
        if (present && values.includes(have[key])) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
      default:
        // An operator Kubernetes does not know selects nothing.
        return false;
    }
  }
  return true;
}

/**
 * Parses a label selector written as a string, as in `kubectl -l` and the
 * `backstage.io/kubernetes-label-selector` annotation: comma-separated requirements
 * `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`.
 *
 * @throws TypeError naming the requirement that is not one of those forms
 * @public
 */
export function parseLabelSelector(text: string): LabelSelector {
  const matchLabels: Record<string, string> = {};
  const matchExpressions: NonNullable<LabelSelector['matchExpressions']> = [];
  // Split on commas that are not inside a parenthesised value set.
  const requirements = text.match(/[^,(]+(\([^)]*\))?[^,]*/g) ?? [];
  for (const raw of requirements) {
    const requirement = raw.trim();
    if (requirement === '') continue;
    const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(requirement);
    const equality = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(requirement);
    if (set) {
      const values = set[3]
        .split(',')
        .map(v => v.trim())
        .filter(Boolean);
      matchExpressions.push({
        key: set[1],
        operator: set[2] === 'in' ? 'In' : 'NotIn',
        values,
      });
    } else if (equality) {
      if (equality[2] === '!=') {
        matchExpressions.push({
          key: equality[1],
          operator: 'NotIn',
          values: [equality[3]],
        });
      } else {
        matchLabels[equality[1]] = equality[3];
      }
    } else if (/^![^\s!=(),]+$/.test(requirement)) {
      matchExpressions.push({
        key: requirement.slice(1),
        operator: 'DoesNotExist',
      });
    } else if (/^[^\s!=(),]+$/.test(requirement)) {
      matchExpressions.push({ key: requirement, operator: 'Exists' });
    } else {
      throw new TypeError(
        `"${requirement}" is not a label selector requirement; use key=value, key!=value, key in (a,b), key notin (a), key or !key`,
      );
    }
  }
  return { matchLabels, matchExpressions };
}
