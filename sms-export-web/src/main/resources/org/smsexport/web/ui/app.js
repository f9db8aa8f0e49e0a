// The exports page: plain JavaScript over the REST API, no build step, nothing from elsewhere. Every control is built
// from what the API describes (types, their filters, formats, their options) in the page's language.
import { TEXTS } from './i18n.js';

const API = '/api/v1/import-export';
const TOKEN = 'sms-export-token';
const STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled', 'archived'];
const FREQUENCIES = ['hourly', 'daily', 'weekly', 'monthly', 'custom'];
const DAY = 86400;
// the language chosen before, else the browser's
const browserLang = (navigator.language || 'en').slice(0, 2) === 'el' ? 'el' : 'en';
const state = { lang: localStorage.getItem('sms-export-lang') === 'el' || (!localStorage.getItem('sms-export-lang') && browserLang === 'el') ? 'el' : 'en',
  me: null, types: null, timer: null, jobs: { skip: 0, limit: 20, status: '', type: '', search: '' }, open: new Set(),
  charts: [], statuses: new Map(), metricsOwner: '', allNodes: false };

// ---------------------------------------------------------------- words, numbers, dates

const t = (key, vars = {}) => String((TEXTS[state.lang] || TEXTS.en)[key] || TEXTS.en[key] || key)
  .replace(/\{(\w+)\}/g, (m, k) => (k in vars ? vars[k] : m));
const intl = () => (state.lang === 'el' ? 'el-GR' : 'en-GB');
const num = (n, options) => new Intl.NumberFormat(intl(), options).format(n);
const size = (bytes) => (bytes < 1024 * 1024
  ? num(bytes / 1024, { style: 'unit', unit: 'kilobyte', maximumFractionDigits: bytes < 10240 ? 1 : 0 })
  : num(bytes / 1048576, { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1 }));
const seconds = (s) => num(s, { style: 'unit', unit: 'second', unitDisplay: 'short', maximumFractionDigits: s < 10 ? 2 : 1 });
/** A date and time in the page's language, in a zone (the schedule's) or the browser's. */
const when = (iso, zone) => (iso ? new Intl.DateTimeFormat(intl(), { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23', timeZone: zone || undefined })
  .format(new Date(iso)) : '–');
/** A language's name in the page's language, capitalised: Greek, Ελληνικά. */
function languageName(code) {
  let name = code;
  try {
    name = new Intl.DisplayNames([intl()], { type: 'language' }).of(code) || code;
  } catch (e) { /* an odd code is shown as it is */ }
  return name.charAt(0).toLocaleUpperCase(intl()) + name.slice(1);
}
/** The day-first date a person typed (31/12/2026, 31.12.2026) or an ISO date, as ISO; null when it is no date. */
function isoDate(text) {
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const [y, mo, d] = m ? [m[1], m[2], m[3]] : ((m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text)) ? [m[3], m[2], m[1]] : []);
  if (!y) return null;
  const date = new Date(Date.UTC(+y, +mo - 1, +d));
  if (date.getUTCMonth() !== +mo - 1 || date.getUTCDate() !== +d) return null;
  return date.toISOString().slice(0, 10);
}
const dayFirst = (iso) => (/^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso.slice(8, 10) + '/' + iso.slice(5, 7) + '/' + iso.slice(0, 4) : iso);

// ---------------------------------------------------------------- elements

let serial = 0;
const uid = (p) => p + '-' + (++serial);

/** An element with attributes (on* as listeners) and children (strings become text, never HTML). */
function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) e.append(c instanceof Node ? c : String(c));
  return e;
}

/** A labelled control: the label names it, a hint below describes it. */
function field(label, control, hint) {
  control.id = control.id || uid('f');
  const hintEl = hint ? h('small', { id: uid('h'), class: 'muted', text: hint }) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: control.id, text: label }), control, hintEl);
}

const checkbox = (label, control) => h('div', { class: 'field check' }, control, h('label', { for: control.id = control.id || uid('f'), text: label }));

const main = () => document.getElementById('main');

/**
 * Replaces a list's rows and gives focus back to the control that had it (same data-key), so a list that redraws while
 * someone tabs through it keeps their place.
 */
function redraw(tbody, rows) {
  const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.key : null;
  tbody.replaceChildren(...rows);
  const again = focused && tbody.querySelector('[data-key="' + CSS.escape(focused) + '"]');
  if (again) again.focus();
}

/** Tells a screen reader (and a test) what just changed. */
function announce(text) {
  const live = document.getElementById('announce');
  live.textContent = '';
  setTimeout(() => { live.textContent = text; }, 50);
}

/** Asks before something that cannot be undone; the dialog keeps focus inside and gives it back to the opener. */
function confirmDialog(title, text) {
  const dialog = document.getElementById('confirm');
  const opener = document.activeElement;
  dialog.querySelector('#confirm-title').textContent = title;
  dialog.querySelector('#confirm-text').textContent = text;
  dialog.querySelector('[data-testid=confirm-ok]').textContent = t('jobs.confirm.ok');
  dialog.querySelector('[data-testid=confirm-cancel]').textContent = t('jobs.confirm.cancel');
  dialog.returnValue = 'cancel';
  if (!dialog.dataset.trapped) {
    // Tab and Shift+Tab go round the dialog's buttons; nothing behind it is reached while it is open
    dialog.addEventListener('keydown', (ev) => {
      if (ev.key !== 'Tab') return;
      const stops = [...dialog.querySelectorAll('button, [href], input, select')].filter((e) => !e.disabled);
      const at = stops.indexOf(document.activeElement);
      const next = ev.shiftKey ? (at <= 0 ? stops.length - 1 : at - 1) : (at + 1) % stops.length;
      ev.preventDefault();
      stops[next].focus();
    });
    dialog.dataset.trapped = 'yes';
  }
  dialog.showModal();
  dialog.querySelector('[data-testid=confirm-cancel]').focus();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      if (opener && opener.isConnected) opener.focus();
      resolve(dialog.returnValue === 'ok');
    }, { once: true });
  });
}

