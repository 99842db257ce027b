// The toxiscope explorer: Encode, Steer and Compare views over the serve API on the same origin (no other requests).
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const MAX_DEFAULT_FEATURES = 10;
  const LENS_TOKENS = 5;
  const TOP_AT_TOKEN = 5;
  // Every active feature of a token (a top-k SAE code has at most k, and the route allows 256), so absent means 0.
  const ALL_ACTIVE = 256;
  let info = null;
  // "layer:feature" -> Promise of its logit-lens tokens, so a hovered feature is asked for once.
  const lens = new Map();

  // ---- requests and errors ------------------------------------------------------------------------------------
  function headers() {
    const h = { 'Content-Type': 'application/json' };
    const key = $('api-key').value.trim();
    if (key) h.Authorization = 'Bearer ' + key;
    return h;
  }

  async function failure(response) {
    let message = 'HTTP ' + response.status;
    try {
      const body = await response.json();
      if (body && body.error) message = body.error.code + ' ' + body.error.status + ': ' + body.error.message;
    } catch (ignored) {
      // A body that is not the JSON error shape: the status line is all there is to say.
    }
    return new Error(message);
  }

  async function call(path, body, raw) {
    const response = await fetch(path, body === undefined ? { headers: headers() }
      : { method: 'POST', headers: headers(), body: JSON.stringify(body) });
    if (!response.ok) throw await failure(response);
    return raw ? response : response.json();
  }

  function showError(where, error) {
    $('messages').textContent = where + ': ' + (error && error.message ? error.message : String(error));
  }

  function clearError() {
    $('messages').textContent = '';
  }

  async function busy(button, region, work) {
    button.disabled = true;
    region.setAttribute('aria-busy', 'true');
    try {
      clearError();
      await work();
    } catch (error) {
      showError(button.textContent, error);
    } finally {
      button.disabled = false;
      region.setAttribute('aria-busy', 'false');
    }
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === 'class') node.className = value;
      else node.setAttribute(name, value);
    }
    for (const child of children) node.append(child);
    return node;
  }

  function fmt(v) {
    const a = Math.abs(v);
    return a === 0 ? '0' : a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
  }

  function quoted(tokens) {
    return tokens.map((t) => JSON.stringify(t)).join(' ');
  }

  function integer(input, name) {
    const n = Number(input.value);
    if (input.value.trim() === '' || !Number.isInteger(n) || n < 0) {
      throw new Error(name + ': "' + input.value + '" is not a whole number >= 0');
    }
    return n;
  }

  function ctrlEnterSubmits(textarea) {
    textarea.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        textarea.form.requestSubmit();
      }
    });
  }

  // ---- tabs (WAI-ARIA tabs with automatic activation) ------------------------------------------------------------
  const tabs = [...document.querySelectorAll('[role=tab]')];

  function selectTab(tab) {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute('aria-controls')).hidden = !on;
    }
    tab.focus();
    hideTip();
  }

  tabs.forEach((tab, i) => {
    tab.addEventListener('click', () => selectTab(tab));
    tab.addEventListener('keydown', (e) => {
      const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
      if (next === undefined) return;
      e.preventDefault();
      selectTab(tabs[(next + tabs.length) % tabs.length]);
    });
  });

  // ---- bundle info ------------------------------------------------------------------------------------------------
  function fillLayers(select) {
    select.replaceChildren(...info.layers.map((l) => el('option', { value: l }, 'layer ' + l)));
  }

  function byWeight() {
    return [...(info.features || [])].sort((x, y) => Math.abs(y.weight) - Math.abs(x.weight));
  }

  async function loadInfo() {
    try {
      info = await call('/v1/info');
    } catch (error) {
      $('info').textContent = 'The bundle could not be read.';
      showError('Bundle info', error);
      return;
    }
    clearError();
    $('info').textContent = 'Bundle ' + info.bundle + ' · ' + info.dtype + ' · model ' + info.model + ' · SAE '
      + info.sae + ' · labels ' + info.labels.join(', ') + ' · layers ' + info.layers.join(', ');
    ['encode-layer', 'steer-layer', 'compare-layer'].forEach((id) => fillLayers($(id)));
    const shade = $('encode-shade');
    const group = el('optgroup', { label: "one of the classifier's features" });
    for (const f of byWeight().slice(0, 50)) {
      group.append(el('option', { value: 'f:' + f.layer + ':' + f.feature },
        'layer ' + f.layer + ' feature ' + f.feature + ' (weight ' + fmt(f.weight) + ')'));
    }
    if (group.children.length) shade.insertBefore(group, shade.lastElementChild);
    const first = byWeight()[0];
    if (first) {
      $('steer-layer').value = String(first.layer);
      $('steer-feature').value = String(first.feature);
      $('encode-layer').value = String(first.layer);
      $('encode-feature').value = String(first.feature);
    }
  }

  $('api-key').addEventListener('change', () => {
    if (!info) loadInfo();
  });

  // ---- logit lens (hover details and the compare table) -----------------------------------------------------------
  function lensOf(layer, features) {
    const missing = [...new Set(features)].filter((f) => !lens.has(layer + ':' + f));
    if (missing.length) {
      const answer = call('/v1/explain', { layer, features: missing, tokens: LENS_TOKENS });
      for (const f of missing) {
        const one = answer.then((r) => (r.features.find((x) => x.feature === f) || { logit_lens: [] }).logit_lens);
        // A failed look-up is forgotten, so the next hover asks again.
        one.catch(() => lens.delete(layer + ':' + f));
        lens.set(layer + ':' + f, one);
      }
    }
    return Promise.all(features.map((f) => lens.get(layer + ':' + f)));
  }

  // ---- Encode -----------------------------------------------------------------------------------------------------
  let encoded = null;

  $('encode-shade').addEventListener('change', () => {
    const typed = $('encode-shade').value === 'typed';
    $('encode-layer').disabled = !typed;
    $('encode-feature').disabled = !typed;
  });
  $('encode-values').addEventListener('change', () => {
    $('encode-tokens').classList.toggle('novalues', !$('encode-values').checked);
  });
  ctrlEnterSubmits($('encode-text'));

  function chosenFeatures() {
    const shade = $('encode-shade').value;
    if (shade === 'typed') {
      return [{ layer: Number($('encode-layer').value), feature: integer($('encode-feature'), 'Feature id') }];
    }
    if (shade.startsWith('f:')) {
      const [, layer, feature] = shade.split(':').map(Number);
      return [{ layer, feature }];
    }
    return null;
  }

  // The features behind this text's score first, then the classifier's heaviest, on the layers encoded.
  function defaultFeatures(result) {
    const seen = new Set();
    const picked = [];
    const candidates = [...(result.top_features || []), ...byWeight()];
    for (const f of candidates) {
      const key = f.layer + ':' + f.feature;
      if (picked.length >= MAX_DEFAULT_FEATURES || seen.has(key) || !info.layers.includes(f.layer)) continue;
      seen.add(key);
      picked.push({ layer: f.layer, feature: f.feature });
    }
    return picked;
  }

  function renderScore(result) {
    const toxic = result.toxic === 1;
    const decision = el('span', { class: 'decision' + (toxic ? ' toxic' : '') }, toxic ? 'toxic' : 'not toxic');
    const box = el('div', { class: 'score', id: 'encode-score-line' },
      el('span', {}, 'Toxicity score'), el('span', { class: 'value', id: 'encode-score-value' },
        result.toxic_score.toFixed(3)), decision);
    const others = info.labels.filter((l) => l !== 'toxic' && (l + '_score') in result);
    if (others.length) {
      box.append(el('span', { class: 'labels' }, others.map((l) => l + ' ' + result[l + '_score'].toFixed(3) + ' ('
        + (result[l] === 1 ? l : 'not ' + l) + ')').join(' · ')));
    }
    $('encode-score').replaceChildren(box);
  }

  // Activation of each picked feature at each position: 0 where the feature is not active there.
  function activations(features, picked) {
    const n = features.tokens.length;
    const out = picked.map(() => new Float64Array(n));
    for (const layer of features.layers) {
      picked.forEach((p, i) => {
        if (p.layer !== layer.layer) return;
        layer.per_token.forEach((top, t) => {
          const hit = top.find((x) => x.id === p.feature);
          if (hit) out[i][t] = hit.value;
        });
      });
    }
    return out;
  }

  function renderTokens(features, picked) {
    const acts = activations(features, picked);
    const maxima = acts.map((a) => Math.max(0, ...a));
    const box = $('encode-tokens');
    box.replaceChildren();
    box.classList.toggle('novalues', !$('encode-values').checked);
    features.tokens.forEach((token, t) => {
      // The strongest picked feature here, relative to its own maximum over the text.
      let best = -1;
      let share = 0;
      acts.forEach((a, i) => {
        if (maxima[i] > 0 && a[t] / maxima[i] > share) {
          share = a[t] / maxima[i];
          best = i;
        }
      });
      const step = share <= 0 ? 0 : 1 + Math.min(3, Math.floor(share * 4));
      const value = best < 0 ? 0 : acts[best][t];
      const shown = token.replace(/\n/g, '\u21b5').replace(/\t/g, '\u21e5');
      const what = best < 0 ? 'no picked feature active'
        : 'layer ' + picked[best].layer + ' feature ' + picked[best].feature + ' = ' + fmt(value);
      const span = el('span', {
        class: 'tok s' + step, tabindex: t === 0 ? '0' : '-1', 'data-t': String(t), 'data-step': String(step),
        'aria-label': 'token ' + t + ' ' + JSON.stringify(token) + ': ' + what,
      }, el('span', { class: 't' }, shown), el('span', { class: 'v' }, best < 0 ? '' : fmt(value)));
      box.append(span);
    });
    const names = picked.map((p) => 'L' + p.layer + ' #' + p.feature).join(', ');
    $('encode-legend').replaceChildren(
      (picked.length === 1 ? 'Shade, underline weight and number: the activation of ' + names + ' ('
        : 'Shade, underline weight and number: the strongest at each token of ' + picked.length
          + ' classifier features, relative to its own maximum over the text (' + names + '); ')
      + 'steps ', ...[1, 2, 3, 4].map((s) => el('span', { class: 'legend-step s' + s }, '\u2264' + s * 25 + '%')),
      picked.length === 1 ? ' of its maximum ' + fmt(maxima[0]) + ').' : '.');
    encoded = { features, picked, acts };
  }

  $('encode-form').addEventListener('submit', (e) => {
    e.preventDefault();
    if (!info) {
      showError('Encode', new Error('the bundle info is not loaded yet'));
      return;
    }
    busy($('encode-run'), $('encode-result'), async () => {
      hideTip();
      const text = $('encode-text').value;
      const chosen = chosenFeatures();
      const layers = chosen ? [chosen[0].layer] : info.layers;
      const [score, features] = await Promise.all([call('/v1/score', { texts: [text], explain: true }),
        call('/v1/features', { text, layers, k: ALL_ACTIVE })]);
      const result = score.results[0];
      renderScore(result);
      renderTokens(features, chosen || defaultFeatures(result));
    });
  });

  // Roving focus inside the token strip: one tab stop, arrow keys move, Escape hides the details.
  $('encode-tokens').addEventListener('keydown', (e) => {
    const current = e.target.closest('.tok');
    if (!current) return;
    if (e.key === 'Escape') {
      hideTip();
      return;
    }
    const all = [...$('encode-tokens').querySelectorAll('.tok')];
    const i = all.indexOf(current);
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: all.length - 1 }[e.key];
    if (next === undefined || next < 0 || next >= all.length) return;
    e.preventDefault();
    current.tabIndex = -1;
    all[next].tabIndex = 0;
    all[next].focus();
  });
  $('encode-tokens').addEventListener('focusin', (e) => showTip(e.target.closest('.tok')));
  $('encode-tokens').addEventListener('mouseover', (e) => showTip(e.target.closest('.tok')));
  $('encode-tokens').addEventListener('focusout', hideTip);
  // Leaving the strip gives the details back to the focused token, if any.
  $('encode-tokens').addEventListener('mouseleave', () => {
    const focused = document.activeElement && document.activeElement.closest('#encode-tokens .tok');
    if (focused) showTip(focused);
    else hideTip();
  });

  let tipFor = null;

  function hideTip() {
    const tip = $('token-tip');
    tip.hidden = true;
    if (tipFor) tipFor.removeAttribute('aria-describedby');
    tipFor = null;
  }

  function showTip(span) {
    if (!span || !encoded || span === tipFor) return;
    hideTip();
    tipFor = span;
    const t = Number(span.dataset.t);
    const { features, picked, acts } = encoded;
    // Rows: the picked features' values here, then each layer's strongest features at this token.
    const rows = picked.map((p, i) => ({ layer: p.layer, feature: p.feature, value: acts[i][t], why: 'shading' }));
    for (const layer of features.layers) {
      for (const x of layer.per_token[t].slice(0, TOP_AT_TOKEN)) {
        if (!rows.some((r) => r.layer === layer.layer && r.feature === x.id)) {
          rows.push({ layer: layer.layer, feature: x.id, value: x.value, why: 'strongest here' });
        }
      }
    }
    const body = el('tbody');
    const lensCells = rows.map((r) => {
      const cell = el('td', { class: 'lens' }, '\u2026');
      body.append(el('tr', {}, el('td', {}, 'L' + r.layer + ' #' + r.feature), el('td', { class: 'num' }, fmt(r.value)),
        el('td', {}, r.why), cell));
      return cell;
    });
    const tip = $('token-tip');
    tip.replaceChildren(el('strong', {}, 'Token ' + t + ' ' + JSON.stringify(features.tokens[t])),
      el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'Feature'), el('th', {}, 'Value'),
        el('th', {}, 'Why shown'), el('th', {}, 'Logit-lens tokens'))), body));
    const box = span.getBoundingClientRect();
    const panel = $('panel-encode').getBoundingClientRect();
    tip.style.left = Math.max(0, Math.min(box.left - panel.left, panel.width - 520)) + 'px';
    tip.style.top = (box.bottom - panel.top + 6) + 'px';
    tip.hidden = false;
    span.setAttribute('aria-describedby', 'token-tip');
    const layers = [...new Set(rows.map((r) => r.layer))];
    for (const layer of layers) {
      const mine = rows.map((r, i) => ({ r, i })).filter((x) => x.r.layer === layer);
      lensOf(layer, mine.map((x) => x.r.feature)).then((tokens) => {
        if (tipFor !== span) return;
        mine.forEach((x, j) => lensCells[x.i].replaceChildren(quoted(tokens[j])));
      }, (error) => {
        if (tipFor === span) mine.forEach((x) => lensCells[x.i].replaceChildren('unavailable'));
        showError('Logit lens', error);
      });
    }
  }

  // ---- Steer ------------------------------------------------------------------------------------------------------
  ctrlEnterSubmits($('steer-prompt'));

  function alphas() {
    const parts = $('steer-alphas').value.split(/[\s,]+/).filter((s) => s !== '');
    if (!parts.length) throw new Error('Alphas: give at least one number');
    return parts.map((s) => {
      const a = Number(s);
      if (!Number.isFinite(a)) throw new Error('Alphas: "' + s + '" is not a number');
      return a;
    });
  }

  // Reads the server-sent events of one generation into its column as they arrive.
  async function generateInto(column, request) {
    const state = column.querySelector('.state');
    const out = column.querySelector('.continuation');
    state.textContent = 'generating\u2026';
    const response = await call('/v1/generate', request, true);
    if ((response.headers.get('Content-Type') || '').startsWith('application/json')) {
      const whole = await response.json();
      out.textContent = whole.text;
      state.textContent = 'done, ' + whole.tokens.length + ' tokens';
      return;
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let count = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer = (buffer + decoder.decode(value, { stream: true })).replace(/\r\n/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const data = buffer.slice(0, end).split('\n').filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).replace(/^ /, '')).join('\n');
        buffer = buffer.slice(end + 2);
        if (!data) continue;
        const event = JSON.parse(data);
        if (event.error) throw new Error(event.error.code + ' ' + event.error.status + ': ' + event.error.message);
        if (event.done) {
          out.textContent = event.text;
          state.textContent = 'done, ' + count + ' tokens';
          return;
        }
        count++;
        out.textContent += event.token;
        state.textContent = 'generating\u2026 ' + count + ' tokens';
      }
    }
    throw new Error('the stream ended before its last event');
  }

  $('steer-form').addEventListener('submit', (e) => {
    e.preventDefault();
    busy($('steer-run'), $('steer-columns'), async () => {
      const sweep = alphas();
      const layer = Number($('steer-layer').value);
      const feature = integer($('steer-feature'), 'Feature id');
      const prompt = $('steer-prompt').value;
      const base = {
        prompt, max_tokens: integer($('steer-tokens'), 'Tokens'),
        temperature: Number($('steer-temperature').value), seed: Number($('steer-seed').value),
      };
      const columns = sweep.map((alpha) => el('div', { class: 'column', 'data-alpha': String(alpha) },
        el('h3', {}, '\u03b1 = ' + alpha + (alpha === 0 ? ' (unsteered)' : '')),
        el('div', { class: 'state' }, 'waiting'),
        el('p', { class: 'text' }, el('span', { class: 'prompt' }, prompt), el('span', { class: 'continuation' }))));
      $('steer-columns').replaceChildren(...columns);
      const runs = sweep.map((alpha, i) => generateInto(columns[i],
        { ...base, steer: [{ layer, feature, alpha }] }).catch((error) => {
        columns[i].querySelector('.state').textContent = 'failed';
        throw error;
      }));
      const failed = (await Promise.allSettled(runs)).find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    });
  });

  // ---- Compare ----------------------------------------------------------------------------------------------------
  ctrlEnterSubmits($('compare-a'));
  ctrlEnterSubmits($('compare-b'));

  function lines(textarea) {
    return textarea.value.split('\n').map((s) => s.trim()).filter((s) => s !== '');
  }

  // Through the CSSOM, which the page's content security policy allows where a style attribute is refused.
  function bar(side, r) {
    const span = el('span', { class: 'bar ' + side, 'aria-hidden': 'true' });
    span.style.width = 40 * r + 'px';
    return span;
  }

  function rate(r, n) {
    return (100 * r).toFixed(0) + '% (' + Math.round(r * n) + '/' + n + ')';
  }

  $('compare-form').addEventListener('submit', (e) => {
    e.preventDefault();
    busy($('compare-run'), $('compare-result'), async () => {
      const a = lines($('compare-a'));
      const b = lines($('compare-b'));
      const answer = await call('/v1/compare',
        { a, b, layer: Number($('compare-layer').value), top: integer($('compare-top'), 'Features shown') });
      const body = el('tbody');
      answer.features.forEach((f, i) => {
        const d = f.difference;
        body.append(el('tr', {},
          el('td', {}, String(i + 1)), el('td', {}, String(f.feature)),
          el('td', {}, rate(f.rate_a, a.length), bar('a', f.rate_a)),
          el('td', {}, rate(f.rate_b, b.length), bar('b', f.rate_b)),
          el('td', {}, (d > 0 ? '+' : '') + d.toFixed(2)),
          el('td', { class: 'l' }, d > 0 ? 'A' : d < 0 ? 'B' : 'neither'),
          el('td', { class: 'l lens' }, quoted(f.logit_lens || []))));
      });
      const head = el('tr', {}, ...['Rank', 'Feature', 'Rate A', 'Rate B', 'Difference (A \u2212 B)', 'Fires more in',
        'Logit-lens tokens'].map((h, i) => el('th', { scope: 'col', class: i >= 5 ? 'l' : '' }, h)));
      $('compare-result').replaceChildren(answer.features.length
        ? el('table', { class: 'ranked', id: 'compare-table' },
          el('caption', {}, 'Layer ' + answer.layer + ': ' + answer.features.length + ' features ranked by |rate A '
            + '\u2212 rate B| (' + a.length + ' texts in A, ' + b.length + ' in B)'), el('thead', {}, head), body)
        : el('p', {}, 'No feature fires on any of these texts at layer ' + answer.layer + '.'));
    });
  });

  loadInfo();
})();
