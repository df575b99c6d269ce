import path from 'node:path';
import { InputError } from '@backstage/errors';

/**
 * Resolves a workspace-relative path, refusing one that leaves the workspace (`../x`, `/etc/x`).
 *
 * @param workspacePath - the task's workspace folder (absolute)
 * @param relative - a path relative to it
 * @param field - the input field the path came from, named in the error
 * @throws InputError naming the field and the accepted form
 */
export function resolveInWorkspace(
  workspacePath: string,
  relative: string,
  field = 'path',
): string {
  const resolved = path.resolve(workspacePath, relative);
  const inside = path.relative(workspacePath, resolved);
  if (inside.startsWith('..') || path.isAbsolute(inside)) {
    throw new InputError(
      `${field}: "${relative}" is outside the workspace; use a path relative to it, such as catalog-info.yaml`,
    );
  }
  return resolved;
}

/**
 * Whether `child` is `parent` or inside it (both absolute).
 */
export function isInside(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return (
    relative === '' ||
    (!relative.startsWith('..') && !path.isAbsolute(relative))
  );
}
