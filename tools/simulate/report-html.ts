import * as echarts from 'echarts';
import { CITY_GROUPS, Group } from './geography';
import type { ScenarioReport } from './report';
import { REPORT_LABELS, ReportLabels, ReportLanguage } from './report-labels';

type ChartOption = echarts.EChartsCoreOption;

const FONT = "'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', 'Helvetica Neue', Arial, sans-serif";
const COLORS = { SICHUAN: '#2b6cb0', CHONGQING: '#dd6b20', APPROVED: '#2f855a', DECLINED: '#c53030', NET: '#553c9a' };

/**
 * Renders one chart to an SVG string with ECharts' server-side renderer: no DOM, no script in the
 * page. ECharts names the SVG's classes and clip paths after counters of this process
 * (`zr7-cls-41`, `zr7-c0`); they are renumbered by first appearance under `id`, so the same chart
 * is the same bytes however many were rendered before it, and two charts of one page never
 * share a class.
 */
export function renderChart(option: ChartOption, width: number, height: number, id = 'chart'): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT }, ...option });
    const names = new Map<string, string>();
    const counts = new Map<string, number>();
    return chart.renderToSVGString().replace(/\bzr\d+-(cls-|[a-z]+)\d+\b/g, (name, kind: string) => {
      if (!names.has(name)) {
        const n = counts.get(kind) ?? 0;
        counts.set(kind, n + 1);
        names.set(name, `${id}-${kind}${n}`);
      }
      return names.get(name)!;
    });
  } finally {
    chart.dispose();
  }
}

const escapeHtml = (text: unknown) =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const yuan = (fen: number) => (fen / 100).toFixed(2);
const thousands = (n: number) => n.toLocaleString('en-US');

export function tapsPerHourChart(report: ScenarioReport, labels: ReportLabels = REPORT_LABELS.en): string {
  const { hours, byVenueRegion } = report.tapsPerHour;
  const words = labels.tapsPerHour;
  return renderChart(
    {
      color: [COLORS.SICHUAN, COLORS.CHONGQING],
      legend: { top: 4, data: [words.sichuan, words.chongqing] },
      grid: { left: 56, right: 24, top: 40, bottom: 56 },
      xAxis: {
        type: 'category',
        data: hours.map((h) => `${h.slice(5, 10)} ${h.slice(11, 13)}h`),
        axisLabel: { interval: 2, rotate: 45, fontSize: 10 },
      },
      yAxis: { type: 'value', name: words.axis },
      series: [
        { name: words.sichuan, type: 'line', data: byVenueRegion.SICHUAN, symbol: 'none', areaStyle: { opacity: 0.15 } },
        { name: words.chongqing, type: 'line', data: byVenueRegion.CHONGQING, symbol: 'none', areaStyle: { opacity: 0.15 } },
      ],
    },
    960,
    340,
    'taps-per-hour',
  );
}

/** The smallest bar drawn, in pixels: a reason seen once must still show a bar. */
const MIN_BAR_PX = 3;

/**
 * Approvals and each decline reason on a linear axis, so bar lengths compare as counts do; each
 * bar carries its count just beyond its end (never over the bar), the longest one's in the
 * right margin kept free for it.
 */
export function decisionsChart(report: ScenarioReport, labels: ReportLabels = REPORT_LABELS.en): string {
  const rows: [string, number, string][] = [['APPROVED', report.decisions.APPROVED, COLORS.APPROVED]];
  for (const [reason, count] of Object.entries(report.decisions.byReason)) if (count > 0) rows.push([reason, count, COLORS.DECLINED]);
  rows.reverse();
  const glossed = rows.some(([name]) => labels.reasons[name]);
  const category = (name: string) => (labels.reasons[name] ? `${name}  ${labels.reasons[name]}` : name);
  return renderChart(
    {
      grid: { left: glossed ? 280 : 190, right: 80, top: 24, bottom: 44 },
      xAxis: { type: 'value', name: labels.decisions.axis, nameLocation: 'middle', nameGap: 28, min: 0, minInterval: 1 },
      yAxis: { type: 'category', data: rows.map(([name]) => category(name)), axisLabel: { fontSize: 11 } },
      series: [
        {
          type: 'bar',
          data: rows.map(([, value, color]) => ({ value, itemStyle: { color }, label: { formatter: thousands(value) } })),
          label: { show: true, position: 'right', distance: 6, fontSize: 11, color: '#1a202c' },
          barMinHeight: MIN_BAR_PX,
          barMaxWidth: 22,
        },
      ],
    },
    960,
    Math.max(170, 68 + rows.length * 26),
    'decisions',
  );
}