// ---------------------------------------------------------------- the API

class Unauthorized extends Error {}
class ApiError extends Error {
  constructor(status, message, code) { super(message); this.status = status; this.code = code; }
}

async function api(path, { method = 'GET', body } = {}) {
  const headers = { Accept: 'application/json' };
  // the API takes changes as JSON only (a page of another site cannot send that without a preflight it refuses)
  if (body === undefined && (method === 'POST' || method === 'PUT')) body = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const token = sessionStorage.getItem(TOKEN);
  if (token) headers.Authorization = 'Bearer ' + token;
  // a host with Spring Security's cookie CSRF tokens (the README's configuration) wants the cookie's value back
  const xsrf = document.cookie.split('; ').find((c) => c.startsWith('XSRF-TOKEN='));
  if (xsrf && method !== 'GET') headers['X-XSRF-TOKEN'] = decodeURIComponent(xsrf.slice('XSRF-TOKEN='.length));
  const r = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  const j = await r.json().catch(() => null);
  if (r.status === 401) throw new Unauthorized();
  if (!r.ok || !j || !j.success) throw new ApiError(r.status, (j && j.error && j.error.message) || r.statusText, j && j.error && j.error.code);
  return j.data;
}

const query = (o) => Object.entries(o).filter(([, v]) => v !== '' && v !== undefined && v !== null)
  .map(([k, v]) => encodeURIComponent(k) + '=' + encodeURIComponent(v)).join('&');
const typeOf = (name) => state.types.types.find((x) => x.name === name);
const typeLabel = (name) => (typeOf(name) || { label: name }).label;
const formatOf = (id) => state.types.formats.find((f) => f.id === id);
const what = (type, format) => t('jobs.of', { type: typeLabel(type), format: String(format).toUpperCase() });

/** A job's or schedule's filters in words: Status = Active · Class = A1. */
function filtersText(type, filters) {
  const spec = typeOf(type);
  const order = (k) => (spec ? spec.filters.findIndex((x) => x.key === k) : 0);
  const entries = Object.entries(filters || {}).sort(([a], [b]) => order(a) - order(b));
  if (!entries.length) return t('jobs.allrows');
  return entries.map(([k, v]) => {
    const f = spec && spec.filters.find((x) => x.key === k);
    const value = f && f.choice_labels && f.choice_labels[v] ? f.choice_labels[v] : f && f.value_type === 'date' ? dayFirst(String(v)) : v;
    return (f ? f.label : k) + ': ' + value;
  }).join(' · ');
}

// ---------------------------------------------------------------- frame

