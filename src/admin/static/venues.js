// The venue list: filters by type, region and status, a search over names and codes (the
// API's `q`), pages through `nextCursor`, and the actions on one venue.
import { api } from './api.js';
import { $, confirmAction, h, notice, showError } from './dom.js';
import { openHistory } from './history.js';
import { label, onLanguageChange, t } from './i18n.js';
import { watchVenue } from './live-taps.js';
import { openVenueForm } from './venue-form.js';
import { onCountSelected, onVenuesChanged, venuesChanged } from './whitelist.js';

const PAGE_SIZE = 50;
const state = { cursors: [undefined], index: 0, page: null, request: 0 };

function filters() {
  return {
    type: $('#filter-type').value,
    region: $('#filter-region').value,
    status: $('#filter-status').value,
    q: $('#filter-q').value.trim(),
  };
}

/** Loads the page the pager points at (the first after a filter changes). */
export async function loadVenues({ reset = false } = {}) {
  if (reset) {
    state.cursors = [undefined];
    state.index = 0;
  }
  const request = ++state.request;
  const table = $('#venue-table');
  table.setAttribute('aria-busy', 'true');
  try {
    const page = await api('GET', '/venues', { query: { ...filters(), limit: PAGE_SIZE, cursor: state.cursors[state.index] } });
    if (request !== state.request) return; // a newer filter won
    state.page = page;
    render();
  } catch (error) {
    if (request === state.request && error.status !== 401) showError(error);
  } finally {
    if (request === state.request) table.setAttribute('aria-busy', 'false');
  }
}

function render() {
  const { items, nextCursor } = state.page;
  const body = $('#venue-table tbody');
  body.replaceChildren(
    ...(items.length === 0 ? [h('tr', {}, h('td', { colspan: 9, class: 'empty' }, t('noVenues')))] : items.map(row)),
  );
  $('#venue-table-note').textContent = filters().status === 'DELISTED' ? t('delistedNote') : '';
  $('#page-number').textContent = t('page', { n: state.index + 1 });
  $('#page-prev').disabled = state.index === 0;
  $('#page-next').disabled = !nextCursor;
}

function row(venue) {
  const status = venue.delisted ? 'DELISTED' : venue.status;
  const action = (name, text, handler, extra = {}) =>
    h('button', { type: 'button', class: `small ${extra.class ?? 'ghost'}`, dataset: { action: name }, onclick: () => handler(venue) }, text);
  const actions = venue.delisted
    ? [action('history', t('history'), (v) => openHistory(v.code))]
    : [
        action('edit', t('edit'), (v) => openVenueForm(v.code)),
        venue.status === 'ACTIVE'
          ? action('suspend', t('suspend'), suspend, { class: 'warn' })
          : action('reactivate', t('reactivate'), reactivate, { class: 'ok' }),
        action('delist', t('delist'), delist, { class: 'danger-ghost' }),
        action('history', t('history'), (v) => openHistory(v.code)),
        action('watch', t('watch'), (v) => watchVenue(v.code)),
      ];
  return h(
    'tr',
    { dataset: { code: venue.code, type: venue.type, region: venue.region, status } },
    h('td', { class: 'mono' }, venue.code),
    h('td', { class: 'name' }, venue.name),
    h('td', {}, h('span', { class: `tag type-${venue.type}` }, label(venue.type))),
    h('td', {}, label(venue.region)),
    h('td', { class: 'mono' }, venue.cityCode),
    h('td', {}, h('span', { class: `status status-${status}` }, label(status))),
    h('td', { class: 'small' }, `${venue.listedFrom} – ${venue.listedUntil ?? '…'}`),
    h('td', { class: 'num' }, String(venue.version)),
    h('td', { class: 'actions' }, ...actions),
  );
}

async function changeStatus(venue, status, question, done) {
  if (!(await confirmAction(t(question, venue), { danger: status === 'SUSPENDED' }))) return;
  try {
    await api('PATCH', `/venues/${encodeURIComponent(venue.code)}`, { body: { status } });
    notice(t(done, venue), 'ok');
    await venuesChanged();
  } catch (error) {
    showError(error);
  }
}

const suspend = (venue) => changeStatus(venue, 'SUSPENDED', 'confirmSuspend', 'suspended');
const reactivate = (venue) => changeStatus(venue, 'ACTIVE', 'confirmReactivate', 'reactivated');

async function delist(venue) {
  if (!(await confirmAction(t('confirmDelist', venue), { danger: true }))) return;
  try {
    await api('DELETE', `/venues/${encodeURIComponent(venue.code)}`);
    notice(t('delisted', venue), 'ok');
    await venuesChanged();
  } catch (error) {
    showError(error);
  }
}

export function initVenues() {
  for (const id of ['#filter-type', '#filter-region', '#filter-status']) {
    $(id).addEventListener('change', () => loadVenues({ reset: true }));
  }
  let typing;
  $('#filter-q').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => loadVenues({ reset: true }), 300);
  });
  $('#filters').addEventListener('submit', (event) => {
    event.preventDefault();
    clearTimeout(typing);
    void loadVenues({ reset: true });
  });
  $('#page-next').addEventListener('click', () => {
    if (!state.page?.nextCursor) return;
    state.cursors[state.index + 1] = state.page.nextCursor;
    state.index += 1;
    void loadVenues();
  });
  $('#page-prev').addEventListener('click', () => {
    if (state.index === 0) return;
    state.index -= 1;
    void loadVenues();
  });
  $('#add-venue').addEventListener('click', () => openVenueForm(null));
  onCountSelected((type, region) => {
    $('#filter-type').value = type;
    $('#filter-region').value = region;
    $('#filter-status').value = '';
    $('#filter-q').value = '';
    void loadVenues({ reset: true });
  });
  onVenuesChanged(() => loadVenues());
  onLanguageChange(() => state.page && render());
}
