// Add and edit a venue. The form shows only the fields of the chosen type, opening hours as a
// weekly grid (one interval per day), and puts the API's field errors (`details[].field`) next
// to their fields.
import { api } from './api.js';
import { $, $$, h, notice } from './dom.js';
import { fieldErrorText, fieldLabel } from './field-errors.js';
import { dayName, onLanguageChange, t } from './i18n.js';
import { serviceBusinessDay } from './service-clock.js';
import { venuesChanged } from './whitelist.js';

const TYPE_FIELDS = {
  METRO_STATION: ['network', 'line', 'km'],
  BUS_LINE: ['fareFen'],
  LIBRARY: ['borrowLimit'],
  MUSEUM: ['dailyCapacity'],
  SCENIC_SPOT: ['dailyCapacity', 'entryFeeFen'],
};
const NUMBER_FIELDS = new Set(['km', 'dailyCapacity', 'borrowLimit', 'entryFeeFen', 'fareFen']);
const ALL_TYPE_FIELDS = [...new Set(Object.values(TYPE_FIELDS).flat())];
const DEFAULT_HOURS = { open: '09:00', close: '17:00' };

let editing = null; // the venue being edited, or null when adding
let shownErrors = null; // {details, fallback} of the last failed save, re-rendered on a language change

const form = () => $('#venue-form');
const input = (name) => form().elements.namedItem(name);


export async function openVenueForm(code) {
  clearErrors();
  form().reset();
  editing = null;
  if (code) {
    try {
      editing = await api('GET', `/venues/${encodeURIComponent(code)}`);
    } catch (error) {
      notice(`${t('error')}${error.message}`, 'error');
      return;
    }
  }
  // A new venue is listed from the service's business day: taps are judged on its clock, not the browser's.
  const venue = editing ?? { type: 'MUSEUM', region: 'SICHUAN', status: 'ACTIVE', listedFrom: await serviceBusinessDay() };
  for (const name of ['code', 'name', 'type', 'region', 'cityCode', 'status', 'listedFrom', 'listedUntil', ...ALL_TYPE_FIELDS]) {
    input(name).value = venue[name] ?? '';
  }
  input('code').readOnly = Boolean(editing);
  input('type').disabled = Boolean(editing);
  input('type').title = editing ? t('typeFixed') : '';
  $$('[data-create-only]').forEach((el) => (el.hidden = Boolean(editing)));
  setHours(venue.openingHours);
  showTypeFields();
  renderTitle();
  $('#venue-dialog').showModal();
  (editing ? input('name') : input('code')).focus();
}

function renderTitle() {
  $('#venue-form-title').textContent = editing ? t('formEdit', editing) : t('formAdd');
}

function showTypeFields() {
  const shown = TYPE_FIELDS[input('type').value] ?? [];
  $$('[data-type-field]').forEach((el) => (el.hidden = !shown.includes(el.dataset.typeField)));
}

function buildHoursGrid() {
  const body = $('#hours-grid tbody');
  body.replaceChildren(
    ...[1, 2, 3, 4, 5, 6, 7].map((day) =>
      h(
        'tr',
        { dataset: { day: String(day) } },
        h('th', { class: 'day-name' }, dayName(day)),
        h('td', {}, h('input', { type: 'checkbox', class: 'day-open', 'aria-label': `${dayName(day)} ${t('openThatDay')}` })),
        h('td', {}, h('input', { class: 'time day-from', value: DEFAULT_HOURS.open, maxlength: 5, inputmode: 'numeric', 'aria-label': `${dayName(day)} ${t('open')}` })),
        h('td', {}, h('input', { class: 'time day-to', value: DEFAULT_HOURS.close, maxlength: 5, inputmode: 'numeric', 'aria-label': `${dayName(day)} ${t('close')}` })),
      ),
    ),
  );
  for (const tr of $$('#hours-grid tbody tr')) {
    $('.day-open', tr).addEventListener('change', () => syncHoursGrid());
  }
}

function setHours(rules) {
  buildHoursGrid();
  const always = !rules || rules.length === 0;
  $('#hours-always').checked = always;
  let lossy = false;
  for (const rule of rules ?? []) {
    for (const day of rule.days) {
      const tr = $(`#hours-grid tr[data-day="${day}"]`);
      if ($('.day-open', tr).checked) lossy = true;
      $('.day-open', tr).checked = true;
      $('.day-from', tr).value = rule.open;
      $('.day-to', tr).value = rule.close;
    }
  }
  $('#hours-lossy').hidden = !lossy;
  syncHoursGrid();
}

