// The exports page: plain JavaScript over the REST API, no build step, nothing from elsewhere.
import { TEXTS } from './i18n.js';

const API = '/api/v1/import-export';
const TOKEN = 'sms-export-token';
const STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled', 'archived'];
// the language chosen before, else the browser's
const browserLang = (navigator.language || 'en').slice(0, 2) === 'el' ? 'el' : 'en';
const state = { lang: localStorage.getItem('sms-export-lang') || browserLang,
  types: null, timer: null, jobs: { skip: 0, limit: 20, status: '', type: '' }, open: new Set(), charts: [] };

const t = (key) => (TEXTS[state.lang] || TEXTS.en)[key] || TEXTS.en[key] || key;

/** An element with attributes (on* as listeners) and children (strings become text, never HTML). */
function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

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

const main = () => document.getElementById('main');
const query = (o) => Object.entries(o).filter(([, v]) => v !== '' && v !== undefined && v !== null)
  .map(([k, v]) => encodeURIComponent(k) + '=' + encodeURIComponent(v)).join('&');
const size = (mb) => mb < 1 ? Math.round(mb * 1024) + ' KB' : mb.toFixed(1) + ' MB';
const when = (iso) => iso ? new Date(iso).toLocaleString(state.lang === 'el' ? 'el-GR' : 'en-GB') : '–';

function relabel() {
  document.documentElement.lang = state.lang;
  document.querySelectorAll('[data-i18n]').forEach((e) => { e.textContent = t(e.dataset.i18n); });
  document.querySelector('[data-testid=lang]').textContent = state.lang === 'el' ? 'EN' : 'ΕΛ';
  const route = location.hash.replace('#/', '') || 'exports';
  document.querySelectorAll('header nav a').forEach((a) => a.toggleAttribute('aria-current', a.getAttribute('href') === '#/' + route));
  document.querySelectorAll('header nav a[aria-current]').forEach((a) => a.setAttribute('aria-current', 'page'));
}

function signIn(message) {
  stop();
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
    state.types = await api(API + '/types?' + query({ locale: state.lang }));
    const view = location.hash.replace('#/', '') || 'exports';
    if (view === 'schedules') await schedules();
    else if (view === 'metrics') await metrics();
    else if (view === 'nodes') await nodes();
    else await exportsView();
    relabel();
  } catch (e) {
    if (e instanceof Unauthorized) signIn();
    else main().replaceChildren(h('p', { class: 'error', role: 'alert', text: e.message }));
  }
}

// ---------------------------------------------------------------- exports

function typeSelect(name, onchange) {
  return h('select', { name, onchange }, state.types.types.map((x) => h('option', { value: x.name, text: x.label })));
}

function formatSelect(name, onchange) {
  return h('select', { name, onchange }, state.types.formats.map((f) => h('option', { value: f.id, text: f.id.toUpperCase() })));
}

function filterInput(f) {
  if (f.choices.length) {
    return h('select', { name: f.key }, h('option', { value: '', text: t('export.any') }), f.choices.map((c) => h('option', { value: c, text: c })));
  }
  const type = f.value_type === 'date' ? 'date' : f.value_type === 'integer' || f.value_type === 'decimal' ? 'number' : 'text';
  return h('input', { name: f.key, type, step: f.value_type === 'decimal' ? 'any' : null });
}

