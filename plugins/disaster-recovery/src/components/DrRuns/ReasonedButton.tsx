import Tooltip from '@material-ui/core/Tooltip';
import { ReactElement } from 'react';

/**
 * A button that, when disabled, says why in a tooltip (on a wrapper: a disabled button gets no
 * pointer events).
 */
export function ReasonedButton(props: {
  reason?: string;
  children: ReactElement;
}) {
  const { reason, children } = props;
  if (!reason) {
    return children;
  }
  return (
    <Tooltip title={reason}>
      <span data-testid="disabled-reason">{children}</span>
    </Tooltip>
  );
}
