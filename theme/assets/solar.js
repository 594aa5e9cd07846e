/* solarpress solar theme: live power figures and the original-image toggle. Everything here only
   enhances: without it, battery.css shows the battery level and "view original" is a plain link.
   Stats text is only ever written with textContent. ES5 on purpose, so old browsers don't choke. */
(function () {
  'use strict';
  var doc = document;
  var root = doc.documentElement;
  var STALE_MS = 10 * 60 * 1000;
  var SKY = { sunny: '\u2600', 'partly-cloudy': '\u26C5', cloudy: '\u2601', rain: '\u2602', snow: '\u2744', unknown: '?' };

  function each(selector, fn) {
    var list = doc.querySelectorAll(selector);
    for (var i = 0; i < list.length; i++) fn(list[i]);
  }
  function setStat(name, text) {
    each('[data-stat="' + name + '"]', function (el) { el.textContent = text; });
  }
  function num(v) {
    return typeof v === 'number' && isFinite(v) ? v : null;
  }
  function obj(v) {
    return v !== null && typeof v === 'object' && !(v instanceof Array) ? v : {};
  }
  function fixed(v, digits, unit) {
    return v === null ? 'not measured' : v.toFixed(digits) + '\u00A0' + unit;
  }
  function plural(n, word) {
    return n + ' ' + word + (n === 1 ? '' : 's');
  }
  function duration(s) {
    if (s === null || s < 0) return 'not measured';
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    if (d > 0) return plural(d, 'day') + ', ' + plural(h, 'hour');
    if (h > 0) return plural(h, 'hour') + ', ' + plural(m, 'minute');
    return plural(m, 'minute');
  }
  function ago(ms) {
    var m = Math.round(ms / 60000);
    return m < 1 ? 'less than a minute ago' : plural(m, 'minute') + ' ago';
  }

  /* The stats as read from the board, or the reason they can't be trusted. */
  function read(data, now) {
    if (data === null || typeof data !== 'object' || data.schema !== 1) return { error: 'unreadable' };
    var written = typeof data.generated === 'string' ? Date.parse(data.generated) : NaN;
    if (isNaN(written)) return { error: 'unreadable' };
    var age = now - written;
    if (age > STALE_MS) return { error: 'stale', age: age };
    if (age < -STALE_MS) return { error: 'unreadable' };
    var battery = obj(data.battery), power = obj(data.power), system = obj(data.system);
    var percent = num(battery.percent);
    if (percent !== null && (percent < 0 || percent > 100)) percent = null;
    return {
      age: Math.max(0, age),
      percent: percent === null ? null : Math.round(percent),
      charging: typeof battery.charging === 'boolean' ? battery.charging : null,
      voltage: num(battery.voltage_v),
      current: num(battery.current_a),
      solar: num(power.solar_w),
      batteryW: num(power.battery_w),
      loadW: num(power.load_w),
      uptime: num(system.uptime_s),
      load: system.load instanceof Array ? system.load : null,
      temp: num(system.cpu_temp_c),
      localTime: typeof data.local_time === 'string' ? data.local_time : null,
      timezone: typeof data.timezone === 'string' ? data.timezone : null,
      forecast: data.forecast instanceof Array ? data.forecast.slice(0, 3) : []
    };
  }

  /* The time at the board now, as a wall clock: from its time zone, else from local_time's offset. */
  function boardTime(s, now) {
    if (s.timezone) {
      try {
        return new Date(now).toLocaleTimeString('en-GB', { timeZone: s.timezone, hour: '2-digit', minute: '2-digit' }) + ' (' + s.timezone + ')';
      } catch (e) { /* unknown zone: fall through */ }
    }
    var m = s.localTime && /([+-])(\d\d):?(\d\d)$/.exec(s.localTime);
    if (!m) return 'unknown';
    var offset = (m[1] === '-' ? -1 : 1) * (m[2] * 60 + +m[3]) * 60000;
    var t = new Date(now + offset);
    function two(n) { return (n < 10 ? '0' : '') + n; }
    return two(t.getUTCHours()) + ':' + two(t.getUTCMinutes()) + ' (UTC' + m[1] + m[2] + ':' + m[3] + ')';
  }

  function forecastDays(list) {
    var days = [];
    for (var i = 0; i < list.length; i++) {
      var f = obj(list[i]);
      var date = typeof f.date === 'string' && /^\d{4}-\d\d-\d\d$/.test(f.date) ? new Date(f.date + 'T12:00:00Z') : null;
      if (!date || isNaN(date.getTime())) continue;
      var sky = typeof f.sky === 'string' && SKY.hasOwnProperty(f.sky) ? f.sky : 'unknown';
      days.push({
        day: date.toLocaleDateString('en-GB', { weekday: 'short', timeZone: 'UTC' }),
        long: date.toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }),
        sky: sky.replace('-', ' '),
        symbol: SKY[sky]
      });
    }
    return days;
  }

  function showForecast(days) {
    setStat('forecast', days.length ? days.map(function (d) { return d.day + ' ' + d.symbol; }).join(' \u00B7 ') : 'none');
    each('[data-stat="forecast-list"]', function (list) {
      while (list.firstChild) list.removeChild(list.firstChild);
      var items = days.length ? days : [{ long: 'No forecast', sky: 'the board has none', symbol: '' }];
      for (var i = 0; i < items.length; i++) {
        var li = doc.createElement('li');
        li.textContent = items[i].long + ': ' + items[i].sky + (items[i].symbol ? ' ' + items[i].symbol : '');
        list.appendChild(li);
      }
    });
  }

  function setLevel(state, percent) {
    root.setAttribute('data-battery', state);
    if (root.style.setProperty) root.style.setProperty('--battery-level', percent + '%');
    each('.battery-label', function (el) { el.className = el.className.replace(/\s*\bis-live\b/, '') + ' is-live'; });
  }

  function showUnknown(why, age) {
    setLevel('unknown', 0);
    var status = why === 'stale'
      ? 'Power figures unknown: the board last reported ' + ago(age) + '.'
      : why === 'missing'
        ? 'Power figures unknown: the board has not published any.'
        : 'Power figures unknown: the board\u2019s report could not be read.';
    setStat('battery-short', '?');
    setStat('battery', 'unknown');
    setStat('status', status);
    var names = ['battery-state', 'solar-w', 'battery-w', 'load-w', 'voltage', 'current', 'cpu-temp', 'load', 'uptime', 'local-time', 'generated'];
    for (var i = 0; i < names.length; i++) setStat(names[i], 'unknown');
    showForecast([]);
  }

  function show(s, now) {
    var known = s.percent !== null;
    var symbol = s.charging === true ? ' \u2600' : s.charging === false ? ' \u263E' : '';
    setLevel(!known ? 'unknown' : s.charging === true ? 'charging' : s.charging === false ? 'draining' : 'level', known ? s.percent : 0);
    setStat('battery-short', known ? s.percent + '%' + symbol : '?');
    var state = s.charging === true ? 'charging' : s.charging === false ? 'draining' : 'not measured';
    setStat('battery', known ? s.percent + '%' + (s.charging === null ? '' : ', ' + state) : 'unknown');
    setStat('battery-state', state);
    setStat('solar-w', fixed(s.solar, 2, 'W'));
    setStat('battery-w', s.batteryW === null ? 'not measured'
      : s.batteryW < 0 ? 'none (charging at ' + fixed(-s.batteryW, 2, 'W') + ')' : fixed(s.batteryW, 2, 'W'));
    setStat('load-w', fixed(s.loadW, 2, 'W'));
    setStat('voltage', fixed(s.voltage, 2, 'V'));
    setStat('current', fixed(s.current, 2, 'A'));
    setStat('cpu-temp', fixed(s.temp, 1, '\u00B0C'));
    var load = [];
    if (s.load) for (var i = 0; i < s.load.length && i < 3; i++) if (num(s.load[i]) !== null) load.push(s.load[i].toFixed(2));
    setStat('load', load.length ? load.join(', ') : 'not measured');
    setStat('uptime', duration(s.uptime));
    setStat('local-time', boardTime(s, now));
    setStat('generated', ago(s.age));
    setStat('status', 'Live figures from the board, ' + ago(s.age) + '.');
    showForecast(forecastDays(s.forecast));
  }

  function loadStats() {
    var url = root.getAttribute('data-stats');
    if (!url || !window.XMLHttpRequest || !window.JSON) return;
    var xhr = new XMLHttpRequest();
    xhr.open('GET', url + (url.indexOf('?') < 0 ? '?' : '&') + 't=' + Math.floor(Date.now() / 60000));
    xhr.timeout = 10000;
    xhr.onload = function () {
      var now = Date.now();
      if (xhr.status !== 200) return showUnknown('missing');
      var s;
      try { s = read(JSON.parse(xhr.responseText), now); } catch (e) { s = { error: 'unreadable' }; }
      if (s.error) return showUnknown(s.error, s.age);
      try { show(s, now); } catch (e) { showUnknown('unreadable'); }
    };
    xhr.onerror = xhr.ontimeout = function () { showUnknown('missing'); };
    xhr.send();
  }

  /* "View the original image": a link without JS; with JS, a button that swaps the image in place. */
  function originals() {
    each('a[data-original-toggle]', function (link) {
      var figure = link.parentNode;
      while (figure && figure.nodeName !== 'FIGURE') figure = figure.parentNode;
      var img = figure && figure.querySelector('img');
      if (!img) return;
      var button = doc.createElement('button');
      button.type = 'button';
      button.className = 'original-toggle';
      button.setAttribute('data-theme-control', '');
      button.textContent = 'Show the original image';
      var original = link.getAttribute('href');
      var dithered = img.getAttribute('src');
      button.onclick = function () {
        var showing = figure.className.indexOf('is-original') >= 0;
        var sources = figure.querySelectorAll('source');
        for (var i = 0; i < sources.length; i++) {
          var s = sources[i];
          if (showing) s.setAttribute('srcset', s.getAttribute('data-srcset'));
          else { s.setAttribute('data-srcset', s.getAttribute('srcset')); s.removeAttribute('srcset'); }
        }
        img.setAttribute('src', showing ? dithered : original);
        figure.className = showing ? figure.className.replace(/\s*\bis-original\b/, '') : figure.className + ' is-original';
        button.textContent = showing ? 'Show the original image' : 'Show the dithered image';
      };
      link.parentNode.replaceChild(button, link);
    });
  }

  originals();
  loadStats();
  if (doc.querySelector('.power-live')) setInterval(loadStats, 60000);
})();
