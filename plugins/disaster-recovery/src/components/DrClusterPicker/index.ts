export { DrClusterPicker, DR_CLUSTER_PICKER } from './DrClusterPicker';
