/* DWCP dashboard: polls model.json once a second and updates the page in place (no reload). */
(function () {
  'use strict';
  var root = document.getElementById('dwcp');
  var base = root.getAttribute('data-base');
  var WINDOW_S = 600;              // charts and timeline show the last 10 minutes...
  var MIN_WINDOW_S = 30;           // ...or all there is, at least half a minute
  var POLL_MS = 1000;
  var series = {};                 // op -> {t:[], rate:[], err:[], p50:[], p95:[], p99:[]}
  var lastT = 0;
  var cards = {};                  // op -> {el, charts:{}, ...}
  var model = null;
  var injectorsShown = '';

  var GOOD = ['CLOSED', 'NORMAL', 'HEALTHY', 'CONNECTED'];
  var WARN = ['HALF_OPEN', 'DEGRADED', 'CONNECTING', 'METRICS_ONLY', 'UNKNOWN'];
  var BAD = ['OPEN', 'FORCED_OPEN', 'SEVERELY_DEGRADED', 'EMERGENCY', 'UNHEALTHY', 'DISCONNECTED', 'PARTITIONED', 'REFUSED'];
  function tone(state) {
    if (GOOD.indexOf(state) >= 0) return 'ok';
    if (WARN.indexOf(state) >= 0) return 'warn';
    if (BAD.indexOf(state) >= 0) return 'bad';
    return 'off';
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function $(id) { return document.getElementById(id); }
  function fmt(v, digits) {
    if (v == null || !isFinite(v)) return '–';
    return v.toFixed(digits == null ? 0 : digits);
  }
  function ms(v) {
    if (v == null || !isFinite(v)) return '–';
    if (v >= 1000) return (v / 1000).toFixed(2) + ' s';
    if (v >= 100) return v.toFixed(0) + ' ms';
    if (v >= 1) return v.toFixed(1) + ' ms';
    return (v * 1000).toFixed(0) + ' µs';
  }
  function pct(v, digits) { return v == null || !isFinite(v) ? '–' : (v * 100).toFixed(digits == null ? 1 : digits) + ' %'; }
  function hhmm(t) { var d = new Date(t); return ('0' + d.getHours()).slice(-2) + ':' + ('0' + d.getMinutes()).slice(-2) + (d.getSeconds() ? ':' + ('0' + d.getSeconds()).slice(-2) : ''); }
  function clock(t) { var d = new Date(t); return d.toLocaleTimeString([], {hour12: false}); }
  function left(msLeft) {
    var s = Math.max(0, Math.round(msLeft / 1000));
    var m = Math.floor(s / 60);
    return m >= 60 ? Math.floor(m / 60) + 'h ' + ('0' + (m % 60)).slice(-2) + 'm'
      : m + 'm ' + ('0' + (s % 60)).slice(-2) + 's';
  }
  function last(arr) {
    for (var i = arr.length - 1; i >= 0; i--) if (arr[i] != null) return arr[i];
    return null;
  }

  // ---- charts (uPlot)

  function chart(container, lines, yFmt) {
    var width = Math.max(200, container.clientWidth || 280);
    var opts = {
      width: width, height: 100,
      legend: {show: true, live: false},
      cursor: {show: true, points: {show: false}, drag: {x: false, y: false}},
      scales: {x: {time: true}, y: {range: function (u, min, max) { return [0, max > 0 ? max * 1.15 : 1]; }}},
      axes: [
        {size: 22, font: '10px system-ui', stroke: '#667085', grid: {stroke: '#eef0f4'}, ticks: {show: false},
          values: function (u, vals) { return vals.map(function (v) { return hhmm(v * 1000); }); }},
        {size: 46, font: '10px system-ui', stroke: '#667085', grid: {stroke: '#eef0f4'}, ticks: {show: false},
          values: function (u, vals) { return vals.map(yFmt); }}
      ],
      series: [{}].concat(lines.map(function (l) {
        return {label: l.label, stroke: l.color, width: 1.5, fill: l.fill || null, spanGaps: false,
          points: {show: false}, value: function (u, v) { return v == null ? '–' : yFmt(v); }};
      }))
    };
    var data = [[]].concat(lines.map(function () { return []; }));
    return new uPlot(opts, data, container);
  }

  function buildCard(op) {
    var card = el('div', 'dw-card dw-opcard');
    card.id = 'dw-op-' + op;
    card.setAttribute('data-operation', op);
    var grid = el('div', 'dw-op');
    var info = el('div');
    var head = el('div', 'dw-op-head');
    head.appendChild(el('span', 'dw-op-name', op));
    var breaker = el('span', 'dw-badge dw-breaker', 'no breaker');
    breaker.title = 'circuit breaker state';
    head.appendChild(breaker);
    var accepting = el('span', 'dw-badge dw-bad', '');
    accepting.style.display = 'none';
    head.appendChild(accepting);
    info.appendChild(head);
    var figs = el('div', 'dw-figs');
    var figEls = {};
    [['rate', 'calls/s'], ['err', 'errors'], ['p50', 'P50'], ['p95', 'P95'], ['p99', 'P99'], ['total', 'calls in all']]
      .forEach(function (f) { figs.appendChild(el('span', null, f[1])); figEls[f[0]] = figs.appendChild(el('span', null, '–')); });
    info.appendChild(figs);
    var actions = el('div', 'dw-breaker-actions');
    actions.style.marginTop = '6px';
    var openBtn = el('button', null, 'Force breaker open');
    openBtn.type = 'button';
    openBtn.className = 'dw-force-open';
    openBtn.onclick = function () {
      confirmThen('Force the circuit breaker of "' + op + '" OPEN? Every ' + op + ' call is rejected until someone closes it.',
        {action: 'breaker', operation: op, state: 'forced_open'});
    };
    var closeBtn = el('button', null, 'Close');
    closeBtn.type = 'button';
    closeBtn.className = 'dw-force-close';
    closeBtn.onclick = function () {
      confirmThen('Close the circuit breaker of "' + op + '"? It forgets its measurements and lets calls through.',
        {action: 'breaker', operation: op, state: 'closed'});
    };
    actions.appendChild(openBtn);
    actions.appendChild(document.createTextNode(' '));
    actions.appendChild(closeBtn);
    info.appendChild(actions);
    grid.appendChild(info);

    function box(title) {
      var b = el('div');
      b.appendChild(el('div', 'dw-chart-title', title));
      var c = el('div', 'dw-chart');
      b.appendChild(c);
      grid.appendChild(b);
      return c;
    }
    var rateBox = box('calls / s');
    var errBox = box('error rate');
    var latBox = box('latency');
    card.appendChild(grid);
    var chain = el('div', 'dw-chain');
    card.appendChild(chain);
    $('dw-ops').appendChild(card);
    var c = {
      el: card, breaker: breaker, accepting: accepting, figs: figEls, chain: chain, chainKey: '',
      openBtn: openBtn, closeBtn: closeBtn,
      rate: chart(rateBox, [{label: 'calls/s', color: '#3b7dd8', fill: 'rgba(59,125,216,.12)'}], function (v) { return fmt(v, v < 10 ? 1 : 0); }),
      err: chart(errBox, [{label: 'errors', color: '#d63b3b', fill: 'rgba(214,59,59,.12)'}], function (v) { return pct(v, 0); }),
      lat: chart(latBox, [{label: 'P50', color: '#1f9d55'}, {label: 'P95', color: '#d69e00'}, {label: 'P99', color: '#d63b3b'}], ms)
    };
    cards[op] = c;
    return c;
  }

  function stageSummary(kind, f, op) {
    if (!f) return '';
    function has(k) { return f[k] != null; }
    switch (kind) {
      case 'circuit-breaker':
        return (has('failureRate') && f.failureRate != null ? 'fail ' + pct(f.failureRate, 0) + ' · ' : '') + 'rejected ' + fmt(f.rejected);
      case 'bulkhead':
        return 'in use ' + fmt(f.active) + '/' + fmt(f.maxConcurrentCalls) + (f.queueCapacity ? ' · queued ' + fmt(f.queued) : '');
      case 'rate-limit':
        return (has('rate') ? 'limit ' + fmt(f.rate) + '/s · ' : has('limit') ? 'limit ' + fmt(f.limit) + ' in flight · ' : '') +
          'rejected ' + fmt(f.rejected);
      case 'retry':
        return 'retries ' + fmt(f.retryAttempts) + (f.retriesDeniedByBudget ? ' · denied ' + fmt(f.retriesDeniedByBudget) : '');
      case 'timeout':
        return 'timeout ' + ms(f.currentTimeoutMillis) + ' · expired ' + fmt(f.timeouts);
      case 'load-shed':
        return 'shed ' + fmt(f.shed) + ' · p ' + fmt(f.shedProbability, 2);
      case 'chaos':
        return f.armed ? 'ARMED' : 'disarmed';
      default:
        return firstFigures(f);
    }
  }
  function firstFigures(f) {
    return Object.keys(f).slice(0, 2).map(function (k) { return k + ' ' + fmt(f[k], Math.abs(f[k]) < 10 ? 2 : 0); }).join(' · ');
  }

  function updateChain(c, o) {
    var key = JSON.stringify([o.chain.map(function (s) { return s.kind + s.serviceId; }), o.missing, o.rejected]);
    var chaosArmed = model.chaos && model.chaos.armed;
    if (key !== c.chainKey) {
      c.chainKey = key;
      c.chain.textContent = '';
      c.stageEls = {};
      var kinds = ['chaos', 'load-shed', 'rate-limit', 'bulkhead', 'circuit-breaker', 'retry', 'timeout'];
      var present = {};
      o.chain.forEach(function (s) { present[s.kind] = s; });
      // a slot's rank as the manager orders it (StagePosition): a built-in kind sits between the
      // kinds of their own placed before:kind and after:kind
      var rankOf = function (k) {
        var i = kinds.indexOf(k);
        if (i >= 0) return 3 * i + 1;
        var p = ((present[k] && present[k].position) || 'after:timeout').split(':');
        return 3 * kinds.indexOf(p[1]) + (p[0] === 'after' ? 2 : 0);
      };
      // the stages in use in the manager's order (kinds of their own included), with each missing
      // built-in kind shown in its slot
      var result = o.chain.map(function (s) { return s.kind; });
      o.missing.forEach(function (k) {
        if (result.indexOf(k) >= 0) return;
        var at = 0;
        while (at < result.length && rankOf(result[at]) < rankOf(k)) at++;
        result.splice(at, 0, k);
      });
      result.forEach(function (k, i) {
        if (i > 0) c.chain.appendChild(el('span', 'dw-arrow', '›'));
        var s = present[k];
        var box = el('div', 'dw-stage');
        box.setAttribute('data-kind', k);
        box.appendChild(el('b', null, k));
        if (s) {
          var name = s.bundle.replace(/^io\.dwcp\.resilience\./, '');
          var prov = el('small', null, name + ' ' + s.version.split('.').slice(0, 3).join('.'));
          prov.title = s.bundle + ' ' + s.version + ' · service ' + s.serviceId + ' · ranking ' + s.ranking + ' · scope ' + s.scope +
            (s.position ? ' · slot ' + s.position : '');
          box.appendChild(prov);
          c.stageEls[k] = box.appendChild(el('small', 'dw-stage-state', ''));
        } else {
          box.classList.add('dw-missing');
          var rejecting = o.rejected.indexOf(k) >= 0;
          if (rejecting) box.classList.add('dw-rejecting');
          box.appendChild(el('small', null, rejecting ? 'missing: calls rejected' : 'not installed (bypassed)'));
        }
        c.chain.appendChild(box);
      });
      var opEl = el('div', 'dw-stage');
      opEl.appendChild(el('b', null, 'operation'));
      opEl.appendChild(el('small', null, o.name));
      c.chain.appendChild(el('span', 'dw-arrow', '›'));
      c.chain.appendChild(opEl);
    }
    o.chain.forEach(function (s) {
      var stateEl = c.stageEls[s.kind];
      if (!stateEl) return;
      var box = stateEl.parentNode;
      box.classList.remove('dw-st-ok', 'dw-st-warn', 'dw-st-bad');
      if (s.kind === 'circuit-breaker' && o.breaker) {
        stateEl.textContent = o.breaker + ' · ' + stageSummary(s.kind, s.figures, o.name);
        box.classList.add('dw-st-' + tone(o.breaker));
      } else if (s.kind === 'chaos') {
        stateEl.textContent = chaosArmed ? 'ARMED' : 'disarmed';
        box.classList.add(chaosArmed ? 'dw-st-bad' : 'dw-st-ok');
      } else {
        stateEl.textContent = stageSummary(s.kind, s.figures, o.name);
      }
    });
  }

  function mergeSeries(op, s) {
    var h = series[op] || (series[op] = {t: [], rate: [], err: [], p50: [], p95: [], p99: []});
    for (var i = 0; i < s.t.length; i++) {
      if (h.t.length && s.t[i] <= h.t[h.t.length - 1]) continue;
      h.t.push(s.t[i]); h.rate.push(s.rate[i]); h.err.push(s.err[i]);
      h.p50.push(s.p50[i]); h.p95.push(s.p95[i]); h.p99.push(s.p99[i]);
      if (s.t[i] > lastT) lastT = s.t[i];
    }
    var cut = 0;
    var oldest = model.now - WINDOW_S * 1000;
    while (cut < h.t.length && h.t[cut] < oldest) cut++;
    if (cut > 0) Object.keys(h).forEach(function (k) { h[k].splice(0, cut); });
    return h;
  }

  /** Start of the charts' and timeline's window (ms): ten minutes, or less while less history exists. */
  function windowStart() {
    var first = null;
    Object.keys(series).forEach(function (op) {
      var t = series[op].t;
      if (t.length && (first == null || t[0] < first)) first = t[0];
    });
    var start = model.now - WINDOW_S * 1000;
    if (first != null && first > start) start = Math.min(first, model.now - MIN_WINDOW_S * 1000);
    return start;
  }

  function updateOperations() {
    if (!model.viewPresent) {
      banner('The operators\' read model (bundle io.dwcp.resilience.view) is not running: no chain can be shown.');
    } else if (!model.operations.length) {
      banner('No operation known: is the ResilienceManager (bundle io.dwcp.resilience.manager) running?');
    }
    var xsMin = windowStart() / 1000;
    model.operations.forEach(function (o) {
      var c = cards[o.name] || buildCard(o.name);
      var h = mergeSeries(o.name, o.series);
      var state = o.breaker;
      c.breaker.textContent = state ? state.replace('_', ' ') : 'no breaker';
      c.breaker.className = 'dw-badge dw-breaker dw-' + (state ? tone(state) : 'off');
      c.breaker.setAttribute('data-state', state || '');
      c.openBtn.disabled = !state || state === 'FORCED_OPEN';
      c.closeBtn.disabled = !state || state === 'CLOSED';
      c.accepting.style.display = o.accepting ? 'none' : '';
      c.accepting.textContent = 'REJECTING: ' + o.rejected.join(', ') + ' missing';
      c.figs.rate.textContent = fmt(last(h.rate), 1);
      var err = last(h.err);
      c.figs.err.textContent = pct(err);
      c.figs.err.className = err > 0.05 ? 'dw-t-bad' : err > 0.01 ? 'dw-t-warn' : '';
      c.figs.p50.textContent = ms(last(h.p50));
      c.figs.p95.textContent = ms(last(h.p95));
      c.figs.p99.textContent = ms(last(h.p99));
      c.figs.total.textContent = fmt(o.totals.calls);
      var xs = h.t.map(function (t) { return t / 1000; });
      c.rate.setData([xs, h.rate], false);
      c.err.setData([xs, h.err], false);
      c.lat.setData([xs, h.p50, h.p95, h.p99], false);
      [c.rate, c.err, c.lat].forEach(function (u) {
        u.setScale('x', {min: xsMin, max: model.now / 1000});
      });
      updateChain(c, o);
    });
  }

  // ---- timeline

  var STATE_COLOR = {CLOSED: '#1f9d55', HALF_OPEN: '#d69e00', OPEN: '#d63b3b', FORCED_OPEN: '#a61b1b',
    DISABLED: '#8a94a6', METRICS_ONLY: '#3b7dd8'};

  function updateTimeline() {
    var box = $('dw-timeline');
    var now = model.now, from = windowStart();
    var byOp = {};
    model.timeline.forEach(function (e) {
      if (e.kind === 'breaker') (byOp[e.subject] = byOp[e.subject] || []).push(e);
    });
    if (!box.firstChild) {
      model.operations.forEach(function (o) {
        var row = el('div', 'dw-band');
        row.appendChild(el('span', 'dw-band-label', o.name));
        var cv = document.createElement('canvas');
        cv.setAttribute('data-operation', o.name);
        row.appendChild(cv);
        box.appendChild(row);
      });
      var axis = el('div', 'dw-axis');
      axis.appendChild(el('div'));
      axis.appendChild(el('div', 'dw-ticks'));
      box.appendChild(axis);
    }
    var ticks = box.querySelector('.dw-ticks');
    ticks.textContent = '';
    for (var i = 5; i >= 0; i--) {
      var ago = (now - from) * i / 5 / 1000;
      ticks.appendChild(el('span', null, i === 0 ? 'now' : ago >= 60 ? '−' + (ago / 60).toFixed(ago % 60 ? 1 : 0) + ' min' : '−' + Math.round(ago) + ' s'));
    }
    box.querySelectorAll('canvas').forEach(function (cv) {
      var op = cv.getAttribute('data-operation');
      var o = model.operations.filter(function (x) { return x.name === op; })[0];
      var w = cv.clientWidth || 600, hgt = 16;
      var dpr = window.devicePixelRatio || 1;
      if (cv.width !== Math.round(w * dpr)) { cv.width = Math.round(w * dpr); cv.height = Math.round(hgt * dpr); }
      var g = cv.getContext('2d');
      g.setTransform(dpr, 0, 0, dpr, 0, 0);
      g.clearRect(0, 0, w, hgt);
      var events = (byOp[op] || []).filter(function (e) { return e.t >= from; });
      if (!o || !o.breaker) {
        g.fillStyle = '#eef0f4';
        g.fillRect(0, 0, w, hgt);
        return;
      }
      var state = events.length ? events[0].from : o.breaker;
      var t0 = from;
      function seg(t1, s) {
        var x0 = (t0 - from) / (now - from) * w, x1 = (t1 - from) / (now - from) * w;
        g.fillStyle = STATE_COLOR[s] || '#8a94a6';
        g.fillRect(x0, 0, Math.max(1.5, x1 - x0), hgt);
      }
      events.forEach(function (e) { seg(e.t, state); state = e.to; t0 = e.t; });
      seg(now, o.breaker);
      // a tick where each change happened, so quick flaps stay visible
      g.fillStyle = 'rgba(29,36,51,.55)';
      events.forEach(function (e) { g.fillRect((e.t - from) / (now - from) * w - 0.5, 0, 1, hgt); });
    });
    var list = $('dw-changes');
    var recent = model.timeline.slice(-40).reverse();
    var key = recent.length ? recent[0].t + recent[0].subject + recent.length : '';
    if (list.getAttribute('data-key') === key) return;
    list.setAttribute('data-key', key);
    list.textContent = '';
    if (!recent.length) list.appendChild(el('li', 'dw-muted', 'No state change in the last 30 minutes.'));
    recent.forEach(function (e) {
      var li = el('li');
      li.appendChild(el('time', null, clock(e.t)));
      li.appendChild(el('b', null, e.kind + ' ' + e.subject + ' '));
      if (e.from) li.appendChild(el('span', 'dw-t-' + tone(e.from), e.from));
      if (e.from) li.appendChild(document.createTextNode(' → '));
      li.appendChild(el('span', 'dw-t-' + tone(e.to), e.to));
      if (e.reason) li.appendChild(el('span', 'dw-muted', ' — ' + e.reason));
      list.appendChild(li);
    });
  }

  // ---- budgets, degradation, health, peers, chaos, audit

  function bar(share, label) {
    var b = el('div', 'dw-bar');
    var fill = el('div');
    var v = share == null || !isFinite(share) ? 0 : Math.max(0, Math.min(1, share));
    fill.style.width = (v * 100).toFixed(1) + '%';
    fill.style.background = share == null ? '#8a94a6' : share > 0.5 ? '#1f9d55' : share > 0.2 ? '#d69e00' : '#d63b3b';
    fill.style.opacity = '.75';
    b.appendChild(fill);
    b.appendChild(el('span', null, label));
    return b;
  }

  function rows(tbody, items, render, empty) {
    tbody.textContent = '';
    if (!items.length) {
      var tr = el('tr');
      var td = el('td', 'dw-muted', empty);
      td.colSpan = 8;
      tr.appendChild(td);
      tbody.appendChild(tr);
    }
    items.forEach(function (it) {
      var tr = el('tr');
      render(it).forEach(function (cell) {
        var td = el('td');
        if (cell instanceof Node) td.appendChild(cell); else td.textContent = cell;
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
  }

  /** The share of a budget left; an overspent one says how many times over it is spent. */
  function budgetBar(left, exhausted, suffix) {
    var label = left == null ? '–' : left >= 0 ? pct(left, 0) + ' left' : 'spent ' + (1 - left).toFixed(1) + '×';
    return bar(left, label + (suffix || ''));
  }

  function burn(f, kind) {
    var keys = Object.keys(f).filter(function (k) { return k.indexOf('burnRate_' + kind + '_') === 0; });
    if (!keys.length) return '–';
    var span = el('span');
    keys.sort(function (a, b) { return windowSeconds(a) - windowSeconds(b); });
    // the short and the long window of the fastest alert tell the story; all of them are in the title
    span.title = keys.map(function (k) { return k.substring(('burnRate_' + kind + '_').length) + ' ' + fmt(f[k], 2) + '×'; }).join(', ');
    keys = keys.filter(function (k) { return /_(5m|1h)$/.test(k); }).concat(keys)
      .filter(function (k, i, all) { return all.indexOf(k) === i; }).slice(0, 2);
    keys.forEach(function (k, i) {
      var v = f[k];
      var w = k.substring(('burnRate_' + kind + '_').length);
      var s = el('span', v >= 6 ? 'dw-t-bad' : v >= 1 ? 'dw-t-warn' : '', (i ? ' · ' : '') + w + ' ' + (v == null ? '–' : v.toFixed(v >= 10 ? 0 : 1) + '×'));
      span.appendChild(s);
    });
    return span;
  }
  function windowSeconds(k) {
    var m = /_(\d+)(ms|s|m|h|d)$/.exec(k);
    if (!m) return 0;
    return +m[1] * ({ms: 0.001, s: 1, m: 60, h: 3600, d: 86400})[m[2]];
  }

  function updateBudgets() {
    rows($('dw-budgets').tBodies[0], model.budgets, function (b) {
      var f = b.figures;
      var err = f.remainingBudget;
      var lat = f.latencyRemainingBudget;
      return [b.operation === '*' ? 'all' : b.operation,
        f.objective != null ? pct(f.objective, 2) : '–',
        budgetBar(err, f.exhausted),
        burn(f, 'error'),
        lat == null ? '–' : budgetBar(lat, f.latencyExhausted, f.latencyThresholdMillis ? ' (≤ ' + ms(f.latencyThresholdMillis) + ')' : '')];
    }, 'No SLO budget is configured.');
  }

  function updateDegradation() {
    var d = model.degradation;
    var chip = $('dw-chip-degradation').querySelector('b');
    var lvl = $('dw-degradation-level');
    if (!d) {
      chip.textContent = 'not installed'; chip.className = 'dw-t-off';
      lvl.textContent = 'not installed';
      rows($('dw-degradation').tBodies[0], [], null, 'The degradation bundle is not installed.');
      return;
    }
    var overall = d.components.filter(function (c) { return c.component === '*'; })[0];
    var forced = overall && overall.overridden;
    chip.textContent = d.level + (forced ? ' (forced)' : '');
    chip.className = 'dw-t-' + tone(d.level);
    lvl.textContent = d.level + (forced ? ' — forced until ' + clock(overall.overrideExpires) : ' — automatic');
    lvl.className = 'dw-level dw-t-' + tone(d.level);
    $('dw-degrade-auto').disabled = !forced;
    var shown = d.components.filter(function (c) { return c.component === '*' || c.level !== 'NORMAL' || c.overridden; });
    var normal = d.components.length - shown.length;
    rows($('dw-degradation').tBodies[0], shown, function (c) {
      return [c.component === '*' ? 'overall' : c.component,
        el('span', 'dw-t-' + tone(c.level), c.level + (c.overridden ? ' (forced)' : '')),
        c.reason];
    }, 'No component reported yet.');
    $('dw-features').textContent = (normal ? normal + ' more component' + (normal > 1 ? 's' : '') + ' NORMAL. ' : '') +
      (d.features.length ? 'Features on: ' + d.features.join(', ') : 'Every optional feature is off.');
  }

  function updateHealth() {
    var h = model.health;
    var chip = $('dw-chip-health').querySelector('b');
    if (!h) {
      chip.textContent = 'not installed'; chip.className = 'dw-t-off';
      rows($('dw-health').tBodies[0], [], null, 'The health bundle is not installed.');
      return;
    }
    chip.textContent = h.status; chip.className = 'dw-t-' + tone(h.status);
    $('dw-health-status').textContent = h.status;
    $('dw-health-status').className = 'dw-level dw-t-' + tone(h.status);
    rows($('dw-health').tBodies[0], h.checks, function (c) {
      var s = el('span');
      var dot = el('span', 'dw-dot dw-' + tone(c.status));
      s.appendChild(dot);
      s.appendChild(document.createTextNode(c.status));
      return [c.name, s, c.message, pct(c.successRate, 0)];
    }, 'No health check is registered.');
  }

  function updatePeers() {
    var t = model.transport;
    $('dw-transport-mode').textContent = t ? 'node ' + t.node + ' · port ' + t.port + ' · mode ' + t.mode : 'transport not installed';
    $('dw-node').textContent = t ? 'node ' + t.node + ' · ' + t.mode : '';
    rows($('dw-peers').tBodies[0], t ? t.peers : [], function (p) {
      var s = el('span');
      s.appendChild(el('span', 'dw-dot dw-' + tone(p.state)));
      s.appendChild(document.createTextNode(p.state));
      if (p.lastError) s.title = p.lastError;
      return [p.node + ' (' + p.address + ')', s, p.streamsUp + '/' + p.streamsConfigured, ms(p.rttMillis), p.tier, fmt(p.unacknowledged)];
    }, t ? 'No peer configured.' : 'The DWCP transport is not installed: peers appear here once it is.');
  }

  function updateChaos() {
    var c = model.chaos;
    var chip = $('dw-chip-chaos').querySelector('b');
    var state = $('dw-chaos-state');
    var kill = $('dw-kill');
    var arm = $('dw-arm');
    if (!c) {
      chip.textContent = 'not installed'; chip.className = 'dw-t-off';
      state.textContent = 'not installed'; state.setAttribute('data-armed', 'false');
      kill.disabled = true; arm.disabled = true;
      $('dw-chaos-detail').textContent = 'The chaos engine is not installed (production feature).';
      return;
    }
    var text = c.armed ? 'ARMED — ' + left(c.remainingMillis) + ' left' : c.allowed ? 'disarmed (allowed)' : 'disarmed (not allowed)';
    chip.textContent = c.armed ? 'ARMED ' + left(c.remainingMillis) : c.allowed ? 'allowed, disarmed' : 'off';
    chip.className = c.armed ? 'dw-t-bad' : 'dw-t-ok';
    state.textContent = text;
    state.className = 'dw-level ' + (c.armed ? 'dw-t-bad' : c.allowed ? 'dw-t-warn' : 'dw-t-ok');
    state.setAttribute('data-armed', String(c.armed));
    kill.disabled = !c.armed;
    arm.disabled = !c.allowed;
    arm.title = c.allowed ? '' : 'Chaos is not allowed by configuration (allowed=true in PID dwcp.chaos)';
    var detail = c.armed
      ? 'until ' + clock(c.expiresAt) + ' · probability ' + c.probability + ' · operations ' + c.operations.join(', ') +
        ' · peers ' + c.peers.join(', ') + ' · reason: ' + c.reason
      : (c.reason ? 'last disarmed: ' + c.reason : '');
    detail += ' · injected so far ' + c.totalInjections +
      (c.totalInjections ? ' (' + Object.keys(c.injections).map(function (k) { return k + ' ' + c.injections[k]; }).join(', ') + ')' : '');
    $('dw-chaos-detail').textContent = detail;
    var key = c.available.join(',');
    if (key !== injectorsShown) {
      injectorsShown = key;
      var box = $('dw-arm-injectors');
      box.textContent = '';
      c.available.forEach(function (name) {
        var l = el('label');
        var cb = document.createElement('input');
        cb.type = 'checkbox'; cb.name = 'injector'; cb.value = name;
        l.appendChild(cb);
        l.appendChild(document.createTextNode(' ' + name));
        box.appendChild(l);
      });
      if (c.available.length) box.insertBefore(el('span', 'dw-muted', 'injectors (none ticked = configured): '), box.firstChild);
    }
  }

  function updateAudit() {
    var list = $('dw-audit');
    list.textContent = '';
    if (!model.audit.length) list.appendChild(el('li', 'dw-muted', 'No action taken from this page yet.'));
    model.audit.forEach(function (a) {
      var li = el('li');
      li.appendChild(el('time', null, clock(a.t)));
      li.appendChild(el('b', null, a.user + ' '));
      li.appendChild(document.createTextNode(a.action + ' → '));
      li.appendChild(el('span', a.accepted ? 'dw-t-ok' : 'dw-t-bad', (a.accepted ? '' : 'refused: ') + a.result));
      list.appendChild(li);
    });
  }

  // ---- actions

  var pending = null;
  function confirmThen(text, params) {
    var dialog = $('dw-confirm');
    $('dw-confirm-text').textContent = text;
    pending = params;
    dialog.returnValue = '';
    dialog.showModal();
  }
  $('dw-confirm').addEventListener('close', function () {
    var params = pending;
    pending = null;
    if (this.returnValue === 'ok' && params) act(params);
  });

  function act(params) {
    var body = Object.keys(params).map(function (k) {
      return encodeURIComponent(k) + '=' + encodeURIComponent(params[k]);
    }).join('&');
    fetch(base + '/action', {
      method: 'POST', credentials: 'same-origin',
      headers: {'Content-Type': 'application/x-www-form-urlencoded', 'X-DWCP-Action': '1'},
      body: body
    }).then(function (r) {
      return r.json().catch(function () { return {ok: false, error: 'HTTP ' + r.status}; });
    }).then(function (res) {
      toast(res.ok ? res.message : res.error, !res.ok);
      poll();
    }).catch(function (e) { toast('action failed: ' + e, true); });
  }

  var toastTimer = null;
  function toast(text, error) {
    var t = $('dw-toast');
    t.textContent = text;
    t.className = 'dw-toast' + (error ? ' dw-error' : '');
    t.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { t.hidden = true; }, error ? 9000 : 5000);
  }
  function banner(text) {
    var b = $('dw-banner');
    b.textContent = text || '';
    b.hidden = !text;
  }

  $('dw-kill').addEventListener('click', function () {
    // The kill switch asks once, with the confirmation button already focused: Enter disarms.
    confirmThen('Disarm chaos now? Every fault in effect is reverted at once.', {action: 'chaos-disarm'});
    $('dw-confirm-ok').focus();
  });
  $('dw-arm-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var f = e.target;
    var injectors = Array.prototype.slice.call(f.querySelectorAll('input[name=injector]:checked'))
      .map(function (cb) { return cb.value; }).join(',');
    var p = {action: 'chaos-arm', duration: f.duration.value, probability: f.probability.value,
      operations: f.operations.value, injectors: injectors, reason: f.reason.value};
    confirmThen('Arm chaos for ' + p.duration + '? Faults will be injected into live calls' +
      (p.operations ? ' of ' + p.operations : '') + (p.probability ? ' with probability ' + p.probability : '') + '.', p);
  });
  $('dw-degrade-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var f = e.target;
    confirmThen('Force the degradation level of the whole layer to ' + f.level.value + ' for ' + f.duration.value +
      '? Load shedding and feature flags follow the level at once.',
      {action: 'degrade', level: f.level.value, duration: f.duration.value});
  });
  $('dw-degrade-auto').addEventListener('click', function () {
    confirmThen('Return the degradation level to automatic?', {action: 'degrade-auto'});
  });

  // ---- polling

  var inFlight = false;
  var failures = 0;
  function poll() {
    if (inFlight) return;
    inFlight = true;
    fetch(base + '/model.json?since=' + lastT, {credentials: 'same-origin', cache: 'no-store'})
      .then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status + (r.status === 401 || r.status === 403 ? ' (log in again)' : ''));
        return r.json();
      })
      .then(function (m) {
        model = m;
        failures = 0;
        banner(null);
        updateOperations();
        updateTimeline();
        updateBudgets();
        updateDegradation();
        updateHealth();
        updatePeers();
        updateChaos();
        updateAudit();
        var live = $('dw-live');
        live.textContent = 'live · ' + clock(m.now) + (m.latencyMeasured ? '' : ' · measuring latency');
        live.className = 'dw-live dw-on';
        root.setAttribute('data-ready', 'true');
      })
      .catch(function (e) {
        failures++;
        var live = $('dw-live');
        live.textContent = 'disconnected';
        live.className = 'dw-live dw-lost';
        if (failures > 2) banner('Lost contact with the container: ' + e.message + '. Retrying every second.');
      })
      .then(function () { inFlight = false; });
  }

  window.addEventListener('resize', function () {
    Object.keys(cards).forEach(function (op) {
      var c = cards[op];
      [c.rate, c.err, c.lat].forEach(function (u) {
        var w = u.root.parentNode.clientWidth;
        if (w > 0) u.setSize({width: w, height: 100});
      });
    });
  });

  poll();
  setInterval(poll, POLL_MS);
})();
