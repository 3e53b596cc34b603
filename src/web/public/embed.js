// Tells the page around an embedded Puente form how tall the form is, so it can size the iframe
// (listen for {type: 'puente:height', height} messages). The form works without it.
(function () {
  if (window.parent === window) return;
  var last = 0;
  function report() {
    var h = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (h === last) return;
    last = h;
    window.parent.postMessage({ type: 'puente:height', height: h, path: location.pathname }, '*');
  }
  window.addEventListener('load', report);
  window.addEventListener('resize', report);
  if (window.ResizeObserver) new ResizeObserver(report).observe(document.body);
  report();
})();
