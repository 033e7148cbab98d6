import { z } from 'zod';

/**
 * The fields of a Grafana dashboard JSON (schemaVersion 39, Grafana 10/11) that ops/grafana relies
 * on for import and display. Grafana ignores what it does not know; these it needs.
 */
const Datasource = z.object({ type: z.literal('prometheus'), uid: z.string().min(1) });
const GridPos = z.object({
  x: z.number().int().min(0).max(23),
  y: z.number().int().min(0),
  w: z.number().int().min(1).max(24),
  h: z.number().int().min(1),
});
const Target = z.object({
  refId: z.string().regex(/^[A-Z]$/),
  expr: z.string().min(1),
  datasource: Datasource,
  legendFormat: z.string().optional(),
  instant: z.boolean().optional(),
  format: z.enum(['time_series', 'table', 'heatmap']).optional(),
});
const Row = z.object({
  id: z.number().int().positive(),
  type: z.literal('row'),
  title: z.string().min(1),
  gridPos: GridPos,
  collapsed: z.boolean(),
  panels: z.array(z.unknown()),
});
const DataPanel = z.object({
  id: z.number().int().positive(),
  type: z.enum(['timeseries', 'stat', 'table', 'gauge', 'bargauge']),
  title: z.string().min(1),
  gridPos: GridPos,
  datasource: Datasource,
  targets: z.array(Target).min(1),
  fieldConfig: z.object({ defaults: z.record(z.string(), z.unknown()), overrides: z.array(z.unknown()) }),
  transformations: z
    .array(z.object({ id: z.string(), options: z.record(z.string(), z.unknown()) }))
    .optional(),
});
const Variable = z.discriminatedUnion('type', [
  z.object({ type: z.literal('datasource'), name: z.string(), query: z.literal('prometheus') }),
  z.object({
    type: z.literal('query'),
    name: z.string(),
    datasource: Datasource,
    definition: z.string().min(1),
    query: z.object({ query: z.string().min(1), refId: z.string() }),
  }),
  z.object({
    type: z.literal('custom'),
    name: z.string(),
    query: z.string().min(1),
    options: z.array(z.object({ text: z.string(), value: z.string(), selected: z.boolean() })).min(1),
  }),
]);

export const GrafanaDashboard = z.object({
  __inputs: z
    .array(z.object({ name: z.string(), type: z.literal('datasource'), pluginId: z.literal('prometheus') }))
    .min(1),
  uid: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/),
  title: z.string().min(1),
  schemaVersion: z.number().int().min(36),
  time: z.object({ from: z.string(), to: z.string() }),
  templating: z.object({ list: z.array(Variable) }),
  panels: z.array(z.union([Row, DataPanel])).min(1),
});
export type GrafanaDashboard = z.infer<typeof GrafanaDashboard>;
export type DataPanel = z.infer<typeof DataPanel>;

export function dataPanels(d: GrafanaDashboard): DataPanel[] {
  return d.panels.filter((p): p is DataPanel => p.type !== 'row');
}

/** Grafana's built-in variables the dashboard's queries may use beside its own. */
export const BUILTIN_VARIABLES = ['__range', '__rate_interval', '__interval'];

/** Every `$name` / `${name}` a string uses. */
export function variablesIn(text: string): string[] {
  return [...text.matchAll(/\$\{?(\w+)\}?/g)].map((m) => m[1] ?? '');
}