function syncHoursGrid() {
  const always = $('#hours-always').checked;
  $('#hours-grid').classList.toggle('disabled', always);
  for (const tr of $$('#hours-grid tbody tr')) {
    const open = $('.day-open', tr);
    open.disabled = always;
    $('.day-from', tr).disabled = always || !open.checked;
    $('.day-to', tr).disabled = always || !open.checked;
  }
}

/** The grid as opening-hours rules: days with the same hours share a rule. */
function hoursFromGrid() {
  const rules = new Map();
  for (const tr of $$('#hours-grid tbody tr')) {
    if (!$('.day-open', tr).checked) continue;
    const open = $('.day-from', tr).value.trim();
    const close = $('.day-to', tr).value.trim();
    const key = `${open}-${close}`;
    if (!rules.has(key)) rules.set(key, { days: [], open, close });
    rules.get(key).days.push(Number(tr.dataset.day));
  }
  return [...rules.values()];
}

/** The request body: only the fields of the venue's type; on edit, emptied fields become null. */
function bodyFromForm() {
  const cleared = editing ? null : undefined;
  const type = input('type').value;
  const body = {};
  const text = (name) => input(name).value.trim();
  if (!editing) Object.assign(body, { code: text('code'), type, status: input('status').value });
  Object.assign(body, { name: input('name').value, region: input('region').value, cityCode: text('cityCode'), listedFrom: text('listedFrom') });
  body.listedUntil = text('listedUntil') || cleared;
  for (const name of TYPE_FIELDS[type]) {
    const value = text(name);
    if (value === '') body[name] = cleared;
    else body[name] = NUMBER_FIELDS.has(name) && Number.isFinite(Number(value)) ? Number(value) : value;
  }
  if ($('#hours-always').checked) body.openingHours = cleared;
  else body.openingHours = hoursFromGrid();
  return JSON.parse(JSON.stringify(body)); // drops the undefined ones
}

function clearErrors() {
  shownErrors = null;
  $$('#venue-form .field-error').forEach((el) => (el.textContent = ''));
  $$('#venue-form [aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  $('#venue-form-error').hidden = true;
}

/**
 * Puts each error beside its field (`openingHours[0].close` belongs to the hours grid), in the
 * console's language: the API's `constraint` code is translated, its English message is the
 * fallback. Kept so that switching the language re-renders them.
 */
function showErrors(details, fallback) {
  clearErrors();
  shownErrors = { details, fallback };
  const context = { region: input('region').value, type: input('type').value, code: input('code').value.trim() };
  const unplaced = [];
  for (const detail of details) {
    const field = detail.field ?? '';
    const text = fieldErrorText(detail, context);
    const root = field.split(/[.[]/)[0];
    const slot = $(`#venue-form [data-error-for="${root}"]`);
    if (!slot || slot.closest('[hidden]')) {
      unplaced.push(field && text === detail.message ? `${fieldLabel(field)}: ${text}` : text);
      continue;
    }
    slot.textContent = slot.textContent ? `${slot.textContent} ${text}` : text;
    input(root)?.setAttribute?.('aria-invalid', 'true');
  }
  const general = $('#venue-form-error');
  const messages = unplaced.length > 0 ? unplaced : details.length > 0 ? [t('formHasErrors')] : [fallback];
  general.textContent = messages.join(' · ');
  general.hidden = false;
}

async function save(event) {
  event.preventDefault();
  clearErrors();
  const body = bodyFromForm();
  if (Array.isArray(body.openingHours) && body.openingHours.length === 0) {
    showErrors([{ field: 'openingHours', constraint: 'pickADay', message: t('pickADay') }]);
    return;
  }
  const button = $('#venue-save');
  button.disabled = true;
  try {
    const saved = editing
      ? await api('PATCH', `/venues/${encodeURIComponent(editing.code)}`, { body })
      : await api('POST', '/venues', { body });
    $('#venue-dialog').close();
    notice(t('saved', saved), 'ok');
    await venuesChanged();
  } catch (error) {
    const details = error.code === 'DUPLICATE_VENUE' ? [{ field: 'code', constraint: 'duplicateVenue', message: error.message }] : error.details;
    showErrors(details, error.message);
  } finally {
    button.disabled = false;
  }
}

export function initVenueForm() {
  buildHoursGrid();
  input('type').addEventListener('change', showTypeFields);
  $('#hours-always').addEventListener('change', syncHoursGrid);
  form().addEventListener('submit', save);
  $$('#venue-dialog [data-close]').forEach((button) => button.addEventListener('click', () => $('#venue-dialog').close()));
  onLanguageChange(() => {
    if (!$('#venue-dialog').open) return;
    renderTitle();
    if (shownErrors) showErrors(shownErrors.details, shownErrors.fallback);
    $$('#hours-grid tbody tr').forEach((tr) => ($('.day-name', tr).textContent = dayName(Number(tr.dataset.day))));
  });
}
