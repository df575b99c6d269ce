import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { DR_CLUSTER_PICKER, DrClusterPicker } from './DrClusterPicker';

/** `DrClusterPicker` as a scaffolder form field of the new frontend system. */
export const drClusterPickerFormField = createFormField({
  name: DR_CLUSTER_PICKER,
  component: DrClusterPicker,
});
