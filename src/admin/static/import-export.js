// Import a CSV or JSON file: a dry run first (`?dryRun=true`) shows what would be created,
// updated, left unchanged and which rows are rejected and why; only a clean preview can be
// committed. Export downloads every listed venue as CSV or JSON.
import { api } from './api.js';
import { $, h, notice, showError } from './dom.js';
import { fieldErrorText } from './field-errors.js';
import { onLanguageChange, t } from './i18n.js';
import { venuesChanged } from './whitelist.js';

const CODES_SHOWN = 200;
let file = null; // { name, text, json }
let shown = null; // the last preview or result, re-rendered when the language changes

function contentType() {
  return file.json ? 'application/json' : 'text/csv';
}

async function chooseFile(event) {
  const chosen = event.target.files[0];
  shown = null;
  $('#import-result').hidden = true;
  $('#import-commit').disabled = true;
  if (!chosen) {
    file = null;
    $('#import-preview').disabled = true;
    $('#import-file-name').textContent = '';
    return;
  }
  const text = await chosen.text();
  const json = /\.json$/i.test(chosen.name) || chosen.type === 'application/json' || /^\s*\[/.test(text);
  file = { name: chosen.name, text, json };
  $('#import-file-name').textContent = `${chosen.name} · ${(chosen.size / 1024).toFixed(1)} KiB · ${json ? 'JSON' : 'CSV'}`;
  $('#import-preview').disabled = false;
}

async function preview() {
  if (!file) return;
  $('#import-preview').disabled = true;
  $('#import-commit').disabled = true;
  try {
    const result = await api('POST', '/venues/import', { query: { dryRun: 'true' }, body: file.text, contentType: contentType() });
    shown = { kind: 'preview', result };
  } catch (error) {
    shown = { kind: 'failed', result: { errors: error.details, message: error.message } };
  } finally {
    $('#import-preview').disabled = false;
  }
  render();
}

async function commit() {
  if (!file) return;
  $('#import-commit').disabled = true;
  try {
    const result = await api('POST', '/venues/import', { body: file.text, contentType: contentType() });
    shown = { kind: 'imported', result };
    notice(t('imported', counts(result)), 'ok');
    await venuesChanged();
  } catch (error) {
    shown = { kind: 'failed', result: { errors: error.details, message: error.message } };
    if (error.details.length === 0) showError(error);
  }
  render();
}

const counts = (result) => ({
  version: result.version,
  created: result.created.length,
  updated: result.updated.length,
  unchanged: result.unchanged.length,
});

function codeList(kind, codes) {
  return h(
    'details',
    { class: `codes codes-${kind}`, open: codes.length > 0 && codes.length <= 20 ? true : null },
    h('summary', {}, h('span', { class: `chip chip-${kind}` }, `${t(kind)} ${codes.length}`)),
    h('p', { class: 'mono small' }, codes.slice(0, CODES_SHOWN).join(', '), codes.length > CODES_SHOWN ? ` ${t('andMore', { n: codes.length - CODES_SHOWN })}` : ''),
  );
}

function errorTable(errors) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { id: 'import-errors', class: 'data' },
      h('thead', {}, h('tr', {}, h('th', { class: 'num' }, t('colRow')), h('th', {}, t('colField')), h('th', {}, t('colMessage')))),
      h(
        'tbody',
        {},
        ...errors.map((e) =>
          h('tr', { dataset: { row: String(e.row ?? ''), field: e.field } }, h('td', { class: 'num' }, String(e.row ?? '')), h('td', { class: 'mono' }, e.field), h('td', {}, fieldErrorText(e))),
        ),
      ),
    ),
  );
}

function render() {
  const box = $('#import-result');
  if (!shown) {
    box.hidden = true;
    return;
  }
  const { kind, result } = shown;
  const errors = result.errors ?? [];
  const rejectedRows = new Set(errors.map((e) => e.row)).size;
  const parts = [];
  if (errors.length > 0) {
    parts.push(h('p', { id: 'import-refused', class: 'banner danger', role: 'alert' }, t('refused', { n: rejectedRows })));
    if (kind === 'failed' && result.message) parts.push(h('p', { class: 'muted small' }, result.message));
  } else if (kind === 'imported') {
    parts.push(h('p', { id: 'import-done', class: 'banner ok' }, t('imported', counts(result))));
  } else if (kind === 'preview') {
    const changing = result.created.length + result.updated.length;
    parts.push(h('p', { class: `banner ${changing ? 'info' : 'muted'}` }, changing ? t('readyToCommit', { n: changing }) : t('nothingToDo')));
  } else if (result.message) {
    parts.push(h('p', { class: 'banner danger', role: 'alert' }, result.message));
  }
  if (result.created) {
    parts.push(h('div', { class: 'code-lists' }, codeList('created', result.created), codeList('updated', result.updated), codeList('unchanged', result.unchanged)));
  }
  if (errors.length > 0) {
    parts.push(h('h3', {}, h('span', { class: 'chip chip-rejected' }, `${t('rejected')} ${rejectedRows}`)));
    parts.push(errorTable(errors));
    parts.push(h('p', { class: 'muted small' }, t('rowNumbering')));
  }
  box.replaceChildren(...parts);
  box.dataset.kind = kind;
  box.hidden = false;
  $('#import-commit').disabled = !(kind === 'preview' && errors.length === 0 && result.created.length + result.updated.length > 0);
}

async function download(format) {
  try {
    const response = await api('GET', '/venues/export', { query: { format }, raw: true });
    const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `whitelist.${format}`;
    const url = URL.createObjectURL(await response.blob());
    const link = h('a', { href: url, download: name });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (error) {
    showError(error);
  }
}

export function initImportExport() {
  $('#import-file').addEventListener('change', chooseFile);
  $('#import-preview').addEventListener('click', preview);
  $('#import-commit').addEventListener('click', commit);
  $('#export-csv').addEventListener('click', () => download('csv'));
  $('#export-json').addEventListener('click', () => download('json'));
  onLanguageChange(render);
}
