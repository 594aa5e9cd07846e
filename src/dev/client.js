// solarpress preview: show a new build as soon as it is ready; show a build error over the last good page.
// A new build replaces the page's body in place (a full reload costs a browser most of the time
// between save and seen) and runs the page's scripts again; it reloads the whole page instead when
// the stylesheets or scripts changed, or in browsers without fetch and DOMParser.
(function () {
  if (!window.EventSource) return;
  var current = null;
  var box = null;
  /** The page as last fetched: a build that left it as it was (the follow-up of a save shown at once) changes nothing here. */
  var shown = null;
  var CLIENT = '/__solarpress/client.js';

  function show(error) {
    if (!error) {
      if (box && box.parentNode) box.parentNode.removeChild(box);
      box = null;
      return;
    }
    if (!box) {
      box = document.createElement('pre');
      box.id = 'solarpress-build-error';
      box.setAttribute('role', 'alert');
      box.style.cssText = 'position:fixed;z-index:9999;left:0;right:0;bottom:0;margin:0;max-height:50vh;overflow:auto;padding:1em;background:#300;color:#fee;font:14px/1.4 monospace;white-space:pre-wrap';
      document.body.appendChild(box);
    }
    box.textContent = 'Build failed — showing the last good version.\n\n' + error;
  }

  /** What a page loads: its stylesheets and scripts (not this client), in order. */
  function resources(doc) {
    var out = [];
    var nodes = doc.querySelectorAll('link[rel~="stylesheet"], script[src]');
    for (var i = 0; i < nodes.length; i++) {
      var url = nodes[i].getAttribute('href') || nodes[i].getAttribute('src');
      if (url !== CLIENT) out.push(url);
    }
    return out.join(' ');
  }

  /** Scripts inserted from another document do not run: run a fresh copy of each. */
  function rerun(scripts) {
    for (var i = 0; i < scripts.length; i++) {
      var old = scripts[i];
      if (old.getAttribute('src') === CLIENT || (old.type && !/javascript|module/.test(old.type))) continue;
      var fresh = document.createElement('script');
      for (var a = 0; a < old.attributes.length; a++) fresh.setAttribute(old.attributes[a].name, old.attributes[a].value);
      fresh.text = old.text;
      old.parentNode.replaceChild(fresh, old);
    }
  }

  function update(id) {
    if (!window.fetch || !window.DOMParser) return location.reload();
    fetch(location.href, { cache: 'no-store' })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (id !== current) return; // a newer build is on its way
        if (html === shown) return show(null);
        shown = html;
        var next = new DOMParser().parseFromString(html, 'text/html');
        if (resources(next) !== resources(document)) return location.reload();
        document.title = next.title;
        var attributes = next.documentElement.attributes;
        for (var i = 0; i < attributes.length; i++) document.documentElement.setAttribute(attributes[i].name, attributes[i].value);
        document.documentElement.replaceChild(next.body, document.body);
        box = null;
        // The page's scripts (head and body) enhance the new body as they did the first.
        rerun(document.head.querySelectorAll('script'));
        rerun(document.body.querySelectorAll('script'));
      })
      ['catch'](function () { location.reload(); });
  }

  var events = new EventSource('/__solarpress/events');
  events.addEventListener('build', function (event) {
    var data = JSON.parse(event.data);
    var changed = current !== null && data.id !== current;
    current = data.id;
    if (changed && !data.error) return update(data.id);
    show(data.error);
  });
})();
