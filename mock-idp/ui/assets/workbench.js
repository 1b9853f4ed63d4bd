'use strict';
// The workbench's only script. Tokens, claims and kids are attacker-controlled, so every value reaches
// the page through textContent or a form value, never parsed as markup.
(() => {
  const $ = (id) => document.getElementById(id);
  const state = { tenants: [], meta: null, variants: [], tenant: '', variantRecipe: '', logKey: '', dirKey: '' };

  /** Creates an element; strings become text nodes, so nothing passed in is parsed as HTML. */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = String(v);
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else if (k.startsWith('data-')) node.setAttribute(k, String(v));
      else node[k] = v;
    }
    for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) node.append(c instanceof Node ? c : String(c));
    return node;
  }
  const fill = (tbody, rows) => tbody.replaceChildren(...rows);
  const td = (text, cls) => el('td', { class: cls, text: text === undefined ? '' : text });
  const list = (obj) => Object.entries(obj || {}).map(([api, names]) => api + ': ' + names.join(', ')).join('\n');

  function status(text, bad) {
    const s = $('status');
    s.textContent = text;
    s.className = bad ? 'bad' : 'ok';
  }

  async function call(method, path, body) {
    const res = await fetch(path, {
      method,
      headers: body !== undefined ? { 'content-type': 'application/json' } : {},
      body: body !== undefined ? JSON.stringify(body) : undefined,
      cache: 'no-store',
    });
    const text = await res.text();
    let json;
    try { json = text ? JSON.parse(text) : {}; } catch { json = { error: 'not_json', error_description: text.slice(0, 200) }; }
    if (!res.ok) {
      const err = new Error((json.error_description || json.error || 'HTTP ' + res.status) + (json.field ? ' (' + json.field + ')' : ''));
      err.status = res.status;
      throw err;
    }
    return json;
  }
  const tenantPath = (suffix) => '/_admin/tenants/' + encodeURIComponent(state.tenant) + suffix;
  const current = () => state.tenants.find((t) => t.name === state.tenant);

  function guard(fn, errorEl) {
    return async (...args) => {
      if (errorEl) errorEl.textContent = '';
      try {
        await fn(...args);
      } catch (e) {
        if (errorEl) errorEl.textContent = e.message;
        status(e.message, true);
      }
    };
  }

  // --- directory, keys, faults -------------------------------------------------------------------
  async function loadDirectory() {
    const data = await call('GET', '/_ui/api/tenants');
    state.tenants = data.tenants;
    if (!state.meta) {
      state.meta = data;
      const opts = (select, values) => select.append(...values.map((v) => el('option', { value: v, text: v })));
      opts($('tenant'), data.tenants.map((t) => t.name));
      opts($('add-state'), data.keyStates);
      opts($('fault-endpoint'), data.endpoints);
      opts($('fault-kind'), data.faultKinds);
      opts($('log-endpoint'), data.endpoints);
      state.tenant = data.tenants[0] ? data.tenants[0].name : '';
    }
    const key = JSON.stringify(current());
    if (key !== state.dirKey) {
      state.dirKey = key;
      renderDirectory();
    }
  }

  function renderDirectory() {
    const t = current();
    if (!t) return;
    $('tenant').value = t.name;
    $('tenant-id').textContent = t.id;
    $('tenant-info').replaceChildren(
      ...[['domain', t.domain], ['v2 issuer', t.issuers.v2], ['v1 issuer', t.issuers.v1], ['JWKS', t.urls.jwksV2], ['token endpoint', t.urls.token], ['clock offset', t.clockOffsetSeconds + ' s']]
        .flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { class: 'mono', text: v })]),
    );
    fill($('apis').tBodies[0], t.apis.map((a) => el('tr', {}, td(a.name), el('td', { class: 'mono' }, a.appId, el('br'), a.appIdUri), td(a.version), td(a.scopes.join(', ')), td(a.appRoles.join(', ')))));
    fill($('clients').tBodies[0], t.clients.map((c) => el('tr', {}, td(c.name), td(c.clientId, 'mono'), td(c.credential), td(list(c.appRoles), 'pre'), td(list(c.delegatedPermissions), 'pre'))));
    fill($('users').tBodies[0], t.users.map((u) => el('tr', {}, td(u.upn), td(u.name), td(u.oid, 'mono'), td(list(u.appRoles), 'pre'))));
    fill($('keys').tBodies[0], t.keys.map((k) => el('tr', { 'data-kid': k.kid, 'data-state': k.state },
      td(k.kid, 'mono kid'),
      el('td', {}, el('span', { class: 'badge k-' + k.state, text: k.state })),
      td(k.published ? 'published' : 'hidden', k.published ? 'ok' : 'muted'),
      td(new Date(k.createdAt).toLocaleTimeString()),
      el('td', {}, k.state === 'primary' ? '' : el('button', { type: 'button', class: 'secondary small', text: 'remove', onclick: guard(() => removeKey(k.kid)) })),
    )));
    fill($('faults').tBodies[0], t.faults.length === 0
      ? [el('tr', {}, el('td', { colSpan: 5, class: 'muted', text: 'no faults: every endpoint answers normally' }))]
      : t.faults.map((f) => el('tr', { 'data-endpoint': f.endpoint },
        td(f.endpoint), td(f.kind + (f.delayMs !== undefined ? ' ' + f.delayMs + ' ms' : ''), 'bad'), td(f.since), td(f.until || 'until cleared'),
        el('td', {}, el('button', { type: 'button', class: 'secondary small', text: 'clear', onclick: guard(() => clearFault(f.endpoint)) })))));
    if (document.activeElement !== $('clock')) $('clock').value = String(t.clockOffsetSeconds);
  }

  async function rotate() {
    const overlap = $('overlap').value;
    const r = await call('POST', tenantPath('/keys/rotate'), overlap ? { overlapSeconds: Number(overlap) } : {});
    status('rotated: primary is now ' + r.primary.kid);
    await loadDirectory();
  }
  async function addKey() {
    const r = await call('POST', tenantPath('/keys'), { state: $('add-state').value });
    status('added ' + r.key.state + ' key ' + r.key.kid);
    await loadDirectory();
  }
  async function removeKey(kid) {
    await call('DELETE', tenantPath('/keys/' + encodeURIComponent(kid)));
    status('removed key ' + kid);
    await loadDirectory();
  }
  async function setFault() {
    const body = { kind: $('fault-kind').value };
    if ($('fault-delay').value !== '') body.delayMs = Number($('fault-delay').value);
    if ($('fault-for').value !== '') body.forSeconds = Number($('fault-for').value);
    const r = await call('PUT', tenantPath('/faults/' + $('fault-endpoint').value), body);
    status('fault set: ' + r.fault.endpoint + ' ' + r.fault.kind);
    await loadDirectory();
  }
  async function clearFault(endpoint) {
    await call('DELETE', tenantPath('/faults' + (endpoint ? '/' + endpoint : '')));
    status(endpoint ? 'cleared the ' + endpoint + ' fault' : 'cleared all faults');
    await loadDirectory();
  }
  async function setClock() {
    const r = await call('PUT', tenantPath('/clock'), { offsetSeconds: Number($('clock').value || 0) });
    status('clock offset ' + r.offsetSeconds + ' s');
    await loadDirectory();
  }

  // --- mint ---------------------------------------------------------------------------------------
  async function loadVariants() {
    const data = await call('GET', '/_admin/variants');
    state.variants = data.variants;
    const groups = { accept: 'accepted', reject: 'rejected', either: 'either' };
    for (const [expect, label] of Object.entries(groups)) {
      const group = el('optgroup', { label: 'expected: ' + label });
      group.append(...data.variants.filter((v) => v.expect === expect).map((v) => el('option', { value: v.name, text: v.name })));
      $('variant').append(group);
    }
  }

  function chooseVariant() {
    const v = state.variants.find((x) => x.name === $('variant').value);
    $('variant-expect').replaceChildren();
    $('variant-info').textContent = '';
    if (!v) {
      state.variantRecipe = '';
      return;
    }
    state.variantRecipe = JSON.stringify(v.recipe, null, 2);
    $('recipe').value = state.variantRecipe;
    $('variant-expect').append(expectBadge(v.expect, v.reason), ' ', el('span', { class: 'muted small', text: v.level.toUpperCase() + (v.attack ? ' · attack ' + v.attack : '') }));
    $('variant-info').textContent = v.description;
  }

  function expectBadge(outcome, reason) {
    return el('span', { class: 'badge o-' + outcome, text: outcome + (reason ? ': ' + reason : '') });
  }

  async function mint() {
    let body;
    // The named variant itself when its recipe is untouched, so the answer carries its expectation.
    if ($('variant').value && $('recipe').value === state.variantRecipe) body = { variant: $('variant').value };
    else {
      try { body = JSON.parse($('recipe').value); } catch (e) { throw new Error('the recipe is not JSON: ' + e.message); }
    }
    const r = await call('POST', tenantPath('/tokens'), body);
    $('minted').value = r.token;
    $('token').value = r.token;
    status('minted ' + r.token.length + ' characters' + (r.variant ? ' (variant ' + r.variant.name + ')' : ''));
    await explain(r.variant);
  }

  // --- explain ------------------------------------------------------------------------------------
  const MARK = { pass: '✓', fail: '✗', warn: '!', skip: '–' };

  async function explain(variant) {
    const token = $('token').value;
    if (!token.trim()) throw new Error('paste a token first');
    const e = await call('POST', '/_ui/api/explain', { token, tenant: state.tenant });
    const v = $('verdict');
    v.hidden = false;
    v.className = 'verdict o-' + e.verdict.outcome;
    v.replaceChildren(
      el('b', { text: e.verdict.outcome === 'accept' ? 'Accepted' : e.verdict.outcome === 'reject' ? 'Rejected' + (e.verdict.reason ? ': ' + e.verdict.reason : '') : 'Either outcome is allowed' }),
      el('div', { text: e.verdict.summary }),
    );
    if (variant && variant.name) {
      const agrees = variant.expect === e.verdict.outcome && (!variant.reason || variant.reason === e.verdict.reason);
      v.append(el('div', { class: agrees ? 'ok small' : 'bad small', text: 'variant ' + variant.name + ' expects ' + variant.expect + (variant.reason ? ' (' + variant.reason + ')' : '') + (agrees ? ': agrees' : ': DISAGREES') }));
    }
    const checks = $('checks');
    checks.hidden = false;
    fill(checks.tBodies[0], e.checks.map((c) => el('tr', { class: 'c-' + c.status, 'data-check': c.id, 'data-status': c.status },
      el('td', { class: 'mark', title: c.status, text: MARK[c.status] || '?' }), td(c.title), td(c.reason || '', 'mono'), td(c.detail))));
    const times = $('times');
    times.hidden = e.times.length === 0;
    fill(times.tBodies[0], e.times.map((t) => el('tr', { 'data-claim': t.claim },
      td(t.claim, 'mono'), td(JSON.stringify(t.value), 'mono'), td(t.iso || ''), td(t.relative || 'not a number', t.fromNow !== undefined && t.fromNow < 0 && t.claim === 'exp' ? 'bad' : ''))));
    $('header-json').textContent = e.header ? JSON.stringify(e.header, null, 2) : e.headerText !== undefined ? '(not a JSON object)\n' + e.headerText : '(none)';
    $('claims-json').textContent = e.claims ? JSON.stringify(e.claims, null, 2) : e.payloadText !== undefined ? '(not a JSON object)\n' + e.payloadText : '(none)';
    $('gateway-json').textContent = JSON.stringify(e.gateway, null, 2) + '\n\n' + e.bytes + ' bytes, ' + e.segments + ' segments' + (e.key ? '\nkid names the ' + e.key.state + ' key' : '');
  }

  // --- request log --------------------------------------------------------------------------------
  async function pollLog() {
    const endpoint = $('log-endpoint').value;
    const q = new URLSearchParams({ tenant: state.tenant });
    if (endpoint) q.set('endpoint', endpoint);
    const data = await call('GET', '/_admin/requests?' + q);
    $('log-counts').textContent = data.count + ' requests · ' + Object.entries(data.counts).map(([k, n]) => k + ' ' + n).join(' · ');
    const key = q + ' ' + data.count + ' ' + (data.requests.length ? data.requests[data.requests.length - 1].at : '');
    if (key === state.logKey) return;
    state.logKey = key;
    const rows = data.requests.slice(-200).reverse();
    fill($('requests').tBodies[0], rows.length === 0
      ? [el('tr', {}, el('td', { colSpan: 4, class: 'muted', text: 'nothing yet: discovery, JWKS and token requests appear here' }))]
      : rows.map((r) => el('tr', {}, td(new Date(r.at).toLocaleTimeString()), td(r.endpoint), td(r.method), td(r.path, 'mono'))));
  }
  async function clearLog() {
    const r = await call('DELETE', '/_admin/requests');
    status('cleared ' + r.cleared + ' log entries');
    state.logKey = '';
    await pollLog();
  }

  let polling = false;
  async function tick() {
    if (polling || !$('follow').checked) return;
    polling = true;
    try {
      await Promise.all([pollLog(), loadDirectory()]);
    } catch (e) {
      status('polling: ' + e.message, true);
    } finally {
      polling = false;
    }
  }

  // --- wiring -------------------------------------------------------------------------------------
  $('tenant').addEventListener('change', () => { state.tenant = $('tenant').value; state.dirKey = ''; state.logKey = ''; guard(loadDirectory)(); guard(pollLog)(); });
  $('rotate').addEventListener('click', guard(rotate));
  $('add-key').addEventListener('click', guard(addKey));
  $('fault-set').addEventListener('click', guard(setFault));
  $('fault-clear-all').addEventListener('click', guard(() => clearFault('')));
  $('clock-set').addEventListener('click', guard(setClock));
  $('variant').addEventListener('change', chooseVariant);
  $('mint').addEventListener('click', guard(mint, $('mint-error')));
  $('explain').addEventListener('click', guard(() => explain(), $('explain-error')));
  $('log-endpoint').addEventListener('change', () => { state.logKey = ''; guard(pollLog)(); });
  $('log-clear').addEventListener('click', guard(clearLog));

  guard(async () => {
    await Promise.all([loadDirectory(), loadVariants()]);
    await pollLog();
    document.body.dataset.ready = 'true';
    status('ready');
  })();
  setInterval(tick, 1500);
})();
