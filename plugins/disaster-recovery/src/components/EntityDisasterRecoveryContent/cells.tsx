import { StatusError } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { ReactNode } from 'react';
import { formatDateTime, formatRelativeTime } from '../format';
import { StatusText } from '../StatusText';

/** A time as local date and time, with the exact RFC 3339 value on hover; `—` when unknown. */
export function TimeCell(props: { time?: string; relative?: boolean }) {
  const { time, relative } = props;
  if (!time) {
    return <>—</>;
  }
  return (
    <time dateTime={time} title={time}>
      {relative ? formatRelativeTime(time) : formatDateTime(time)}
    </time>
  );
}

/** A status error whose text, not only its icon, is in the theme's error colour. */
export function ErrorText(props: { children: ReactNode }) {
  return (
    <StatusText status={StatusError}>
      <Typography component="span" variant="inherit" color="error">
        {props.children}
      </Typography>
    </StatusText>
  );
}
