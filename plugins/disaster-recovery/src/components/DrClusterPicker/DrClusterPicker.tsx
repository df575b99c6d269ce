import { useApi } from '@backstage/core-plugin-api';
import { DrClusterOverview } from '@backstage-dr/plugin-disaster-recovery-common';
import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { ScaffolderField } from '@backstage/plugin-scaffolder-react/alpha';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Autocomplete from '@material-ui/lab/Autocomplete';
import { useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { disasterRecoveryApiRef } from '../../api';

/** The name templates use for the field: `ui:field: DrClusterPicker`. */
export const DR_CLUSTER_PICKER = 'DrClusterPicker';

/** How the picker names each cluster state, as the clusters panel does. */
export const CLUSTER_STATE_LABELS: Record<DrClusterOverview['state'], string> =
  {
    ok: 'OK',
    degraded: 'degraded',
    unreachable: 'unreachable',
  };

const useStyles = makeStyles(theme => ({
  option: {
    display: 'flex',
    width: '100%',
    justifyContent: 'space-between',
    gap: theme.spacing(2),
  },
  name: { whiteSpace: 'nowrap' },
  // The primary text colour: the secondary one is too pale on a highlighted option (axe-core
  // color-contrast).
  state: { whiteSpace: 'nowrap', fontStyle: 'italic' },
}));

/** The cluster's state as the option shows it. */
function stateText(cluster: DrClusterOverview): string {
  return CLUSTER_STATE_LABELS[cluster.state] ?? cluster.state;
}

/**
 * A scaffolder field for a cluster name (`ui:field: DrClusterPicker`): a text field that offers
 * the clusters the DR backend knows (`GET /clusters`, in name order) with the state the last
 * refresh saw on each (OK, degraded, unreachable), and still takes any other name, e.g. a cluster
 * that the last refresh did not read yet. A value already in the form (a default, or `formData`
 * in the URL as "Fix with the template" opens it) is kept. When the clusters cannot be read, the
 * field says so and stays a free text field.
 */
export function DrClusterPicker(props: FieldExtensionComponentProps<string>) {
  const {
    onChange,
    schema: { title = 'Cluster', description },
    required,
    uiSchema,
    rawErrors,
    formData,
    idSchema,
    errors,
    disabled,
  } = props;
  const classes = useStyles();
  const [open, setOpen] = useState(false);
  const api = useApi(disasterRecoveryApiRef);
  const clusters = useAsync(async () => (await api.getClusters()).items, [api]);
  const byName = useMemo(
    () => new Map((clusters.value ?? []).map(c => [c.cluster, c])),
    [clusters.value],
  );
  const names = useMemo(() => [...byName.keys()].sort(), [byName]);
  const isDisabled = disabled || uiSchema?.['ui:disabled'] === true;
  const selected = formData ? byName.get(formData) : undefined;

  let helperText: string | undefined;
  if (clusters.error) {
    helperText = `Could not read the known clusters (${clusters.error.message}); type the cluster's name.`;
  } else if (formData && clusters.value && !selected) {
    helperText = `"${formData}" is not among the clusters the DR backend knows (${
      names.join(', ') || 'none yet'
    }).`;
  } else if (selected && selected.state !== 'ok') {
    helperText = `${formData} was ${stateText(selected)} at the last refresh.`;
  }

  return (
    <ScaffolderField
      rawErrors={rawErrors}
      rawDescription={uiSchema?.['ui:description'] ?? description}
      required={required}
      disabled={isDisabled}
      errors={errors}
    >
      <Autocomplete<string, false, false, true>
        id={idSchema?.$id}
        // MUI v4's Autocomplete gives its combobox aria-owns only; ARIA 1.2 (and axe-core's
        // aria-required-attr) wants aria-controls naming the list while it is open.
        open={open}
        onOpen={() => setOpen(true)}
        onClose={() => setOpen(false)}
        aria-controls={
          open && idSchema?.$id ? `${idSchema.$id}-popup` : undefined
        }
        freeSolo
        disabled={isDisabled}
        loading={clusters.loading}
        options={names}
        value={formData ?? null}
        inputValue={formData ?? ''}
        // Typing is choosing: a name not offered is kept as it is typed.
        onInputChange={(_event, value) => onChange(value || undefined)}
        onChange={(_event, value) => onChange(value || undefined)}
        renderOption={name => {
          const cluster = byName.get(name);
          return (
            <span className={classes.option}>
              <span className={classes.name}>{name}</span>
              {cluster && (
                <Typography
                  component="span"
                  variant="body2"
                  className={classes.state}
                >
                  {stateText(cluster)}
                </Typography>
              )}
            </span>
          );
        }}
        renderInput={params => (
          <TextField
            {...params}
            label={title}
            margin="dense"
            variant="outlined"
            required={required}
            disabled={isDisabled}
            error={Boolean(rawErrors?.length)}
            helperText={helperText}
          />
        )}
      />
    </ScaffolderField>
  );
}
