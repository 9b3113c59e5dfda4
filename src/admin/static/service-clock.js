// The service's clock, not the browser's: a venue is listed from the service's business day, and
// a tester who froze the clock on 2025-03-04 must see that date. `GET /sim/clock` answers
// `{now, frozen}`; without the simulation API (404) the service runs on real time, so the
// browser's clock read in Asia/Shanghai stands in for it. The header shows the clock; it is read
// again every 30 s, on each tab change and whenever a caller asks for it, and a running clock
// ticks on in the page between reads (no request per second).
import { api } from './api.js';
import { $ } from './dom.js';
import { onLanguageChange, t } from './i18n.js';

const SYNC_MS = 30_000;
const TICK_MS = 1_000;
const shanghai = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

// `offsetMs` is the service's now minus the browser's at the last read; a frozen clock keeps `frozenAt`.
const state = { available: false, frozen: false, frozenAt: 0, offsetMs: 0, syncTimer: null, tickTimer: null };

/** `YYYY-MM-DD HH:MM:SS` in Beijing time. */
const beijing = (ms) => shanghai.format(new Date(ms));

const serviceNowMs = () => (state.frozen ? state.frozenAt : Date.now() + state.offsetMs);

/** Reads the service's clock; answers its now (epoch ms). Falls back to the browser's clock. */
export async function syncServiceClock() {
  try {
    const clock = await api('GET', '/sim/clock');
    const now = Date.parse(clock.now);
    state.available = true;
    state.frozen = Boolean(clock.frozen);
    state.frozenAt = now;
    state.offsetMs = now - Date.now();
  } catch (error) {
    // 404: SIM_API=false, the service runs on real time. Anything else: keep what was last read.
    if (error.status === 404) Object.assign(state, { available: false, frozen: false, offsetMs: 0 });
  }
  render();
  return serviceNowMs();
}

/** The service's business day (its now as a date in Asia/Shanghai), read fresh. */
export async function serviceBusinessDay() {
  return beijing(await syncServiceClock()).slice(0, 10);
}

function render() {
  const badge = $('#service-clock');
  if (!badge) return;
  badge.hidden = !state.available;
  if (!state.available) return;
  $('#service-clock-time').textContent = beijing(serviceNowMs()).slice(0, 16);
  const mark = $('#service-clock-frozen');
  mark.hidden = !state.frozen;
  mark.textContent = t('clockFrozen');
  badge.dataset.frozen = String(state.frozen);
  badge.title = state.frozen ? t('clockFrozenHint') : t('clockRunningHint');
}

export async function startServiceClock() {
  stopServiceClock();
  await syncServiceClock();
  state.syncTimer = setInterval(() => void syncServiceClock(), SYNC_MS);
  state.tickTimer = setInterval(() => state.available && !state.frozen && render(), TICK_MS);
}

export function stopServiceClock() {
  clearInterval(state.syncTimer);
  clearInterval(state.tickTimer);
  state.syncTimer = state.tickTimer = null;
  state.available = false;
  render();
}

onLanguageChange(render);
