import { ComponentType, ReactNode } from 'react';

/**
 * A status icon of `@backstage/core-components` (`StatusOK`, `StatusError`, ...) followed by its
 * text. The status components hide their content from assistive technology (`aria-hidden`), so
 * the text goes beside the icon rather than inside it: screen readers read it, and it is part of
 * the accessible name of a link or cell that contains it.
 */
export function StatusText(props: {
  status: ComponentType<{ children?: ReactNode }>;
  children?: ReactNode;
}) {
  const { status: Status, children } = props;
  return (
    <span style={{ display: 'inline-flex', alignItems: 'center' }}>
      <Status />
      {children}
    </span>
  );
}