function relabel() {
  document.documentElement.lang = state.lang;
  document.title = t('app.title');
  document.querySelectorAll('[data-i18n]').forEach((e) => { e.textContent = t(e.dataset.i18n); });
  document.querySelectorAll('[data-i18n-label]').forEach((e) => e.setAttribute('aria-label', t(e.dataset.i18nLabel)));
  const lang = document.querySelector('[data-testid=lang]');
  lang.textContent = t('lang.switch');
  lang.lang = t('lang.switch.code');
  const view = currentView();
  document.querySelectorAll('header nav a').forEach((a) => {
    if (a.getAttribute('href') === '#/' + view) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  document.querySelector('[data-testid=nav-nodes]').hidden = !(state.me && state.me.admin);
  document.querySelector('[data-testid=who]').textContent = state.me ? (state.me.admin ? t('who.admin', { name: state.me.name }) : state.me.name) : '';
}

const currentView = () => (location.hash.replace(/^#\/?/, '').split('?')[0] || 'exports');
const hashParams = () => new URLSearchParams(location.hash.split('?')[1] || '');

function signIn(message) {
  stop();
  state.me = null;
  const view = document.getElementById('sign-in-template').content.cloneNode(true);
  main().replaceChildren(view);
  relabel();
  const form = main().querySelector('[data-testid=sign-in]');
  form.querySelector('[data-testid=sign-in-error]').textContent = message || '';
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    sessionStorage.setItem(TOKEN, form.token.value.trim());
    try {
      await api(API + '/types');
      route();
    } catch (e) {
      sessionStorage.removeItem(TOKEN);
      signIn(e instanceof Unauthorized ? t('signin.bad') : e.message);
    }
  });
  form.token.focus();
}

function stop() {
  clearInterval(state.timer);
  state.timer = null;
  state.charts.forEach((c) => c.destroy());
  state.charts = [];
}

async function route() {
  stop();
  relabel();
  document.querySelector('[data-testid=sign-out]').hidden = !sessionStorage.getItem(TOKEN);
  try {
    state.me = await api(API + '/me');
    state.types = await api(API + '/types?' + query({ locale: state.lang }));
    relabel();
    const view = currentView();
    if (view === 'schedules') await schedules();
    else if (view === 'metrics') await metrics();
    else if (view === 'nodes') await nodes();
    else await exportsView();
    relabel();
  } catch (e) {
    if (e instanceof Unauthorized) signIn();
    else main().replaceChildren(h('p', { class: 'error', role: 'alert', text: t('error.generic', { message: e.message }) }));
  }
}

// ---------------------------------------------------------------- controls from the API's descriptions

function typeSelect(onchange) {
  return h('select', { name: 'export_type', onchange }, state.types.types.map((x) => h('option', { value: x.name, text: x.label })));
}

function formatSelect(onchange) {
  return h('select', { name: 'export_format', onchange }, state.types.formats.map((f) => h('option', { value: f.id, text: f.id.toUpperCase() })));
}

function languageSelect(type, chosen) {
  return h('select', { name: 'locale' }, (type ? type.languages : ['en', 'el']).map((l) =>
    h('option', { value: l, text: languageName(l), selected: l === chosen })));
}

/** A type's filters as controls carrying data-filter=<key>: choices as selects, dates day-first, numbers as numbers. */
function filterFields(type) {
  return type.filters.map((f) => {
    let control;
    let hint = null;
    if (f.choices.length) {
      control = h('select', { name: f.key }, h('option', { value: '', text: t('export.any') }),
        f.choices.map((c) => h('option', { value: c, text: (f.choice_labels && f.choice_labels[c]) || c })));
    } else if (f.value_type === 'date') {
      control = h('input', { name: f.key, type: 'text', inputmode: 'numeric', autocomplete: 'off', placeholder: t('export.date.placeholder'),
        'data-type': 'date', pattern: '\\d{1,2}[/.\\-]\\d{1,2}[/.\\-]\\d{4}|\\d{4}-\\d{2}-\\d{2}' });
      hint = t('export.date.hint');
    } else if (f.value_type === 'integer' || f.value_type === 'decimal') {
      control = h('input', { name: f.key, type: 'number', step: f.value_type === 'decimal' ? 'any' : '1', inputmode: 'decimal' });
    } else {
      control = h('input', { name: f.key, type: f.match === 'search' ? 'search' : 'text', autocomplete: 'off' });
    }
    control.dataset.filter = f.key;
    return field(f.label || f.key, control, hint);
  });
}

class FormError extends Error {
  constructor(message, control) { super(message); this.control = control; }
}

function filterValues(scope) {
  const out = {};
  for (const e of scope.querySelectorAll('[data-filter]')) {
    const v = e.value.trim();
    if (!v) continue;
    if (e.dataset.type === 'date') {
      const iso = isoDate(v);
      if (!iso) throw new FormError(t('export.bad.date', { value: v, field: scope.querySelector('label[for="' + e.id + '"]').textContent }), e);
      out[e.dataset.filter] = iso;
    } else {
      out[e.dataset.filter] = v;
    }
  }
  return out;
}

/** A format's options as controls named by their keys: selects for choices, checkboxes for yes/no, password fields for secrets. */
function optionFields(format) {
  return (format.option_specs || format.options.map((key) => ({ key, type: 'text', label: key, choices: [], choice_labels: {} }))).map((o) => {
    let control;
    if (o.type === 'boolean') {
      control = h('input', { type: 'checkbox', name: o.key, checked: o.default === 'true' });
      control.dataset.option = o.key;
      control.dataset.default = o.default;
      return checkbox(o.label, control);
    }
    if (o.type === 'choice') {
      control = h('select', { name: o.key }, o.choices.map((c) => h('option', { value: c, text: o.choice_labels[c] || c, selected: c === o.default })));
    } else {
      control = h('input', { name: o.key, type: o.type === 'secret' ? 'password' : 'text', autocomplete: o.type === 'secret' ? 'new-password' : 'off' });
    }
    control.dataset.option = o.key;
    control.dataset.default = o.default || '';
    return field(o.label, control);
  });
}

/** The options that differ from their defaults (a request that names none gets the defaults anyway). */
function optionValues(scope) {
  const out = {};
  for (const e of scope.querySelectorAll('[data-option]')) {
    const v = e.type === 'checkbox' ? String(e.checked) : e.value;
    if (v !== '' && v !== e.dataset.default) out[e.dataset.option] = v;
  }
  return out;
}

/** A passwords' fields are emptied once the request is sent: nothing keeps them. */
const forgetSecrets = (scope) => scope.querySelectorAll('input[type=password]').forEach((e) => { e.value = ''; });

/** The filters and options of the chosen type and format, redrawn when either changes; the language follows the type. */
function requestFields(form, { onType } = {}) {
  const filters = h('fieldset', { class: 'filters' });
  const options = h('fieldset', { class: 'options' });
  const more = h('details', { class: 'more' }, h('summary', { text: t('export.options') }), options);
  const localeHolder = h('div', { class: 'locale' });
  const fillType = () => {
    const type = typeOf(form.export_type.value);
    filters.replaceChildren(h('legend', { text: t('export.filters') }), ...filterFields(type));
    localeHolder.replaceChildren(field(t('export.locale'), languageSelect(type, type.languages.includes(state.lang) ? state.lang : 'en')));
    if (onType) onType(type);
  };
  const fillFormat = () => {
    options.replaceChildren(h('legend', { class: 'sr-only', text: t('export.options') }), ...optionFields(formatOf(form.export_format.value)));
  };
  return { filters, more, localeHolder, fillType, fillFormat };
}

// ---------------------------------------------------------------- exports

async function exportsView() {
  const error = h('p', { class: 'error', role: 'alert', 'data-testid': 'export-error' });
  const type = typeSelect(() => parts.fillType());
  const format = formatSelect(() => parts.fillFormat());
  const notify = h('input', { name: 'notify_email', type: 'email', autocomplete: 'email' });
  const form = h('form', { class: 'grid', 'data-testid': 'new-export', novalidate: true, onsubmit: submit });
  const parts = requestFields({ export_type: type, export_format: format });
  form.append(field(t('export.type'), type), field(t('export.format'), format), parts.localeHolder, field(t('export.notify'), notify),
    parts.filters, parts.more, h('div', { class: 'submit' }, h('button', { type: 'submit', text: t('export.submit') })), error);
  async function submit(ev) {
    ev.preventDefault();
    error.textContent = '';
    try {
      const body = { export_type: type.value, export_format: format.value, locale: form.locale.value,
        filters: filterValues(parts.filters), options: optionValues(form) };
      if (notify.value.trim()) body.notify_email = notify.value.trim();
      const job = await api(API + '/exports', { method: 'POST', body });
      forgetSecrets(form);
      announce(t('export.started', { id: job.id.slice(0, 8) }));
      state.jobs.skip = 0;
      await refresh();
    } catch (e) {
      if (e instanceof Unauthorized) return signIn();
      error.textContent = e.message;
      if (e.control) e.control.focus();
    }
  }

  const statusFilter = h('select', { name: 'status', onchange: () => { state.jobs.status = statusFilter.value; state.jobs.skip = 0; refresh(); } },
    h('option', { value: '', text: t('jobs.all') }), STATUSES.map((s) => h('option', { value: s, text: t('status.' + s), selected: s === state.jobs.status })));
  const typeFilter = h('select', { name: 'type', onchange: () => { state.jobs.type = typeFilter.value; state.jobs.skip = 0; refresh(); } },
    h('option', { value: '', text: t('jobs.all') }), state.types.types.map((x) => h('option', { value: x.name, text: x.label, selected: x.name === state.jobs.type })));
  if (hashParams().has('search')) state.jobs.search = hashParams().get('search');
  let typing = null;
  const find = () => { clearTimeout(typing); typing = setTimeout(() => { state.jobs.search = search.value.trim(); state.jobs.skip = 0; refresh(); }, 250); };
  const search = h('input', { name: 'search', type: 'search', value: state.jobs.search, autocomplete: 'off', 'data-testid': 'job-search',
    oninput: find, onchange: find });
  const pager = h('span', { class: 'muted', 'data-testid': 'page', 'aria-live': 'polite' });
  const prev = h('button', { type: 'button', class: 'secondary', text: t('jobs.prev'), onclick: () => { state.jobs.skip = Math.max(0, state.jobs.skip - state.jobs.limit); refresh(); } });
  const next = h('button', { type: 'button', class: 'secondary', text: t('jobs.next'), onclick: () => { state.jobs.skip += state.jobs.limit; refresh(); } });
  const admin = state.me && state.me.admin;
  const head = ['jobs.id', admin ? 'jobs.owner' : null, 'jobs.what', 'jobs.status', 'jobs.rows', 'jobs.size', 'jobs.duration', 'jobs.created', 'jobs.actions'].filter(Boolean);
  const tbody = h('tbody');
  main().replaceChildren(
    h('section', { class: 'card', 'aria-labelledby': 'new-export-title' }, h('h1', { id: 'new-export-title', text: t('export.new') }), form),
    h('section', { class: 'card', 'aria-labelledby': 'jobs-title' }, h('h2', { id: 'jobs-title', text: t('jobs.title') }),
      h('div', { class: 'toolbar' }, field(t('jobs.search'), search), field(t('jobs.status'), statusFilter), field(t('export.type'), typeFilter),
        h('div', { class: 'pager' }, prev, pager, next)),
      h('table', { class: 'cards', 'data-testid': 'jobs' },
        h('thead', {}, h('tr', {}, head.map((k) => h('th', { scope: 'col', class: ['jobs.rows', 'jobs.size', 'jobs.duration'].includes(k) ? 'num' : null, text: t(k) })))),
        tbody)));
  if (state.types.types.some((x) => x.name === 'students')) type.value = 'students';
  parts.fillType();
  parts.fillFormat();

  async function act(job, verb) {
    try {
      if (verb === 'delete') {
        const sure = await confirmDialog(t('jobs.confirm.title'), job.file_path ? t('jobs.confirm.text', { id: job.id.slice(0, 8), file: job.file_path })
          : t('jobs.confirm.nofile', { id: job.id.slice(0, 8) }));
        if (!sure) return;
        await api(API + '/exports/' + encodeURIComponent(job.id), { method: 'DELETE' });
        announce(t('jobs.deleted', { id: job.id.slice(0, 8) }));
      } else if (verb === 'cancel') {
        await api(API + '/exports/' + encodeURIComponent(job.id), { method: 'DELETE' });
      } else {
        const again = await api(API + '/exports/' + encodeURIComponent(job.id) + '/rerun', { method: 'POST' });
        announce(t('jobs.rerun.done', { id: job.id.slice(0, 8), new: String(again.job_id || again.id).slice(0, 8) }));
        state.jobs.skip = 0;
      }
    } catch (e) {
      if (e instanceof Unauthorized) return signIn();
      error.textContent = e.message;
    }
    refresh();
  }

  function row(j) {
    const terminal = !['pending', 'running'].includes(j.status);
    const key = (k) => j.id + ':' + k;
    const cells = [
      h('td', { 'data-label': t('jobs.id') }, h('code', { title: j.id, text: j.id.slice(0, 8) })),
      admin ? h('td', { 'data-label': t('jobs.owner'), text: j.owner || '' }) : null,
      h('td', { 'data-label': t('jobs.what') }, h('div', { text: what(j.export_type, j.export_format) }),
        h('div', { class: 'muted small', 'data-testid': 'job-filters', text: filtersText(j.export_type, j.filters) }),
        j.locale ? h('div', { class: 'muted small', 'data-testid': 'job-language', text: t('jobs.language') + ': ' + languageName(j.locale.slice(0, 2)) }) : null),
      h('td', { 'data-label': t('jobs.status') }, h('span', { class: 'status ' + j.status, text: t('status.' + j.status) }),
        terminal ? null : h('progress', { max: 100, value: j.progress_percent, 'aria-label': t('jobs.progress') + ' ' + num(j.progress_percent / 100, { style: 'percent' }) }),
        j.error_message ? h('div', { class: 'error small', 'data-testid': 'job-error', text: j.error_message }) : null,
        (j.warnings || []).map((w) => h('div', { class: 'warning small', 'data-testid': 'job-warning', text: t('jobs.warning') + ': ' + w }))),
      h('td', { class: 'num', 'data-label': t('jobs.rows'), text: num(j.total_records || 0) }),
      h('td', { class: 'num', 'data-label': t('jobs.size'), text: j.status === 'completed' ? size(j.file_size_bytes || 0) : '–' }),
      h('td', { class: 'num', 'data-label': t('jobs.duration'), text: j.duration_seconds === null ? '–' : seconds(j.duration_seconds) }),
      h('td', { 'data-label': t('jobs.created') }, h('time', { datetime: j.created_at, text: when(j.created_at) })),
      h('td', { class: 'actions-cell', 'data-label': t('jobs.actions') }, h('div', { class: 'actions' },
        j.download_url ? h('a', { href: j.download_url, 'data-testid': 'download', 'data-key': key('download'), class: 'button', text: t('jobs.download') }) : null,
        terminal ? null : h('button', { type: 'button', 'data-testid': 'cancel', 'data-key': key('cancel'), class: 'secondary', text: t('jobs.cancel'), onclick: () => act(j, 'cancel') }),
        terminal ? h('button', { type: 'button', 'data-testid': 'rerun', 'data-key': key('rerun'), class: 'secondary', text: t('jobs.rerun'), onclick: () => act(j, 'rerun') }) : null,
        terminal ? h('button', { type: 'button', 'data-testid': 'delete', 'data-key': key('delete'), class: 'secondary', text: t('jobs.delete'), onclick: () => act(j, 'delete') }) : null,
        h('button', { type: 'button', class: 'secondary', 'data-testid': 'details', 'data-key': key('details'), 'aria-expanded': state.open.has(j.id) ? 'true' : 'false',
          'aria-controls': 'details-' + j.id, text: t('jobs.details'),
          onclick: () => { state.open.has(j.id) ? state.open.delete(j.id) : state.open.add(j.id); refresh(true); } })))];
    const rows = [h('tr', { 'data-job-id': j.id, 'data-status': j.status }, cells)];
    if (state.open.has(j.id)) {
      rows.push(h('tr', { class: 'details', id: 'details-' + j.id, 'data-details-of': j.id }, h('td', { colspan: head.length },
        h('dl', {},
          h('dt', { text: t('jobs.id') }), h('dd', {}, h('code', { text: j.id })),
          j.file_path ? [h('dt', { text: t('jobs.file') }), h('dd', {}, h('code', { text: j.file_path }))] : null,
          j.sha256 ? [h('dt', { text: 'SHA-256' }), h('dd', {}, h('code', { class: 'wrap', text: j.sha256 }))] : null,
          j.node ? [h('dt', { text: t('jobs.node') }), h('dd', { 'data-testid': 'job-node' }, h('code', { text: j.node }), ' · ' + t('jobs.attempts') + ': ' + j.attempts)] : null))));
    }
    return rows;
  }

  async function refresh(force) {
    let page;
    try {
      page = await api(API + '/exports?' + query({ skip: state.jobs.skip, limit: state.jobs.limit, status: state.jobs.status,
        export_type: state.jobs.type, search: state.jobs.search }));
    } catch (e) {
      if (e instanceof Unauthorized) return signIn();
      return;
    }
    // status changes are told to a screen reader: an export that completes or fails while the page is open
    for (const j of page.items) {
      const before = state.statuses.get(j.id);
      if (before && before !== j.status) announce(t('jobs.now', { id: j.id.slice(0, 8), status: t('status.' + j.status) }));
      state.statuses.set(j.id, j.status);
    }
    // redraw only what changed: a table that stays put keeps focus and a reader's place
    const signature = JSON.stringify(page) + [...state.open].join() + state.lang;
    if (!force && signature === tbody.dataset.signature) return;
    tbody.dataset.signature = signature;
    const rows = page.items.flatMap(row);
    if (!rows.length) rows.push(h('tr', {}, h('td', { colspan: head.length, class: 'muted', text: state.jobs.search || state.jobs.status || state.jobs.type ? t('jobs.nomatch') : t('jobs.none') })));
    redraw(tbody, rows);
    const pages = Math.max(1, Math.ceil(page.total / state.jobs.limit));
    pager.textContent = t('jobs.page', { page: num(Math.floor(state.jobs.skip / state.jobs.limit) + 1), pages: num(pages) });
    prev.disabled = state.jobs.skip === 0;
    next.disabled = state.jobs.skip + state.jobs.limit >= page.total;
  }
  await refresh();
  state.timer = setInterval(refresh, 1000);
}

// ---------------------------------------------------------------- schedules

const frequencyText = (s) => {
  const text = s.frequency_text || s.frequency;
  return text.startsWith('cron ') ? t('freq.cron', { expr: text.slice(5) }) : t('freq.' + text.toLowerCase());
};

async function schedules() {
  const zoneDefault = (state.me && state.me.time_zone) || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const fires = h('ol', { class: 'fires', 'data-testid': 'next-fires' });
  const firesTitle = h('span', { class: 'muted', 'data-testid': 'next-fires-title' });
  const freqError = h('p', { class: 'error', role: 'alert', 'data-testid': 'frequency-error' });
  const error = h('p', { class: 'error', role: 'alert', 'data-testid': 'schedule-error' });
  const type = typeSelect(() => parts.fillType());
  const format = formatSelect(() => parts.fillFormat());
  const frequency = h('select', { name: 'frequency', onchange: () => { cronField.hidden = frequency.value !== 'custom'; preview(); } },
    FREQUENCIES.map((f) => h('option', { value: f, text: t('freq.' + f), selected: f === 'weekly' })));
  const cron = h('input', { name: 'cron_expression', autocomplete: 'off', spellcheck: 'false', value: '0 7 * * 1', oninput: () => preview() });
  const cronField = field(t('sched.cron'), cron, t('sched.cron.hint'));
  cronField.hidden = true;
  const zones = h('datalist', { id: uid('zones') }, (Intl.supportedValuesOf ? Intl.supportedValuesOf('timeZone') : []).map((z) => h('option', { value: z })));
  const zone = h('input', { name: 'zone', value: zoneDefault, list: zones.id, autocomplete: 'off', spellcheck: 'false', oninput: () => preview() });
  const catchUp = h('select', { name: 'catch_up' }, ['once', 'skip', 'all'].map((c) => h('option', { value: c, text: t('catch.' + c) })));
  const notify = h('input', { name: 'notify_email', type: 'email', autocomplete: 'email' });
  const delta = h('input', { type: 'checkbox', name: 'delta' });
  let templates = [];
  try {
    const listed = await api(API + '/templates?limit=100');
    templates = (listed.items || listed).filter((x) => x.owner === state.me.name);
  } catch (e) {
    if (e instanceof Unauthorized) throw e;
  }
  const template = h('select', { name: 'template', onchange: () => {
    const chosen = templates.find((x) => x.name === template.value);
    if (!chosen) return;
    type.value = chosen.export_type;
    format.value = chosen.export_format;
    parts.fillType();
    parts.fillFormat();
  } }, h('option', { value: '', text: t('sched.template.none') }), templates.map((x) => h('option', { value: x.name, text: x.name + ' · ' + what(x.export_type, x.export_format) })));
  const form = h('form', { class: 'grid', 'data-testid': 'new-schedule', novalidate: true, onsubmit: submit });
  const parts = requestFields({ export_type: type, export_format: format });
  form.append(field(t('sched.template'), template), field(t('export.type'), type), field(t('export.format'), format), parts.localeHolder,
    field(t('sched.frequency'), frequency), cronField, field(t('sched.zone'), zone), field(t('sched.catchup'), catchUp),
    field(t('sched.notify'), notify), checkbox(t('sched.delta'), delta), parts.filters, parts.more,
    h('div', { class: 'preview' }, firesTitle, fires), freqError,
    h('div', { class: 'submit' }, h('button', { type: 'submit', text: t('sched.submit') })), error, zones);
  const frequencyValue = () => (frequency.value === 'custom' ? 'cron ' + cron.value.trim() : frequency.value);
  let pending = null;
  function preview() {
    clearTimeout(pending);
    pending = setTimeout(async () => {
      const z = zone.value.trim();
      firesTitle.textContent = t('sched.next.in', { zone: z });
      try {
        const p = await api(API + '/schedules/preview?' + query({ frequency: frequencyValue(), zone: z }));
        freqError.textContent = '';
        fires.replaceChildren(...p.next_fire_times.map((x) => h('li', {}, h('time', { datetime: x, text: when(x, p.zone) }))));
      } catch (e) {
        if (e instanceof Unauthorized) return signIn();
        fires.replaceChildren();
        freqError.textContent = e.message;
      }
    }, 250);
  }
  async function submit(ev) {
    ev.preventDefault();
    error.textContent = '';
    try {
      const body = { export_type: type.value, export_format: format.value, frequency: frequency.value, zone: zone.value.trim(),
        catch_up: catchUp.value, locale: form.locale.value, filters: filterValues(parts.filters), options: optionValues(form), delta: delta.checked };
      if (frequency.value === 'custom') body.cron_expression = cron.value.trim();
      if (notify.value.trim()) body.notify_email = notify.value.trim();
      if (template.value) body.template = template.value;
      const created = await api(API + '/schedules', { method: 'POST', body });
      forgetSecrets(form);
      announce(t('sched.created', { what: what(created.export_type, created.export_format) + ', ' + frequencyText(created) }));
      await list();
    } catch (e) {
      if (e instanceof Unauthorized) return signIn();
      error.textContent = e.message;
      if (e.control) e.control.focus();
    }
  }
  if (state.types.types.some((x) => x.name === 'students')) type.value = 'students';
  parts.fillType();
  parts.fillFormat();
  const admin = state.me && state.me.admin;
  const tbody = h('tbody');
  const open = new Set();
  const head = ['sched.what', admin ? 'jobs.owner' : null, 'sched.frequency', 'sched.next', 'sched.last', 'jobs.actions'].filter(Boolean);
  main().replaceChildren(h('section', { class: 'card', 'aria-labelledby': 'new-schedule-title' }, h('h1', { id: 'new-schedule-title', text: t('sched.new') }), form),
    h('section', { class: 'card', 'aria-labelledby': 'schedules-title' }, h('h2', { id: 'schedules-title', text: t('sched.title') }),
      h('table', { class: 'cards', 'data-testid': 'schedules' }, h('thead', {}, h('tr', {}, head.map((k) => h('th', { scope: 'col', text: t(k) })))), tbody)));
  async function act(s, verb, method = 'POST') {
    try {
      if (method === 'DELETE') {
        const sure = await confirmDialog(t('sched.confirm.title'), t('sched.confirm.text', { what: what(s.export_type, s.export_format) + ', ' + frequencyText(s) }));
        if (!sure) return;
      }
      const r = await api(API + '/schedules/' + encodeURIComponent(s.id) + (verb ? '/' + verb : ''), { method });
      if (method === 'DELETE') announce(t('sched.deleted'));
      if (verb === 'run' && r && r.job_id) announce(t('sched.started', { id: r.job_id.slice(0, 8) }));
    } catch (e) {
      if (e instanceof Unauthorized) return signIn();
      error.textContent = e.message;
    }
    list();
  }
  async function runs(s) {
    const listed = await api(API + '/schedules/' + encodeURIComponent(s.id) + '/runs');
    if (!listed.items.length) return h('p', { class: 'muted', text: t('sched.norun') });
    return h('ul', { class: 'runs', 'data-testid': 'runs' }, listed.items.map((r) => h('li', { 'data-run-status': r.status },
      h('time', { datetime: r.slot, text: t('sched.at', { time: when(r.slot, s.zone), zone: s.zone }) }), ' · ', t('trigger.' + r.trigger), ' · ',
      h('span', { class: 'status ' + r.status, text: t('status.' + r.status) }),
      r.job_id ? [' · ', h('a', { href: '#/exports?search=' + encodeURIComponent(r.job_id), 'data-testid': 'run-job', text: t('sched.job', { id: r.job_id.slice(0, 8) }) })] : null,
      r.error ? h('div', { class: 'error small', text: r.error }) : null)));
  }
  async function list() {
    const listed = await api(API + '/schedules');
    const rows = [];
    // the list itself (the original admin page's shape); an older server answered a page of items
    for (const s of Array.isArray(listed) ? listed : listed.items) {
      const key = (k) => s.id + ':' + k;
      rows.push(h('tr', { 'data-schedule-id': s.id },
        h('td', { 'data-label': t('sched.what') }, h('div', { text: what(s.export_type, s.export_format) }),
          h('div', { class: 'muted small', 'data-testid': 'schedule-filters', text: filtersText(s.export_type, s.filters) }),
          s.locale ? h('div', { class: 'muted small', text: t('jobs.language') + ': ' + languageName(s.locale.slice(0, 2)) }) : null,
          s.notify_email ? h('div', { class: 'muted small', text: '✉ ' + s.notify_email }) : null),
        admin ? h('td', { 'data-label': t('jobs.owner'), text: s.owner }) : null,
        h('td', { 'data-label': t('sched.frequency') }, h('div', { text: frequencyText(s) }), h('div', { class: 'muted small', text: s.zone + ' · ' + t('catch.' + s.catch_up) })),
        h('td', { 'data-label': t('sched.next') }, s.paused ? t('sched.paused')
          : h('time', { datetime: s.next_fire, 'data-testid': 'schedule-next', text: t('sched.at', { time: when(s.next_fire, s.zone), zone: s.zone }) })),
        h('td', { 'data-label': t('sched.last') }, s.last_run ? h('span', { class: 'status ' + s.last_run.status, text: t('status.' + s.last_run.status) }) : '–'),
        h('td', { class: 'actions-cell', 'data-label': t('jobs.actions') }, h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'secondary', 'data-key': key('pause'), text: s.paused ? t('sched.resume') : t('sched.pause'), onclick: () => act(s, s.paused ? 'resume' : 'pause') }),
          h('button', { type: 'button', class: 'secondary', 'data-key': key('run'), 'data-testid': 'run-schedule', text: t('sched.run'), onclick: () => act(s, 'run') }),
          h('button', { type: 'button', class: 'secondary', 'data-key': key('runs'), 'data-testid': 'schedule-runs', 'aria-expanded': open.has(s.id) ? 'true' : 'false',
            text: t('sched.runs'), onclick: () => { open.has(s.id) ? open.delete(s.id) : open.add(s.id); list(); } }),
          h('button', { type: 'button', class: 'secondary', 'data-key': key('delete'), 'data-testid': 'delete-schedule', text: t('sched.delete'), onclick: () => act(s, '', 'DELETE') })))));
      if (open.has(s.id)) rows.push(h('tr', { class: 'details' }, h('td', { colspan: head.length }, await runs(s))));
    }
    if (!rows.length) rows.push(h('tr', {}, h('td', { colspan: head.length, class: 'muted', text: t('sched.none') })));
    redraw(tbody, rows);
  }
  await list();
  preview();
}

