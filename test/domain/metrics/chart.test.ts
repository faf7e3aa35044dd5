import { describe, expect, it } from "vitest";
import { type ChartPeriod, renderDoraChart } from "../../../src/domain/metrics";

const period = (start: string, deployments: number, failures: number, lead: number | null): ChartPeriod => ({
  period_start: start,
  deployments,
  failures,
  lead_time_p50_hours: lead,
});

const SERIES = [
  period("2026-10-05", 2, 0, 24),
  period("2026-10-12", 4, 1, null),
  period("2026-10-19", 1, 0, 8),
  period("2026-10-26", 3, 0, 12),
];

const chart = (
  series: readonly ChartPeriod[],
  title = "Delivery for Bondi Surf Co",
  interval: "week" | "month" = "week",
) => renderDoraChart({ title, interval, series });

/** The bars' rects (the background and legend swatches are the ones at y=0 or 14 with fixed sizes). */
function barHeights(svg: string, fill: string): number[] {
  const heights: number[] = [];
  for (const match of svg.matchAll(
    /<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)" fill="([^"]+)"\/>/g,
  )) {
    if (match[3] === fill && match[1] !== "14") heights.push(Number(match[2]));
  }
  return heights;
}

describe("renderDoraChart", () => {
  it("is a standalone, labelled image: title and description linked, nothing to run or fetch", () => {
    const svg = chart(SERIES);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.endsWith("</svg>")).toBe(true);
    expect(svg).toContain('role="img" aria-labelledby="dora-title dora-desc"');
    expect(svg).toContain('<title id="dora-title">Delivery for Bondi Surf Co</title>');
    expect(svg).toContain(
      '<desc id="dora-desc">10 deployments and 1 failed change over 4 weeks, from the week of 5 Oct 2026 to the week of 26 Oct 2026. Median lead time per week ranged from 8 to 24 hours.</desc>',
    );
    expect(svg).not.toMatch(/<script|<style|href|url\(|NaN|Infinity/);
    expect(svg.replace("http://www.w3.org/2000/svg", "")).not.toContain("http");
    expect(chart(SERIES)).toBe(svg);
  });

  it("escapes the title", () => {
    const svg = chart(SERIES, `<script>alert("x")</script> & 'co'`);
    expect(svg).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;co&apos;");
    expect(svg).not.toContain("<script");
  });

  it("draws bars in proportion, failures as the bottom part, and breaks the lead line at a gap", () => {
    const svg = chart(SERIES);
    const deployed = barHeights(svg, "#4c78a8");
    const failed = barHeights(svg, "#c0392b");
    // Deployed parts: 2, 3 (4 less 1 failed), 1, 3 deployments; the failed part is 1.
    expect(deployed).toHaveLength(4);
    expect(deployed[0]).toBeCloseTo(2 * (deployed[2] as number), 0);
    expect(deployed[1]).toBeCloseTo(3 * (deployed[2] as number), 0);
    expect(failed).toEqual([deployed[2]]);
    // 24, null, 8, 12: one point alone, then a line through the last two.
    expect(svg.match(/<polyline/g)).toHaveLength(1);
    expect(svg.match(/<circle/g)).toHaveLength(3);
  });

  it("labels weeks and months, and thins labels for long series", () => {
    expect(chart(SERIES)).toContain(">5 Oct</text>");
    const months = chart([period("2026-10-01", 1, 0, 2), period("2026-11-01", 0, 0, null)], "t", "month");
    expect(months).toContain(">Oct 2026</text>");
    expect(months).toContain(">Nov 2026</text>");
    const long = Array.from({ length: 105 }, (_, i) => {
      const day = new Date(Date.UTC(2025, 0, 6 + 7 * i)).toISOString().slice(0, 10);
      return period(day, i % 3, 0, i % 2 ? null : i);
    });
    const svg = chart(long);
    const labels = svg.match(/text-anchor="middle"/g) ?? [];
    expect(labels.length).toBeLessThanOrEqual(16);
    expect(barHeights(svg, "#4c78a8")).toHaveLength(long.filter((p) => p.deployments > 0).length);
  });

  it("renders an empty or all-zero series as a valid chart that says so", () => {
    for (const series of [[], [period("2026-10-05", 0, 0, null)]]) {
      const svg = chart(series);
      expect(svg).toContain("No deployments in this period");
      expect(svg).toContain('<desc id="dora-desc">No deployments in this period.</desc>');
      expect(svg).not.toMatch(/NaN|Infinity/);
    }
  });
});