async function exportsView() {
  const filters = h('fieldset', {}, h('legend', { text: t('export.filters') }));
  const options = h('fieldset', {}, h('legend', { text: t('export.options') }));
  const locale = h('select', { name: 'locale' });
  const error = h('p', { class: 'error', role: 'alert', 'data-testid': 'export-error' });
  const fillType = () => {
    const type = state.types.types.find((x) => x.name === form.export_type.value);
    filters.replaceChildren(h('legend', { text: t('export.filters') }),
      ...type.filters.map((f) => h('label', {}, h('span', { text: f.key.replaceAll('_', ' ') }), filterInput(f))));
    locale.replaceChildren(...type.languages.map((l) => h('option', { value: l, text: l, selected: l === state.lang })));
  };
  const fillFormat = () => {
    const format = state.types.formats.find((f) => f.id === form.export_format.value);
    options.replaceChildren(h('legend', { text: t('export.options') }), ...format.options.map((o) =>
      h('label', {}, h('span', { text: o }), h('input', { name: o, type: o.includes('password') ? 'password' : 'text', autocomplete: 'off' }))));
  };
  const form = h('form', { class: 'grid', 'data-testid': 'new-export', onsubmit: submit },
    h('label', {}, h('span', { text: t('export.type') }), typeSelect('export_type', () => fillType())),
    h('label', {}, h('span', { text: t('export.format') }), formatSelect('export_format', () => fillFormat())),
    h('label', {}, h('span', { text: t('export.locale') }), locale),
    h('label', {}, h('span', { text: t('export.notify') }), h('input', { name: 'notify_email', type: 'email', autocomplete: 'email' })),
    filters, options,
    h('button', { type: 'submit', text: t('export.submit') }), error);
  async function submit(ev) {
    ev.preventDefault();
    error.textContent = '';
    const values = (fs) => Object.fromEntries([...fs.querySelectorAll('input, select')].filter((e) => e.value !== '').map((e) => [e.name, e.value]));
    const body = { export_type: form.export_type.value, export_format: form.export_format.value, locale: locale.value,
      filters: values(filters), options: values(options) };
    if (form.notify_email.value) body.notify_email = form.notify_email.value;
    try {
      await api(API + '/exports', { method: 'POST', body });
      state.jobs.skip = 0;
      await refresh();
    } catch (e) {
      if (e instanceof Unauthorized) return signIn();
      error.textContent = e.message;
    }
  }
  const statusFilter = h('select', { name: 'status', 'aria-label': t('jobs.status'), onchange: () => { state.jobs.status = statusFilter.value; state.jobs.skip = 0; refresh(); } },
    h('option', { value: '', text: t('jobs.all') }), STATUSES.map((s) => h('option', { value: s, text: t('status.' + s), selected: s === state.jobs.status })));
  const typeFilter = h('select', { name: 'type', 'aria-label': t('export.type'), onchange: () => { state.jobs.type = typeFilter.value; state.jobs.skip = 0; refresh(); } },
    h('option', { value: '', text: t('jobs.all') }), state.types.types.map((x) => h('option', { value: x.name, text: x.label, selected: x.name === state.jobs.type })));
  const tbody = h('tbody');
  const pager = h('span', { class: 'muted', 'data-testid': 'page' });
  const prev = h('button', { type: 'button', class: 'secondary', text: t('jobs.prev'), onclick: () => { state.jobs.skip = Math.max(0, state.jobs.skip - state.jobs.limit); refresh(); } });
  const next = h('button', { type: 'button', class: 'secondary', text: t('jobs.next'), onclick: () => { state.jobs.skip += state.jobs.limit; refresh(); } });
  const head = ['jobs.id', 'jobs.owner', 'export.type', 'export.format', 'jobs.status', 'jobs.progress', 'jobs.rows', 'jobs.size', 'jobs.duration', 'jobs.created', 'jobs.actions'];
  main().replaceChildren(
    h('section', { class: 'card' }, h('h1', { text: t('export.new') }), form),
    h('section', { class: 'card' }, h('h2', { text: t('jobs.title') }),
      h('div', { class: 'toolbar' }, h('label', {}, h('span', { text: t('jobs.status') }), statusFilter),
        h('label', {}, h('span', { text: t('export.type') }), typeFilter), prev, pager, next),
      h('div', { class: 'table' }, h('table', { 'data-testid': 'jobs' },
        h('thead', {}, h('tr', {}, head.map((k) => h('th', { class: ['jobs.rows', 'jobs.size', 'jobs.duration'].includes(k) ? 'num' : null, text: t(k) })))), tbody))));
  if (state.types.types.some((x) => x.name === 'students')) form.export_type.value = 'students';
  fillType();
  fillFormat();

  async function act(method, id) {
    try {
      await api(API + '/exports/' + encodeURIComponent(id), { method });
    } catch (e) {
      if (e instanceof Unauthorized) return signIn();
    }
    refresh();
  }

  async function refresh() {
    let page;
    try {
      page = await api(API + '/exports?' + query({ skip: state.jobs.skip, limit: state.jobs.limit, status: state.jobs.status, export_type: state.jobs.type }));
    } catch (e) {
      if (e instanceof Unauthorized) return signIn();
      return;
    }
    // redraw only what changed: a table that stays put keeps focus and a reader's place
    const signature = JSON.stringify(page) + [...state.open].join() + state.lang;
    if (signature === tbody.dataset.signature) return;
    tbody.dataset.signature = signature;
    const rows = [];
    for (const j of page.items) {
      const terminal = !['pending', 'running'].includes(j.status);
      rows.push(h('tr', { 'data-job-id': j.id, 'data-status': j.status },
        h('td', { title: j.id }, h('code', { text: j.id.slice(0, 8) })), h('td', { text: j.owner || '' }), h('td', { text: j.export_type }),
        h('td', { text: j.export_format }), h('td', {}, h('span', { class: 'status ' + j.status, text: t('status.' + j.status) })),
        h('td', {}, h('progress', { max: 100, value: j.progress_percent, 'aria-label': j.progress_percent + '%' })),
        h('td', { class: 'num', text: (j.total_records || 0).toLocaleString(state.lang) }), h('td', { class: 'num', text: size(j.file_size_mb || 0) }),
        h('td', { class: 'num', text: j.duration_seconds === null ? '–' : j.duration_seconds.toFixed(1) + ' s' }), h('td', { text: when(j.created_at) }),
        h('td', { class: 'actions' },
          j.download_url ? h('a', { href: j.download_url, 'data-testid': 'download', class: 'button', text: t('jobs.download') }) : null,
          terminal ? null : h('button', { type: 'button', 'data-testid': 'cancel', class: 'secondary', text: t('jobs.cancel'), onclick: () => act('DELETE', j.id) }),
          terminal ? h('button', { type: 'button', 'data-testid': 'delete', class: 'secondary', text: t('jobs.delete'), onclick: () => act('DELETE', j.id) }) : null,
          h('button', { type: 'button', class: 'secondary', 'aria-expanded': state.open.has(j.id) ? 'true' : 'false', text: t('jobs.details'),
            onclick: () => { state.open.has(j.id) ? state.open.delete(j.id) : state.open.add(j.id); refresh(); } }))));
      if (state.open.has(j.id)) {
        rows.push(h('tr', { class: 'details', 'data-details-of': j.id }, h('td', { colspan: head.length },
          h('div', {}, 'ID: ', h('code', { text: j.id })), j.sha256 ? h('div', {}, 'SHA-256: ', h('code', { text: j.sha256 })) : null,
          j.node ? h('div', { 'data-testid': 'job-node' }, t('nodes.node') + ': ', h('code', { text: j.node }),
            ' · ' + t('nodes.attempts') + ': ' + j.attempts) : null,
          j.error_message ? h('div', { class: 'error', text: t('jobs.error') + ': ' + j.error_message }) : null,
          (j.warnings || []).map((w) => h('div', { class: 'muted', text: '⚠ ' + w })))));
      }
    }
    if (!rows.length) rows.push(h('tr', {}, h('td', { colspan: head.length, class: 'muted', text: t('jobs.none') })));
    tbody.replaceChildren(...rows);
    const pages = Math.max(1, Math.ceil(page.total / state.jobs.limit));
    pager.textContent = t('jobs.page') + ' ' + (Math.floor(state.jobs.skip / state.jobs.limit) + 1) + ' / ' + pages;
    prev.disabled = state.jobs.skip === 0;
    next.disabled = state.jobs.skip + state.jobs.limit >= page.total;
  }
  await refresh();
  state.timer = setInterval(refresh, 1000);
}

