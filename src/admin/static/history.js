// The history of one venue from `GET /audit?entity=venue&key=CODE`, newest first, each change
// shown as the fields that moved.
import { allPages } from './api.js';
import { $, $$, h, shortTime, showError } from './dom.js';
import { label, t } from './i18n.js';

const IGNORED = new Set(['version', 'updatedAt']);

function changes(entry) {
  if (!entry.before) return [h('span', { class: 'muted' }, t('createdRecord'))];
  const fields = new Set([...Object.keys(entry.before), ...Object.keys(entry.after ?? {})]);
  const lines = [];
  for (const field of fields) {
    if (IGNORED.has(field)) continue;
    const before = JSON.stringify(entry.before[field] ?? null);
    const after = JSON.stringify(entry.after?.[field] ?? null);
    if (before === after) continue;
    lines.push(h('div', { class: 'change' }, h('code', {}, field), ': ', h('del', {}, before), ' → ', h('ins', {}, after)));
  }
  return lines;
}

export async function openHistory(code) {
  $('#history-title').textContent = t('historyTitle', { code });
  const body = $('#history-table tbody');
  body.replaceChildren(h('tr', {}, h('td', { colspan: 4, class: 'empty' }, t('loading'))));
  $('#history-dialog').showModal();
  try {
    const entries = (await allPages('/audit', { entity: 'venue', key: code })).reverse();
    body.replaceChildren(
      ...(entries.length === 0
        ? [h('tr', {}, h('td', { colspan: 4, class: 'empty' }, t('noHistory')))]
        : entries.map((entry) =>
            h(
              'tr',
              { dataset: { action: entry.action } },
              h('td', { class: 'small nowrap' }, shortTime(entry.at)),
              h('td', {}, h('span', { class: 'tag' }, label(entry.action))),
              h('td', { class: 'mono small' }, entry.actor),
              h('td', {}, ...changes(entry)),
            ),
          )),
    );
  } catch (error) {
    showError(error);
  }
}

$$('#history-dialog [data-close]').forEach((button) => button.addEventListener('click', () => $('#history-dialog').close()));
