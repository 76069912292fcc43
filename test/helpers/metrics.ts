/** What metricValue reads: any prom-client counter or gauge. */
export interface ReadableMetric {
  get(): Promise<{ values: { value: number; labels: object }[] }>;
}

/**
 * The value of a metric for the series whose labels include `labels` (0 when no such series was
 * ever set): the one way tests read a metric in process, e.g.
 * `metricValue(gw.deps.metrics.cacheResults, { result: 'HIT' })`.
 */
export async function metricValue(
  metric: ReadableMetric,
  labels: Record<string, string> = {},
): Promise<number> {
  const { values } = await metric.get();
  const series = values.find((v) =>
    Object.entries(labels).every(([name, value]) => (v.labels as Record<string, unknown>)[name] === value),
  );
  return series?.value ?? 0;
}