// ---------------------------------------------------------------- metrics

async function metrics() {
  const days = h('select', { name: 'days', onchange: () => draw() },
    [[1, 'metrics.day'], [7, 'metrics.week'], [30, 'metrics.month'], [90, 'metrics.quarter']].map(([d, k]) => h('option', { value: d, text: t(k), selected: d === 7 })));
  const admin = state.me && state.me.admin;
  const owner = admin ? h('select', { name: 'owner', 'data-testid': 'metrics-owner', onchange: () => { state.metricsOwner = owner.value; draw(); } }) : null;
  const cards = h('div', { class: 'stats', 'data-testid': 'stats' });
  const throughput = h('div', { class: 'chart', 'data-testid': 'throughput-chart' });
  const duration = h('div', { class: 'chart', 'data-testid': 'duration-chart' });
  const slowest = h('tbody');
  const slowHead = ['jobs.id', admin ? 'jobs.owner' : null, 'jobs.what', 'jobs.duration', 'jobs.rows'].filter(Boolean);
  main().replaceChildren(h('section', { class: 'card', 'aria-labelledby': 'metrics-title' }, h('h1', { id: 'metrics-title', text: t('metrics.title') }),
    h('div', { class: 'toolbar' }, field(t('metrics.days'), days), admin ? field(t('metrics.owner'), owner) : h('p', { class: 'muted', text: t('metrics.yours') })), cards),
  h('section', { class: 'card', 'aria-labelledby': 'tp-title' }, h('h2', { id: 'tp-title', text: t('metrics.throughput') }), throughput),
  h('section', { class: 'card', 'aria-labelledby': 'du-title' }, h('h2', { id: 'du-title', text: t('metrics.duration') }), duration),
  h('section', { class: 'card', 'aria-labelledby': 'sl-title' }, h('h2', { id: 'sl-title', text: t('metrics.slowest') }), h('table', { class: 'cards' },
    h('thead', {}, h('tr', {}, slowHead.map((k) => h('th', { scope: 'col', class: ['jobs.duration', 'jobs.rows'].includes(k) ? 'num' : null, text: t(k) })))), slowest)));
  async function draw() {
    state.charts.forEach((c) => c.destroy());
    state.charts = [];
    const d = Number(days.value);
    let stats, series;
    try {
      const whose = admin ? state.metricsOwner : '';
      [stats, series] = await Promise.all([api(API + '/stats?' + query({ days: d, owner: whose })),
        api(API + '/metrics?' + query({ days: d, bucket: d <= 2 ? 'hour' : 'day', owner: whose }))]);
    } catch (e) {
      if (e instanceof Unauthorized) return signIn();
      cards.replaceChildren(h('p', { class: 'error', text: e.message }));
      return;
    }
    if (owner) {
      owner.replaceChildren(h('option', { value: '', text: t('metrics.everyone') }),
        ...(stats.owners || []).map((o) => h('option', { value: o, text: o, selected: o === state.metricsOwner })));
    }
    const rate = stats.total_exports ? num(stats.successful / stats.total_exports, { style: 'percent', maximumFractionDigits: 0 }) : '–';
    cards.replaceChildren(...[['total', 'metrics.total', num(stats.total_exports || 0)], ['success', 'metrics.success', rate],
      ['rows', 'metrics.rows', num(stats.total_records_processed || 0)], ['avg', 'metrics.avg', seconds(stats.avg_duration_seconds || 0)]]
      .map(([id, k, v]) => h('div', { class: 'stat', 'data-stat': id }, h('span', { class: 'muted', text: t(k) }), h('b', { text: v }))));
    const rows = (stats.slowest || []).map((s) => h('tr', {}, h('td', { 'data-label': t('jobs.id') }, h('a', { href: '#/exports?search=' + encodeURIComponent(s.export_id) }, h('code', { text: s.export_id.slice(0, 8) }))),
      admin ? h('td', { 'data-label': t('jobs.owner'), text: s.owner }) : null, h('td', { 'data-label': t('jobs.what'), text: what(s.export_type, s.export_format) }),
      h('td', { class: 'num', 'data-label': t('jobs.duration'), text: seconds(s.duration_seconds) }), h('td', { class: 'num', 'data-label': t('jobs.rows'), text: num(s.total_records) })));
    slowest.replaceChildren(...(rows.length ? rows : [h('tr', {}, h('td', { colspan: slowHead.length, class: 'muted', text: t('metrics.none') }))]));
    const span = [Date.now() / 1000 - d * DAY, Date.now() / 1000];
    chart(throughput, series.points, 'records_per_second', span, t('metrics.rps'), d);
    chart(duration, series.points, 'p95_duration_seconds', span, t('metrics.secs'), d);
  }
  await draw();
}

