// @ts-check
/*
 * OpenTelemetry for the backend, as Backstage's "Setup OpenTelemetry" tutorial describes: loaded
 * before anything else with `--require` (the `start` script; `node --require
 * ./packages/backend/src/instrumentation.js packages/backend` in production). Backstage's
 * plugins, the DR plugin among them, create their metrics through the OpenTelemetry API; this
 * exports them with the Prometheus exporter on its own port:
 *
 *   curl http://localhost:9464/metrics
 *
 * OTEL_METRICS_PROMETHEUS_PORT (default 9464) and OTEL_METRICS_PROMETHEUS_HOST (default 0.0.0.0)
 * change where; DR_METRICS_EXPORTER=off turns it off. A busy port is logged and the backend goes
 * on without the exporter.
 */

// Only once: the backend's worker threads load this file too.
const { isMainThread } = require('node:worker_threads');

if (isMainThread && process.env.DR_METRICS_EXPORTER !== 'off') {
  // Metrics only, unless traces or logs are asked for: the SDK would otherwise send both to an
  // OTLP collector on localhost.
  process.env.OTEL_TRACES_EXPORTER ??= 'none';
  process.env.OTEL_LOGS_EXPORTER ??= 'none';
  const { NodeSDK } = require('@opentelemetry/sdk-node');
  const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');

  const port = Number(process.env.OTEL_METRICS_PROMETHEUS_PORT ?? 9464);
  const host = process.env.OTEL_METRICS_PROMETHEUS_HOST ?? '0.0.0.0';
  const exporter = new PrometheusExporter({ port, host }, error => {
    if (error) {
      // eslint-disable-next-line no-console
      console.warn(
        `OpenTelemetry Prometheus exporter not started on ${host}:${port}: ${error.message}; the backend runs without it`,
      );
    } else {
      // eslint-disable-next-line no-console
      console.log(
        `OpenTelemetry Prometheus exporter: http://${host}:${port}/metrics`,
      );
    }
  });
  const sdk = new NodeSDK({ metricReaders: [exporter] });
  sdk.start();
  process.once('SIGTERM', () => {
    sdk.shutdown().catch(() => undefined);
  });
}
