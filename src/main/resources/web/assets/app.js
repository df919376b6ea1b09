// MicroPosts web client: a single page on the public HTTP API (docs/API.md) and nothing else.
// Every piece of data is put in the page as text (text nodes, textContent), never parsed as HTML.
'use strict';

(() => {
  const TOKEN_KEY = 'microposts.session';
  const POLL_MS = 2000;
  const MAX_TEXT = 255;

  // ---------------------------------------------------------------- the session (this tab only)

  const session = {
    get() {
      try {
        const saved = JSON.parse(sessionStorage.getItem(TOKEN_KEY) || 'null');
        if (saved && Date.parse(saved.expiresAt) > Date.now()) {
          return saved;
        }
      } catch (ignored) {
        // a damaged entry is no session
      }
      sessionStorage.removeItem(TOKEN_KEY);
      return null;
    },
    set(username, token, expiresAt) {
      sessionStorage.setItem(TOKEN_KEY, JSON.stringify({ username, token, expiresAt }));
    },
    clear() {
      sessionStorage.removeItem(TOKEN_KEY);
    },
  };

  // ---------------------------------------------------------------- the API

  class ApiError extends Error {
    constructor(status, problem) {
      super((problem && (problem.detail || problem.title)) || 'The request failed (' + status + ').');
      this.status = status;
      this.problem = problem || {};
    }
    get fieldErrors() {
      return Array.isArray(this.problem.errors) ? this.problem.errors : [];
    }
  }

  /** The URL of the Link header's rel="next", as a path on this origin (the API's are absolute). */
  function nextLink(header) {
    if (!header) {
      return null;
    }
    for (const part of header.split(',')) {
      const match = /<([^>]*)>\s*;\s*rel="?next"?/i.exec(part.trim());
      if (match) {
        const url = new URL(match[1], location.href);
        return url.pathname + url.search;
      }
    }
    return null;
  }

  async function api(method, path, body, options = {}) {
    const headers = { Accept: 'application/json, application/problem+json' };
    const current = session.get();
    if (current && !options.anonymous) {
      headers.Authorization = 'Bearer ' + current.token;
    }
    const init = { method, headers, cache: 'no-store', credentials: 'omit' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (failure) {
      throw new ApiError(0, { detail: 'MicroPosts cannot be reached; check the connection and try again.' });
    }
    const type = response.headers.get('Content-Type') || '';
    const data = response.status === 204 || !type.includes('json') ? null : await response.json().catch(() => null);
    if (!response.ok) {
      const error = new ApiError(response.status, data);
      if (response.status === 401 && current && !options.anonymous) {
        session.clear();
        flash = 'Your session has ended; sign in again.';
        renderNav();
        go('#/signin');
      }
      throw error;
    }
    return { data, next: nextLink(response.headers.get('Link')), status: response.status };
  }

  const users = (name) => '/api/users/' + encodeURIComponent(name);

  // ---------------------------------------------------------------- DOM helpers

  /** An element; string children become text nodes, never HTML. */
  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === null || value === undefined || value === false) {
        continue;
      }
      if (name.startsWith('on')) {
        node.addEventListener(name.slice(2), value);
      } else if (name === 'text') {
        node.textContent = value;
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

  const main = () => document.getElementById('main');
  let flash = null;
  let sequence = 0;

  function announce(text) {
    const announcer = document.getElementById('announcer');
    announcer.textContent = '';
    // a change the screen reader notices even when the same text comes twice
    setTimeout(() => { announcer.textContent = text; }, 50);
  }

  function go(hash) {
    if (location.hash === hash) {
      route();
    } else {
      location.hash = hash;
    }
  }

  /** A labelled field with its error slot, tied together for screen readers. */
  function field(form, name, label, input, hint) {
    const id = form + '-' + name;
    input.id = id;
    input.name = name;
    const errorId = id + '-error';
    const hintId = hint ? id + '-hint' : null;
    input.setAttribute('aria-describedby', [hintId, errorId].filter(Boolean).join(' '));
    return el('div', { class: 'field', 'data-field': name },
      el('label', { for: id }, label),
      input,
      hint ? el('p', { class: 'hint', id: hintId }, hint) : null,
      el('p', { class: 'field-error', id: errorId, 'data-error-for': name }));
  }

  /** Shows a problem: each field error beside its field, the rest at the top of the form. */
  function showProblem(form, error) {
    clearProblems(form);
    const general = [];
    let first = null;
    for (const fieldError of error.fieldErrors) {
      const slot = form.querySelector('[data-error-for="' + CSS.escape(fieldError.field) + '"]');
      if (slot) {
        const text = (slot.textContent ? slot.textContent + ' ' : '') + capitalise(fieldError.field) + ' '
          + fieldError.message + '.';
        slot.textContent = text;
        const input = form.querySelector('[name="' + CSS.escape(fieldError.field) + '"]');
        if (input) {
          input.setAttribute('aria-invalid', 'true');
          first = first || input;
        }
      } else {
        general.push(capitalise(fieldError.field) + ' ' + fieldError.message + '.');
      }
    }
    if (error.fieldErrors.length === 0 || general.length > 0) {
      const alert = form.querySelector('.form-error');
      alert.textContent = general.length > 0 ? general.join(' ') : error.message;
      first = first || alert;
    }
    if (first) {
      first.focus();
    }
  }

  function clearProblems(form) {
    form.querySelectorAll('.field-error, .form-error').forEach((slot) => { slot.textContent = ''; });
    form.querySelectorAll('[aria-invalid]').forEach((input) => input.removeAttribute('aria-invalid'));
  }

  const capitalise = (text) => text.charAt(0).toUpperCase() + text.slice(1);

  /** Code points, as the API counts them (an emoji is one). */
  const codePoints = (text) => Array.from(text).length;

  function formatTime(iso) {
    const date = new Date(iso);
    return isNaN(date) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  }

  // ---------------------------------------------------------------- navigation

  function renderNav() {
    const nav = document.getElementById('nav');
    const current = session.get();
    const link = (href, text) => el('li', {}, el('a', { href }, text));
    nav.replaceChildren(...(current
      ? [
        link('#/', 'Home'),
        link('#/users/' + encodeURIComponent(current.username) + '/mentions', 'Mentions'),
        link('#/users/' + encodeURIComponent(current.username), 'My page'),
        el('li', {}, el('button', { type: 'button', class: 'link', id: 'sign-out', onclick: signOut },
          'Sign out ' + current.username)),
      ]
      : [link('#/signin', 'Sign in'), link('#/signup', 'Sign up')]));
    nav.querySelectorAll('a').forEach((a) => {
      if (a.getAttribute('href') === (location.hash || '#/')) {
        a.setAttribute('aria-current', 'page');
      }
    });
  }

  function signOut() {
    session.clear();
    flash = 'You are signed out.';
    go('#/signin');
  }

  let stopPolling = () => {};

  function route() {
    stopPolling();
    stopPolling = () => {};
    sequence++;
    renderNav();
    const hash = decodeURIComponent(location.hash.replace(/^#/, '')) || '/';
    const parts = hash.split('/').filter(Boolean);
    const current = session.get();
    const view = main();
    view.replaceChildren();
    if (flash) {
      view.append(el('p', { class: 'flash', role: 'status' }, flash));
      flash = null;
    }
    if (parts[0] === 'signin') {
      signInPage(view);
    } else if (parts[0] === 'signup') {
      signUpPage(view);
    } else if (parts[0] === 'users' && parts[1]) {
      userPage(view, parts[1], parts[2] || 'collection');
    } else if (current) {
      homePage(view, current);
    } else {
      signInPage(view);
    }
    view.focus({ preventScroll: true });
  }

  // ---------------------------------------------------------------- sign in, sign up

  function credentialsForm(id, submitText, onSubmit) {
    const form = el('form', { id, class: 'card', novalidate: true },
      el('p', { class: 'form-error', role: 'alert', tabindex: '-1' }),
      field(id, 'username', 'Username', el('input', { autocomplete: 'username', autocapitalize: 'none',
        spellcheck: 'false', required: true }), id === 'signup' ? 'Lower-case letters, digits and _, up to 50.' : null),
      field(id, 'password', 'Password', el('input', { type: 'password', required: true,
        autocomplete: id === 'signup' ? 'new-password' : 'current-password' }),
      id === 'signup' ? 'At least 8 characters.' : null),
      el('button', { type: 'submit' }, submitText));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const button = form.querySelector('button[type=submit]');
      button.disabled = true;
      try {
        await onSubmit(form, form.elements.username.value, form.elements.password.value);
      } catch (error) {
        if (error instanceof ApiError) {
          showProblem(form, error);
        } else {
          throw error;
        }
      } finally {
        button.disabled = false;
      }
    });
    return form;
  }

  async function signIn(username, password) {
    const { data } = await api('POST', '/api/token', { username, password }, { anonymous: true });
    session.set(username, data.token, data.expires_at);
  }

  function signInPage(view) {
    document.title = 'Sign in · MicroPosts';
    view.append(el('h1', {}, 'Sign in'),
      credentialsForm('signin', 'Sign in', async (form, username, password) => {
        await signIn(username, password);
        go('#/');
      }),
      el('p', {}, 'New here? ', el('a', { href: '#/signup' }, 'Create an account'), '.'));
  }

  function signUpPage(view) {
    document.title = 'Sign up · MicroPosts';
    view.append(el('h1', {}, 'Create an account'),
      credentialsForm('signup', 'Sign up', async (form, username, password) => {
        await api('POST', '/api/users', { username, password }, { anonymous: true });
        await signIn(username, password);
        flash = 'Welcome, ' + username + '!';
        go('#/');
      }),
      el('p', {}, 'Have an account? ', el('a', { href: '#/signin' }, 'Sign in'), '.'));
  }

  // ---------------------------------------------------------------- microposts

  function micropostItem(post, onChanged) {
    const current = session.get();
    const own = current && current.username === post.user;
    const text = el('p', { class: 'text' }, post.text);
    const meta = el('p', { class: 'meta' },
      el('a', { href: '#/users/' + encodeURIComponent(post.user), class: 'author' }, '@' + post.user),
      post.referenced ? [' to ', el('a', { href: '#/users/' + encodeURIComponent(post.referenced),
        class: 'mention' }, '@' + post.referenced)] : null,
      ' · ', el('time', { datetime: post.timestamp }, formatTime(post.timestamp)));
    const item = el('li', { class: 'post', 'data-id': post.id, 'aria-label': 'Micropost by ' + post.user });
    const actions = el('div', { class: 'actions' });
    item.append(meta, text, actions);
    item.post = post;
    if (own) {
      actions.append(
        el('button', { type: 'button', class: 'edit', onclick: () => editPost(item, onChanged),
          'aria-label': 'Edit micropost ' + post.id }, 'Edit'),
        el('button', { type: 'button', class: 'delete danger', onclick: () => confirmDelete(item, onChanged),
          'aria-label': 'Delete micropost ' + post.id }, 'Delete'));
    }
    return item;
  }

  function updateItem(item, post) {
    item.post = post;
    item.querySelector('.text').textContent = post.text;
    const mention = item.querySelector('.mention');
    if ((mention ? mention.textContent.slice(1) : null) !== post.referenced) {
      const replacement = micropostItem(post);
      replacement.dataset.key = item.dataset.key;
      item.replaceWith(replacement);
    }
  }

  function confirmDelete(item, onChanged) {
    const actions = item.querySelector('.actions');
    const before = [...actions.childNodes];
    const cancel = () => { actions.replaceChildren(...before); actions.querySelector('.delete').focus(); };
    const question = el('span', { class: 'confirm', role: 'alert' }, 'Delete this micropost? ');
    const yes = el('button', { type: 'button', class: 'danger confirm-delete', onclick: async () => {
      yes.disabled = true;
      try {
        await api('DELETE', new URL(item.post.href).pathname);
        announce('Micropost deleted.');
        item.remove();
        if (onChanged) {
          onChanged();
        }
      } catch (error) {
        question.textContent = error.message + ' ';
        yes.disabled = false;
      }
    } }, 'Yes, delete');
    const no = el('button', { type: 'button', onclick: cancel }, 'Keep it');
    actions.replaceChildren(question, yes, no);
    no.focus();
  }

  function editPost(item, onChanged) {
    const post = item.post;
    const form = composeForm('edit-' + post.id, post, async (body) => {
      const { data } = await api('PUT', new URL(post.href).pathname, body);
      form.replaceWith(item);
      updateItem(item, data);
      announce('Micropost saved.');
      if (onChanged) {
        onChanged();
      }
    }, () => {
      form.replaceWith(item);
      item.querySelector('.edit').focus();
    });
    item.replaceWith(form);
    form.querySelector('textarea').focus();
  }

  /** The text, its live count in code points, the mention picker; for a new micropost or an edit. */
  function composeForm(id, post, onSave, onCancel) {
    const textarea = el('textarea', { rows: 3, required: true });
    textarea.value = post ? post.text : '';
    const count = el('span', { class: 'count' });
    const mention = el('input', { autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false',
      list: id + '-people' });
    mention.value = post && post.referenced ? post.referenced : '';
    const people = el('datalist', { id: id + '-people' });
    const mentionCheck = el('p', { class: 'hint', id: id + '-referenced-check', 'aria-live': 'polite' });
    let wasOver = false;
    const updateCount = () => {
      const n = codePoints(textarea.value);
      if ((n > MAX_TEXT) !== wasOver) {
        wasOver = n > MAX_TEXT;
        announce(wasOver ? 'Over ' + MAX_TEXT + ' characters.' : 'Within ' + MAX_TEXT + ' characters.');
      }
      count.textContent = n + ' / ' + MAX_TEXT;
      count.classList.toggle('over', n > MAX_TEXT);
      count.title = n > MAX_TEXT ? (n - MAX_TEXT) + ' too many' : (MAX_TEXT - n) + ' left';
    };
    textarea.addEventListener('input', updateCount);
    updateCount();
    let checking = 0;
    mention.addEventListener('input', () => {
      const name = mention.value.trim().replace(/^@/, '');
      const mine = ++checking;
      mentionCheck.textContent = '';
      if (!name) {
        return;
      }
      setTimeout(async () => {
        if (mine !== checking) {
          return;
        }
        try {
          await api('GET', users(name), undefined, { anonymous: true });
          if (mine === checking) {
            mentionCheck.textContent = '@' + name + ' will be mentioned.';
          }
        } catch (error) {
          if (mine === checking) {
            mentionCheck.textContent = error.status === 404 ? 'There is no user named ' + name + '.' : error.message;
          }
        }
      }, 300);
    });
    fillPeople(people);
    const form = el('form', { id, class: 'compose card', novalidate: true },
      el('p', { class: 'form-error', role: 'alert', tabindex: '-1' }),
      field(id, 'text', post ? 'Edit micropost' : 'What is happening?', textarea),
      el('p', { class: 'counter', id: id + '-count' }, 'Characters: ', count),
      field(id, 'referenced', 'Mention (optional)', mention, 'Pick someone you follow or who follows you, or type a username.'),
      mentionCheck, people,
      el('div', { class: 'buttons' },
        el('button', { type: 'submit' }, post ? 'Save' : 'Post'),
        onCancel ? el('button', { type: 'button', onclick: onCancel }, 'Cancel') : null));
    textarea.setAttribute('aria-describedby', textarea.getAttribute('aria-describedby') + ' ' + id + '-count');
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const button = form.querySelector('button[type=submit]');
      button.disabled = true;
      const referenced = mention.value.trim().replace(/^@/, '');
      try {
        clearProblems(form);
        await onSave({ text: textarea.value, referenced: referenced || null });
        if (!post) {
          checking++;
          textarea.value = '';
          mention.value = '';
          mentionCheck.textContent = '';
          updateCount();
        }
      } catch (error) {
        if (error instanceof ApiError) {
          showProblem(form, error);
        } else {
          throw error;
        }
      } finally {
        button.disabled = false;
      }
    });
    return form;
  }

  /** The mention picker's choices: whom the signed-in user follows, and who follows them. */
  async function fillPeople(list) {
    const current = session.get();
    if (!current) {
      return;
    }
    const names = new Set();
    for (const which of ['following', 'followers']) {
      try {
        const { data } = await api('GET', users(current.username) + '/' + which + '?limit=100');
        data.forEach((entry) => names.add(entry.username));
      } catch (ignored) {
        // the picker is a convenience: typing a name works without it
      }
    }
    list.replaceChildren(...[...names].sort().map((name) => el('option', { value: name })));
  }

  /**
   * A list of the API paged by its Link headers: the first page, then "Show older" while a next
   * link exists. With poll, the first page is fetched again every POLL_MS and merged: new items on
   * top, changed ones updated, deleted ones removed, without reloading the page.
   */
  function pagedList(view, { path, label, empty, render, poll }) {
    const list = el('ul', { class: 'list', 'aria-label': label, 'aria-busy': 'true' });
    const status = el('p', { class: 'list-status', role: 'status' });
    const more = el('button', { type: 'button', class: 'more', hidden: true }, 'Show older');
    const mine = sequence;
    let next = null;
    const shown = () => [...list.children].filter((node) => node.dataset.key !== undefined);
    const keyOf = (item) => String(item.id !== undefined ? item.id : item.username);
    const append = (items) => items.forEach((item) => {
      const node = render(item);
      node.dataset.key = keyOf(item);
      list.append(node);
    });
    const load = async (url) => {
      list.setAttribute('aria-busy', 'true');
      try {
        const page = await api('GET', url);
        if (mine !== sequence) {
          return;
        }
        append(page.data);
        next = page.next;
        more.hidden = !next;
        status.textContent = shown().length === 0 ? empty : '';
      } catch (error) {
        status.textContent = error.message;
      } finally {
        list.setAttribute('aria-busy', 'false');
      }
    };
    more.addEventListener('click', async () => {
      const before = shown().length;
      more.disabled = true;
      await load(next);
      more.disabled = false;
      const first = shown()[before];
      if (first) {
        first.setAttribute('tabindex', '-1');
        first.focus();
      }
    });
    view.append(status, list, more);
    load(path);
    if (poll) {
      const refresh = async () => {
        if (mine !== sequence || document.hidden) {
          return;
        }
        let page;
        try {
          page = await api('GET', path);
        } catch (ignored) {
          return;
        }
        if (mine !== sequence) {
          return;
        }
        const nodes = new Map(shown().map((node) => [node.dataset.key, node]));
        const fresh = new Set(page.data.map(keyOf));
        // below the first page's oldest item the list goes on; without a next link it is all there is
        const oldest = page.next && page.data.length ? page.data[page.data.length - 1].id : -Infinity;
        const top = shown()[0];
        const newestShown = top ? Number(top.dataset.key) : 0;
        let added = 0;
        const newOnes = [];
        for (const item of page.data) {
          const node = nodes.get(keyOf(item));
          if (node) {
            if (node.post && (node.post.text !== item.text || node.post.referenced !== item.referenced)) {
              updateItem(node, item);
            }
          } else if (item.id > newestShown) {
            const created = render(item);
            created.dataset.key = keyOf(item);
            newOnes.push(created);
            added++;
          }
        }
        list.prepend(...newOnes);
        for (const [key, node] of nodes) {
          if (!fresh.has(key) && Number(key) >= oldest) {
            node.remove();
          }
        }
        if (added > 0) {
          announce(added === 1 ? '1 new micropost.' : added + ' new microposts.');
        }
        status.textContent = shown().length === 0 ? empty : '';
      };
      const timer = setInterval(refresh, POLL_MS);
      const onVisible = () => refresh();
      document.addEventListener('visibilitychange', onVisible);
      stopPolling = () => {
        clearInterval(timer);
        document.removeEventListener('visibilitychange', onVisible);
      };
    }
    return { refresh: () => { list.replaceChildren(); load(path); } };
  }

  // ---------------------------------------------------------------- pages

  function homePage(view, current) {
    document.title = 'Home · MicroPosts';
    let timeline = null;
    view.append(el('h1', { class: 'visually-hidden' }, 'Home'),
      composeForm('compose', null, async (body) => {
        await api('POST', users(current.username) + '/collection', body);
        announce('Posted.');
      }),
      el('h2', {}, 'Your timeline'),
      el('p', { class: 'hint' }, 'Your microposts and those of the people you follow, newest first; new ones appear by themselves.'));
    timeline = pagedList(view, {
      path: users(current.username) + '/timeline',
      label: 'Timeline',
      empty: 'Nothing here yet: post something, or follow someone.',
      render: (post) => micropostItem(post),
      poll: true,
    });
    return timeline;
  }

  async function userPage(view, name, tab) {
    const current = session.get();
    const base = '#/users/' + encodeURIComponent(name);
    const tabs = [['collection', 'Microposts', base], ['mentions', 'Mentions', base + '/mentions'],
      ['followers', 'Followers', base + '/followers'], ['following', 'Following', base + '/following']];
    if (!tabs.some(([key]) => key === tab)) {
      tab = 'collection';
    }
    const tabLabel = tabs.find(([key]) => key === tab)[1];
    document.title = '@' + name + ' · ' + tabLabel + ' · MicroPosts';
    const heading = el('h1', {}, '@' + name);
    const about = el('p', { class: 'meta' });
    const follow = el('div', { class: 'follow' });
    view.append(heading, about, follow,
      el('nav', { 'aria-label': 'Sections of @' + name },
        el('ul', { class: 'tabs' }, tabs.map(([key, text, href]) =>
          el('li', {}, el('a', { href, 'aria-current': key === tab ? 'page' : null }, text))))));
    try {
      const { data } = await api('GET', users(name));
      about.textContent = 'Joined ' + formatTime(data.joined);
    } catch (error) {
      about.textContent = error.status === 404 ? 'There is no user named ' + name + '.' : error.message;
      return;
    }
    if (current && current.username !== name) {
      followButton(follow, current.username, name);
    }
    if (tab === 'collection') {
      const search = el('input', { type: 'search', autocapitalize: 'none' });
      const form = el('form', { role: 'search', class: 'search' },
        field('search', 'search', 'Search @' + name + "'s microposts", search),
        el('button', { type: 'submit' }, 'Search'));
      const results = el('div');
      view.append(form, results);
      const show = (term) => {
        results.replaceChildren();
        const query = term ? '?search=' + encodeURIComponent(term) : '';
        pagedList(results, {
          path: users(name) + '/collection' + query,
          label: term ? 'Microposts of @' + name + ' containing ' + term : 'Microposts of @' + name,
          empty: term ? 'No micropost of @' + name + ' contains “' + term + '”.' : '@' + name + ' has not posted yet.',
          render: (post) => micropostItem(post),
        });
      };
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        show(search.value);
      });
      show('');
    } else if (tab === 'mentions') {
      pagedList(view, {
        path: users(name) + '/mentions',
        label: 'Microposts mentioning @' + name,
        empty: 'Nobody has mentioned @' + name + ' yet.',
        render: (post) => micropostItem(post),
        poll: true,
      });
    } else {
      pagedList(view, {
        path: users(name) + '/' + tab,
        label: tab === 'followers' ? 'Who follows @' + name : 'Whom @' + name + ' follows',
        empty: tab === 'followers' ? 'Nobody follows @' + name + ' yet.' : '@' + name + ' follows nobody yet.',
        render: (entry) => el('li', { class: 'person' },
          el('a', { href: '#/users/' + encodeURIComponent(entry.username) }, '@' + entry.username)),
      });
    }
  }

  /** Whether me follows them: the API has no such question, so me's following list is walked. */
  async function follows(me, them) {
    let url = users(me) + '/following?limit=100';
    for (let pages = 0; url && pages < 20; pages++) {
      const page = await api('GET', url);
      if (page.data.some((entry) => entry.username === them)) {
        return true;
      }
      url = page.next;
    }
    return false;
  }

  async function followButton(slot, me, them) {
    const button = el('button', { type: 'button', class: 'follow-button', disabled: true }, 'Follow');
    const error = el('p', { class: 'form-error', role: 'alert' });
    slot.replaceChildren(button, error);
    let following = false;
    const show = () => {
      button.textContent = following ? 'Unfollow @' + them : 'Follow @' + them;
      button.setAttribute('aria-pressed', String(following));
      button.disabled = false;
    };
    try {
      following = await follows(me, them);
    } catch (failure) {
      error.textContent = failure.message;
    }
    show();
    button.addEventListener('click', async () => {
      button.disabled = true;
      error.textContent = '';
      try {
        if (following) {
          await api('DELETE', users(me) + '/following/' + encodeURIComponent(them));
        } else {
          await api('POST', users(me) + '/following', { username: them });
        }
        following = !following;
        announce(following ? 'You follow @' + them + '.' : 'You no longer follow @' + them + '.');
      } catch (failure) {
        error.textContent = failure.message;
      }
      show();
    });
  }

  window.addEventListener('hashchange', route);
  document.addEventListener('DOMContentLoaded', () => {
    // the skip link moves the focus; it must not change the route in the address's fragment
    document.querySelector('.skip').addEventListener('click', (event) => {
      event.preventDefault();
      main().focus();
    });
    route();
  });
})();
