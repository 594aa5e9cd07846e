// solarpress preview: reload when a new build is ready; show a build error over the last good page.
(function () {
  if (!window.EventSource) return;
  var current = null;
  var box = null;
  function show(error) {
    if (!error) {
      if (box) box.parentNode.removeChild(box);
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
  var events = new EventSource('/__solarpress/events');
  events.addEventListener('build', function (event) {
    var data = JSON.parse(event.data);
    if (current !== null && data.id !== current) return location.reload();
    current = data.id;
    show(data.error);
  });
})();