// ---------------------------------------------------------------- schedules

async function schedules() {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const fires = h('ol', { class: 'fires', 'data-testid': 'next-fires', 'aria-live': 'polite' });
  const freqError = h('p', { class: 'error', role: 'alert', 'data-testid': 'frequency-error' });
  const error = h('p', { class: 'error', role: 'alert', 'data-testid': 'schedule-error' });
  let pending = null;
  const preview = () => {
    clearTimeout(pending);
    pending = setTimeout(async () => {
      if (!form.frequency.value.trim()) { fires.replaceChildren(); freqError.textContent = ''; return; }
      try {
        const p = await api(API + '/schedules/preview?' + query({ frequency: form.frequency.value, zone: form.zone.value }));
        freqError.textContent = '';
        fires.replaceChildren(...p.next_fire_times.map((x) => h('li', {}, h('time', { datetime: x, text: when(x) }))));
      } catch (e) {
        if (e instanceof Unauthorized) return signIn();
        fires.replaceChildren();
        freqError.textContent = e.message;
      }
    }, 250);
  };
  const form = h('form', { class: 'grid', 'data-testid': 'new-schedule', onsubmit: submit },
    h('label', {}, h('span', { text: t('export.type') }), typeSelect('export_type')),
    h('label', {}, h('span', { text: t('export.format') }), formatSelect('export_format')),
    h('label', {}, h('span', { text: t('sched.frequency') }), h('input', { name: 'frequency', required: true, value: 'daily', placeholder: t('sched.hint'), oninput: preview, 'aria-describedby': 'freq-hint' })),
    h('label', {}, h('span', { text: t('sched.zone') }), h('input', { name: 'zone', value: zone, oninput: preview })),
    h('label', {}, h('span', { text: t('sched.catchup') }), h('select', { name: 'catch_up' },
      ['once', 'skip', 'all'].map((c) => h('option', { value: c, text: t('catch.' + c) })))),
    h('button', { type: 'submit', text: t('sched.submit') }),
    h('p', { id: 'freq-hint', class: 'muted', text: t('sched.hint') }), freqError,
    h('div', { style: null }, h('span', { class: 'muted', text: t('sched.next') })), fires, error);
  async function submit(ev) {
    ev.preventDefault();
    error.textContent = '';
    try {
      await api(API + '/schedules', { method: 'POST', body: { export_type: form.export_type.value, export_format: form.export_format.value,
        frequency: form.frequency.value, zone: form.zone.value, catch_up: form.catch_up.value } });
      await list();
    } catch (e) {
      if (e instanceof Unauthorized) return signIn();
      error.textContent = e.message;
    }
  }
  if (state.types.types.some((x) => x.name === 'students')) form.export_type.value = 'students';
  const tbody = h('tbody');
  const open = new Set();
  const head = ['jobs.id', 'jobs.owner', 'export.type', 'sched.frequency', 'sched.zone', 'sched.catchup', 'sched.next', 'sched.last', 'jobs.actions'];
  main().replaceChildren(h('section', { class: 'card' }, h('h1', { text: t('sched.new') }), form),
    h('section', { class: 'card' }, h('h2', { text: t('sched.title') }), h('div', { class: 'table' },
      h('table', { 'data-testid': 'schedules' }, h('thead', {}, h('tr', {}, head.map((k) => h('th', { text: t(k) })))), tbody))));
  async function act(id, verb, method = 'POST') {
    try {
      await api(API + '/schedules/' + encodeURIComponent(id) + (verb ? '/' + verb : ''), { method });
    } catch (e) {
      if (e instanceof Unauthorized) return signIn();
      error.textContent = e.message;
    }
    list();
  }
  async function list() {
    const listed = await api(API + '/schedules');
    const rows = [];
    // the list itself (the original admin page's shape); an older server answered a page of items
    for (const s of Array.isArray(listed) ? listed : listed.items) {
      rows.push(h('tr', { 'data-schedule-id': s.id },
        h('td', {}, h('code', { text: s.id })), h('td', { text: s.owner }), h('td', { text: s.export_type + ' · ' + s.export_format }),
        h('td', { text: s.frequency_text || s.frequency }), h('td', { text: s.zone }), h('td', { text: t('catch.' + s.catch_up) }),
        h('td', {}, s.paused ? t('sched.paused') : h('time', { datetime: s.next_fire, text: when(s.next_fire) })),
        h('td', { text: s.last_run ? t('status.' + s.last_run.status) || s.last_run.status : '–' }),
        h('td', { class: 'actions' },
          h('button', { type: 'button', class: 'secondary', text: s.paused ? t('sched.resume') : t('sched.pause'), onclick: () => act(s.id, s.paused ? 'resume' : 'pause') }),
          h('button', { type: 'button', class: 'secondary', text: t('sched.run'), onclick: () => act(s.id, 'run') }),
          h('button', { type: 'button', class: 'secondary', 'data-testid': 'delete-schedule', text: t('sched.delete'), onclick: () => act(s.id, '', 'DELETE') }),
          h('button', { type: 'button', class: 'secondary', text: t('sched.runs'), onclick: () => { open.has(s.id) ? open.delete(s.id) : open.add(s.id); list(); } }))));
      if (open.has(s.id)) {
        const runs = await api(API + '/schedules/' + encodeURIComponent(s.id) + '/runs');
        rows.push(h('tr', { class: 'details' }, h('td', { colspan: head.length }, runs.items.length ? runs.items.map((r) =>
          h('div', {}, h('time', { datetime: r.slot, text: when(r.slot) }), ' · ', r.trigger, ' · ', t('status.' + r.status) || r.status,
            r.job_id ? ' · ' + r.job_id : '', r.error ? h('span', { class: 'error', text: ' ' + r.error }) : null)) : '–')));
      }
    }
    if (!rows.length) rows.push(h('tr', {}, h('td', { colspan: head.length, class: 'muted', text: t('sched.none') })));
    tbody.replaceChildren(...rows);
  }
  await list();
  preview();
}

