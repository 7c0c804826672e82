/** The package ships no types: it turns a Prometheus text exposition into metric families. */
declare module 'parse-prometheus-text-format' {
  export interface Sample {
    value?: string
    labels?: Record<string, string>
    /** Histograms and summaries. */
    count?: string
    sum?: string
    buckets?: Record<string, string>
    quantiles?: Record<string, string>
  }
  export interface MetricFamily {
    name: string
    help: string
    type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED'
    metrics: Sample[]
  }
  export default function parsePrometheusTextFormat(text: string): MetricFamily[]
}
