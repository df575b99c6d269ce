import { formatDateTime, formatRelativeTime } from '../format';

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
