/**
 * Optional charts for the scorecard page: Apache ECharts rendered on the server to SVG strings
 * (no browser, no scripts). Each chart is drawn from one of the scorecard's tables and names it,
 * so the page shows the figures as a table beside every chart. Only bar charts, the SVG renderer
 * and the grid/legend components are loaded.
 */
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { type ChartSvg, scorecardTables, type Table } from './tables.ts';
import type { Scorecard } from './types.ts';

echarts.use([BarChart, GridComponent, LegendComponent, SVGRenderer]);

const WIDTH = 640;
const HEIGHT = 320;
/** Colours that stay apart for the common colour-vision deficiencies (Okabe-Ito). */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9'];

function render(option: Record<string, unknown>, height = HEIGHT): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height });
  try {
    chart.setOption({ animation: false, color: PALETTE, textStyle: { fontFamily: 'sans-serif' }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** A column's figures; no data stays a gap (drawn as nothing, not as 0). */
const numbers = (table: Table, column: number): Array<number | null> =>
  table.rows.map((row) => {
    const cell = row[column];
    return typeof cell === 'number' ? cell : null;
  });
const labels = (table: Table): string[] => table.rows.map((row) => String(row[0]));

function bars(table: Table, columns: number[], horizontal = false): string {
  const category = { type: 'category', data: labels(table), axisLabel: { interval: 0 } };
  const value = { type: 'value', minInterval: 1 };
  const height = horizontal ? Math.max(HEIGHT, 60 + 28 * table.rows.length) : HEIGHT;
  return render(
    {
      legend: { top: 0, itemGap: 28, selectedMode: false },
      grid: {
        left: horizontal ? 180 : 50,
        right: horizontal ? 40 : 20,
        top: 40,
        bottom: 40,
        containLabel: false,
      },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? { ...category, inverse: true } : value,
      series: columns.map((c) => ({
        type: 'bar',
        // A static image: no hover styles, nothing that suggests it reacts.
        silent: true,
        emphasis: { disabled: true },
        name: table.columns[c]?.label ?? '',
        data: numbers(table, c),
        label: { show: true, position: horizontal ? 'right' : 'top' },
      })),
    },
    height,
  );
}

const CHARTS: Array<{ id: string; tableId: string; title: string; columns: number[]; horizontal?: boolean }> =
  [
    {
      id: 'sqls',
      tableId: 'marketing-sqls',
      title: 'SQLs delivered, expected so far and committed',
      columns: [1, 2, 3],
    },
    {
      id: 'funnel',
      tableId: 'funnel',
      title: 'Leads, MQLs, SQLs, accepted and won in the period',
      columns: [1],
    },
    {
      id: 'first-touch-by-rep',
      tableId: 'sales-by-rep',
      title: 'Business minutes to first touch by rep, p50 and p90',
      columns: [7, 8],
    },
    {
      id: 'rejection-reasons',
      tableId: 'rejection-reasons',
      title: 'Why sales rejected SQLs',
      columns: [1],
      horizontal: true,
    },
  ];

/** SVG charts for the scorecard; a chart whose table has no rows is left out. */
export function charts(sc: Scorecard): ChartSvg[] {
  const tables = new Map(scorecardTables(sc).map((t) => [t.id, t]));
  return CHARTS.flatMap((spec) => {
    const table = tables.get(spec.tableId);
    if (!table || table.rows.length === 0) return [];
    return [
      {
        id: spec.id,
        tableId: spec.tableId,
        title: spec.title,
        svg: bars(table, spec.columns, spec.horizontal),
      },
    ];
  });
}
