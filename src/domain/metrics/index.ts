/** Public API of the delivery-metrics domain (pure: no I/O, no clock; pass `now` in). */

export { type ChartPeriod, type DoraChartInput, renderDoraChart } from "./chart";
export * from "./dora";
export * from "./range";
