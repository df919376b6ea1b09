// MicroPosts router: the migration console. A page on the router's admin API (docs/ROUTER.md) and
// nothing else. Every piece of data goes into the page as text (text nodes, textContent), never as
// HTML; the charts are SVG elements made one by one.
'use strict';

(() => {
  const TOKEN_KEY = 'microposts.router.admin';
  const REFRESH_MS = 1000;
  const SHADOW_EVERY = 2;
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const SERIES_CLASSES = 6;

  // ---------------------------------------------------------------- the credential (this tab only)

  const credential = {
    get: () => sessionStorage.getItem(TOKEN_KEY),
    set: (token) => sessionStorage.setItem(TOKEN_KEY, token),
    clear: () => sessionStorage.removeItem(TOKEN_KEY),
  };

  // ---------------------------------------------------------------- the admin API

  class ApiError extends Error {
    constructor(status, problem) {
      super(describe(status, problem));
      this.status = status;
      this.problem = problem || {};
    }
  }

  function describe(status, problem) {
    if (!problem) {
      return 'The router answered ' + status + '.';
    }
    const errors = Array.isArray(problem.errors)
      ? problem.errors.map((error) => error.field + ' ' + error.message + '.') : [];
    return [problem.detail || problem.title || 'The router answered ' + status + '.', ...errors].join(' ');
  }

  async function api(method, path, body, options = {}) {
    const token = options.token || credential.get();
    const headers = {
      Accept: 'application/json, application/problem+json',
      Authorization: 'Bearer ' + token,
      'X-MicroPosts-Actor': 'console',
    };
    if (options.version !== undefined) {
      headers['If-Match'] = '"' + options.version + '"';
    }
    const init = { method, headers, cache: 'no-store', credentials: 'omit', redirect: 'error' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (failure) {
      throw new ApiError(0, { detail: 'The router cannot be reached; retrying.' });
    }
    const type = response.headers.get('Content-Type') || '';
    const data = type.includes('json') ? await response.json().catch(() => null) : null;
    if (!response.ok) {
      const error = new ApiError(response.status, data);
      if (response.status === 401 && !options.token) {
        signOut('The router refused the token (it may have been changed); enter it again.');
      }
      throw error;
    }
    return data;
  }

  const groupPath = (group) => '/admin/routes/' + encodeURIComponent(group);

  // ---------------------------------------------------------------- DOM helpers

  /** An element; string children become text nodes, never HTML. */
  function el(tag, attributes = {}, ...children) {
    return fill(document.createElement(tag), attributes, children);
  }

  /** An SVG element, likewise. */
  function svg(tag, attributes = {}, ...children) {
    return fill(document.createElementNS(SVG_NS, tag), attributes, children);
  }

  function fill(node, attributes, children) {
    for (const [name, value] of Object.entries(attributes)) {
      if (value === null || value === undefined || value === false) {
        continue;
      }
      if (name.startsWith('on')) {
        node.addEventListener(name.slice(2), value);
      } else {
        node.setAttribute(name, value === true ? '' : String(value));
      }
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined && child !== false) {
        node.append(child instanceof Node ? child : document.createTextNode(String(child)));
      }
    }
    return node;
  }

  /** A part of an id made of a name the router gave (group and backend names are plain already). */
  const idPart = (name) => String(name).replace(/[^A-Za-z0-9_-]/g, '_');

  /** An id of its own for an element made from data that may not make one (a field path). */
  let ids = 0;
  const uniqueId = (prefix) => prefix + '-' + (++ids);

  const main = () => document.getElementById('main');

  /** Whether the focus is inside a node: then it is not rebuilt under the person's hands. */
  const hasFocus = (node) => node.contains(document.activeElement);

  function setText(node, text) {
    if (node.textContent !== text) {
      node.textContent = text;
    }
  }

  const time = (iso) => {
    const date = new Date(iso);
    return isNaN(date) ? String(iso) : date.toLocaleTimeString(undefined, { hour12: false });
  };

  /** A duration as the API gives it (ISO-8601, e.g. PT30S, or seconds), for people. */
  function duration(value) {
    if (typeof value === 'number') {
      return value + ' s';
    }
    const match = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$/.exec(String(value));
    if (!match) {
      return String(value);
    }
    const seconds = (Number(match[1] || 0) * 3600) + (Number(match[2] || 0) * 60) + Number(match[3] || 0);
    return seconds >= 60 && seconds % 60 === 0 ? (seconds / 60) + ' min' : seconds + ' s';
  }

  const formats = {
    rate: (value) => (value === null || value === undefined ? '–' : value.toFixed(value < 10 ? 1 : 0) + '/s'),
    errorRate: (value) => (value === null || value === undefined ? '–' : (100 * value).toFixed(value < 0.1 ? 2 : 1) + '%'),
    p99Millis: (value) => {
      if (value === null || value === undefined) {
        return '–';
      }
      return value >= 1000 ? (value / 1000).toFixed(2) + ' s' : value.toFixed(value < 10 ? 2 : 1) + ' ms';
    },
  };

  // ---------------------------------------------------------------- the credential form

  let stop = () => {};

  function signOut(message) {
    stop();
    credential.clear();
    tokenPage(message);
  }

  function tokenPage(message) {
    document.title = 'Migration console · MicroPosts router';
    document.getElementById('forget').hidden = true;
    setText(document.getElementById('updated'), '');
    const input = el('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off',
      spellcheck: 'false', required: true, 'aria-describedby': 'token-hint token-error' });
    const error = el('p', { class: 'form-error', id: 'token-error', role: 'alert' }, message || '');
    const form = el('form', { id: 'token-form', class: 'card', novalidate: true },
      el('div', { class: 'field' },
        el('label', { for: 'token' }, 'Admin token'),
        input,
        el('p', { class: 'hint', id: 'token-hint' },
          'The router\u2019s MICROPOSTS_ROUTER_ADMIN_TOKEN. It is kept in this tab only (sessionStorage) and sent'
          + ' only to this router\u2019s admin API.')),
      error,
      el('button', { type: 'submit' }, 'Open the console'));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const token = input.value.trim();
      if (!token) {
        error.textContent = 'Enter the admin token.';
        input.setAttribute('aria-invalid', 'true');
        input.focus();
        return;
      }
      const button = form.querySelector('button');
      button.disabled = true;
      try {
        await api('GET', '/admin/routes', undefined, { token });
        credential.set(token);
        consolePage();
      } catch (failure) {
        error.textContent = failure.status === 401 ? 'The router refused this token.' : failure.message;
        input.setAttribute('aria-invalid', 'true');
        input.focus();
      } finally {
        button.disabled = false;
      }
    });
    main().replaceChildren(
      el('h1', {}, 'Migration console'),
      el('p', {}, 'Route groups, their backends and live traffic, holds, shadow comparisons and judged shifts,'
        + ' from this router\u2019s admin API.'),
      form);
    input.focus();
  }

  // ---------------------------------------------------------------- the console

  function consolePage() {
    document.title = 'Migration console · MicroPosts router';
    document.getElementById('forget').hidden = false;
    const list = el('div', { id: 'groups', 'aria-busy': 'true' });
    const problem = el('p', { class: 'form-error', id: 'refresh-error', role: 'alert' });
    main().replaceChildren(
      el('h1', {}, 'Migration console'),
      el('p', { class: 'hint' }, 'Traffic is measured by the router itself, per backend, each second; the table'
        + ' sums the last 10 seconds, the charts show the last 60. Refreshed every second.'),
      problem,
      list);
    main().focus({ preventScroll: true });
    const views = new Map();
    const shadowReports = new Map();
    let running = true;
    let ticks = 0;
    let timer = null;

    const tick = async () => {
      timer = null;
      if (!running) {
        return;
      }
      try {
        const [table, traffic] = await Promise.all([api('GET', '/admin/routes'), api('GET', '/admin/traffic')]);
        if (!running) {
          return;
        }
        // a group's comparison is read when it is shadowed, and now and then while it has one to show
        await Promise.all(table.groups.map(async (group) => {
          const known = shadowReports.get(group.name);
          if (group.shadow || known === undefined || (known && known.compared > 0 && ticks % SHADOW_EVERY === 0)) {
            shadowReports.set(group.name, await api('GET', groupPath(group.name) + '/shadow'));
          }
        }));
        if (!running) {
          return;
        }
        ticks++;
        const trafficByGroup = new Map(traffic.groups.map((group) => [group.name, group]));
        for (const group of table.groups) {
          let view = views.get(group.name);
          if (!view) {
            view = groupView(group.name, () => refreshNow());
            views.set(group.name, view);
            list.append(view.node);
          }
          view.update(group, table.version, trafficByGroup.get(group.name), traffic, shadowReports.get(group.name));
        }
        list.setAttribute('aria-busy', 'false');
        setText(problem, '');
        setText(document.getElementById('updated'), 'Updated ' + time(traffic.at));
      } catch (failure) {
        if (failure.status === 401) {
          return;
        }
        setText(problem, failure.message);
      }
      if (running) {
        timer = setTimeout(tick, REFRESH_MS);
      }
    };
    const refreshNow = () => {
      if (timer !== null) {
        clearTimeout(timer);
        tick();
      }
    };
    stop = () => {
      running = false;
      if (timer !== null) {
        clearTimeout(timer);
      }
    };
    tick();
  }

  /** One route group's section: built once, its parts updated in place at every refresh. */
  function groupView(name, refreshNow) {
    const id = 'group-' + idPart(name);
    const facts = el('p', { class: 'facts' });
    const hold = el('p', { class: 'hold-state' });
    const status = el('p', { class: 'status', role: 'status' });
    const backends = el('tbody');
    const table = el('table', { class: 'backends' },
      el('caption', {}, 'Backends of ' + name + ': weights now, traffic over the last 10 seconds'),
      el('thead', {}, el('tr', {},
        ['Backend', 'URL', 'Weight', 'Share', 'Requests/s', 'Error rate', 'p99 latency']
          .map((text) => el('th', { scope: 'col' }, text)))),
      backends);
    const legend = el('ul', { class: 'legend', 'aria-label': 'Chart colours' });
    const charts = [
      chart(name, 'rate', 'Requests per second', formats.rate),
      chart(name, 'errorRate', 'Error rate (5xx and failed connections)', formats.errorRate),
      chart(name, 'p99Millis', 'p99 latency', formats.p99Millis),
    ];
    const controls = el('div', { class: 'controls' });
    const shiftPart = el('div', { class: 'judge' });
    const shadowPart = el('div', { class: 'shadow' });
    const node = el('section', { class: 'group card', id, 'aria-labelledby': id + '-title' },
      el('h2', { id: id + '-title' }, name),
      facts, hold, status,
      el('h3', {}, 'Backends and traffic'),
      el('div', { class: 'scroll' }, table),
      el('div', { class: 'charts' }, charts.map((c) => c.node)),
      legend,
      el('h3', {}, 'Controls'),
      controls,
      el('h3', {}, 'Shift and the canary judge'),
      shiftPart,
      el('h3', {}, 'Shadow comparison'),
      shadowPart);

    let backendNames = null;
    let current = null;
    let version = null;
    const rows = new Map();
    const shadow = shadowView(name);
    shadowPart.append(shadow.node);
    const control = controlsView(name, () => ({ group: current, version }), (message) => {
      status.textContent = message;
      refreshNow();
    });
    controls.append(control.node);

    function update(group, tableVersion, traffic, trafficView, report) {
      current = group;
      version = tableVersion;
      const names = group.backends.map((backend) => backend.name).join('\u0000');
      if (names !== backendNames) {
        backendNames = names;
        rows.clear();
        backends.replaceChildren(...group.backends.map((backend, index) => {
          const row = backendRow(backend.name, index);
          rows.set(backend.name, row);
          return row.node;
        }));
        legend.replaceChildren(...group.backends.map((backend, index) =>
          el('li', { class: 'c' + (index % SERIES_CLASSES) }, el('span', { class: 'swatch', 'aria-hidden': 'true' }),
            backend.name)));
        control.backends(group.backends);
      }
      setText(facts, [
        'Sticky users: ' + (group.sticky ? 'on' : 'off'),
        'shadow: ' + (group.shadow ? 'reads copied to ' + group.shadow : 'off'),
        'writes: ' + (group.writes ? 'all to ' + group.writes : 'by the weights'),
        'in flight: ' + group.inFlight,
      ].join(' · '));
      hold.classList.toggle('held', Boolean(group.hold));
      setText(hold, group.hold
        ? 'Held since ' + time(group.hold.since) + ', at most until ' + time(group.hold.until) + ', by '
          + group.hold.by + '; ' + group.hold.waiting + ' request' + (group.hold.waiting === 1 ? '' : 's')
          + ' waiting.'
        : 'Not held: requests are routed as they come.');
      const total = group.backends.reduce((sum, backend) => sum + backend.weight, 0);
      const figures = new Map((traffic ? traffic.backends : []).map((backend) => [backend.name, backend]));
      for (const backend of group.backends) {
        const row = rows.get(backend.name);
        const roles = [];
        if (group.shadow === backend.name) {
          roles.push('shadow candidate');
        }
        if (group.writes === backend.name) {
          roles.push('takes the writes');
        }
        if (group.shift && (group.shift.state === 'RUNNING' || group.shift.state === 'PAUSED')) {
          if (group.shift.candidate === backend.name) {
            roles.push('shift candidate');
          } else if (group.shift.primary === backend.name) {
            roles.push('shift primary');
          }
        }
        row.update(backend, total, figures.get(backend.name), roles);
      }
      const series = group.backends.map((backend, index) => ({
        name: backend.name,
        index,
        points: figures.has(backend.name) ? figures.get(backend.name).series : [],
      }));
      charts.forEach((c) => c.draw(series, trafficView));
      control.update(group);
      shiftView(shiftPart, group);
      shadow.update(group, report);
    }

    return { node, update };
  }

  function backendRow(name, index) {
    const cells = {
      url: el('td', { class: 'url' }),
      weight: el('td', { class: 'weight num' }),
      share: el('td', { class: 'share num' }),
      rate: el('td', { class: 'rate num' }),
      errorRate: el('td', { class: 'error-rate num' }),
      p99: el('td', { class: 'p99 num' }),
    };
    const roles = el('span', { class: 'roles' });
    const node = el('tr', { 'data-backend': name },
      el('th', { scope: 'row', class: 'c' + (index % SERIES_CLASSES) },
        el('span', { class: 'swatch', 'aria-hidden': 'true' }), el('span', { class: 'name' }, name), roles),
      cells.url, cells.weight, cells.share, cells.rate, cells.errorRate, cells.p99);
    return {
      node,
      update(backend, total, traffic, roleNames) {
        setText(roles, roleNames.length ? ' (' + roleNames.join(', ') + ')' : '');
        setText(cells.url, backend.url);
        setText(cells.weight, String(backend.weight));
        setText(cells.share, total === 0 ? '–' : Math.round((100 * backend.weight) / total) + '%');
        const recent = traffic ? traffic.window : null;
        setText(cells.rate, recent ? formats.rate(recent.rate) : '–');
        setText(cells.errorRate, recent && recent.requests > 0
          ? formats.errorRate(recent.errorRate) + ' (' + recent.errors + ' of ' + recent.requests + ')' : '–');
        setText(cells.p99, recent ? formats.p99Millis(recent.p99Millis) : '–');
      },
    };
  }

  // ---------------------------------------------------------------- charts

  /** A line chart of one figure per backend, second by second, drawn as SVG. */
  function chart(group, key, title, format) {
    const width = 320;
    const height = 130;
    const left = 58;
    const right = 8;
    const top = 8;
    const bottom = 22;
    const picture = svg('svg', { class: 'chart', viewBox: '0 0 ' + width + ' ' + height, role: 'img',
      'data-figure': key });
    const node = el('figure', { class: 'chart-figure' }, picture, el('figcaption', {}, title));

    function niceMax(value) {
      const floor = key === 'errorRate' ? 0.01 : key === 'p99Millis' ? 1 : 1;
      const target = Math.max(value, floor);
      const power = Math.pow(10, Math.floor(Math.log10(target)));
      for (const step of [1, 2, 2.5, 5, 10]) {
        if (target <= step * power) {
          return step * power;
        }
      }
      return 10 * power;
    }

    function draw(series, trafficView) {
      const points = series.map((s) => s.points.map((point) => point[key]));
      const length = Math.max(1, ...points.map((p) => p.length));
      const values = points.flat().filter((v) => v !== null && v !== undefined);
      const max = niceMax(values.length ? Math.max(...values) : 0);
      const x = (i) => left + ((width - left - right) * i) / Math.max(1, length - 1);
      const y = (v) => top + (height - top - bottom) * (1 - v / max);
      const parts = [];
      for (const fraction of [0, 0.5, 1]) {
        const value = max * fraction;
        parts.push(svg('line', { class: 'grid', x1: left, x2: width - right, y1: y(value), y2: y(value) }));
        parts.push(svg('text', { class: 'axis', x: left - 4, y: y(value) + 4, 'text-anchor': 'end' },
          value === 0 ? '0' : format(value)));
      }
      parts.push(svg('text', { class: 'axis', x: left, y: height - 6 }, '\u2212' + length + ' s'));
      parts.push(svg('text', { class: 'axis', x: width - right, y: height - 6, 'text-anchor': 'end' }, 'now'));
      series.forEach((s, index) => {
        // a line per run of seconds with a value: a second without one is a gap
        let run = [];
        const flush = () => {
          if (run.length === 1) {
            const [px, py] = run[0].split(',');
            parts.push(svg('circle', { class: 'dot c' + (s.index % SERIES_CLASSES), cx: px, cy: py, r: 2,
              'data-backend': s.name }));
          } else if (run.length > 1) {
            parts.push(svg('polyline', { class: 'line c' + (s.index % SERIES_CLASSES), points: run.join(' '),
              'data-backend': s.name }));
          }
          run = [];
        };
        points[index].forEach((value, i) => {
          if (value === null || value === undefined) {
            flush();
          } else {
            run.push(x(i).toFixed(1) + ',' + y(value).toFixed(1));
          }
        });
        flush();
      });
      picture.replaceChildren(...parts);
      const latest = series.map((s, index) => {
        const last = points[index].length ? points[index][points[index].length - 1] : null;
        return s.name + ' ' + format(last);
      });
      picture.setAttribute('aria-label', title + ' of ' + group + ', each second of the last ' + length
        + ' seconds; in the last second: ' + (latest.length ? latest.join(', ') : 'no backend') + '.'
        + (trafficView ? ' Until ' + time(trafficView.at) + '.' : ''));
    }

    return { node, draw };
  }

  // ---------------------------------------------------------------- controls, each confirmed

  /**
   * The group's controls: weights, a judged shift, hold, release and rollback. Each asks for
   * confirmation in the page first; the question says what will change.
   */
  function controlsView(group, state, done) {
    const prefix = idPart(group);
    const weightFields = el('div', { class: 'weights-fields' });
    const weightsButton = el('button', { type: 'submit', id: prefix + '-weights-change' }, 'Change weights\u2026');
    const weightsForm = el('form', { class: 'control', id: prefix + '-weights', novalidate: true },
      el('fieldset', {}, el('legend', {}, 'Weights'),
        el('p', { class: 'hint' }, 'Relative, 0 to 100 each. In effect for the next request.'),
        weightFields, weightsButton));
    const inputs = new Map();

    const to = el('select', { id: prefix + '-shift-to', name: 'to' });
    const steps = el('input', { id: prefix + '-shift-steps', name: 'steps', value: '1,10,50,100',
      inputmode: 'numeric', autocomplete: 'off', 'aria-describedby': prefix + '-shift-steps-hint' });
    const interval = el('input', { id: prefix + '-shift-interval', name: 'interval', value: '30s', autocomplete: 'off' });
    const shiftButton = el('button', { type: 'submit', id: prefix + '-shift-start' }, 'Start shift\u2026');
    const rollbackButton = el('button', { type: 'button', class: 'danger', id: prefix + '-rollback' }, 'Roll back\u2026');
    const shiftForm = el('form', { class: 'control', id: prefix + '-shift', novalidate: true },
      el('fieldset', {}, el('legend', {}, 'Judged shift'),
        el('div', { class: 'field' }, el('label', { for: to.id }, 'To backend'), to),
        el('div', { class: 'field' }, el('label', { for: steps.id }, 'Steps (candidate weight)'), steps,
          el('p', { class: 'hint', id: prefix + '-shift-steps-hint' }, 'Increasing, 1 to 100, e.g. 1,10,50,100.')),
        el('div', { class: 'field' }, el('label', { for: interval.id }, 'Judged every'), interval),
        el('div', { class: 'buttons' }, shiftButton, rollbackButton)));

    const max = el('input', { id: prefix + '-hold-max', name: 'max', value: '5s', autocomplete: 'off',
      'aria-describedby': prefix + '-hold-max-hint' });
    const holdButton = el('button', { type: 'submit', id: prefix + '-hold' }, 'Hold\u2026');
    const releaseButton = el('button', { type: 'button', id: prefix + '-release' }, 'Release\u2026');
    const holdForm = el('form', { class: 'control', id: prefix + '-hold-form', novalidate: true },
      el('fieldset', {}, el('legend', {}, 'Hold'),
        el('div', { class: 'field' }, el('label', { for: max.id }, 'At most'), max,
          el('p', { class: 'hint', id: prefix + '-hold-max-hint' },
            'New requests wait until released; past this they are answered 503.')),
        el('div', { class: 'buttons' }, holdButton, releaseButton)));

    const confirmSlot = el('div', { class: 'confirm-slot' });
    const node = el('div', {}, el('div', { class: 'control-row' }, weightsForm, shiftForm, holdForm), confirmSlot);

    let open = null;

    /** Asks before doing: the question, "Yes, …" and "Cancel" (the focus starts on Cancel). */
    function confirmStep(trigger, question, yesText, action) {
      if (open) {
        open.cancel(false);
      }
      const text = el('p', { class: 'confirm-question', id: prefix + '-confirm-question' }, question);
      const problem = el('p', { class: 'form-error', role: 'alert' });
      const yes = el('button', { type: 'button', class: 'confirm-yes' }, yesText);
      const no = el('button', { type: 'button', class: 'confirm-no' }, 'Cancel');
      const panel = el('div', { class: 'confirm', role: 'alertdialog', 'aria-modal': 'false',
        'aria-labelledby': prefix + '-confirm-question' }, text, problem, el('div', { class: 'buttons' }, yes, no));
      const cancel = (refocus = true) => {
        panel.remove();
        open = null;
        if (refocus) {
          trigger.focus();
        }
      };
      yes.addEventListener('click', async () => {
        yes.disabled = true;
        problem.textContent = '';
        try {
          const message = await action();
          cancel();
          done(message);
        } catch (failure) {
          problem.textContent = failure.message;
          yes.disabled = false;
        }
      });
      no.addEventListener('click', () => cancel());
      panel.addEventListener('keydown', (event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          cancel();
        }
      });
      open = { cancel };
      confirmSlot.replaceChildren(panel);
      no.focus();
    }

    const describeWeights = (weights) => Object.entries(weights).map(([n, w]) => n + ' ' + w).join(', ');

    weightsForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const { group: current, version } = state();
      const now = {};
      const wanted = {};
      for (const backend of current.backends) {
        now[backend.name] = backend.weight;
        const input = inputs.get(backend.name);
        const value = Number(input.value);
        if (!Number.isInteger(value) || value < 0 || value > 100) {
          confirmSlot.replaceChildren(el('p', { class: 'form-error', role: 'alert' },
            'The weight of ' + backend.name + ' must be a whole number from 0 to 100.'));
          input.focus();
          return;
        }
        wanted[backend.name] = value;
      }
      confirmStep(weightsButton,
        'Change the weights of ' + group + ' from ' + describeWeights(now) + ' to ' + describeWeights(wanted)
          + '? Requests routed from now on follow them.',
        'Yes, change the weights',
        async () => {
          await api('POST', groupPath(group) + '/weights', wanted, { version });
          inputs.forEach((input) => { delete input.dataset.dirty; });
          return 'Weights of ' + group + ' changed to ' + describeWeights(wanted) + '.';
        });
    });

    shiftForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const list = steps.value.split(/[\s,]+/).filter(Boolean).map(Number);
      confirmStep(shiftButton,
        'Start a judged shift of ' + group + ' to ' + to.value + ', through ' + list.join('%, ') + '%, judged every '
          + interval.value + '? The candidate gets the first step at once; a failed judgement gives every request'
          + ' back to the primary.',
        'Yes, start the shift',
        async () => {
          await api('POST', groupPath(group) + '/shift', { to: to.value, steps: list, interval: interval.value });
          return 'Shift of ' + group + ' to ' + to.value + ' started.';
        });
    });

    rollbackButton.addEventListener('click', () => {
      const { group: current } = state();
      const shift = current.shift;
      confirmStep(rollbackButton,
        shift && (shift.state === 'RUNNING' || shift.state === 'PAUSED')
          ? 'Roll back the shift of ' + group + ' to ' + shift.candidate + '? Every request goes back to '
            + shift.primary + ' now.'
          : 'Roll back the shift of ' + group + '? No shift is running now; the router will say so.',
        'Yes, roll back',
        async () => {
          await api('POST', groupPath(group) + '/shift/rollback');
          return 'Shift of ' + group + ' rolled back.';
        });
    });

    holdForm.addEventListener('submit', (event) => {
      event.preventDefault();
      confirmStep(holdButton,
        'Hold the new requests of ' + group + ' for at most ' + max.value + '? They wait until released.',
        'Yes, hold',
        async () => {
          await api('POST', groupPath(group) + '/hold', { max: max.value });
          return group + ' is held.';
        });
    });

    releaseButton.addEventListener('click', () => {
      confirmStep(releaseButton,
        'Release ' + group + '? Its waiting requests are routed by the table as it is now.',
        'Yes, release',
        async () => {
          const answer = await api('DELETE', groupPath(group) + '/hold');
          return answer && answer.released ? group + ' released.' : group + ' was not held (or its hold had ended).';
        });
    });

    return {
      node,
      backends(list) {
        inputs.clear();
        weightFields.replaceChildren(...list.map((backend) => {
          const input = el('input', { type: 'number', min: 0, max: 100, step: 1, inputmode: 'numeric',
            id: prefix + '-weight-' + idPart(backend.name), name: backend.name, value: backend.weight });
          const edited = () => { input.dataset.dirty = 'true'; };
          input.addEventListener('input', edited);
          input.addEventListener('change', edited);
          inputs.set(backend.name, input);
          return el('div', { class: 'field weight-field' },
            el('label', { for: input.id }, backend.name), input);
        }));
        const chosen = to.value;
        to.replaceChildren(...list.map((backend) => el('option', { value: backend.name }, backend.name)));
        const candidate = list.find((backend) => backend.name === chosen)
          || list.slice().sort((a, b) => a.weight - b.weight)[0];
        if (candidate) {
          to.value = candidate.name;
        }
      },
      update(current) {
        for (const backend of current.backends) {
          const input = inputs.get(backend.name);
          if (input && !input.dataset.dirty && document.activeElement !== input) {
            input.value = String(backend.weight);
          }
        }
      },
    };
  }

  // ---------------------------------------------------------------- the shift and its judge

  function shiftView(part, group) {
    const shift = group.shift;
    const signature = JSON.stringify(shift);
    if (part.dataset.signature === signature || hasFocus(part)) {
      return;
    }
    part.dataset.signature = signature;
    if (!shift) {
      part.replaceChildren(el('p', { class: 'shift-state hint' }, 'No shift of ' + group.name + ' yet.'));
      return;
    }
    const state = {
      RUNNING: 'Running', PAUSED: 'Paused', COMPLETED: 'Completed', ROLLED_BACK: 'Rolled back',
    }[shift.state] || shift.state;
    const reached = shift.steps.filter((step) => step <= shift.candidateWeight).length;
    part.replaceChildren(
      el('p', { class: 'shift-state', 'data-state': shift.state },
        state + ': ' + shift.primary + ' \u2192 ' + shift.candidate + ', judged every ' + duration(shift.interval)
          + '; the candidate has ' + shift.candidateWeight + '% now'
          + (shift.nextJudgement ? '; next judgement at ' + time(shift.nextJudgement) : '') + '.'),
      el('ol', { class: 'steps', 'aria-label': 'Steps of the shift' }, shift.steps.map((step, index) =>
        el('li', { class: index < reached ? 'reached' : null,
          'aria-current': index === reached - 1 && shift.state !== 'ROLLED_BACK' ? 'step' : null },
        step + '%'))),
      el('div', { class: 'scroll' }, el('table', { class: 'decisions' },
        el('caption', {}, 'Decisions of the canary judge, oldest first'),
        el('thead', {}, el('tr', {}, ['Time', 'Candidate weight', 'Decision', 'Reason']
          .map((text) => el('th', { scope: 'col' }, text)))),
        el('tbody', {}, shift.history.map((step) => el('tr', { 'data-decision': step.decision },
          el('td', {}, time(step.at)),
          el('td', { class: 'num' }, step.candidateWeight + '%'),
          el('td', { class: 'decision' }, step.decision),
          el('td', {}, step.reason)))))));
  }

  // ---------------------------------------------------------------- the shadow comparison

  /**
   * The fields that differed between the primary's and the candidate's answers, real differences
   * first, each with its examples side by side: the primary's answer, the primary's second answer
   * (the noise) and the candidate's. Kept in place across refreshes: what is open stays open.
   */
  function shadowView(group) {
    const summary = el('p', { class: 'shadow-summary' });
    const list = el('ul', { class: 'fields', 'aria-label': 'Field paths that differed in ' + group });
    const node = el('div', {}, summary, list);
    const fields = new Map();

    function fieldItem(path) {
      const head = el('summary', {});
      const body = el('div', { class: 'field-body' });
      const details = el('details', {}, head, body);
      const item = el('li', { class: 'shadow-field', 'data-path': path }, details);
      let examplesSignature = null;
      let opened = false;
      return {
        node: item,
        update(field) {
          const kind = field.difference ? 'difference' : 'noise';
          item.dataset.kind = kind;
          if (field.difference && !opened) {
            // a real difference opens once by itself; after that it stays as the operator leaves it
            opened = true;
            details.open = true;
          }
          if (!head.firstChild) {
            head.append(el('code', { class: 'path' }, field.path), ' ',
              el('span', { class: 'kind' }), ' ', el('span', { class: 'counts' }));
          }
          setText(head.querySelector('.path'), field.path);
          setText(head.querySelector('.kind'), field.difference ? 'differs' : 'noise only');
          setText(head.querySelector('.counts'), 'candidate differed in ' + field.raw + ', the primary from itself in '
            + field.noise + ', of ' + field.compared + ' reads');
          const signature = field.examples.length + '|'
            + (field.examples.length ? field.examples[field.examples.length - 1].at : '');
          if (signature !== examplesSignature && !hasFocus(body)) {
            const shown = body.querySelector('select');
            const keep = shown && shown.selectedIndex > 0 ? shown.options[shown.selectedIndex].dataset.at : null;
            examplesSignature = signature;
            body.replaceChildren(...examplesPart(field, keep));
          }
        },
      };
    }

    function examplesPart(field, keep) {
      if (!field.examples.length) {
        return [el('p', { class: 'hint' }, 'No example kept.')];
      }
      const id = uniqueId('example-' + idPart(group));
      const choice = el('select', { id });
      const newestFirst = field.examples.map((example, index) => ({ example, index })).reverse();
      newestFirst.forEach(({ example, index }, order) => {
        choice.append(el('option', { value: String(index), 'data-at': example.at },
          (order === 0 ? 'Latest, ' : '') + time(example.at)));
      });
      // the example chosen before stays chosen while it is kept
      const kept = keep ? [...choice.options].find((option) => option.dataset.at === keep) : null;
      if (kept) {
        choice.value = kept.value;
      }
      const sides = el('div', { class: 'example' });
      const show = () => {
        const index = Number(choice.value);
        sides.replaceChildren(...answers(field.path, field.examples[index]));
      };
      choice.addEventListener('change', show);
      show();
      return [
        el('div', { class: 'field example-choice' },
          el('label', { for: id }, 'Example (' + field.examples.length + ' kept)'), choice),
        sides,
      ];
    }

    function answers(path, example) {
      const side = (kind, title, value, text) => el('section', { class: 'answer ' + kind, 'aria-label': title },
        el('h4', {}, title),
        el('p', { class: 'value-line' }, el('code', {}, path), ' = ', el('code', { class: 'value' }, value)),
        el('pre', { class: 'answer-text', tabindex: '0', 'aria-label': title + ', the whole answer' }, text));
      return [
        side('primary', 'Primary (the client\u2019s answer)', example.primaryValue, example.primary),
        side('secondary', 'Primary, asked again', example.secondaryValue, example.secondary),
        side('candidate', 'Candidate', example.candidateValue, example.candidate),
      ];
    }

    return {
      node,
      update(current, report) {
        if (!report) {
          return;
        }
        const differing = report.fields.filter((field) => field.difference).length;
        setText(summary, report.compared === 0
          ? (current.shadow ? 'Reads are copied to ' + current.shadow + '; none compared yet.'
            : 'No shadow comparison: shadowing is off (router shadow ' + current.name + ' <candidate>).')
          : report.compared + ' read' + (report.compared === 1 ? '' : 's') + ' compared'
            + (current.shadow ? ' (copied to ' + current.shadow + ')' : ' (shadowing is off now)') + '; '
            + differing + ' field path' + (differing === 1 ? '' : 's') + ' differ'
            + (differing === 1 ? 's' : '') + ', ' + (report.fields.length - differing) + ' only by noise.');
        const seen = new Set();
        report.fields.forEach((field, index) => {
          seen.add(field.path);
          let item = fields.get(field.path);
          if (!item) {
            item = fieldItem(field.path);
            fields.set(field.path, item);
          }
          item.update(field);
          if (list.children[index] !== item.node && !hasFocus(item.node)) {
            list.insertBefore(item.node, list.children[index] || null);
          }
        });
        for (const [path, item] of fields) {
          if (!seen.has(path)) {
            item.node.remove();
            fields.delete(path);
          }
        }
      },
    };
  }

  document.addEventListener('DOMContentLoaded', () => {
    document.querySelector('.skip').addEventListener('click', (event) => {
      event.preventDefault();
      main().focus();
    });
    document.getElementById('forget').addEventListener('click', () => signOut('The token is forgotten in this tab.'));
    if (credential.get()) {
      consolePage();
    } else {
      tokenPage();
    }
  });
})();
