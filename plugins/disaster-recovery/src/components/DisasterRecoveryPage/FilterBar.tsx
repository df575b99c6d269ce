import { DrOverviewFacets } from '@backstage-dr/plugin-disaster-recovery-common';
import { humanizeEntityRef } from '@backstage/plugin-catalog-react';
import { parseEntityRef } from '@backstage/catalog-model';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import InputAdornment from '@material-ui/core/InputAdornment';
import ListItemText from '@material-ui/core/ListItemText';
import MenuItem from '@material-ui/core/MenuItem';
import Switch from '@material-ui/core/Switch';
import TextField from '@material-ui/core/TextField';
import { makeStyles } from '@material-ui/core/styles';
import SearchIcon from '@material-ui/icons/Search';
import { memo, useCallback, useEffect, useRef, useState } from 'react';
import { VERDICT_LABELS } from '../format';
import { ClusterRole, OverviewFilters, hasFilters } from './filters';
import { OVERVIEW_VERDICTS } from './verdicts';

const useStyles = makeStyles(theme => ({
  bar: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  select: { width: 150 },
  search: { width: 220 },
  // The default (secondary) label colour is too faint on the page's background.
  label: { color: theme.palette.text.primary },
}));

/** How an owner entity ref is shown: `payments-team`, or `user:jane` for a user. */
export function ownerLabel(ref: string): string {
  try {
    return humanizeEntityRef(parseEntityRef(ref), { defaultKind: 'group' });
  } catch {
    return ref;
  }
}

/** The filters a {@link MultiSelect} can change. */
type MultiFilter = 'verdict' | 'tier' | 'owner' | 'cluster' | 'strategy';

type FilterChange = (
  change: Partial<OverviewFilters>,
  options?: { replace?: boolean },
) => void;

type MultiSelectProps<T extends string> = {
  label: string;
  /** The filter it changes. */
  name: MultiFilter;
  values: readonly T[];
  options: readonly T[];
  optionLabel?: (value: T) => string;
  disabled?: boolean;
  /** Shown when nothing is selected; default `All`. */
  emptyLabel?: string;
  onChange: FilterChange;
};

