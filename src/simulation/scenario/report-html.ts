import * as echarts from 'echarts';
import { CITY_GROUP_LABELS, CITY_GROUPS, Group } from './geography';
import type { ScenarioReport } from './report';

type ChartOption = echarts.EChartsCoreOption;

const FONT = "'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', 'Helvetica Neue', Arial, sans-serif";
const COLORS = { SICHUAN: '#2b6cb0', CHONGQING: '#dd6b20', APPROVED: '#2f855a', DECLINED: '#c53030', NET: '#553c9a' };
const REGION_LABELS: Record<string, string> = { SICHUAN: 'Sichuan', CHONGQING: 'Chongqing', OTHER: 'Outside the scheme' };

/** Renders one chart to an SVG string with ECharts' server-side renderer: no DOM, no script in the page. */
export function renderChart(option: ChartOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

const escapeHtml = (text: unknown) =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const yuan = (fen: number) => (fen / 100).toFixed(2);
const thousands = (n: number) => n.toLocaleString('en-US');

export function tapsPerHourChart(report: ScenarioReport): string {
  const { hours, byVenueRegion } = report.tapsPerHour;
  return renderChart(
    {
      color: [COLORS.SICHUAN, COLORS.CHONGQING],
      legend: { top: 4, data: ['Sichuan venues', 'Chongqing venues'] },
      grid: { left: 56, right: 24, top: 40, bottom: 56 },
      xAxis: {
        type: 'category',
        data: hours.map((h) => `${h.slice(5, 10)} ${h.slice(11, 13)}h`),
        axisLabel: { interval: 2, rotate: 45, fontSize: 10 },
      },
      yAxis: { type: 'value', name: 'taps / hour' },
      series: [
        { name: 'Sichuan venues', type: 'line', data: byVenueRegion.SICHUAN, symbol: 'none', areaStyle: { opacity: 0.15 } },
        { name: 'Chongqing venues', type: 'line', data: byVenueRegion.CHONGQING, symbol: 'none', areaStyle: { opacity: 0.15 } },
      ],
    },
    960,
    340,
  );
}

export function decisionsChart(report: ScenarioReport): string {
  const rows: [string, number, string][] = [['APPROVED', report.decisions.APPROVED, COLORS.APPROVED]];
  for (const [reason, count] of Object.entries(report.decisions.byReason)) if (count > 0) rows.push([reason, count, COLORS.DECLINED]);
  rows.reverse();
  return renderChart(
    {
      grid: { left: 190, right: 70, top: 24, bottom: 36 },
      xAxis: { type: 'log', name: 'taps (log scale)', nameLocation: 'middle', nameGap: 24, min: 1 },
      yAxis: { type: 'category', data: rows.map(([name]) => name), axisLabel: { fontSize: 11 } },
      series: [
        {
          type: 'bar',
          data: rows.map(([, value, color]) => ({ value, itemStyle: { color } })),
          label: { show: true, position: 'right', fontSize: 11 },
          barMaxWidth: 22,
        },
      ],
    },
    960,
    Math.max(160, 60 + rows.length * 26),
  );
}

export function flowsChart(report: ScenarioReport): string {
  const groups = CITY_GROUPS as readonly Group[];
  const source = (g: Group) => `${CITY_GROUP_LABELS[g]} cards`;
  const target = (g: Group) => `at ${CITY_GROUP_LABELS[g]} venues`;
  const links: { source: string; target: string; value: number }[] = [];
  for (const from of groups) {
    for (const to of groups) {
      const value = report.crossRegionFlows.approvedTaps[from]?.[to] ?? 0;
      if (value > 0) links.push({ source: source(from), target: target(to), value });
    }
  }
  const used = new Set(links.flatMap((l) => [l.source, l.target]));
  const nodes = [...groups.map(source), ...groups.map(target)].filter((name) => used.has(name)).map((name) => ({ name }));
  const palette: Record<string, string> = { CHENGDU: '#2b6cb0', OTHER_SICHUAN: '#63b3ed', CHONGQING_CENTRAL: '#dd6b20', OTHER_CHONGQING: '#f6ad55' };
  const colorOf = (name: string) => palette[groups.find((g) => name.includes(CITY_GROUP_LABELS[g])) ?? 'CHENGDU'];
  return renderChart(
    {
      series: [
        {
          type: 'sankey',
          left: 150,
          right: 170,
          top: 16,
          bottom: 16,
          nodeGap: 14,
          data: nodes.map((n) => ({ ...n, itemStyle: { color: colorOf(n.name) } })),
          links,
          lineStyle: { color: 'source', opacity: 0.35 },
          label: { fontSize: 12 },
          emphasis: { disabled: true },
        },
      ],
    },
    960,
    380,
  );
}

export function settlementChart(report: ScenarioReport): string {
  const days = report.settlement.days;
  const line = (issuer: string, acquirer: string) =>
    days.map((d) => Number(yuan(d.lines.find((l) => l.issuerRegion === issuer && l.acquirerRegion === acquirer)?.amountFen ?? 0)));
  // Signed so one series shows both directions; each bar is labelled with who owes whom.
  const net = days.map((d) => {
    const position = d.net[0];
    if (!position) return { value: 0, label: { formatter: 'nothing owed' } };
    const value = Number(yuan(position.from === 'CHONGQING' ? position.amountFen : -position.amountFen));
    const text = `${position.from === 'CHONGQING' ? 'CQ→SC' : 'SC→CQ'} ¥${yuan(position.amountFen)}`;
    return { value, label: { formatter: text, position: value >= 0 ? 'top' : 'bottom' } };
  });
  return renderChart(
    {
      color: [COLORS.SICHUAN, COLORS.CHONGQING, COLORS.NET],
      legend: { top: 4, data: ['Sichuan cards at Chongqing venues', 'Chongqing cards at Sichuan venues', 'Net: Chongqing owes Sichuan (+) / Sichuan owes Chongqing (−)'] },
      grid: { left: 70, right: 24, top: 72, bottom: 36 },
      xAxis: { type: 'category', data: days.map((d) => d.date) },
      yAxis: { type: 'value', name: 'yuan' },
      series: [
        { name: 'Sichuan cards at Chongqing venues', type: 'bar', data: line('SICHUAN', 'CHONGQING'), barMaxWidth: 40 },
        { name: 'Chongqing cards at Sichuan venues', type: 'bar', data: line('CHONGQING', 'SICHUAN'), barMaxWidth: 40 },
        {
          name: 'Net: Chongqing owes Sichuan (+) / Sichuan owes Chongqing (−)',
          type: 'bar',
          data: net,
          barMaxWidth: 40,
          label: { show: true, fontSize: 11 },
        },
      ],
    },
    960,
    320,
  );
}

export function busiestVenuesChart(report: ScenarioReport): string {
  const venues = [...report.busiestVenues].reverse();
  return renderChart(
    {
      color: [COLORS.APPROVED, COLORS.DECLINED],
      legend: { top: 4, data: ['approved', 'declined'] },
      grid: { left: 230, right: 60, top: 36, bottom: 28 },
      xAxis: { type: 'value', name: 'taps' },
      yAxis: { type: 'category', data: venues.map((v) => `${v.code} ${v.name}`), axisLabel: { fontSize: 11 } },
      series: [
        { name: 'approved', type: 'bar', stack: 'taps', data: venues.map((v) => v.approved), barMaxWidth: 20 },
        { name: 'declined', type: 'bar', stack: 'taps', data: venues.map((v) => v.declined), barMaxWidth: 20 },
      ],
    },
    960,
    Math.max(160, 70 + venues.length * 28),
  );
}

function table(head: string[], rows: (string | number)[][]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td${typeof c === 'number' ? ' class="n"' : ''}>${escapeHtml(typeof c === 'number' ? thousands(c) : c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function figure(id: string, title: string, svg: string, note = ''): string {
  return `<section><h2>${escapeHtml(title)}</h2><figure class="chart" data-chart="${id}">${svg}</figure>${note}</section>`;
}

/** The report as one self-contained HTML page: inline CSS and inline SVG charts, no scripts, nothing fetched. */
export function renderReportHtml(report: ScenarioReport): string {
  const t = report.totals;
  const s = report.scenario;
  const tiles: [string, string][] = [
    ['taps', thousands(t.taps)],
    ['approved', `${(t.approvalRate * 100).toFixed(1)} %`],
    ['cross-region taps', thousands(t.crossRegionTaps)],
    ['charged', `¥${thousands(Math.round(t.charges.amountFen / 100))}`],
    ['top-ups', thousands(t.topUps.count)],
    ['cards lost', thousands(t.lostCards.reported)],
  ];
  const groups = report.crossRegionFlows.groups as Group[];
  const flowRows = groups.map((from) => [CITY_GROUP_LABELS[from], ...groups.map((to) => report.crossRegionFlows.approvedTaps[from][to])]);
  const settlementRows = report.settlement.days.flatMap((d) =>
    d.lines.map((l) => [d.date, REGION_LABELS[l.issuerRegion] ?? l.issuerRegion, REGION_LABELS[l.acquirerRegion] ?? l.acquirerRegion, l.count, yuan(l.amountFen)]),
  );
  const netText = report.settlement.days
    .map((d) => `${d.date}: ${d.net.length === 0 ? 'nothing owed' : d.net.map((n) => `${REGION_LABELS[n.from]} owes ${REGION_LABELS[n.to]} ¥${yuan(n.amountFen)}`).join('; ')}`)
    .join(' · ');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(report.title)} — seed ${escapeHtml(s.seed)}</title>
<style>
  body { font-family: ${FONT}; margin: 0; background: #f7fafc; color: #1a202c; }
  header { background: #1a365d; color: #fff; padding: 20px 32px; }
  header h1 { margin: 0 0 6px; font-size: 22px; }
  header p { margin: 0; opacity: 0.85; font-size: 14px; }
  main { max-width: 1010px; margin: 0 auto; padding: 16px 24px 40px; }
  .tiles { display: grid; grid-template-columns: repeat(6, 1fr); gap: 10px; margin: 8px 0 12px; }
  .tile { background: #fff; border: 1px solid #e2e8f0; border-radius: 6px; padding: 10px 12px; }
  .tile b { display: block; font-size: 20px; } .tile span { font-size: 12px; color: #4a5568; }
  section { background: #fff; border: 1px solid #e2e8f0; border-radius: 6px; padding: 12px 16px; margin: 14px 0; }
  h2 { font-size: 16px; margin: 4px 0 8px; }
  figure { margin: 0; overflow-x: auto; } figure svg { display: block; }
  table { border-collapse: collapse; font-size: 13px; margin-top: 8px; }
  th, td { border-bottom: 1px solid #e2e8f0; padding: 4px 10px; text-align: left; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
  .note { font-size: 13px; color: #4a5568; }
</style>
</head>
<body>
<header>
  <h1>${escapeHtml(report.title)}</h1>
  <p>seed ${escapeHtml(s.seed)} · ${thousands(s.cards)} cards · ${s.days} day${s.days === 1 ? '' : 's'} (${escapeHtml(s.dates.join(', '))}) · offline terminals upload by ${escapeHtml(s.offlineUpload)}</p>
</header>
<main>
<div class="tiles">${tiles.map(([label, value]) => `<div class="tile"><b>${escapeHtml(value)}</b><span>${escapeHtml(label)}</span></div>`).join('')}</div>
${figure('taps-per-hour', 'Taps per hour by region of the venue', tapsPerHourChart(report))}
${figure('decisions', 'Decisions by reason', decisionsChart(report), `<p class="note">${thousands(t.approved)} approved, ${thousands(t.declined)} declined; ${thousands(t.retriesAfterTopUp)} taps were tried again after a top-up at the gate.</p>`)}
${figure('flows', 'Flows between the four city groups (approved taps: home group of the card → group of the venue)', flowsChart(report), table(['card from \\ venue in', ...groups.map((g) => CITY_GROUP_LABELS[g])], flowRows))}
${figure('settlement', 'Settlement per day (清分结算)', settlementChart(report), `<p class="note">${escapeHtml(netText)}. Source: ${escapeHtml(report.settlement.source)}.</p>${table(['day', 'issuer (card)', 'acquirer (venue)', 'charges', 'yuan'], settlementRows)}`)}
${figure('busiest-venues', 'Busiest venues', busiestVenuesChart(report))}
<section><h2>Population</h2>${table(['', ...Object.keys(report.population.byCityGroup).map((g) => CITY_GROUP_LABELS[g as Group])], [['cards', ...Object.values(report.population.byCityGroup)]])}
${table(['role', 'cards'], Object.entries(report.population.byRole))}
${table(['age', 'cards'], Object.entries(report.population.byAgeBand))}
${table(['concession', 'cards'], Object.entries(report.population.byConcession))}</section>
</main>
</body>
</html>
`;
}