// ---------------------------------------------------------------- metrics

async function metrics() {
  const days = h('select', { name: 'days', onchange: () => draw() }, [1, 7, 30, 90].map((d) => h('option', { value: d, text: d, selected: d === 7 })));
  const cards = h('div', { class: 'stats', 'data-testid': 'stats' });
  const throughput = h('div', { class: 'chart', 'data-testid': 'throughput-chart' });
  const duration = h('div', { class: 'chart', 'data-testid': 'duration-chart' });
  const slowest = h('tbody');
  main().replaceChildren(h('section', { class: 'card' }, h('h1', { text: t('metrics.title') }),
    h('div', { class: 'toolbar' }, h('label', {}, h('span', { text: t('metrics.days') }), days)), cards),
  h('section', { class: 'card' }, h('h2', { text: t('metrics.throughput') }), throughput),
  h('section', { class: 'card' }, h('h2', { text: t('metrics.duration') }), duration),
  h('section', { class: 'card' }, h('h2', { text: t('metrics.slowest') }), h('div', { class: 'table' }, h('table', {},
    h('thead', {}, h('tr', {}, ['jobs.id', 'jobs.owner', 'export.type', 'export.format', 'jobs.duration', 'jobs.rows'].map((k) => h('th', { text: t(k) })))), slowest))));
  async function draw() {
    state.charts.forEach((c) => c.destroy());
    state.charts = [];
    const d = Number(days.value);
    let stats, series;
    try {
      [stats, series] = await Promise.all([api(API + '/stats?' + query({ days: d })), api(API + '/metrics?' + query({ days: d, bucket: d <= 2 ? 'hour' : 'day' }))]);
    } catch (e) {
      if (e instanceof Unauthorized) return signIn();
      cards.replaceChildren(h('p', { class: 'error', text: e.message }));
      return;
    }
    const rate = stats.total_exports ? Math.round(100 * stats.successful / stats.total_exports) + ' %' : '–';
    cards.replaceChildren(...[['metrics.total', stats.total_exports], ['metrics.success', rate],
      ['metrics.rows', (stats.total_records_processed || 0).toLocaleString(state.lang)], ['metrics.avg', (stats.avg_duration_seconds || 0).toFixed(2) + ' s']]
      .map(([k, v]) => h('div', { class: 'stat' }, h('span', { class: 'muted', text: t(k) }), h('b', { text: v }))));
    slowest.replaceChildren(...(stats.slowest || []).map((s) => h('tr', {}, h('td', {}, h('code', { text: s.export_id.slice(0, 8) })),
      h('td', { text: s.owner }), h('td', { text: s.export_type }), h('td', { text: s.export_format }),
      h('td', { class: 'num', text: s.duration_seconds.toFixed(2) + ' s' }), h('td', { class: 'num', text: s.total_records.toLocaleString(state.lang) }))));
    const span = [Date.now() / 1000 - d * 86400, Date.now() / 1000];
    chart(throughput, series.points, 'records_per_second', span);
    chart(duration, series.points, 'p95_duration_seconds', span);
  }
  await draw();
}

