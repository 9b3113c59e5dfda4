// Small DOM helpers: element building, the confirmation dialog, notices.
import { t } from './i18n.js';

/** `h('td', {class: 'x', dataset: {code}}, 'text', child)`; attributes with null/false values are left out. */
export function h(tag, attributes = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

/** Asks before a change; resolves true when confirmed. */
export function confirmAction(message, { danger = false } = {}) {
  const dialog = $('#confirm-dialog');
  $('#confirm-message').textContent = message;
  const ok = $('#confirm-ok');
  ok.classList.toggle('danger', danger);
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
  });
}

let noticeTimer;
/** A short message at the bottom of the page. */
export function notice(message, kind = 'info') {
  const el = $('#notice');
  el.textContent = message;
  el.className = `notice ${kind}`;
  el.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => (el.hidden = true), kind === 'error' ? 8000 : 4000);
}

export function showError(error) {
  notice(`${t('error')}${error.message}`, 'error');
}

/** `2025-03-01T08:15:00+08:00` → `2025-03-01 08:15:00` (the API answers in Beijing time already). */
export const shortTime = (iso) => (iso ? iso.slice(0, 19).replace('T', ' ') : '');
