/* solar theme: live power figures (schema: theme/README.md), original-image toggle.
   Only enhances; stats go in with textContent only; ES5 for old browsers. */
(function () {
'use strict';
var d = document, root = d.documentElement, STALE = 6e5;
var SKY = { sunny: '\u2600', 'partly-cloudy': '\u26C5', cloudy: '\u2601', rain: '\u2602', snow: '\u2744', unknown: '?' };
var NA = 'not measured', BAD = 'the board\u2019s report could not be read';

function each(sel, fn) {
  var l = d.querySelectorAll(sel);
  for (var i = 0; i < l.length; i++) fn(l[i]);
}
function set(name, text) {
  each('[data-stat="' + name + '"]', function (el) { el.textContent = text; });
}
function num(v) { return typeof v === 'number' && isFinite(v) ? v : null; }
function obj(v) { return v && typeof v === 'object' && !(v instanceof Array) ? v : {}; }
function unit(v, n, u) { return v === null ? NA : v.toFixed(n) + '\u00A0' + u; }
function plural(n, w) { return n + ' ' + w + (n === 1 ? '' : 's'); }
function ago(ms) {
  var m = Math.round(ms / 6e4);
  return m < 1 ? 'less than a minute ago' : plural(m, 'minute') + ' ago';
}
function uptime(s) {
  if (s === null || s < 0) return NA;
  var h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60);
  return h >= 24 ? plural(Math.floor(h / 24), 'day') + ', ' + plural(h % 24, 'hour') : h ? plural(h, 'hour') + ', ' + plural(m, 'minute') : plural(m, 'minute');
}
function clock(tz, now) {
  try {
    if (typeof tz === 'string') return new Date(now).toLocaleTimeString('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit' }) + ' (' + tz + ')';
  } catch (e) { /* unknown zone */ }
  return 'unknown';
}
function days(list) {
  var out = [];
  for (var i = 0; list instanceof Array && i < list.length && out.length < 3; i++) {
    var f = obj(list[i]), date = /^\d{4}-\d\d-\d\d$/.test(f.date) ? new Date(f.date + 'T12:00:00Z') : null;
    if (!date || isNaN(date)) continue;
    var sky = SKY.hasOwnProperty(f.sky) ? f.sky : 'unknown';
    out.push({
      short: date.toLocaleDateString('en-GB', { weekday: 'short', timeZone: 'UTC' }) + ' ' + SKY[sky],
      long: date.toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }) + ': ' + sky.replace('-', ' ') + ' ' + SKY[sky]
    });
  }
  set('forecast', out.length ? out.map(function (x) { return x.short; }).join(' \u00B7 ') : 'none');
  each('[data-stat="forecast-list"]', function (ol) {
    while (ol.firstChild) ol.removeChild(ol.firstChild);
    for (var j = 0; j < (out.length || 1); j++) {
      var li = d.createElement('li');
      li.textContent = out.length ? out[j].long : 'No forecast available.';
      ol.appendChild(li);
    }
  });
}
function level(state, pct) {
  root.setAttribute('data-battery', state);
  if (root.style.setProperty) root.style.setProperty('--battery-level', pct + '%');
  each('.battery-label', function (el) { if (!/\bis-live\b/.test(el.className)) el.className += ' is-live'; });
}

/* Missing, stale or malformed: say so, and show nothing that might be wrong. */
function unknown(why) {
  level('unknown', 0);
  each('[data-stat]', function (el) { el.textContent = 'unknown'; });
  set('battery-short', '?');
  set('status', 'Power figures unknown: ' + why + '.');
  days([]);
}

function show(data, now) {
  if (!data || typeof data !== 'object' || data.schema !== 1) return unknown(BAD);
  var written = typeof data.generated === 'string' ? Date.parse(data.generated) : NaN, age = now - written;
  if (isNaN(written) || age < -STALE) return unknown(BAD);
  if (age > STALE) return unknown('the board last reported ' + ago(age));
  var b = obj(data.battery), p = obj(data.power), s = obj(data.system);
  var pct = num(b.percent), ch = typeof b.charging === 'boolean' ? b.charging : null;
  if (pct !== null && (pct < 0 || pct > 100)) pct = null;
  if (pct !== null) pct = Math.round(pct);
  var state = ch ? 'charging' : ch === false ? 'draining' : '';
  level(pct === null ? 'unknown' : state || 'level', pct || 0);
  set('battery-short', pct === null ? '?' : pct + '%' + (ch === true ? ' \u2600' : ch === false ? ' \u263E' : ''));
  set('battery', pct === null ? 'unknown' : pct + '%' + (state && ', ' + state));
  set('solar-w', unit(num(p.solar_w), 2, 'W'));
  var bw = num(p.battery_w);
  set('battery-w', bw !== null && bw < 0 ? 'none (charging at ' + unit(-bw, 2, 'W') + ')' : unit(bw, 2, 'W'));
  set('load-w', unit(num(p.load_w), 2, 'W'));
  set('voltage', unit(num(b.voltage_v), 2, 'V'));
  set('current', unit(num(b.current_a), 2, 'A'));
  set('cpu-temp', unit(num(s.cpu_temp_c), 1, '\u00B0C'));
  var load = [];
  for (var i = 0; s.load instanceof Array && i < 3; i++) if (num(s.load[i]) !== null) load.push(s.load[i].toFixed(2));
  set('load', load.length ? load.join(', ') : NA);
  set('uptime', uptime(num(s.uptime_s)));
  set('local-time', clock(data.timezone, now));
  set('status', 'Live figures from the board, ' + ago(Math.max(0, age)) + '.');
  days(data.forecast);
}

function load() {
  var url = root.getAttribute('data-stats');
  if (!url || !window.XMLHttpRequest || !window.JSON) return;
  var x = new XMLHttpRequest();
  x.open('GET', url);
  x.timeout = 1e4;
  x.onload = function () {
    if (x.status !== 200) return unknown('the board has not published any');
    var data;
    try { data = JSON.parse(x.responseText); } catch (e) { return unknown(BAD); }
    try { show(data, Date.now()); } catch (e) { unknown(BAD); }
  };
  x.onerror = x.ontimeout = function () { unknown('the board could not be reached'); };
  x.send();
}

/* "View the original image": a link without JS, an in-place toggle with it. */
each('a[data-original-toggle]', function (a) {
  var fig = a.parentNode;
  while (fig && fig.nodeName !== 'FIGURE') fig = fig.parentNode;
  var img = fig && fig.querySelector('img');
  if (!img) return;
  var btn = d.createElement('button'), original = a.getAttribute('href'), dithered = img.getAttribute('src');
  btn.type = 'button';
  btn.className = 'original-toggle';
  btn.textContent = 'Show the original image';
  btn.onclick = function () {
    var on = / is-original/.test(fig.className), src = fig.querySelectorAll('source');
    for (var i = 0; i < src.length; i++) {
      if (on) src[i].setAttribute('srcset', src[i].getAttribute('data-srcset'));
      else { src[i].setAttribute('data-srcset', src[i].getAttribute('srcset')); src[i].removeAttribute('srcset'); }
    }
    img.setAttribute('src', on ? dithered : original);
    fig.className = on ? fig.className.replace(' is-original', '') : fig.className + ' is-original';
    btn.textContent = on ? 'Show the original image' : 'Show the dithered image';
  };
  a.parentNode.replaceChild(btn, a);
});

load();
/* One poll however often this runs (the preview runs it again after updating the page). */
clearInterval(window.solarPoll);
if (d.querySelector('.power-live')) window.solarPoll = setInterval(load, 6e4);
})();
