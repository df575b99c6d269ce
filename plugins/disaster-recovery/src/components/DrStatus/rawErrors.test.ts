import { splitRawError } from './rawErrors';

describe('splitRawError', () => {
  it.each([
    [
      'Cluster dr-us could not be read: connect ECONNREFUSED 10.0.0.7:443',
      'Cluster dr-us could not be read.',
      'connect ECONNREFUSED 10.0.0.7:443',
    ],
    [
      'BackupStorageLocation velero/default on prod-eu is Unavailable: rpc error: code = Unknown desc = operation error S3: ListObjectsV2, https response error StatusCode: 403, RequestID: 7QX1, HostID: aGVsbG8=',
      'BackupStorageLocation velero/default on prod-eu is Unavailable.',
      'rpc error: code = Unknown desc = operation error S3: ListObjectsV2, https response error StatusCode: 403, RequestID: 7QX1, HostID: aGVsbG8=',
    ],
    [
      'Cluster prod-eu could not be read: backups: 403 Forbidden from https://k8s.prod-eu.example.com',
      'Cluster prod-eu could not be read.',
      'backups: 403 Forbidden from https://k8s.prod-eu.example.com',
    ],
  ])('puts the raw error of %j behind details', (message, summary, raw) => {
    expect(splitRawError(message)).toEqual({ summary, raw });
  });

  it.each([
    'Schedule velero/orders-db-daily on prod-eu backs up PVC commerce/data-orders-db-0 only every 1d; the RPO target is 1h.',
    'Never drilled: no completed drill, failover or Velero Restore.',
    'Achieved RPO 3h is above the RPO target 1h.',
    'Schedule velero/orders-api-30m: missed 5 runs since 09:00; Velero on prod-eu may be down. Every run is Enabled.',
  ])('leaves %j whole', message => {
    expect(splitRawError(message)).toEqual({ summary: message });
  });
});