// ---------------------------------------------------------------- nodes

/** The nodes sharing the job store, refreshed every two seconds; a node silent for a minute is marked, for a day hidden. */
async function nodes() {
  if (!state.me || !state.me.admin) {
    location.hash = '#/exports';
    return;
  }
  const tbody = h('tbody');
  const error = h('p', { class: 'error', role: 'alert' });
  const showOld = h('input', { type: 'checkbox', name: 'all_nodes', 'data-testid': 'all-nodes', checked: state.allNodes, onchange: () => { state.allNodes = showOld.checked; refresh(); } });
  const oldLabel = checkbox(t('nodes.old', { n: 0 }), showOld);
  main().replaceChildren(h('section', { class: 'card', 'aria-labelledby': 'nodes-title' }, h('h1', { id: 'nodes-title', text: t('nodes.title') }), error, oldLabel,
    h('table', { class: 'cards', 'data-testid': 'nodes' },
      h('thead', {}, h('tr', {}, ['nodes.node', 'nodes.workers', 'nodes.running', 'nodes.started', 'nodes.heartbeat']
        .map((k) => h('th', { scope: 'col', text: t(k) })))), tbody)));
  async function refresh() {
    let listed;
    try {
      listed = await api(API + '/nodes');
    } catch (e) {
      if (e instanceof Unauthorized) return signIn();
      stop();
      error.textContent = e.message;
      return;
    }
    const now = Date.now();
    const ago = (n) => Math.max(0, Math.round((now - Date.parse(n.last_heartbeat)) / 1000));
    const old = listed.filter((n) => ago(n) > DAY);
    oldLabel.querySelector('label').textContent = t('nodes.old', { n: num(old.length) });
    const shown = state.allNodes ? listed : listed.filter((n) => ago(n) <= DAY);
    tbody.replaceChildren(...(shown.length ? shown.map((n) => {
      const s = ago(n);
      return h('tr', { 'data-node': n.name, class: s > 60 ? 'stale' : null },
        h('td', { 'data-label': t('nodes.node') }, h('code', { text: n.name })), h('td', { class: 'num', 'data-label': t('nodes.workers'), text: num(n.workers) }),
        h('td', { class: 'num', 'data-testid': 'running', 'data-label': t('nodes.running'), text: num(n.running_jobs) }),
        h('td', { 'data-label': t('nodes.started'), text: when(n.started_at) }),
        h('td', { 'data-label': t('nodes.heartbeat'), text: t('nodes.ago', { s: num(s) }) + (s > 60 ? ' · ' + t('nodes.silent') : '') }));
    }) : [h('tr', {}, h('td', { colspan: 5, class: 'muted', text: t('nodes.none') }))]));
  }
  await refresh();
  state.timer = setInterval(refresh, 2000);
}