function sameItems(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Whether a select shows the same: its values and options compared by content (the filters are
 * parsed anew from the URL on every change), the rest by identity. An open menu positions itself
 * on every render, so the selects that did not change must not render.
 */
function sameSelect<T extends string>(
  a: MultiSelectProps<T>,
  b: MultiSelectProps<T>,
): boolean {
  return (
    a.label === b.label &&
    a.name === b.name &&
    a.optionLabel === b.optionLabel &&
    a.disabled === b.disabled &&
    a.emptyLabel === b.emptyLabel &&
    a.onChange === b.onChange &&
    sameItems(a.values, b.values) &&
    sameItems(a.options, b.options)
  );
}

const identity = (v: string) => v;
const NONE: readonly string[] = [];
const verdictLabel = (v: string) =>
  VERDICT_LABELS[v as keyof typeof VERDICT_LABELS] ?? v;

function MultiSelectComponent<T extends string>(props: MultiSelectProps<T>) {
  const classes = useStyles();
  const { label, name, values, options, onChange } = props;
  const optionLabel = props.optionLabel ?? identity;
  // A value from a shared link that no service has any more stays selectable, so it can be removed.
  const all = [...options, ...values.filter(v => !options.includes(v))];
  return (
    <TextField
      select
      id={`dr-filter-${label.toLocaleLowerCase('en-US')}`}
      label={label}
      variant="outlined"
      size="small"
      className={classes.select}
      value={values}
      disabled={props.disabled}
      SelectProps={{
        multiple: true,
        renderValue: selected =>
          (selected as T[]).length === 0
            ? props.emptyLabel ?? 'All'
            : (selected as T[]).map(optionLabel).join(', '),
        displayEmpty: true,
        MenuProps: { getContentAnchorEl: null },
      }}
      InputLabelProps={{ shrink: true, className: classes.label }}
      onChange={e => onChange({ [name]: e.target.value as unknown as T[] })}
    >
      {all.map(option => (
        <MenuItem key={option} value={option} dense>
          <Checkbox
            size="small"
            checked={values.includes(option)}
            color="primary"
          />
          <ListItemText primary={optionLabel(option)} />
        </MenuItem>
      ))}
    </TextField>
  );
}

const MultiSelect = memo(MultiSelectComponent, sameSelect) as <
  T extends string,
>(
  props: MultiSelectProps<T>,
) => JSX.Element;

/**
 * The filters of the services table: tier, owner, verdict, cluster and strategy (several values
 * each), the role of the cluster (where services run, or would go), "My services", a text search (applied 300 ms after the last key), and the actions.
 */
export function FilterBar(props: {
  filters: OverviewFilters;
  facets?: DrOverviewFacets;
  onChange: (
    change: Partial<OverviewFilters>,
    options?: { replace?: boolean },
  ) => void;
  /** Buttons at the end of the bar, e.g. the CSV export. */
  actions?: React.ReactNode;
}) {
  const { filters, facets, onChange } = props;
  const classes = useStyles();
  // One change handler for the selects for as long as the bar is shown: the latest `onChange`
  // (it changes with the filters) through a ref.
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const change = useCallback<FilterChange>(
    (c, options) => onChangeRef.current(c, options),
    [],
  );
  const [q, setQ] = useState(filters.q);
  const typed = useRef(filters.q);

  // Follow the URL when it changes from elsewhere (back button, a shared link, clear).
  useEffect(() => {
    if (filters.q !== typed.current) {
      typed.current = filters.q;
      setQ(filters.q);
    }
  }, [filters.q]);

  useEffect(() => {
    if (q === typed.current) return undefined;
    const timer = setTimeout(() => {
      typed.current = q;
      onChange({ q }, { replace: true });
    }, 300);
    return () => clearTimeout(timer);
  }, [q, onChange]);

  return (
    <Box className={classes.bar} role="search" aria-label="Filter services">
      <TextField
        id="dr-filter-search"
        label="Search"
        placeholder="Service name or title"
        variant="outlined"
        size="small"
        className={classes.search}
        value={q}
        onChange={e => setQ(e.target.value)}
        InputLabelProps={{ shrink: true, className: classes.label }}
        InputProps={{
          startAdornment: (
            <InputAdornment position="start">
              <SearchIcon fontSize="small" />
            </InputAdornment>
          ),
        }}
      />
      <MultiSelect
        label="Verdict"
        name="verdict"
        values={filters.verdict}
        options={OVERVIEW_VERDICTS}
        optionLabel={verdictLabel}
        onChange={change}
      />
      <MultiSelect
        label="Tier"
        name="tier"
        values={filters.tier}
        options={facets?.tier ?? NONE}
        onChange={change}
      />
      <MultiSelect
        label="Owner"
        name="owner"
        values={filters.mine ? NONE : filters.owner}
        options={facets?.owner ?? NONE}
        optionLabel={ownerLabel}
        disabled={filters.mine}
        emptyLabel={filters.mine ? 'Yours and your groups' : undefined}
        onChange={change}
      />
      <MultiSelect
        label="Cluster"
        name="cluster"
        values={filters.cluster}
        options={facets?.cluster ?? NONE}
        onChange={change}
      />
      <TextField
        select
        id="dr-filter-cluster-role"
        label="Cluster role"
        variant="outlined"
        size="small"
        className={classes.select}
        value={filters.clusterRole ?? 'any'}
        InputLabelProps={{ shrink: true, className: classes.label }}
        onChange={e =>
          onChange({
            clusterRole:
              e.target.value === 'any'
                ? undefined
                : (e.target.value as ClusterRole),
          })
        }
      >
        <MenuItem value="any" dense>
          Any role
        </MenuItem>
        <MenuItem value="primary" dense>
          Primary (runs there)
        </MenuItem>
        <MenuItem value="recovery" dense>
          Recovery (would go there)
        </MenuItem>
      </TextField>
      <MultiSelect
        label="Strategy"
        name="strategy"
        values={filters.strategy}
        options={facets?.strategy ?? NONE}
        onChange={change}
      />
      <FormControlLabel
        control={
          <Switch
            color="primary"
            checked={filters.mine}
            onChange={(_e, mine) => onChange({ mine })}
          />
        }
        label="My services"
      />
      {hasFilters(filters) && (
        <Button
          size="small"
          onClick={() => {
            typed.current = '';
            setQ('');
            onChange({
              tier: [],
              owner: [],
              verdict: [],
              cluster: [],
              clusterRole: undefined,
              strategy: [],
              q: '',
              mine: false,
            });
          }}
        >
          Clear filters
        </Button>
      )}
      <Box flexGrow={1} />
      {props.actions}
    </Box>
  );
}