export function flowsChart(report: ScenarioReport, labels: ReportLabels = REPORT_LABELS.en): string {
  const groups = CITY_GROUPS as readonly Group[];
  const source = (g: Group) => labels.flows.cards(labels.groups[g]);
  const target = (g: Group) => labels.flows.at(labels.groups[g]);
  const links: { source: string; target: string; value: number }[] = [];
  for (const from of groups) {
    for (const to of groups) {
      const value = report.crossRegionFlows.approvedTaps[from]?.[to] ?? 0;
      if (value > 0) links.push({ source: source(from), target: target(to), value });
    }
  }
  const used = new Set(links.flatMap((l) => [l.source, l.target]));
  const palette: Record<string, string> = { CHENGDU: '#2b6cb0', OTHER_SICHUAN: '#63b3ed', CHONGQING_CENTRAL: '#dd6b20', OTHER_CHONGQING: '#f6ad55' };
  const nodes = [...groups.map((g) => [source(g), g] as const), ...groups.map((g) => [target(g), g] as const)]
    .filter(([name]) => used.has(name))
    .map(([name, group]) => ({ name, itemStyle: { color: palette[group] } }));
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
          data: nodes,
          links,
          lineStyle: { color: 'source', opacity: 0.35 },
          label: { fontSize: 12 },
          emphasis: { disabled: true },
        },
      ],
    },
    960,
    380,
    'flows',
  );
}

export function settlementChart(report: ScenarioReport, labels: ReportLabels = REPORT_LABELS.en): string {
  const words = labels.settlement;
  const days = report.settlement.days;
  const line = (issuer: string, acquirer: string) =>
    days.map((d) => Number(yuan(d.lines.find((l) => l.issuerRegion === issuer && l.acquirerRegion === acquirer)?.amountFen ?? 0)));
  // Signed so one series shows both directions; each bar is labelled with who owes whom, above a
  // bar that rises and below one that falls, on two lines so it is no wider than its bar and
  // never reaches the bars beside it; the value axis keeps room beyond the bars for it.
  const net = days.map((d) => {
    const position = d.net[0];
    if (!position) return { value: 0, label: { formatter: words.nothingOwed } };
    const value = Number(yuan(position.from === 'CHONGQING' ? position.amountFen : -position.amountFen));
    const text = `${position.from === 'CHONGQING' ? words.chongqingToSichuan : words.sichuanToChongqing}\n¥${yuan(position.amountFen)}`;
    return { value, label: { formatter: text, position: value >= 0 ? 'top' : 'bottom' } };
  });
  return renderChart(
    {
      color: [COLORS.SICHUAN, COLORS.CHONGQING, COLORS.NET],
      legend: { top: 4, data: [words.sichuanCards, words.chongqingCards, words.net] },
      grid: { left: 70, right: 24, top: 72, bottom: 36 },
      xAxis: { type: 'category', data: days.map((d) => d.date) },
      yAxis: { type: 'value', name: words.axis, boundaryGap: ['25%', '25%'] },
      series: [
        { name: words.sichuanCards, type: 'bar', data: line('SICHUAN', 'CHONGQING'), barMaxWidth: 40 },
        { name: words.chongqingCards, type: 'bar', data: line('CHONGQING', 'SICHUAN'), barMaxWidth: 40 },
        { name: words.net, type: 'bar', data: net, barMaxWidth: 40, label: { show: true, fontSize: 11, lineHeight: 13 } },
      ],
    },
    960,
    320,
    'settlement',
  );
}

