/* solar theme: live power figures (schema: theme/README.md).
   Only enhances; stats go in with textContent only; ES5 for old browsers. */
(function () {
var d = document, root = d.documentElement, STALE = 6e5;
var SKY = { sunny: '\u2600', 'partly-cloudy': '\u26C5', cloudy: '\u2601', rain: '\u2602', snow: '\u2744', unknown: '?' };
/* Why the figures are unknown, after "the board" */
var NA = 'not measured', BAD = '\u2019s report could not be read';

function each(sel, fn) {
  var l = d.querySelectorAll(sel);
  for (var i = 0; i < l.length; i++) fn(l[i]);
}
function set(name, text) {
  each('[data-stat="' + name + '"]', function (el) { el.textContent = text; });
}
function num(v) { return typeof v === 'number' && isFinite(v) ? v : null; }
function unit(v, u, decimals) { return v === null ? NA : v.toFixed(decimals || 2) + '\u00A0' + u; }
function plural(n, w) { return n + ' ' + w + (n === 1 ? '' : 's'); }
function ago(ms) {
  var m = Math.round(ms / 6e4);
  return (m < 1 ? 'less than a minute' : plural(m, 'minute')) + ' ago';
}
function uptime(s) {
  if (s === null || s < 0) return NA;
  var h = Math.floor(s / 3600), m = plural(Math.floor(s % 3600 / 60), 'minute');
  return h >= 24 ? plural(Math.floor(h / 24), 'day') + ', ' + plural(h % 24, 'hour') : h ? plural(h, 'hour') + ', ' + m : m;
}
function clock(tz, now) {
  try {
    if (typeof tz === 'string') return new Date(now).toLocaleTimeString('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit' }) + ' (' + tz + ')';
  } catch (e) { /* unknown zone */ }
  return 'unknown';
}
/* Up to three days: "Tue ☀ · Wed ☁" in the footer, "Tuesday 24 November: sunny ☀" on the power page. */
function days(list) {
  var short = [], long = [];
  for (var i = 0; list instanceof Array && i < list.length && short.length < 3; i++) {
    var f = list[i] || {}, date = new Date(f.date + 'T12:00:00Z'), sky = SKY.hasOwnProperty(f.sky) ? f.sky : 'unknown';
    if (!/^\d{4}-\d\d-\d\d$/.test(f.date) || isNaN(date)) continue;
    /* "Tuesday 24 November"; its first three letters are the short weekday */
    date = date.toLocaleDateString('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long' });
    short.push(date.slice(0, 3) + ' ' + SKY[sky]);
    long.push(date + ': ' + sky.replace('-', ' ') + ' ' + SKY[sky]);
  }
  set('forecast', short.join(' \u00B7 ') || 'none');
  if (!long.length) long.push('No forecast available.');
  each('[data-stat="forecast-list"]', function (ol) {
    ol.textContent = '';
    for (var j = 0; j < long.length; j++) ol.appendChild(d.createElement('li')).textContent = long[j];
  });
}
/* data-battery also tells the stylesheet that the labels' text is ours now, not battery.css's.
   (Every browser with XMLHttpRequest's onload, which leads here, has style.setProperty.) */
function level(state, pct) {
  root.style.setProperty('--battery-level', pct + '%');
  root.setAttribute('data-battery', state);
}

/* Missing, stale or malformed: say so, and show nothing that might be wrong. */
function unknown(why) {
  level('unknown', 0);
  each('[data-stat]', function (el) { el.textContent = 'unknown'; });
  set('battery-short', '?');
  set('status', 'Power figures unknown: the board' + why + '.');
  days([]);
}

function show(data, now) {
  /* JSON that is not an object has no schema: (5).schema is undefined */
  if (!data || data.schema !== 1) return unknown(BAD);
  var written = typeof data.generated === 'string' ? Date.parse(data.generated) : NaN, age = now - written;
  if (isNaN(written) || age < -STALE) return unknown(BAD);
  if (age > STALE) return unknown(' last reported ' + ago(age));
  /* A part of the wrong type reads as missing fields: (5).percent and 'x'.percent are undefined. */
  var b = data.battery || {}, p = data.power || {}, s = data.system || {}, load = [], i;
  var pct = num(b.percent), ch = b.charging, bw = num(p.battery_w);
  pct = pct === null || pct < 0 || pct > 100 ? null : Math.round(pct);
  var state = ch === true ? 'charging' : ch === false ? 'draining' : '';
  level(pct === null ? 'unknown' : state || 'level', pct || 0);
  set('battery-short', pct === null ? '?' : pct + '%' + (state && (ch ? ' \u2600' : ' \u263E')));
  set('battery', pct === null ? 'unknown' : pct + '%' + (state && ', ' + state));
  set('battery-w', bw < 0 ? 'none (charging at ' + unit(-bw, 'W') + ')' : unit(bw, 'W'));
  /* [data-stat, value, unit, decimals if not 2] */
  var figures = [['solar-w', p.solar_w, 'W'], ['load-w', p.load_w, 'W'], ['voltage', b.voltage_v, 'V'], ['current', b.current_a, 'A'], ['cpu-temp', s.cpu_temp_c, '\u00B0C', 1]];
  for (i = 0; i < figures.length; i++) set(figures[i][0], unit(num(figures[i][1]), figures[i][2], figures[i][3]));
  for (i = 0; s.load instanceof Array && i < 3; i++) if (num(s.load[i]) !== null) load.push(s.load[i].toFixed(2));
  set('load', load.join(', ') || NA);
  set('uptime', uptime(num(s.uptime_s)));
  set('local-time', clock(data.timezone, now));
  set('status', 'Live figures from the board, ' + ago(Math.max(0, age)) + '.');
  days(data.forecast);
}

function load() {
  var url = root.getAttribute('data-stats'), x;
  if (!url) return;
  x = new XMLHttpRequest();
  x.open('GET', url);
  x.timeout = 1e4;
  x.onload = function () {
    if (x.status !== 200) return unknown(' has not published any');
    try { show(JSON.parse(x.responseText), Date.now()); } catch (e) { unknown(BAD); }
  };
  x.onerror = x.ontimeout = function () { unknown(' could not be reached'); };
  x.send();
}

load();
/* One poll however often this runs (the preview runs it again after updating the page). */
clearInterval(window.solarPoll);
if (d.querySelector('.power-live')) window.solarPoll = setInterval(load, 6e4);
})();
