import { renderChart } from '../simulate/report-html';
import type { ReplayReport } from './replay';

const escapeHtml = (text: unknown) =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const yuan = (fen: number) => (fen / 100).toFixed(2);
const SHOWN_DIFFERENCES = 500;

function table(head: string[], rows: (string | number)[][]): string {
  const cell = (value: string | number) => (typeof value === 'number' ? `<td class="n">${value}</td>` : `<td>${escapeHtml(value)}</td>`);
  return `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((row) => `<tr>${row.map(cell).join('')}</tr>`).join('')}</tbody></table>`;
}

/** The replay as one self-contained page in the style of report.html: charts as inline SVG, no script. */
export function renderReplayHtml(report: ReplayReport): string {
  const revenue = renderChart(
    {
      color: ['#718096', '#2b6cb0'],
      legend: { top: 4, data: ['recorded', 'replayed'] },
      grid: { left: 64, right: 24, top: 40, bottom: 40 },
      xAxis: { type: 'category', data: report.days.map((d) => d.date) },
      yAxis: { type: 'value', name: 'revenue (yuan)' },
      series: [
        { name: 'recorded', type: 'bar', data: report.days.map((d) => Number(yuan(d.revenueBeforeFen))) },
        { name: 'replayed', type: 'bar', data: report.days.map((d) => Number(yuan(d.revenueAfterFen))) },
      ],
    },
    960,
    320,
    'revenue',
  );
  const byKind = new Map<string, number>();
  for (const d of report.differences) {
    const kind = d.before.decision !== d.after.decision || d.before.reason !== d.after.reason ? 'decision' : d.after.fareFen > d.before.fareFen ? 'fare up' : 'fare down';
    byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
  }
  const kinds = renderChart(
    {
      color: ['#c53030'],
      grid: { left: 64, right: 24, top: 24, bottom: 40 },
      xAxis: { type: 'category', data: [...byKind.keys()] },
      yAxis: { type: 'value', name: 'taps' },
      series: [{ type: 'bar', data: [...byKind.values()] }],
    },
    960,
    260,
    'kinds',
  );
  const settlementRows = report.days.flatMap((d) => {
    const keys = new Set([...d.settlementBefore, ...d.settlementAfter].map((l) => `${l.issuerRegion} → ${l.acquirerRegion}`));
    return [...keys].map((key) => {
      const find = (lines: typeof d.settlementBefore) => lines.find((l) => `${l.issuerRegion} → ${l.acquirerRegion}` === key)?.amountFen ?? 0;
      return [d.date, key, yuan(find(d.settlementBefore)), yuan(find(d.settlementAfter))];
    });
  });
  const shown = report.differences.slice(0, SHOWN_DIFFERENCES);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>OneCard replay</title>
<style>
  body { margin: 0; font-family: 'Noto Sans CJK SC', 'Helvetica Neue', Arial, sans-serif; background: #f7fafc; color: #1a202c; }
  header { background: #1a365d; color: #fff; padding: 18px 24px; } header h1 { margin: 0 0 6px; font-size: 22px; } header p { margin: 0; opacity: 0.85; font-size: 14px; }
  main { max-width: 1010px; margin: 0 auto; padding: 16px 24px 40px; }
  section { background: #fff; border: 1px solid #e2e8f0; border-radius: 6px; padding: 12px 16px; margin: 14px 0; }
  h2 { font-size: 16px; margin: 4px 0 8px; } figure { margin: 0; overflow-x: auto; } figure svg { display: block; }
  table { border-collapse: collapse; font-size: 13px; margin-top: 8px; }
  th, td { border-bottom: 1px solid #e2e8f0; padding: 4px 10px; text-align: left; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
</style>
</head>
<body>
<header>
  <h1>Replay: what the fare rules would have done</h1>
  <p>${escapeHtml(`${report.taps} taps re-driven under ${report.fareRules} · ${report.differences.length} differ`)}</p>
</header>
<main>
<section><h2>Revenue per day, recorded and replayed</h2><figure>${revenue}</figure>
${table(['day', 'taps', 'recorded (yuan)', 'replayed (yuan)'], report.days.map((d) => [d.date, d.taps, yuan(d.revenueBeforeFen), yuan(d.revenueAfterFen)]))}</section>
<section><h2>Clearing per day (card's region → venue's region)</h2>${table(['day', 'owed', 'recorded (yuan)', 'replayed (yuan)'], settlementRows)}</section>
<section><h2>Taps that differ</h2><figure>${kinds}</figure>
${table(['tap', 'occurred', 'card', 'venue', 'action', 'recorded', 'replayed'], shown.map((d) => [d.tapId, d.occurredAt, d.cardNumber, d.venueCode, d.action, `${d.before.decision} ${d.before.reason ?? ''} ${d.before.fareFen}`, `${d.after.decision} ${d.after.reason ?? ''} ${d.after.fareFen}`]))}
${report.differences.length > shown.length ? `<p>… and ${report.differences.length - shown.length} more (replay.json has them all).</p>` : ''}</section>
</main>
</body>
</html>
`;
}