// ---------------------------------------------------------------- nodes

/** The nodes sharing the job store, refreshed every two seconds; a node silent for a minute is marked. */
async function nodes() {
  const tbody = h('tbody');
  const error = h('p', { class: 'error', role: 'alert' });
  main().replaceChildren(h('section', { class: 'card' }, h('h1', { text: t('nodes.title') }), error,
    h('div', { class: 'table' }, h('table', { 'data-testid': 'nodes' },
      h('thead', {}, h('tr', {}, ['nodes.node', 'nodes.workers', 'nodes.running', 'nodes.started', 'nodes.heartbeat']
        .map((k) => h('th', { text: t(k) })))), tbody))));
  async function refresh() {
    let list;
    try {
      list = await api(API + '/nodes');
    } catch (e) {
      if (e instanceof Unauthorized) return signIn();
      stop();
      error.textContent = e.message;
      return;
    }
    const now = Date.now();
    tbody.replaceChildren(...(list.length ? list.map((n) => {
      const ago = Math.max(0, Math.round((now - Date.parse(n.last_heartbeat)) / 1000));
      return h('tr', { 'data-node': n.name, class: ago > 60 ? 'stale' : null },
        h('td', {}, h('code', { text: n.name })), h('td', { class: 'num', text: n.workers }),
        h('td', { class: 'num', 'data-testid': 'running', text: n.running_jobs }), h('td', { text: when(n.started_at) }),
        h('td', { text: t('nodes.ago').replace('{s}', ago) + (ago > 60 ? ' · ' + t('nodes.silent') : '') }));
    }) : [h('tr', {}, h('td', { colspan: 5, class: 'muted', text: t('nodes.none') }))]));
  }
  await refresh();
  state.timer = setInterval(refresh, 2000);
}

