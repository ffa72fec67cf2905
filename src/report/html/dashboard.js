// Filters of the callscore dashboard: no library, no network. The charts are drawn by the
// report in SVG; this only hides what is outside the chosen days or team and spreads the
// remaining days over the chart width (the same formulas as src/report/svg.rs).
(function () {
  'use strict';
  var from = document.getElementById('f-from');
  var to = document.getElementById('f-to');
  var team = document.getElementById('f-team');
  var reset = document.getElementById('f-reset');
  var status = document.getElementById('f-status');
  var body = document.body;
  var MAX_LABELS = Number(body.getAttribute('data-max-labels')) || 10;
  var MAX_BAR = Number(body.getAttribute('data-max-bar')) || 28;

  function inRange(d, a, b) {
    return (!a || d >= a) && (!b || d <= b);
  }

  function r1(v) {
    return Math.round(v * 10) / 10;
  }

  function each(sel, root, fn) {
    Array.prototype.forEach.call((root || document).querySelectorAll(sel), fn);
  }

  // Per-day chart: keep the days in range, spread them over the plot, thin the labels.
  function layoutDays(svg, a, b) {
    var days = (svg.getAttribute('data-days') || '').split(' ').filter(Boolean);
    var vis = days.filter(function (d) { return inRange(d, a, b); });
    var x0 = Number(svg.getAttribute('data-x0'));
    var x1 = Number(svg.getAttribute('data-x1'));
    var bars = svg.getAttribute('data-kind') === 'bar';
    var n = vis.length;
    var pos = {};
    var idx = {};
    vis.forEach(function (d, i) {
      idx[d] = i;
      pos[d] = bars ? x0 + (i + 0.5) * (x1 - x0) / n
        : (n <= 1 ? (x0 + x1) / 2 : x0 + i * (x1 - x0) / (n - 1));
    });
    var step = Math.max(1, Math.ceil(n / MAX_LABELS));
    var w = Math.min(MAX_BAR, (x1 - x0) / Math.max(n, 1) * 0.7);
    var marks = 0;
    each('[data-day]', svg, function (el) {
      var d = el.getAttribute('data-day');
      var x = pos[d];
      var show = x !== undefined;
      if (show) {
        var tag = el.tagName.toLowerCase();
        if (tag === 'circle') {
          el.setAttribute('cx', r1(x));
          marks++;
        } else if (tag === 'rect') {
          el.setAttribute('x', r1(x - w / 2));
          el.setAttribute('width', r1(w));
          marks++;
        } else if (tag === 'text') {
          el.setAttribute('x', r1(x));
          show = idx[d] % step === 0;
        }
      }
      el.style.display = show ? '' : 'none';
    });
    each('g.series', svg, function (g) {
      var ys = {};
      each('circle[data-day]', g, function (c) { ys[c.getAttribute('data-day')] = c.getAttribute('cy'); });
      var path = '';
      var pen = false;
      vis.forEach(function (d) {
        if (ys[d] !== undefined) {
          path += (pen ? 'L' : 'M') + r1(pos[d]) + ' ' + ys[d];
          pen = true;
        } else {
          pen = false;
        }
      });
      var p = g.querySelector('path');
      if (p) p.setAttribute('d', path);
    });
    var empty = svg.querySelector('text.empty');
    if (empty) empty.style.display = marks ? 'none' : '';
  }

  // Row chart: keep the rows of the chosen team and stack them from the top.
  function layoutRows(svg, t) {
    var y0 = Number(svg.getAttribute('data-y0'));
    var h = Number(svg.getAttribute('data-row'));
    var bottom = Number(svg.getAttribute('data-bottom'));
    var k = 0;
    each('g.row', svg, function (g) {
      var tm = g.getAttribute('data-team');
      var show = !t || tm === null || tm === t;
      g.style.display = show ? '' : 'none';
      if (show) {
        g.setAttribute('transform', 'translate(0,' + r1(y0 + k * h) + ')');
        k++;
      }
    });
    var vb = svg.getAttribute('viewBox').split(' ');
    vb[3] = String(r1(y0 + Math.max(k, 1) * h + bottom));
    svg.setAttribute('viewBox', vb.join(' '));
  }

  function apply() {
    var a = from ? from.value : '';
    var b = to ? to.value : '';
    var t = team ? team.value : '';
    if (a && b && a > b) {
      var s = a;
      a = b;
      b = s;
    }
    each('.f', null, function (el) {
      var d = el.getAttribute('data-day');
      var tm = el.getAttribute('data-team');
      var off = (d !== null && !inRange(d, a, b)) || (t !== '' && tm !== null && tm !== t);
      el.classList.toggle('off', off);
      if (t && !off && el.tagName.toLowerCase() === 'details') el.open = true;
    });
    each('table.data tbody', null, function (tb) {
      if (!tb.querySelector('tr.f')) return;
      var nm = tb.querySelector('tr.nomatch');
      if (nm) nm.hidden = tb.querySelector('tr.f:not(.off)') !== null;
    });
    each('svg.daychart', null, function (svg) { layoutDays(svg, a, b); });
    each('svg.rows', null, function (svg) { layoutRows(svg, t); });
    if (status) {
      var all = (status.getAttribute('data-days') || '').split(' ').filter(Boolean);
      var n = all.filter(function (d) { return inRange(d, a, b); }).length;
      status.textContent = (status.getAttribute('data-template') || '')
        .replace('{n}', String(n)).replace('{m}', String(all.length));
    }
  }

  [from, to].forEach(function (el) {
    if (!el) return;
    el.addEventListener('change', apply);
    el.addEventListener('input', apply);
  });
  if (team) team.addEventListener('change', apply);
  if (reset) {
    reset.addEventListener('click', function () {
      if (from) from.value = from.defaultValue;
      if (to) to.value = to.defaultValue;
      if (team) team.value = '';
      apply();
    });
  }
  apply();
}());
