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
import { useEffect, useRef, useState } from 'react';
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

function MultiSelect<T extends string>(props: {
  label: string;
  values: T[];
  options: readonly T[];
  optionLabel?: (value: T) => string;
  disabled?: boolean;
  /** Shown when nothing is selected; default `All`. */
  emptyLabel?: string;
  onChange: (values: T[]) => void;
}) {
  const classes = useStyles();
  const { label, values, options, onChange } = props;
  const optionLabel = props.optionLabel ?? ((v: T) => v);
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
      onChange={e => onChange(e.target.value as unknown as T[])}
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
        values={filters.verdict}
        options={OVERVIEW_VERDICTS}
        optionLabel={v => VERDICT_LABELS[v]}
        onChange={verdict => onChange({ verdict })}
      />
      <MultiSelect
        label="Tier"
        values={filters.tier}
        options={facets?.tier ?? []}
        onChange={tier => onChange({ tier })}
      />
      <MultiSelect
        label="Owner"
        values={filters.mine ? [] : filters.owner}
        options={facets?.owner ?? []}
        optionLabel={ownerLabel}
        disabled={filters.mine}
        emptyLabel={filters.mine ? 'Yours and your groups' : undefined}
        onChange={owner => onChange({ owner })}
      />
      <MultiSelect
        label="Cluster"
        values={filters.cluster}
        options={facets?.cluster ?? []}
        onChange={cluster => onChange({ cluster })}
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
        values={filters.strategy}
        options={(facets?.strategy ?? []) as OverviewFilters['strategy']}
        onChange={strategy => onChange({ strategy })}
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
