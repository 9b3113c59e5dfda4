// The whitelist as terminals download it: one full `GET /whitelist`, then deltas
// (`?since=<version>`). It gives the current version, the counts per type and region, and the
// venue codes the live panel offers; every change made here, and every 10 s, asks for a delta.
import { api } from './api.js';
import { $, h, showError } from './dom.js';
import { label, onLanguageChange, t } from './i18n.js';

const TYPES = ['METRO_STATION', 'BUS_LINE', 'LIBRARY', 'MUSEUM', 'SCENIC_SPOT'];
const REGIONS = ['SICHUAN', 'CHONGQING'];
const POLL_MS = 10_000;

const state = { version: null, venues: new Map(), timer: null };
const changeListeners = [];
let onCountClick = () => {};

export const whitelistVenues = () => state.venues;

/** Another part of the console changed venues: refresh, and tell the listeners (the list reloads). */
export async function venuesChanged() {
  await refresh();
  changeListeners.forEach((listener) => listener());
}

export function onVenuesChanged(listener) {
  changeListeners.push(listener);
}

/** Clicking a count filters the list to that type and region. */
export function onCountSelected(handler) {
  onCountClick = handler;
}

export async function startWhitelist() {
  state.version = null;
  state.venues.clear();
  await refresh();
  clearInterval(state.timer);
  state.timer = setInterval(() => refresh().catch(() => {}), POLL_MS);
}

export function stopWhitelist() {
  clearInterval(state.timer);
  state.timer = null;
  state.version = null;
  state.venues.clear();
  $('#version-badge').hidden = true;
}

async function refresh() {
  try {
    if (state.version === null) {
      const full = await api('GET', '/whitelist');
      state.venues = new Map(full.venues.map((venue) => [venue.code, venue]));
      state.version = full.version;
    } else {
      const delta = await api('GET', '/whitelist', { query: { since: state.version } });
      for (const venue of delta.upserted) state.venues.set(venue.code, venue);
      for (const code of delta.removed) state.venues.delete(code);
      state.version = delta.version;
    }
  } catch (error) {
    if (error.status !== 401) showError(error);
    return;
  }
  render();
}

function render() {
  $('#version-number').textContent = `v${state.version}`;
  $('#version-badge').hidden = false;
  renderCounts();
  const codes = $('#venue-codes');
  if (codes.childElementCount !== state.venues.size) {
    codes.replaceChildren(...[...state.venues.values()].map((v) => h('option', { value: v.code }, v.name)));
  }
}

function renderCounts() {
  const counts = new Map();
  const suspended = new Map();
  for (const venue of state.venues.values()) {
    for (const key of [`${venue.type}|${venue.region}`, `${venue.type}|`, `|${venue.region}`, '|']) {
      counts.set(key, (counts.get(key) ?? 0) + 1);
      if (venue.status === 'SUSPENDED') suspended.set(key, (suspended.get(key) ?? 0) + 1);
    }
  }
  const cell = (type, region) => {
    const key = `${type}|${region}`;
    const n = counts.get(key) ?? 0;
    const paused = suspended.get(key) ?? 0;
    return h(
      'td',
      { class: 'num', dataset: { count: key } },
      h('button', { type: 'button', class: 'link', onclick: () => onCountClick(type, region) }, String(n)),
      paused ? h('span', { class: 'paused', title: label('SUSPENDED') }, ` ⏸${paused}`) : null,
    );
  };
  $('#counts-table').replaceChildren(
    h('thead', {}, h('tr', {}, h('th'), ...REGIONS.map((r) => h('th', { class: 'num' }, label(r))), h('th', { class: 'num' }, t('total')))),
    h(
      'tbody',
      {},
      ...TYPES.map((type) => h('tr', {}, h('th', {}, label(type)), ...REGIONS.map((r) => cell(type, r)), cell(type, ''))),
      h('tr', { class: 'total' }, h('th', {}, t('total')), ...REGIONS.map((r) => cell('', r)), cell('', '')),
    ),
  );
}

onLanguageChange(() => {
  if (state.version !== null) renderCounts();
});
