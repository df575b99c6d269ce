import { InputError } from '@backstage/errors';
import { z } from 'zod';

/** A query parameter given once or repeated: `undefined` or a list. */
export const list = (item: z.ZodType<string>) =>
  z
    .union([item, z.array(item)])
    .optional()
    .transform(v => (v === undefined || Array.isArray(v) ? v : [v]));

/**
 * Parses `value` with `schema`.
 *
 * @throws InputError (400) naming the first bad parameter and the accepted form.
 */
export function parse<T extends z.ZodType>(
  schema: T,
  value: unknown,
): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InputError(
      `${issue.path.join('.') || 'query'}: ${issue.message}`,
    );
  }
  return result.data;
}
