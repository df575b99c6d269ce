import { useTheme } from '@material-ui/core/styles';
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
  const theme = useTheme();
  return (
    <StatusText status={StatusError}>
      {/* The dark red: the main one is below 4.5:1 on white and on tinted rows. */}
      <Typography
        component="span"
        variant="inherit"
        style={{ color: theme.palette.error.dark }}
        data-tone="error"
      >
        {props.children}
      </Typography>
    </StatusText>
  );
}
