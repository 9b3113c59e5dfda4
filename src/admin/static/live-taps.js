// The latest taps at one venue, polled every 2 s. The journal (`GET /taps?venueCode=`) is in
// recording order, so the panel pages to the last page once and then keeps asking for that
// page again (the same opaque cursor), taking only the taps it has not seen, and moving on when
// the page fills up. Newest first on screen.
import { api } from './api.js';
import { $, h, shortTime, showError } from './dom.js';
import { label, onLanguageChange, t } from './i18n.js';

const POLL_MS = 2000;
const KEEP = 50;

let state = idle();
let selectTab = () => {};

function idle() {
  return { code: null, cursor: undefined, seenOnPage: 0, taps: [], fresh: new Set(), timer: null, updatedAt: null, generation: 0 };
}

export function watchVenue(code) {
  selectTab('live');
  $('#live-venue').value = code;
  start(code);
}

function start(code) {
  clearTimeout(state.timer);
  state = { ...idle(), code, generation: state.generation + 1 };
  render();
  void poll(state.generation);
}

export function stopLiveTaps() {
  clearTimeout(state.timer);
  state = { ...idle(), generation: state.generation + 1 };
  render();
}

async function poll(generation) {
  try {
    const arrived = [];
    for (;;) {
      const page = await api('GET', '/taps', { query: { venueCode: state.code, limit: 500, cursor: state.cursor } });
      if (generation !== state.generation) return;
      arrived.push(...page.items.slice(state.seenOnPage));
      if (!page.nextCursor) {
        state.seenOnPage = page.items.length;
        break;
      }
      state.cursor = page.nextCursor;
      state.seenOnPage = 0;
    }
    state.taps = [...state.taps, ...arrived].slice(-KEEP);
    state.fresh = new Set(state.updatedAt ? arrived.map((tap) => tap.tapId) : []);
    state.updatedAt = new Date();
    render();
  } catch (error) {
    if (generation !== state.generation) return;
    if (error.status !== 401) showError(error);
    if (error.status === 400 || error.status === 401) {
      stopLiveTaps();
      return;
    }
  }
  if (generation === state.generation) state.timer = setTimeout(() => poll(generation), POLL_MS);
}

function render() {
  const watching = state.code !== null;
  $('#live-toggle').textContent = watching ? t('stop') : t('start');
  $('#live-toggle').classList.toggle('danger', watching);
  $('#live-status').textContent = watching
    ? t('liveWatching', { code: state.code, time: state.updatedAt ? state.updatedAt.toLocaleTimeString('zh-CN', { hour12: false }) : '…' })
    : t('liveIdle');
  const body = $('#live-taps tbody');
  if (!watching) {
    body.replaceChildren();
    return;
  }
  const taps = [...state.taps].reverse();
  body.replaceChildren(
    ...(taps.length === 0
      ? [h('tr', {}, h('td', { colspan: 8, class: 'empty' }, state.updatedAt ? t('noTaps') : t('loading')))]
      : taps.map((tap) =>
          h(
            'tr',
            { class: state.fresh.has(tap.tapId) ? 'fresh' : null, dataset: { tapId: tap.tapId, decision: tap.decision, reason: tap.reason ?? '' } },
            h('td', { class: 'small nowrap' }, shortTime(tap.occurredAt)),
            h('td', { class: 'mono small' }, tap.tapId),
            h('td', { class: 'mono' }, tap.cardNumber),
            h('td', {}, label(tap.action)),
            h('td', {}, h('span', { class: `decision decision-${tap.decision}` }, label(tap.decision))),
            h('td', { title: tap.message ?? '' }, tap.reason ? [h('code', {}, tap.reason), ' ', label(tap.reason) !== tap.reason ? label(tap.reason) : ''] : '—'),
            h('td', { class: 'num' }, String(tap.fareFen ?? 0)),
            h('td', { class: 'num' }, tap.balanceFen === null || tap.balanceFen === undefined ? '—' : String(tap.balanceFen)),
          ),
        )),
  );
}

export function initLiveTaps(options) {
  selectTab = options.selectTab;
  $('#live-form').addEventListener('submit', (event) => {
    event.preventDefault();
    if (state.code !== null) {
      stopLiveTaps();
      return;
    }
    const code = $('#live-venue').value.trim().toUpperCase();
    if (code) start(code);
  });
  onLanguageChange(render);
  render();
}
