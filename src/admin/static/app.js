// The console's shell: sign-in with an admin key (checked with `GET /audit?limit=1`, kept in
// sessionStorage), the language switch, the tabs.
import { api, session, whenUnauthenticated } from './api.js';
import { $, $$ } from './dom.js';
import { applyStaticLabels, setLanguage, t } from './i18n.js';
import { initImportExport } from './import-export.js';
import { initLiveTaps, stopLiveTaps } from './live-taps.js';
import { initVenueForm } from './venue-form.js';
import { startServiceClock, stopServiceClock, syncServiceClock } from './service-clock.js';
import { initVenues, loadVenues } from './venues.js';
import { startWhitelist, stopWhitelist } from './whitelist.js';

const TABS = ['venues', 'import', 'live'];

/** Whether the API takes this key as an admin key; the message to show when it does not. */
async function checkKey(key) {
  try {
    await api('GET', '/audit', { query: { limit: 1 }, key });
    return null;
  } catch (error) {
    if (error.status === 401) return t('wrongKey');
    if (error.status === 403) return t('terminalKey');
    return `${t('networkError')}${error.message}`;
  }
}

function showSignIn(message) {
  $('#console-view').hidden = true;
  $('#signout').hidden = true;
  $('#signin-view').hidden = false;
  const error = $('#signin-error');
  error.textContent = message ?? '';
  error.hidden = !message;
  $('#signin-key').focus();
}

async function showConsole() {
  $('#signin-view').hidden = true;
  $('#signout').hidden = false;
  $('#console-view').hidden = false;
  selectTab(TABS.includes(location.hash.slice(1)) ? location.hash.slice(1) : 'venues');
  await Promise.all([startWhitelist(), loadVenues(), startServiceClock()]);
}

function signOut(message) {
  session.forget();
  stopLiveTaps();
  stopWhitelist();
  stopServiceClock();
  showSignIn(message);
}

export function selectTab(name) {
  for (const tab of TABS) {
    $(`#tab-${tab}`).hidden = tab !== name;
    $(`[data-tab="${tab}"]`).setAttribute('aria-selected', String(tab === name));
  }
  history.replaceState(null, '', `#${name}`);
  if (session.key) void syncServiceClock();
}

async function start() {
  applyStaticLabels();
  $$('[data-lang]').forEach((button) => button.addEventListener('click', () => setLanguage(button.dataset.lang)));
  $$('[data-tab]').forEach((button) => button.addEventListener('click', () => selectTab(button.dataset.tab)));
  $('#signout').addEventListener('click', () => signOut());
  whenUnauthenticated(() => signOut(t('sessionEnded')));

  $('#signin-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = $('#signin-key').value.trim();
    const button = event.submitter;
    button.disabled = true;
    const problem = await checkKey(key);
    button.disabled = false;
    if (problem) {
      showSignIn(problem);
      return;
    }
    session.save(key);
    $('#signin-key').value = '';
    await showConsole();
  });

  initVenues();
  initVenueForm();
  initImportExport();
  initLiveTaps({ selectTab });

  const saved = session.key;
  if (saved && !(await checkKey(saved))) await showConsole();
  else {
    if (saved) session.forget();
    showSignIn();
  }
  document.body.dataset.ready = 'true';
}

void start();