const COLOURS = ['#4f46e5', '#059669', '#d97706', '#dc2626', '#2563eb', '#7c3aed'];

/** One line per format over the buckets, drawn by uPlot; an empty state when there is nothing to draw. */
function chart(el, points, field, range) {
  el.replaceChildren();
  if (!points.length) {
    el.append(h('p', { class: 'muted', text: t('metrics.none') }));
    return;
  }
  const xs = [...new Set(points.map((p) => Date.parse(p.start) / 1000))].sort((a, b) => a - b);
  const formats = [...new Set(points.map((p) => p.format))].sort();
  const data = [xs, ...formats.map((f) => xs.map((x) => {
    const p = points.find((q) => q.format === f && Date.parse(q.start) / 1000 === x);
    return p ? p[field] : null;
  }))];
  const width = Math.max(280, el.clientWidth || 600);
  const plot = new window.uPlot({ width, height: 220, scales: { x: { time: true, range: () => range } },
    series: [{}, ...formats.map((f, i) => ({ label: f, stroke: COLOURS[i % COLOURS.length], width: 2, points: { show: true, size: 6 }, spanGaps: true }))],
    axes: [{ stroke: getComputedStyle(document.body).color }, { stroke: getComputedStyle(document.body).color }] }, data, el);
  state.charts.push(plot);
}

// ---------------------------------------------------------------- start

document.querySelector('[data-testid=lang]').addEventListener('click', () => {
  state.lang = state.lang === 'el' ? 'en' : 'el';
  localStorage.setItem('sms-export-lang', state.lang);
  route();
});
document.querySelector('[data-testid=sign-out]').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN);
  signIn();
});
window.addEventListener('hashchange', route);
route();