export function busiestVenuesChart(report: ScenarioReport, labels: ReportLabels = REPORT_LABELS.en): string {
  const words = labels.busiest;
  const venues = [...report.busiestVenues].reverse();
  return renderChart(
    {
      color: [COLORS.APPROVED, COLORS.DECLINED],
      legend: { top: 4, data: [words.approved, words.declined] },
      grid: { left: 230, right: 60, top: 36, bottom: 28 },
      xAxis: { type: 'value', name: words.axis },
      yAxis: { type: 'category', data: venues.map((v) => `${v.code} ${v.name}`), axisLabel: { fontSize: 11 } },
      series: [
        { name: words.approved, type: 'bar', stack: 'taps', data: venues.map((v) => v.approved), barMaxWidth: 20 },
        { name: words.declined, type: 'bar', stack: 'taps', data: venues.map((v) => v.declined), barMaxWidth: 20 },
      ],
    },
    960,
    Math.max(160, 70 + venues.length * 28),
    'busiest-venues',
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

/** A code with its gloss in this language, where there is one (`SENIOR` → `老年`). */
const glossed = (names: Record<string, string>, code: string) => names[code] ?? code;

/**
 * The report as one self-contained HTML page: inline CSS and inline SVG charts, no scripts,
 * nothing fetched. Every word is in `language`; reason codes and venue names stay as they are.
 * The same report and language give the same bytes.
 */
export function renderReportHtml(report: ScenarioReport, language: ReportLanguage = 'en'): string {
  const labels = REPORT_LABELS[language];
  const t = report.totals;
  const s = report.scenario;
  const tiles: [string, string][] = [
    [labels.tiles.taps, thousands(t.taps)],
    [labels.tiles.approved, `${(t.approvalRate * 100).toFixed(1)} %`],
    [labels.tiles.crossRegion, thousands(t.crossRegionTaps)],
    [labels.tiles.charged, `¥${thousands(Math.round(t.charges.amountFen / 100))}`],
    [labels.tiles.topUps, thousands(t.topUps.count)],
    [labels.tiles.lostCards, thousands(t.lostCards.reported)],
  ];
  const region = (code: string) => labels.regions[code] ?? code;
  const groups = report.crossRegionFlows.groups as Group[];
  const flowRows = groups.map((from) => [labels.groups[from], ...groups.map((to) => report.crossRegionFlows.approvedTaps[from][to])]);
  const settlementRows = report.settlement.days.flatMap((d) =>
    d.lines.map((l) => [d.date, region(l.issuerRegion), region(l.acquirerRegion), l.count, yuan(l.amountFen)]),
  );
  const netText = report.settlement.days
    .map((d) => `${d.date}: ${d.net.length === 0 ? labels.settlement.nothingOwed : d.net.map((n) => labels.settlement.owes(region(n.from), region(n.to), yuan(n.amountFen))).join('; ')}`)
    .join(' · ');
  const revenueRows = Object.entries(report.revenueByNetwork).map(([network, r]) => [
    network,
    r.pricedTaps,
    yuan(r.baseFen),
    Object.entries(r.adjustments).map(([kind, fen]) => `${kind} ${yuan(fen)}`).join('; '),
    yuan(r.chargedFen),
  ]);
  const header = labels.header({
    seed: s.seed,
    cards: thousands(s.cards),
    days: s.days,
    dates: s.dates.join(', '),
    offlineUpload: s.offlineUpload,
  });
  const population = report.population;
  const title = language === 'en' ? report.title : labels.title;

  return `<!doctype html>
<html lang="${labels.htmlLang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — ${escapeHtml(labels.seed)} ${escapeHtml(s.seed)}</title>
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
  <h1>${escapeHtml(title)}</h1>
  <p>${escapeHtml(header)}</p>
</header>
<main>
<div class="tiles">${tiles.map(([label, value]) => `<div class="tile"><b>${escapeHtml(value)}</b><span>${escapeHtml(label)}</span></div>`).join('')}</div>
${figure('taps-per-hour', labels.tapsPerHour.title, tapsPerHourChart(report, labels))}
${figure('decisions', labels.decisions.title, decisionsChart(report, labels), `<p class="note">${escapeHtml(labels.decisions.note({ approved: thousands(t.approved), declined: thousands(t.declined), retries: thousands(t.retriesAfterTopUp) }))}</p>`)}
${figure('flows', labels.flows.title, flowsChart(report, labels), table([labels.flows.corner, ...groups.map((g) => labels.groups[g])], flowRows))}
${figure('settlement', labels.settlement.title, settlementChart(report, labels), `<p class="note">${escapeHtml(netText)}${labels.fullStop} ${escapeHtml(labels.settlement.source(report.settlement.source))}</p>${table([...labels.settlement.head], settlementRows)}`)}
<section><h2>${escapeHtml(labels.revenue.title)}</h2>${table([...labels.revenue.head], revenueRows)}</section>
${figure('busiest-venues', labels.busiest.title, busiestVenuesChart(report, labels))}
<section><h2>${escapeHtml(labels.population.title)}</h2>${table(['', ...Object.keys(population.byCityGroup).map((g) => labels.groups[g as Group])], [[labels.population.cards, ...Object.values(population.byCityGroup)]])}
${table([labels.population.role, labels.population.cards], Object.entries(population.byRole).map(([role, n]) => [glossed(labels.roles, role), n]))}
${table([labels.population.age, labels.population.cards], Object.entries(population.byAgeBand))}
${table([labels.population.concession, labels.population.cards], Object.entries(population.byConcession).map(([concession, n]) => [glossed(labels.concessions, concession), n]))}</section>
</main>
</body>
</html>
`;
}
