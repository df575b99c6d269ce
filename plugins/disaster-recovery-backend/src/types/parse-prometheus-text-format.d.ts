/** Types of `parse-prometheus-text-format` (the package ships none). */
declare module 'parse-prometheus-text-format' {
  /** One metric family of a Prometheus text exposition; sample values are strings. */
  export interface MetricFamily {
    name: string;
    help: string;
    type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    metrics: Array<{ value?: string; labels?: Record<string, string> }>;
  }
  /** Parses a Prometheus text exposition (format 0.0.4); throws on a malformed line. */
  export default function parsePrometheusTextFormat(
    text: string,
  ): MetricFamily[];
}