const COLOURS = ['#4f46e5', '#047857', '#b45309', '#b91c1c', '#2563eb', '#7c3aed'];

/** One line per format over the buckets, drawn by uPlot with axes and legend in the page's language; an empty state when there is nothing. */
function chart(el, points, field, range, unit, days) {
  el.replaceChildren();
  if (!points.length) {
    el.append(h('p', { class: 'muted empty', text: t('metrics.none') }));
    return;
  }
  const xs = [...new Set(points.map((p) => Date.parse(p.start) / 1000))].sort((a, b) => a - b);
  const formats = [...new Set(points.map((p) => p.format))].sort();
  const data = [xs, ...formats.map((f) => xs.map((x) => {
    const p = points.find((q) => q.format === f && Date.parse(q.start) / 1000 === x);
    return p ? p[field] : null;
  }))];
  const tick = new Intl.DateTimeFormat(intl(), days <= 2 ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } : { day: 'numeric', month: 'short' });
  const full = new Intl.DateTimeFormat(intl(), { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' });
  const colour = getComputedStyle(document.body).color;
  const width = Math.max(260, el.clientWidth || 600);
  const plot = new window.uPlot({ width, height: 220, scales: { x: { time: true, range: () => range } },
    series: [{ label: t('metrics.time'), value: (u, v) => (v == null ? '–' : full.format(new Date(v * 1000))) },
      ...formats.map((f, i) => ({ label: f.toUpperCase(), stroke: COLOURS[i % COLOURS.length], width: 2, points: { show: true, size: 6 }, spanGaps: true,
        value: (u, v) => (v == null ? '–' : num(v, { maximumFractionDigits: 2 })) }))],
    // over days, one label per day (at its midnight) however finely uPlot splits the axis
    axes: [{ stroke: colour, values: (u, splits) => splits.map((v) => {
      const at = new Date(v * 1000);
      return days <= 2 || (at.getHours() === 0 && at.getMinutes() === 0) ? tick.format(at) : '';
    }) },
      { stroke: colour, label: unit, values: (u, splits) => splits.map((v) => num(v, { notation: 'compact' })) }] }, data, el);
  state.charts.push(plot);
  el.setAttribute('role', 'img');
  el.setAttribute('aria-label', formats.map((f) => f.toUpperCase()).join(', ') + ' — ' + unit);
}

// ---------------------------------------------------------------- start

document.querySelector('[data-testid=lang]').addEventListener('click', () => {
  state.lang = state.lang === 'el' ? 'en' : 'el';
  localStorage.setItem('sms-export-lang', state.lang);
  route().then(() => document.querySelector('[data-testid=lang]').focus());
});
document.querySelector('[data-testid=sign-out]').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN);
  signIn();
});
window.addEventListener('hashchange', route);
route();
